import unicodedata

import psycopg2
import pytest
from playhouse.migrations import Runner

from service.data import db as database_module


@pytest.fixture
def empty_database(postgres):
    admin = psycopg2.connect(postgres.url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS migration_check")
        cursor.execute("CREATE DATABASE migration_check")
    handle = database_module.create_database(postgres.url.rsplit("/", 1)[0] + "/migration_check")
    yield handle
    handle.close()
    with admin.cursor() as cursor:
        cursor.execute("DROP DATABASE migration_check WITH (FORCE)")
    admin.close()


def test_migrations_build_an_empty_database_and_rerunning_changes_nothing(empty_database):
    everything = ["0001_initial", "0002_normalised_identifiers", "0003_account_lifecycle", "0004_email_verification",
                  "0006_former_refresh_secrets"]
    assert database_module.pending_migrations(empty_database) == everything
    assert database_module.migrate(empty_database) == everything
    assert database_module.migrate(empty_database) == []
    assert database_module.pending_migrations(empty_database) == []
    tables = {row[0] for row in empty_database.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()}
    assert {"users", "sessions", "login_throttle", "mail_outbox", "password_reset_tokens",
            "email_verification_tokens", "schema_migration"} <= tables
    indexes = {row[0] for row in empty_database.execute_sql(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'users'").fetchall()}
    assert {"users_username_key_key", "users_email_key_key", "users_username_skeleton_idx",
            "users_created_at_id_idx"} <= indexes
    assert not {"users_username_lower_key", "users_email_lower_key"} & indexes


def insert_0001_user(database, username: str, email: str) -> None:
    """A row as 0001's schema and the code of its day stored it."""
    database.execute_sql("INSERT INTO users (username, email, password_hash, active, admin, created_at, updated_at) "
                         "VALUES (%s, %s, 'x', true, false, now(), now())", (username, email))


def test_0002_backfills_the_normalised_keys_of_rows_made_under_0001(empty_database):
    Runner(empty_database, str(database_module.MIGRATIONS_DIR)).up(target="0001_initial")
    insert_0001_user(empty_database, "Keep", "Keep@Example.com")
    insert_0001_user(empty_database, "dotted", "\u0130nci@example.com")  # İ: lower() and casefold disagree
    insert_0001_user(empty_database, "decomposed", unicodedata.normalize("NFD", "jos\u00e9@example.com"))
    empty_database.execute_sql("INSERT INTO login_throttle VALUES ('account:keep@example.com', 3, now()), "
                               "('ip:10.0.0.1', 3, now())")
    # The later ones follow, in order.
    assert database_module.migrate(empty_database) == ["0002_normalised_identifiers", "0003_account_lifecycle",
                                                       "0004_email_verification", "0006_former_refresh_secrets"]
    # Nothing proved these accounts own their address: 0004 leaves them unverified.
    assert empty_database.execute_sql(
        "SELECT count(*) FROM users WHERE email_verified_at IS NULL AND pending_email IS NULL").fetchone() == (3,)
    # docs/deploy.md's way for an operator to vouch for them instead.
    vouched = empty_database.execute_sql(
        "UPDATE users SET email_verified_at = now() WHERE email_verified_at IS NULL AND created_at < "
        "(SELECT applied FROM schema_migration WHERE name = '0004_email_verification')")
    assert vouched.rowcount == 3
    rows = empty_database.execute_sql(
        "SELECT username, username_key, email, email_key FROM users ORDER BY id").fetchall()
    assert rows == [("Keep", "keep", "Keep@Example.com", "keep@example.com"),
                    ("dotted", "dotted", "\u0130nci@example.com", "i\u0307nci@example.com"),
                    ("decomposed", "decomposed", unicodedata.normalize("NFD", "jos\u00e9@example.com"),
                     "jos\u00e9@example.com")]
    # Raw-email counters are gone; address counters stay.
    assert empty_database.execute_sql("SELECT key FROM login_throttle").fetchall() == [("ip:10.0.0.1",)]


def test_0002_stops_on_accounts_that_normalise_alike_and_changes_nothing(empty_database):
    Runner(empty_database, str(database_module.MIGRATIONS_DIR)).up(target="0001_initial")
    insert_0001_user(empty_database, "first", "strasse@example.com")
    insert_0001_user(empty_database, "second", "STRA\u00dfE@example.com")  # distinct under lower(), not casefold
    with pytest.raises(database_module.MigrationRefused,
                       match=r"ids 1, 2 have the same normalised email; rename or merge them"):
        database_module.migrate(empty_database)
    # The refused 0002 stops the run: 0003 is not applied before it.
    assert database_module.pending_migrations(empty_database) == ["0002_normalised_identifiers",
                                                                  "0003_account_lifecycle",
                                                                  "0004_email_verification",
                                                                  "0006_former_refresh_secrets"]
    columns = {row[0] for row in empty_database.execute_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'users'").fetchall()}
    assert "email_key" not in columns


def test_0006_keeps_each_sessions_previous_secret_as_its_newest_former_one(empty_database):
    Runner(empty_database, str(database_module.MIGRATIONS_DIR)).up(target="0001_initial")
    insert_0001_user(empty_database, "alice", "alice@example.com")
    Runner(empty_database, str(database_module.MIGRATIONS_DIR)).up(target="0004_email_verification")
    for session_id, previous in (("11111111-1111-1111-1111-111111111111", "a" * 64),
                                 ("22222222-2222-2222-2222-222222222222", "")):
        empty_database.execute_sql(
            "INSERT INTO sessions (id, user_id, refresh_hash, previous_hash, created_at, last_used_at, expires_at, "
            "user_agent, ip) VALUES (%s, 1, %s, %s, now(), now(), now() + interval '1 day', '', '')",
            (session_id, "c" * 64, previous))
    assert database_module.migrate(empty_database) == ["0006_former_refresh_secrets"]
    rows = empty_database.execute_sql("SELECT id::text, former_hashes FROM sessions ORDER BY id").fetchall()
    assert rows == [("11111111-1111-1111-1111-111111111111", ["a" * 64]),
                    ("22222222-2222-2222-2222-222222222222", [])]


def test_the_user_listing_uses_the_keyset_index(database):
    database.execute_sql("SET enable_seqscan = off")
    try:
        plan = "\n".join(row[0] for row in database.execute_sql(
            "EXPLAIN SELECT id FROM users WHERE (created_at, id) < (now(), 5) "
            "ORDER BY created_at DESC, id DESC LIMIT 21").fetchall())
    finally:
        database.execute_sql("SET enable_seqscan = on")
    assert "users_created_at_id_idx" in plan


def test_migrate_names_the_clash_and_exits_2(empty_database, postgres):
    from tests.service.test_main import cli

    Runner(empty_database, str(database_module.MIGRATIONS_DIR)).up(target="0001_initial")
    insert_0001_user(empty_database, "one", "stra\u00dfe@example.com")
    insert_0001_user(empty_database, "two", "STRASSE@example.com")
    url = postgres.url.rsplit("/", 1)[0] + "/migration_check"
    result = cli("migrate", env={"APP_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "k" * 40})
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: 0002_normalised_identifiers: users with ids 1, 2 have the same "
                                     "normalised email; rename or merge them, then run the migration again "
                                     "(nothing was changed)")
