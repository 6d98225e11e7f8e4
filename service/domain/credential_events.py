"""What each credential event ends: one table, read by every flow that changes how an account is
reached (its password, its address, its sessions), applied by one function.

Each flow does its own work (hash the new password, move the address, delete the row) and then
calls `CredentialEvents.apply` in the same transaction; what that ends elsewhere is decided here
and nowhere else. A new event is a new row. The same table, in words, is in docs/security.md.
"""
from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

import peewee

from service.data.models import User, utcnow
from service.domain.link_tokens import LinkTokens
from service.domain.sessions import Sessions
from service.mail.composer import MailComposer
from service.mail.outbox import Outbox


class Event(enum.Enum):
    PASSWORD_CHANGED = "change my password"
    PASSWORD_RESET = "reset by link"
    ADMIN_SET_PASSWORD = "an admin sets a password"
    ADMIN_DEACTIVATED = "an admin deactivates the account"
    ADMIN_CHANGED_EMAIL = "an admin changes the email"
    EMAIL_CHANGE_CONFIRMED = "my email change is confirmed"
    EMAIL_CHANGE_WITHDRAWN = "I change my email back to the current one"
    ADDRESS_CONFIRMED = "my address is confirmed (after sign-up or an admin's change)"
    SESSION_ENDED = "end one session (or log out)"
    OTHER_SESSIONS_ENDED = "end every other session"
    ADMIN_ENDED_SESSIONS = "an admin ends a user's sessions"
    REFRESH_REUSE = "refresh-token reuse detected"
    ACCOUNT_DELETED = "delete my account"
    SIGNED_IN = "sign in with the password"


class Pending(enum.Enum):
    """What becomes of an email change waiting for its confirmation."""

    KEPT = "kept"
    CANCELLED = "cancelled"
    APPLIED = "becomes the address"


class To(enum.Enum):
    ADDRESS = "the account's address"
    OLD_ADDRESS = "the address it had before"


@dataclass(frozen=True)
class Notice:
    template: str  # a template of service/mail/templates
    to: To


@dataclass(frozen=True)
class Effects:
    """`this_session` is the session the event happens in or names: the one a user acts in, the
    one ended, the one whose refresh token came back. An admin acting on someone else's account
    acts in none of that account's sessions, so all of them are the "other sessions"; an admin
    acting on their own account through the admin routes keeps the session they act in."""

    this_session_ends: bool
    other_sessions_end: bool
    pending_email: Pending
    reset_links_retired: bool
    verification_links_retired: bool
    notices: tuple[Notice, ...] = ()

    def __post_init__(self):
        # A pending change is confirmed by its link: cancelling one and leaving its link would
        # let the link finish it anyway.
        assert self.pending_email is Pending.KEPT or self.verification_links_retired, self


PASSWORD_CHANGED_NOTICE = Notice("password_changed", To.ADDRESS)

# Read a row as: "after <event>, ...". Why each cell is what it is, in docs/security.md.
EFFECTS: dict[Event, Effects] = {
    Event.PASSWORD_CHANGED: Effects(False, True, Pending.CANCELLED, True, True, (PASSWORD_CHANGED_NOTICE,)),
    Event.PASSWORD_RESET: Effects(True, True, Pending.CANCELLED, True, True, (PASSWORD_CHANGED_NOTICE,)),
    Event.ADMIN_SET_PASSWORD: Effects(False, True, Pending.CANCELLED, True, True, (PASSWORD_CHANGED_NOTICE,)),
    Event.ADMIN_DEACTIVATED: Effects(False, True, Pending.CANCELLED, True, True),
    Event.ADMIN_CHANGED_EMAIL: Effects(False, False, Pending.CANCELLED, True, True,
                                       (Notice("email_changed_by_admin", To.OLD_ADDRESS),)),
    Event.EMAIL_CHANGE_CONFIRMED: Effects(False, False, Pending.APPLIED, True, True),
    Event.EMAIL_CHANGE_WITHDRAWN: Effects(False, False, Pending.CANCELLED, False, True),
    Event.ADDRESS_CONFIRMED: Effects(False, False, Pending.CANCELLED, False, True),
    Event.SESSION_ENDED: Effects(True, False, Pending.KEPT, False, False),
    Event.OTHER_SESSIONS_ENDED: Effects(False, True, Pending.CANCELLED, False, True),
    Event.ADMIN_ENDED_SESSIONS: Effects(False, True, Pending.CANCELLED, False, True),
    Event.REFRESH_REUSE: Effects(True, False, Pending.KEPT, False, False),
    Event.ACCOUNT_DELETED: Effects(True, True, Pending.CANCELLED, True, True,
                                   (Notice("account_deleted", To.ADDRESS),)),
    Event.SIGNED_IN: Effects(False, False, Pending.KEPT, True, False),
}


class CredentialEvents:
    def __init__(self, database: peewee.Database, sessions: Sessions, reset_links: LinkTokens,
                 verification_links: LinkTokens, outbox: Outbox, composer: MailComposer):
        self._db = database
        self._sessions = sessions
        self._reset_links = reset_links
        self._verification_links = verification_links
        self._outbox = outbox
        self._composer = composer

    def transaction(self):
        """For a flow with no database of its own: its change and the event's effects commit together."""
        return self._db.atomic()

    def apply(self, event: Event, user: User, *, session: uuid.UUID | None = None,
              old_email: str | None = None) -> int:
        """What `event` ends for `user`, after the flow made its own change. `session` is the
        session the event happens in or names (None: none of the account's own); `old_email`
        the address before an address change. Returns how many sessions ended."""
        effects = EFFECTS[event]
        with self._db.atomic():
            ended = self._end_sessions(effects, user, session)
            if effects.pending_email is not Pending.KEPT and user.pending_email_key is not None:
                user.pending_email = user.pending_email_key = None
                user.updated_at = utcnow()
                user.save(only=[User.pending_email, User.pending_email_key, User.updated_at])
            if effects.reset_links_retired:
                self._reset_links.retire(user)
            if effects.verification_links_retired:
                self._verification_links.retire(user)
            for notice in effects.notices:
                self._send(notice, user, old_email)
        return ended

    def _end_sessions(self, effects: Effects, user: User, session: uuid.UUID | None) -> int:
        if effects.other_sessions_end:
            return self._sessions.end_all(user, keep=None if effects.this_session_ends else session)
        if effects.this_session_ends and session is not None:
            return int(self._sessions.end(user, session))
        return 0

    def _send(self, notice: Notice, user: User, old_email: str | None) -> None:
        address = user.email if notice.to is To.ADDRESS else old_email
        assert address, f"{notice.template} needs the old address"
        self._outbox.enqueue(notice.template, self._composer.compose(
            notice.template, address, username=user.username, email=user.email,
            reset_link=self._composer.link("/forgot-password")))
