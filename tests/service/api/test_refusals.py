"""Every domain refusal has its HTTP answer in one table (service.api.refusals), registered in create_app."""
import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import falcon.testing
import pytest

import service.api.resources
import service.domain
from service.api.access import Access
from service.api.refusals import REFUSALS
from service.app import create_app
from service.domain.accounts import Conflict, InvalidCursor, PasswordRefused
from service.domain.administration import LastActiveAdmin, Refused
from service.domain.authentication import EmailUnverified
from service.domain.email_verification import InvalidVerificationToken
from service.domain.identifiers import IdentifierRefused
from service.domain.password_check import LoginFailed
from service.domain.password_reset import InvalidResetToken
from service.domain.refusals import WrongPassword
from service.domain.sessions import AccountGone, RefreshRaced, RefreshReuse
from service.domain.throttle import Throttled
from service.security.tokens import InvalidToken

RESET_LINK = "This reset link is invalid or has expired. Ask for a new one."
VERIFICATION_LINK = "This link is invalid or has expired."
BEARER = {"www-authenticate": "Bearer"}


def fail(message, errors=None, **extra):
    return {"status": "fail", **extra, "message": message, **({"errors": errors} if errors else {})}


# (the refusal the domain raises, the status, the body, headers the answer must carry)
CELLS = [
    (IdentifierRefused("email", "Enter a valid email address."), 400,
     fail("Invalid payload.", {"email": ["Enter a valid email address."]}), {}),
    (PasswordRefused("password", "Password is too common."), 400,
     fail("Invalid payload.", {"password": ["Password is too common."]}), {}),
    (PasswordRefused("new_password", "Password is too common."), 400,
     fail("Invalid payload.", {"new_password": ["Password is too common."]}), {}),
    (WrongPassword("current_password", "Current password is incorrect."), 400,
     fail("Invalid payload.", {"current_password": ["Current password is incorrect."]}), {}),
    (WrongPassword("password", "Password is incorrect."), 400,
     fail("Invalid payload.", {"password": ["Password is incorrect."]}), {}),
    (InvalidCursor(), 400, fail("Invalid query.", {"cursor": ["Invalid cursor."]}), {}),
    (InvalidResetToken(), 400, fail(RESET_LINK, {"token": [RESET_LINK]}), {}),
    (InvalidVerificationToken(), 400, fail(VERIFICATION_LINK, {"token": [VERIFICATION_LINK]}), {}),
    (LoginFailed(), 401, fail("Invalid email or password."), BEARER),
    (AccountGone(), 401, fail("Invalid email or password."), BEARER),
    (InvalidToken("Token expired."), 401, fail("Token expired."), BEARER),
    (RefreshReuse("Invalid refresh token."), 401, fail("Invalid refresh token."), BEARER),
    (EmailUnverified(), 403, fail("Confirm your email address first. We can send you a new link.",
                                  reason="email_unverified"), {}),
    (Refused("You cannot delete your own account."), 403, fail("You cannot delete your own account."), {}),
    (LastActiveAdmin(), 403, fail("At least one active admin must remain: make someone else an admin first."), {}),
    (Conflict({"username": ["Username is already taken."]}), 409,
     fail("That username or email is already taken.", {"username": ["Username is already taken."]}), {}),
    (RefreshRaced(), 409, fail("Refresh token already replaced; retry with the current cookie."), {}),
    (Throttled(7, "account"), 429, fail("Too many attempts. Try again in 7 seconds."), {"retry-after": "7"}),
    (Throttled(1, "ip"), 429, fail("Too many attempts. Try again in 1 second."), {"retry-after": "1"}),
    (Throttled(9, "email"), 429, fail("Too many attempts. Try again in 9 seconds."), {"retry-after": "9"}),
]


class Refusing:
    """A route whose call into the domain is refused with the given exception."""

    access = {"POST": Access.PUBLIC}

    def __init__(self, refusal: Exception):
        self._refusal = refusal

    def on_post(self, req, resp):
        raise self._refusal


@pytest.mark.parametrize(("refusal", "status", "body", "headers"), CELLS,
                         ids=[f"{type(cell[0]).__name__}-{cell[1]}" for cell in CELLS])
def test_each_refusal_is_answered_by_the_app_as_its_table_row_says(settings, database, refusal, status, body,
                                                                   headers):
    app = create_app(settings, database)
    app.add_route("/api/v1/refused", Refusing(refusal))
    answer = falcon.testing.TestClient(app).simulate_post("/api/v1/refused")
    assert answer.status_code == status
    assert answer.json == body
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    for name, value in headers.items():
        assert answer.headers[name] == value


def test_every_row_of_the_table_has_a_cell_above():
    for refusal in REFUSALS:
        assert any(isinstance(cell[0], refusal) for cell in CELLS), refusal


def domain_exceptions():
    for module_info in pkgutil.iter_modules(service.domain.__path__):
        module = importlib.import_module(f"service.domain.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Exception) and cls.__module__ == module.__name__:
                yield cls


def test_every_exception_the_domain_defines_has_an_answer():
    found = list(domain_exceptions())
    assert len(found) >= 12
    for cls in found:
        assert any(issubclass(cls, refusal) for refusal in REFUSALS), f"{cls.__module__}.{cls.__name__}"


def responders_catching(module):
    """(responder, caught refusal, the except clause) for every except clause of a resource's responder."""
    tree = ast.parse(Path(module.__file__).read_text())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.FunctionDef) and node.name.startswith("on_")):
            continue
        for handler in (h for h in ast.walk(node) if isinstance(h, ast.ExceptHandler)):
            types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            for caught in types:
                named = eval(compile(ast.Expression(caught), module.__file__, "eval"), vars(module))  # a name
                for cls in named if isinstance(named, tuple) else (named,):
                    if any(issubclass(cls, refusal) or issubclass(refusal, cls) for refusal in REFUSALS):
                        yield node.name, cls, handler


def test_no_responder_answers_a_refusal_itself():
    """A responder may add to the answer (Refresh drops a refused cookie), but it re-raises: the table answers."""
    checked = 0
    for module_info in pkgutil.iter_modules(service.api.resources.__path__):
        module = importlib.import_module(f"service.api.resources.{module_info.name}")
        for responder, caught, handler in responders_catching(module):
            checked += 1
            last = handler.body[-1]
            assert isinstance(last, ast.Raise) and last.exc is None, f"{module.__name__}.{responder} answers {caught}"
    assert checked >= 1  # Refresh's cookie
