"""schemathesis against the OpenAPI document, through nginx, as three kinds of caller.

Every answer must be a documented status with a documented content type, body and headers,
and never a 5xx. The document is the service's own (`build_openapi`), checked below to be
byte-for-byte what nginx serves at /api/v1/openapi.json: schemathesis needs it at collection
time, before the stack is up (its lazy fixture loader does not work with pytest 9).
"""
from __future__ import annotations

import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.contract.openapi import build_openapi
from service.runtime.settings import read_version
from tests.fuzz.conftest import TIMEOUT

# Per operation and caller, for the fuzzing phase; examples and the coverage phase come on top.
# 21 operations x 3 callers stay near a minute on two cores.
MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
DOCUMENT = build_openapi(read_version())

schema = schemathesis.openapi.from_dict(DOCUMENT, config=SchemathesisConfig.from_dict({
    # The callers below are the only credentials: no automatic sign-up, login or re-login.
    "auth": {"auto-signup": False},
    "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
               "stateful": {"enabled": False}},
}))


def test_fuzzed_document_is_the_one_nginx_serves(fuzz_stack):
    served = requests.get(f"{fuzz_stack.url}/api/v1/openapi.json", timeout=TIMEOUT)
    assert served.status_code == 200
    assert served.json() == DOCUMENT


def call_and_check(case, base_url: str, headers: dict[str, str]) -> None:
    case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=TIMEOUT)


@schema.parametrize()
def test_anonymous_caller_gets_only_documented_answers(case, fuzz_stack):
    call_and_check(case, fuzz_stack.url, headers={})


# One account per operation, shared by its examples on purpose (see conftest).
ONE_ACCOUNT_PER_OPERATION = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@schema.parametrize()
@ONE_ACCOUNT_PER_OPERATION
def test_user_caller_gets_only_documented_answers(case, fuzz_stack, user_headers):
    call_and_check(case, fuzz_stack.url, user_headers)


@schema.parametrize()
@ONE_ACCOUNT_PER_OPERATION
def test_admin_caller_gets_only_documented_answers(case, fuzz_stack, admin_headers):
    call_and_check(case, fuzz_stack.url, admin_headers)
