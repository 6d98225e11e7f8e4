"""Fixed-window counters in PostgreSQL, the one throttle behind every limit: failed passwords
per account and per client IP, reset and confirmation mails per address and per client IP.
Counted in the database so every worker and host agrees.

An attempt is reserved before the work it guards (a bcrypt check, a mail), by one upsert that
refuses past the limit, so requests racing in parallel cannot all pass a check made before any
of them counted. The caller keeps the reservation (a failure, a request) or gives it back.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from service.data.models import LoginThrottle, utcnow


class Throttled(Exception):
    """A limit is reached. `kind` names which one (e.g. "account", "ip", "email"), so a caller
    may answer differently per limit; `retry_after` is the seconds until its window ends."""

    def __init__(self, retry_after: int, kind: str):
        super().__init__(retry_after, kind)
        self.retry_after = retry_after
        self.kind = kind


@dataclass(frozen=True)
class Reservation:
    """The attempts one call took: per kind, the counter's key and the window they count in."""

    windows: dict[str, tuple[str, datetime]]


class Throttle:
    """Counters for one action (e.g. "login"), one per kind of limit (e.g. account and IP)."""

    def __init__(self, action: str, limits: dict[str, int], window_seconds: int):
        self._action = action
        self._limits = dict(limits)
        self._window = timedelta(seconds=window_seconds)

    def key(self, kind: str, value: str) -> str:
        return f"{self._action}:{kind}:{value}"

    def reserve(self, **values: str) -> Reservation:
        """One attempt under each limit, in the order given (kind=value). Raises Throttled for
        the first limit already reached; a refused call keeps nothing it took."""
        taken: dict[str, tuple[str, datetime]] = {}
        for kind, value in values.items():
            key = self.key(kind, value)
            started = self._take(key, self._limits[kind])
            if started is None:
                self.refund(Reservation(taken))
                raise Throttled(self._retry_after(key), kind)
            taken[kind] = (key, started)
        return Reservation(taken)

    def refund(self, reservation: Reservation, *kinds: str) -> None:
        """Give attempts back (all, or those of `kinds`), unless their window has ended meanwhile."""
        for kind, (key, started) in reservation.windows.items():
            if not kinds or kind in kinds:
                (LoginThrottle.update(failures=LoginThrottle.failures - 1)
                 .where(LoginThrottle.key == key, LoginThrottle.window_started_at == started,
                        LoginThrottle.failures > 0)
                 .execute())

    def reset(self, kind: str, value: str) -> None:
        """Forget one counter, e.g. an account's failed logins once its password checked out."""
        LoginThrottle.delete().where(LoginThrottle.key == self.key(kind, value)).execute()

    def _take(self, key: str, limit: int) -> datetime | None:
        """The window the attempt counts in, or None when the limit is reached. One statement:
        the row lock of ON CONFLICT makes concurrent takers count one after another."""
        now = utcnow()
        ended = LoginThrottle.window_started_at <= now - self._window
        rows = (LoginThrottle.insert(key=key, failures=1, window_started_at=now)
                .on_conflict(
                    conflict_target=[LoginThrottle.key],
                    update={
                        LoginThrottle.failures: peewee.Case(None, [(ended, 1)], LoginThrottle.failures + 1),
                        LoginThrottle.window_started_at: peewee.Case(
                            None, [(ended, now)], LoginThrottle.window_started_at)},
                    # Not updated, so no row returned: the limit is reached in a live window.
                    where=ended | (LoginThrottle.failures < limit))
                .returning(LoginThrottle.window_started_at)
                .tuples().execute())
        return rows[0][0] if rows else None

    def _retry_after(self, key: str) -> int:
        started = (LoginThrottle.select(LoginThrottle.window_started_at)
                   .where(LoginThrottle.key == key).scalar())
        if started is None:  # reset since; the next try starts afresh
            return 1
        return max(1, math.ceil((started + self._window - utcnow()).total_seconds()))


def prune(window_seconds: int) -> int:
    """Forget windows that have ended, of every throttle (they share one window length, LOGIN_WINDOW)."""
    ended = utcnow() - timedelta(seconds=window_seconds)
    return LoginThrottle.delete().where(LoginThrottle.window_started_at <= ended).execute()
