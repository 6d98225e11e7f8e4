import json

import pytest

from tests.service.conftest import PASSWORD

URL = "/api/v1/auth/register"


def register(client, **body):
    # json.dumps escapes non-ASCII, so lone surrogates travel as the \\ud800 a hostile client would send.
    return client.simulate_post(URL, body=json.dumps(body), content_type="application/json")


def test_register_creates_the_user_logs_them_in_and_sets_the_refresh_cookie(client):
    result = register(client, username="alice", email="Alice@Example.COM", password=PASSWORD)
    assert result.status_code == 201
    assert result.json["status"] == "success"
    assert result.json["message"] == "Successfully registered."
    assert result.json["expires_in"] == 900
    data = result.json["data"]
    assert data["username"] == "alice"
    assert data["email"] == "Alice@example.com"  # domain normalised to lower case
    assert data["active"] is True and data["admin"] is False
    assert "password" not in str(data) and "hash" not in str(data)
    cookie = result.cookies["refresh_token"]
    assert cookie.http_only and cookie.path == "/api/v1/auth" and cookie.same_site == "Strict"
    assert result.headers["cache-control"] == "no-store"
    status = client.simulate_get("/api/v1/auth/status",
                                 headers={"Authorization": f"Bearer {result.json['auth_token']}"})
    assert status.json["data"]["id"] == data["id"]


def test_the_refresh_cookie_is_secure_when_settings_say_so(settings, database):
    from service.app import create_app
    from tests.service.contract_client import ContractClient

    client = ContractClient(create_app(settings.with_overrides(cookie_secure=True), database))
    cookies = register(client, username="bob", email="bob@example.com", password=PASSWORD).cookies
    assert cookies["__Secure-refresh_token"].secure  # the prefix goes with the flag (test_refresh_cookie.py)


def test_password_is_stored_hashed_with_bcrypt(client, database):
    register(client, username="alice", email="alice@example.com", password=PASSWORD)
    stored = database.execute_sql("SELECT password_hash FROM users").fetchone()[0]
    assert stored.split(":", 2)[2].startswith("$2b$04$") and PASSWORD not in stored


@pytest.mark.parametrize("missing", ["username", "email", "password"])
def test_each_missing_field_is_named(client, missing):
    body = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
    del body[missing]
    result = register(client, **body)
    assert result.status_code == 400
    assert result.json == {"status": "fail", "message": "Invalid payload.",
                           "errors": {missing: ["This field is required."]}}


def test_empty_object_names_every_field(client):
    result = client.simulate_post(URL, json={})
    assert result.status_code == 400
    assert set(result.json["errors"]) == {"username", "email", "password"}


def test_empty_body_is_refused(client):
    result = client.simulate_post(URL, body=b"", content_type="application/json")
    assert result.status_code == 400
    assert result.json["message"] == "Request body must be a JSON object."


@pytest.mark.parametrize("body", ["[]", '"alice"', "42", "null"])
def test_json_that_is_not_an_object_is_refused(client, body):
    result = client.simulate_post(URL, body=body, content_type="application/json")
    assert result.status_code == 400
    assert result.json["message"] == "Request body must be a JSON object."


@pytest.mark.parametrize("username, message", [
    ("ab", "Username must be 3 to 32 characters."),
    ("a" * 33, "Username must be 3 to 32 characters."),
    ("al ice", "Username may contain only letters, digits, underscores, dots and hyphens."),
    ("alice\n", "Username may contain only letters, digits, underscores, dots and hyphens."),
    ("ålice", "Username may contain only letters, digits, underscores, dots and hyphens."),
    ("al\u0000ice", "Contains invalid characters."),
    ("<script>", "Username may contain only letters, digits, underscores, dots and hyphens."),
    (42, "Must be a string."),
    (None, "Must be a string."),
])
def test_bad_usernames_are_refused_with_the_rule(client, username, message):
    result = register(client, username=username, email="alice@example.com", password=PASSWORD)
    assert result.status_code == 400
    assert result.json["errors"] == {"username": [message]}


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "alice@@example.com", "a" * 250 + "@example.com",
                                   "alice@example.com\u0000", "alice\ud800@example.com", ""])
def test_bad_emails_are_refused(client, email):
    result = register(client, username="alice", email=email, password=PASSWORD)
    assert result.status_code == 400
    assert list(result.json["errors"]) == ["email"]


@pytest.mark.parametrize("password, message", [
    ("short", "Password must be 8 to 128 characters."),
    ("x" * 129, "Password must be 8 to 128 characters."),
    ("password", "This password is too easy to guess."),
    ("password123", "This password is too easy to guess."),
    ("aaaaaaaaaaaaaaaa", "This password is too easy to guess."),
    ("a" * 128, "This password is too easy to guess."),
    ("alice2024!", "This password is too easy to guess."),  # built from the username
    ("\ud800" * 10, "Contains invalid characters."),
    (12345678, "Must be a string."),
])
def test_weak_or_malformed_passwords_are_refused(client, password, message):
    result = register(client, username="alice", email="alice@example.com", password=password)
    assert result.status_code == 400
    assert result.json["errors"] == {"password": [message]}


@pytest.mark.parametrize("password", [
    "correct horse battery staple",
    "Zeñ-Ünïcødé-пароль-密码",
    "ü" * 60 + "Kq9$x",                     # 125 characters, 245 bytes: past bcrypt's 72
    "Gx7#pQ2!vL9@" * 10 + "Ab3$zY",         # exactly 126 characters
])
def test_long_and_unicode_passwords_work_without_truncation(client, password):
    result = register(client, username="alice", email="alice@example.com", password=password)
    assert result.status_code == 201
    login = client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": password})
    assert login.status_code == 200
    # Differing only after byte 72 must not log in: no silent truncation.
    almost = password[:-1] + ("x" if password[-1] != "x" else "y")
    wrong = client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": almost})
    assert wrong.status_code == 401


def test_unknown_fields_are_refused_so_nobody_registers_as_admin(client, database):
    result = register(client, username="alice", email="alice@example.com", password=PASSWORD, admin=True)
    assert result.status_code == 400
    assert result.json["errors"] == {"admin": ["Unknown field."]}
    assert database.execute_sql("SELECT count(*) FROM users").fetchone()[0] == 0


def test_duplicate_username_is_409_case_insensitively(client):
    assert register(client, username="alice", email="alice@example.com", password=PASSWORD).status_code == 201
    result = register(client, username="ALICE", email="other@example.com", password=PASSWORD)
    assert result.status_code == 409
    assert result.json == {"status": "fail", "message": "That username or email is already taken.",
                           "errors": {"username": ["Username is already taken."]}}


def test_duplicate_email_is_409_case_insensitively(client):
    assert register(client, username="alice", email="alice@example.com", password=PASSWORD).status_code == 201
    result = register(client, username="bob", email="ALICE@EXAMPLE.COM", password=PASSWORD)
    assert result.status_code == 409
    assert result.json["errors"] == {"email": ["Email is already registered."]}


def test_both_taken_are_reported_together(client):
    register(client, username="alice", email="alice@example.com", password=PASSWORD)
    result = register(client, username="Alice", email="Alice@example.com", password=PASSWORD)
    assert result.status_code == 409
    assert set(result.json["errors"]) == {"username", "email"}
