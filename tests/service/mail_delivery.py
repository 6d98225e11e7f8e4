"""Send what the outbox holds through the test's real SMTP sink, and read links out of the mail."""
from __future__ import annotations

import re

from localplatform.mail_sink import Mailbox, text_of
from service.mail.smtp import SmtpSender, parse_smtp_url
from service.mail.worker import MailWorker

TOKEN_IN_LINK = re.compile(r"#token=([A-Za-z0-9_-]+)")


def deliver(database, mail_url: str) -> int:
    return MailWorker(database, SmtpSender(parse_smtp_url(mail_url)), max_attempts=3, retry_base_seconds=30).drain()


def last_mail(mailbox: Mailbox, to: str):
    messages = mailbox.messages(to=to)
    assert messages, f"no mail to {to}"
    return messages[-1]


def token_from(message) -> str:
    return TOKEN_IN_LINK.search(text_of(message)).group(1)
