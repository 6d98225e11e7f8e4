"""What the app server does with requests at the edge of HTTP: the app answers, or a bare refusal.

Judged at the HTTP level against a real `python -m service serve`, so the test holds whichever
server runs the app.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from localplatform.http_client import wait_until_up
from localplatform.ports import free_port
from tests.service.conftest import SECRET

ROOT = Path(__file__).resolve().parents[3]
TIMEOUT = 10


@pytest.fixture(scope="module")
def server(postgres):
    port = free_port()
    env = {**os.environ, "APP_ENV": "test", "DATABASE_URL": postgres.url, "SECRET_KEY": SECRET}
    process = subprocess.Popen([sys.executable, "-m", "service", "serve", "--port", str(port), "--workers", "1"],
                               cwd=ROOT, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v1/ping")
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(TIMEOUT)


def exchange(port: int, request: bytes) -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
    return int(status_line.split()[1]), headers, body


def get(path: str, extra_headers: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra_headers}Connection: close\r\n\r\n".encode()


# granian refuses a request itself only when it breaks HTTP/1.1 or carries more than 100
# headers. Long queries and large headers reach the app, which answers in the envelope.
@pytest.mark.parametrize("request_bytes, status, message", [
    (get("/api/v1/users?q=" + "a" * 5000), 200, None),
    (get("/api/v1/users", "Authorization: Bearer " + "a" * 9000 + "\r\n"), 401, "Invalid token."),
], ids=["5 KB query", "9 KB header"])
def test_long_queries_and_headers_reach_the_app_and_get_the_envelope(server, request_bytes, status, message):
    answered, headers, body = exchange(server, request_bytes)
    assert answered == status
    assert headers["content-type"] == "application/json; charset=utf-8"
    envelope = json.loads(body)
    assert envelope["status"] == ("success" if status == 200 else "fail")
    if message:
        assert envelope["message"] == message


# What granian refuses before the app is a bare status line: no page, nothing to parse as HTML.
# nginx refuses long request lines and large headers before they get here (tests/nginx).
@pytest.mark.parametrize("request_bytes, status", [
    (get("/api/v1/users", "".join(f"X-Extra-{n}: 1\r\n" for n in range(120))), 431),
    (get("/api/v1/users?q=" + "a" * 100_000), 414),
    (b"NOT AN HTTP REQUEST\r\n\r\n", 400),
], ids=["120 headers", "100 KB query", "garbage request line"])
def test_refusals_before_the_app_carry_no_page(server, request_bytes, status):
    answered, headers, body = exchange(server, request_bytes)
    assert answered == status
    assert body == b"" and headers["content-length"] == "0"
    assert "content-type" not in headers
