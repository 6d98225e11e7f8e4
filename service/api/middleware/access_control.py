"""Enforces the access policy each resource declares (`access = {...}`, see service.api.access).

Fails closed: `require_declared_access` stops create_app when a responder has no policy, so
forgetting one is a start-up error, not a public endpoint.
"""
from __future__ import annotations

import falcon
from falcon.inspect import inspect_routes

from service.api.access import Access
from service.api.errors import forbidden, unauthorized
from service.security.tokens import InvalidToken


class UndeclaredAccess(RuntimeError):
    """A route answers a method its resource gives no access policy for."""


def undeclared_responders(app: falcon.App) -> list[str]:
    """`METHOD path` of every responder of ours without an access policy."""
    missing = []
    for route in inspect_routes(app):
        # inspect_routes lists paths and responders but not the resource; the router's own
        # find() (the documented custom-router interface) gives it.
        resource = app._router.find(route.path)[0]
        policy = getattr(resource, "access", {})
        missing += [f"{method.method} {route.path}" for method in route.methods
                    if not method.internal and method.method not in policy]
    return missing


def require_declared_access(app: falcon.App) -> None:
    missing = undeclared_responders(app)
    if missing:
        raise UndeclaredAccess(f"no access policy for: {', '.join(missing)}")


class AccessControl:
    def __init__(self, authentication):
        self._authentication = authentication

    def process_resource(self, req, resp, resource, params):
        policy = getattr(resource, "access", {}).get(req.method)
        if policy is None:
            # Only Falcon's own responders (405, OPTIONS), static files and sinks lack a policy;
            # a responder of ours without one is refused, not public.
            if resource is not None and _has_responder(resource, req.method):
                raise forbidden("No access policy is declared for this method.")
            return
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


def _has_responder(resource, method: str) -> bool:
    name = f"on_{method.lower()}"
    return any(attr == name or attr.startswith(name + "_") for attr in dir(resource))
