"""`make run`'s supervisor, as a real process tree: serve, stop cleanly, restart, survive kill -9."""
import os
import re
import signal
import socket
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


def all_gone(processes, timeout=60) -> bool:
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


def held(port: int) -> socket.socket | None:
    """Listen on `port` as another program would (Mailpit on 8025); None if one already does."""
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", port))
    except OSError:
        holder.close()
        return None
    holder.listen()
    return holder


def test_busy_default_mail_ports_give_way_to_free_ones_and_the_mailbox_address_is_printed(tmp_path, ports):
    port, pg_port = ports
    holders = [held(8025), held(8026)]  # busy either way: held here, or already by someone else
    try:
        server = start(tmp_path, port, pg_port, mail={})
        try:
            assert request(f"http://127.0.0.1:{port}/api/v1/auth/register", "POST",
                           {"username": "alice", "email": "alice@example.com", "password": PASSWORD}).status == 201
            assert len(wait_for_mail(tmp_path / "mail", 1)) == 1  # the sink's new port reached MAIL_URL
        finally:
            server.send_signal(signal.SIGINT)
            assert server.wait(timeout=30) == 0
        output = server.stdout.read().decode()
        [mailbox_port] = re.findall(r"^Mail: http://127\.0\.0\.1:(\d+)/ ", output, re.MULTILINE)
        assert mailbox_port not in ("8025", "8026")
        [sink_port] = re.findall(r"every mail sent to 127\.0\.0\.1:(\d+),", output)
        assert sink_port not in ("8025", "8026", mailbox_port)
        assert "Traceback" not in output
    finally:
        for holder in holders:
            if holder:
                holder.close()


@pytest.mark.parametrize("variable", ["PORT", "MAIL_SINK_PORT", "MAILBOX_PORT"])
def test_a_chosen_port_that_is_busy_is_one_line_naming_its_variable(tmp_path, ports, variable):
    port, pg_port = ports
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    busy = holder.getsockname()[1]
    try:
        env = {**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "APP_ENV")},
               "VAR_DIR": str(tmp_path), "PORT": str(port), "PG_PORT": str(pg_port), **mail_ports(),
               variable: str(busy)}
        result = subprocess.run([sys.executable, "-m", "localplatform.dev_server"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
    finally:
        holder.close()
    assert result.returncode == 1
    assert result.stderr == f"127.0.0.1:{busy} is already in use; choose another port with {variable}=...\n"
    assert not (tmp_path / "pg").exists()  # refused before starting anything


def test_a_pg_port_held_by_another_program_is_one_line_naming_the_variable(tmp_path, ports):
    port, pg_port = ports
    holder = socket.socket()
    holder.bind(("127.0.0.1", pg_port))
    holder.listen()  # answers connections, never speaks PostgreSQL
    try:
        env = {**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "APP_ENV")},
               "VAR_DIR": str(tmp_path), "PORT": str(port), "PG_PORT": str(pg_port), **mail_ports()}
        result = subprocess.run([sys.executable, "-m", "localplatform.dev_server"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
    finally:
        holder.close()
    assert result.returncode == 1
    assert result.stderr == (f"Port {pg_port} is held by another program, not PostgreSQL. Stop it or choose "
                             f"another port (PG_PORT=... make run, STACK_PG_PORT=... make stack).\n")
