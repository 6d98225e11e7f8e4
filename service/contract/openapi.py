"""The OpenAPI 3.1 document: paths listed here, schemas generated from service.contract.schemas.

It is the one contract between the service and the client (whose types are generated
from it), and the test suite checks real responses against it.
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from service.contract import account_lifecycle, schemas
from service.contract.limits import DEFAULT_MAX_BODY_BYTES

BASE = "/api/v1"
REF = "#/components/schemas/{model}"

# Reusable responses, keyed by status code.
ERRORS = {
    400: "Invalid payload, JSON or query; `errors` names the fields at fault.",
    401: "Missing, malformed, expired or revoked token (`WWW-Authenticate: Bearer`).",
    403: "Authenticated, but not allowed; on /auth/login, the password is right but the email is not "
         "confirmed yet (`reason`: `email_unverified`).",
    404: "No such user.",
    409: "The username or email is already taken (case-insensitive); on /auth/refresh, another tab "
         "refreshed moments ago: retry, the browser already holds the new cookie.",
    414: "Request line too long (refused by nginx or the app server before the API).",
    415: "Request body is not JSON.",
    429: "Too many requests or failed logins; see `Retry-After`. nginx rate-limits credential guesses, "
         "refresh per session, and every /api/ route under a general ceiling.",
    431: "Request headers too many or too large (refused by nginx or the app server before the API).",
}
BODY_ERRORS = (400, 413, 415)
# Any operation can meet these: refused before the API (414, 431), the general rate limit (429),
# the database unavailable (503).
EVERY_OPERATION = (414, 429, 431, 503)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    ok: tuple  # (status, description, response model, a tuple of models (any of them), or None)
    body: type[BaseModel] | None = None
    bearer: str = "none"  # "none", "optional" or "required"
    errors: tuple = ()
    params: tuple = ()
    cookie: bool = False


USER_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
           "description": "The user's numeric id. Anything else is answered 404."}
SESSION_ID = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"},
              "description": "A session's id (a UUID) from the session list. Anything else is answered 404."}
PAGE = (
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 200},
     "description": "`next_cursor` from the previous page."},
)

OPERATIONS = (
    Operation("get", "/ping", "Liveness and platform version", "meta", (200, "Pong.", schemas.Ping)),
    Operation("get", "/health", "Readiness: 200 when the database answers", "meta",
              (200, "Healthy.", schemas.Success)),
    Operation("post", "/auth/register", "Create an account and log in; a confirmation link is mailed", "auth",
              (201, "Registered and logged in (sets the refresh cookie); or, when the platform requires a "
                    "confirmed email, registered only (`verification_required`, no token, no cookie); "
                    "then an email that already has an account gets the same answer, and its owner a mail.",
               (schemas.AuthEnvelope, account_lifecycle.RegisteredUnverifiedEnvelope)),
              body=schemas.RegisterRequest, errors=(*BODY_ERRORS, 409, 429)),
    Operation("post", "/auth/login", "Log in with email and password", "auth",
              (200, "Logged in; sets the refresh cookie.", schemas.AuthEnvelope),
              body=schemas.LoginRequest, errors=(*BODY_ERRORS, 401, 403, 429)),
    Operation("post", "/auth/refresh", "Swap the refresh cookie for a new access token", "auth",
              (200, "New access token; the refresh cookie is rotated.", schemas.AuthEnvelope),
              errors=(401, 409, 413, 415, 429), cookie=True),
    Operation("post", "/auth/logout", "End this session: its access and refresh tokens stop working", "auth",
              (200, "Logged out.", schemas.Success), bearer="required", errors=(401, 413, 415, 429)),
    Operation("get", "/auth/status", "The logged-in user", "auth",
              (200, "The user.", schemas.UserEnvelope), bearer="required", errors=(401, 429)),
    Operation("post", "/auth/password-reset", "Mail a single-use reset link (same answer for any email)", "auth",
              (202, "Accepted; a link is mailed if an active account uses the email.", schemas.Success),
              body=account_lifecycle.PasswordResetRequest, errors=(*BODY_ERRORS, 429)),
    Operation("post", "/auth/password-reset/confirm", "Set a new password with a reset link; every session ends",
              "auth", (200, "Changed; a notice is mailed.", schemas.Success),
              body=account_lifecycle.PasswordResetConfirmRequest, errors=(*BODY_ERRORS, 429)),
    Operation("post", "/auth/verify-email", "Confirm an email address with the mailed link's token", "auth",
              (200, "Confirmed; after a change of address, the new address is now the account's email.",
               account_lifecycle.VerifiedEmailEnvelope),
              body=account_lifecycle.VerifyEmailRequest, errors=(*BODY_ERRORS, 429)),
    Operation("post", "/auth/verify-email/resend", "Mail a new confirmation link (same answer for any email)", "auth",
              (202, "Accepted; a link is mailed if an active account waits to confirm that address.",
               schemas.Success),
              body=account_lifecycle.VerifyEmailResendRequest, errors=(*BODY_ERRORS, 429)),
    Operation("get", "/users", "All users, newest first (admins see every field)", "users",
              (200, "A page of users.", schemas.UserPageEnvelope), bearer="optional", errors=(400, 401),
              params=PAGE),
    Operation("post", "/users", "Create a user (admin)", "users",
              (201, "Created.", schemas.UserEnvelope), body=schemas.UserCreateRequest, bearer="required",
              errors=(*BODY_ERRORS, 401, 403, 409)),
    Operation("patch", "/users/me", "Change my username or email; a new email waits in `pending_email` until "
              "confirmed from the link mailed to it, and the old address gets a notice", "users",
              (200, "Updated.", schemas.UserEnvelope), body=schemas.ProfileUpdateRequest, bearer="required",
              errors=(*BODY_ERRORS, 401, 409)),
    Operation("delete", "/users/me", "Delete my account (current password); every session ends, a confirmation "
              "is mailed", "users", (204, "Deleted; the refresh cookie is cleared.", None),
              body=account_lifecycle.AccountDeleteRequest, bearer="required", errors=(*BODY_ERRORS, 401, 403, 429)),
    Operation("post", "/users/me/password",
              "Change my password; my other sessions end. Wrong current passwords count with failed logins",
              "users", (200, "Changed.", schemas.Success), body=schemas.PasswordChangeRequest, bearer="required",
              errors=(*BODY_ERRORS, 401, 429)),
    Operation("get", "/users/me/sessions", "Where I am signed in: my live sessions", "sessions",
              (200, "Live sessions, most recently used first; `current` marks this one.",
               account_lifecycle.SessionListEnvelope), bearer="required", errors=(401,)),
    Operation("delete", "/users/me/sessions", "Sign out everywhere else: end every session but this one", "sessions",
              (200, "Ended; the message says how many.", schemas.Success), bearer="required",
              errors=(401, 413, 415)),
    Operation("delete", "/users/me/sessions/{session_id}", "End one of my sessions (this one too)", "sessions",
              (204, "Ended; its tokens are refused from now on.", None), bearer="required",
              errors=(401, 404, 413, 415), params=(SESSION_ID,)),
    Operation("get", "/users/{id}/sessions", "A user's live sessions (admin)", "sessions",
              (200, "Live sessions, most recently used first.", account_lifecycle.SessionListEnvelope),
              bearer="required", errors=(401, 403, 404), params=(USER_ID,)),
    Operation("delete", "/users/{id}/sessions", "End every session of a user (admin; never the caller's own)",
              "sessions", (200, "Ended; the message says how many.", schemas.Success), bearer="required",
              errors=(401, 403, 404, 413, 415), params=(USER_ID,)),
    Operation("get", "/users/{id}", "One user (admins see every field)", "users",
              (200, "The user.", schemas.UserEnvelope), bearer="optional", errors=(401, 404), params=(USER_ID,)),
    Operation("patch", "/users/{id}",
              "Change a user (admin); admins cannot demote or disable themselves, and one active admin always "
              "remains. A new email applies at once, unverified, and a confirmation link is mailed to it; "
              "reset links mailed to the old address stop working",
              "users",
              (200, "Updated.", schemas.UserEnvelope), body=schemas.UserUpdateRequest, bearer="required",
              errors=(*BODY_ERRORS, 401, 403, 404, 409), params=(USER_ID,)),
    Operation("delete", "/users/{id}",
              "Delete a user (admin); admins cannot delete themselves, and one active admin always remains", "users",
              (204, "Deleted.", None), bearer="required", errors=(401, 403, 404), params=(USER_ID,)),
    Operation("post", "/users/{id}/password-reset", "Mail the user a reset link (admin; the token is never shown)",
              "users", (202, "Accepted; the link is mailed.", schemas.Success), bearer="required",
              errors=(*BODY_ERRORS, 401, 403, 404), params=(USER_ID,)),
)

MODELS = (
    schemas.RegisterRequest, schemas.LoginRequest, schemas.UserCreateRequest, schemas.UserUpdateRequest,
    schemas.ProfileUpdateRequest, schemas.PasswordChangeRequest, schemas.Ping, schemas.Success,
    schemas.AuthEnvelope, schemas.UserEnvelope, schemas.UserPageEnvelope, schemas.Failure,
    account_lifecycle.PasswordResetRequest, account_lifecycle.PasswordResetConfirmRequest,
    account_lifecycle.SessionListEnvelope, account_lifecycle.AccountDeleteRequest,
    account_lifecycle.VerifyEmailRequest, account_lifecycle.VerifyEmailResendRequest,
    account_lifecycle.VerifiedEmailEnvelope, account_lifecycle.RegisteredUnverifiedEnvelope,
)


def build_openapi(version: str, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> dict:
    components = _component_schemas()
    paths: dict = {}
    for op in OPERATIONS:
        paths.setdefault(BASE + op.path, {})[op.method] = _operation(op)
    errors = {**ERRORS, 413: f"Request body over {max_body_bytes // 1024} KiB.",
              503: "The database is unreachable; try again (see `Retry-After`)."}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Users platform API",
            "version": version,
            "description": "Register, log in and out, see your status; admins manage users. "
                           "Every response is JSON in a `status` envelope.",
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": "meta"}, {"name": "auth"}, {"name": "users"}, {"name": "sessions"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "refreshCookie": {"type": "apiKey", "in": "cookie", "name": "refresh_token"},
            },
            "responses": {str(code): _error_response(text) for code, text in errors.items()},
        },
    }


def _component_schemas() -> dict:
    mode_of = {model: ("validation" if issubclass(model, schemas.Request) else "serialization") for model in MODELS}
    _, top = models_json_schema([(model, mode_of[model]) for model in MODELS], ref_template=REF)
    return top.get("$defs", {})


def _operation(op: Operation) -> dict:
    status, description, model = op.ok
    ok: dict = {"description": description}
    if isinstance(model, tuple):
        ok["content"] = {"application/json": {"schema": {"anyOf": [
            {"$ref": REF.format(model=each.__name__)} for each in model]}}}
    elif model is not None:
        ok["content"] = {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}}
    if op.cookie or op.path in ("/auth/register", "/auth/login"):
        ok["headers"] = {"Set-Cookie": {"schema": {"type": "string"},
                                        "description": "`refresh_token`, HttpOnly, SameSite=Strict, Path=/api/v1/auth"}}
    operation = {
        "operationId": f"{op.method}{op.path.replace('/', '_').replace('{', '').replace('}', '')}",
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": list(op.params),
        "responses": {str(status): ok, **{str(code): {"$ref": f"#/components/responses/{code}"}
                                            for code in sorted({*op.errors, *EVERY_OPERATION})}},
    }
    if op.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}}}
    if op.bearer == "required":
        operation["security"] = [{"bearer": []}]
    elif op.bearer == "optional":
        operation["security"] = [{}, {"bearer": []}]
    elif op.cookie:
        operation["security"] = [{"refreshCookie": []}]
    else:
        operation["security"] = []
    return operation


def _error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": REF.format(model="Failure")}}}}
