"""Account lifecycle: the mail outbox and password-reset tokens.

Tables are frozen copies, independent of service.data.models (see 0001).
"""
import peewee
from playhouse.postgres_ext import DateTimeTZField


def up(migrator, db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "users"

    class MailOutbox(Base):
        id = peewee.BigAutoField()
        kind = peewee.CharField(max_length=40)
        recipient = peewee.CharField(max_length=254)
        message = peewee.TextField()
        status = peewee.CharField(max_length=8, default="pending")
        attempts = peewee.IntegerField(default=0)
        next_attempt_at = DateTimeTZField()
        last_error = peewee.TextField(default="")
        created_at = DateTimeTZField()
        sent_at = DateTimeTZField(null=True)

        class Meta:
            table_name = "mail_outbox"

    class PasswordResetToken(Base):
        id = peewee.BigAutoField()
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        token_hash = peewee.CharField(max_length=64, unique=True)
        created_at = DateTimeTZField()
        expires_at = DateTimeTZField()
        used_at = DateTimeTZField(null=True)

        class Meta:
            table_name = "password_reset_tokens"

    db.create_tables([MailOutbox, PasswordResetToken])
    for statement in (
        "ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_status_check "
        "CHECK (status IN ('pending', 'sent', 'dead'))",
        # The worker's scan: only pending rows, oldest due first.
        "CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE status = 'pending'",
    ):
        db.execute_sql(statement)


def down(migrator, db):
    db.execute_sql("DROP TABLE password_reset_tokens, mail_outbox")
