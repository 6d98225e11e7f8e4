"""gunicorn's sync worker, answering the requests gunicorn refuses itself in the API's envelope.

gunicorn refuses some requests before the app sees them (a request line over
limit_request_line: 414; too many or too large headers: 431; a malformed request: 400) and
writes an HTML page through the client socket with gunicorn.util.write_error. The worker hands
Worker.handle_error a socket whose sendall rewrites that page, keeping gunicorn's own status,
logging and connection handling.
"""
from __future__ import annotations

import json

from gunicorn.workers.sync import SyncWorker

MESSAGES = {
    400: "Malformed request.",
    403: "Forbidden.",
    414: "Request URI is too long.",
    417: "Expectation failed.",
    431: "Request headers are too large.",
    501: "Not implemented.",
}


def as_envelope(page: bytes) -> bytes:
    """gunicorn's whole error response (status line, headers, HTML) as a JSON envelope response."""
    status_line = page.split(b"\r\n", 1)[0]
    status = int(status_line.split()[1])
    outcome = "fail" if status < 500 else "error"
    message = MESSAGES.get(status, "Malformed request." if status < 500 else "Internal server error.")
    body = json.dumps({"status": outcome, "message": message}).encode()
    head = (b"%s\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n"
            b"Cache-Control: no-store\r\nContent-Length: %d\r\n\r\n" % (status_line, len(body)))
    return head + body


class _EnvelopeSocket:
    """The client socket, except that what is sent is rewritten by as_envelope."""

    def __init__(self, sock):
        self._sock = sock

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def sendall(self, data: bytes) -> None:
        self._sock.sendall(as_envelope(data))


class JsonErrorSyncWorker(SyncWorker):
    def handle_error(self, req, client, addr, exc):
        super().handle_error(req, _EnvelopeSocket(client), addr, exc)
