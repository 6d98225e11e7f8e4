"""The one thing the mail worker needs from a mail service: send this message, or say why not."""
from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol


class DeliveryFailed(Exception):
    """The mail service did not take the message; the outbox will try again later."""


class MailSender(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message over, or raise DeliveryFailed."""
