"""A mail server slower than PostgreSQL's idle_in_transaction_session_timeout (10 s in
production, and in the test database through create_database): the mail goes out once, the
worker lives on, and a restarted worker does not send it again."""
from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta

from aiosmtpd.controller import Controller

from localplatform.ports import free_port
from service.data import db as database_module
from service.data.models import MailOutbox
from service.mail.worker import MailWorker
from tests.service.mail.test_outbox import queue, worker

ANSWER_AFTER_SECONDS = 12


class _SlowDelivery:
    def __init__(self):
        self.delivered: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(ANSWER_AFTER_SECONDS)
        self.delivered.append(envelope.content)
        return "250 Message accepted for delivery"


def test_a_send_slower_than_the_idle_transaction_timeout_is_delivered_once_and_the_worker_lives(database):
    assert ANSWER_AFTER_SECONDS * 1000 > database_module.IDLE_IN_TRANSACTION_MS
    queue(database)
    slow = _SlowDelivery()
    port = free_port()
    server = Controller(slow, hostname="127.0.0.1", port=port)
    server.start()
    stop = threading.Event()
    running: MailWorker = worker(database, f"smtp://127.0.0.1:{port}?tls=off")
    thread = threading.Thread(target=running.run, args=(stop, 0.2), daemon=True)
    try:
        thread.start()
        deadline = time.monotonic() + ANSWER_AFTER_SECONDS + 20
        while MailOutbox.get().status != "sent" and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert thread.is_alive(), "the worker thread died"
        stop.set()
        thread.join(30)
        assert (MailOutbox.get().status, MailOutbox.get().attempts) == ("sent", 1)
        # A restarted worker finds nothing to send again.
        assert worker(database, f"smtp://127.0.0.1:{port}?tls=off").drain() == 0
    finally:
        stop.set()
        server.stop()
    assert len(slow.delivered) == 1


class _SignalledDelivery(_SlowDelivery):
    """Answers after a short pause, saying when the message has arrived."""

    def __init__(self, pause: float):
        super().__init__()
        self.pause = pause
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.arrived.set()
        await asyncio.sleep(self.pause)
        self.delivered.append(envelope.content)
        return "250 Message accepted for delivery"


def test_a_result_the_database_refused_is_recorded_on_the_next_pass_and_not_sent_again(database, caplog):
    queue(database)
    server_side = _SignalledDelivery(pause=2)
    port = free_port()
    server = Controller(server_side, hostname="127.0.0.1", port=port)
    server.start()
    stop = threading.Event()
    running = worker(database, f"smtp://127.0.0.1:{port}?tls=off")
    thread = threading.Thread(target=running.run, args=(stop, 0.2), daemon=True)
    try:
        thread.start()
        assert server_side.arrived.wait(30)
        # While the mail is on the wire, the worker's database connection goes away.
        database.execute_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        deadline = time.monotonic() + 30
        while MailOutbox.get().status != "sent" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert thread.is_alive()
        assert (MailOutbox.get().status, MailOutbox.get().attempts) == ("sent", 1)
        assert any(r.getMessage().startswith("mail worker cannot reach the database") for r in caplog.records)
    finally:
        stop.set()
        thread.join(30)
        server.stop()
    assert len(server_side.delivered) == 1


def test_a_lease_taken_over_after_it_expired_is_not_recorded_by_its_old_worker(database, tmp_path, caplog):
    """The one repeat the lease allows: a worker presumed dead (its lease expired) that was only
    slow. The worker that took the row over records the result; the slow one leaves it alone."""
    from localplatform.mail_sink import MailSink

    queue(database)
    slow = _SignalledDelivery(pause=3)
    port = free_port()
    server = Controller(slow, hostname="127.0.0.1", port=port)
    server.start()
    sink = MailSink(tmp_path / "mail", free_port()).start()
    first = threading.Thread(target=worker(database, f"smtp://127.0.0.1:{port}?tls=off").drain, daemon=True)
    try:
        first.start()
        assert slow.arrived.wait(30)
        MailOutbox.update(lease_expires_at=MailOutbox.lease_expires_at - timedelta(hours=1)).execute()
        assert worker(database, sink.url).drain() == 1
        first.join(30)
    finally:
        server.stop()
        sink.stop()
    row = MailOutbox.get()
    assert (row.status, row.attempts, row.lease_expires_at) == ("sent", 2, None)
    assert any("lease passed to another worker" in r.getMessage() for r in caplog.records)
