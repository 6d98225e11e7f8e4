"""What an admin may do to accounts, and the one home of the rule that an active admin always
remains, which also guards an admin deleting their own account (service.domain.account_deletion)."""
from __future__ import annotations

import logging
import uuid

import peewee

from service.data.models import User
from service.domain.accounts import Accounts
from service.domain.credential_events import CredentialEvents, Event
from service.domain.email_verification import EmailVerification

events = logging.getLogger("service.auth")


class Refused(Exception):
    """The change would break an administration rule; the message says which."""


class LastActiveAdmin(Refused):
    def __init__(self):
        super().__init__("At least one active admin must remain: make someone else an admin first.")


def keep_an_admin(leaving: User, actor: User | None = None) -> None:
    """Refuse (LastActiveAdmin) when `leaving` is the last active admin; with an `actor`, also
    refuse unless the actor is still an active admin. Call in the transaction that removes,
    demotes or deactivates `leaving`.

    Every active admin row is locked first: two admins demoting each other (or both leaving) at
    once serialise here, and the second finds the first's change (READ COMMITTED re-checks
    locked rows)."""
    # In id order, so concurrent transactions take the locks in one order and cannot deadlock.
    admins = {row.id for row in User.select(User.id).where(User.admin == True, User.active == True)  # noqa: E712
              .order_by(User.id).for_update()}
    if actor is not None and actor.id not in admins:
        raise Refused("Admin access required.")
    if leaving.id in admins and not admins - {leaving.id}:
        raise LastActiveAdmin()


class Administration:
    def __init__(self, database: peewee.Database, accounts: Accounts, verification: EmailVerification,
                 credential_events: CredentialEvents):
        self._db = database
        self._accounts = accounts
        self._verification = verification
        self._credential_events = credential_events

    def create(self, username: str, email: str, password: str, *, admin: bool, active: bool) -> User:
        """Admins may give out reserved usernames; the owner confirms the address by mail.
        Raises what Accounts.create raises."""
        return self._verification.create_account(username, email, password, admin=admin, active=active,
                                                 allow_reserved=True)

    def update(self, actor: User, target: User, changes: dict, session: uuid.UUID | None = None) -> User:
        """Change `target` as `actor`, who acts in `session`. Raises Refused, or what Accounts.update raises.

        A new password, a deactivation and a new email each end what the event table says
        (service.domain.credential_events). A new email takes effect at once (the admin vouches
        for the change) but stays unverified until its owner follows the link mailed to it."""
        if target.id == actor.id:
            if changes.get("admin") is False:
                raise Refused("You cannot remove your own admin rights.")
            if changes.get("active") is False:
                raise Refused("You cannot deactivate your own account.")
        removes_admin = changes.get("admin") is False or changes.get("active") is False
        own_session = session if target.id == actor.id else None  # none of the target's otherwise
        old_email, old_email_key = target.email, target.email_key
        with self._db.atomic():
            if removes_admin:
                keep_an_admin(target, actor)
            user = self._accounts.update(target, changes, allow_reserved=True)
            if "password" in changes:
                self._credential_events.apply(Event.ADMIN_SET_PASSWORD, user, session=own_session)
            if changes.get("active") is False:
                self._credential_events.apply(Event.ADMIN_DEACTIVATED, user)
            if user.email_key != old_email_key:
                self._credential_events.apply(Event.ADMIN_CHANGED_EMAIL, user, old_email=old_email)
                self._verification.send_link(user, user.email)
        return user

    def delete(self, actor: User, target: User) -> None:
        if target.id == actor.id:
            raise Refused("You cannot delete your own account.")
        with self._db.atomic():
            keep_an_admin(target, actor)
            self._accounts.delete(target)
