"""Rate limits by what they protect: credential guesses, refresh per session, a general ceiling.

nginx answers its own 429 in the API's envelope and lets the service's own 429 through.
"""

from __future__ import annotations

import uuid

import pytest
import requests

TIMEOUT = 5
ENVELOPE = {"status": "fail", "message": "Too many requests. Try again later."}
GENEROUS = {"auth_rate_per_minute": 60_000, "auth_burst": 10_000, "refresh_rate_per_minute": 60_000,
            "refresh_burst": 10_000, "api_rate_per_minute": 60_000, "api_burst": 10_000}


@pytest.fixture
def launch(launch_front, upstream_peer, request):
    """A front where only the named limits are tight: one request a minute plus a burst of two."""
    def start(**tight):
        return launch_front(request.node.name[:40], upstream_peer.address, **{**GENEROUS, **tight})

    return start


def refresh_cookie(session_id: uuid.UUID, secret: str = "c2VjcmV0", name: str = "refresh_token") -> dict:
    return {name: f"{session_id}.{secret}"}


def cookie_header(cookies: dict, before: str = "", after: str = "") -> dict:
    """The Cookie header itself: requests' jar would have its own opinion about __Secure- names."""
    pairs = [before, *(f"{name}={value}" for name, value in cookies.items()), after]
    return {"Cookie": "; ".join(pair for pair in pairs if pair)}


def post(front, path, **kwargs):
    return requests.post(front.base_url + path, timeout=TIMEOUT, **kwargs)


def test_credential_guesses_share_one_strict_limit_per_address(launch):
    front = launch(auth_rate_per_minute=1, auth_burst=2)
    answers = [post(front, path, json={}) for path in
               ("/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/users/me/password",
                "/api/v1/auth/login/")]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    assert limited.headers["Content-Type"] == "application/json; charset=utf-8"
    assert limited.json() == ENVELOPE
    assert limited.headers["Retry-After"] == "60"  # one request a minute


def test_status_and_logout_are_not_held_back_by_spent_credential_guesses(launch):
    front = launch(auth_rate_per_minute=1, auth_burst=2)
    for _ in range(4):
        post(front, "/api/v1/auth/login", json={})
    statuses = [requests.get(front.base_url + "/api/v1/auth/status", timeout=TIMEOUT).status_code
                for _ in range(40)]
    assert statuses == [200] * 40
    assert post(front, "/api/v1/auth/logout").status_code == 200
    assert post(front, "/api/v1/auth/refresh", cookies=refresh_cookie(uuid.uuid4())).status_code == 200


def test_cookieless_refreshes_cannot_use_up_a_sessions_refreshes(launch):
    front = launch(refresh_rate_per_minute=1, refresh_burst=2)
    strangers = [post(front, "/api/v1/auth/refresh").status_code for _ in range(30)]
    assert strangers.count(429) == 27
    mine = uuid.uuid4()
    assert post(front, "/api/v1/auth/refresh", cookies=refresh_cookie(mine)).status_code == 200


@pytest.mark.parametrize("name", ["refresh_token", "__Secure-refresh_token"])
@pytest.mark.parametrize("before, after", [("", ""), ("theme=dark", "lang=en")])
def test_refresh_is_counted_per_session_across_rotations(launch, name, before, after):
    """Plain-HTTP development's cookie name and production's __Secure- one, alone or among others."""
    front = launch(refresh_rate_per_minute=1, refresh_burst=2)
    mine, other = uuid.uuid4(), uuid.uuid4()

    def refresh(session_id, secret="c2VjcmV0"):
        return post(front, "/api/v1/auth/refresh",
                    headers=cookie_header(refresh_cookie(session_id, secret, name), before, after))

    # Each rotation brings a new secret after the same session id: still one session's budget.
    answers = [refresh(mine, f"rotation{n}") for n in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[-1].json() == ENVELOPE and answers[-1].headers["Retry-After"] == "60"
    assert refresh(other).status_code == 200
    assert post(front, "/api/v1/auth/login", json={}).status_code == 200


def test_every_api_route_meets_a_general_ceiling_per_address(launch):
    front = launch(api_rate_per_minute=1, api_burst=2)
    answers = [requests.get(front.base_url + "/api/v1/ping", timeout=TIMEOUT) for _ in range(3)]
    answers += [post(front, "/api/v1/auth/logout"), post(front, "/api/v1/auth/login", json={}),
                post(front, "/api/v1/auth/refresh", cookies=refresh_cookie(uuid.uuid4()))]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429, 429, 429]
    assert all(answer.json() == ENVELOPE for answer in answers[3:])
    assert answers[3].headers["Retry-After"] == "60"
    # The site itself is not the API and has no ceiling here.
    assert requests.get(front.base_url + "/", timeout=TIMEOUT).status_code == 200


def test_429_carries_the_security_headers(launch):
    front = launch(auth_rate_per_minute=1, auth_burst=1)
    for _ in range(2):
        post(front, "/api/v1/auth/login", json={})
    headers = post(front, "/api/v1/auth/login", json={}).headers
    assert headers["Content-Security-Policy"].startswith("default-src 'self';")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Permissions-Policy" in headers
    assert headers["Cache-Control"] == "no-store"


def test_the_service_throttle_message_passes_through_untouched(launch):
    front = launch(auth_rate_per_minute=1, auth_burst=2)
    own = post(front, "/api/v1/auth/peer-throttled")
    assert own.status_code == 429
    assert own.json() == {"status": "fail", "message": "Too many failed attempts. Try again in 30 seconds."}
    assert own.headers["Retry-After"] == "30"
