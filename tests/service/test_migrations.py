import psycopg2
import pytest

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
    everything = ["0001_initial", "0003_account_lifecycle"]
    assert database_module.pending_migrations(empty_database) == everything
    assert database_module.migrate(empty_database) == everything
    assert database_module.migrate(empty_database) == []
    assert database_module.pending_migrations(empty_database) == []
    tables = {row[0] for row in empty_database.execute_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()}
    assert {"users", "sessions", "login_throttle", "mail_outbox", "password_reset_tokens",
            "schema_migration"} <= tables
    indexes = {row[0] for row in empty_database.execute_sql(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'users'").fetchall()}
    assert {"users_username_lower_key", "users_email_lower_key", "users_created_at_id_idx"} <= indexes


def test_migrations_keep_existing_data(empty_database):
    database_module.migrate(empty_database)
    empty_database.execute_sql("INSERT INTO users (username, email, password_hash, active, admin, created_at, "
                               "updated_at) VALUES ('keep', 'keep@example.com', 'x', true, false, now(), now())")
    database_module.migrate(empty_database)
    assert empty_database.execute_sql("SELECT username FROM users").fetchall() == [("keep",)]


def test_the_user_listing_uses_the_keyset_index(database):
    database.execute_sql("SET enable_seqscan = off")
    try:
        plan = "\n".join(row[0] for row in database.execute_sql(
            "EXPLAIN SELECT id FROM users WHERE (created_at, id) < (now(), 5) "
            "ORDER BY created_at DESC, id DESC LIMIT 21").fetchall())
    finally:
        database.execute_sql("SET enable_seqscan = on")
    assert "users_created_at_id_idx" in plan
