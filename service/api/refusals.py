"""The domain's refusals of an account write, as HTTP: 400 for a value, 409 for a clash,
403 for an administration rule."""
from __future__ import annotations

from contextlib import contextmanager

from service.api.errors import bad_request, conflict, forbidden
from service.domain.accounts import Conflict, PasswordRefused
from service.domain.administration import Refused
from service.domain.identifiers import IdentifierRefused


@contextmanager
def refusals(password_field: str = "password"):
    """`password_field` names the body field that carried the new password."""
    try:
        yield
    except IdentifierRefused as refused:
        raise bad_request("Invalid payload.", {refused.field: [refused.message]}) from None
    except PasswordRefused as refused:
        raise bad_request("Invalid payload.", {password_field: [str(refused)]}) from None
    except Conflict as taken:
        raise conflict(taken.errors) from None
    except Refused as refused:
        raise forbidden(str(refused)) from None
