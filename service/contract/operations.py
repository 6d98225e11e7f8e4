"""How one operation of the API is documented: what service.api.routes says of each method of each route.

Who may call it is not here: the document reads that from the resource's own `access`.
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    ok: tuple  # (status, description, response model, a tuple of models (any of them), or None)
    body: type[BaseModel] | None = None
    errors: tuple = ()
    params: tuple = ()
    cookie: bool = False  # the refresh cookie is the credential
    sets_cookie: bool = False  # a success sets the refresh cookie


USER_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
           "description": "The user's numeric id. Anything else is answered 404."}
SESSION_ID = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"},
              "description": "A session's id (a UUID) from the session list. Anything else is answered 404."}
PAGE = (
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 200},
     "description": "`next_cursor` from the previous page."},
)
BODY_ERRORS = (400, 413, 415)
