"""International addresses: a domain in any script is mailed as its IDNA (xn--) form, which
every server delivers; a non-ASCII local part needs SMTPUTF8, which SES does not offer, so
every door that stores an address refuses it with a field error."""
from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from localplatform.ports import free_port
from service.data.models import MailOutbox
from service.domain.identifiers import NON_ASCII_LOCAL_PART, deliverable_address
from tests.service.conftest import PASSWORD
from tests.service.mail_delivery import deliver


class _Envelopes:
    """An SMTP server that keeps what the client said in the envelope and the message."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def recording_server():
    handler, port = _Envelopes(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, f"smtp://127.0.0.1:{port}?tls=off"
    controller.stop()


def test_an_international_domain_is_mailed_as_its_idna_form(client, database, recording_server):
    handler, url = recording_server
    answer = client.simulate_post("/api/v1/auth/register", json={
        "username": "bookish", "email": "x@b\u00fccher.example", "password": PASSWORD})
    assert answer.status_code == 201 and answer.json["data"]["email"] == "x@b\u00fccher.example"
    assert deliver(database, url) == 1
    [envelope] = handler.received
    assert envelope.rcpt_tos == ["x@xn--bcher-kva.example"]
    header = [line for line in envelope.content.decode("ascii").splitlines() if line.startswith("To:")]
    assert header == ["To: x@xn--bcher-kva.example"]
    assert MailOutbox.get().recipient == "x@xn--bcher-kva.example"


LOCAL = "\u00fcser@example.com"


def test_sign_up_refuses_a_non_ascii_local_part(client, database):
    answer = client.simulate_post("/api/v1/auth/register", json={
        "username": "umlaut", "email": LOCAL, "password": PASSWORD})
    assert answer.status_code == 400 and answer.json["errors"] == {"email": [NON_ASCII_LOCAL_PART]}


def test_an_email_change_refuses_a_non_ascii_local_part(client, user):
    answer = client.simulate_patch("/api/v1/users/me", headers=user.headers, json={"email": LOCAL})
    assert answer.status_code == 400 and answer.json["errors"] == {"email": [NON_ASCII_LOCAL_PART]}


def test_an_admin_cannot_store_a_non_ascii_local_part(client, admin, user):
    created = client.simulate_post("/api/v1/users", headers=admin.headers, json={
        "username": "umlaut", "email": LOCAL, "password": PASSWORD})
    assert created.status_code == 400 and created.json["errors"] == {"email": [NON_ASCII_LOCAL_PART]}
    changed = client.simulate_patch(f"/api/v1/users/{user.id}", headers=admin.headers, json={"email": LOCAL})
    assert changed.status_code == 400 and changed.json["errors"] == {"email": [NON_ASCII_LOCAL_PART]}


@pytest.mark.parametrize(("stored", "sent"), [
    ("x@b\u00fccher.example", "x@xn--bcher-kva.example"),
    ("alice@example.com", "alice@example.com"),
    ("\u00fcser@example.com", "\u00fcser@example.com"),  # stored before the rule: no ASCII form exists
    ("no-at-sign", "no-at-sign"),  # nothing stored today looks like this; sent as it is, as before
])
def test_the_address_a_mail_goes_to(stored, sent):
    assert deliverable_address(stored) == sent
