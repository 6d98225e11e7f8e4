"""The adapter MAIL_URL names: smtp:// or smtps:// (SmtpSender), ses:// (SesSender)."""
from __future__ import annotations

from service.mail.port import MailSender
from service.mail.ses import SesSender
from service.mail.smtp import SmtpSender, parse_smtp_url


def sender_for(mail_url: str, ses_configuration_set: str = "") -> MailSender:
    if mail_url.startswith("ses://"):
        return SesSender.from_url(mail_url, ses_configuration_set)
    return SmtpSender(parse_smtp_url(mail_url))
