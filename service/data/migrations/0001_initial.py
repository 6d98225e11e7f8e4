"""Users, sessions and login throttling.

Tables are frozen copies, independent of service.data.models, so this migration keeps
meaning the same thing when the models change.
"""
import peewee
from playhouse.postgres_ext import DateTimeTZField


def up(migrator, db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        username = peewee.CharField(max_length=32)
        email = peewee.CharField(max_length=254)
        password_hash = peewee.CharField(max_length=100)
        active = peewee.BooleanField(default=True)
        admin = peewee.BooleanField(default=False)
        created_at = DateTimeTZField()
        updated_at = DateTimeTZField()

        class Meta:
            table_name = "users"

    class Session(Base):
        id = peewee.UUIDField(primary_key=True)
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        refresh_hash = peewee.CharField(max_length=64)
        previous_hash = peewee.CharField(max_length=64, default="")
        rotated_at = DateTimeTZField(null=True)
        created_at = DateTimeTZField()
        last_used_at = DateTimeTZField()
        expires_at = DateTimeTZField()
        revoked_at = DateTimeTZField(null=True)
        user_agent = peewee.CharField(max_length=256, default="")
        ip = peewee.CharField(max_length=45, default="")

        class Meta:
            table_name = "sessions"

    class LoginThrottle(Base):
        key = peewee.CharField(max_length=300, primary_key=True)
        failures = peewee.IntegerField(default=0)
        window_started_at = DateTimeTZField()

        class Meta:
            table_name = "login_throttle"

    db.create_tables([User, Session, LoginThrottle])
    for statement in (
        # Case-insensitive uniqueness: the database, not the code, settles races.
        "CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))",
        "CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))",
        # Keyset pagination, newest first, over millions of rows.
        "CREATE INDEX users_created_at_id_idx ON users (created_at DESC, id DESC)",
    ):
        db.execute_sql(statement)


def down(migrator, db):
    db.execute_sql("DROP TABLE login_throttle, sessions, users")
