"""Login sessions: each holds the hash of its current refresh token and can be revoked."""
from __future__ import annotations

import functools
import uuid
import weakref
from dataclasses import dataclass
from datetime import timedelta

import peewee

from service.data.models import Session, User, utcnow
from service.domain.client_info import ClientInfo
from service.domain.password_check import LoginFailed
from service.security.tokens import InvalidToken, RefreshToken

# A refresh token replaced this recently is a race between tabs, not a theft: refuse it
# without killing the session.
ROTATION_GRACE = timedelta(seconds=30)
# Former secrets remembered per session for reuse detection. A refresh every 15 minutes fills
# this in 16 hours of constant use; an older copy coming back is refused (401) without
# revoking, which only loses the detection, never lets the copy in.
FORMER_SECRETS_KEPT = 64


class RefreshReuse(InvalidToken):
    """An old refresh token came back: the chain is compromised and the session is revoked."""


class AccountGone(LoginFailed):
    """The account was deleted or deactivated while its login was under way: to the caller, a
    failed login like any other."""


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
        """A new session. Raises AccountGone.

        The account's row is locked first (FOR SHARE), so a deletion racing the login either
        went first (AccountGone) or waits for this to commit and takes the session with it.
        Nothing slow happens under the lock: a deletion waits at most lock_timeout."""
        session_id = uuid.uuid4()
        token = RefreshToken.new(session_id)
        now = utcnow()
        with self._db.atomic():
            live = (User.select(User.id).where(User.id == user.id, User.active)
                    .for_update("FOR SHARE").get_or_none())
            if live is None:
                raise AccountGone()
            session = Session.create(
                id=session_id, user=user, refresh_hash=token.digest, created_at=now, last_used_at=now,
                expires_at=now + self._ttl, user_agent=client.user_agent, ip=client.ip[:45],
            )
        return Opened(session, token)

    def rotate(self, presented: RefreshToken) -> tuple[User, Opened]:
        """Swap a live refresh token for a new one. Raises InvalidToken, RefreshReuse or RefreshRaced."""
        new = RefreshToken.new(presented.session_id)
        now = utcnow()
        refusal: Exception | None = None
        with self._db.atomic():
            session = (Session.select(Session, User).join(User)
                       .where(Session.id == presented.session_id).for_update().get_or_none())
            if session is None or session.revoked_at is not None or session.expires_at <= now:
                refusal = InvalidToken("Invalid refresh token.")
            elif not presented.matches(session.refresh_hash):
                refusal = self._refuse_stale(session, presented, now)
            elif not session.user.active:
                refusal = InvalidToken("Invalid refresh token.")
            else:
                session.former_hashes = [session.refresh_hash, *session.former_hashes][:FORMER_SECRETS_KEPT]
                session.refresh_hash = new.digest
                session.rotated_at = session.last_used_at = now
                session.save(only=[Session.former_hashes, Session.refresh_hash, Session.rotated_at,
                                   Session.last_used_at])
        # Raised only after commit: a revocation must not roll back with the error.
        if refusal is not None:
            raise refusal
        return session.user, Opened(session, new)

    @staticmethod
    def _refuse_stale(session: Session, presented: RefreshToken, now) -> Exception:
        """Why a secret other than the current one is refused. Only a secret this session really
        issued proves a copy exists; anyone who merely saw the session id (in a JWT, a session list,
        a log line) can make up a secret, and must not be able to end the session with it."""
        former = session.former_hashes
        if former and presented.matches(former[0]) and session.rotated_at and now - session.rotated_at < ROTATION_GRACE:
            return RefreshRaced()
        if any(presented.matches(digest) for digest in former):
            session.revoked_at = now
            session.save(only=[Session.revoked_at])
            return RefreshReuse("Refresh token reuse detected; the session is revoked.")
        return InvalidToken("Invalid refresh token.")

    def live_user(self, session_id: uuid.UUID, user_id: int) -> User | None:
        """The active user of a live session, or None. One round trip per authenticated request, to
        a prepared statement: rebuilding its SQL took a fifth of the time of /auth/status."""
        connection = self._db.connection()
        if connection not in _PREPARED:
            self._db.execute_sql(_live_user_statement())
            _PREPARED.add(connection)
        return next(iter(User.raw(f"EXECUTE {LIVE_USER} (%s, %s)", str(session_id), user_id)), None)

    def revoke(self, session_id: uuid.UUID) -> None:
        (Session.update(revoked_at=utcnow())
         .where(Session.id == session_id, Session.revoked_at.is_null()).execute())

    def revoke_all(self, user: User, keep: uuid.UUID | None = None) -> int:
        query = Session.update(revoked_at=utcnow()).where(Session.user == user, Session.revoked_at.is_null())
        if keep is not None:
            query = query.where(Session.id != keep)
        return query.execute()

    def prune(self, keep: timedelta) -> int:
        """Delete sessions that expired or were revoked more than `keep` ago; returns how many."""
        cutoff = utcnow() - keep
        return Session.delete().where((Session.expires_at < cutoff) | (Session.revoked_at < cutoff)).execute()
