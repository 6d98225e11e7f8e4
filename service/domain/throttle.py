"""Failed-login throttling, counted in PostgreSQL so every worker and host agrees."""
from __future__ import annotations

import math
from datetime import timedelta

import peewee

from service.data.models import LoginThrottle, utcnow
from service.domain.identifiers import throttle_digest


class LoginThrottleStore:
    def __init__(self, max_per_account: int, max_per_ip: int, window_seconds: int):
        self._limits = {"account": max_per_account, "ip": max_per_ip}
        self._window = timedelta(seconds=window_seconds)

    @staticmethod
    def keys(email: str, ip: str) -> dict[str, str]:
        # A digest of the normalised email: any input fits the column, and a typed email and
        # the account's stored one count together.
        return {"account": f"account:{throttle_digest(email)}", "ip": f"ip:{ip}"}

    def retry_after(self, email: str, ip: str) -> int | None:
        """Seconds until a login for this account from this address may be tried, or None."""
        keys = self.keys(email, ip)
        now = utcnow()
        waits = []
        for row in LoginThrottle.select().where(LoginThrottle.key.in_(list(keys.values()))):
            kind = row.key.split(":", 1)[0]
            ends = row.window_started_at + self._window
            if row.failures >= self._limits[kind] and ends > now:
                waits.append(max(1, math.ceil((ends - now).total_seconds())))
        return max(waits) if waits else None

    def record_failure(self, email: str, ip: str) -> None:
        now = utcnow()
        expired = LoginThrottle.window_started_at <= now - self._window
        for key in self.keys(email, ip).values():
            # One atomic upsert: start a new window when the old one has ended, else count on.
            (LoginThrottle.insert(key=key, failures=1, window_started_at=now)
             .on_conflict(
                 conflict_target=[LoginThrottle.key],
                 update={
                     LoginThrottle.failures: peewee.Case(None, [(expired, 1)], LoginThrottle.failures + 1),
                     LoginThrottle.window_started_at: peewee.Case(
                         None, [(expired, now)], LoginThrottle.window_started_at),
                 })
             .execute())

    def reset_account(self, email: str) -> None:
        LoginThrottle.delete().where(LoginThrottle.key == self.keys(email, "")["account"]).execute()

    def prune(self) -> int:
        """Forget windows that have ended; returns how many."""
        return LoginThrottle.delete().where(LoginThrottle.window_started_at <= utcnow() - self._window).execute()
