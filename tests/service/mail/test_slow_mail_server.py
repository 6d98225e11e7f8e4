"""A mail server slower than PostgreSQL's idle_in_transaction_session_timeout (10 s in
production, and in the test database through create_database): the mail goes out once, the
worker lives on, and a restarted worker does not send it again."""
from __future__ import annotations

import asyncio
import threading
import time

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
