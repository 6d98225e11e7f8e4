"""The transactional outbox: a mail is a row written in the caller's transaction.

If the change rolls back, so does the mail; if it commits, the mail worker will send it,
even if every process crashes in between.
"""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from service.data.models import MailOutbox


class Outbox:
    def enqueue(self, kind: str, message: EmailMessage) -> None:
        """Call inside the transaction of the change the mail reports."""
        MailOutbox.create(kind=kind, recipient=str(message["To"])[:254], message=message.as_string())

    def prune(self, sent_before: datetime) -> int:
        """Forget mail sent before then (dead mail stays for an operator); returns how many."""
        return MailOutbox.delete().where(MailOutbox.status == "sent", MailOutbox.sent_at < sent_before).execute()
