"""API errors and the JSON envelope every error response uses."""
from __future__ import annotations

import falcon
from pydantic import ValidationError

JSON_TYPE = "application/json; charset=utf-8"

FIELD_MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "Unknown field.",
    "string_type": "Must be a string.",
    "bool_type": "Must be true or false.",
    "string_unicode": "Contains invalid characters.",
}
LENGTH_MESSAGES = {
    "username": "Username must be 3 to 32 characters.",
    "password": "Password must be 8 to 128 characters.",
    "new_password": "Password must be 8 to 128 characters.",
    "email": "Email must be at most 254 characters.",
}
PATTERN_MESSAGES = {
    "username": "Username may contain only letters, digits, underscores, dots and hyphens.",
}


class ApiError(falcon.HTTPError):
    """An error with our envelope: a message and, optionally, messages per field."""

    def __init__(self, status, message: str, errors: dict | None = None, headers: dict | None = None,
                 reason: str | None = None):
        super().__init__(status, description=message, headers=headers)
        self.errors = errors
        self.reason = reason  # a stable code for clients that act on this refusal

    def to_dict(self, obj_type=dict):
        body = obj_type()
        body["status"] = "fail" if self.status_code < 500 else "error"
        if self.reason:
            body["reason"] = self.reason
        body["message"] = self.description or self.title
        if self.errors:
            body["errors"] = self.errors
        return body


def bad_request(message: str = "Invalid payload.", errors: dict | None = None) -> ApiError:
    return ApiError(falcon.HTTP_400, message, errors)


def unauthorized(message: str) -> ApiError:
    return ApiError(falcon.HTTP_401, message, headers={"WWW-Authenticate": "Bearer"})


def forbidden(message: str = "You do not have permission to do that.") -> ApiError:
    return ApiError(falcon.HTTP_403, message)


def not_found(message: str = "User not found.") -> ApiError:
    return ApiError(falcon.HTTP_404, message)


def conflict(errors: dict) -> ApiError:
    return ApiError(falcon.HTTP_409, "That username or email is already taken.", errors)


def not_json() -> ApiError:
    return ApiError(falcon.HTTP_415, "Content-Type must be application/json.")


def refresh_raced() -> ApiError:
    return ApiError(falcon.HTTP_409, "Refresh token already replaced; retry with the current cookie.")


def throttled(seconds: int) -> ApiError:
    """Every throttle's refusal: failed passwords, reset and confirmation mails alike."""
    return ApiError(falcon.HTTP_429, f"Too many attempts. Try again in {seconds} second{'s' * (seconds != 1)}.",
                    headers={"Retry-After": str(seconds)})


def unavailable() -> ApiError:
    return ApiError(falcon.HTTP_503, "The service is temporarily unavailable. Try again shortly.",
                    headers={"Retry-After": "5"})


def invalid_payload(error: ValidationError) -> ApiError:
    errors: dict[str, list[str]] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else (item.get("ctx") or {}).get("field", "body")
        errors.setdefault(field, []).append(_field_message(field, item))
    return bad_request("Invalid payload.", errors)


def _field_message(field: str, item: dict) -> str:
    kind = item["type"]
    if kind in ("string_too_short", "string_too_long") and field in LENGTH_MESSAGES:
        return LENGTH_MESSAGES[field]
    if kind == "string_pattern_mismatch" and field in PATTERN_MESSAGES:
        return PATTERN_MESSAGES[field]
    return FIELD_MESSAGES.get(kind, item["msg"])


def serialize_error(req: falcon.Request, resp: falcon.Response, error: falcon.HTTPError) -> None:
    """Every error, including Falcon's own 404/405, is JSON in our envelope."""
    if isinstance(error, ApiError):
        body = error.to_dict()
    else:
        body = {"status": "fail" if error.status_code < 500 else "error",
                "message": _falcon_message(error)}
    resp.media = body
    resp.content_type = JSON_TYPE


def _falcon_message(error: falcon.HTTPError) -> str:
    if error.status_code == 404:
        return "Not found."
    if error.status_code == 405:
        return "Method not allowed."
    return error.description or error.title
