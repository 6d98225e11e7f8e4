"""Sign-up, login, refresh, logout and bearer authentication, composed from the stores."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from service.data.models import User
from service.domain.accounts import Accounts
from service.domain.client_info import ClientInfo
from service.domain.credential_events import CredentialEvents, Event
from service.domain.email_verification import EmailVerification
from service.domain.password_check import PasswordCheck
from service.domain.sessions import Opened, RefreshReuse, Sessions
from service.security.passwords import PasswordHasher
from service.security.tokens import AccessTokens, InvalidToken, RefreshToken

events = logging.getLogger("service.auth")


class EmailUnverified(Exception):
    """The right password, but the platform requires a confirmed address and this one is not."""


@dataclass(frozen=True)
class Grant:
    """What a successful sign-in hands the client."""

    user: User
    access_token: str
    expires_in: int
    refresh_token: RefreshToken


@dataclass(frozen=True)
class Identity:
    user: User
    session_id: uuid.UUID


class Authentication:
    def __init__(self, accounts: Accounts, sessions: Sessions, tokens: AccessTokens,
                 hasher: PasswordHasher, passwords: PasswordCheck, verification: EmailVerification,
                 credential_events: CredentialEvents, require_verified_email: bool = False, after_login=None):
        self._accounts = accounts
        self._credential_events = credential_events
        self._verification = verification
        self._require_verified_email = require_verified_email
        self._sessions = sessions
        self._tokens = tokens
        self._hasher = hasher
        self._passwords = passwords
        self._after_login = after_login  # e.g. the new-device notice: (user, session) -> None

    def register(self, username: str, email: str, password: str, client: ClientInfo) -> Grant | None:
        """A session for the new account; None when addresses must be confirmed first. Then a
        new account and an address that already has one answer alike (its owner is told by mail)."""
        user = self._verification.create_account(username, email, password,
                                                 conceal_taken_email=self._require_verified_email)
        if user is not None:
            events.info("registered", extra={"event": "register", "user_id": user.id, **client.log_fields()})
        if self._require_verified_email:
            return None
        return self._grant(user, self._sessions.open(user, client))

    def login(self, email: str, password: str, client: ClientInfo) -> Grant:
        """Raises Throttled, LoginFailed or EmailUnverified."""
        user = self._passwords.sign_in(email, password, client)
        if self._require_verified_email and user.email_verified_at is None:
            # Only now, after the password checked out: it tells nothing to someone without it.
            events.info("login refused: email unverified", extra={
                "event": "login_email_unverified", "user_id": user.id, **client.log_fields()})
            raise EmailUnverified()
        if self._hasher.needs_rehash(user.password_hash):
            self._accounts.set_password_hash(user, password)
        events.info("login succeeded", extra={"event": "login_succeeded", "user_id": user.id, **client.log_fields()})
        # Whoever knows the password needs no reset link (the SIGNED_IN row): one left unused would
        # otherwise work for its full 30 minutes from the browser's history.
        self._credential_events.apply(Event.SIGNED_IN, user)
        opened = self._sessions.open(user, client)  # AccountGone, a LoginFailed, if deleted meanwhile
        if self._after_login:
            self._after_login(user, opened.session)
        return self._grant(user, opened)

    def refresh(self, cookie_value: str | None, client: ClientInfo) -> Grant:
        if not cookie_value:
            raise InvalidToken("Missing refresh token.")
        presented = RefreshToken.parse(cookie_value)
        try:
            user, opened = self._sessions.rotate(presented)
        except RefreshReuse as reuse:
            self._credential_events.apply(Event.REFRESH_REUSE, reuse.session.user, session=reuse.session.id)
            events.warning("refresh token reuse", extra={
                "event": "refresh_reuse", "session_id": str(presented.session_id), **client.log_fields()})
            raise
        return self._grant(user, opened)

    def logout(self, identity: Identity, client: ClientInfo) -> None:
        self._credential_events.apply(Event.SESSION_ENDED, identity.user, session=identity.session_id)
        events.info("logged out", extra={"event": "logout", "user_id": identity.user.id, **client.log_fields()})

    def authenticate(self, bearer_token: str) -> Identity:
        claims = self._tokens.decode(bearer_token)
        user = self._sessions.live_user(claims.session_id, claims.user_id)
        if user is None:
            raise InvalidToken("Token revoked.")
        return Identity(user, claims.session_id)

    def change_password(self, identity: Identity, current_password: str, new_password: str,
                        client: ClientInfo) -> None:
        """Raises Throttled, WrongPassword or PasswordRefused."""
        user = identity.user
        self._passwords.confirm(user, current_password, client, "password_change", field="current_password")
        with self._credential_events.transaction():
            self._accounts.set_password(user, new_password)
            revoked = self._credential_events.apply(Event.PASSWORD_CHANGED, user, session=identity.session_id)
        events.info("password changed", extra={"event": "password_changed", "user_id": user.id,
                                               "sessions_revoked": revoked})

    def _grant(self, user: User, opened: Opened) -> Grant:
        token = self._tokens.issue(user.id, opened.session.id)
        return Grant(user, token, self._tokens.ttl, opened.refresh_token)
