"""A production-like stack for the fuzzer, and fresh accounts for it to act as.

Limits are raised so the fuzzer reaches the service instead of nginx's auth rate limit and
the per-address login throttle (every request comes from 127.0.0.1); 429s that still
happen must conform to the document like any other answer.
"""
from __future__ import annotations

import itertools
import secrets

import pytest
import requests

from localplatform.throwaway_stack import NO_RATE_LIMITS, create_admin, throwaway_stack

TIMEOUT = 30
_account_numbers = itertools.count(1)


@pytest.fixture(scope="package")
def fuzz_stack():
    with throwaway_stack(
        "fuzz",
        rate_limits=NO_RATE_LIMITS,
        service_env={"LOGIN_MAX_FAILURES_PER_IP": "100000"},
    ) as stack:
        yield stack


def new_account(role: str) -> tuple[str, str, str]:
    name = f"fuzz-{role}-{next(_account_numbers)}-{secrets.token_hex(3)}"
    return name, f"{name}@example.com", f"fuzzing passphrase {secrets.token_hex(8)}"


# Fresh accounts for every operation: the fuzzer may log them out, rename them, change
# their e-mail or delete them along the way.
@pytest.fixture
def user_headers(fuzz_stack) -> dict[str, str]:
    username, email, password = new_account("user")
    reply = requests.post(f"{fuzz_stack.url}/api/v1/auth/register", timeout=TIMEOUT,
                          json={"username": username, "email": email, "password": password})
    assert reply.status_code == 201, reply.text
    return {"Authorization": f"Bearer {reply.json()['auth_token']}"}


@pytest.fixture
def admin_headers(fuzz_stack) -> dict[str, str]:
    username, email, password = new_account("admin")
    create_admin(fuzz_stack, username, email, password)
    reply = requests.post(f"{fuzz_stack.url}/api/v1/auth/login", timeout=TIMEOUT,
                          json={"email": email, "password": password})
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['auth_token']}"}
