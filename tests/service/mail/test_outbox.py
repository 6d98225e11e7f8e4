"""The outbox and the mail worker over real PostgreSQL and a real SMTP server.

A mail server that is down, a worker killed mid-send, two workers at once: nothing is lost.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from localplatform.mail_sink import Mailbox, MailSink, text_of
from localplatform.ports import free_port
from service.data.models import MailOutbox, utcnow
from service.mail.composer import MailComposer
from service.mail.outbox import Outbox
from service.mail.smtp import SmtpSender, parse_smtp_url
from service.mail.worker import MailWorker
from tests.service.conftest import SECRET

ROOT = Path(__file__).resolve().parents[3]
COMPOSER = MailComposer("https://users.example.org", "Users <no-reply@example.org>")


def queue(database, to="bob@example.com"):
    with database.atomic():
        Outbox().enqueue("password_changed", COMPOSER.compose(
            "password_changed", to, username="bob", reset_link="https://users.example.org/forgot-password"))


def worker(database, url, max_attempts=3):
    return MailWorker(database, SmtpSender(parse_smtp_url(url)), max_attempts, retry_base_seconds=30)


def make_due(database):
    MailOutbox.update(next_attempt_at=utcnow() - timedelta(seconds=1)).execute()


def test_a_rolled_back_change_sends_nothing(database):
    with pytest.raises(RuntimeError), database.atomic():
        Outbox().enqueue("password_changed", COMPOSER.compose(
            "password_changed", "bob@example.com", username="bob", reset_link="x"))
        raise RuntimeError("the change failed")
    assert MailOutbox.select().count() == 0


def test_a_mail_server_that_is_down_is_retried_with_backoff_and_nothing_is_lost(database, tmp_path):
    queue(database)
    port = free_port()
    url = f"smtp://127.0.0.1:{port}?tls=off"
    before = utcnow()
    assert worker(database, url).drain() == 0
    row = MailOutbox.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "ConnectionRefused" in row.last_error
    assert before + timedelta(seconds=30) <= row.next_attempt_at <= utcnow() + timedelta(seconds=30)
    assert worker(database, url).drain() == 0 and MailOutbox.get().attempts == 1  # not due yet

    sink = MailSink(tmp_path / "mail", port).start()  # the server comes back
    try:
        make_due(database)
        assert worker(database, url).drain() == 1
    finally:
        sink.stop()
    row = MailOutbox.get()
    assert (row.status, row.attempts, row.message, row.last_error) == ("sent", 2, "", "")
    [delivered] = [path for path in sink.directory.iterdir()]
    assert b"bob@example.com" in delivered.read_bytes()


def test_backoff_doubles_and_is_capped(database):
    w = worker(database, "smtp://127.0.0.1:1?tls=off")
    assert [w.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert w.backoff(30) == timedelta(hours=6)


def test_a_mail_that_keeps_failing_ends_dead_not_retried_forever(database):
    queue(database)
    url = f"smtp://127.0.0.1:{free_port()}?tls=off"
    for _ in range(2):
        make_due(database)
        worker(database, url, max_attempts=2).drain()
    row = MailOutbox.get()
    assert (row.status, row.attempts) == ("dead", 2)
    assert row.message  # kept for an operator to inspect or re-queue
    make_due(database)
    worker(database, url, max_attempts=2).drain()
    assert MailOutbox.get().attempts == 2


class SilentSmtpServer:
    """Accepts connections and never answers: a send through it hangs until killed."""

    def __init__(self):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.connected = threading.Event()
        self._held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self._held.append(connection)
            self.connected.set()

    def close(self):
        for connection in self._held:
            connection.close()
        self._socket.close()


def mail_worker_process(postgres, mail_url, *args):
    env = {**{k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")},
           "APP_ENV": "test", "DATABASE_URL": postgres.url, "SECRET_KEY": SECRET, "MAIL_URL": mail_url}
    return subprocess.Popen([sys.executable, "-m", "service", "mail-worker", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_worker_killed_mid_send_loses_nothing_and_another_skips_its_leased_row(postgres, database, tmp_path):
    queue(database, "first@example.com")
    queue(database, "second@example.com")
    silent = SilentSmtpServer()
    stuck = mail_worker_process(postgres, f"smtp://127.0.0.1:{silent.port}?tls=off", "--once")
    sink = MailSink(tmp_path / "mail", free_port()).start()
    try:
        assert silent.connected.wait(30), "the worker never tried to send"
        # The stuck worker leased the first row; a second worker skips it instead of waiting.
        assert worker(database, sink.url).drain() == 1
        assert [m["To"] for m in _mails(sink)] == ["second@example.com"]

        stuck.send_signal(signal.SIGKILL)  # a crash mid-send
        stuck.wait(30)
        row = MailOutbox.get(MailOutbox.recipient == "first@example.com")
        assert (row.status, row.attempts) == ("sending", 1)  # the attempt counts; the lease runs on
        assert worker(database, sink.url).drain() == 0  # not before the lease expires

        MailOutbox.update(lease_expires_at=utcnow() - timedelta(seconds=1)).where(MailOutbox.id == row.id).execute()
        done = mail_worker_process(postgres, sink.url, "--once")
        out, err = done.communicate(timeout=60)
        assert done.returncode == 0, err
        assert "sent 1 mails" in out
    finally:
        silent.close()
        sink.stop()
    assert sorted(m["To"] for m in _mails(sink)) == ["first@example.com", "second@example.com"]
    assert "signed out on your other devices" in text_of(_mails(sink)[0])
    row = MailOutbox.get(MailOutbox.recipient == "first@example.com")
    assert (row.status, row.attempts, row.lease_expires_at) == ("sent", 2, None)


def test_a_row_whose_worker_keeps_dying_in_the_send_ends_dead(database):
    queue(database)
    MailOutbox.update(status="sending", attempts=3, lease_expires_at=utcnow() - timedelta(seconds=1)).execute()
    assert worker(database, "smtp://127.0.0.1:1?tls=off", max_attempts=3).drain() == 0
    row = MailOutbox.get()
    assert (row.status, row.attempts, row.lease_expires_at) == ("dead", 3, None)
    assert "stopped during the send" in row.last_error


def _mails(sink):
    return Mailbox(sink.directory).messages()


def test_the_worker_polls_until_told_to_stop(postgres, database, tmp_path):
    sink = MailSink(tmp_path / "mail", free_port()).start()
    process = mail_worker_process(postgres, sink.url, "--poll", "0.2")
    try:
        queue(database)
        deadline = time.monotonic() + 30
        while MailOutbox.get().status != "sent" and time.monotonic() < deadline:
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        sink.stop()
    assert MailOutbox.get().status == "sent"


def test_the_worker_outlives_a_pass_that_fails_for_any_reason_and_says_so_with_its_traceback(database, caplog):
    """A bug in one pass (here, resolving link requests) is logged whole; the next pass still runs."""
    passes = []

    def resolve_badly():
        passes.append(1)
        raise RuntimeError("a bug in one pass")

    stop = threading.Event()
    running = MailWorker(database, SmtpSender(parse_smtp_url("smtp://127.0.0.1:1?tls=off")), 3, 1,
                         resolve_requests=resolve_badly)
    thread = threading.Thread(target=running.run, args=(stop, 0.05), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while len(passes) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(10)
    assert len(passes) >= 2
    failures = [r for r in caplog.records if r.getMessage().startswith("mail worker pass failed")]
    assert failures and failures[0].exc_info[0] is RuntimeError
