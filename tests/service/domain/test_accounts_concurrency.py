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


def test_the_index_catches_what_the_pre_check_cannot(settings, database, monkeypatch, register, admin):
    """Simulate losing the race after the pre-check passed: the 409 still comes, from the index."""
    from service.domain.accounts import Accounts

    client = ContractClient(create_app(settings, database))
    register("alice")
    bob = register("bob")
    monkeypatch.setattr(Accounts, "_taken", staticmethod(lambda *args, **kwargs: {}))
    # An admin's change of email applies at once (a user's own waits for confirmation).
    email = client.simulate_patch(f"/api/v1/users/{bob.id}", headers=admin.headers, json={"email": "ALICE@example.com"})
    assert email.status_code == 409
    assert email.json["errors"] == {"email": ["Email is already registered."]}
    name = client.simulate_patch("/api/v1/users/me", headers=bob.headers, json={"username": "Alice"})
    assert name.json["errors"] == {"username": ["Username is already taken."]}


def test_a_duplicate_sign_up_is_found_by_the_insert_itself(client, register):
    """No pre-check: INSERT ... ON CONFLICT DO NOTHING answers, and says which field clashed."""
    register("alice")
    again = client.simulate_post("/api/v1/auth/register",
                                 json={"username": "ALICE", "email": "Alice@Example.com", "password": PASSWORD})
    assert again.status_code == 409
    assert again.json["errors"] == {"username": ["Username is already taken."],
                                    "email": ["Email is already registered."]}
