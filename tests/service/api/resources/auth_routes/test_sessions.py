"""Refresh rotation, reuse detection, and revocation taking effect on the very next request."""
import pytest

from service.domain.sessions import FORMER_SECRETS_KEPT
from tests.service.conftest import JSON, PASSWORD

REFRESH = "/api/v1/auth/refresh"
STATUS = "/api/v1/auth/status"


def refresh(client, cookie):
    return client.simulate_post(REFRESH, cookies={"refresh_token": cookie} if cookie else None, headers=JSON)


def status(client, actor_or_token):
    token = getattr(actor_or_token, "token", actor_or_token)
    return client.simulate_get(STATUS, headers={"Authorization": f"Bearer {token}"})


def test_refresh_issues_a_new_access_token_and_rotates_the_cookie(client, user):
    result = refresh(client, user.refresh_cookie)
    assert result.status_code == 200
    assert result.json["message"] == "Token refreshed."
    assert result.json["data"]["id"] == user.id
    new_cookie = result.cookies["refresh_token"].value
    assert new_cookie != user.refresh_cookie
    assert status(client, result.json["auth_token"]).status_code == 200
    assert refresh(client, new_cookie).status_code == 200


def test_refresh_without_a_cookie_is_401(client):
    result = refresh(client, None)
    assert result.status_code == 401
    assert result.json["message"] == "Missing refresh token."


def test_refresh_without_a_cookie_sets_no_cookie(client):
    """A cross-site POST carries no SameSite=Strict cookie; clearing one in its answer would log out
    the victim whose browser followed it."""
    result = refresh(client, None)
    assert result.status_code == 401
    assert "set-cookie" not in result.headers


@pytest.mark.parametrize("headers", [
    {},
    {"Content-Type": "application/x-www-form-urlencoded"},
    {"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"},
    {"Content-Type": "multipart/form-data; boundary=x", "Sec-Fetch-Site": "same-site"},
])
def test_refresh_refuses_what_a_cross_site_form_can_send_and_leaves_the_session_alone(client, user, headers):
    result = client.simulate_post(REFRESH, cookies={"refresh_token": user.refresh_cookie}, headers=headers)
    assert result.status_code == 415
    assert result.json == {"status": "fail", "message": "Content-Type must be application/json."}
    assert "set-cookie" not in result.headers
    assert refresh(client, user.refresh_cookie).status_code == 200  # the cookie was not used up


def test_a_same_origin_fetch_may_refresh_without_a_content_type(client, user):
    result = client.simulate_post(REFRESH, cookies={"refresh_token": user.refresh_cookie},
                                  headers={"Sec-Fetch-Site": "same-origin"})
    assert result.status_code == 200


def test_refresh_with_a_garbage_cookie_is_401(client):
    for cookie in ("garbage", "not-a-uuid.secret", "00000000-0000-0000-0000-000000000000.secret", "x" * 300):
        result = refresh(client, cookie)
        assert result.status_code == 401
        assert result.json["message"] == "Invalid refresh token."


def test_an_access_token_is_not_a_refresh_token(client, user):
    assert refresh(client, user.token).status_code == 401


def test_reusing_an_old_refresh_token_revokes_the_whole_session(client, user, database):
    first = refresh(client, user.refresh_cookie)
    second = refresh(client, first.cookies["refresh_token"].value)
    # Long after the rotation, the first cookie comes back: someone else has a copy.
    database.execute_sql("UPDATE sessions SET rotated_at = rotated_at - interval '1 hour'")
    reuse = refresh(client, first.cookies["refresh_token"].value)
    assert reuse.status_code == 401
    assert reuse.json["message"] == "Refresh token reuse detected; the session is revoked."
    assert refresh(client, second.cookies["refresh_token"].value).status_code == 401
    assert status(client, second.json["auth_token"]).status_code == 401


def test_a_made_up_secret_for_a_known_session_id_is_a_plain_401_that_leaves_the_session_alone(client, user):
    """The session id is no secret (it is in the JWT, the session list, log paths): pairing it with
    any secret must not count as reuse, or anyone who saw the id could log its owner out."""
    session_id = user.refresh_cookie.partition(".")[0]
    forged = refresh(client, f"{session_id}.made-up-secret")
    assert forged.status_code == 401
    assert forged.json["message"] == "Invalid refresh token."
    assert status(client, user).status_code == 200
    assert refresh(client, user.refresh_cookie).status_code == 200


def test_a_made_up_secret_after_rotations_still_leaves_the_session_alone(client, user, database):
    first = refresh(client, user.refresh_cookie)
    database.execute_sql("UPDATE sessions SET rotated_at = rotated_at - interval '1 hour'")
    session_id = user.refresh_cookie.partition(".")[0]
    assert refresh(client, f"{session_id}.made-up-secret").status_code == 401
    assert refresh(client, first.cookies["refresh_token"].value).status_code == 200


def test_any_remembered_former_secret_is_reuse(client, user, database):
    cookies = [user.refresh_cookie]
    for _ in range(3):
        cookies.append(refresh(client, cookies[-1]).cookies["refresh_token"].value)
    database.execute_sql("UPDATE sessions SET rotated_at = rotated_at - interval '1 hour'")
    reuse = refresh(client, cookies[0])  # three rotations old
    assert reuse.status_code == 401
    assert reuse.json["message"] == "Refresh token reuse detected; the session is revoked."
    assert refresh(client, cookies[-1]).status_code == 401


def test_former_secrets_are_remembered_up_to_the_bound(client, user, database):
    cookies = [user.refresh_cookie]
    for _ in range(FORMER_SECRETS_KEPT + 1):
        cookies.append(refresh(client, cookies[-1]).cookies["refresh_token"].value)
    [(kept,)] = database.execute_sql("SELECT cardinality(former_hashes) FROM sessions").fetchall()
    assert kept == FORMER_SECRETS_KEPT
    database.execute_sql("UPDATE sessions SET rotated_at = rotated_at - interval '1 hour'")
    # The oldest fell off the list: refused, but it no longer proves a copy, so the session lives.
    forgotten = refresh(client, cookies[0])
    assert forgotten.status_code == 401
    assert forgotten.json["message"] == "Invalid refresh token."
    # The oldest still remembered does (and it finds the session still live, so unrevoked above).
    assert refresh(client, cookies[1]).json["message"] == "Refresh token reuse detected; the session is revoked."


def test_a_just_replaced_token_is_a_conflict_that_leaves_the_cookie_alone(client, user):
    """Two tabs refreshing at once: the loser is told to retry, and must not clear the cookie,
    because its answer may land after the winner's and would delete the winner's new cookie."""
    winner = refresh(client, user.refresh_cookie)
    loser = refresh(client, user.refresh_cookie)
    assert loser.status_code == 409
    assert loser.json == {"status": "fail",
                          "message": "Refresh token already replaced; retry with the current cookie."}
    assert "set-cookie" not in loser.headers
    assert refresh(client, winner.cookies["refresh_token"].value).status_code == 200


def test_refusals_outside_the_race_still_clear_the_cookie(client, user):
    result = refresh(client, "00000000-0000-0000-0000-000000000000.secret")
    assert result.status_code == 401
    assert result.cookies["refresh_token"].value == ""


def test_refresh_fails_once_the_session_expires(client, user, database):
    database.execute_sql("UPDATE sessions SET expires_at = now() - interval '1 second'")
    assert refresh(client, user.refresh_cookie).status_code == 401
    assert status(client, user).status_code == 401


def test_logout_kills_the_access_and_refresh_tokens_at_once(client, user):
    result = client.simulate_post("/api/v1/auth/logout", headers=user.headers)
    assert result.status_code == 200
    assert result.json == {"status": "success", "message": "Successfully logged out."}
    assert result.cookies["refresh_token"].value == ""
    assert status(client, user).status_code == 401
    assert refresh(client, user.refresh_cookie).status_code == 401


def test_logout_ends_only_this_session(client, user):
    other = client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": PASSWORD})
    client.simulate_post("/api/v1/auth/logout", headers=user.headers)
    assert status(client, other.json["auth_token"]).status_code == 200


def test_logout_needs_a_token(client):
    result = client.simulate_post("/api/v1/auth/logout")
    assert result.status_code == 401


def test_disabling_a_user_kills_their_sessions_on_the_next_request(client, user, admin):
    result = client.simulate_patch(f"/api/v1/users/{user.id}", json={"active": False}, headers=admin.headers)
    assert result.status_code == 200
    assert status(client, user).status_code == 401
    assert refresh(client, user.refresh_cookie).status_code == 401


def test_a_user_disabled_directly_in_the_database_is_refused_too(client, user, database):
    database.execute_sql("UPDATE users SET active = false")
    assert status(client, user).status_code == 401
    assert refresh(client, user.refresh_cookie).status_code == 401


def test_deleting_a_user_kills_their_sessions(client, user, admin):
    assert client.simulate_delete(f"/api/v1/users/{user.id}", headers=admin.headers).status_code == 204
    assert status(client, user).status_code == 401
    assert refresh(client, user.refresh_cookie).status_code == 401


def test_changing_the_password_revokes_every_other_session(client, user):
    other = client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": PASSWORD})
    result = client.simulate_post("/api/v1/users/me/password", headers=user.headers,
                                  json={"current_password": PASSWORD, "new_password": "a brand new passphrase 7"})
    assert result.status_code == 200
    assert result.json == {"status": "success", "message": "Password changed."}
    assert status(client, user).status_code == 200  # this session survives
    assert status(client, other.json["auth_token"]).status_code == 401
    assert refresh(client, other.cookies["refresh_token"].value).status_code == 401


def test_an_admin_resetting_a_password_revokes_all_of_that_users_sessions(client, user, admin):
    result = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers,
                                   json={"password": "admin chosen passphrase 9"})
    assert result.status_code == 200
    assert status(client, user).status_code == 401
    login = client.simulate_post("/api/v1/auth/login",
                                 json={"email": "alice@example.com", "password": "admin chosen passphrase 9"})
    assert login.status_code == 200


def test_demotion_takes_effect_on_the_next_request(client, admin, register, database):
    other_admin = register("second")
    database.execute_sql("UPDATE users SET admin = true WHERE id = %s", (other_admin.id,))
    assert client.simulate_post("/api/v1/users", headers=other_admin.headers, json={}).status_code == 400
    client.simulate_patch(f"/api/v1/users/{other_admin.id}", headers=admin.headers, json={"admin": False})
    assert client.simulate_post("/api/v1/users", headers=other_admin.headers, json={}).status_code == 403
