"""PASSWORD_PEPPER rotates on its own: old hashes keep working and move to the new pepper at login."""
import logging

from service.app import create_app
from service.security.passwords import Pepper
from tests.service.conftest import PASSWORD, settings_for
from tests.service.contract_client import ContractClient

FIRST, SECOND = "first pepper that is long enough 0123456789", "second pepper that is long enough 012345678"


def login(client):
    return client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": PASSWORD})


def stored_hash(database) -> str:
    return database.execute_sql("SELECT password_hash FROM users").fetchone()[0]


def app_with(postgres, database, **environ):
    return ContractClient(create_app(settings_for(postgres, **environ), database))


def test_rotation_keeps_logins_working_and_login_moves_the_hash_to_the_new_pepper(postgres, database):
    before = app_with(postgres, database, PASSWORD_PEPPER=FIRST)
    before.simulate_post("/api/v1/auth/register", json={"username": "alice", "email": "alice@example.com",
                                                         "password": PASSWORD})
    assert stored_hash(database).startswith(f"pepper:{Pepper.of(FIRST).id}:")

    rotated = app_with(postgres, database, PASSWORD_PEPPER=SECOND, PREVIOUS_PASSWORD_PEPPERS=FIRST)
    assert login(rotated).status_code == 200
    assert stored_hash(database).startswith(f"pepper:{Pepper.of(SECOND).id}:")

    # Once every hash has moved, the old pepper can go.
    assert login(app_with(postgres, database, PASSWORD_PEPPER=SECOND)).status_code == 200


def test_a_hash_under_a_retired_pepper_fails_closed_with_a_log_line(postgres, database, caplog):
    app_with(postgres, database, PASSWORD_PEPPER=FIRST).simulate_post(
        "/api/v1/auth/register", json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    with caplog.at_level(logging.ERROR, logger="service.security.passwords"):
        result = login(app_with(postgres, database, PASSWORD_PEPPER=SECOND))
    assert result.status_code == 401 and result.json["message"] == "Invalid email or password."
    assert f"unknown pepper id '{Pepper.of(FIRST).id}'" in caplog.text


def test_hashes_keyed_by_secret_key_before_the_split_log_in_and_move_to_the_pepper(postgres, database):
    from service.security.passwords import PasswordHasher

    legacy = PasswordHasher(Pepper.legacy(settings_for(postgres).secret_key), rounds=4).hash(PASSWORD)
    client = app_with(postgres, database, PASSWORD_PEPPER=FIRST)
    client.simulate_post("/api/v1/auth/register", json={"username": "alice", "email": "alice@example.com",
                                                         "password": "another passphrase 12345"})
    # Stored as the old hasher did: the bcrypt hash alone, without an id.
    database.execute_sql("UPDATE users SET password_hash = %s", (legacy.split(":", 2)[2],))
    assert login(client).status_code == 200
    assert stored_hash(database).startswith(f"pepper:{Pepper.of(FIRST).id}:")
