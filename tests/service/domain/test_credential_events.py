"""The credential-event table (service/domain/credential_events.py), one test per cell, through
the real app, PostgreSQL and SMTP: every flow really does what its row says, and
docs/security.md shows the same table.

Each test sets the same scene: alice signed in twice (this session and another), an email
change waiting for its link, a reset link in her mailbox; then the event, then one cell."""
from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest

from service.data.models import User
from service.domain.credential_events import EFFECTS, Event, Pending, To
from service.mail.composer import SUBJECTS
from tests.service.conftest import JSON, PASSWORD, Actor
from tests.service.mail_delivery import deliver, last_mail, token_from

NEW_PASSWORD = "a brand new passphrase 42"
SECURITY_DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"
CONFIRM_SUBJECT = SUBJECTS["verify_email"]  # a link for the address, not a notice


@dataclass
class Scene:
    client: object
    alice: Actor
    other: Actor  # alice's second session
    chief: Actor  # an admin
    verification_token: str  # the link of the pending change to new@example.com
    reset_token: str  # a reset link mailed to alice@example.com
    this: Actor = None  # the session the event happens in or names
    others: list = field(default_factory=list)


def status(client, actor) -> int:
    return client.simulate_get("/api/v1/auth/status", headers=actor.headers).status_code


def newest_link(database, mail_sink, mailbox, to, subject) -> str:
    deliver(database, mail_sink.url)
    mail = last_mail(mailbox, to)
    assert mail["Subject"] == subject
    return token_from(mail)


@pytest.fixture
def scene(client, register, admin, database, mail_sink, mailbox) -> Scene:
    alice = register("alice")
    other = Actor(client, client.simulate_post("/api/v1/auth/login", json={
        "email": "alice@example.com", "password": PASSWORD}))
    moved = client.simulate_patch("/api/v1/users/me", headers=alice.headers,
                                  json={"email": "new@example.com", "current_password": PASSWORD})
    assert moved.json["data"]["pending_email"] == "new@example.com"
    verification = newest_link(database, mail_sink, mailbox, "new@example.com", CONFIRM_SUBJECT)
    assert client.simulate_post("/api/v1/auth/password-reset", json={"email": "alice@example.com"}).status_code == 202
    reset = newest_link(database, mail_sink, mailbox, "alice@example.com", SUBJECTS["password_reset"])
    return Scene(client, alice, other, admin, verification, reset, this=alice, others=[other])


def _session_id_of(scene: Scene, actor: Actor) -> str:
    listed = scene.client.simulate_get("/api/v1/users/me/sessions", headers=actor.headers).json["data"]["sessions"]
    return next(s["id"] for s in listed if s["current"])


def _refresh(client, cookie):
    return client.simulate_post("/api/v1/auth/refresh", cookies={"refresh_token": cookie}, headers=JSON)


def _as_admin_on_alice(scene: Scene) -> None:
    scene.this, scene.others = scene.chief, [scene.alice, scene.other]


def password_changed(scene, **_):
    assert scene.client.simulate_post("/api/v1/users/me/password", headers=scene.alice.headers, json={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 200


def password_reset(scene, **_):
    assert scene.client.simulate_post("/api/v1/auth/password-reset/confirm", json={
        "token": scene.reset_token, "new_password": NEW_PASSWORD}).status_code == 200


def admin_patch(body):
    def perform(scene, **_):
        _as_admin_on_alice(scene)
        answer = scene.client.simulate_patch(f"/api/v1/users/{scene.alice.id}", headers=scene.chief.headers, json=body)
        assert answer.status_code == 200, answer.json
    return perform


def admin_deactivated(scene, **_):
    admin_patch({"active": False})(scene)
    # Back on, so what the deactivation ended shows apart from what inactivity merely pauses.
    admin_patch({"active": True})(scene)


def email_change_confirmed(scene, **_):
    assert scene.client.simulate_post("/api/v1/auth/verify-email", json={
        "token": scene.verification_token}).status_code == 200


def email_change_withdrawn(scene, **_):
    assert scene.client.simulate_patch("/api/v1/users/me", headers=scene.alice.headers, json={
        "email": "alice@example.com"}).status_code == 200


def address_confirmed(scene, database, mail_sink, mailbox):
    """alice confirms the address she signed up with (a resend's link; it overtakes the pending one's)."""
    scene.client.simulate_post("/api/v1/auth/verify-email/resend", json={"email": "alice@example.com"})
    token = newest_link(database, mail_sink, mailbox, "alice@example.com", CONFIRM_SUBJECT)
    assert scene.client.simulate_post("/api/v1/auth/verify-email", json={"token": token}).status_code == 200
    scene.verification_token = token  # the link whose fate the row decides


def session_ended(scene, **_):
    scene.this, scene.others = scene.other, [scene.alice]  # alice ends her other session
    answer = scene.client.simulate_delete(f"/api/v1/users/me/sessions/{_session_id_of(scene, scene.other)}",
                                          headers=scene.alice.headers)
    assert answer.status_code == 204


def other_sessions_ended(scene, **_):
    assert scene.client.simulate_delete("/api/v1/users/me/sessions", headers=scene.alice.headers).status_code == 200


def admin_ended_sessions(scene, **_):
    _as_admin_on_alice(scene)
    answer = scene.client.simulate_delete(f"/api/v1/users/{scene.alice.id}/sessions", headers=scene.chief.headers)
    assert answer.status_code == 200


def refresh_reuse(scene, database, **_):
    first = _refresh(scene.client, scene.alice.refresh_cookie)
    _refresh(scene.client, first.cookies["refresh_token"].value)
    # Two rotations on, the first cookie is neither the current nor the one just replaced: a thief's copy.
    assert _refresh(scene.client, scene.alice.refresh_cookie).status_code == 401


def account_deleted(scene, **_):
    assert scene.client.simulate_delete("/api/v1/users/me", headers=scene.alice.headers,
                                        json={"password": PASSWORD}).status_code == 204


def signed_in(scene, **_):
    """A new sign-in with the password: the new session is "this" one, alice's two are the others."""
    scene.this, scene.others = Actor(scene.client, scene.client.simulate_post("/api/v1/auth/login", json={
        "email": "alice@example.com", "password": PASSWORD})), [scene.alice, scene.other]


PERFORM = {
    Event.PASSWORD_CHANGED: password_changed,
    Event.PASSWORD_RESET: password_reset,
    Event.ADMIN_SET_PASSWORD: admin_patch({"password": NEW_PASSWORD}),
    Event.ADMIN_DEACTIVATED: admin_deactivated,
    Event.ADMIN_CHANGED_EMAIL: admin_patch({"email": "moved@example.com"}),
    Event.EMAIL_CHANGE_CONFIRMED: email_change_confirmed,
    Event.EMAIL_CHANGE_WITHDRAWN: email_change_withdrawn,
    Event.ADDRESS_CONFIRMED: address_confirmed,
    Event.SESSION_ENDED: session_ended,
    Event.OTHER_SESSIONS_ENDED: other_sessions_ended,
    Event.ADMIN_ENDED_SESSIONS: admin_ended_sessions,
    Event.REFRESH_REUSE: refresh_reuse,
    Event.ACCOUNT_DELETED: account_deleted,
    Event.SIGNED_IN: signed_in,
}
COLUMNS = ("this_session", "other_sessions", "pending_email", "reset_links", "verification_links", "notices")


def test_every_event_has_a_row_and_a_way_to_happen():
    assert set(EFFECTS) == set(Event) == set(PERFORM)


@pytest.mark.parametrize(("event", "column"), [(e, c) for e in Event for c in COLUMNS],
                         ids=lambda value: value.name.lower() if isinstance(value, Event) else value)
def test_each_cell_of_the_table_holds(event, column, scene, database, mail_sink, mailbox):
    effects = EFFECTS[event]
    client = scene.client
    deliver(database, mail_sink.url)
    before = set(mailbox.files())
    PERFORM[event](scene, database=database, mail_sink=mail_sink, mailbox=mailbox)

    if column == "this_session":
        assert status(client, scene.this) == (401 if effects.this_session_ends else 200)
    elif column == "other_sessions":
        assert [status(client, actor) for actor in scene.others] == (
            [401 if effects.other_sessions_end else 200] * len(scene.others))
    elif column == "pending_email":
        row = User.get_or_none(User.id == scene.alice.id)
        pending, email = (row.pending_email, row.email) if row else (None, None)
        assert pending == ("new@example.com" if effects.pending_email is Pending.KEPT else None)
        assert (email == "new@example.com") == (effects.pending_email is Pending.APPLIED)
    elif column == "reset_links":
        answer = client.simulate_post("/api/v1/auth/password-reset/confirm", json={
            "token": scene.reset_token, "new_password": "another new passphrase 9"})
        assert answer.status_code == (400 if effects.reset_links_retired else 200)
    elif column == "verification_links":
        answer = client.simulate_post("/api/v1/auth/verify-email", json={"token": scene.verification_token})
        assert answer.status_code == (400 if effects.verification_links_retired else 200)
    else:
        deliver(database, mail_sink.url)
        new = [message_from(path) for path in sorted(set(mailbox.files()) - before)]
        row = User.get_or_none(User.id == scene.alice.id)
        addresses = {To.ADDRESS: row.email if row else "alice@example.com", To.OLD_ADDRESS: "alice@example.com"}
        assert sorted((str(m["Subject"]), str(m["To"])) for m in new if m["Subject"] != CONFIRM_SUBJECT) == sorted(
            (SUBJECTS[n.template], addresses[n.to]) for n in effects.notices)


def message_from(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def markdown_row(event: Event) -> str:
    """The row docs/security.md shows for `event`."""
    e = EFFECTS[event]

    def ends(flag):
        return "ends" if flag else "stays"

    def retired(flag):
        return "retired" if flag else "kept"

    notices = ", ".join(f"`{n.template}` to {n.to.value}" for n in e.notices) or "none"
    cells = (event.value, ends(e.this_session_ends), ends(e.other_sessions_end), e.pending_email.value,
             retired(e.reset_links_retired), retired(e.verification_links_retired), notices)
    return "| " + " | ".join(cells) + " |"


@pytest.mark.parametrize("event", list(Event), ids=lambda e: e.name.lower())
def test_docs_security_shows_the_same_row(event):
    assert markdown_row(event) in SECURITY_DOC.read_text().splitlines()


def test_an_admin_setting_their_own_password_keeps_the_session_they_act_in(client, admin):
    """An admin's events name none of another account's sessions; on their own, the one they act in stays."""
    elsewhere = Actor(client, client.simulate_post("/api/v1/auth/login", json={
        "email": "chief@example.com", "password": PASSWORD}))
    assert client.simulate_patch(f"/api/v1/users/{admin.id}", headers=admin.headers,
                                 json={"password": NEW_PASSWORD}).status_code == 200
    assert (status(client, admin), status(client, elsewhere)) == (200, 401)
