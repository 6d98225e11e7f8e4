import ipaddress
import logging

import pytest

from service.domain.identifiers import throttle_digest
from tests.service.conftest import JSON, PASSWORD

URL = "/api/v1/auth/login"
GENERIC = {"status": "fail", "message": "Invalid email or password."}


def login(client, email="alice@example.com", password=PASSWORD, **kwargs):
    return client.simulate_post(URL, json={"email": email, "password": password}, **kwargs)


def test_login_returns_a_token_the_user_and_a_refresh_cookie(client, user):
    result = login(client)
    assert result.status_code == 200
    assert result.json["message"] == "Successfully logged in."
    assert result.json["data"]["id"] == user.id
    assert result.json["auth_token"] and result.cookies["refresh_token"].value
    assert result.headers["cache-control"] == "no-store"


def test_login_email_is_case_insensitive(client, user):
    assert login(client, email="ALICE@Example.com").status_code == 200


def test_unknown_email_wrong_password_and_disabled_account_look_the_same(client, user, database):
    unknown = login(client, email="nobody@example.com")
    wrong = login(client, password="not the password at all")
    database.execute_sql("UPDATE users SET active = false")
    disabled = login(client)
    for result in (unknown, wrong, disabled):
        assert result.status_code == 401
        assert result.json == GENERIC
        assert result.headers["www-authenticate"] == "Bearer"


def test_login_payload_errors(client):
    result = client.simulate_post(URL, json={"email": "alice@example.com"})
    assert result.status_code == 400
    assert result.json["errors"] == {"password": ["This field is required."]}
    result = client.simulate_post(URL, json={"email": ["alice"], "password": PASSWORD, "remember": True})
    assert result.json["errors"] == {"email": ["Must be a string."], "remember": ["Unknown field."]}


def test_repeated_failures_for_one_account_are_throttled_with_retry_after(client, user):
    for _ in range(3):  # LOGIN_MAX_FAILURES=3 in test settings
        assert login(client, password="wrong password 1").status_code == 401
    result = login(client)  # even the right password waits
    assert result.status_code == 429
    retry_after = int(result.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert result.json == {"status": "fail",
                           "message": f"Too many attempts. Try again in {retry_after} seconds."}


def test_throttling_per_ip_covers_many_accounts(client, user):
    for n in range(6):  # LOGIN_MAX_FAILURES_PER_IP=6, each email fails once
        assert login(client, email=f"guess{n}@example.com").status_code == 401
    assert login(client).status_code == 429


def test_a_right_password_gives_its_attempt_back_to_the_address(client, user):
    for n in range(5):
        assert login(client, email=f"guess{n}@example.com").status_code == 401
    assert login(client).status_code == 200  # reserved like any attempt, then given back
    assert login(client, email="guess5@example.com").status_code == 401  # the 6th failure
    assert login(client).status_code == 429


def test_another_ip_is_not_throttled_by_the_first(client, user):
    for n in range(6):
        login(client, email=f"guess{n}@example.com", remote_addr="10.0.0.1")
    assert login(client, remote_addr="10.0.0.2").status_code == 200


def test_throttle_counts_live_in_postgres_so_every_worker_agrees(client, user, app, settings, database):
    from service.app import create_app
    from tests.service.contract_client import ContractClient

    other_worker = ContractClient(create_app(settings, database))
    for _ in range(3):
        login(client, password="wrong password 1")
    assert login(other_worker).status_code == 429


def test_throttle_resets_when_the_window_ends(client, user, database):
    for _ in range(3):
        login(client, password="wrong password 1")
    assert login(client).status_code == 429
    database.execute_sql("UPDATE login_throttle SET window_started_at = window_started_at - interval '61 seconds'")
    assert login(client).status_code == 200


def test_a_new_window_starts_counting_from_one(client, user, database):
    for _ in range(2):
        login(client, password="wrong password 1")
    database.execute_sql("UPDATE login_throttle SET window_started_at = window_started_at - interval '61 seconds'")
    login(client, password="wrong password 1")
    counts = dict(database.execute_sql("SELECT key, failures FROM login_throttle").fetchall())
    assert counts[f"login:account:{throttle_digest('alice@example.com')}"] == 1


def test_success_resets_the_account_count(client, user, database):
    for _ in range(2):
        login(client, password="wrong password 1")
    assert login(client).status_code == 200
    for _ in range(2):
        login(client, password="wrong password 1")
    assert login(client).status_code == 200


def test_forwarded_for_is_ignored_unless_from_a_trusted_proxy(client, user):
    for n in range(6):
        login(client, email=f"guess{n}@example.com", headers={"X-Forwarded-For": f"203.0.113.{n}"})
    assert login(client, headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 429


def test_forwarded_for_from_a_trusted_proxy_names_the_client(settings, database, register):
    from service.app import create_app
    from tests.service.contract_client import ContractClient

    # The test client's requests come from 127.0.0.1, which is trusted here as nginx would be.
    trusted = (ipaddress.ip_network("127.0.0.1/32"),)
    behind_proxy = ContractClient(create_app(settings.with_overrides(trusted_proxies=trusted), database))
    register("alice")
    for n in range(6):
        login(behind_proxy, email=f"guess{n}@example.com", headers={"X-Forwarded-For": "203.0.113.9"})
    assert login(behind_proxy, headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 429
    assert login(behind_proxy, headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 200


@pytest.mark.parametrize("forwarded", ["fe80::1%" + "a" * 300, "fe80::1%eth0", "x" * 300])
def test_a_malformed_forwarded_for_from_a_trusted_proxy_falls_back_to_the_peer(
        settings, database, register, forwarded):
    from service.app import create_app
    from tests.service.contract_client import ContractClient

    trusted = (ipaddress.ip_network("127.0.0.1/32"),)
    behind_proxy = ContractClient(create_app(settings.with_overrides(trusted_proxies=trusted), database))
    register("alice")
    assert login(behind_proxy, headers={"X-Forwarded-For": forwarded}).status_code == 200
    assert login(behind_proxy, password="wrong password 1", headers={"X-Forwarded-For": forwarded}).status_code == 401


def test_auth_events_are_logged_without_secrets(client, user, caplog):
    with caplog.at_level(logging.INFO, logger="service.auth"):
        login(client)
        login(client, password="wrong password 1")
    events = [record.event for record in caplog.records if record.name == "service.auth"]
    assert events == ["login_succeeded", "login_failed"]
    text = " ".join(str(vars(record)) for record in caplog.records)
    assert PASSWORD not in text and "wrong password 1" not in text


def test_a_stale_bcrypt_cost_is_upgraded_at_login(client, user, database, settings, app):
    from service.app import create_app
    from tests.service.contract_client import ContractClient

    stronger = ContractClient(create_app(settings.with_overrides(bcrypt_rounds=5), database))
    assert login(stronger).status_code == 200
    assert database.execute_sql("SELECT password_hash FROM users").fetchone()[0].partition("$")[2].startswith("2b$05$")


def test_every_auth_event_gets_one_line_without_tokens(client, user, database, caplog):
    with caplog.at_level(logging.INFO, logger="service.auth"):
        for _ in range(3):
            login(client, password="wrong password 1")
        login(client)  # throttled
        cookies = {"refresh_token": user.refresh_cookie}
        first = client.simulate_post("/api/v1/auth/refresh", cookies=cookies, headers=JSON)
        database.execute_sql("UPDATE sessions SET rotated_at = rotated_at - interval '1 hour'")
        client.simulate_post("/api/v1/auth/refresh", cookies=cookies, headers=JSON)  # reuse
        other = client.simulate_post("/api/v1/auth/register", json={
            "username": "bob", "email": "bob@example.com", "password": PASSWORD})
        client.simulate_post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {other.json['auth_token']}"})
    events = [record.event for record in caplog.records if record.name == "service.auth"]
    assert events == ["login_failed"] * 3 + ["login_throttled", "refresh_reuse", "register", "logout"]
    text = " ".join(str(vars(record)) for record in caplog.records)
    for secret in (user.token, user.refresh_cookie, first.cookies["refresh_token"].value,
                   other.json["auth_token"], PASSWORD):
        assert secret not in text
