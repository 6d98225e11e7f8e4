"""What an admin may do to accounts: the self-protection and last-admin rules, in one place."""
from __future__ import annotations

import logging

import peewee

from service.data.models import User
from service.domain.accounts import Accounts
from service.domain.sessions import Sessions

events = logging.getLogger("service.auth")


class Refused(Exception):
    """The change would break an administration rule; the message says which."""


class Administration:
    def __init__(self, database: peewee.Database, accounts: Accounts, sessions: Sessions):
        self._db = database
        self._accounts = accounts
        self._sessions = sessions

    def create(self, username: str, email: str, password: str, *, admin: bool, active: bool) -> User:
        """Admins may give out reserved usernames. Raises what Accounts.create raises."""
        return self._accounts.create(username, email, password, admin=admin, active=active, allow_reserved=True)

    def update(self, actor: User, target: User, changes: dict) -> User:
        """Change `target` as `actor`. Raises Refused, or what Accounts.update raises.

        Deactivating or changing the password ends the target's sessions."""
        if target.id == actor.id:
            if changes.get("admin") is False:
                raise Refused("You cannot remove your own admin rights.")
            if changes.get("active") is False:
                raise Refused("You cannot deactivate your own account.")
        removes_admin = changes.get("admin") is False or changes.get("active") is False
        with self._db.atomic():
            if removes_admin:
                self._keep_an_admin(actor, target)
            user = self._accounts.update(target, changes, allow_reserved=True)
            if changes.get("active") is False or "password" in changes:
                self._sessions.revoke_all(user)
        return user

    def delete(self, actor: User, target: User) -> None:
        if target.id == actor.id:
            raise Refused("You cannot delete your own account.")
        with self._db.atomic():
            self._keep_an_admin(actor, target)
            self._accounts.delete(target)

    @staticmethod
    def _keep_an_admin(actor: User, target: User) -> None:
        """Lock every active admin row, then check that one other than `target` remains and that
        `actor` is still one of them: two admins demoting each other at once serialise here,
        and the second finds the first's change (READ COMMITTED re-checks locked rows)."""
        # In id order, so concurrent transactions take the locks in one order and cannot deadlock.
        admins = {row.id for row in User.select(User.id).where(User.admin == True, User.active == True)  # noqa: E712
                  .order_by(User.id).for_update()}
        if actor.id not in admins:
            raise Refused("Admin access required.")
        if target.id in admins and not admins - {target.id}:
            raise Refused("At least one active admin must remain.")
