"""The domain's refusals of an account write, as HTTP: 400 for a value, 409 for a clash,
403 for an administration rule."""
from __future__ import annotations

from service.api.errors import bad_request, conflict, forbidden
from service.domain.accounts import Conflict, PasswordRefused
from service.domain.administration import Refused
from service.domain.identifiers import IdentifierRefused


class refusals:
    """The domain's refusals of an account write, as HTTP: 400 for a value, 409 for a clash.
    `password_field` names the body field that carried the new password."""

    def __init__(self, password_field: str = "password"):
        self._password_field = password_field

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if isinstance(exc, IdentifierRefused):
            raise bad_request("Invalid payload.", {exc.field: [exc.message]}) from None
        if isinstance(exc, PasswordRefused):
            raise bad_request("Invalid payload.", {self._password_field: [str(exc)]}) from None
        if isinstance(exc, Conflict):
            raise conflict(exc.errors) from None
        if isinstance(exc, Refused):
            raise forbidden(str(exc)) from None
        return False
