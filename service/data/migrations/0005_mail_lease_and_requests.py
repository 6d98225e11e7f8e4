"""Mail that is sent once: a leased `sending` status for the worker, and the queue of anonymous
link requests (password reset, confirmation resend) that the mail worker resolves.

A row being sent is `sending` until `lease_expires_at`; the worker commits the lease before it
talks to the mail server, so no transaction is open across a send. A lease that expires means
the worker died inside the send: the row is due again.
Tables are frozen copies, independent of service.data.models (see 0001).
"""
import peewee
from playhouse.postgres_ext import DateTimeTZField


def up(migrator, db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class MailRequest(Base):
        id = peewee.BigAutoField()
        kind = peewee.CharField(max_length=40)
        email = peewee.TextField()
        created_at = DateTimeTZField()

        class Meta:
            table_name = "mail_requests"

    for statement in (
        "ALTER TABLE mail_outbox ADD COLUMN lease_expires_at timestamptz",
        "ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_status_check",
        "ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_status_check "
        "CHECK (status IN ('pending', 'sending', 'sent', 'dead'))",
        "ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_lease_check "
        "CHECK ((status = 'sending') = (lease_expires_at IS NOT NULL))",
        # The worker's other scan: leases that outlived their worker.
        "CREATE INDEX mail_outbox_lease_idx ON mail_outbox (lease_expires_at, id) WHERE status = 'sending'",
    ):
        db.execute_sql(statement)
    db.create_tables([MailRequest])


def down(migrator, db):
    db.execute_sql("DROP TABLE mail_requests")
    for statement in (
        "UPDATE mail_outbox SET status = 'pending', lease_expires_at = NULL WHERE status = 'sending'",
        "DROP INDEX mail_outbox_lease_idx",
        "ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_lease_check",
        "ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_status_check",
        "ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_status_check "
        "CHECK (status IN ('pending', 'sent', 'dead'))",
        "ALTER TABLE mail_outbox DROP COLUMN lease_expires_at",
    ):
        db.execute_sql(statement)
