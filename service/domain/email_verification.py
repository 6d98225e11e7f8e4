"""Confirming email addresses: a link on sign-up and on every change of address, confirmed by
POST, resent on request. A self-service change waits in `pending_email` until the new address
is confirmed; the old address is told at once."""
from __future__ import annotations

import logging
from datetime import timedelta

import peewee

from service.data.models import EmailVerificationToken, User
from service.domain.accounts import Accounts, Conflict
from service.domain.identifiers import email_key, throttle_digest
from service.domain.link_tokens import LinkTokens
from service.domain.throttle import Throttle, Throttled
from service.mail.composer import MailComposer
from service.mail.outbox import Outbox

VERIFY_TTL = timedelta(hours=24)
events = logging.getLogger("service.auth")


class InvalidVerificationToken(Exception):
    """Unknown, used, expired, superseded, for a deactivated account, or for an address another
    account took meanwhile: all look the same."""


class EmailVerification:
    links = LinkTokens(EmailVerificationToken, VERIFY_TTL)

    def __init__(self, database: peewee.Database, accounts: Accounts, outbox: Outbox, composer: MailComposer,
                 throttle: Throttle):
        self._db = database
        self._accounts = accounts
        self._outbox = outbox
        self._composer = composer
        self._throttle = throttle

    def create_account(self, username: str, email: str, password: str, **options) -> User:
        """Accounts.create, with the confirmation link queued in the same transaction."""
        with self._db.atomic():
            user = self._accounts.create(username, email, password, **options)
            self.send_link(user, user.email)
        return user

    def send_link(self, user: User, address: str) -> None:
        """A link confirming `address` for `user`; any older link of theirs stops working."""
        with self._db.atomic():
            token = self.links.issue(user, email=address)
            self._outbox.enqueue("verify_email", self._composer.compose(
                "verify_email", address, username=user.username,
                link=self._composer.link("/verify-email", f"token={token}"),
                hours=int(VERIFY_TTL.total_seconds() // 3600)))

    def update_own_profile(self, user: User, changes: dict, ip: str) -> User:
        """The owner's own changes, all or none: a new email waits until confirmed, the rest
        applies now. Raises what Accounts.update raises, or Throttled: each new address
        is mailed a link, so changes count with resends (no mail bombing from one account)."""
        changes = dict(changes)
        email = changes.pop("email", None)
        if email is not None and email_key(email) != user.email_key:
            self._throttle.reserve(ip=ip, email=throttle_digest(email))
        with self._db.atomic():
            if changes:
                self._accounts.update(user, changes)
            if email is not None:
                self._change_own_address(user, email)
        return user

    def _change_own_address(self, user: User, email: str) -> None:
        """The old address hears of the change at once."""
        with self._db.atomic():
            if not self._accounts.set_pending_email(user, email):
                self.links.retire(user)  # back to the current address: a pending link must not switch it
                return
            self.send_link(user, user.pending_email)
            self._outbox.enqueue("email_change_requested", self._composer.compose(
                "email_change_requested", user.email, username=user.username, new_email=user.pending_email,
                reset_link=self._composer.link("/forgot-password")))
        events.info("email change requested", extra={"event": "email_change_requested", "user_id": user.id})

    def cancel_pending_change(self, user: User) -> None:
        """Drop a change of address not yet confirmed, and every open link: a password reset
        does this, so a session taken over cannot finish moving the account to a new address."""
        with self._db.atomic():
            if user.pending_email_key is not None:
                self._accounts.set_pending_email(user, user.email)
            self.links.retire(user)

    def confirm(self, token: str, ip: str) -> User:
        """Raises InvalidVerificationToken."""
        with self._db.atomic():
            link = self.links.live(token)
            user = link.user if link else None
            # Only the account's address or the one waiting to replace it; an address since
            # replaced (by an admin, or by a newer change) is not confirmed by an old link.
            if link is None or email_key(link.email) not in (user.email_key, user.pending_email_key):
                events.warning("email verification refused", extra={"event": "email_verify_refused", "ip": ip})
                raise InvalidVerificationToken()
            try:
                self._accounts.confirm_email(user, link.email)
            except Conflict:
                events.warning("email verification refused: address taken", extra={
                    "event": "email_verify_refused", "user_id": user.id, "ip": ip})
                raise InvalidVerificationToken() from None
            self.links.retire(user)
        events.info("email verified", extra={"event": "email_verified", "user_id": user.id, "ip": ip})
        return user

    def resend(self, email: str, ip: str) -> None:
        """A new link if an active account waits to confirm this address. Says nothing either way.

        Raises Throttled."""
        try:
            self._throttle.reserve(ip=ip, email=throttle_digest(email))
        except Throttled:
            events.warning("verification resend throttled", extra={"event": "email_verify_throttled", "ip": ip})
            raise
        key = email_key(email)
        user = None if key is None else User.get_or_none(
            User.active == True,  # noqa: E712
            ((User.email_key == key) & User.email_verified_at.is_null()) | (User.pending_email_key == key))
        if user is None:
            events.info("verification resend for no account", extra={"event": "email_verify_ignored", "ip": ip})
            return
        self.send_link(user, user.pending_email if user.pending_email_key == key else user.email)
        events.info("verification resent", extra={"event": "email_verify_resent", "user_id": user.id, "ip": ip})
