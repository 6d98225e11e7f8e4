"""Mail content: a plain-text and an HTML part from templates, links built on PUBLIC_URL.

No tracking: no pixels, no redirecting links. No List-Unsubscribe header: every mail here is a
security notice about the reader's own account, not a list one can leave (RFC 2369/8058).
"""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import jinja2

from service.domain.identifiers import deliverable_address

TEMPLATES = Path(__file__).resolve().parent / "templates"
SUBJECTS = {
    "password_reset": "Reset your password",
    "password_changed": "Your password was changed",
    "new_device_login": "New sign-in to your account",
    "account_deleted": "Your account has been deleted",
    "verify_email": "Confirm your email address",
    "email_change_requested": "Your account's email is being changed",
    "email_changed_by_admin": "Your account's email was changed",
    "email_change_to_registered": "This address already has an account",
    "sign_up_attempted": "Someone tried to sign up with your address",
}


class MailComposer:
    def __init__(self, public_url: str, sender: str, product: str = "Users platform"):
        self._public_url = public_url.rstrip("/")
        self._sender = sender
        self._product = product
        # Autoescape HTML so a username can never become markup; the text part is plain.
        self._html = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                        undefined=jinja2.StrictUndefined)
        self._text = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                                        undefined=jinja2.StrictUndefined, keep_trailing_newline=True)

    def link(self, path: str, fragment: str = "") -> str:
        """An absolute link to the site. Secrets go in the fragment, which browsers never send."""
        return f"{self._public_url}{path}" + (f"#{fragment}" if fragment else "")

    def compose(self, kind: str, to: str, **context) -> EmailMessage:
        context = {"product": self._product, "site_url": self._public_url + "/", **context}
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = deliverable_address(to)
        message["Subject"] = SUBJECTS[kind]
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self._sender.rpartition("@")[2].strip(">") or None)
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
        message.set_content(self._text.get_template(f"{kind}.txt").render(context))
        message.add_alternative(self._html.get_template(f"{kind}.html").render(context), subtype="html")
        return message
