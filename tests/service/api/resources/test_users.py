"""/users: public directory, admin management, and a user's own profile and password."""
import base64

import pytest

from tests.service.conftest import PASSWORD

PUBLIC_FIELDS = {"id", "username", "created_at"}
FULL_FIELDS = {"id", "username", "email", "active", "admin", "created_at", "updated_at", "email_verified_at",
               "pending_email"}


def test_anyone_sees_public_fields_newest_first(client, register):
    for name in ("first", "second", "third"):
        register(name)
    result = client.simulate_get("/api/v1/users")
    assert result.status_code == 200
    users = result.json["data"]["users"]
    assert [u["username"] for u in users] == ["third", "second", "first"]
    assert all(set(u) == PUBLIC_FIELDS for u in users)
    assert result.json["data"]["next_cursor"] is None


def test_a_plain_user_sees_public_fields_too(client, user):
    users = client.simulate_get("/api/v1/users", headers=user.headers).json["data"]["users"]
    assert set(users[0]) == PUBLIC_FIELDS


def test_admin_sees_every_field_but_never_a_hash(client, admin):
    users = client.simulate_get("/api/v1/users", headers=admin.headers).json["data"]["users"]
    assert set(users[0]) == FULL_FIELDS


def test_a_bad_token_on_a_public_route_is_still_refused(client):
    result = client.simulate_get("/api/v1/users", headers={"Authorization": "Bearer nonsense"})
    assert result.status_code == 401


def test_cursor_pages_through_everyone_exactly_once(client, register):
    names = {f"user{n}" for n in range(7)}
    for name in sorted(names):
        register(name)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.simulate_get("/api/v1/users", params=params).json["data"]
        seen += [u["username"] for u in page["users"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == 7 and set(seen) == names


def test_users_sharing_a_timestamp_still_page_correctly(client, register, database):
    for n in range(5):
        register(f"twin{n}")
    database.execute_sql("UPDATE users SET created_at = '2026-01-01T00:00:00Z'")
    first = client.simulate_get("/api/v1/users", params={"limit": 2}).json["data"]
    rest = client.simulate_get("/api/v1/users", params={"limit": 10, "cursor": first["next_cursor"]}).json["data"]
    ids = [u["id"] for u in first["users"] + rest["users"]]
    assert ids == [5, 4, 3, 2, 1]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5", "", "99999999999"])
def test_limit_out_of_range_is_400(client, limit):
    result = client.simulate_get("/api/v1/users", query_string=f"limit={limit}")
    assert result.status_code == 400
    assert result.json["errors"] == {"limit": ["Must be an integer from 1 to 100."]}


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "bm90fGE", "MjAyNi0wMS0wMXwx", "x" * 500,
                                    "MjAyNi0wMS0wMVQwMDowMDowMCswMDowMHwtMQ"])
def test_invalid_cursor_is_400(client, cursor):
    result = client.simulate_get("/api/v1/users", params={"cursor": cursor})
    assert result.status_code == 400
    assert result.json["errors"] == {"cursor": ["Invalid cursor."]}


def cursor_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("moment", [
    "2026-01-01T00:00:00-23:59",  # PostgreSQL refuses offsets past 15:59: this was a 500
    "2026-01-01T00:00:00+16:00",
    "0001-01-01T00:00:00+01:00",  # the bounds of the UTC conversion: before year 1 in UTC,
    "9999-12-31T23:59:59-01:00",  # after year 9999
])
def test_a_cursor_time_postgresql_or_utc_cannot_hold_is_400(client, user, moment):
    result = client.simulate_get("/api/v1/users", params={"cursor": cursor_of(f"{moment}|1")})
    assert result.status_code == 400
    assert result.json["errors"] == {"cursor": ["Invalid cursor."]}


def test_a_cursor_in_any_offset_pages_from_the_same_instant(client, register, database):
    for name in ("ann", "bob", "cid"):
        register(name)
    database.execute_sql("UPDATE users SET created_at = timestamptz '2026-01-01 12:00:00+00' + id * interval '1 hour'")
    # 14:00 UTC, the second user's time, written at +15:30 and at -15:30: the first user only, either way.
    for moment in ("2026-01-02T05:30:00+15:30", "2025-12-31T22:30:00-15:30"):
        result = client.simulate_get("/api/v1/users", params={"cursor": cursor_of(f"{moment}|1")})
        assert [row["username"] for row in result.json["data"]["users"]] == ["ann"], moment


def test_get_one_user_public_and_admin_views(client, user, admin):
    public = client.simulate_get(f"/api/v1/users/{user.id}")
    assert public.status_code == 200 and set(public.json["data"]) == PUBLIC_FIELDS
    full = client.simulate_get(f"/api/v1/users/{user.id}", headers=admin.headers)
    assert set(full.json["data"]) == FULL_FIELDS


@pytest.mark.parametrize("user_id", ["999", "abc", "1.0", "-1", "0", "99999999999999999999", "%C2%B9", "1e3"])
def test_unknown_or_non_integer_ids_are_404(client, user_id):
    result = client.simulate_get(f"/api/v1/users/{user_id}")
    assert result.status_code == 404
    assert result.json == {"status": "fail", "message": "User not found."}


def test_admin_creates_a_user_with_flags(client, admin):
    result = client.simulate_post("/api/v1/users", headers=admin.headers, json={
        "username": "carol", "email": "carol@example.com", "password": PASSWORD, "admin": True, "active": False})
    assert result.status_code == 201
    assert result.json["message"] == "User created."
    assert result.json["data"]["admin"] is True and result.json["data"]["active"] is False


def test_admin_create_validates_and_detects_conflicts(client, admin, user):
    bad = client.simulate_post("/api/v1/users", headers=admin.headers,
                               json={"username": "x", "email": "nope", "password": "short", "admin": "yes"})
    assert bad.status_code == 400
    assert set(bad.json["errors"]) == {"username", "email", "password", "admin"}
    taken = client.simulate_post("/api/v1/users", headers=admin.headers,
                                 json={"username": "Alice", "email": "new@example.com", "password": PASSWORD})
    assert taken.status_code == 409


@pytest.mark.parametrize("method, path", [
    ("POST", "/api/v1/users"), ("PATCH", "/api/v1/users/1"), ("DELETE", "/api/v1/users/1")])
def test_admin_routes_refuse_anonymous_and_plain_users(client, user, method, path):
    body = {"json": {"active": False}} if method != "DELETE" else {}
    anonymous = client.simulate_request(method, path, **body)
    assert anonymous.status_code == 401
    plain = client.simulate_request(method, path, headers=user.headers, **body)
    assert plain.status_code == 403
    assert plain.json == {"status": "fail", "message": "Admin access required."}


def test_admin_updates_every_field(client, admin, user):
    result = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers, json={
        "username": "alice2", "email": "alice2@example.com", "admin": True, "active": True})
    assert result.status_code == 200
    assert result.json["message"] == "User updated."
    data = result.json["data"]
    assert (data["username"], data["email"], data["admin"]) == ("alice2", "alice2@example.com", True)
    assert data["updated_at"] > data["created_at"]


def test_admin_update_conflicts_and_empty_or_null_bodies(client, admin, user, register):
    register("bob")
    taken = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers, json={"username": "BOB"})
    assert taken.status_code == 409 and taken.json["errors"] == {"username": ["Username is already taken."]}
    same = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers, json={"username": "ALICE"})
    assert same.status_code == 200  # renaming to your own name in another case is not a conflict
    empty = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers, json={})
    assert empty.status_code == 400 and empty.json["message"] == "Nothing to update."
    null = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers,
                                 json={"active": None, "username": None})
    assert null.status_code == 400
    assert null.json["errors"] == {"active": ["Must be true or false."], "username": ["Must be a string."]}
    unknown = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers, json={"password_hash": "x"})
    assert unknown.status_code == 400 and unknown.json["errors"] == {"password_hash": ["Unknown field."]}


def test_admin_cannot_demote_disable_or_delete_themselves(client, admin):
    for body, message in (({"admin": False}, "You cannot remove your own admin rights."),
                          ({"active": False}, "You cannot deactivate your own account.")):
        result = client.simulate_patch(f"/api/v1/users/{admin.id}", headers=admin.headers, json=body)
        assert result.status_code == 403
        assert result.json["message"] == message
    result = client.simulate_delete(f"/api/v1/users/{admin.id}", headers=admin.headers)
    assert result.status_code == 403
    assert result.json["message"] == "You cannot delete your own account."
    assert client.simulate_get("/api/v1/auth/status", headers=admin.headers).json["data"]["admin"] is True


def test_admin_may_change_their_own_name(client, admin):
    result = client.simulate_patch(f"/api/v1/users/{admin.id}", headers=admin.headers, json={"username": "boss"})
    assert result.status_code == 200


def test_admin_deletes_a_user(client, admin, user):
    result = client.simulate_delete(f"/api/v1/users/{user.id}", headers=admin.headers)
    assert result.status_code == 204 and result.content == b""
    assert client.simulate_get(f"/api/v1/users/{user.id}").status_code == 404
    assert client.simulate_delete(f"/api/v1/users/{user.id}", headers=admin.headers).status_code == 404


def test_user_updates_own_profile(client, user, register):
    result = client.simulate_patch("/api/v1/users/me", headers=user.headers,
                                   json={"username": "alicia", "email": "ALICIA@Example.com"})
    assert result.status_code == 200
    assert result.json["data"]["username"] == "alicia"
    # The new email waits for its confirmation (tests/service/api/resources/test_email_verification.py).
    assert (result.json["data"]["email"], result.json["data"]["pending_email"]) == (
        "alice@example.com", "ALICIA@example.com")
    register("bob")
    taken = client.simulate_patch("/api/v1/users/me", headers=user.headers, json={"email": "bob@EXAMPLE.com"})
    assert taken.status_code == 409 and taken.json["errors"] == {"email": ["Email is already registered."]}


def test_profile_update_cannot_touch_privileges(client, user):
    for field in ("admin", "active", "password"):
        result = client.simulate_patch("/api/v1/users/me", headers=user.headers, json={field: True})
        assert result.status_code == 400
        assert result.json["errors"] == {field: ["Unknown field."]}


def test_profile_update_needs_a_login_and_a_change(client, user):
    assert client.simulate_patch("/api/v1/users/me", json={"username": "x1x"}).status_code == 401
    assert client.simulate_patch("/api/v1/users/me", headers=user.headers, json={}).status_code == 400


def test_password_change_checks_the_current_password_and_the_new_ones_strength(client, user):
    url = "/api/v1/users/me/password"
    wrong = client.simulate_post(url, headers=user.headers,
                                 json={"current_password": "not it at all", "new_password": "a brand new passphrase 7"})
    assert wrong.status_code == 400
    assert wrong.json["errors"] == {"current_password": ["Current password is incorrect."]}
    weak = client.simulate_post(url, headers=user.headers,
                                json={"current_password": PASSWORD, "new_password": "password1"})
    assert weak.json["errors"] == {"new_password": ["This password is too easy to guess."]}
    personal = client.simulate_post(url, headers=user.headers,
                                    json={"current_password": PASSWORD, "new_password": "alice@example.com"})
    assert personal.json["errors"] == {"new_password": ["This password is too easy to guess."]}
    missing = client.simulate_post(url, headers=user.headers, json={"new_password": "a brand new passphrase 7"})
    assert missing.json["errors"] == {"current_password": ["This field is required."]}
    assert client.simulate_post(url, json={"current_password": "x", "new_password": "y"}).status_code == 401


def test_new_password_works_and_old_one_does_not(client, user):
    client.simulate_post("/api/v1/users/me/password", headers=user.headers,
                         json={"current_password": PASSWORD, "new_password": "a brand new passphrase 7"})
    old = client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": PASSWORD})
    new = client.simulate_post("/api/v1/auth/login",
                               json={"email": "alice@example.com", "password": "a brand new passphrase 7"})
    assert (old.status_code, new.status_code) == (401, 200)


def test_get_users_me_is_not_a_user_id(client, user):
    assert client.simulate_get("/api/v1/users/me", headers=user.headers).status_code == 405
