"""Requests racing the deletion of their own account, in real threads against the real app and
PostgreSQL: whichever wins, the loser gets a clean answer, never a 5xx, and no session outlives
the account."""
import threading
import time

import falcon.testing
import pytest

from service.app import create_app
from tests.service.conftest import PASSWORD, settings_for
from tests.service.contract_client import ContractClient

TRIALS = 24


@pytest.fixture
def racing_app(postgres, mail_sink, database):
    # bcrypt at cost 8 (some ms) on both sides, so a login's check overlaps the deletion's; no
    # login limit in the way of many trials from one address.
    return create_app(settings_for(postgres, MAIL_URL=mail_sink.url, BCRYPT_ROUNDS="8",
                                   LOGIN_MAX_FAILURES_PER_IP="1000", NEW_DEVICE_LOGIN_NOTICE="true"), database)


def race(app, database, n: int, login_delay: float) -> tuple[int, int]:
    client = ContractClient(app)
    email = f"racer{n}@example.com"
    registered = client.simulate_post("/api/v1/auth/register", json={
        "username": f"racer{n}", "email": email, "password": PASSWORD})
    assert registered.status_code == 201, registered.json
    headers = {"Authorization": f"Bearer {registered.json['auth_token']}"}
    statuses = {}
    start = threading.Barrier(2)

    def delete():
        start.wait()
        try:
            statuses["delete"] = falcon.testing.TestClient(app).simulate_delete(
                "/api/v1/users/me", headers=headers, json={"password": PASSWORD}).status_code
        finally:
            database.close()

    def log_in():
        start.wait()
        time.sleep(login_delay)
        try:
            statuses["login"] = falcon.testing.TestClient(app).simulate_post(
                "/api/v1/auth/login", json={"email": email, "password": PASSWORD},
                headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"},
            ).status_code
        finally:
            database.close()

    # Plain test clients: the contract client would fail the thread on a 500 instead of reporting it.
    threads = [threading.Thread(target=delete), threading.Thread(target=log_in)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses["delete"], statuses["login"]


def test_a_login_racing_the_deletion_of_its_account_is_200_or_401_never_500(racing_app, database):
    outcomes = [race(racing_app, database, n, login_delay=(n % 8) * 0.002) for n in range(TRIALS)]
    assert {deleted for deleted, _ in outcomes} == {204}, outcomes
    assert {logged_in for _, logged_in in outcomes} <= {200, 401}, outcomes
    # Every account is gone, and no session outlived its account.
    assert database.execute_sql("SELECT count(*) FROM users").fetchone()[0] == 0
    assert database.execute_sql("SELECT count(*) FROM sessions").fetchone()[0] == 0


def delete_twice_at_once(app, database, n: int) -> list[int]:
    registered = ContractClient(app).simulate_post("/api/v1/auth/register", json={
        "username": f"twice{n}", "email": f"twice{n}@example.com", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {registered.json['auth_token']}"}
    start, statuses = threading.Barrier(2), []

    def delete():
        start.wait()
        try:
            statuses.append(falcon.testing.TestClient(app).simulate_delete(
                "/api/v1/users/me", headers=headers, json={"password": PASSWORD}).status_code)
        finally:
            database.close()

    threads = [threading.Thread(target=delete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def test_two_deletions_of_one_account_at_once_mail_one_confirmation(racing_app, database):
    outcomes = [delete_twice_at_once(racing_app, database, n) for n in range(6)]
    # The second is refused at the door (its token died with the account) or finds the account gone.
    assert all(statuses in ([204, 204], [204, 401]) for statuses in outcomes), outcomes
    assert database.execute_sql("SELECT kind, count(*) FROM mail_outbox GROUP BY kind").fetchall() == [
        ("account_deleted", 6)]
