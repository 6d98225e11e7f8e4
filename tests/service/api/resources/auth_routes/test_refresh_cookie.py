"""The refresh cookie's name and flags: __Secure- prefixed and Secure wherever it is Secure
(production's default), the bare name over plain-HTTP development."""
import pytest

from service.app import create_app
from tests.service.conftest import JSON, PASSWORD, settings_for
from tests.service.contract_client import ContractClient

REFRESH = "/api/v1/auth/refresh"


@pytest.fixture
def secure_client(postgres, database, mail_sink):
    settings = settings_for(postgres, MAIL_URL=mail_sink.url, PUBLIC_URL="https://users.example.org",
                            COOKIE_SECURE="true")
    return ContractClient(create_app(settings, database))


def logged_in(client):
    body = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
    assert client.simulate_post("/api/v1/auth/register", json=body).status_code == 201
    return client.simulate_post("/api/v1/auth/login", json={"email": body["email"], "password": PASSWORD})


def test_a_secure_refresh_cookie_carries_the_secure_prefix(secure_client):
    login = logged_in(secure_client)
    assert list(login.cookies) == ["__Secure-refresh_token"]
    cookie = login.cookies["__Secure-refresh_token"]
    assert cookie.secure and cookie.http_only and cookie.path == "/api/v1/auth" and cookie.same_site == "Strict"
    refreshed = secure_client.simulate_post(REFRESH, cookies={"__Secure-refresh_token": cookie.value}, headers=JSON)
    assert refreshed.status_code == 200
    assert list(refreshed.cookies) == ["__Secure-refresh_token"]


def test_the_bare_name_is_not_read_where_the_cookie_is_secure(secure_client):
    cookie = logged_in(secure_client).cookies["__Secure-refresh_token"].value
    bare = secure_client.simulate_post(REFRESH, cookies={"refresh_token": cookie}, headers=JSON)
    assert bare.status_code == 401
    assert bare.json["message"] == "Missing refresh token."


def test_clearing_a_secure_cookie_is_itself_secure(secure_client):
    """A browser ignores a Set-Cookie for a __Secure- name without Secure: the clearing must carry it."""
    login = logged_in(secure_client)
    logout = secure_client.simulate_post("/api/v1/auth/logout",
                                         headers={"Authorization": f"Bearer {login.json['auth_token']}"})
    cleared = logout.cookies["__Secure-refresh_token"]
    assert cleared.value == "" and cleared.secure and cleared.path == "/api/v1/auth"
    assert cleared.expires.year == 1970


def test_development_over_plain_http_keeps_the_bare_name(client, user):
    login = client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": PASSWORD})
    cookie = login.cookies["refresh_token"]
    assert list(login.cookies) == ["refresh_token"] and not cookie.secure
