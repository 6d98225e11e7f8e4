"""Re-authentication before a change that could hand the account over: the signed-in user's
current password, checked under the login throttle.

Wrong passwords count on the account's login counter, so a stolen access token cannot spread
its guesses over login and the routes that ask again."""
from __future__ import annotations

import logging

from service.data.models import User
from service.domain.refusals import FieldRefused, WrongPassword
from service.domain.throttle import LoginThrottleStore
from service.security.passwords import PasswordHasher

events = logging.getLogger("service.auth")


class CurrentPasswordThrottled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class CurrentPassword:
    def __init__(self, hasher: PasswordHasher, throttle: LoginThrottleStore):
        self._hasher = hasher
        self._throttle = throttle

    def confirm(self, user: User, password: str | None, ip: str, why: str) -> None:
        """`why` finishes "Enter your current password to ...". Raises FieldRefused (none given),
        CurrentPasswordThrottled, or WrongPassword, each about the `current_password` field."""
        if password is None:
            raise FieldRefused("current_password", f"Enter your current password to {why}.")
        retry_after = self._throttle.retry_after(user.email, ip)
        if retry_after:
            raise CurrentPasswordThrottled(retry_after)
        if not self._hasher.verify(password, user.password_hash):
            self._throttle.record_failure(user.email, ip)
            events.warning("current password refused", extra={
                "event": "current_password_failed", "user_id": user.id, "ip": ip})
            raise WrongPassword("current_password", "Current password is incorrect.")
