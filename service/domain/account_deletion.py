"""Deleting your own account: password first, never the last active admin (the rule of
service.domain.administration), a confirmation mail.

The account is deleted, not anonymised: nothing else refers to a user (no posts, no audit
trail), so a tombstone would keep personal data for no one. Its sessions and reset links go
with it (ON DELETE CASCADE), so its tokens and cookie stop working at once; mail still queued
for it is dropped, and the only thing that outlives it is the confirmation mail to its address.
"""
from __future__ import annotations

import logging

import peewee

from service.data.models import MailOutbox, User
from service.domain.administration import keep_an_admin
from service.domain.refusals import WrongPassword
from service.domain.throttle import LoginThrottleStore
from service.mail.composer import MailComposer
from service.mail.outbox import Outbox
from service.security.passwords import PasswordHasher

events = logging.getLogger("service.auth")


class DeletionThrottled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class AccountDeletion:
    def __init__(self, database: peewee.Database, hasher: PasswordHasher, throttle: LoginThrottleStore,
                 outbox: Outbox, composer: MailComposer):
        self._db = database
        self._hasher = hasher
        self._throttle = throttle
        self._outbox = outbox
        self._composer = composer

    def delete_own(self, user: User, password: str, ip: str) -> None:
        """Raises DeletionThrottled, WrongPassword, or LastActiveAdmin (administration's rule)."""
        # Wrong passwords count as failed logins: a stolen access token cannot guess its way further.
        retry_after = self._throttle.retry_after(user.email, ip)
        if retry_after:
            raise DeletionThrottled(retry_after)
        if not self._hasher.verify(password, user.password_hash):
            self._throttle.record_failure(user.email, ip)
            raise WrongPassword("password", "Password is incorrect.")
        with self._db.atomic():
            keep_an_admin(user)
            addresses = [address for address in (user.email, user.pending_email) if address]
            MailOutbox.delete().where(MailOutbox.recipient.in_(addresses), MailOutbox.status == "pending").execute()
            self._outbox.enqueue("account_deleted", self._composer.compose(
                "account_deleted", user.email, username=user.username))
            User.delete().where(User.id == user.id).execute()
        events.info("account deleted", extra={"event": "account_deleted", "user_id": user.id, "ip": ip})
