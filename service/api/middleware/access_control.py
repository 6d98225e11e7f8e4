"""Enforces the access policy each resource declares (`access = {...}`, see service.api.access).

Methods a resource does not list are public.
"""
from __future__ import annotations

from service.api.access import Access
from service.api.errors import forbidden, unauthorized
from service.security.tokens import InvalidToken


class AccessControl:
    def __init__(self, authentication):
        self._authentication = authentication

    def process_resource(self, req, resp, resource, params):
        policy = getattr(resource, "access", {}).get(req.method, Access.PUBLIC)
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
            identity = self._authentication.authenticate(token.strip())
        except InvalidToken as error:
            raise unauthorized(str(error)) from None
        req.context.identity = identity
        if policy is Access.ADMIN and not identity.user.admin:
            raise forbidden("Admin access required.")
