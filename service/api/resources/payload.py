"""Translation between JSON and our models: validated request bodies, user views."""
from __future__ import annotations

from pydantic import BaseModel, ValidationError

from service.api.errors import bad_request, invalid_payload
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


def user_view(user: User, full: bool) -> dict:
    return (FullUser if full else PublicUser).model_validate(user).model_dump(mode="json")
