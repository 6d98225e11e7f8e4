"""Password guesses racing in threads against the real app and PostgreSQL: the throttle's
limit bounds the passwords actually checked, however many guesses arrive at once."""
import threading
from collections import Counter

import bcrypt
import pytest

from service.app import create_app
from tests.service.conftest import PASSWORD, settings_for
from tests.service.contract_client import ContractClient

GUESSES = 30
LIMIT = 5  # LOGIN_MAX_FAILURES, as in production
WRONG = "not the password at all"


@pytest.fixture
def checked(monkeypatch):
    """Counts bcrypt verifications: the real check runs, only counted."""
    calls = Counter()
    lock = threading.Lock()
    real_checkpw = bcrypt.checkpw

    def checkpw(password, hashed):
        with lock:
            calls["verify"] += 1
        return real_checkpw(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", checkpw)
    return calls


@pytest.fixture
def guessing_app(postgres, mail_sink, database):
    # One limit at a time: the other is out of the way. A check costs near what it does in
    # production (bcrypt cost 10 here, 12 there), so guesses overlap as they would there.
    return lambda account=LIMIT, ip=1000: create_app(settings_for(
        postgres, MAIL_URL=mail_sink.url, LOGIN_MAX_FAILURES=str(account), LOGIN_MAX_FAILURES_PER_IP=str(ip),
        BCRYPT_ROUNDS="10"), database)


def guess_at_once(app, database, method: str, path: str, json, headers=None) -> Counter:
    """GUESSES requests released together from as many threads; their statuses. `json` is a
    body, or a function making guess number n's."""
    barrier = threading.Barrier(GUESSES)
    statuses = []

    def guess(n):
        client = ContractClient(app)
        body = json(n) if callable(json) else json
        barrier.wait()
        try:
            statuses.append(client.simulate_request(method, path, json=body, headers=headers).status_code)
        finally:
            database.close()  # each thread has its own connection

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(statuses)


def signed_in(app) -> dict:
    client = ContractClient(app)
    registered = client.simulate_post("/api/v1/auth/register", json={
        "username": "alice", "email": "alice@example.com", "password": PASSWORD})
    assert registered.status_code == 201, registered.json
    return {"Authorization": f"Bearer {registered.json['auth_token']}"}


def test_parallel_wrong_logins_check_at_most_the_limit(guessing_app, database, checked):
    app = guessing_app()
    signed_in(app)
    checked.clear()
    statuses = guess_at_once(app, database, "POST", "/api/v1/auth/login",
                             json={"email": "alice@example.com", "password": WRONG})
    assert checked["verify"] <= LIMIT, statuses
    assert statuses == {401: checked["verify"], 429: GUESSES - checked["verify"]}


def test_parallel_logins_from_one_address_check_at_most_its_limit(guessing_app, database, checked):
    app = guessing_app(account=1000, ip=LIMIT)
    statuses = guess_at_once(app, database, "POST", "/api/v1/auth/login",
                             json=lambda n: {"email": f"guess{n}@example.com", "password": WRONG})
    assert checked["verify"] <= LIMIT, statuses
    assert statuses == {401: checked["verify"], 429: GUESSES - checked["verify"]}


def test_parallel_wrong_current_passwords_check_at_most_the_limit(guessing_app, database, checked):
    app = guessing_app()
    headers = signed_in(app)
    checked.clear()
    statuses = guess_at_once(app, database, "POST", "/api/v1/users/me/password", headers=headers,
                             json={"current_password": WRONG, "new_password": "a brand new passphrase 42"})
    assert checked["verify"] <= LIMIT, statuses
    assert statuses == {400: checked["verify"], 429: GUESSES - checked["verify"]}


def test_parallel_wrong_deletion_passwords_check_at_most_the_limit(guessing_app, database, checked):
    app = guessing_app()
    headers = signed_in(app)
    checked.clear()
    statuses = guess_at_once(app, database, "DELETE", "/api/v1/users/me", headers=headers,
                             json={"password": WRONG})
    assert checked["verify"] <= LIMIT, statuses
    assert statuses == {400: checked["verify"], 429: GUESSES - checked["verify"]}


def test_parallel_wrong_passwords_on_an_email_change_check_at_most_the_limit(guessing_app, database, checked):
    app = guessing_app()
    headers = signed_in(app)
    checked.clear()
    statuses = guess_at_once(app, database, "PATCH", "/api/v1/users/me", headers=headers,
                             json={"email": "elsewhere@example.com", "current_password": WRONG})
    assert checked["verify"] <= LIMIT, statuses
    assert statuses == {400: checked["verify"], 429: GUESSES - checked["verify"]}
