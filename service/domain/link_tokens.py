"""Single-use tokens mailed as links, one table per purpose (password reset, email confirmation).

The rules both share live here once: only the SHA-256 of the token is stored, a token works
once and until it expires, a newer one for the same account retires the older ones, and a
deactivated account's tokens do nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from service.data.models import BaseModel, User, utcnow
from service.security.one_time_tokens import digest_matches, new_token, token_digest


class LinkTokens:
    def __init__(self, model: type[BaseModel], ttl: timedelta):
        self._model = model  # a table with user, token_hash, created_at, expires_at, used_at
        self.ttl = ttl

    def issue(self, user: User, **bound) -> str:
        """A new token for `user` (and whatever it is bound to); older ones stop working. Call in a transaction."""
        token, now = new_token(), utcnow()
        self.retire(user, now)
        self._model.create(user=user, token_hash=token_digest(token), created_at=now, expires_at=now + self.ttl,
                           **bound)
        return token

    def live(self, token: str):
        """The unused, unexpired row of `token` for an active account, locked for this transaction; else None."""
        model = self._model
        row = (model.select(model, User).join(User).where(model.token_hash == token_digest(token))
               .for_update().get_or_none())
        if (row is None or not digest_matches(token, row.token_hash) or row.used_at is not None
                or row.expires_at <= utcnow() or not row.user.active):
            return None
        return row

    def retire(self, user: User, now: datetime | None = None) -> None:
        model = self._model
        model.update(used_at=now or utcnow()).where(model.user == user, model.used_at.is_null()).execute()

    def prune(self, expired_before: datetime) -> int:
        """Delete tokens that expired before then, used or not; returns how many."""
        return self._model.delete().where(self._model.expires_at < expired_before).execute()
