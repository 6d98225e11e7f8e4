"""Bench users, made by PostgreSQL itself: one INSERT ... SELECT over generate_series.

Row by row from Python, a million users take minutes; generated in the database they take
seconds. Every user shares one real bcrypt hash of the bench password (made with the
service's own hasher and key), so any of them can log in.
"""
from __future__ import annotations

from datetime import datetime, timezone

import peewee

from service.security.passwords import PasswordHasher

PREFIX = "bench"
ORIGIN = datetime(2000, 1, 1, tzinfo=timezone.utc)
# User n was created n seconds after ORIGIN, so user n is newer than user n - 1.
INSERT = """
INSERT INTO users (username, email, password_hash, active, admin, created_at, updated_at)
SELECT %(prefix)s || '_' || n, %(prefix)s || '_' || n || '@example.com', %(hash)s, true, false,
       %(origin)s + n * interval '1 second', %(origin)s + n * interval '1 second'
FROM generate_series(%(first)s, %(last)s) AS n
"""


def email_of(n: int) -> str:
    return f"{PREFIX}_{n}@example.com"


def seed_users(database: peewee.PostgresqlDatabase, hasher: PasswordHasher, password: str,
               first: int, count: int) -> None:
    """Add users `first` .. `first + count - 1`."""
    if count <= 0:
        return
    with database.connection_context(), database.atomic():
        # The service's 10 s statement timeout is for requests, not for a million-row insert.
        database.execute_sql("SET LOCAL statement_timeout = 0")
        database.execute_sql(INSERT, {"prefix": PREFIX, "hash": hasher.hash(password), "origin": ORIGIN,
                                      "first": first, "last": first + count - 1})
        database.execute_sql("ANALYZE users")
