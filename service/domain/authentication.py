"""Sign-up, login, refresh, logout and bearer authentication, composed from the stores."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from service.data.models import User
from service.domain.accounts import Accounts
from service.domain.client_info import ClientInfo
from service.domain.email_verification import EmailVerification
from service.domain.refusals import WrongPassword
from service.domain.sessions import Opened, RefreshReuse, Sessions
from service.domain.throttle import LoginThrottleStore
from service.security.passwords import PasswordHasher
from service.security.tokens import AccessTokens, InvalidToken, RefreshToken

events = logging.getLogger("service.auth")


class LoginFailed(Exception):
    """Unknown email, wrong password and disabled account look the same from outside."""


class EmailUnverified(Exception):
    """The right password, but the platform requires a confirmed address and this one is not."""


class LoginThrottled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Grant:
    """What a successful sign-in hands the client."""

    user: User
    access_token: str
    expires_in: int
    refresh_token: RefreshToken


@dataclass(frozen=True)
class SignUp:
    user: User
    grant: Grant | None  # None when the address must be confirmed before the first login


@dataclass(frozen=True)
class Identity:
    user: User
    session_id: uuid.UUID


class Authentication:
    def __init__(self, accounts: Accounts, sessions: Sessions, tokens: AccessTokens,
                 hasher: PasswordHasher, throttle: LoginThrottleStore, verification: EmailVerification,
                 require_verified_email: bool = False, after_login=None):
        self._accounts = accounts
        self._verification = verification
        self._require_verified_email = require_verified_email
        self._sessions = sessions
        self._tokens = tokens
        self._hasher = hasher
        self._throttle = throttle
        self._after_login = after_login  # e.g. the new-device notice: (user, session) -> None

    def register(self, username: str, email: str, password: str, client: ClientInfo) -> SignUp:
        user = self._verification.create_account(username, email, password)
        events.info("registered", extra={"event": "register", "user_id": user.id, **client.log_fields()})
        if self._require_verified_email:
            return SignUp(user, None)
        return SignUp(user, self._grant(user, self._sessions.open(user, client)))

    def login(self, email: str, password: str, client: ClientInfo) -> Grant:
        ip = client.ip
        retry_after = self._throttle.retry_after(email, ip)
        if retry_after:
            events.warning("login throttled", extra={"event": "login_throttled", "retry_after": retry_after,
                                                     **client.log_fields()})
            raise LoginThrottled(retry_after)
        user = self._accounts.find_by_email(email)
        if user is None:
            self._hasher.verify_dummy(password)
            verified = False
        else:
            verified = self._hasher.verify(password, user.password_hash)
        if not verified or not user.active:
            self._throttle.record_failure(email, ip)
            events.warning("login failed", extra={"event": "login_failed", **client.log_fields()})
            raise LoginFailed()
        self._throttle.reset_account(email)
        if self._require_verified_email and user.email_verified_at is None:
            # Only now, after the password checked out: it tells nothing to someone without it.
            events.info("login refused: email unverified", extra={
                "event": "login_email_unverified", "user_id": user.id, **client.log_fields()})
            raise EmailUnverified()
        if self._hasher.needs_rehash(user.password_hash):
            self._accounts.set_password_hash(user, password)
        events.info("login succeeded", extra={"event": "login_succeeded", "user_id": user.id, **client.log_fields()})
        opened = self._sessions.open(user, client)
        if self._after_login:
            self._after_login(user, opened.session)
        return self._grant(user, opened)

    def refresh(self, cookie_value: str | None, client: ClientInfo) -> Grant:
        if not cookie_value:
            raise InvalidToken("Missing refresh token.")
        presented = RefreshToken.parse(cookie_value)
        try:
            user, opened = self._sessions.rotate(presented)
        except RefreshReuse:
            events.warning("refresh token reuse", extra={
                "event": "refresh_reuse", "session_id": str(presented.session_id), **client.log_fields()})
            raise
        return self._grant(user, opened)

    def logout(self, identity: Identity, client: ClientInfo) -> None:
        self._sessions.revoke(identity.session_id)
        events.info("logged out", extra={"event": "logout", "user_id": identity.user.id, **client.log_fields()})

    def authenticate(self, bearer_token: str) -> Identity:
        claims = self._tokens.decode(bearer_token)
        user = self._sessions.live_user(claims.session_id, claims.user_id)
        if user is None:
            raise InvalidToken("Token revoked.")
        return Identity(user, claims.session_id)

    def change_password(self, identity: Identity, current_password: str, new_password: str,
                        client: ClientInfo) -> None:
        """Raises LoginThrottled, PasswordRefused, or WrongPassword (on `current_password`).

        Wrong current passwords count on the account's login counter, so guesses cannot be
        spread over login and password change to get more of them."""
        user = identity.user
        retry_after = self._throttle.retry_after(user.email, client.ip)
        if retry_after:
            events.warning("password change throttled", extra={
                "event": "password_change_throttled", "user_id": user.id, "retry_after": retry_after,
                **client.log_fields()})
            raise LoginThrottled(retry_after)
        if not self._hasher.verify(current_password, user.password_hash):
            self._throttle.record_failure(user.email, client.ip)
            events.warning("password change refused", extra={
                "event": "password_change_failed", "user_id": user.id, **client.log_fields()})
            raise WrongPassword("current_password", "Current password is incorrect.")
        self._accounts.set_password(user, new_password)
        self._throttle.reset_account(user.email)
        revoked = self._sessions.revoke_all(user, keep=identity.session_id)
        events.info("password changed", extra={"event": "password_changed", "user_id": user.id,
                                               "sessions_revoked": revoked})

    def _grant(self, user: User, opened: Opened) -> Grant:
        token = self._tokens.issue(user.id, opened.session.id)
        return Grant(user, token, self._tokens.ttl, opened.refresh_token)
