"""Administration and password rules, held by the domain: checked against the account itself,
throttled like login, and at least one active admin left whatever the timing."""
import threading

from service.app import create_app
from tests.service.conftest import PASSWORD
from tests.service.contract_client import ContractClient

TRIALS = 8


def change_password(client, actor, current, new="a brand new passphrase 42"):
    return client.simulate_post("/api/v1/users/me/password", headers=actor.headers,
                                json={"current_password": current, "new_password": new})


def test_admin_set_password_is_judged_against_the_account_s_own_name(client, admin, register):
    target = register("zanzibarquokka")
    result = client.simulate_patch(f"/api/v1/users/{target.id}", headers=admin.headers,
                                   json={"password": "zanzibarquokka77"})
    assert result.status_code == 400
    assert result.json["errors"] == {"password": ["This password is too easy to guess."]}


def test_wrong_current_passwords_are_throttled_per_account_with_retry_after(client, user):
    for _ in range(3):  # LOGIN_MAX_FAILURES in the test settings
        wrong = change_password(client, user, "not my password at all")
        assert wrong.status_code == 400
    throttled = change_password(client, user, PASSWORD)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0


def test_login_and_password_change_share_one_failure_count(client, user):
    for _ in range(2):
        login = client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": "nope nope"})
        assert login.status_code == 401
    assert change_password(client, user, "not my password at all").status_code == 400
    login = client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": PASSWORD})
    assert login.status_code == 429


def test_deleting_or_demoting_the_last_other_admin_is_refused(client, admin, register, database):
    other = register("deputy")
    database.execute_sql("UPDATE users SET admin = true WHERE id = %s", (other.id,))
    assert client.simulate_patch(f"/api/v1/users/{other.id}", headers=admin.headers,
                                 json={"admin": False}).status_code == 200
    # `other` is no longer an admin: its old token cannot act as one, even in a race.
    assert client.simulate_delete(f"/api/v1/users/{admin.id}", headers=other.headers).status_code == 403


def test_two_admins_demoting_each_other_at_once_leave_an_admin(settings, database, register):
    app = create_app(settings, database)
    for trial in range(TRIALS):
        first, second = register(f"first{trial}"), register(f"second{trial}")
        database.execute_sql("UPDATE users SET admin = false")
        database.execute_sql("UPDATE users SET admin = true WHERE id IN (%s, %s)", (first.id, second.id))
        barrier = threading.Barrier(2)
        statuses = []

        def demote(actor, target, barrier=barrier, statuses=statuses):
            client = ContractClient(app)
            barrier.wait()
            try:
                statuses.append(client.simulate_patch(f"/api/v1/users/{target.id}", headers=actor.headers,
                                                      json={"admin": False}).status_code)
            finally:
                database.close()  # each thread has its own connection

        threads = [threading.Thread(target=demote, args=pair) for pair in ((first, second), (second, first))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        admins = database.execute_sql("SELECT count(*) FROM users WHERE admin AND active").fetchone()[0]
        assert admins == 1, f"trial {trial}: {admins} admins left, answers {statuses}"
        assert sorted(statuses) == [200, 403]
