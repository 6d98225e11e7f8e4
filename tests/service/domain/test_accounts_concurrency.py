"""Racing writers against the real database: the unique indexes, not luck, decide."""
import threading
import time

from service.app import create_app, password_hasher
from service.domain.accounts import USERNAME_LOOKALIKE, Accounts, Conflict
from service.domain.identifiers import UsernameRules
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



def waits_for_a_lock(database, racer: threading.Thread) -> bool:
    """True once another connection waits on a lock (well inside its lock_timeout); False if
    `racer` finished first."""
    while racer.is_alive():
        waiting = database.execute_sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                       "AND pid <> pg_backend_pid()").fetchone()[0]
        if waiting:
            return True
        time.sleep(0.01)
    return False


def test_a_look_alike_sign_up_waits_for_the_one_in_flight_and_is_refused(settings, database):
    """Two look-alikes signing up at once: the second one's check must not run while the first
    one's row is still uncommitted, or both would get in."""
    accounts = Accounts(database, password_hasher(settings), UsernameRules.from_file(settings.reserved_usernames_file))
    first_inserted, first_may_commit = threading.Event(), threading.Event()
    second = {}

    def sign_up_first():
        try:
            with database.atomic():
                accounts.create("paypal", "first@example.com", PASSWORD)
                first_inserted.set()
                first_may_commit.wait(timeout=30)
        finally:
            database.close()

    def sign_up_second():
        try:
            second["user"] = accounts.create("paypa1", "second@example.com", PASSWORD)  # digit one
        except Conflict as refused:
            second["errors"] = refused.errors
        finally:
            database.close()

    first = threading.Thread(target=sign_up_first)
    first.start()
    assert first_inserted.wait(timeout=30)
    racer = threading.Thread(target=sign_up_second)
    racer.start()
    waited = waits_for_a_lock(database, racer)
    first_may_commit.set()
    first.join(timeout=30)
    racer.join(timeout=30)
    assert waited, f"the look-alike went ahead beside the uncommitted first one: {second}"
    assert second == {"errors": {"username": [USERNAME_LOOKALIKE]}}
    assert database.execute_sql("SELECT count(*) FROM users").fetchone()[0] == 1
