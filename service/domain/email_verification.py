"""Confirming email addresses: a link on sign-up and on every change of address, confirmed by
POST, resent on request. A self-service change needs the current password and waits in
`pending_email` until the new address is confirmed; the old address is told at once. An address
that already has an account is accepted the same way, but is mailed a notice instead of a link,
so a change can never move an account onto another's address, nor tell who has one."""
from __future__ import annotations

import logging
from datetime import timedelta

import peewee

from service.data.models import EmailVerificationToken, User
from service.domain.accounts import Accounts, Conflict
from service.domain.client_info import ClientInfo
from service.domain.credential_events import CredentialEvents, Event
from service.domain.identifiers import email_key, throttle_digest
from service.domain.link_tokens import LinkTokens
from service.domain.mail_requests import LinkRequests
from service.domain.password_check import PasswordCheck
from service.domain.refusals import FieldRefused
from service.domain.throttle import Throttle
from service.mail.composer import MailComposer
from service.mail.outbox import Outbox

VERIFY_TTL = timedelta(hours=24)
events = logging.getLogger("service.auth")


class InvalidVerificationToken(Exception):
    """Unknown, used, expired, superseded, for a deactivated account, or for an address another
    account took meanwhile: all look the same."""


class EmailVerification:
    links = LinkTokens(EmailVerificationToken, VERIFY_TTL)

    def __init__(self, database: peewee.Database, accounts: Accounts, outbox: Outbox, composer: MailComposer,
                 throttle: Throttle, credential_events: CredentialEvents, passwords: PasswordCheck):
        self._db = database
        self._accounts = accounts
        self._outbox = outbox
        self._composer = composer
        self._throttle = throttle
        self._credential_events = credential_events
        self._passwords = passwords
        self._resend_requests = LinkRequests("verify_email", throttle)

    def create_account(self, username: str, email: str, password: str, *, conceal_taken_email: bool = False,
                       **options) -> User | None:
        """Accounts.create, with the confirmation link queued in the same transaction.

        With `conceal_taken_email` (sign-up when addresses must be confirmed), an address that
        already has an account is not refused: its owner is told by mail that someone tried,
        and None comes back, so sign-up can answer as for a new account (ASVS V6.3.8). A taken
        username is still refused (usernames are public), without a word about the address."""
        try:
            with self._db.atomic():
                user = self._accounts.create(username, email, password, **options)
                self.send_link(user, user.email)
            return user
        except Conflict as taken:
            if not conceal_taken_email or "email" not in taken.errors:
                raise
            others = {field: errors for field, errors in taken.errors.items() if field != "email"}
            if others:
                raise Conflict(others) from None
        self._tell_owner_of_sign_up_attempt(email)
        return None

    def _tell_owner_of_sign_up_attempt(self, email: str) -> None:
        owner = self._accounts.find_by_email(email)
        if owner is None:  # deleted since the conflict: nobody to tell
            return
        self._outbox.enqueue("sign_up_attempted", self._composer.compose(
            "sign_up_attempted", owner.email, username=owner.username,
            reset_link=self._composer.link("/forgot-password")))
        events.info("sign-up with a registered email", extra={"event": "register_email_taken", "user_id": owner.id})

    def send_link(self, user: User, address: str) -> None:
        """A link confirming `address` for `user`; any older link of theirs stops working."""
        with self._db.atomic():
            token = self.links.issue(user, email=address)
            self._outbox.enqueue("verify_email", self._composer.compose(
                "verify_email", address, username=user.username,
                link=self._composer.link("/verify-email", f"token={token}"),
                hours=int(VERIFY_TTL.total_seconds() // 3600)))

    def update_own_profile(self, user: User, changes: dict, client: ClientInfo,
                           current_password: str | None = None) -> User:
        """The owner's own changes, all or none: a new email waits until confirmed, the rest
        applies now. A new email needs `current_password` (ASVS 5.0 V7.5.1): an access token
        alone must not be able to move the account. Raises FieldRefused (no password given), what
        PasswordCheck.confirm and Accounts.update raise, or Throttled: each new address is mailed,
        so changes count with resends (no mail bombing from one account)."""
        changes = dict(changes)
        email = changes.pop("email", None)
        if email is not None and email_key(email) != user.email_key:
            if current_password is None:
                raise FieldRefused("current_password", "Enter your current password to change your email.")
            self._passwords.confirm(user, current_password, client, "email_change", field="current_password")
            self._throttle.reserve(ip=client.ip, email=throttle_digest(email))
        with self._db.atomic():
            if changes:
                self._accounts.update(user, changes)
            if email is not None:
                self._change_own_address(user, email)
        return user

    def _change_own_address(self, user: User, email: str) -> None:
        """The old address hears of the change at once."""
        with self._db.atomic():
            if not self._accounts.set_pending_email(user, email):
                # Back to the current address: a pending link must not switch it.
                self._credential_events.apply(Event.EMAIL_CHANGE_WITHDRAWN, user)
                return
            if self._accounts.find_by_email(user.pending_email) is None:
                self.send_link(user, user.pending_email)
            else:
                # Same answer and same mail to the old address as for a free one; the holder of
                # the new address is told, and no link exists that could move it.
                self.links.retire(user)
                self._outbox.enqueue("email_change_to_registered", self._composer.compose(
                    "email_change_to_registered", user.pending_email,
                    reset_link=self._composer.link("/forgot-password")))
            self._outbox.enqueue("email_change_requested", self._composer.compose(
                "email_change_requested", user.email, username=user.username, new_email=user.pending_email,
                reset_link=self._composer.link("/forgot-password")))
        events.info("email change requested", extra={"event": "email_change_requested", "user_id": user.id})

    def confirm(self, token: str, ip: str) -> User:
        """Raises InvalidVerificationToken."""
        with self._db.atomic():
            link = self.links.live(token)
            user = link.user if link else None
            # Only the account's address or the one waiting to replace it; an address since
            # replaced (by an admin, or by a newer change) is not confirmed by an old link.
            if link is None or email_key(link.email) not in (user.email_key, user.pending_email_key):
                events.warning("email verification refused", extra={"event": "email_verify_refused", "ip": ip})
                raise InvalidVerificationToken()
            old_email, moves = user.email, email_key(link.email) != user.email_key
            try:
                self._accounts.confirm_email(user, link.email)
            except Conflict:
                events.warning("email verification refused: address taken", extra={
                    "event": "email_verify_refused", "user_id": user.id, "ip": ip})
                raise InvalidVerificationToken() from None
            self._credential_events.apply(Event.EMAIL_CHANGE_CONFIRMED if moves else Event.ADDRESS_CONFIRMED,
                                          user, old_email=old_email)
        events.info("email verified", extra={"event": "email_verified", "user_id": user.id, "ip": ip})
        return user

    def resend(self, email: str, ip: str) -> None:
        """Queue a new link for this address; the mail worker sends one if an active account
        waits to confirm it (resolve_resend). The same work either way. Raises Throttled
        (per IP only)."""
        self._resend_requests.submit(email, ip)

    def resolve_resend(self, email: str) -> None:
        """The mail worker's half of `resend`."""
        key = email_key(email)
        user = None if key is None else User.get_or_none(
            User.active == True,  # noqa: E712
            ((User.email_key == key) & User.email_verified_at.is_null()) | (User.pending_email_key == key))
        if user is None:
            events.info("verification resend for no account", extra={"event": "email_verify_ignored"})
            return
        self.send_link(user, user.pending_email if user.pending_email_key == key else user.email)
        events.info("verification resent", extra={"event": "email_verify_resent", "user_id": user.id})
