"""User records: create, change, find, page and delete. Uniqueness is settled by the database,
on the normalised keys of service.domain.identifiers."""
from __future__ import annotations

import base64
import binascii
import functools
from datetime import UTC, datetime, timedelta

import peewee

from service.data.models import User, utcnow
from service.domain.identifiers import Username, UsernameRules, email_key, email_of
from service.domain.password_policy import password_problem
from service.domain.refusals import FieldRefused
from service.security.passwords import PasswordHasher

USERNAME_TAKEN = "Username is already taken."
USERNAME_LOOKALIKE = "Username looks too much like an existing one."
EMAIL_TAKEN = "Email is already registered."
MAX_USER_ID = 2**31 - 1
LOOKALIKE_LOCKS = 1  # the advisory-lock class of usernames' skeletons (the migrator's lock is one bigint)


class Conflict(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("conflict")
        self.errors = errors


class PasswordRefused(FieldRefused):
    """The password policy refused a new password; the message says why, `field` where it came in."""


class InvalidCursor(ValueError):
    pass


class Accounts:
    """Every write of a username, email or password goes through here, so every caller
    (sign-up, profile, admin, CLI) gets the same normalisation and the same password policy."""

    def __init__(self, database: peewee.Database, hasher: PasswordHasher, usernames: UsernameRules):
        self._db = database
        self._hasher = hasher
        self._usernames = usernames

    def get(self, user_id: int) -> User | None:
        if not 1 <= user_id <= MAX_USER_ID:
            return None
        return User.get_or_none(User.id == user_id)

    def find_by_email(self, email: str) -> User | None:
        key = email_key(email)
        return None if key is None else User.get_or_none(User.email_key == key)

    def create(self, username: str, email: str, password: str, *, admin: bool = False, active: bool = True,
               allow_reserved: bool = False, email_verified: bool = False) -> User:
        """Raises IdentifierRefused, PasswordRefused or Conflict. `email_verified` is for an
        operator who vouches for the address (create-admin); everyone else confirms it by mail."""
        name = self._usernames.username_of(username, allow_reserved=allow_reserved)
        address = email_of(email)
        self._check_password(password, name.display, address.display)
        self._check_lookalike(name)
        password_hash = self._hasher.hash(password)
        now = utcnow()
        row = dict(username=name.display, username_key=name.key, username_skeleton=name.skeleton,
                   email=address.display, email_key=address.key, password_hash=password_hash,
                   admin=admin, active=active, created_at=now, updated_at=now,
                   email_verified_at=now if email_verified else None)
        with self._db.atomic():
            self._hold_lookalikes(name)
            # ON CONFLICT DO NOTHING: a duplicate is an empty answer, not an error whose statement
            # (with the email and hash in it) PostgreSQL would log.
            inserted = list(User.insert(**row).on_conflict_ignore().returning(User).execute())
        if not inserted:
            raise Conflict(self._taken(name.key, address.key) or {"email": [EMAIL_TAKEN]})
        return inserted[0]

    def update(self, user: User, changes: dict, *, allow_reserved: bool = False) -> User:
        """Apply `changes` (username, email, password, active, admin); only given keys change.
        A new password is judged against the account's own username and email, as changed."""
        changes = dict(changes)
        renamed = None
        if "username" in changes:
            name = self._usernames.username_of(changes.pop("username"), allow_reserved=allow_reserved)
            if name.key != user.username_key:
                self._check_lookalike(name, exclude=user.id)
                renamed = name
            user.username, user.username_key, user.username_skeleton = name.display, name.key, name.skeleton
        if "email" in changes:
            address = email_of(changes.pop("email"))
            if address.key != user.email_key:
                # Nobody has shown they own the new address yet; a pending change is overtaken.
                user.email_verified_at = user.pending_email = user.pending_email_key = None
            user.email, user.email_key = address.display, address.key
        if "password" in changes:
            password = changes.pop("password")
            self._check_password(password, user.username, user.email)
            user.password_hash = self._hasher.hash(password)
        for field, value in changes.items():
            setattr(user, field, value)
        taken = self._taken(user.username_key, user.email_key, exclude=user.id)
        if taken:
            raise Conflict(taken)
        user.updated_at = utcnow()
        with self._translate_conflicts(), self._db.atomic():
            if renamed:
                self._hold_lookalikes(renamed, exclude=user.id)
            user.save()
        return user

    def set_pending_email(self, user: User, email: str) -> bool:
        """Park a new address until its owner confirms it. Returns False, dropping any pending
        change, when it is the current address. Raises IdentifierRefused or Conflict."""
        address = email_of(email)
        changes = address.key != user.email_key
        if changes:
            taken = self._taken(user.username_key, address.key, exclude=user.id)
            if taken:
                raise Conflict(taken)
        user.pending_email, user.pending_email_key = (address.display, address.key) if changes else (None, None)
        user.updated_at = utcnow()
        user.save(only=[User.pending_email, User.pending_email_key, User.updated_at])
        return changes

    def confirm_email(self, user: User, email: str) -> None:
        """`email` is proven the owner's: their address, or the pending one, which then replaces it.
        Raises Conflict when another account took that address meanwhile."""
        key = email_key(email)
        if key != user.email_key:
            taken = self._taken(user.username_key, key, exclude=user.id)
            if taken:
                raise Conflict(taken)
            user.email, user.email_key = email, key
        user.pending_email = user.pending_email_key = None
        user.email_verified_at = user.updated_at = utcnow()
        with self._translate_conflicts(), self._db.atomic():
            user.save()

    def set_password(self, user: User, password: str) -> None:
        """A user's own new password, under the policy. Raises PasswordRefused (on `new_password`)."""
        self._check_password(password, user.username, user.email, field="new_password")
        self.set_password_hash(user, password)

    def set_password_hash(self, user: User, password: str) -> None:
        user.password_hash = self._hasher.hash(password)
        user.save(only=[User.password_hash])

    def delete(self, user: User) -> None:
        user.delete_instance()

    def page(self, limit: int, cursor: str | None, fields: tuple[str, ...]) -> tuple[list[dict], str | None]:
        """Newest first, keyset-paged on (created_at, id) so deep pages cost the same as the first.

        Rows come back as dicts of `fields` (which include id and created_at), straight from the
        cursor: no model objects, and no column that is not returned.
        """
        after = decode_cursor(cursor) if cursor else None
        sql = _page_sql(fields, after is not None)
        rows = self._db.execute_sql(sql, (*(after or ()), limit + 1)).fetchall()
        users = [dict(zip(fields, row, strict=True)) for row in rows[:limit]]
        if len(rows) <= limit:
            return users, None
        return users, encode_cursor(users[-1]["created_at"], users[-1]["id"])

    @staticmethod
    def _check_password(password: str, username: str, email: str, field: str = "password") -> None:
        problem = password_problem(password, (username, email))
        if problem:
            raise PasswordRefused(field, problem)

    def _hold_lookalikes(self, name: Username, exclude: int | None = None) -> None:
        """In the transaction that writes `name`: wait out any other writer of a name that looks
        the same, then check again. A unique index on the skeleton would stop the migration of a
        database already holding look-alikes from before 0002, so writers take turns instead."""
        self._db.execute_sql("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (LOOKALIKE_LOCKS, name.skeleton))
        self._check_lookalike(name, exclude)

    @staticmethod
    def _check_lookalike(name: Username, exclude: int | None = None) -> None:
        query = User.select(User.id).where(User.username_skeleton == name.skeleton, User.username_key != name.key)
        if exclude is not None:
            query = query.where(User.id != exclude)
        if query.exists():
            raise Conflict({"username": [USERNAME_LOOKALIKE]})

    @staticmethod
    def _taken(username_key: str, email_key_: str, exclude: int | None = None) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for field, column, value, message in (("username", User.username_key, username_key, USERNAME_TAKEN),
                                              ("email", User.email_key, email_key_, EMAIL_TAKEN)):
            query = User.select(User.id).where(column == value)
            if exclude is not None:
                query = query.where(User.id != exclude)
            if query.exists():
                errors[field] = [message]
        return errors

    class _translate_conflicts:
        """A unique-index violation from a concurrent writer becomes the same 409 a pre-check gives."""

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None or not issubclass(exc_type, peewee.IntegrityError):
                return False
            text = str(exc)
            if "users_username_key_key" in text:
                raise Conflict({"username": [USERNAME_TAKEN]}) from None
            if "users_email_key_key" in text:
                raise Conflict({"email": [EMAIL_TAKEN]}) from None
            return False


@functools.cache
def _page_sql(fields: tuple[str, ...], after: bool) -> str:
    """One page's SQL, built by peewee once per shape; `%s` stand for the cursor and the limit."""
    query = (User.select(*(getattr(User, name) for name in fields))
             .order_by(User.created_at.desc(), User.id.desc()).limit(peewee.SQL("%s")))
    if after:
        query = query.where(peewee.Tuple(User.created_at, User.id) < peewee.Tuple(peewee.SQL("%s"), peewee.SQL("%s")))
    sql, params = query.sql()
    assert not params, params
    return sql


MAX_CURSOR_OFFSET = timedelta(hours=15, minutes=59)


def encode_cursor(created_at: datetime, user_id: int) -> str:
    raw = f"{created_at.isoformat()}|{user_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        if len(cursor) > 200:
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, user_id = raw.split("|")
        moment, identifier = datetime.fromisoformat(created_at), int(user_id)
        # PostgreSQL refuses offsets past 15:59 that Python accepts (up to 23:59).
        if moment.utcoffset() is None or abs(moment.utcoffset()) > MAX_CURSOR_OFFSET:
            raise ValueError
        if not 0 < identifier <= MAX_USER_ID:
            raise ValueError
        # In UTC, as the cursors we write are; a moment UTC cannot hold within years 1-9999
        # raises OverflowError.
        return moment.astimezone(UTC), identifier
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("Invalid cursor.") from None
