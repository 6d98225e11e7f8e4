"""Forgotten passwords: a single-use link by mail, then a new password that ends every session."""
from __future__ import annotations

import logging
from datetime import timedelta

import peewee

from service.data.models import PasswordResetToken, User
from service.domain.accounts import Accounts
from service.domain.email_verification import EmailVerification
from service.domain.identifiers import throttle_digest
from service.domain.link_tokens import LinkTokens
from service.domain.sessions import Sessions
from service.domain.throttle import Throttle, Throttled
from service.mail.composer import MailComposer
from service.mail.outbox import Outbox

RESET_TTL = timedelta(minutes=30)
events = logging.getLogger("service.auth")


class InvalidResetToken(Exception):
    """Unknown, used, expired, superseded, or for a deactivated account: all look the same."""


class PasswordResets:
    links = LinkTokens(PasswordResetToken, RESET_TTL)

    def __init__(self, database: peewee.Database, accounts: Accounts, sessions: Sessions, outbox: Outbox,
                 composer: MailComposer, throttle: Throttle, verification: EmailVerification):
        self._db = database
        self._accounts = accounts
        self._verification = verification
        self._sessions = sessions
        self._outbox = outbox
        self._composer = composer
        self._throttle = throttle

    def request(self, email: str, ip: str) -> None:
        """Mail a reset link if an active account has this email. Says nothing either way.

        Raises Throttled."""
        try:
            self._throttle.reserve(ip=ip, email=throttle_digest(email))
        except Throttled:
            events.warning("password reset throttled", extra={"event": "password_reset_throttled", "ip": ip})
            raise
        user = self._accounts.find_by_email(email)
        if user is None or not user.active:
            events.info("password reset for no active account", extra={"event": "password_reset_ignored", "ip": ip})
            return
        self.send_link(user)
        events.info("password reset requested", extra={"event": "password_reset_requested", "user_id": user.id,
                                                       "ip": ip})

    def send_link(self, user: User) -> None:
        """A new link; any older one stops working. Also how an admin sends one (never seeing it)."""
        with self._db.atomic():
            token = self.links.issue(user)
            self._outbox.enqueue("password_reset", self._composer.compose(
                "password_reset", user.email, username=user.username,
                link=self._composer.link("/reset-password", f"token={token}"),
                minutes=int(RESET_TTL.total_seconds() // 60)))

    def confirm(self, token: str, new_password: str, ip: str) -> User:
        with self._db.atomic():
            link = self.links.live(token)
            if link is None:
                events.warning("password reset refused", extra={"event": "password_reset_refused", "ip": ip})
                raise InvalidResetToken()
            user = link.user
            # The account's own password policy; a refusal rolls back, so the link stays usable.
            self._accounts.set_password(user, new_password)
            self.links.retire(user)
            revoked = self._sessions.revoke_all(user)
            self._verification.cancel_pending_change(user)
            self._outbox.enqueue("password_changed", self._composer.compose(
                "password_changed", user.email, username=user.username,
                reset_link=self._composer.link("/forgot-password")))
        events.info("password reset", extra={"event": "password_reset", "user_id": user.id,
                                             "sessions_revoked": revoked, "ip": ip})
        return user
