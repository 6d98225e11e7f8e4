"""The PostgreSQL connection, the models bound to it, and migrations."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee
from playhouse.db_url import parse
from playhouse.migrations import Runner

from service.data import bounded_wait
from service.data.models import MODELS

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Serialises `migrate` across processes (several containers may start at once).
MIGRATION_LOCK_ID = 0x75736572  # "user"

# Errors that mean "the database is unreachable", as opposed to a bad query.
UNAVAILABLE_ERRORS = (peewee.OperationalError, peewee.InterfaceError)


class MigrationRefused(RuntimeError):
    """A migration found data it cannot carry forward; the message says what to fix."""


# How long a request may wait on PostgreSQL, in seconds, unless settings say otherwise.
DEFAULT_TIMEOUT = 3.0
# A transaction left idle (its client gone) releases its row locks after this long.
IDLE_IN_TRANSACTION_MS = 10_000


def create_database(url: str, timeout: float = DEFAULT_TIMEOUT) -> peewee.PostgresqlDatabase:
    """A database handle with our models bound to it. Connects lazily, per thread.

    Every wait is bounded: connecting, and each round trip, end within `timeout` seconds on
    the client side (bounded_wait), even when the server is frozen. The server cancels its own
    work a little earlier, so a slow statement normally ends as a clean error rather than an
    abandoned connection. TCP keepalives and tcp_user_timeout notice a peer that vanished.
    """
    bounded_wait.install()
    params = parse(url)
    statement_ms = max(100, int(timeout * 1000) - 500)
    database = peewee.PostgresqlDatabase(
        params.pop("database"),
        connection_factory=bounded_wait.bounded_connection(timeout),
        connect_timeout=max(1, round(timeout)),
        keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=2,
        tcp_user_timeout=int(timeout * 1000),
        options=(f"-c timezone=UTC -c statement_timeout={statement_ms} -c lock_timeout={statement_ms // 2}"
                 f" -c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}"),
        **params,
    )
    database.bind(MODELS)
    return database


@contextmanager
def unbounded_connection(database: peewee.PostgresqlDatabase) -> Iterator[peewee.PostgresqlDatabase]:
    """This thread's connection, for work that may rightly take longer than a request
    (migrations, prune, bulk seeding): no client-side bound and no server-side statement or
    lock timeout. The connection is closed at the end, so its session settings go with it."""
    with database.connection_context():
        database.connection().wait_seconds = None
        database.execute_sql("SET statement_timeout = 0; SET lock_timeout = 0")
        yield database


def migrate(database: peewee.PostgresqlDatabase) -> list[str]:
    """Apply pending migrations; returns their names. Safe to re-run and to run concurrently."""
    with unbounded_connection(database):
        database.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_ID,))
        try:
            return Runner(database, str(MIGRATIONS_DIR)).up()
        finally:
            database.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_ID,))


def pending_migrations(database: peewee.PostgresqlDatabase) -> list[str]:
    with database.connection_context():
        return [m.name for m in Runner(database, str(MIGRATIONS_DIR)).status() if not m.applied]
