"""Login sessions: each holds the hash of its current refresh token; listed and ended by their owner."""
from __future__ import annotations

import functools
import uuid
import weakref
from dataclasses import dataclass
from datetime import timedelta

import peewee

from service.data.models import Session, User, utcnow
from service.domain.client_info import ClientInfo
from service.security.tokens import InvalidToken, RefreshToken

# A refresh token replaced this recently is a race between tabs, not a theft: refuse it
# without killing the session.
ROTATION_GRACE = timedelta(seconds=30)


class RefreshReuse(InvalidToken):
    """An old refresh token came back: the chain is compromised. What that ends is the
    REFRESH_REUSE row of service.domain.credential_events."""

    def __init__(self, message: str, session: Session | None = None):
        super().__init__(message)
        self.session = session


class RefreshRaced(Exception):
    """The token was replaced moments ago by a concurrent refresh; the browser holds the new one.

    Not an InvalidToken: the caller must leave the cookie alone and retry.
    """


@dataclass(frozen=True)
class Opened:
    session: Session
    refresh_token: RefreshToken


LIVE_USER = "live_user"
# Connections that have the statement. A prepared statement belongs to the connection, not to
# this object: each new connection (a worker's first, one after an outage) prepares it once,
# and PostgreSQL then skips parsing and planning it on every request.
_PREPARED: weakref.WeakSet = weakref.WeakSet()


@functools.cache
def _live_user_statement() -> str:
    """The bearer check's query, built once by peewee, as a PREPARE: $1 is the session id, $2 the user id."""
    query = (User.select().join(Session)
             .where(Session.id == peewee.SQL("$1"), Session.user == peewee.SQL("$2"), Session.revoked_at.is_null(),
                    Session.expires_at > peewee.fn.now(), User.active))
    sql, params = query.sql()
    assert not params, params  # every value is one of the two placeholders
    return f"PREPARE {LIVE_USER} (uuid, integer) AS {sql}"


class Sessions:
    def __init__(self, database: peewee.Database, ttl_seconds: int):
        self._db = database
        self._ttl = timedelta(seconds=ttl_seconds)

    def open(self, user: User, client: ClientInfo) -> Opened:
        session_id = uuid.uuid4()
        token = RefreshToken.new(session_id)
        now = utcnow()
        session = Session.create(
            id=session_id, user=user, refresh_hash=token.digest, created_at=now, last_used_at=now,
            expires_at=now + self._ttl, user_agent=client.user_agent, ip=client.ip[:45],
        )
        return Opened(session, token)

    def rotate(self, presented: RefreshToken) -> tuple[User, Opened]:
        """Swap a live refresh token for a new one. Raises InvalidToken, RefreshReuse or RefreshRaced.

        RefreshReuse ends nothing itself: the caller applies the event table's REFRESH_REUSE."""
        new = RefreshToken.new(presented.session_id)
        now = utcnow()
        refusal: Exception | None = None
        with self._db.atomic():
            session = (Session.select(Session, User).join(User)
                       .where(Session.id == presented.session_id).for_update().get_or_none())
            if session is None or session.revoked_at is not None or session.expires_at <= now:
                refusal = InvalidToken("Invalid refresh token.")
            elif not presented.matches(session.refresh_hash):
                if (presented.matches(session.previous_hash) and session.rotated_at
                        and now - session.rotated_at < ROTATION_GRACE):
                    refusal = RefreshRaced()
                else:
                    refusal = RefreshReuse("Refresh token reuse detected; the session is revoked.", session)
            elif not session.user.active:
                refusal = InvalidToken("Invalid refresh token.")
            else:
                session.previous_hash = session.refresh_hash
                session.refresh_hash = new.digest
                session.rotated_at = session.last_used_at = now
                session.save(only=[Session.previous_hash, Session.refresh_hash, Session.rotated_at,
                                   Session.last_used_at])
        if refusal is not None:
            raise refusal
        return session.user, Opened(session, new)

    def live_user(self, session_id: uuid.UUID, user_id: int) -> User | None:
        """The active user of a live session, or None. One round trip per authenticated request, to
        a prepared statement: rebuilding its SQL took a fifth of the time of /auth/status."""
        connection = self._db.connection()
        if connection not in _PREPARED:
            self._db.execute_sql(_live_user_statement())
            _PREPARED.add(connection)
        return next(iter(User.raw(f"EXECUTE {LIVE_USER} (%s, %s)", str(session_id), user_id)), None)

    def live_of(self, user: User) -> list[Session]:
        """Where the account is signed in: its live sessions, most recently used first."""
        return list(Session.select()
                    .where(Session.user == user, Session.revoked_at.is_null(), Session.expires_at > utcnow())
                    .order_by(Session.last_used_at.desc(), Session.created_at.desc()))

    def end(self, user: User, session_id: uuid.UUID) -> bool:
        """End one of this user's live sessions; False if there is no such live session."""
        return bool(Session.update(revoked_at=utcnow())
                    .where(Session.id == session_id, Session.user == user, Session.revoked_at.is_null(),
                           Session.expires_at > utcnow())
                    .execute())

    def end_all(self, user: User, keep: uuid.UUID | None = None) -> int:
        """End every live session of this user but `keep`; returns how many ended. Which credential
        event ends which sessions is service.domain.credential_events' table, the one caller."""
        query = Session.update(revoked_at=utcnow()).where(Session.user == user, Session.revoked_at.is_null(),
                                                          Session.expires_at > utcnow())
        if keep is not None:
            query = query.where(Session.id != keep)
        return query.execute()

    def prune(self, keep: timedelta) -> int:
        """Delete sessions that expired or were revoked more than `keep` ago; returns how many."""
        cutoff = utcnow() - keep
        return Session.delete().where((Session.expires_at < cutoff) | (Session.revoked_at < cutoff)).execute()
