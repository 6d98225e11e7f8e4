"""localplatform/stack.py brings up the real topology (PostgreSQL, the service, nginx) and takes it down."""

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

import pytest
import requests

from localplatform.ports import free_ports
from localplatform.processes import process_alive
from localplatform.stack import REPO_ROOT, Stack, StackConfig

TIMEOUT = 10
START_DEADLINE = 90.0


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


def test_stack_serves_site_and_api_through_nginx_then_stops(state_dir, site_dist, site_file_bytes):
    public, service, postgres = free_ports(3)
    config = StackConfig(
        state_dir=state_dir, dist=site_dist, public_port=public, service_port=service,
        postgres_port=postgres, workers=2, durable_postgres=False,
    )
    with Stack(config) as stack:
        pids = {name: int((state_dir / name).read_text()) for name in ["nginx.pid", "service.pid", "postgres.pid"]}
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

    assert not any(process_alive(pid) for pid in pids.values())
    assert not list(state_dir.glob("*.pid"))
    assert all(refuses_connections(port) for port in (public, service, postgres))


def test_stack_stop_command_stops_a_running_stack(state_dir, site_dist):
    public, service, postgres = free_ports(3)
    environment = {
        **os.environ,
        "STACK_STATE_DIR": str(state_dir),
        "STACK_PORT": str(public),
        "STACK_SERVICE_PORT": str(service),
        "STACK_PG_PORT": str(postgres),
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
        assert requests.get(f"http://127.0.0.1:{public}/api/v1/health", timeout=TIMEOUT).status_code == 200

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
    assert all(refuses_connections(port) for port in (public, service, postgres))


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
