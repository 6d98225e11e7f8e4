"""Email verification: when an address was confirmed, an address waiting to replace it, and the
confirmation-link tokens.

Accounts that exist before this migration keep email_verified_at NULL: nothing ever proved they
own their address (docs/deploy.md says how an operator handles them).
Tables are frozen copies, independent of service.data.models (see 0001).
"""
import peewee
from playhouse.postgres_ext import DateTimeTZField

from service.domain.identifiers import EMAIL_MAX_LENGTH


def up(migrator, db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "users"

    class EmailVerificationToken(Base):
        id = peewee.BigAutoField()
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        email = peewee.CharField(max_length=EMAIL_MAX_LENGTH)
        token_hash = peewee.CharField(max_length=64, unique=True)
        created_at = DateTimeTZField()
        expires_at = DateTimeTZField()
        used_at = DateTimeTZField(null=True)

        class Meta:
            table_name = "email_verification_tokens"

    db.execute_sql(
        f"ALTER TABLE users ADD COLUMN email_verified_at timestamptz, "
        f"ADD COLUMN pending_email varchar({EMAIL_MAX_LENGTH}), "
        f"ADD COLUMN pending_email_key varchar({EMAIL_MAX_LENGTH})")
    # A resend may name the pending address; not unique, as two accounts may both ask for one address.
    db.execute_sql("CREATE INDEX users_pending_email_key_idx ON users (pending_email_key) "
                   "WHERE pending_email_key IS NOT NULL")
    db.create_tables([EmailVerificationToken])


def down(migrator, db):
    db.execute_sql("DROP TABLE email_verification_tokens")
    db.execute_sql("ALTER TABLE users DROP COLUMN email_verified_at, DROP COLUMN pending_email, "
                   "DROP COLUMN pending_email_key")
