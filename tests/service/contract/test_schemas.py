"""Hostile field values: the schemas refuse them with a 400 naming the field, and nothing is written."""
import pytest

from tests.service.conftest import PASSWORD

REGISTER = "/api/v1/auth/register"


def user_count(database) -> int:
    return database.execute_sql("SELECT count(*) FROM users").fetchone()[0]


@pytest.mark.parametrize("field, value", [
    ("username", "a" * 10000), ("email", "a" * 10000 + "@example.com"), ("password", "p" * 10000),
    ("username", {"$ne": None}), ("email", ["alice@example.com"]), ("password", {"nested": {"deep": 1}}),
    ("username", "alice'; DROP TABLE users; --"), ("username", "../../etc/passwd"),
])
def test_hostile_field_values_are_400(client, database, field, value):
    body = {"username": "alice", "email": "alice@example.com", "password": PASSWORD, field: value}
    result = client.simulate_post(REGISTER, json=body)
    assert result.status_code == 400
    assert field in result.json["errors"]
    assert user_count(database) == 0


def test_sql_metacharacters_in_login_are_just_wrong_credentials(client, user):
    result = client.simulate_post("/api/v1/auth/login", json={"email": "' OR 1=1 --", "password": "' OR '1'='1"})
    assert result.status_code == 401


def test_nul_bytes_anywhere_are_refused_cleanly(client, user):
    login = client.simulate_post("/api/v1/auth/login",
                                 json={"email": "alice\u0000@example.com", "password": "x\u0000y"})
    assert login.status_code == 400
    assert login.json["errors"] == {"email": ["Contains invalid characters."],
                                    "password": ["Contains invalid characters."]}
    agent = client.simulate_post("/api/v1/auth/login", headers={"User-Agent": "evil\u0000agent"},
                                 json={"email": "alice@example.com", "password": PASSWORD})
    assert agent.status_code == 200
    search = client.simulate_get("/api/v1/users", query_string="cursor=%00")
    assert search.status_code == 400


def test_refused_writes_leave_nothing_behind(client, admin, user, database):
    before = database.execute_sql("SELECT username, email, admin, active FROM users ORDER BY id").fetchall()
    for body in ({"username": "x"}, {"email": "nope"}, {"admin": "true"}, {"username": "chief"}):
        answer = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers, json=body)
        assert answer.status_code in (400, 409)
    after = database.execute_sql("SELECT username, email, admin, active FROM users ORDER BY id").fetchall()
    assert before == after
