"""The OpenAPI 3.1 document, derived: paths, methods and their documentation from the route table
(service.api.routes), security from each resource's `access`, schemas from service.contract.schemas.

It is the one contract between the service and the client (whose types are generated
from it), and the test suite checks real responses against it.
"""
from __future__ import annotations

from pydantic.json_schema import models_json_schema

from service.api.access import Access
from service.api.middleware.access_control import UndeclaredAccess
from service.api.routes import BASE, ROUTES, Route
from service.contract import account_lifecycle, schemas
from service.contract.limits import DEFAULT_MAX_BODY_BYTES
from service.contract.operations import Operation

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
    415: "Request body is not JSON; on /auth/refresh, the request is not sent as `application/json` "
         "(nor `Sec-Fetch-Site: same-origin`), as a cross-site form's would be: nothing is touched.",
    429: "Too many requests or failed logins; see `Retry-After`. nginx rate-limits credential guesses, "
         "refresh per session, and every /api/ route under a general ceiling.",
    431: "Request headers too many or too large (refused by nginx or the app server before the API).",
}
# Any operation can meet these: refused before the API (414, 431), the general rate limit (429),
# the database unavailable (503).
EVERY_OPERATION = (414, 429, 431, 503)
# Who may call an operation, as the document says it; the resource's `access` decides.
SECURITY = {
    Access.PUBLIC: [],
    Access.OPTIONAL: [{}, {"bearer": []}],
    Access.USER: [{"bearer": []}],
    Access.ADMIN: [{"bearer": []}],
}
REFRESH_COOKIE_SECURITY = [{"refreshCookie": []}]
# The client has always called the user id of a path `id`; the resources receive it as `user_id`.
DOCUMENTED_FIELDS = {"{user_id}": "{id}"}


def documented_path(template: str) -> str:
    """The document's path for a route's URI template (under BASE)."""
    for field, documented in DOCUMENTED_FIELDS.items():
        template = template.replace(field, documented)
    return template


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
    paths = {BASE + documented_path(route.path): {method.lower(): _operation(route, method, op)
                                                  for method, op in route.operations.items()}
             for route in ROUTES if route.documented}
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
                "refreshCookie": {"type": "apiKey", "in": "cookie", "name": "refresh_token",
                                  "description": "`__Secure-refresh_token` where the cookie is Secure "
                                                 "(production's default), `refresh_token` over plain HTTP."},
            },
            "responses": {str(code): _error_response(text) for code, text in errors.items()},
        },
    }


def _component_schemas() -> dict:
    mode_of = {model: ("validation" if issubclass(model, schemas.Request) else "serialization") for model in MODELS}
    _, top = models_json_schema([(model, mode_of[model]) for model in MODELS], ref_template=REF)
    return top.get("$defs", {})


def _operation(route: Route, method: str, op: Operation) -> dict:
    status, description, model = op.ok
    ok: dict = {"description": description}
    if isinstance(model, tuple):
        ok["content"] = {"application/json": {"schema": {"anyOf": [
            {"$ref": REF.format(model=each.__name__)} for each in model]}}}
    elif model is not None:
        ok["content"] = {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}}
    if op.sets_cookie:
        ok["headers"] = {"Set-Cookie": {"schema": {"type": "string"},
                                        "description": "`__Secure-refresh_token` (Secure) or, over plain HTTP, "
                                                       "`refresh_token`; HttpOnly, SameSite=Strict, Path=/api/v1/auth"}}
    path = documented_path(route.path)
    operation = {
        "operationId": f"{method.lower()}{path.replace('/', '_').replace('{', '').replace('}', '')}",
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": list(op.params),
        "responses": {str(status): ok, **{str(code): {"$ref": f"#/components/responses/{code}"}
                                            for code in sorted({*op.errors, *EVERY_OPERATION})}},
    }
    if op.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": REF.format(model=op.body.__name__)}}}}
    access = getattr(route.resource, "access", {}).get(method)
    if access is None:  # fails closed, as create_app does for a responder without a policy
        raise UndeclaredAccess(f"no access policy for: {method} {BASE}{route.path}")
    security = REFRESH_COOKIE_SECURITY if op.cookie and access is Access.PUBLIC else SECURITY[access]
    operation["security"] = [dict(requirement) for requirement in security]
    return operation


def _error_response(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": REF.format(model="Failure")}}}}
