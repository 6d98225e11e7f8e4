"""Forgotten passwords: a single-use link by mail, then a new password that ends every session."""
from __future__ import annotations

import logging
from datetime import timedelta

import peewee

from service.data.models import PasswordResetToken, User, utcnow
from service.domain.accounts import Accounts, PasswordRefused
from service.domain.request_throttle import RequestThrottle
from service.domain.sessions import Sessions
from service.mail.composer import MailComposer
from service.mail.outbox import Outbox
from service.security.one_time_tokens import digest_matches, new_token, token_digest

RESET_TTL = timedelta(minutes=30)
events = logging.getLogger("service.auth")


class ResetThrottled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class InvalidResetToken(Exception):
    """Unknown, used, expired, superseded, or for a deactivated account: all look the same."""


class WeakPassword(ValueError):
    pass


class PasswordResets:
    def __init__(self, database: peewee.Database, accounts: Accounts, sessions: Sessions, outbox: Outbox,
                 composer: MailComposer, throttle: RequestThrottle):
        self._db = database
        self._accounts = accounts
        self._sessions = sessions
        self._outbox = outbox
        self._composer = composer
        self._throttle = throttle

    def request(self, email: str, ip: str) -> None:
        """Mail a reset link if an active account has this email. Says nothing either way."""
        retry_after = self._throttle.hit(email, ip)
        if retry_after:
            events.warning("password reset throttled", extra={"event": "password_reset_throttled", "ip": ip})
            raise ResetThrottled(retry_after)
        user = self._accounts.find_by_email(email)
        if user is None or not user.active:
            events.info("password reset for no active account", extra={"event": "password_reset_ignored", "ip": ip})
            return
        self.send_link(user)
        events.info("password reset requested", extra={"event": "password_reset_requested", "user_id": user.id,
                                                       "ip": ip})

    def send_link(self, user: User) -> None:
        """A new link; any older one stops working. Also how an admin sends one (never seeing it)."""
        token = new_token()
        now = utcnow()
        with self._db.atomic():
            self._retire_links(user, now)
            PasswordResetToken.create(user=user, token_hash=token_digest(token), created_at=now,
                                      expires_at=now + RESET_TTL)
            self._outbox.enqueue("password_reset", self._composer.compose(
                "password_reset", user.email, username=user.username,
                link=self._composer.link("/reset-password", f"token={token}"),
                minutes=int(RESET_TTL.total_seconds() // 60)))

    def confirm(self, token: str, new_password: str, ip: str) -> User:
        now = utcnow()
        digest = token_digest(token)
        with self._db.atomic():
            link = (PasswordResetToken.select(PasswordResetToken, User).join(User)
                    .where(PasswordResetToken.token_hash == digest).for_update().get_or_none())
            if (link is None or not digest_matches(token, link.token_hash) or link.used_at is not None
                    or link.expires_at <= now or not link.user.active):
                events.warning("password reset refused", extra={"event": "password_reset_refused", "ip": ip})
                raise InvalidResetToken()
            user = link.user
            try:
                self._accounts.set_password(user, new_password)  # the account's own password policy
            except PasswordRefused as refused:
                raise WeakPassword(str(refused)) from None  # the link stays usable for a better password
            self._retire_links(user, now)
            revoked = self._sessions.revoke_all(user)
            self._outbox.enqueue("password_changed", self._composer.compose(
                "password_changed", user.email, username=user.username,
                reset_link=self._composer.link("/forgot-password")))
        events.info("password reset", extra={"event": "password_reset", "user_id": user.id,
                                             "sessions_revoked": revoked, "ip": ip})
        return user

    @staticmethod
    def prune(expired_before) -> int:
        """Delete links that expired before then, used or not; returns how many."""
        return PasswordResetToken.delete().where(PasswordResetToken.expires_at < expired_before).execute()

    @staticmethod
    def _retire_links(user: User, now) -> None:
        (PasswordResetToken.update(used_at=now)
         .where(PasswordResetToken.user == user, PasswordResetToken.used_at.is_null()).execute())
