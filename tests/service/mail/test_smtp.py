"""The SMTP adapter against a real SMTP server (aiosmtpd): plain, STARTTLS with auth, implicit TLS."""
from __future__ import annotations

import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from localplatform.mail_sink import Mailbox, MailSink, text_of
from localplatform.ports import free_port
from service.mail.composer import MailComposer
from service.mail.port import DeliveryFailed
from service.mail.smtp import InvalidMailUrl, SmtpSender, SmtpTarget, parse_smtp_url


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    directory = tmp_path_factory.mktemp("smtp-tls")
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def server_tls(tls_files):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*tls_files)
    return context


@pytest.fixture
def client_tls(tls_files):
    return ssl.create_default_context(cafile=str(tls_files[0]))


def only_mailer(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"mailer" and auth_data.password == b"s3cret pass"
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


def message(to="bob@example.com"):
    return MailComposer("https://users.example.org", "Users <no-reply@example.org>").compose(
        "password_changed", to, username="bob", reset_link="https://users.example.org/forgot-password")


def started(tmp_path, **options):
    return MailSink(tmp_path / "mail", free_port(), **options).start()


def test_plain_smtp_delivers_to_the_sink(tmp_path):
    sink = started(tmp_path)
    try:
        SmtpSender(parse_smtp_url(sink.url)).send(message())
    finally:
        sink.stop()
    [received] = Mailbox(sink.directory).messages()
    assert received["To"] == "bob@example.com"
    assert "password of your Users platform account was changed" in text_of(received)


def test_starttls_with_auth_delivers(tmp_path, server_tls, client_tls):
    sink = started(tmp_path, tls_context=server_tls, require_starttls=True, authenticator=only_mailer,
                   auth_require_tls=True)
    try:
        target = parse_smtp_url(f"smtp://mailer:s3cret%20pass@127.0.0.1:{sink.port}")
        SmtpSender(target, client_tls).send(message())
    finally:
        sink.stop()
    assert len(Mailbox(sink.directory).messages()) == 1


def test_wrong_credentials_are_a_delivery_failure(tmp_path, server_tls, client_tls):
    sink = started(tmp_path, tls_context=server_tls, require_starttls=True, authenticator=only_mailer,
                   auth_require_tls=True)
    try:
        with pytest.raises(DeliveryFailed, match="SMTPAuthenticationError"):
            SmtpSender(parse_smtp_url(f"smtp://mailer:wrong@127.0.0.1:{sink.port}"), client_tls).send(message())
    finally:
        sink.stop()
    assert Mailbox(sink.directory).messages() == []


def test_starttls_is_required_never_downgraded(tmp_path, client_tls):
    sink = started(tmp_path)  # offers no STARTTLS
    try:
        with pytest.raises(DeliveryFailed, match="STARTTLS|starttls"):
            SmtpSender(parse_smtp_url(f"smtp://127.0.0.1:{sink.port}"), client_tls).send(message())
    finally:
        sink.stop()
    assert Mailbox(sink.directory).messages() == []


def test_implicit_tls_delivers(tmp_path, server_tls, client_tls):
    sink = started(tmp_path, ssl_context=server_tls)
    try:
        SmtpSender(parse_smtp_url(f"smtps://127.0.0.1:{sink.port}"), client_tls).send(message())
    finally:
        sink.stop()
    assert len(Mailbox(sink.directory).messages()) == 1


def test_an_untrusted_certificate_is_refused(tmp_path, server_tls):
    sink = started(tmp_path, ssl_context=server_tls)
    try:
        with pytest.raises(DeliveryFailed, match="SSL"):
            SmtpSender(parse_smtp_url(f"smtps://127.0.0.1:{sink.port}")).send(message())
    finally:
        sink.stop()


def test_a_server_that_is_down_is_a_delivery_failure():
    with pytest.raises(DeliveryFailed, match="ConnectionRefused"):
        SmtpSender(SmtpTarget("127.0.0.1", free_port(), "off")).send(message())


@pytest.mark.parametrize("url, expected", [
    ("smtp://mail.example.org", SmtpTarget("mail.example.org", 587, "starttls")),
    ("smtps://u%40x:p%3Aw@mail.example.org", SmtpTarget("mail.example.org", 465, "implicit", "u@x", "p:w")),
    ("smtp://127.0.0.1:8025?tls=off", SmtpTarget("127.0.0.1", 8025, "off")),
])
def test_mail_urls(url, expected):
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:notaport"])
def test_invalid_mail_urls(url):
    with pytest.raises(InvalidMailUrl):
        parse_smtp_url(url)
