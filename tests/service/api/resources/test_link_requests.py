"""Forgot password and resend confirmation take one path whatever the address: the request runs
the same SQL and writes the same row for an address with an account and for one without; the
mail worker then mails the account and nobody else. (Their timing is in `make bench`.)"""
from __future__ import annotations

import logging

import pytest

from service.data.models import MailOutbox, MailRequest
from tests.service.mail_delivery import deliver

ROUTES = {
    "password_reset": ("/api/v1/auth/password-reset", "Reset your password"),
    "verify_email": ("/api/v1/auth/verify-email/resend", "Confirm your email address"),
}


def statements_of(client, path, email, caplog):
    """The SQL the request ran, with its parameters left out (those name the address)."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        answer = client.simulate_post(path, json={"email": email})
    sql = [record.msg[0] for record in caplog.records if record.name == "peewee"]
    return answer, sql


@pytest.mark.parametrize("kind", ROUTES)
def test_a_known_and_an_unknown_address_take_the_same_path_and_only_the_known_is_mailed(
        kind, client, user, database, mail_sink, mailbox, caplog):
    path, subject = ROUTES[kind]
    MailOutbox.delete().execute()  # the sign-up's link
    known, known_sql = statements_of(client, path, "alice@example.com", caplog)
    unknown, unknown_sql = statements_of(client, path, "nobody@example.com", caplog)
    assert known.status_code == unknown.status_code == 202 and known.json == unknown.json
    assert known_sql and known_sql == unknown_sql
    assert not any("users" in statement for statement in known_sql)  # no account is looked up here
    assert [(row.kind, row.email) for row in MailRequest.select().order_by(MailRequest.id)] == [
        (kind, "alice@example.com"), (kind, "nobody@example.com")]
    assert MailOutbox.select().count() == 0

    assert deliver(database, mail_sink.url) == 1
    assert [(str(m["To"]), m["Subject"]) for m in mailbox.messages()] == [("alice@example.com", subject)]
    assert MailRequest.select().count() == 0


def test_a_request_of_an_unknown_kind_is_dropped_without_blocking_the_queue(client, user, database, mail_sink,
                                                                           mailbox):
    MailOutbox.delete().execute()
    MailRequest.create(kind="from-a-newer-release", email="alice@example.com")
    assert client.simulate_post(ROUTES["password_reset"][0], json={"email": "alice@example.com"}).status_code == 202
    assert deliver(database, mail_sink.url) == 1
    assert MailRequest.select().count() == 0
