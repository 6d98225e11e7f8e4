"""JsonBody: malformed, oversized and wrong-type bodies get a precise 4xx, never a 5xx, and nothing is written."""
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
    body = f'{{"username": "alice", "email": "alice@example.com", "password": "{PASSWORD}"}}'
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
