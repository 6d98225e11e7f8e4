"""Who may call what, declared once per resource and enforced here.

A resource lists its policy per method, e.g. `auth = {"GET": Access.OPTIONAL, "DELETE": Access.ADMIN}`.
Methods it does not list are public.
"""
from __future__ import annotations

import enum

from service.errors import forbidden, unauthorized
from service.security.tokens import InvalidToken


class Access(enum.Enum):
    PUBLIC = "public"
    OPTIONAL = "optional"  # anyone; a valid bearer token may unlock more
    USER = "user"
    ADMIN = "admin"


class Authorization:
    def __init__(self, auth_service):
        self._auth = auth_service

    def process_resource(self, req, resp, resource, params):
        req.context.identity = None
        policy = getattr(resource, "auth", {}).get(req.method, Access.PUBLIC)
        if policy is Access.PUBLIC:
            return
        header = req.get_header("Authorization")
        if header is None:
            if policy is Access.OPTIONAL:
                return
            raise unauthorized("Authentication required.")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized("Malformed Authorization header; expected 'Bearer <token>'.")
        try:
            identity = self._auth.authenticate(token.strip())
        except InvalidToken as error:
            raise unauthorized(str(error)) from None
        req.context.identity = identity
        req.context.user = identity.user
        if policy is Access.ADMIN and not identity.user.admin:
            raise forbidden("Admin access required.")
