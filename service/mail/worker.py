"""Drains the outbox, one due row at a time, with no transaction open while a mail is sent.

A row is leased first: in one short transaction the worker takes a due row (FOR UPDATE SKIP
LOCKED, so any number of workers share the queue), marks it `sending` until the lease expires,
counts the attempt, and commits. Then it talks to the mail server, which may take longer than
PostgreSQL lets a transaction sit idle (a slow server once killed the connection under the
send, the worker with it, and the mail went out again on every restart). Then it records the
result in a new transaction.

So a mail is sent again only when its worker died inside the send itself: the lease expires
and the row is due again (the Message-ID stays the same so receivers can drop a duplicate).
A result the database would not take is kept and recorded on the next pass. A failure is
retried with exponential backoff until `max_attempts`, then the row is "dead" and logged for
an operator. Any error of a pass is logged and the loop goes on.
"""
from __future__ import annotations

import contextlib
import email
import email.policy
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import peewee

from service.data.models import MailOutbox, utcnow
from service.mail.heartbeat import Heartbeat
from service.mail.port import DeliveryFailed, MailSender

log = logging.getLogger("service.mail")
MAX_BACKOFF = timedelta(hours=6)
# Far longer than a send may take (each SMTP step times out after 20 s): a lease that expires
# means its worker is gone.
LEASE = timedelta(minutes=10)
CRASHED_IN_SEND = "the worker stopped during the send"


@dataclass(frozen=True)
class _Attempt:
    """One send, as leased: recorded against this id and attempt number only."""

    id: int
    kind: str
    attempts: int
    message: str


class MailWorker:
    def __init__(self, database: peewee.Database, sender: MailSender, max_attempts: int, retry_base_seconds: int,
                 resolve_requests: Callable[[], int] | None = None, heartbeat: Heartbeat | None = None):
        self._db = database
        self._sender = sender
        self._max_attempts = max_attempts
        self._retry_base = timedelta(seconds=retry_base_seconds)
        # Turns anonymous link requests into outbox rows before each pass (service.domain.mail_requests).
        self._resolve_requests = resolve_requests
        self._heartbeat = heartbeat
        self._unrecorded: list[tuple[_Attempt, DeliveryFailed | None]] = []

    def backoff(self, attempts: int) -> timedelta:
        return min(self._retry_base * 2 ** (attempts - 1), MAX_BACKOFF)

    def drain(self) -> int:
        """Resolve waiting requests, then try every row that is due now; returns how many were sent."""
        self._record_unrecorded()
        if self._resolve_requests:
            self._resolve_requests()
        sent = 0
        tried: set[int] = set()
        while True:
            self._beat()
            attempt = self._lease(tried)
            if attempt is None:
                return sent
            tried.add(attempt.id)
            failure = self._send(attempt)
            self._unrecorded.append((attempt, failure))
            self._record_unrecorded()
            sent += failure is None

    def run(self, stop: threading.Event, poll_seconds: float) -> None:
        while not stop.is_set():
            self._beat()
            try:
                with self._db.connection_context():
                    self.drain()
            except (peewee.DatabaseError, peewee.InterfaceError) as error:
                # Expected while PostgreSQL restarts or before the first migration: one line, no traceback.
                log.error("mail worker cannot reach the database: %s", error)
                self._drop_connection()
            except Exception:  # noqa: BLE001 - the worker must outlive any one pass (a bug, anything)
                log.exception("mail worker pass failed; trying again in %ss", poll_seconds)
                self._drop_connection()
            stop.wait(poll_seconds)

    def _drop_connection(self) -> None:
        with contextlib.suppress(Exception):
            self._db.close()  # a broken connection is dropped; the next pass reconnects

    def _beat(self) -> None:
        if self._heartbeat:
            self._heartbeat.beat()

    def _lease(self, tried: set[int]) -> _Attempt | None:
        """The next due row, marked `sending` and committed; rows whose worker died inside the
        send too often become dead here instead."""
        while True:
            with self._db.atomic():
                now = utcnow()
                due = (((MailOutbox.status == "pending") & (MailOutbox.next_attempt_at <= now))
                       | ((MailOutbox.status == "sending") & (MailOutbox.lease_expires_at <= now)))
                query = (MailOutbox.select().where(due)
                         .order_by(MailOutbox.next_attempt_at, MailOutbox.id).limit(1)
                         .for_update(skip_locked=True))
                if tried:  # a row that failed in this pass waits for its backoff, not for this loop
                    query = query.where(MailOutbox.id.not_in(list(tried)))
                row = query.get_or_none()
                if row is None:
                    return None
                if row.status == "sending" and row.attempts >= self._max_attempts:
                    row.status, row.lease_expires_at, row.last_error = "dead", None, CRASHED_IN_SEND
                    row.save()
                    log.error("mail %s (%s) is dead after %d attempts: %s", row.id, row.kind, row.attempts,
                              CRASHED_IN_SEND)
                    continue
                row.status, row.lease_expires_at, row.attempts = "sending", now + LEASE, row.attempts + 1
                row.save()
                return _Attempt(row.id, row.kind, row.attempts, row.message)

    def _send(self, attempt: _Attempt) -> DeliveryFailed | None:
        message = email.message_from_string(attempt.message, policy=email.policy.default)
        try:
            self._sender.send(message)
        except DeliveryFailed as failure:
            return failure
        return None

    def _record_unrecorded(self) -> None:
        while self._unrecorded:
            attempt, failure = self._unrecorded[0]
            self._record(attempt, failure)
            self._unrecorded.pop(0)

    def _record(self, attempt: _Attempt, failure: DeliveryFailed | None) -> None:
        now = utcnow()
        if failure is None:
            changes = {"status": "sent", "sent_at": now, "message": "", "last_error": ""}
        elif attempt.attempts >= self._max_attempts:
            changes = {"status": "dead", "last_error": str(failure)[:1000]}
        else:
            changes = {"status": "pending", "next_attempt_at": now + self.backoff(attempt.attempts),
                       "last_error": str(failure)[:1000]}
        with self._db.atomic():
            # Only our own lease: a row another worker re-leased after ours expired is theirs now.
            recorded = MailOutbox.update(lease_expires_at=None, **changes).where(
                MailOutbox.id == attempt.id, MailOutbox.status == "sending",
                MailOutbox.attempts == attempt.attempts).execute()
        if not recorded:
            log.warning("mail %s (%s): its lease passed to another worker before the result was recorded",
                        attempt.id, attempt.kind)
        elif failure is None:
            log.info("mail %s (%s) sent", attempt.id, attempt.kind)
        elif changes["status"] == "dead":
            log.error("mail %s (%s) is dead after %d attempts: %s", attempt.id, attempt.kind, attempt.attempts,
                      failure)
        else:
            log.warning("mail %s (%s) attempt %d failed, retrying at %s: %s", attempt.id, attempt.kind,
                        attempt.attempts, changes["next_attempt_at"].isoformat(), failure)
