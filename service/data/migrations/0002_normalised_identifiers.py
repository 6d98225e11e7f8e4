"""Store the normalised username and email, and make them, not SQL lower(), unique.

PostgreSQL's lower() and Python's casefold disagree (İ, ß, fullwidth and decomposed forms), so
the compared form is computed once in Python (service.domain.identifiers.fold) and stored.
Existing rows are backfilled. Rows that only differ by case or form were two accounts under
lower() and would become one: the migration stops, naming their ids, and changes nothing.
"""
from service.data.db import MigrationRefused
from service.domain.identifiers import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH, fold, skeleton


def up(migrator, db):
    db.execute_sql(
        f"ALTER TABLE users ADD COLUMN username_key varchar({USERNAME_MAX_LENGTH}), "
        f"ADD COLUMN username_skeleton text, ADD COLUMN email_key varchar({EMAIL_MAX_LENGTH})")
    rows = db.execute_sql("SELECT id, username, email FROM users ORDER BY id").fetchall()
    for user_id, username, email in rows:
        # Keys are cut to the column, as before only display values were; a collision shows below.
        db.execute_sql("UPDATE users SET username_key = %s, username_skeleton = %s, email_key = %s WHERE id = %s",
                       (fold(username)[:USERNAME_MAX_LENGTH], skeleton(username),
                        fold(email)[:EMAIL_MAX_LENGTH], user_id))
    for column in ("username_key", "email_key"):
        clashes = db.execute_sql(
            f"SELECT array_agg(id ORDER BY id) FROM users GROUP BY {column} HAVING count(*) > 1").fetchall()
        if clashes:
            groups = "; ".join(", ".join(str(i) for i in ids) for (ids,) in clashes)
            raise MigrationRefused(
                f"0002_normalised_identifiers: users with ids {groups} have the same normalised "
                f"{column.removesuffix('_key')}; "
                "rename or merge them, then run the migration again (nothing was changed)")
    for statement in (
        "ALTER TABLE users ALTER COLUMN username_key SET NOT NULL, ALTER COLUMN username_skeleton SET NOT NULL, "
        "ALTER COLUMN email_key SET NOT NULL",
        "CREATE UNIQUE INDEX users_username_key_key ON users (username_key)",
        "CREATE UNIQUE INDEX users_email_key_key ON users (email_key)",
        "CREATE INDEX users_username_skeleton_idx ON users (username_skeleton)",
        "DROP INDEX users_username_lower_key",
        "DROP INDEX users_email_lower_key",
        # Account counters were keyed on the raw email; they are now keyed on a digest of the key.
        "DELETE FROM login_throttle WHERE key LIKE 'account:%%'",
    ):
        db.execute_sql(statement)


def down(migrator, db):
    db.execute_sql("CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))")
    db.execute_sql("CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))")
    db.execute_sql("ALTER TABLE users DROP COLUMN username_key, DROP COLUMN username_skeleton, "
                   "DROP COLUMN email_key")
