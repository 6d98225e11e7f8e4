"""Confirming email addresses, end to end: the API, the outbox, a real SMTP server, the link."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from localplatform.mail_sink import html_of, text_of
from service.app import create_app
from service.data.models import EmailVerificationToken, MailOutbox, User, utcnow
from tests.service.conftest import JSON, PASSWORD, settings_for
from tests.service.contract_client import ContractClient
from tests.service.mail_delivery import deliver, last_mail, token_from

VERIFY = "/api/v1/auth/verify-email"
RESEND = "/api/v1/auth/verify-email/resend"
INVALID = {"status": "fail", "message": "This link is invalid or has expired.",
           "errors": {"token": ["This link is invalid or has expired."]}}
RESENT = {"status": "success", "message": "If that address needs confirming, a new link is on its way."}


def mailed_token(database, mail_sink, mailbox, to="alice@example.com") -> str:
    deliver(database, mail_sink.url)
    mail = last_mail(mailbox, to)
    assert mail["Subject"] == "Confirm your email address"
    return token_from(mail)


def verify(client, token):
    return client.simulate_post(VERIFY, json={"token": token})


def resend(client, email="alice@example.com", ip="127.0.0.1"):
    return client.simulate_post(RESEND, json={"email": email}, remote_addr=ip)


def me(client, actor) -> dict:
    return client.simulate_get("/api/v1/auth/status", headers=actor.headers).json["data"]


def login(client, email="alice@example.com", password=PASSWORD):
    return client.simulate_post("/api/v1/auth/login", json={"email": email, "password": password})


def test_sign_up_mails_a_link_that_confirms_the_address(client, user, database, mail_sink, mailbox):
    assert user.data["email_verified_at"] is None and user.data["pending_email"] is None
    token = mailed_token(database, mail_sink, mailbox)
    link = f"https://users.example.org/verify-email#token={token}"
    mail = last_mail(mailbox, "alice@example.com")
    assert link in text_of(mail) and link in html_of(mail)
    [stored] = EmailVerificationToken.select()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and stored.email == "alice@example.com"
    assert timedelta(hours=23) < stored.expires_at - stored.created_at <= timedelta(hours=24)
    answer = verify(client, token)
    assert answer.status_code == 200 and answer.json == {
        "status": "success", "message": "Your email address is confirmed.", "data": {"email": "alice@example.com"}}
    assert me(client, user)["email_verified_at"] is not None
    assert verify(client, token).json == INVALID  # used


def test_expired_unknown_superseded_and_deactivated_links_get_one_answer(client, user, database, mail_sink,
                                                                         mailbox):
    first = mailed_token(database, mail_sink, mailbox)
    assert resend(client).status_code == 202
    second = mailed_token(database, mail_sink, mailbox)
    assert verify(client, first).json == INVALID  # superseded by the resend
    assert verify(client, "A" * 43).json == INVALID  # unknown
    EmailVerificationToken.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    assert verify(client, second).json == INVALID  # expired
    assert resend(client).status_code == 202
    third = mailed_token(database, mail_sink, mailbox)
    database.execute_sql("UPDATE users SET active = false WHERE id = %s", (user.id,))
    answer = verify(client, third)
    assert answer.status_code == 400 and answer.json == INVALID  # deactivated
    assert User.get_by_id(user.id).email_verified_at is None


def test_changing_my_email_waits_for_the_new_address_and_tells_the_old_one(client, user, database, mail_sink,
                                                                           mailbox):
    mailed_token(database, mail_sink, mailbox)  # the sign-up's link, out of the way
    changed = client.simulate_patch("/api/v1/users/me", headers=user.headers, json={"email": "New@Example.com"})
    assert changed.status_code == 200
    assert (changed.json["data"]["email"], changed.json["data"]["pending_email"]) == (
        "alice@example.com", "New@example.com")
    token = mailed_token(database, mail_sink, mailbox, to="New@example.com")
    notice = last_mail(mailbox, "alice@example.com")
    assert notice["Subject"] == "Your account's email is being changed"
    assert "New@example.com" in text_of(notice) and "https://users.example.org/forgot-password" in text_of(notice)
    assert login(client, "new@example.com").status_code == 401  # not the account's address yet
    answer = verify(client, token)
    assert answer.status_code == 200 and answer.json["data"] == {"email": "New@example.com"}
    now = me(client, user)
    assert (now["email"], now["pending_email"]) == ("New@example.com", None) and now["email_verified_at"]
    assert login(client, "new@example.com").status_code == 200


def test_changing_back_to_the_current_address_cancels_the_pending_change(client, user, database, mail_sink,
                                                                         mailbox):
    client.simulate_patch("/api/v1/users/me", headers=user.headers, json={"email": "new@example.com"})
    token = mailed_token(database, mail_sink, mailbox, to="new@example.com")
    back = client.simulate_patch("/api/v1/users/me", headers=user.headers, json={"email": "ALICE@example.com"})
    assert back.status_code == 200 and back.json["data"]["pending_email"] is None
    assert verify(client, token).json == INVALID
    assert me(client, user)["email"] == "alice@example.com"


def test_a_link_for_an_address_taken_meanwhile_is_refused(client, user, register, database, mail_sink, mailbox):
    client.simulate_patch("/api/v1/users/me", headers=user.headers, json={"email": "new@example.com"})
    token = mailed_token(database, mail_sink, mailbox, to="new@example.com")
    register("bob", email="new@example.com")  # a pending change reserves nothing
    assert verify(client, token).json == INVALID
    assert (me(client, user)["email"], User.select().where(User.email_key == "new@example.com").count()) == (
        "alice@example.com", 1)


def test_a_password_reset_cancels_a_pending_change(client, user, database, mail_sink, mailbox):
    """A stolen session must not be able to finish moving the account to the thief's address."""
    client.simulate_patch("/api/v1/users/me", headers=user.headers, json={"email": "thief@example.com"})
    token = mailed_token(database, mail_sink, mailbox, to="thief@example.com")
    client.simulate_post("/api/v1/auth/password-reset", json={"email": "alice@example.com"})
    deliver(database, mail_sink.url)
    reset = token_from(last_mail(mailbox, "alice@example.com"))
    assert client.simulate_post("/api/v1/auth/password-reset/confirm",
                                json={"token": reset, "new_password": "a brand new passphrase 42"}).status_code == 200
    assert verify(client, token).json == INVALID
    assert User.get_by_id(user.id).pending_email is None


def test_an_admin_change_applies_at_once_unverified_and_mails_the_new_address(client, admin, user, database,
                                                                              mail_sink, mailbox):
    verify(client, mailed_token(database, mail_sink, mailbox))
    changed = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers,
                                    json={"email": "moved@example.com"})
    assert changed.status_code == 200
    data = changed.json["data"]
    assert (data["email"], data["email_verified_at"], data["pending_email"]) == ("moved@example.com", None, None)
    shown = client.simulate_get(f"/api/v1/users/{user.id}", headers=admin.headers).json["data"]
    assert shown["email_verified_at"] is None and "pending_email" in shown
    token = mailed_token(database, mail_sink, mailbox, to="moved@example.com")
    assert token not in changed.text
    assert verify(client, token).status_code == 200
    assert me(client, user)["email_verified_at"] is not None


def test_resend_answers_alike_and_mails_only_an_address_waiting_for_confirmation(client, user, register,
                                                                                 database, mail_sink, mailbox):
    register("carol")
    verify(client, mailed_token(database, mail_sink, mailbox, to="carol@example.com"))
    register("dave")
    database.execute_sql("UPDATE users SET active = false WHERE username = 'dave'")
    client.simulate_patch("/api/v1/users/me", headers=user.headers, json={"email": "next@example.com"})
    MailOutbox.delete().execute()
    answers = [resend(client, email) for email in (
        "alice@example.com", "next@example.com", "nobody@example.com", "carol@example.com", "dave@example.com")]
    assert {a.status_code for a in answers} == {202} and all(a.json == RESENT for a in answers)
    assert sorted(row.recipient for row in MailOutbox.select()) == ["alice@example.com", "next@example.com"]


def test_resends_are_throttled_per_email_and_per_ip(postgres, database, mail_sink, client, user):
    assert [resend(client, "ALICE@example.com").status_code for _ in range(4)] == [202, 202, 202, 429]
    throttled = resend(client)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    strict = ContractClient(create_app(settings_for(postgres, MAIL_URL=mail_sink.url,
                                                    PASSWORD_RESET_MAX_PER_IP="2"), database))
    assert [resend(strict, f"n{i}@example.com", ip="10.0.0.9").status_code for i in range(3)] == [202, 202, 429]
    assert resend(strict, "n3@example.com", ip="10.0.0.10").status_code == 202


def test_changes_of_address_count_with_resends_per_ip(postgres, database, mail_sink):
    """Every change mails a link to the new address: one account cannot bomb other inboxes."""
    strict = ContractClient(create_app(settings_for(postgres, MAIL_URL=mail_sink.url,
                                                    PASSWORD_RESET_MAX_PER_IP="2"), database))
    token = strict.simulate_post("/api/v1/auth/register", json={
        "username": "alice", "email": "alice@example.com", "password": PASSWORD}).json["auth_token"]
    answers = [strict.simulate_patch("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"},
                                     json={"email": f"victim{i}@example.com"}) for i in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert MailOutbox.select().where(MailOutbox.kind == "verify_email").count() == 3  # sign-up + 2 changes


MALFORMED = [
    (VERIFY, {}, "token"),
    (VERIFY, {"token": "short"}, "token"),
    (VERIFY, {"token": "A" * 43 + "!"}, "token"),
    (VERIFY, {"token": "A" * 129}, "token"),
    (VERIFY, {"token": 12345678901234567890}, "token"),
    (VERIFY, {"token": "A" * 43, "email": "alice@example.com"}, "email"),
    (RESEND, {}, "email"),
    (RESEND, {"email": ""}, "email"),
    (RESEND, {"email": "a" * 250 + "@example.com"}, "email"),
    (RESEND, {"email": ["alice@example.com"]}, "email"),
    (RESEND, {"email": "alice@example.com\x00"}, "email"),
]


def test_malformed_bodies_get_a_400_naming_the_field(client):
    # One app for every case: each is a single request, and a fresh app per case cost more than it.
    for path, body, field in MALFORMED:
        answer = client.simulate_post(path, json=body)
        assert answer.status_code == 400 and field in answer.json["errors"], (path, body, answer.json)
    for path in (VERIFY, RESEND):
        answer = client.simulate_post(path, json=["token"])
        assert answer.status_code == 400 and answer.json["message"] == "Request body must be a JSON object."
    assert MailOutbox.select().count() == 0


def test_tokens_never_reach_the_logs(client, user, database, mail_sink, mailbox, debug_logging_as_configured):
    token = mailed_token(database, mail_sink, mailbox)
    verify(client, token)
    verify(client, token)
    # "mail.log" is the test's SMTP server (aiosmtpd), which logs what it receives; not the service.
    logged = [str(vars(record)) + record.getMessage() for record in debug_logging_as_configured.records
              if record.name != "mail.log"]
    assert any("email_verified" in line for line in logged) and any("email_verify_refused" in line for line in logged)
    assert not any(token in line or hashlib.sha256(token.encode()).hexdigest() in line for line in logged)


@pytest.fixture
def strict_client(postgres, database, mail_sink):
    """REQUIRE_VERIFIED_EMAIL on, as production has it by default."""
    return ContractClient(create_app(settings_for(postgres, MAIL_URL=mail_sink.url, REQUIRE_VERIFIED_EMAIL="true",
                                                  PUBLIC_URL="https://users.example.org"), database))


def test_with_verification_required_sign_up_opens_no_session_and_login_waits_for_the_link(
        strict_client, database, mail_sink, mailbox):
    signup = strict_client.simulate_post("/api/v1/auth/register", json={
        "username": "alice", "email": "alice@example.com", "password": PASSWORD})
    assert signup.status_code == 201 and "refresh_token" not in signup.cookies
    assert {k: v for k, v in signup.json.items() if k != "data"} == {
        "status": "success", "message": "Check your email to confirm your address, then log in.",
        "verification_required": True}
    assert login(strict_client, password="not the password").status_code == 401  # no hint without the password
    refused = login(strict_client)
    assert refused.status_code == 403 and refused.json == {
        "status": "fail", "reason": "email_unverified",
        "message": "Confirm your email address first. We can send you a new link."}
    assert verify(strict_client, mailed_token(database, mail_sink, mailbox)).status_code == 200
    assert login(strict_client).status_code == 200


def test_turning_verification_on_leaves_existing_sessions_alone(client, user, strict_client):
    assert login(strict_client).json["reason"] == "email_unverified"
    refreshed = strict_client.simulate_post("/api/v1/auth/refresh", cookies={"refresh_token": user.refresh_cookie},
                                            headers=JSON)
    assert refreshed.status_code == 200
