"""/users/me/sessions and /users/{id}/sessions: where an account is signed in, and ending it there."""
from __future__ import annotations

import uuid

import falcon

from service.api.access import Access
from service.api.errors import not_found
from service.api.resources.payload import user_from_path
from service.contract.account_lifecycle import SessionListEnvelope
from service.domain.accounts import Accounts
from service.domain.devices import device_name
from service.domain.live_sessions import LiveSessions


def session_list(sessions: list, current: uuid.UUID | None) -> dict:
    views = [{"id": s.id, "created_at": s.created_at, "last_used_at": s.last_used_at, "ip": s.ip,
              "device": device_name(s.user_agent), "current": s.id == current} for s in sessions]
    return SessionListEnvelope(data={"sessions": views}).model_dump(mode="json")


def session_id_of(raw: str) -> uuid.UUID | None:
    """The session a `{session_id}` path segment names; a malformed id names none."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


def ended(count: int) -> dict:
    return {"status": "success", "message": f"Ended {count} session{'' if count == 1 else 's'}."}


class MySessions:
    access = {"GET": Access.USER, "DELETE": Access.USER}

    def __init__(self, live: LiveSessions):
        self._live = live

    def on_get(self, req, resp):
        identity = req.context.identity
        resp.media = session_list(self._live.of(identity.user), identity.session_id)

    def on_delete(self, req, resp):
        """Every session but this one."""
        identity = req.context.identity
        resp.media = ended(self._live.end_all(identity.user, keep=identity.session_id))

    def on_delete_one(self, req, resp, session_id):
        session = session_id_of(session_id)
        if session is None or not self._live.end(req.context.user, session):
            raise not_found("Session not found.")
        resp.status = falcon.HTTP_204


class UserSessions:
    access = {"GET": Access.ADMIN, "DELETE": Access.ADMIN}

    def __init__(self, accounts: Accounts, live: LiveSessions):
        self._accounts = accounts
        self._live = live

    def _find(self, user_id: str):
        return user_from_path(self._accounts, user_id)

    def on_get(self, req, resp, user_id):
        resp.media = session_list(self._live.of(self._find(user_id)), req.context.identity.session_id)

    def on_delete(self, req, resp, user_id):
        user = self._find(user_id)
        # An admin ending their own sessions here keeps the one they are using.
        keep = req.context.identity.session_id if user.id == req.context.user.id else None
        resp.media = ended(self._live.end_all(user, keep=keep))
