"""localplatform/stack.py brings up the real topology (PostgreSQL, the service, nginx, the mail worker
and its SMTP sink) and takes it down."""

from __future__ import annotations

import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest
import requests

from localplatform.mail_sink import link_in
from localplatform.ports import free_ports
from localplatform.processes import process_alive
from localplatform.stack import REPO_ROOT, Stack, StackConfig

TIMEOUT = 10
START_DEADLINE = 90.0
PASSWORD = "Lantern-5150-orbit-quartz"
RESET_SUBJECT = "Reset your password"


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


@pytest.fixture
def state_dir():
    path = Path(tempfile.mkdtemp(prefix="front-stack-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def outbox(stack: Stack) -> list[tuple[str, int]]:
    with psycopg2.connect(stack.postgres.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT status, attempts FROM mail_outbox ORDER BY id")
        return cursor.fetchall()


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout}s"
        time.sleep(0.1)


def ask_for_a_reset_link(stack: Stack, email: str) -> None:
    answer = requests.post(f"{stack.url}/api/v1/auth/password-reset", json={"email": email}, timeout=TIMEOUT)
    assert answer.status_code == 202, answer.text


def test_stack_serves_site_api_and_mail_then_stops(state_dir, site_dist, site_file_bytes):
    public, service, postgres, mail = free_ports(4)
    config = StackConfig(
        state_dir=state_dir, dist=site_dist, public_port=public, service_port=service,
        postgres_port=postgres, mail_port=mail, workers=2, durable_postgres=False, mail_poll_seconds=0.2,
        service_env={"MAIL_RETRY_BASE": "1"},  # the mail-server-down case retries within seconds
    )
    with Stack(config) as stack:
        pids = {name: int((state_dir / name).read_text())
                for name in ["nginx.pid", "service.pid", "mail-worker.pid", "postgres.pid"]}
        assert all(process_alive(pid) for pid in pids.values())

        page = requests.get(stack.url + "/admin", timeout=TIMEOUT)
        assert page.status_code == 200
        assert page.content == site_file_bytes("index.html")

        health = requests.get(stack.url + "/api/v1/health", timeout=TIMEOUT)
        assert health.status_code == 200
        assert health.json() == {"status": "success", "message": "ok"}
        assert health.headers["Cache-Control"] == "no-store"
        assert len(health.headers["X-Request-ID"]) == 32

        ping = requests.get(stack.url + "/api/v1/ping", timeout=TIMEOUT).json()
        assert ping["version"] == (REPO_ROOT / "VERSION").read_text().strip()

        # Real mail: the worker sends over STARTTLS (the sink refuses anything else) to the sink.
        email = "alice@example.com"
        registered = requests.post(f"{stack.url}/api/v1/auth/register", timeout=TIMEOUT,
                                   json={"username": "alice", "email": email, "password": PASSWORD})
        assert registered.status_code == 201, registered.text
        ask_for_a_reset_link(stack, email)
        reset = stack.mail.mailbox.wait_for(email, RESET_SUBJECT)
        assert link_in(reset, f"{stack.url}/reset-password#token=")

        # The mail server goes down: the API still answers at once, the outbox keeps the mail
        # and the worker retries it until the server is back.
        stack.mail.stop()
        ask_for_a_reset_link(stack, email)
        # The worker turns the request into a third mail (after the confirmation and the first
        # link), tries it, and puts it back to wait for its retry.
        wait_until(lambda: len(outbox(stack)) == 3 and outbox(stack)[-1][1] >= 1
                   and outbox(stack)[-1][0] == "pending")
        stack.mail.start()
        stack.mail.mailbox.wait_for(email, RESET_SUBJECT, count=2)
        wait_until(lambda: outbox(stack)[-1][0] == "sent")

    assert not any(process_alive(pid) for pid in pids.values())
    assert not list(state_dir.glob("*.pid"))
    assert all(refuses_connections(port) for port in (public, service, postgres, mail))


def test_stack_stop_command_stops_a_running_stack(state_dir, site_dist):
    public, service, postgres, mail = free_ports(4)
    environment = {
        **os.environ,
        "STACK_STATE_DIR": str(state_dir),
        "STACK_PORT": str(public),
        "STACK_SERVICE_PORT": str(service),
        "STACK_PG_PORT": str(postgres),
        "STACK_MAIL_PORT": str(mail),
        "STACK_WORKERS": "2",
    }
    # The real `make stack` entry point, pointed at the test's tiny site.
    runner = subprocess.Popen(
        [sys.executable, "-c", _RUN_WITH_DIST, str(site_dist)],
        cwd=REPO_ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        banner = _read_line_containing(runner, "Stack up:", START_DEADLINE)
        assert f"http://127.0.0.1:{public}" in banner
        pids = [int(path.read_text()) for path in state_dir.glob("*.pid")]
        assert len(pids) == 5  # the supervisor, nginx, the service, the mail worker, PostgreSQL
        # `make stack` asks for confirmed addresses, as production does: sign-up opens no session.
        registered = requests.post(f"http://127.0.0.1:{public}/api/v1/auth/register", timeout=TIMEOUT,
                                   json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
        assert registered.status_code == 201 and registered.json()["verification_required"] is True
        assert "auth_token" not in registered.json()

        stop = subprocess.run(
            [sys.executable, "-m", "localplatform.stack_command", "stop"],
            cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=60,
        )
        assert stop.returncode == 0, stop.stderr
        assert "Stack stopped." in stop.stdout
        assert runner.wait(timeout=60) == 0
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait(timeout=10)
    assert not any(process_alive(pid) for pid in pids)
    assert all(refuses_connections(port) for port in (public, service, postgres, mail))


_RUN_WITH_DIST = """
import dataclasses, os, sys
from pathlib import Path
from localplatform.stack import StackConfig
from localplatform.stack_command import run_in_foreground
config = dataclasses.replace(StackConfig.from_environ(os.environ), dist=Path(sys.argv[1]))
sys.exit(run_in_foreground(config))
"""


def _read_line_containing(process: subprocess.Popen, needle: str, timeout: float) -> str:
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        if not selector.select(timeout=deadline - time.monotonic()):
            break
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return line
    raise AssertionError(f"no {needle!r} within {timeout}s; output:\n{''.join(seen)}")
