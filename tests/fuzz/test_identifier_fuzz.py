"""Unicode-heavy identifiers through nginx: the characters that break case-folding and length
bounds (İ, ß, ligatures that NFKC expands, fullwidth forms, combining marks, other scripts).

schemathesis explores the document's shapes; these strategies aim at the one normalisation
(service.domain.identifiers). Never a 5xx, and an account accepted in one form logs in with
another form of the same email.
"""
from __future__ import annotations

import secrets
import unicodedata

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import TIMEOUT

TRICKY = (
    "\u0130\u0131\u00df\u1e9e\u03a3\u03c2\u0149\u01f0\ufb00\ufb03\ufdfa\u2126\u212a\u00c5"  # fold/NFKC changers
    "\uff21\uff41\uff10\uff3f\uff0e"  # fullwidth A a 0 _ .
    "\u0301\u0307\u0308\u200d\u200c"  # combining marks, joiners
    "\u0430\u043e\u0435\u0440\u0441\u0456\u03bf\u0391"  # Cyrillic and Greek look-alikes
)
CHARACTERS = st.one_of(
    st.sampled_from(TRICKY),
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    st.sampled_from("abcxyz019_.-"),
)
IDENTIFIER_TEXT = st.text(CHARACTERS, min_size=1, max_size=300)
# Without dotless ı: its upper case is I, whose fold is i, so ı and I are rightly two letters.
LOCAL_PART = st.text(st.one_of(st.sampled_from(TRICKY.replace("\u0131", "")), st.sampled_from("abcdefxyz0189")),
                     min_size=1, max_size=40)
FORMS = ("NFC", "NFD", "NFKC", "NFKD")
PASSWORD = "fuzzing passphrase for unicode 7Q"
UNICODE_FUZZ = settings(max_examples=40, deadline=None, database=None,
                        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def post(stack, path: str, body: dict) -> requests.Response:
    answer = requests.post(f"{stack.url}/api/v1{path}", json=body, timeout=TIMEOUT)
    assert answer.status_code < 500, (path, body, answer.status_code, answer.text)
    assert answer.headers["content-type"].startswith("application/json"), answer.text
    return answer


@UNICODE_FUZZ
@given(username=IDENTIFIER_TEXT, email=IDENTIFIER_TEXT)
def test_any_identifiers_get_a_documented_answer(fuzz_stack, username, email):
    assert post(fuzz_stack, "/auth/register", {"username": username, "email": email,
                                              "password": PASSWORD}).status_code in (201, 400, 409)
    assert post(fuzz_stack, "/auth/login", {"email": email, "password": PASSWORD}).status_code in (200, 400, 401, 429)


@UNICODE_FUZZ
@given(local=LOCAL_PART, form=st.sampled_from(FORMS), shout=st.booleans())
def test_an_accepted_email_logs_in_in_any_normal_form_and_case(fuzz_stack, local, form, shout):
    email = f"{local}.{secrets.token_hex(3)}@example.com"
    created = post(fuzz_stack, "/auth/register", {"username": f"u{secrets.token_hex(6)}", "email": email,
                                                  "password": PASSWORD})
    assert created.status_code in (201, 400, 409)
    if created.status_code != 201:
        return
    typed = unicodedata.normalize(form, email.upper() if shout else email)
    login = post(fuzz_stack, "/auth/login", {"email": typed, "password": PASSWORD})
    assert login.status_code == 200, (email, typed, login.text)
