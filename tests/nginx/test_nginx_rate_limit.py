"""The auth zone: nginx answers 429 in the API's envelope, and lets the service's own 429 through."""

from __future__ import annotations

import pytest
import requests

TIMEOUT = 5
ENVELOPE = {"status": "fail", "message": "Too many requests. Try again later."}


@pytest.fixture(scope="module")
def front(launch_front, upstream_peer):
    # One request a minute plus a burst of two: the fourth quick request is over the limit.
    return launch_front("ratelimit", upstream_peer.address, auth_rate_per_minute=1, auth_burst=2)


@pytest.fixture(scope="module")
def auth_responses(front, upstream_peer):
    """Four quick auth requests; the first is throttled by the service itself."""
    login = front.base_url + "/api/v1/auth/login"
    responses = [requests.post(front.base_url + "/api/v1/auth/peer-throttled", timeout=TIMEOUT)]
    responses += [requests.post(login, json={}, timeout=TIMEOUT) for _ in range(3)]
    return responses


def test_requests_within_the_burst_pass(auth_responses, upstream_peer):
    assert [r.status_code for r in auth_responses[1:3]] == [200, 200]
    assert [seen.path for seen in upstream_peer.seen] == [
        "/api/v1/auth/peer-throttled",
        "/api/v1/auth/login",
        "/api/v1/auth/login",
    ]


def test_over_the_limit_answers_429_with_the_envelope(auth_responses):
    limited = auth_responses[3]
    assert limited.status_code == 429
    assert limited.headers["Content-Type"] == "application/json; charset=utf-8"
    assert limited.json() == ENVELOPE


def test_429_says_when_to_retry(auth_responses):
    assert auth_responses[3].headers["Retry-After"] == "60"  # one request a minute


def test_429_carries_the_security_headers(auth_responses):
    headers = auth_responses[3].headers
    assert headers["Content-Security-Policy"].startswith("default-src 'self';")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Permissions-Policy" in headers
    assert headers["Cache-Control"] == "no-store"


def test_the_service_throttle_message_passes_through_untouched(auth_responses):
    own = auth_responses[0]
    assert own.status_code == 429
    assert own.json() == {"status": "fail", "message": "Too many failed attempts. Try again in 30 seconds."}
    assert own.headers["Retry-After"] == "30"


def test_other_api_routes_are_outside_the_auth_zone(auth_responses, front):
    assert auth_responses[3].status_code == 429
    assert requests.get(front.base_url + "/api/v1/ping", timeout=TIMEOUT).status_code == 200
