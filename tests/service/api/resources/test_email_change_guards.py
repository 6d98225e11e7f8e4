"""An email change is how an account is handed over, so: it needs the password, it dies with
any recovery, a reset link dies with the address it was mailed to, and an address that already
has an account is neither revealed nor taken (issue 17, §1 and §4)."""
from __future__ import annotations

import pytest

from localplatform.mail_sink import text_of
from service.data.models import User
from tests.service.conftest import PASSWORD
from tests.service.mail_delivery import TOKEN_IN_LINK, deliver, last_mail, token_from

ME = "/api/v1/users/me"
VERIFY = "/api/v1/auth/verify-email"
RESET = "/api/v1/auth/password-reset"
INCORRECT = {"current_password": ["Current password is incorrect."]}


def change_email(client, actor, email, password=PASSWORD):
    body = {"email": email} if password is None else {"email": email, "current_password": password}
    return client.simulate_patch(ME, headers=actor.headers, json=body)


def login(client, email="alice@example.com"):
    return client.simulate_post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})


def mailed_token(database, mail_sink, mailbox, to, subject) -> str:
    deliver(database, mail_sink.url)
    mail = last_mail(mailbox, to)
    assert mail["Subject"] == subject
    return token_from(mail)


def test_a_stolen_access_token_alone_cannot_start_an_email_change(client, user, database):
    """ASVS 5.0 V7.5.1: the attacker's PATCH without the password changes nothing."""
    answer = change_email(client, user, "thief@example.com", password=None)
    assert answer.status_code == 400
    assert answer.json["errors"] == {"current_password": ["Enter your current password to change your email."]}
    assert User.get_by_id(user.id).pending_email is None


def test_wrong_current_passwords_count_on_the_login_throttle(client, user):
    """LOGIN_MAX_FAILURES is 3 in tests: three wrong guesses here and the owner's login waits too."""
    answers = [change_email(client, user, "thief@example.com", password="not the password 1") for _ in range(3)]
    assert [(a.status_code, a.json["errors"]) for a in answers] == [(400, INCORRECT)] * 3
    assert change_email(client, user, "thief@example.com").status_code == 429
    assert login(client).status_code == 429


def test_the_same_address_again_needs_no_password(client, user):
    """Only a new address can hand the account over; a username change or a no-op needs nothing."""
    answer = client.simulate_patch(ME, headers=user.headers, json={"username": "alicia", "email": "ALICE@example.com"})
    assert answer.status_code == 200 and answer.json["data"]["username"] == "alicia"
    renamed = client.simulate_patch(ME, headers=user.headers, json={"username": "alicia2"})
    assert renamed.status_code == 200 and renamed.json["data"]["username"] == "alicia2"


def _change_password(client, user, admin):
    assert client.simulate_post(f"{ME}/password", headers=user.headers, json={
        "current_password": PASSWORD, "new_password": "a brand new passphrase 42"}).status_code == 200


def _end_other_sessions(client, user, admin):
    assert client.simulate_delete(f"{ME}/sessions", headers=user.headers).status_code == 200


def _admin_sets_password(client, user, admin):
    assert client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers,
                                 json={"password": "a brand new passphrase 42"}).status_code == 200


@pytest.mark.parametrize("recovery", [_change_password, _end_other_sessions, _admin_sets_password],
                         ids=["password change", "end every other session", "admin sets a password"])
def test_a_pending_change_dies_with_the_owners_recovery(recovery, client, user, admin, database, mail_sink, mailbox):
    """Someone who got into the session asked for their address; whatever the owner does to take
    the account back also ends that change, so its link can no longer move the account."""
    assert change_email(client, user, "thief@example.com").status_code == 200
    token = mailed_token(database, mail_sink, mailbox, "thief@example.com", "Confirm your email address")
    recovery(client, user, admin)
    assert client.simulate_post(VERIFY, json={"token": token}).status_code == 400
    row = User.get_by_id(user.id)
    assert (row.email, row.pending_email) == ("alice@example.com", None)


def test_a_reset_link_dies_with_the_address_it_was_mailed_to(client, user, database, mail_sink, mailbox):
    client.simulate_post(RESET, json={"email": "alice@example.com"})
    old_link = mailed_token(database, mail_sink, mailbox, "alice@example.com", "Reset your password")
    assert change_email(client, user, "b@example.com").status_code == 200
    confirm = mailed_token(database, mail_sink, mailbox, "b@example.com", "Confirm your email address")
    assert client.simulate_post(VERIFY, json={"token": confirm}).status_code == 200
    answer = client.simulate_post(f"{RESET}/confirm", json={"token": old_link, "new_password": "thief's passphrase 9"})
    assert answer.status_code == 400
    assert login(client, "b@example.com").status_code == 200  # the password is still the owner's


def test_an_admins_change_of_address_tells_the_old_address(client, user, admin, database, mail_sink, mailbox):
    assert client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers,
                                 json={"email": "moved@example.com"}).status_code == 200
    deliver(database, mail_sink.url)
    notice = last_mail(mailbox, "alice@example.com")
    assert notice["Subject"] == "Your account's email was changed"
    # Not where it went: the old mailbox may be the very thing that was lost.
    assert "moved@example.com" not in text_of(notice) and "administrator changed" in text_of(notice)


def test_an_address_with_an_account_is_accepted_like_any_other_and_never_taken(client, user, register, database,
                                                                               mail_sink, mailbox):
    register("bob")
    free = change_email(client, user, "nobody@example.com")
    taken = change_email(client, user, "BOB@example.com")
    assert (free.status_code, taken.status_code) == (200, 200)
    assert taken.json["message"] == free.json["message"].replace("nobody@example.com", "BOB@example.com")
    assert taken.json["data"]["pending_email"] == "BOB@example.com"
    deliver(database, mail_sink.url)
    to_bob = last_mail(mailbox, "bob@example.com")
    assert to_bob["Subject"] == "This address already has an account"
    assert not TOKEN_IN_LINK.search(text_of(to_bob))  # nothing to follow that could move an account
    # The link mailed for the free address was retired when bob's address overtook it.
    first = token_from(last_mail(mailbox, "nobody@example.com"))
    assert client.simulate_post(VERIFY, json={"token": first}).status_code == 400
    assert (User.get_by_id(user.id).email, User.select().where(User.email_key == "bob@example.com").count()) == (
        "alice@example.com", 1)


def test_usernames_stay_unique_and_public(client, user, register):
    register("bob")
    taken = client.simulate_patch(ME, headers=user.headers, json={"username": "BOB"})
    assert taken.status_code == 409 and taken.json["errors"] == {"username": ["Username is already taken."]}
