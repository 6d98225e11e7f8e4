"""User records: create, change, find, page and delete. Uniqueness is settled by the database."""
from __future__ import annotations

import base64
import binascii
import functools
from datetime import datetime

import peewee

from service.models import User, utcnow
from service.security.passwords import PasswordHasher

USERNAME_TAKEN = "Username is already taken."
EMAIL_TAKEN = "Email is already registered."
MAX_USER_ID = 2**31 - 1


class Conflict(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("conflict")
        self.errors = errors


class InvalidCursor(ValueError):
    pass


class Accounts:
    def __init__(self, database: peewee.Database, hasher: PasswordHasher):
        self._db = database
        self._hasher = hasher

    def get(self, user_id: int) -> User | None:
        if not 1 <= user_id <= MAX_USER_ID:
            return None
        return User.get_or_none(User.id == user_id)

    def find_by_email(self, email: str) -> User | None:
        return User.get_or_none(peewee.fn.lower(User.email) == email.lower())

    def create(self, username: str, email: str, password: str, *, admin: bool = False, active: bool = True) -> User:
        self._check_free(username, email)
        password_hash = self._hasher.hash(password)
        with self._translate_conflicts(), self._db.atomic():
            return User.create(username=username, email=email, password_hash=password_hash,
                               admin=admin, active=active)

    def update(self, user: User, changes: dict) -> User:
        """Apply `changes` (username, email, password, active, admin); only given keys change."""
        changes = dict(changes)
        self._check_free(changes.get("username"), changes.get("email"), exclude=user.id)
        if "password" in changes:
            user.password_hash = self._hasher.hash(changes.pop("password"))
        for name, value in changes.items():
            setattr(user, name, value)
        user.updated_at = utcnow()
        with self._translate_conflicts(), self._db.atomic():
            user.save()
        return user

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
        users = [dict(zip(fields, row)) for row in rows[:limit]]
        if len(rows) <= limit:
            return users, None
        return users, encode_cursor(users[-1]["created_at"], users[-1]["id"])

    def _check_free(self, username: str | None, email: str | None, exclude: int | None = None) -> None:
        errors: dict[str, list[str]] = {}
        if username and self._taken(peewee.fn.lower(User.username) == username.lower(), exclude):
            errors["username"] = [USERNAME_TAKEN]
        if email and self._taken(peewee.fn.lower(User.email) == email.lower(), exclude):
            errors["email"] = [EMAIL_TAKEN]
        if errors:
            raise Conflict(errors)

    @staticmethod
    def _taken(condition, exclude: int | None) -> bool:
        query = User.select(User.id).where(condition)
        if exclude is not None:
            query = query.where(User.id != exclude)
        return query.exists()

    class _translate_conflicts:
        """A unique-index violation from a concurrent writer becomes the same 409 a pre-check gives."""

        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None or not issubclass(exc_type, peewee.IntegrityError):
                return False
            text = str(exc)
            if "users_username_lower_key" in text:
                raise Conflict({"username": [USERNAME_TAKEN]}) from None
            if "users_email_lower_key" in text:
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
        if moment.tzinfo is None or not 0 < identifier <= MAX_USER_ID:
            raise ValueError
        return moment, identifier
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("Invalid cursor.") from None
