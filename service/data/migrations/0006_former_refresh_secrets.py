"""Sessions keep the hashes of their former refresh secrets (newest first, bounded by
service.domain.sessions.FORMER_SECRETS_KEPT), replacing the single previous_hash: reuse is
detected only when a secret that really belonged to the session comes back.

Tables are frozen copies, independent of service.data.models (see 0001).
"""


def up(migrator, db):
    db.execute_sql("ALTER TABLE sessions ADD COLUMN former_hashes varchar(64)[] NOT NULL DEFAULT '{}'")
    db.execute_sql("UPDATE sessions SET former_hashes = ARRAY[previous_hash] WHERE previous_hash <> ''")
    db.execute_sql("ALTER TABLE sessions DROP COLUMN previous_hash")


def down(migrator, db):
    db.execute_sql("ALTER TABLE sessions ADD COLUMN previous_hash varchar(64) NOT NULL DEFAULT ''")
    db.execute_sql("UPDATE sessions SET previous_hash = former_hashes[1] WHERE cardinality(former_hashes) > 0")
    db.execute_sql("ALTER TABLE sessions DROP COLUMN former_hashes")
