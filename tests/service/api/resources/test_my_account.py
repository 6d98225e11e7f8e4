"""Delete my account: the password, every session ended, the data gone, a confirmation mail."""
from __future__ import annotations

import pytest

from localplatform.mail_sink import text_of
from service.data.models import MailOutbox, PasswordResetToken, Session, User
from service.domain.administration import LastActiveAdmin
from tests.service.conftest import JSON, PASSWORD
from tests.service.mail_delivery import deliver

ME = "/api/v1/users/me"


def delete_me(client, actor, password=PASSWORD, **extra):
    return client.simulate_delete(ME, headers=actor.headers, json={"password": password}, **extra)


def test_deleting_my_account_removes_it_and_mails_a_confirmation(client, user, database, mail_sink, mailbox):
    client.simulate_post("/api/v1/auth/password-reset", json={"email": "alice@example.com"})
    answer = delete_me(client, user)
    assert answer.status_code == 204
    assert answer.cookies["refresh_token"].value == ""  # the refresh cookie is cleared
    assert User.select().count() == 0
    assert Session.select().count() == 0 and PasswordResetToken.select().count() == 0
    assert deliver(database, mail_sink.url) == 1  # the queued reset mail is dropped, not sent
    [mail] = mailbox.messages(to="alice@example.com")
    assert mail["Subject"] == "Your account has been deleted"
    assert "last mail we send you" in text_of(mail)


def test_a_deleted_accounts_tokens_and_cookie_are_refused(client, user):
    assert delete_me(client, user).status_code == 204
    status = client.simulate_get("/api/v1/auth/status", headers=user.headers)
    assert status.status_code == 401 and status.json["message"] == "Token revoked."
    refresh = client.simulate_post("/api/v1/auth/refresh", cookies={"refresh_token": user.refresh_cookie}, headers=JSON)
    assert refresh.status_code == 401
    login = client.simulate_post("/api/v1/auth/login", json={"email": "alice@example.com", "password": PASSWORD})
    assert login.status_code == 401


def test_the_username_and_email_are_free_again(client, user, register):
    delete_me(client, user)
    assert register("alice").data["email"] == "alice@example.com"


def test_a_wrong_password_deletes_nothing_and_counts_as_a_failed_login(client, user):
    answers = [delete_me(client, user, "not my password") for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 400]
    assert answers[0].json["errors"] == {"password": ["Password is incorrect."]}
    throttled = delete_me(client, user)  # LOGIN_MAX_FAILURES=3 in tests
    assert throttled.status_code == 429 and throttled.headers["Retry-After"]
    assert User.select().count() == 1


@pytest.mark.parametrize("body, field", [({}, "password"), ({"password": ""}, "password"),
                                         ({"password": PASSWORD, "force": True}, "force")])
def test_malformed_bodies_name_the_field(client, user, body, field):
    answer = client.simulate_delete(ME, headers=user.headers, json=body)
    assert answer.status_code == 400 and field in answer.json["errors"]


def test_a_body_is_required(client, user):
    assert client.simulate_delete(ME, headers=user.headers).status_code == 400
    assert client.simulate_delete(ME, json={"password": PASSWORD}).status_code == 401


def test_the_last_active_admin_cannot_delete_themselves(client, admin, register, database):
    """The refusal is administration's one last-admin rule, the one admin PATCH and DELETE meet."""
    refused = delete_me(client, admin)
    assert refused.status_code == 403 and refused.json["message"] == str(LastActiveAdmin())
    other = register("deputy")
    database.execute_sql("UPDATE users SET admin = true, active = false WHERE id = %s", (other.id,))
    assert delete_me(client, admin).status_code == 403  # a deactivated admin manages nothing
    database.execute_sql("UPDATE users SET active = true WHERE id = %s", (other.id,))
    assert delete_me(client, admin).status_code == 204
    assert MailOutbox.select().where(MailOutbox.kind == "account_deleted").count() == 1
