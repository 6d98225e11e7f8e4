"""The domain's refusals as HTTP answers: one table, registered once in create_app.

Resources never catch a domain exception. A responder reads validate -> call -> respond; when the
domain refuses, the exception travels up to the Falcon error handler that `register_refusals`
installs for its class, and that handler raises the answer written in `REFUSALS`.

To add a refusal: raise a domain exception that carries what the answer needs (a field, a
retry_after, a message) and add one row here. Falcon picks the handler of the most specific
class, so a subclass can have its own row or share its base class's. The test
tests/service/api/test_refusals.py proves each row's answer, and that every exception the domain
defines has a row.
"""
from __future__ import annotations

from collections.abc import Callable

import falcon

from service.api.errors import (
    ApiError,
    bad_request,
    conflict,
    forbidden,
    refresh_raced,
    throttled,
    unauthorized,
)
from service.domain.accounts import Conflict, InvalidCursor
from service.domain.administration import Refused
from service.domain.authentication import EmailUnverified
from service.domain.email_verification import InvalidVerificationToken
from service.domain.password_check import LoginFailed
from service.domain.password_reset import InvalidResetToken
from service.domain.refusals import FieldRefused
from service.domain.sessions import RefreshRaced
from service.domain.throttle import Throttled
from service.security.tokens import InvalidToken

CONFIRM_FIRST = "Confirm your email address first. We can send you a new link."
INVALID_RESET_LINK = "This reset link is invalid or has expired. Ask for a new one."
INVALID_VERIFICATION_LINK = "This link is invalid or has expired."


def _link_refused(message: str) -> ApiError:
    return bad_request(message, {"token": [message]})


REFUSALS: dict[type[Exception], Callable[[Exception], ApiError]] = {
    # 400: a value in the request; the exception names the field (password, new_password, email, ...).
    FieldRefused: lambda refused: bad_request("Invalid payload.", {refused.field: [refused.message]}),
    InvalidCursor: lambda _: bad_request("Invalid query.", {"cursor": ["Invalid cursor."]}),
    InvalidResetToken: lambda _: _link_refused(INVALID_RESET_LINK),
    InvalidVerificationToken: lambda _: _link_refused(INVALID_VERIFICATION_LINK),
    # 401: the credential itself (same answer for an unknown email, a wrong password, a disabled account).
    LoginFailed: lambda _: unauthorized("Invalid email or password."),
    InvalidToken: lambda refused: unauthorized(str(refused)),
    # 403: the right credential, but a rule stands in the way.
    EmailUnverified: lambda _: ApiError(falcon.HTTP_403, CONFIRM_FIRST, reason="email_unverified"),
    Refused: lambda refused: forbidden(str(refused)),
    # 409: a clash with another account, or with another tab's refresh.
    Conflict: lambda taken: conflict(taken.errors),
    RefreshRaced: lambda _: refresh_raced(),
    # 429: counted attempts, of every throttle (passwords, reset and confirmation mails).
    Throttled: lambda wait: throttled(wait.retry_after),
}


def register_refusals(app: falcon.App) -> None:
    for refusal, answer in REFUSALS.items():
        app.add_error_handler(refusal, _answering(answer))


def _answering(answer: Callable[[Exception], ApiError]):
    def handle(req, resp, refusal, params):
        raise answer(refusal)

    return handle
