"""Access-token attacks: every forged, stale or misused token is a 401 with WWW-Authenticate."""
import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from tests.service.conftest import SECRET

STATUS = "/api/v1/auth/status"


def claims_for(user, session_id, **overrides):
    now = datetime.now(UTC)
    claims = {"sub": str(user.id), "sid": str(session_id), "iat": now, "nbf": now,
              "exp": now + timedelta(minutes=5), "jti": uuid.uuid4().hex,
              "iss": "users-platform", "aud": "users-platform-api", "typ": "access"}
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def session_of(user) -> str:
    return jwt.decode(user.token, options={"verify_signature": False})["sid"]


def status_with(client, token):
    return client.simulate_get(STATUS, headers={"Authorization": f"Bearer {token}"})


def assert_refused(result, message="Invalid token."):
    assert result.status_code == 401
    assert result.json == {"status": "fail", "message": message}
    assert result.headers["www-authenticate"] == "Bearer"


def test_a_well_formed_token_signed_with_our_key_works(client, user):
    token = jwt.encode(claims_for(user, session_of(user)), SECRET, algorithm="HS256")
    assert status_with(client, token).status_code == 200


def test_missing_header_is_401(client):
    result = client.simulate_get(STATUS)
    assert result.status_code == 401
    assert result.json["message"] == "Authentication required."
    assert result.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Basic YWxpY2U6cHc=", "Bearer", "Bearer ", "token abc", "abc"])
def test_malformed_authorization_header_is_401(client, header):
    result = client.simulate_get(STATUS, headers={"Authorization": header})
    assert result.status_code == 401
    assert "Bearer" in result.json["message"]


@pytest.mark.parametrize("garbage", ["garbage", "a.b.c", "e30.e30.", "x" * 5000])
def test_garbage_token_is_401(client, garbage):
    assert_refused(status_with(client, garbage))


def test_alg_none_is_refused(client, user):
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=")
    claims = claims_for(user, session_of(user))
    claims = {k: (int(v.timestamp()) if isinstance(v, datetime) else v) for k, v in claims.items()}
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    assert_refused(status_with(client, f"{header.decode()}.{body.decode()}."))


def test_wrong_key_is_refused(client, user):
    token = jwt.encode(claims_for(user, session_of(user)), "another-secret-key-of-sufficient-length!",
                       algorithm="HS256")
    assert_refused(status_with(client, token))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_other_algorithm_with_our_key_is_refused(client, user):
    token = jwt.encode(claims_for(user, session_of(user)), SECRET, algorithm="HS512")
    assert_refused(status_with(client, token))


def test_modified_payload_is_refused(client, user, admin):
    header, payload, signature = user.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(admin.id)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert_refused(status_with(client, f"{header}.{forged}.{signature}"))


@pytest.mark.parametrize("claim, value", [("aud", "someone-else"), ("iss", "evil-issuer")])
def test_wrong_audience_or_issuer_is_refused(client, user, claim, value):
    token = jwt.encode(claims_for(user, session_of(user), **{claim: value}), SECRET, algorithm="HS256")
    assert_refused(status_with(client, token))


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "sid", "typ"])
def test_tokens_missing_a_required_claim_are_refused(client, user, claim):
    token = jwt.encode(claims_for(user, session_of(user), **{claim: None}), SECRET, algorithm="HS256")
    assert_refused(status_with(client, token))


def test_expired_token_is_refused_with_its_own_message(client, user):
    past = datetime.now(UTC) - timedelta(hours=1)
    token = jwt.encode(claims_for(user, session_of(user), iat=past, nbf=past, exp=past + timedelta(minutes=5)),
                       SECRET, algorithm="HS256")
    assert_refused(status_with(client, token), "Token expired.")


def test_token_not_yet_valid_is_refused(client, user):
    future = datetime.now(UTC) + timedelta(hours=1)
    token = jwt.encode(claims_for(user, session_of(user), nbf=future), SECRET, algorithm="HS256")
    assert_refused(status_with(client, token))


def test_refresh_token_used_as_access_token_is_refused(client, user):
    assert_refused(status_with(client, user.refresh_cookie))


def test_token_of_another_type_is_refused(client, user):
    token = jwt.encode(claims_for(user, session_of(user), typ="refresh"), SECRET, algorithm="HS256")
    assert_refused(status_with(client, token))


@pytest.mark.parametrize("sub, sid", [("abc", None), ("1", "not-a-uuid")])
def test_malformed_subject_or_session_is_refused(client, user, sub, sid):
    token = jwt.encode(claims_for(user, sid or session_of(user), sub=sub), SECRET, algorithm="HS256")
    assert_refused(status_with(client, token))


def test_a_validly_signed_token_for_an_unknown_session_is_refused(client, user):
    token = jwt.encode(claims_for(user, uuid.uuid4()), SECRET, algorithm="HS256")
    assert_refused(status_with(client, token), "Token revoked.")


def test_a_token_cannot_move_to_another_users_session(client, user, register):
    bob = register("bob")
    token = jwt.encode(claims_for(user, session_of(bob)), SECRET, algorithm="HS256")
    assert_refused(status_with(client, token), "Token revoked.")


def test_issued_tokens_carry_every_claim(client, user):
    claims = jwt.decode(user.token, SECRET, algorithms=["HS256"], audience="users-platform-api")
    assert set(claims) == {"sub", "sid", "iat", "nbf", "exp", "jti", "iss", "aud", "typ"}
    assert claims["exp"] - claims["iat"] == 900 and claims["typ"] == "access"
