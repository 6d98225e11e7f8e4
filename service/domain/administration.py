"""What an admin may do to accounts, and the one home of the rule that an active admin always
remains, which also guards an admin deleting their own account (service.domain.account_deletion)."""
from __future__ import annotations

import logging

import peewee

from service.data.models import User
from service.domain.accounts import Accounts
from service.domain.email_verification import EmailVerification
from service.domain.password_reset import PasswordResets
from service.domain.sessions import Sessions

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
    def __init__(self, database: peewee.Database, accounts: Accounts, sessions: Sessions,
                 verification: EmailVerification):
        self._db = database
        self._accounts = accounts
        self._sessions = sessions
        self._verification = verification

    def create(self, username: str, email: str, password: str, *, admin: bool, active: bool) -> User:
        """Admins may give out reserved usernames; the owner confirms the address by mail.
        Raises what Accounts.create raises."""
        return self._verification.create_account(username, email, password, admin=admin, active=active,
                                                 allow_reserved=True)

    def update(self, actor: User, target: User, changes: dict) -> User:
        """Change `target` as `actor`. Raises Refused, or what Accounts.update raises.

        Deactivating or changing the password ends the target's sessions. A new email takes
        effect at once (the admin vouches for the change) but stays unverified until its owner
        follows the link mailed to it; reset links mailed to the old address stop working."""
        if target.id == actor.id:
            if changes.get("admin") is False:
                raise Refused("You cannot remove your own admin rights.")
            if changes.get("active") is False:
                raise Refused("You cannot deactivate your own account.")
        removes_admin = changes.get("admin") is False or changes.get("active") is False
        old_email_key = target.email_key
        with self._db.atomic():
            if removes_admin:
                keep_an_admin(target, actor)
            user = self._accounts.update(target, changes, allow_reserved=True)
            if changes.get("active") is False or "password" in changes:
                self._sessions.revoke_all(user)
            if user.email_key != old_email_key:
                self._verification.send_link(user, user.email)
                # A reset link mailed to the old address must not outlive the address: the
                # change may be why the admin was asked (a lost or taken-over mailbox).
                PasswordResets.links.retire(user)
        return user

    def delete(self, actor: User, target: User) -> None:
        if target.id == actor.id:
            raise Refused("You cannot delete your own account.")
        with self._db.atomic():
            keep_an_admin(target, actor)
            self._accounts.delete(target)
