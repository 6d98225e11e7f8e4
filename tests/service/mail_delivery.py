"""Send what the outbox holds through the test's real SMTP sink, and read links out of the mail."""
from __future__ import annotations

import re

from localplatform.mail_sink import Mailbox, text_of
from service.app import mail_request_resolver
from service.mail.smtp import SmtpSender, parse_smtp_url
from service.mail.worker import MailWorker
from service.runtime.settings import load_settings
from tests.service.conftest import SECRET

TOKEN_IN_LINK = re.compile(r"#token=([A-Za-z0-9_-]+)")
# The worker's own settings, as the `settings` fixture's app has them: links on this site.
WORKER_ENVIRONMENT = {"APP_ENV": "test", "SECRET_KEY": SECRET,
                      "PUBLIC_URL": "https://users.example.org"}


def mail_worker(database, mail_url: str, max_attempts: int = 3) -> MailWorker:
    """The mail worker as `python -m service mail-worker` builds it, resolving link requests too."""
    settings = load_settings({**WORKER_ENVIRONMENT, "MAIL_URL": mail_url})
    return MailWorker(database, SmtpSender(parse_smtp_url(mail_url)), max_attempts=max_attempts,
                      retry_base_seconds=30, resolve_requests=mail_request_resolver(settings, database))


def deliver(database, mail_url: str) -> int:
    return mail_worker(database, mail_url).drain()


def last_mail(mailbox: Mailbox, to: str):
    messages = mailbox.messages(to=to)
    assert messages, f"no mail to {to}"
    return messages[-1]


def token_from(message) -> str:
    return TOKEN_IN_LINK.search(text_of(message)).group(1)
