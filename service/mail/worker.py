"""Drains the outbox: one due row at a time, locked with FOR UPDATE SKIP LOCKED, so any
number of workers share the queue and none sends a row another is sending.

The row stays locked while it is sent, and is marked sent in the same transaction: a worker
that dies mid-send leaves it pending, to be sent again (at least once; the Message-ID stays
the same so receivers can drop a duplicate). A failure is retried with exponential backoff
until `max_attempts`, then the row is "dead" and logged for an operator.
"""
from __future__ import annotations

import email
import email.policy
import logging
import threading
from datetime import timedelta

import peewee

from service.data.models import MailOutbox, utcnow
from service.mail.port import DeliveryFailed, MailSender

log = logging.getLogger("service.mail")
MAX_BACKOFF = timedelta(hours=6)


class MailWorker:
    def __init__(self, database: peewee.Database, sender: MailSender, max_attempts: int, retry_base_seconds: int):
        self._db = database
        self._sender = sender
        self._max_attempts = max_attempts
        self._retry_base = timedelta(seconds=retry_base_seconds)

    def backoff(self, attempts: int) -> timedelta:
        return min(self._retry_base * 2 ** (attempts - 1), MAX_BACKOFF)

    def drain(self) -> int:
        """Try every row that is due now; returns how many were sent."""
        sent = 0
        tried: set[int] = set()
        while True:
            outcome = self._try_next(tried)
            if outcome is None:
                return sent
            sent += outcome

    def run(self, stop: threading.Event, poll_seconds: float) -> None:
        while not stop.is_set():
            try:
                with self._db.connection_context():
                    self.drain()
            except peewee.DatabaseError as error:
                log.error("mail worker cannot reach the database: %s", error)
            stop.wait(poll_seconds)

    def _try_next(self, tried: set[int]) -> int | None:
        with self._db.atomic():
            query = (MailOutbox.select()
                     .where(MailOutbox.status == "pending", MailOutbox.next_attempt_at <= utcnow())
                     .order_by(MailOutbox.next_attempt_at, MailOutbox.id).limit(1)
                     .for_update(skip_locked=True))
            if tried:  # a row that failed in this pass waits for its backoff, not for this loop
                query = query.where(MailOutbox.id.not_in(list(tried)))
            row = query.get_or_none()
            if row is None:
                return None
            tried.add(row.id)
            message = email.message_from_string(row.message, policy=email.policy.default)
            row.attempts += 1
            try:
                self._sender.send(message)
            except DeliveryFailed as error:
                row.last_error = str(error)[:1000]
                if row.attempts >= self._max_attempts:
                    row.status = "dead"
                    log.error("mail %s (%s) is dead after %d attempts: %s", row.id, row.kind, row.attempts, error)
                else:
                    row.next_attempt_at = utcnow() + self.backoff(row.attempts)
                    log.warning("mail %s (%s) attempt %d failed, retrying at %s: %s", row.id, row.kind,
                                row.attempts, row.next_attempt_at.isoformat(), error)
                row.save()
                return 0
            row.status, row.sent_at, row.message, row.last_error = "sent", utcnow(), "", ""
            row.save()
            log.info("mail %s (%s) sent", row.id, row.kind)
            return 1
