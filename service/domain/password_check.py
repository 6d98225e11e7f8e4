"""The one password check: at login, and again before anything that could hand the account over
(a password change, an email change, deleting the account).

Every check runs under the login throttle and counts on the same counters, so guesses cannot
be spread over routes to get more of them. The attempt is reserved before bcrypt runs: a wrong
password keeps it as a failure, the right one gives it back and clears the account's count.
"""
from __future__ import annotations

import logging

from service.data.models import User
from service.domain.accounts import Accounts
from service.domain.client_info import ClientInfo
from service.domain.identifiers import throttle_digest
from service.domain.refusals import WrongPassword
from service.domain.throttle import Reservation, Throttle, Throttled
from service.security.passwords import PasswordHasher

events = logging.getLogger("service.auth")


# What a wrong password is told, by the request field that carried it.
WRONG_PASSWORD = {"password": "Password is incorrect.", "current_password": "Current password is incorrect."}


class LoginFailed(Exception):
    """Unknown email, wrong password and disabled account look the same from outside."""


class PasswordCheck:
    def __init__(self, accounts: Accounts, hasher: PasswordHasher, throttle: Throttle):
        self._accounts = accounts
        self._hasher = hasher
        self._throttle = throttle

    def sign_in(self, email: str, password: str, client: ClientInfo) -> User:
        """The active account this email and password open. Raises Throttled or LoginFailed."""
        reservation = self._reserve(email, client, "login")
        user = self._accounts.find_by_email(email)
        if user is None:
            self._hasher.verify_dummy(password)  # the same time whether or not the account exists
            verified = False
        else:
            verified = self._hasher.verify(password, user.password_hash)
        if not verified or not user.active:
            events.warning("login failed", extra={"event": "login_failed", **client.log_fields()})
            raise LoginFailed()
        self._passed(reservation, email)
        return user

    def confirm(self, user: User, password: str, client: ClientInfo, purpose: str, field: str) -> None:
        """The signed-in user proves it is them, before `purpose` (e.g. "password_change", the
        prefix of the events logged). Raises Throttled, or WrongPassword on `field`, the request
        field that carried the password."""
        reservation = self._reserve(user.email, client, purpose, user_id=user.id)
        if not self._hasher.verify(password, user.password_hash):
            events.warning(f"{purpose} refused: wrong password", extra={
                "event": f"{purpose}_failed", "user_id": user.id, **client.log_fields()})
            raise WrongPassword(field, WRONG_PASSWORD[field])
        self._passed(reservation, user.email)

    def _reserve(self, email: str, client: ClientInfo, purpose: str, **fields) -> Reservation:
        try:
            # A digest of the normalised email: any input fits the key, and a typed email and the
            # account's stored one count together.
            return self._throttle.reserve(account=throttle_digest(email), ip=client.ip)
        except Throttled as wait:
            events.warning(f"{purpose} throttled", extra={
                "event": f"{purpose}_throttled", "retry_after": wait.retry_after, **fields, **client.log_fields()})
            raise

    def _passed(self, reservation: Reservation, email: str) -> None:
        self._throttle.reset("account", throttle_digest(email))
        self._throttle.refund(reservation, "ip")
