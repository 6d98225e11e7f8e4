"""A real HTTP/1.1 server on 127.0.0.1 that stands in for gunicorn behind nginx: it records what
nginx forwarded and imitates the service where the front must not interfere."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICE_THROTTLE_BODY = {"status": "fail", "message": "Too many failed attempts. Try again in 30 seconds."}


@dataclass
class SeenRequest:
    method: str
    path: str
    request_version: str
    client_port: int
    headers: list[tuple[str, str]]
    body_length: int

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


class PeerHandler(BaseHTTPRequestHandler):
    """Echo what arrived; imitate the service where the front must not interfere."""

    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's threaded workers offer

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        seen = SeenRequest(
            method=self.command,
            path=self.path,
            request_version=self.request_version,
            client_port=self.client_address[1],
            headers=list(self.headers.items()),
            body_length=len(body),
        )
        self.server.seen.append(seen)
        if self.path == "/api/v1/auth/peer-throttled":
            self._send(429, SERVICE_THROTTLE_BODY, {"Retry-After": "30"})
            return
        padding = "x" * 4000 if "pad=1" in self.path else ""
        self._send(200, {"status": "success", "path": self.path, "padding": padding}, {})

    def _send(self, status: int, payload: dict, extra_headers: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        # Headers nginx is expected to replace with its own.
        self.send_header("Cache-Control", "max-age=600")
        self.send_header("X-Content-Type-Options", "nosniff")
        # The service echoes the request id too; the client must still see one copy.
        if self.headers.get("X-Request-ID"):
            self.send_header("X-Request-ID", self.headers["X-Request-ID"])
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


class UpstreamPeer:
    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), PeerHandler)
        self._server.daemon_threads = True
        self._server.seen = []
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self._server.server_address
        return f"{host}:{port}"

    @property
    def seen(self) -> list[SeenRequest]:
        return self._server.seen

    def __enter__(self) -> UpstreamPeer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
