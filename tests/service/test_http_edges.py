"""Malformed, oversized, wrong-type and hostile requests: a precise 4xx, never a 5xx, nothing written."""
import pytest

from tests.service.conftest import PASSWORD

REGISTER = "/api/v1/auth/register"


def user_count(database) -> int:
    return database.execute_sql("SELECT count(*) FROM users").fetchone()[0]


def post(client, body, content_type="application/json", **kwargs):
    return client.simulate_post(REGISTER, body=body, content_type=content_type, **kwargs)


@pytest.mark.parametrize("body", ["{bad json", '{"username": "alice",}', "{'single': 'quotes'}",
                                  '{"a": NaN}', '{"a": Infinity}', "[" * 100000 + "]" * 100000])
def test_malformed_json_is_400(client, database, body):
    result = post(client, body)
    assert result.status_code in (400, 413)
    if len(body) < 65536:
        assert result.json == {"status": "fail", "message": "Malformed JSON."}
    assert user_count(database) == 0


def test_deeply_nested_json_within_the_size_limit_is_400_not_500(client):
    result = post(client, "[" * 30000 + "]" * 30000)
    assert result.status_code == 400
    assert result.json["message"] == "Malformed JSON."


def test_invalid_utf8_is_400(client):
    result = post(client, b'{"username": "\xff\xfe"}')
    assert result.status_code == 400
    assert result.json["message"] == "Malformed JSON."


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml", None])
def test_a_body_that_is_not_json_is_415(client, database, content_type):
    result = post(client, '{"username": "alice"}', content_type=content_type)
    assert result.status_code == 415
    assert result.json == {"status": "fail", "message": "Content-Type must be application/json."}
    assert user_count(database) == 0


def test_json_with_a_charset_parameter_is_accepted(client):
    body = '{"username": "alice", "email": "alice@example.com", "password": "%s"}' % PASSWORD
    assert post(client, body, content_type="application/json; charset=utf-8").status_code == 201


def test_body_over_64_kib_is_413(client, database):
    body = '{"username": "%s"}' % ("a" * 70000)
    result = post(client, body)
    assert result.status_code == 413
    assert result.json == {"status": "fail", "message": "Request body is too large (limit 64 KiB)."}
    assert user_count(database) == 0


def test_a_lying_content_length_is_still_bounded(client):
    """A chunked or understated body is cut off at the limit, not read into memory whole."""
    body = b'{"username": "' + b"a" * 70000 + b'"}'
    result = client.simulate_post(REGISTER, body=body, headers={"Content-Type": "application/json",
                                                                 "Content-Length": "10"})
    assert result.status_code == 400


def test_large_declared_content_length_is_refused_before_reading(client):
    result = client.simulate_post(REGISTER, body=b"{}", headers={"Content-Type": "application/json",
                                                                  "Content-Length": str(10 * 1024 * 1024)})
    assert result.status_code == 413


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
    login = client.simulate_post("/api/v1/auth/login", json={"email": "alice\u0000@example.com", "password": "x\u0000y"})
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
        assert client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers, json=body).status_code in (400, 409)
    after = database.execute_sql("SELECT username, email, admin, active FROM users ORDER BY id").fetchall()
    assert before == after


def test_request_id_is_echoed_or_made(client):
    given = client.simulate_get("/api/v1/ping", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.simulate_get("/api/v1/ping")
    assert len(made.headers["x-request-id"]) == 32
    hostile = client.simulate_get("/api/v1/ping", headers={"X-Request-ID": "evil\r\nSet-Cookie: x=1" + "a" * 200})
    assert hostile.headers["x-request-id"] != "evil" and len(hostile.headers["x-request-id"]) == 32
