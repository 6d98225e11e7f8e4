"""The PostgreSQL connection, the models bound to it, and migrations."""
from __future__ import annotations

from pathlib import Path

import peewee
from playhouse.db_url import parse
from playhouse.migrations import Runner

from service.data.models import MODELS

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Serialises `migrate` across processes (several containers may start at once).
MIGRATION_LOCK_ID = 0x75736572  # "user"

# Errors that mean "the database is unreachable", as opposed to a bad query.
UNAVAILABLE_ERRORS = (peewee.OperationalError, peewee.InterfaceError)


class MigrationRefused(RuntimeError):
    """A migration found data it cannot carry forward; the message says what to fix."""


def create_database(url: str) -> peewee.PostgresqlDatabase:
    """A database handle with our models bound to it. Connects lazily, per thread."""
    params = parse(url)
    database = peewee.PostgresqlDatabase(
        params.pop("database"),
        connect_timeout=3,
        # UTC timestamps; a runaway query cannot hold a worker for long.
        options="-c timezone=UTC -c statement_timeout=10000",
        **params,
    )
    database.bind(MODELS)
    return database


def migrate(database: peewee.PostgresqlDatabase) -> list[str]:
    """Apply pending migrations; returns their names. Safe to re-run and to run concurrently."""
    with database.connection_context():
        database.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_ID,))
        try:
            return Runner(database, str(MIGRATIONS_DIR)).up()
        finally:
            database.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_ID,))


def pending_migrations(database: peewee.PostgresqlDatabase) -> list[str]:
    with database.connection_context():
        return [m.name for m in Runner(database, str(MIGRATIONS_DIR)).status() if not m.applied]
