"""Forgot password, end to end: the API, the outbox, a real SMTP server, the link, the new password."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from localplatform.mail_sink import html_of, text_of
from localplatform.ports import free_port
from service.app import create_app
from service.data.models import MailOutbox, PasswordResetToken, utcnow
from service.mail.composer import MailComposer
from tests.service.conftest import PASSWORD, settings_for
from tests.service.contract_client import ContractClient
from tests.service.mail_delivery import deliver, last_mail, token_from

REQUEST = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "a brand new passphrase 42"
INVALID_LINK = "This reset link is invalid or has expired. Ask for a new one."


def ask(client, email="alice@example.com", ip="127.0.0.1"):
    return client.simulate_post(REQUEST, json={"email": email}, remote_addr=ip)


def mailed_token(client, database, mail_sink, mailbox, email="alice@example.com") -> str:
    assert ask(client, email).status_code == 202
    deliver(database, mail_sink.url)
    return token_from(last_mail(mailbox, email))


def reset_mails() -> int:
    return MailOutbox.select().where(MailOutbox.kind == "password_reset").count()


def confirm(client, token, password=NEW_PASSWORD):
    return client.simulate_post(CONFIRM, json={"token": token, "new_password": password})


def login(client, password, email="alice@example.com"):
    return client.simulate_post("/api/v1/auth/login", json={"email": email, "password": password})


def test_a_known_email_gets_a_link_with_the_token_in_the_fragment(client, user, database, mail_sink, mailbox):
    answer = ask(client)
    assert answer.status_code == 202
    assert deliver(database, mail_sink.url) == 2  # the sign-up's confirmation link, then this one
    mail = last_mail(mailbox, "alice@example.com")
    assert mail["Subject"] == "Reset your password"
    token = token_from(mail)
    assert len(token) >= 43  # 32 random bytes
    assert f"https://users.example.org/reset-password#token={token}" in text_of(mail)
    assert f"https://users.example.org/reset-password#token={token}" in html_of(mail)
    [stored] = PasswordResetToken.select()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()  # only the hash is kept
    assert timedelta(minutes=29) < stored.expires_at - stored.created_at <= timedelta(minutes=30)
    assert {row.message for row in MailOutbox.select()} == {""}  # the sent mail's copy of the link is gone too


def test_unknown_and_deactivated_emails_get_the_same_answer_and_no_mail(client, user, register, database,
                                                                           mail_sink, mailbox):
    known = ask(client)
    unknown = ask(client, "nobody@example.com")
    register("carol")
    database.execute_sql("UPDATE users SET active = false WHERE username = 'carol'")
    deactivated = ask(client, "carol@example.com")
    assert known.status_code == unknown.status_code == deactivated.status_code == 202
    assert known.json == unknown.json == deactivated.json
    deliver(database, mail_sink.url)
    assert [m["To"] for m in mailbox.messages() if m["Subject"] == "Reset your password"] == ["alice@example.com"]


def test_the_link_sets_a_new_password_ends_every_session_and_mails_a_notice(client, user, register, database,
                                                                           mail_sink, mailbox):
    second_device = login(client, PASSWORD).json["auth_token"]
    token = mailed_token(client, database, mail_sink, mailbox)
    answer = confirm(client, token)
    assert answer.status_code == 200, answer.json
    for bearer in (user.token, second_device):
        status = client.simulate_get("/api/v1/auth/status", headers={"Authorization": f"Bearer {bearer}"})
        assert status.status_code == 401
    assert login(client, PASSWORD).status_code == 401
    assert login(client, NEW_PASSWORD).status_code == 200
    deliver(database, mail_sink.url)
    notice = last_mail(mailbox, "alice@example.com")
    assert notice["Subject"] == "Your password was changed"
    assert "https://users.example.org/forgot-password" in text_of(notice)


def test_a_used_token_is_refused(client, user, database, mail_sink, mailbox):
    token = mailed_token(client, database, mail_sink, mailbox)
    assert confirm(client, token).status_code == 200
    again = confirm(client, token, "yet another fine passphrase")
    assert again.status_code == 400 and again.json["message"] == INVALID_LINK
    assert login(client, NEW_PASSWORD).status_code == 200


def test_an_expired_token_is_refused(client, user, database, mail_sink, mailbox):
    token = mailed_token(client, database, mail_sink, mailbox)
    PasswordResetToken.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    answer = confirm(client, token)
    assert answer.status_code == 400 and answer.json == {
        "status": "fail", "message": INVALID_LINK, "errors": {"token": [INVALID_LINK]}}
    assert login(client, PASSWORD).status_code == 200


def test_logging_in_retires_an_unused_link(client, user, database, mail_sink, mailbox):
    """The browser's history keeps the link (fragment and all) after the page strips it from the
    address bar; once its owner has logged in with the password instead, it must be worthless."""
    token = mailed_token(client, database, mail_sink, mailbox)
    assert login(client, PASSWORD).status_code == 200
    refused = confirm(client, token)
    assert refused.status_code == 400
    assert refused.json["errors"] == {"token": [INVALID_LINK]}
    assert login(client, PASSWORD).status_code == 200  # the password was not changed


def test_a_failed_login_leaves_the_link_alone(client, user, database, mail_sink, mailbox):
    token = mailed_token(client, database, mail_sink, mailbox)
    assert login(client, "not the password 42").status_code == 401
    assert confirm(client, token).status_code == 200


def test_an_unknown_token_is_refused_with_the_same_message(client, user):
    answer = confirm(client, "A" * 43)
    assert answer.status_code == 400 and answer.json["message"] == INVALID_LINK


def test_a_new_request_retires_the_older_link(client, user, database, mail_sink, mailbox):
    first = mailed_token(client, database, mail_sink, mailbox)
    second = mailed_token(client, database, mail_sink, mailbox)
    assert first != second
    assert confirm(client, first).json["message"] == INVALID_LINK
    assert confirm(client, second).status_code == 200


def test_a_token_for_a_deactivated_account_is_refused(client, user, database, mail_sink, mailbox):
    token = mailed_token(client, database, mail_sink, mailbox)
    database.execute_sql("UPDATE users SET active = false WHERE id = %s", (user.id,))
    answer = confirm(client, token)
    assert answer.status_code == 400 and answer.json["message"] == INVALID_LINK


def test_the_password_policy_applies_and_a_refused_password_keeps_the_link(client, user, database, mail_sink,
                                                                           mailbox):
    token = mailed_token(client, database, mail_sink, mailbox)
    weak = confirm(client, token, "password")
    assert weak.status_code == 400 and "new_password" in weak.json["errors"]
    own_name = confirm(client, token, "alice@example.com1")  # strong, but built from the email
    assert own_name.status_code == 400 and "new_password" in own_name.json["errors"]
    assert confirm(client, token).status_code == 200


@pytest.mark.parametrize("body, field", [
    ({"token": "short", "new_password": NEW_PASSWORD}, "token"),
    ({"token": "A" * 43 + "!", "new_password": NEW_PASSWORD}, "token"),
    ({"token": "A" * 43}, "new_password"),
    ({"token": "A" * 43, "new_password": NEW_PASSWORD, "admin": True}, "admin"),
])
def test_malformed_confirmations_name_the_field(client, body, field):
    answer = client.simulate_post(CONFIRM, json=body)
    assert answer.status_code == 400 and field in answer.json["errors"]


def test_requests_are_throttled_per_email(client, user, database):
    answers = [ask(client) for _ in range(4)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert ask(client, "ALICE@example.com").status_code == 429  # the same mailbox
    assert reset_mails() == 3


def test_every_spelling_of_an_email_counts_on_one_throttle(client, user, database):
    """Keyed on the normalised email (NFKC + case folding), as accounts are: a case or a
    fullwidth letter is not a fresh allowance of reset mails."""
    spellings = ["alice@example.com", "ALICE@example.com", "\uff41lice@example.com"]
    assert [ask(client, email).status_code for email in spellings] == [202, 202, 202]
    assert ask(client, "Alice@Example.com").status_code == 429
    assert reset_mails() == 3


def test_requests_are_throttled_per_ip(postgres, database, mail_sink):
    client = ContractClient(create_app(settings_for(postgres, MAIL_URL=mail_sink.url,
                                                    PASSWORD_RESET_MAX_PER_IP="2"), database))
    assert [ask(client, f"n{i}@example.com", ip="10.0.0.9").status_code for i in range(3)] == [202, 202, 429]
    assert ask(client, "n3@example.com", ip="10.0.0.10").status_code == 202


def test_tokens_never_reach_the_logs(client, user, database, mail_sink, mailbox, debug_logging_as_configured):
    token = mailed_token(client, database, mail_sink, mailbox)
    confirm(client, token)
    confirm(client, token)
    # "mail.log" is the test's SMTP server (aiosmtpd), which logs what it receives; not the service.
    logged = [str(vars(record)) + record.getMessage() for record in debug_logging_as_configured.records
              if record.name != "mail.log"]
    assert any("password_reset" in line for line in logged)
    assert not any(token in line or hashlib.sha256(token.encode()).hexdigest() in line for line in logged)


def test_with_the_mail_server_down_the_api_answers_202_and_the_mail_comes_later(client, user, database,
                                                                                tmp_path):
    from localplatform.mail_sink import Mailbox, MailSink

    port = free_port()
    down = f"smtp://127.0.0.1:{port}?tls=off"
    assert ask(client).status_code == 202
    assert deliver(database, down) == 0
    row = MailOutbox.get(kind="password_reset")
    assert (row.status, row.attempts) == ("pending", 1)
    sink = MailSink(tmp_path / "later", port).start()
    try:
        MailOutbox.update(next_attempt_at=utcnow()).execute()
        assert deliver(database, down) == 2  # with the sign-up's confirmation link
    finally:
        sink.stop()
    token = token_from(last_mail(Mailbox(sink.directory), "alice@example.com"))
    assert confirm(client, token).status_code == 200


def test_an_admin_can_send_a_reset_link_and_never_sees_the_token(client, admin, user, database, mail_sink,
                                                                 mailbox):
    answer = client.simulate_post(f"/api/v1/users/{user.id}/password-reset", headers=admin.headers)
    assert answer.status_code == 202
    deliver(database, mail_sink.url)
    token = token_from(last_mail(mailbox, "alice@example.com"))
    assert token not in answer.text
    assert confirm(client, token).status_code == 200


def test_an_admin_changing_the_email_retires_links_mailed_to_the_old_address(client, admin, user, database,
                                                                               mail_sink, mailbox):
    token = mailed_token(client, database, mail_sink, mailbox)
    moved = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers,
                                  json={"email": "moved@example.com"})
    assert moved.status_code == 200
    assert confirm(client, token).json["message"] == INVALID_LINK
    assert login(client, NEW_PASSWORD, "moved@example.com").status_code == 401
    assert confirm(client, mailed_token(client, database, mail_sink, mailbox, "moved@example.com")).status_code == 200


def test_only_admins_send_reset_links_and_only_to_active_accounts(client, admin, user, database):
    path = f"/api/v1/users/{user.id}/password-reset"
    assert client.simulate_post(path, headers=user.headers).status_code == 403
    assert client.simulate_post(path).status_code == 401
    assert client.simulate_post("/api/v1/users/999999/password-reset", headers=admin.headers).status_code == 404
    assert client.simulate_post("/api/v1/users/abc/password-reset", headers=admin.headers).status_code == 404
    database.execute_sql("UPDATE users SET active = false WHERE id = %s", (user.id,))
    refused = client.simulate_post(path, headers=admin.headers)
    assert refused.status_code == 403 and "deactivated" in refused.json["message"]
    assert reset_mails() == 0


def test_the_link_path_is_the_site_route():
    composer = MailComposer("https://users.example.org", "x@example.org")
    assert composer.link("/reset-password", "token=t") == "https://users.example.org/reset-password#token=t"
