"""Translation between JSON and our models: validated request bodies, user views."""
from __future__ import annotations

import re

from pydantic import BaseModel, ValidationError

from service.api.errors import bad_request, invalid_payload, not_found
from service.contract.schemas import FullUser, PublicUser
from service.data.models import User


def validated(req, model: type[BaseModel]) -> BaseModel:
    body = req.context.json
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object.")
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise invalid_payload(error) from None


# The fields each view shows, in the schemas' order; the JSON handler writes the datetimes.
PUBLIC_FIELDS = tuple(PublicUser.model_fields)
FULL_FIELDS = tuple(FullUser.model_fields)


def user_fields(full: bool) -> tuple[str, ...]:
    return FULL_FIELDS if full else PUBLIC_FIELDS


def user_view(user: User, full: bool) -> dict:
    """Read straight off the model: a pydantic round trip per user cost more than the query."""
    return {name: getattr(user, name) for name in user_fields(full)}


USER_ID = re.compile(r"^[0-9]{1,10}$")


def user_from_path(accounts, user_id: str) -> User:
    """The user a `{user_id}` path segment names, or 404: a malformed id names nobody."""
    user = accounts.get(int(user_id)) if USER_ID.match(user_id) else None
    if user is None:
        raise not_found()
    return user
