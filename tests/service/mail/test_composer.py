"""Mail content: both parts, links on PUBLIC_URL, escaped HTML, no tracking, no List-Unsubscribe."""
from __future__ import annotations

import re

from localplatform.mail_sink import html_of, text_of
from service.mail.composer import MailComposer

COMPOSER = MailComposer("https://users.example.org/", "Users <no-reply@example.org>")


def reset_mail(username="bob"):
    link = COMPOSER.link("/reset-password", "token=abc")
    return COMPOSER.compose("password_reset", "bob@example.com", username=username, link=link, minutes=30)


def test_links_are_built_on_the_public_url_with_the_secret_in_the_fragment():
    assert COMPOSER.link("/reset-password", "token=abc") == "https://users.example.org/reset-password#token=abc"


def test_a_mail_has_a_text_and_an_html_part_with_the_same_link():
    message = reset_mail()
    assert message["Subject"] == "Reset your password"
    assert message["From"] == "Users <no-reply@example.org>"
    assert message["Message-ID"].endswith("@example.org>")
    assert "https://users.example.org/reset-password#token=abc" in text_of(message)
    assert 'href="https://users.example.org/reset-password#token=abc"' in html_of(message)


def test_html_is_autoescaped():
    html = html_of(reset_mail(username="<script>alert(1)</script>"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_no_tracking_and_no_list_unsubscribe_on_account_mail():
    message = reset_mail()
    assert message["List-Unsubscribe"] is None
    assert message["Auto-Submitted"] == "auto-generated"
    links = re.findall(r'(?:href|src)="([^"]+)"', html_of(message))
    assert links and all(link.startswith("https://users.example.org/") for link in links)
    assert "<img" not in html_of(message)
