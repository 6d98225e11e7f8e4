"""Racing writers against the real database: the unique indexes, not luck, decide."""
import threading

from service.app import create_app
from tests.service.conftest import PASSWORD
from tests.service.contract_client import ContractClient

RACERS = 8


def race(app, database, make_body):
    barrier = threading.Barrier(RACERS)
    statuses = []

    def attempt(n):
        client = ContractClient(app)
        barrier.wait()
        try:
            statuses.append(client.simulate_post("/api/v1/auth/register", json=make_body(n)).status_code)
        finally:
            database.close()  # each thread has its own connection

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def test_concurrent_registration_of_one_email_gives_one_201_and_409s(settings, database):
    app = create_app(settings, database)
    statuses = race(app, database, lambda n: {"username": f"racer{n}", "email": "same@example.com",
                                              "password": PASSWORD})
    assert statuses == [201] + [409] * (RACERS - 1)
    assert database.execute_sql("SELECT count(*) FROM users").fetchone()[0] == 1


def test_concurrent_registration_of_one_username_in_any_case(settings, database):
    app = create_app(settings, database)
    statuses = race(app, database, lambda n: {"username": "Racer" if n % 2 else "racer",
                                              "email": f"racer{n}@example.com", "password": PASSWORD})
    assert statuses == [201] + [409] * (RACERS - 1)


def test_the_index_catches_what_the_pre_check_cannot(settings, database, monkeypatch):
    """Simulate losing the race after the pre-check passed: the 409 still comes, from the index."""
    from service.domain.accounts import Accounts

    app = create_app(settings, database)
    client = ContractClient(app)
    body = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
    assert client.simulate_post("/api/v1/auth/register", json=body).status_code == 201
    monkeypatch.setattr(Accounts, "_check_free", lambda self, *args, **kwargs: None)
    again = client.simulate_post("/api/v1/auth/register", json={**body, "username": "other"})
    assert again.status_code == 409
    assert again.json["errors"] == {"email": ["Email is already registered."]}
    renamed = client.simulate_post("/api/v1/auth/register", json={**body, "email": "x@example.com"})
    assert renamed.json["errors"] == {"username": ["Username is already taken."]}
