"""Your sessions: list them, end one or every other; admins see and end a user's sessions."""
from __future__ import annotations

import pytest

from localplatform.mail_sink import text_of
from service.app import create_app
from service.data.models import MailOutbox
from service.domain.devices import device_name
from tests.service.conftest import JSON, PASSWORD, settings_for
from tests.service.contract_client import ContractClient
from tests.service.mail_delivery import deliver

FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.1 Mobile/15E148 Safari/604.1")
MINE = "/api/v1/users/me/sessions"


def login_from(client, user_agent, ip="203.0.113.5", email="alice@example.com"):
    answer = client.simulate_post("/api/v1/auth/login", json={"email": email, "password": PASSWORD},
                                  headers={"User-Agent": user_agent}, remote_addr=ip)
    assert answer.status_code == 200
    return {"Authorization": f"Bearer {answer.json['auth_token']}"}, answer.cookies["refresh_token"].value


def sessions(client, headers, path=MINE):
    answer = client.simulate_get(path, headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json["data"]["sessions"]


def test_my_sessions_show_device_ip_times_and_which_is_this_one(client, user):
    phone, _ = login_from(client, IPHONE, ip="198.51.100.7")
    listed = sessions(client, phone)
    assert len(listed) == 2
    newest, first = listed
    assert newest["current"] is True and first["current"] is False
    assert (newest["device"], newest["ip"]) == ("Mobile Safari 17 on iOS 17 (iPhone)", "198.51.100.7")
    assert newest["created_at"] and newest["last_used_at"]
    assert [s["current"] for s in sessions(client, user.headers)] == [False, True]


def test_a_session_ended_from_another_device_is_refused_on_its_next_request(client, user):
    laptop, laptop_cookie = login_from(client, FIREFOX)
    laptop_id = next(s["id"] for s in sessions(client, laptop) if s["current"])
    assert client.simulate_delete(f"{MINE}/{laptop_id}", headers=user.headers).status_code == 204
    refused = client.simulate_get("/api/v1/auth/status", headers=laptop)
    assert refused.status_code == 401 and refused.json["message"] == "Token revoked."
    refresh = client.simulate_post("/api/v1/auth/refresh", cookies={"refresh_token": laptop_cookie}, headers=JSON)
    assert refresh.status_code == 401
    assert [s["current"] for s in sessions(client, user.headers)] == [True]


def test_ending_this_session_is_signing_out(client, user):
    mine = sessions(client, user.headers)[0]["id"]
    assert client.simulate_delete(f"{MINE}/{mine}", headers=user.headers).status_code == 204
    assert client.simulate_get(MINE, headers=user.headers).status_code == 401


def test_sign_out_everywhere_else_keeps_this_session(client, user):
    others = [login_from(client, agent)[0] for agent in (FIREFOX, IPHONE)]
    answer = client.simulate_delete(MINE, headers=user.headers)
    assert answer.status_code == 200 and answer.json["message"] == "Ended 2 sessions."
    assert all(client.simulate_get(MINE, headers=h).status_code == 401 for h in others)
    assert len(sessions(client, user.headers)) == 1


@pytest.mark.parametrize("session_id", ["not-a-uuid", "3f1c2b7e-5d4a-4e8b-9c0d-1a2b3c4d5e6f", "0" * 500])
def test_unknown_session_ids_are_404(client, user, session_id):
    answer = client.simulate_delete(f"{MINE}/{session_id}", headers=user.headers)
    assert answer.status_code == 404 and answer.json["message"] == "Session not found."


def test_nobody_ends_someone_elses_session_through_their_own_list(client, user, register):
    bob = register("bob")
    bobs = sessions(client, bob.headers)[0]["id"]
    assert client.simulate_delete(f"{MINE}/{bobs}", headers=user.headers).status_code == 404
    assert client.simulate_get(MINE, headers=bob.headers).status_code == 200


def test_ended_and_expired_sessions_are_not_listed(client, user, database):
    laptop, _ = login_from(client, FIREFOX)
    client.simulate_post("/api/v1/auth/logout", headers=laptop)
    login_from(client, IPHONE)
    database.execute_sql("UPDATE sessions SET expires_at = now() - interval '1 second' "
                         "WHERE user_agent = %s", (IPHONE,))
    assert len(sessions(client, user.headers)) == 1


def test_admins_see_and_end_a_users_sessions(client, admin, user):
    login_from(client, FIREFOX)
    path = f"/api/v1/users/{user.id}/sessions"
    listed = sessions(client, admin.headers, path)
    assert len(listed) == 2 and "Firefox 120 on Ubuntu" in {s["device"] for s in listed}
    assert not any(s["current"] for s in listed)
    answer = client.simulate_delete(path, headers=admin.headers)
    assert answer.status_code == 200 and answer.json["message"] == "Ended 2 sessions."
    assert client.simulate_get("/api/v1/auth/status", headers=user.headers).status_code == 401


def test_an_admin_ending_their_own_sessions_keeps_the_one_in_use(client, admin):
    answer = client.simulate_delete(f"/api/v1/users/{admin.id}/sessions", headers=admin.headers)
    assert answer.status_code == 200 and answer.json["message"] == "Ended 0 sessions."
    assert client.simulate_get("/api/v1/auth/status", headers=admin.headers).status_code == 200


def test_only_admins_see_other_peoples_sessions(client, user, admin):
    path = f"/api/v1/users/{admin.id}/sessions"
    assert client.simulate_get(path, headers=user.headers).status_code == 403
    assert client.simulate_delete(path, headers=user.headers).status_code == 403
    assert client.simulate_get(path).status_code == 401
    assert client.simulate_get(MINE).status_code == 401
    assert client.simulate_get("/api/v1/users/987654/sessions", headers=admin.headers).status_code == 404


@pytest.mark.parametrize("user_agent, name", [
    (FIREFOX, "Firefox 120 on Ubuntu"),
    (IPHONE, "Mobile Safari 17 on iOS 17 (iPhone)"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36", "Chrome 120 on Windows 10"),
    ("curl/8.4.0", "curl 8"),
    ("", "Unknown device"),
    ("\u2603 whatever", "Unknown device"),
])
def test_device_names(user_agent, name):
    assert device_name(user_agent) == name


def test_a_login_from_a_new_device_mails_a_notice(client, user, database, mail_sink, mailbox):
    login_from(client, FIREFOX, ip="203.0.113.5")
    login_from(client, FIREFOX, ip="198.51.100.1")  # the same device again: no second notice
    deliver(database, mail_sink.url)
    [notice] = [m for m in mailbox.messages(to="alice@example.com") if m["Subject"] == "New sign-in to your account"]
    text = text_of(notice)
    assert "Firefox 120 on Ubuntu, from 203.0.113.5" in text
    assert "https://users.example.org/status" in text  # the site's account page, with the session list


def test_the_first_login_and_known_devices_send_no_notice(client, database, mail_sink):
    client.simulate_post("/api/v1/auth/register", headers={"User-Agent": FIREFOX},
                         json={"username": "dave", "email": "dave@example.com", "password": PASSWORD})
    login_from(client, FIREFOX, email="dave@example.com")
    assert not MailOutbox.select().where(MailOutbox.kind == "new_device_login").exists()


def test_the_new_device_notice_can_be_turned_off(postgres, database, mail_sink, mailbox):
    client = ContractClient(create_app(settings_for(postgres, NEW_DEVICE_LOGIN_NOTICE="false"), database))
    client.simulate_post("/api/v1/auth/register",
                         json={"username": "alice", "email": "alice@example.com", "password": PASSWORD})
    login_from(client, FIREFOX)
    assert not MailOutbox.select().where(MailOutbox.kind == "new_device_login").exists()
