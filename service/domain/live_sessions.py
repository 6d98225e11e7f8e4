"""Where an account is signed in: list its live sessions and end them, one or all but this one."""
from __future__ import annotations

import uuid

from service.data.models import Session, User, utcnow


class LiveSessions:
    def of(self, user: User) -> list[Session]:
        """Live sessions, most recently used first."""
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
        query = Session.update(revoked_at=utcnow()).where(Session.user == user, Session.revoked_at.is_null(),
                                                          Session.expires_at > utcnow())
        if keep is not None:
            query = query.where(Session.id != keep)
        return query.execute()
