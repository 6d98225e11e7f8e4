"""SMTP adapter, set by MAIL_URL.

    smtp://user:pass@host:587            STARTTLS, required (refused if the server does not offer it)
    smtps://user:pass@host:465           implicit TLS
    smtp://127.0.0.1:8025?tls=off        no TLS: the local sink only; refused in production by settings
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from service.mail.port import DeliveryFailed

TIMEOUT_SECONDS = 20


class InvalidMailUrl(ValueError):
    pass


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: str  # "starttls", "implicit" or "off"
    username: str = ""
    password: str = ""


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise InvalidMailUrl("MAIL_URL must look like smtp://host:587, smtps://host:465 or ses://region.")
    options = parse_qs(parts.query)
    if parts.scheme == "smtps":
        tls = "implicit"
    elif options.get("tls") == ["off"]:
        tls = "off"
    else:
        tls = "starttls"
    try:
        port = parts.port or (465 if tls == "implicit" else 587)
    except ValueError:
        raise InvalidMailUrl("MAIL_URL has an invalid port.") from None
    return SmtpTarget(parts.hostname, port, tls, unquote(parts.username or ""), unquote(parts.password or ""))


class SmtpSender:
    def __init__(self, target: SmtpTarget, ssl_context: ssl.SSLContext | None = None):
        self._target = target
        # Injected so tests can trust their own CA; production verifies against the system store.
        self._ssl = ssl_context or ssl.create_default_context()

    def send(self, message: EmailMessage) -> None:
        target = self._target
        try:
            if target.tls == "implicit":
                connection = smtplib.SMTP_SSL(target.host, target.port, timeout=TIMEOUT_SECONDS, context=self._ssl)
            else:
                connection = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
            with connection:
                if target.tls == "starttls":
                    # starttls() raises SMTPNotSupportedError when the server does not offer it:
                    # we never fall back to sending credentials or mail in the clear.
                    connection.starttls(context=self._ssl)
                if target.username:
                    connection.login(target.username, target.password)
                connection.send_message(message)
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"SMTP {target.host}:{target.port}: {type(error).__name__}: {error}") from None
