"""Development and test mail: a real SMTP server (aiosmtpd) that stores every message it
accepts as an .eml file, a reader for those files, and a small mailbox page (development only).

`make run` starts it; the tests start their own on free ports and read what the mail worker sent.
"""
from __future__ import annotations

import email
import email.policy
import html
import os
import re
import threading
import time
import uuid
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller


class _StoreMessages:
    def __init__(self, directory: Path):
        self._directory = directory

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.eml"
        partial = self._directory / f".{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        os.replace(partial, self._directory / name)  # readers never see half a message
        return "250 Message accepted for delivery"


class MailSink:
    """aiosmtpd on (host, port); extra Controller options (TLS, auth) pass straight through."""

    def __init__(self, directory: Path, port: int, host: str = "127.0.0.1", **controller_options):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.host, self.port = host, port
        self._controller = Controller(_StoreMessages(self.directory), hostname=host, port=port,
                                      **controller_options)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}?tls=off"

    def start(self) -> MailSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


class Mailbox:
    """The messages a sink stored, oldest first."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))

    def messages(self, to: str | None = None) -> list[EmailMessage]:
        found = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in self.files()]
        return [m for m in found if to is None or to.lower() in str(m["To"]).lower()]

    def clear(self) -> None:
        for path in self.files():
            path.unlink()

    def wait_for(self, to: str, subject: str, count: int = 1, timeout: float = 30.0) -> EmailMessage:
        """The newest mail to `to` with `subject`, once at least `count` of them have arrived
        (the mail worker delivers after the request that queued the mail has answered)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.messages(to) if m["Subject"] == subject]
            if len(found) >= count:
                return found[-1]
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(found)} of {count} {subject!r} mails to {to} within {timeout:.0f}s; "
                                     f"there are: {[(str(m['To']), str(m['Subject'])) for m in self.messages()]}")
            time.sleep(0.1)


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


LINK = re.compile(r"https?://[^\s<>\"]+")


def link_in(message: EmailMessage, starting_with: str) -> str:
    """The link in the mail's text part that starts with `starting_with`."""
    links = [link for link in LINK.findall(text_of(message)) if link.startswith(starting_with)]
    if not links:
        raise LookupError(f"no link starting with {starting_with} in:\n{text_of(message)}")
    return links[0]


class MailboxPage:
    """http://127.0.0.1:PORT/: the newest messages, each readable as text and as its HTML part."""

    def __init__(self, mailbox: Mailbox, port: int, host: str = "127.0.0.1"):
        handler = type("Handler", (_MailboxHandler,), {"mailbox": mailbox})
        self._server = ThreadingHTTPServer((host, port), handler)
        self.url = f"http://{host}:{port}/"

    def start(self) -> MailboxPage:
        threading.Thread(target=self._server.serve_forever, daemon=True, name="mailbox-page").start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _MailboxHandler(BaseHTTPRequestHandler):
    mailbox: Mailbox
    NEWEST = 50

    def do_GET(self):
        files = self.mailbox.files()[::-1][:self.NEWEST]
        if self.path == "/":
            rows = "".join(
                f'<li><a href="/{path.name}">{html.escape(str(m["Subject"]))}</a> to {html.escape(str(m["To"]))}'
                f' <small>{html.escape(str(m["Date"]))}</small></li>'
                for path, m in ((p, email.message_from_bytes(p.read_bytes(), policy=email.policy.default))
                                for p in files))
            return self._page("Dev mailbox", f"<h1>Dev mailbox</h1><p>Newest first.</p><ol>{rows}</ol>")
        match = [p for p in files if "/" + p.name == self.path]
        if not match:
            return self._page("Not found", "<p>No such message.</p>", status=404)
        message = email.message_from_bytes(match[0].read_bytes(), policy=email.policy.default)
        text = LINK.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html.escape(text_of(message)))
        body = (f'<p><a href="/">All messages</a></p><h1>{html.escape(str(message["Subject"]))}</h1>'
                f'<p>To {html.escape(str(message["To"]))}</p><h2>Text</h2><pre>{text}</pre><h2>HTML</h2>'
                f'<iframe sandbox="allow-popups" title="HTML part" style="width:100%;height:30rem" '
                f'srcdoc="{html.escape(html_of(message))}"></iframe>')
        return self._page(str(message["Subject"]), body)

    def _page(self, title: str, body: str, status: int = 200):
        data = (f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{html.escape(title)}</title>'
                f'<body style="font-family:system-ui;max-width:60rem;margin:auto">{body}</body></html>').encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Referrer-Policy", "no-referrer")  # links here carry reset tokens
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass
