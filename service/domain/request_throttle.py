"""Throttles an action (e.g. reset mails) per email and per client IP: every request counts,
not only failures. Windows live in the login_throttle table under the action's own key prefix,
so `prune` tidies them with the login windows."""
from __future__ import annotations

import math
from datetime import timedelta

import peewee

from service.data.models import LoginThrottle, utcnow
from service.domain.identifiers import throttle_digest


class RequestThrottled(Exception):
    def __init__(self, retry_after: int, action: str):
        super().__init__(retry_after)
        self.retry_after = retry_after
        self.action = action  # the throttle's action, e.g. "password-reset"


class RequestThrottle:
    def __init__(self, action: str, max_per_email: int, max_per_ip: int, window_seconds: int):
        self._action = action
        self._limits = {"email": max_per_email, "ip": max_per_ip}
        self._window = timedelta(seconds=window_seconds)

    def check(self, email: str, ip: str) -> None:
        """Count one request; raises RequestThrottled when a limit is passed."""
        retry_after = self._count(email, ip)
        if retry_after:
            raise RequestThrottled(retry_after, self._action)

    def _count(self, email: str, ip: str) -> int | None:
        """Returns the seconds to wait when a limit is passed, else None."""
        now = utcnow()
        expired = LoginThrottle.window_started_at <= now - self._window
        waits = []
        # The email as a digest of its normalised form, as the login throttle keys it: every
        # spelling of one address counts together, and any input fits the column.
        for kind, value in (("email", throttle_digest(email)), ("ip", ip)):
            count, started = (
                LoginThrottle.insert(key=f"{self._action}:{kind}:{value}", failures=1, window_started_at=now)
                .on_conflict(conflict_target=[LoginThrottle.key], update={
                    LoginThrottle.failures: peewee.Case(None, [(expired, 1)], LoginThrottle.failures + 1),
                    LoginThrottle.window_started_at: peewee.Case(None, [(expired, now)],
                                                                 LoginThrottle.window_started_at)})
                .returning(LoginThrottle.failures, LoginThrottle.window_started_at)
                .tuples().execute())[0]
            if count > self._limits[kind]:
                waits.append(max(1, math.ceil((started + self._window - now).total_seconds())))
        return max(waits) if waits else None
