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
from service.domain.client_info import ClientInfo
from service.domain.password_check import PasswordCheck
from service.mail.composer import MailComposer
from service.mail.outbox import Outbox

events = logging.getLogger("service.auth")


class AccountDeletion:
    def __init__(self, database: peewee.Database, passwords: PasswordCheck, outbox: Outbox, composer: MailComposer):
        self._db = database
        self._passwords = passwords
        self._outbox = outbox
        self._composer = composer

    def delete_own(self, user: User, password: str, client: ClientInfo) -> None:
        """Raises Throttled, WrongPassword, or LastActiveAdmin (administration's rule)."""
        # Wrong passwords count as failed logins: a stolen access token cannot guess its way further.
        self._passwords.confirm(user, password, client, "account_deletion", field="password")
        with self._db.atomic():
            keep_an_admin(user)
            # Locked before anything else is read: a login racing this one has either opened its
            # session (it goes below) or waits, then finds no account.
            if User.select(User.id).where(User.id == user.id).for_update().get_or_none() is None:
                return  # a concurrent deletion of the same account got here first and mailed
            addresses = [address for address in (user.email, user.pending_email) if address]
            MailOutbox.delete().where(MailOutbox.recipient.in_(addresses), MailOutbox.status == "pending").execute()
            self._outbox.enqueue("account_deleted", self._composer.compose(
                "account_deleted", user.email, username=user.username))
            User.delete().where(User.id == user.id).execute()
        events.info("account deleted", extra={"event": "account_deleted", "user_id": user.id, "ip": client.ip})
