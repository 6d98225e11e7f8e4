"""The production server (service/runtime/server.py) as a real process: shutdown, crashes, keep-alive."""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from localplatform.ports import free_ports
from service.runtime.server import build_server
from service.runtime.settings import load_settings

ROOT = Path(__file__).resolve().parents[3]
SLOW_APP = "tests.service.runtime.slow_app:app"
WAIT = 60  # bounds every wait; no assertion depends on how long anything took


def get(port: int, path: str, timeout: float = WAIT) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


class Server:
    def __init__(self, tmp_path: Path, app: str = SLOW_APP, **environ: str):
        self.port = free_ports(1)[0]
        env = {**os.environ, "APP_ENV": "test", "PORT": str(self.port), "WEB_CONCURRENCY": "2", **environ}
        self.log = tmp_path / "server.log"
        with open(self.log, "wb") as sink:
            # Its own process group, so that stop() can take the workers down with the master.
            self.process = subprocess.Popen([sys.executable, "-m", "service.runtime.server", app], cwd=ROOT, env=env,
                                            stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                get(self.port, "/", timeout=2)
                return
            except OSError:
                assert self.process.poll() is None, self.log.read_text()
                time.sleep(0.1)
        raise AssertionError(f"server did not answer:\n{self.log.read_text()}")

    def workers(self) -> set[int]:
        return {child.pid for child in psutil.Process(self.process.pid).children() if _alive(child)}

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(WAIT)


@pytest.fixture
def start(tmp_path):
    started = []

    def start_server(app: str = SLOW_APP, **environ: str) -> Server:
        started.append(Server(tmp_path, app, **environ))
        return started[-1]

    yield start_server
    for server in started:
        server.stop()


def in_flight(port: int, seconds: float) -> tuple[threading.Thread, dict]:
    """Send a request that takes `seconds`, in the background; the dict gets its answer or error."""
    outcome: dict = {}

    def send():
        try:
            outcome["answer"] = get(port, f"/?{seconds}")
        except OSError as error:
            outcome["error"] = error

    thread = threading.Thread(target=send)
    thread.start()
    return thread, outcome


def test_sigterm_finishes_the_request_in_flight_then_exits_cleanly(start):
    server = start(GRACEFUL_TIMEOUT="30")
    thread, outcome = in_flight(server.port, 2)
    time.sleep(0.5)  # the request is being answered
    server.process.send_signal(signal.SIGTERM)
    thread.join(WAIT)
    assert outcome.get("answer", (None, ""))[0] == 200, outcome
    assert outcome["answer"][1].endswith("slept 2.0")
    assert server.process.wait(WAIT) == 0
    with pytest.raises(OSError):
        get(server.port, "/", timeout=2)


def test_a_request_longer_than_the_graceful_timeout_is_cut_off_and_the_server_exits(start):
    server = start(GRACEFUL_TIMEOUT="1")
    thread, outcome = in_flight(server.port, 40)
    time.sleep(0.5)
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(WAIT)  # well before the request's 40 s: the worker was killed
    thread.join(WAIT)
    assert "answer" not in outcome, outcome


def test_a_worker_killed_with_sigkill_is_replaced_and_the_server_keeps_answering(start):
    server = start()
    before = server.workers()
    assert len(before) == 2
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and (victim in server.workers() or len(server.workers()) < 2):
        time.sleep(0.1)
    after = server.workers()
    assert victim not in after and len(after) == 2 and before - {victim} < after
    assert get(server.port, "/")[0] == 200


def test_connections_are_kept_alive_and_do_not_hold_a_worker(start):
    """nginx keeps idle upstream connections open; an idle one must not starve the others."""
    server = start(WEB_CONCURRENCY="1", SERVER_THREADS="1")
    idle = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    idle.request("GET", "/")
    first = idle.getresponse()
    first.read()
    assert first.getheader("connection", "").lower() != "close"
    assert get(server.port, "/", timeout=5)[0] == 200  # another connection is served meanwhile
    idle.request("GET", "/")  # and the idle one is still open for reuse
    assert idle.getresponse().status == 200
    idle.close()


def test_the_service_writes_one_log_line_per_request_and_the_server_none(start, postgres, database):
    server = start("service.runtime.wsgi:app", DATABASE_URL=postgres.url, SECRET_KEY="k" * 40, WEB_CONCURRENCY="1")
    assert get(server.port, "/api/v1/users?limit=1&marker=one-line")[0] == 200
    server.process.send_signal(signal.SIGTERM)
    server.process.wait(WAIT)
    lines = [json.loads(line) for line in server.log.read_text().splitlines()]
    about_it = [line for line in lines if "marker=one-line" in json.dumps(line) or line.get("path") == "/api/v1/users"]
    assert len(about_it) == 1, lines
    assert set(about_it[0]) == {"time", "level", "logger", "message", "request_id", "method", "path", "status",
                                "duration_ms", "ip", "user_id"}
    assert about_it[0]["status"] == 200 and about_it[0]["logger"] == "service.request"


def test_the_server_takes_its_settings(tmp_path):
    settings = load_settings({"APP_ENV": "test", "HOST": "0.0.0.0", "PORT": "9123", "WEB_CONCURRENCY": "3",
                              "SERVER_THREADS": "4", "GRACEFUL_TIMEOUT": "7", "HEADER_READ_TIMEOUT": "9"})
    server = build_server(settings)
    assert (server.bind_addr, server.bind_port, server.workers) == ("0.0.0.0", 9123, 3)
    assert server.blocking_threads == 4 and server.workers_kill_timeout == 7
    assert server.http1_settings.header_read_timeout == 9000 and server.http1_settings.keep_alive
    assert server.respawn_failed_workers and server.workers_lifetime is None and not server.log_access


def _alive(process: psutil.Process) -> bool:
    """A child that exits between the listing and this look (a killed worker being reaped) is gone, not an error."""
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
