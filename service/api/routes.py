"""The route table: every path of the API, the resource class that serves it, and each method's documentation.

It is declared once. create_app builds one resource of each class with its dependencies and
`add_routes` puts it at the paths this table gives its class; service.contract.openapi writes the
OpenAPI document from the same table, and takes each operation's security from the `access` its
resource declares. A route, a method or an access rule therefore cannot be in the app and not in
the document, or the other way round (tests/service/contract/test_openapi.py checks it).

To add a route: write the resource (with its `access`), add a `Route` here with an `Operation` per
method, and pass the resource to `add_routes` in create_app.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import falcon

from service.api.resources import auth_routes, docs, email_verification, meta, my_account, password_reset, users
from service.api.resources import sessions as session_routes
from service.contract import account_lifecycle, schemas
from service.contract.operations import BODY_ERRORS, PAGE, SESSION_ID, USER_ID, Operation

BASE = "/api/v1"


@dataclass(frozen=True)
class Route:
    path: str  # under BASE, as Falcon's URI template
    resource: type
    operations: dict[str, Operation] = field(default_factory=dict)  # HTTP method -> its documentation
    suffix: str | None = None  # Falcon's responder suffix: on_delete_one for suffix "one"

    @property
    def documented(self) -> bool:
        return bool(self.operations)


ROUTES = (
    Route("/ping", meta.Ping, {
        "GET": Operation("Liveness and platform version", "meta", (200, "Pong.", schemas.Ping)),
    }),
    Route("/health", meta.Health, {
        "GET": Operation("Readiness: 200 when the database answers", "meta", (200, "Healthy.", schemas.Success)),
    }),
    Route("/auth/register", auth_routes.Register, {
        "POST": Operation(
            "Create an account and log in; a confirmation link is mailed", "auth",
            (201, "Registered and logged in (sets the refresh cookie); or, when the platform requires a "
                  "confirmed email, registered only (`verification_required`, no token, no cookie).",
             (schemas.AuthEnvelope, account_lifecycle.RegisteredUnverifiedEnvelope)),
            body=schemas.RegisterRequest, errors=(*BODY_ERRORS, 409, 429), sets_cookie=True),
    }),
    Route("/auth/login", auth_routes.Login, {
        "POST": Operation("Log in with email and password", "auth",
                          (200, "Logged in; sets the refresh cookie.", schemas.AuthEnvelope),
                          body=schemas.LoginRequest, errors=(*BODY_ERRORS, 401, 403, 429), sets_cookie=True),
    }),
    Route("/auth/refresh", auth_routes.Refresh, {
        "POST": Operation("Swap the refresh cookie for a new access token", "auth",
                          (200, "New access token; the refresh cookie is rotated.", schemas.AuthEnvelope),
                          errors=(401, 409, 413, 415, 429), cookie=True, sets_cookie=True),
    }),
    Route("/auth/logout", auth_routes.Logout, {
        "POST": Operation("End this session: its access and refresh tokens stop working", "auth",
                          (200, "Logged out.", schemas.Success), errors=(401, 413, 415, 429)),
    }),
    Route("/auth/status", auth_routes.Status, {
        "GET": Operation("The logged-in user", "auth", (200, "The user.", schemas.UserEnvelope), errors=(401, 429)),
    }),
    Route("/auth/password-reset", password_reset.PasswordResetRequests, {
        "POST": Operation("Mail a single-use reset link (same answer for any email)", "auth",
                          (202, "Accepted; a link is mailed if an active account uses the email.", schemas.Success),
                          body=account_lifecycle.PasswordResetRequest, errors=(*BODY_ERRORS, 429)),
    }),
    Route("/auth/password-reset/confirm", password_reset.PasswordResetConfirmation, {
        "POST": Operation("Set a new password with a reset link; every session ends", "auth",
                          (200, "Changed; a notice is mailed.", schemas.Success),
                          body=account_lifecycle.PasswordResetConfirmRequest, errors=(*BODY_ERRORS, 429)),
    }),
    Route("/auth/verify-email", email_verification.EmailConfirmation, {
        "POST": Operation("Confirm an email address with the mailed link's token", "auth",
                          (200, "Confirmed; after a change of address, the new address is now the account's email.",
                           account_lifecycle.VerifiedEmailEnvelope),
                          body=account_lifecycle.VerifyEmailRequest, errors=(*BODY_ERRORS, 429)),
    }),
    Route("/auth/verify-email/resend", email_verification.EmailConfirmationResend, {
        "POST": Operation("Mail a new confirmation link (same answer for any email)", "auth",
                          (202, "Accepted; a link is mailed if an active account waits to confirm that address.",
                           schemas.Success),
                          body=account_lifecycle.VerifyEmailResendRequest, errors=(*BODY_ERRORS, 429)),
    }),
    Route("/users", users.UserCollection, {
        "GET": Operation("All users, newest first (admins see every field)", "users",
                         (200, "A page of users.", schemas.UserPageEnvelope), errors=(400, 401), params=PAGE),
        "POST": Operation("Create a user (admin)", "users", (201, "Created.", schemas.UserEnvelope),
                          body=schemas.UserCreateRequest, errors=(*BODY_ERRORS, 401, 403, 409)),
    }),
    Route("/users/me", my_account.MyAccount, {
        "PATCH": Operation("Change my username or email; a new email waits in `pending_email` until "
                           "confirmed from the link mailed to it, and the old address gets a notice", "users",
                           (200, "Updated.", schemas.UserEnvelope), body=schemas.ProfileUpdateRequest,
                           errors=(*BODY_ERRORS, 401, 409)),
        "DELETE": Operation("Delete my account (current password); every session ends, a confirmation "
                            "is mailed", "users", (204, "Deleted; the refresh cookie is cleared.", None),
                            body=account_lifecycle.AccountDeleteRequest, errors=(*BODY_ERRORS, 401, 403, 429)),
    }),
    Route("/users/me/password", users.MyPassword, {
        "POST": Operation("Change my password; my other sessions end. Wrong current passwords count with failed "
                          "logins", "users", (200, "Changed.", schemas.Success), body=schemas.PasswordChangeRequest,
                          errors=(*BODY_ERRORS, 401, 429)),
    }),
    Route("/users/me/sessions", session_routes.MySessions, {
        "GET": Operation("Where I am signed in: my live sessions", "sessions",
                         (200, "Live sessions, most recently used first; `current` marks this one.",
                          account_lifecycle.SessionListEnvelope), errors=(401,)),
        "DELETE": Operation("Sign out everywhere else: end every session but this one", "sessions",
                            (200, "Ended; the message says how many.", schemas.Success), errors=(401, 413, 415)),
    }),
    Route("/users/me/sessions/{session_id}", session_routes.MySessions, {
        "DELETE": Operation("End one of my sessions (this one too)", "sessions",
                            (204, "Ended; its tokens are refused from now on.", None),
                            errors=(401, 404, 413, 415), params=(SESSION_ID,)),
    }, suffix="one"),
    Route("/users/{user_id}/sessions", session_routes.UserSessions, {
        "GET": Operation("A user's live sessions (admin)", "sessions",
                         (200, "Live sessions, most recently used first.", account_lifecycle.SessionListEnvelope),
                         errors=(401, 403, 404), params=(USER_ID,)),
        "DELETE": Operation("End every session of a user (admin; never the caller's own)", "sessions",
                            (200, "Ended; the message says how many.", schemas.Success),
                            errors=(401, 403, 404, 413, 415), params=(USER_ID,)),
    }),
    Route("/users/{user_id}", users.UserItem, {
        "GET": Operation("One user (admins see every field)", "users", (200, "The user.", schemas.UserEnvelope),
                         errors=(401, 404), params=(USER_ID,)),
        "PATCH": Operation("Change a user (admin); admins cannot demote or disable themselves, and one active admin "
                           "always remains. A new email applies at once, unverified, and a confirmation link is "
                           "mailed to it; reset links mailed to the old address stop working", "users",
                           (200, "Updated.", schemas.UserEnvelope), body=schemas.UserUpdateRequest,
                           errors=(*BODY_ERRORS, 401, 403, 404, 409), params=(USER_ID,)),
        "DELETE": Operation("Delete a user (admin); admins cannot delete themselves, and one active admin always "
                            "remains", "users", (204, "Deleted.", None), errors=(401, 403, 404), params=(USER_ID,)),
    }),
    Route("/users/{user_id}/password-reset", password_reset.AdminPasswordReset, {
        "POST": Operation("Mail the user a reset link (admin; the token is never shown)", "users",
                          (202, "Accepted; the link is mailed.", schemas.Success),
                          errors=(*BODY_ERRORS, 401, 403, 404), params=(USER_ID,)),
    }),
    # The documentation's own routes, not in the document.
    Route("/openapi.json", docs.OpenApiDocument),
    Route("/docs", docs.DocsPage),
    Route("/docs/init.js", docs.DocsPage, suffix="script"),
)


class RoutesMismatch(RuntimeError):
    """The resources create_app built and the classes the route table names differ."""


def add_routes(app: falcon.App, resources: Iterable[object]) -> None:
    """Put each resource at every path the table gives its class: exactly one resource per class."""
    resources = list(resources)
    by_class = {type(resource): resource for resource in resources}
    named = {route.resource for route in ROUTES}
    if set(by_class) != named or len(by_class) != len(resources):
        missing = sorted(cls.__name__ for cls in named - set(by_class))
        unrouted = sorted(cls.__name__ for cls in set(by_class) - named)
        raise RoutesMismatch(f"one resource per class of the route table; missing: {missing}, "
                             f"not in the table: {unrouted}, built {len(resources)} for {len(by_class)} classes")
    for route in ROUTES:
        app.add_route(BASE + route.path, by_class[route.resource], suffix=route.suffix)
