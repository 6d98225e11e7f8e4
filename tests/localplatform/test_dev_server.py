"""`make run`'s supervisor, as a real process tree: serve, stop cleanly, restart, survive kill -9."""
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from localplatform.http_client import request, wait_until_up
from localplatform.mail_sink import Mailbox, text_of
from localplatform.ports import free_port, free_ports

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


def mail_ports() -> dict:
    sink, page = free_ports(2)
    return {"MAIL_SINK_PORT": str(sink), "MAILBOX_PORT": str(page)}


def start(var_dir, port, pg_port, mail=None):
    env = {**{k: v for k, v in os.environ.items()
              if k not in ("DATABASE_URL", "SECRET_KEY", "APP_ENV", "MAIL_URL", "PUBLIC_URL")},
           "VAR_DIR": str(var_dir), "PORT": str(port), "PG_PORT": str(pg_port), "WEB_CONCURRENCY": "2",
           "BCRYPT_ROUNDS": "4", **(mail or mail_ports())}
    process = subprocess.Popen([sys.executable, "-m", "localplatform.dev_server"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_until_up(f"http://127.0.0.1:{port}/api/v1/health")
    return process


def wait_for_mail(directory, count, timeout=60) -> list:
    """The first `count` messages the sink stored, oldest first."""
    deadline = time.monotonic() + timeout
    while len(list(directory.glob("*.eml"))) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return sorted(directory.glob("*.eml"))


def family(process) -> list:
    return psutil.Process(process.pid).children(recursive=True)


def all_gone(processes, timeout=20) -> bool:
    _, alive = psutil.wait_procs(processes, timeout=timeout)
    return not alive


@pytest.fixture
def ports():
    return tuple(free_ports(2))


def test_serves_the_curl_tour_stops_on_ctrl_c_and_keeps_data(tmp_path, ports):
    port, pg_port = ports
    base = f"http://127.0.0.1:{port}/api/v1"
    mail = mail_ports()
    server = start(tmp_path, port, pg_port, mail)
    children = family(server)
    assert len(children) >= 5  # postgres (+ its workers), granian master, 2 workers, the mail worker
    registered = request(f"{base}/auth/register", "POST",
                         {"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    assert registered.status == 201
    token = registered.json["auth_token"]
    assert request(f"{base}/auth/status", headers={"Authorization": f"Bearer {token}"}).status == 200
    assert request(f"{base}/auth/logout", "POST", headers={"Authorization": f"Bearer {token}"}).status == 200
    revoked = request(f"{base}/auth/status", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status == 401 and revoked.json["message"] == "Token revoked."

    # Registering mails a confirmation link, forgot password a reset link: the mail worker
    # delivers both to the sink in var/mail/, shown on the mailbox page.
    assert len(wait_for_mail(tmp_path / "mail", 1)) == 1
    assert request(f"{base}/auth/password-reset", "POST", {"email": "alice@example.com"}).status == 202
    [_, mail_file] = wait_for_mail(tmp_path / "mail", 2)
    confirm_mail, reset_mail = Mailbox(tmp_path / "mail").messages()
    assert re.search(rf"http://127.0.0.1:{port}/verify-email#token=\S+", text_of(confirm_mail))
    assert re.search(rf"http://127.0.0.1:{port}/reset-password#token=\S+", text_of(reset_mail))
    page = request(f"http://127.0.0.1:{mail['MAILBOX_PORT']}/")
    assert page.status == 200 and b"Reset your password" in page.body
    assert request(f"http://127.0.0.1:{mail['MAILBOX_PORT']}/{mail_file.name}").status == 200

    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=30) == 0
    assert all_gone(children)

    again = start(tmp_path, port, pg_port)
    try:
        login = request(f"{base}/auth/login", "POST", {"email": "alice@example.com", "password": PASSWORD})
        assert login.status == 200  # data and the dev secret key survived the restart
        # `make admin`: an admin made beside the running server can log in to it.
        made = subprocess.run(
            [sys.executable, "-m", "localplatform.dev_server", "create-admin", "--username", "boss",
             "--email", "boss@example.com"], cwd=ROOT, capture_output=True, text=True, timeout=60,
            env={**os.environ, "VAR_DIR": str(tmp_path), "PG_PORT": str(pg_port), "ADMIN_PASSWORD": PASSWORD})
        assert made.returncode == 0, made.stderr
        boss = request(f"{base}/auth/login", "POST", {"email": "boss@example.com", "password": PASSWORD})
        assert boss.status == 200 and boss.json["data"]["admin"] is True
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(timeout=30)


def test_kill_9_leaves_no_orphans_and_the_next_run_starts(tmp_path, ports):
    port, pg_port = ports
    server = start(tmp_path, port, pg_port)
    children = family(server)
    server.kill()
    server.wait(timeout=10)
    assert all_gone(children)
    again = start(tmp_path, port, pg_port)
    again.send_signal(signal.SIGINT)
    assert again.wait(timeout=30) == 0


def test_database_url_replaces_the_embedded_database(tmp_path, postgres):
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "APP_ENV", "MAIL_URL")},
           "VAR_DIR": str(tmp_path), "PORT": str(port), "WEB_CONCURRENCY": "1", "DATABASE_URL": postgres.url,
           **mail_ports()}
    server = subprocess.Popen([sys.executable, "-m", "localplatform.dev_server"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v1/health")
        assert not (tmp_path / "pg").exists()  # no embedded server was started
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    assert "PostgreSQL (embedded" not in server.stdout.read().decode()
