"""Bench users, made by PostgreSQL itself: one INSERT ... SELECT over generate_series.

Row by row from Python, a million users take minutes; generated in the database they take
seconds. Every user shares one real bcrypt hash of the bench password (made with the
service's own hasher and key), so any of them can log in.
"""
from __future__ import annotations

from datetime import UTC, datetime

import peewee

from service.data.db import unbounded_connection
from service.domain.identifiers import email_key, fold, skeleton
from service.security.passwords import PasswordHasher

PREFIX = "bench"
ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)
# User n was created n seconds after ORIGIN, so user n is newer than user n - 1.
# Bench names are lower-case ASCII letters, digits and '_', which fold and look like themselves:
# each stored key and skeleton is the name itself (seed_users checks that on a sample).
INSERT = """
INSERT INTO users (username, username_key, username_skeleton, email, email_key, password_hash, active, admin,
                   created_at, updated_at)
SELECT name, name, name, name || '@example.com', name || '@example.com', %(hash)s, true, false,
       %(origin)s + n * interval '1 second', %(origin)s + n * interval '1 second'
FROM generate_series(%(first)s, %(last)s) AS n, LATERAL (SELECT %(prefix)s || '_' || n AS name) AS named
"""


def email_of(n: int) -> str:
    return f"{PREFIX}_{n}@example.com"


def seed_users(database: peewee.PostgresqlDatabase, hasher: PasswordHasher, password: str,
               first: int, count: int) -> None:
    """Add users `first` .. `first + count - 1`."""
    if count <= 0:
        return
    sample = f"{PREFIX}_{first + count - 1}"
    assert fold(sample) == skeleton(sample) == sample and email_key(email_of(first)) == email_of(first)
    # The service's bounds are for requests, not for a million-row insert.
    with unbounded_connection(database), database.atomic():
        database.execute_sql(INSERT, {"prefix": PREFIX, "hash": hasher.hash(password), "origin": ORIGIN,
                                      "first": first, "last": first + count - 1})
        database.execute_sql("ANALYZE users")
