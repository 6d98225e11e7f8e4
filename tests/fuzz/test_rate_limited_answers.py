"""nginx's rate limits answer only what the document promises.

The fuzz stack lifts the limits so the fuzzer reaches the service; this stack tightens every
zone (credentials, refresh, the general ceiling) and replays every /api/v1/auth/* operation
past its burst.
"""
from __future__ import annotations

import pytest
import requests

from localplatform.throwaway_stack import throwaway_stack
from tests.fuzz.test_api_fuzz import CHECKS, schema

AUTH_OPERATIONS = [
    ("POST", "/api/v1/auth/login", {"email": "nobody@example.com", "password": "not the password 42"}),
    ("POST", "/api/v1/auth/register", {"username": "x", "email": "bad", "password": "short"}),
    ("POST", "/api/v1/auth/refresh", None),
    ("POST", "/api/v1/auth/logout", None),
    ("GET", "/api/v1/auth/status", None),
]
BURST = 10
PAST_THE_BURST = 30
TIGHT = {f"{zone}_{knob}": value for zone in ("auth", "refresh", "api")
         for knob, value in (("rate_per_minute", 1), ("burst", BURST))}


@pytest.fixture(scope="module")
def production_limits_stack():
    with throwaway_stack("ratelimit", rate_limits=TIGHT) as stack:
        yield stack


@pytest.mark.parametrize(("method", "path", "body"), AUTH_OPERATIONS, ids=[f"{m} {p}" for m, p, _ in AUTH_OPERATIONS])
def test_rate_limited_auth_answers_are_documented(production_limits_stack, method, path, body):
    case = schema[path][method].Case(body=body) if body is not None else schema[path][method].Case()
    with requests.Session() as session:
        replies = [session.request(method, production_limits_stack.url + path, json=body, timeout=10)
                   for _ in range(PAST_THE_BURST)]
    assert 429 in {reply.status_code for reply in replies}, "the burst was never exceeded"
    for reply in {reply.status_code: reply for reply in replies}.values():
        case.validate_response(reply, checks=CHECKS)
