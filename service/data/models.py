"""Tables. Constraints the code relies on (uniqueness of the normalised keys) live in migrations."""
from __future__ import annotations

from datetime import UTC, datetime

import peewee
from playhouse.postgres_ext import ArrayField, DateTimeTZField

from service.domain.identifiers import EMAIL_MAX_LENGTH, USERNAME_MAX_LENGTH


def utcnow() -> datetime:
    return datetime.now(UTC)


class BaseModel(peewee.Model):
    class Meta:
        legacy_table_names = False


class User(BaseModel):
    # As shown; `*_key` is the folded form (service.domain.identifiers) that is compared and unique.
    username = peewee.CharField(max_length=USERNAME_MAX_LENGTH)
    username_key = peewee.CharField(max_length=USERNAME_MAX_LENGTH)
    username_skeleton = peewee.TextField()  # look-alike form; may outgrow the name, so unbounded
    email = peewee.CharField(max_length=EMAIL_MAX_LENGTH)
    email_key = peewee.CharField(max_length=EMAIL_MAX_LENGTH)
    password_hash = peewee.CharField(max_length=100)
    active = peewee.BooleanField(default=True)
    admin = peewee.BooleanField(default=False)
    email_verified_at = DateTimeTZField(null=True)  # NULL until the owner follows a confirmation link
    # A self-service change of address waits here until the new address is confirmed.
    pending_email = peewee.CharField(max_length=EMAIL_MAX_LENGTH, null=True)
    pending_email_key = peewee.CharField(max_length=EMAIL_MAX_LENGTH, null=True)
    created_at = DateTimeTZField(default=utcnow)
    updated_at = DateTimeTZField(default=utcnow)

    class Meta:
        table_name = "users"


class Session(BaseModel):
    """A login: one refresh-token chain. Access tokens name it in their `sid` claim."""

    id = peewee.UUIDField(primary_key=True)
    user = peewee.ForeignKeyField(User, on_delete="CASCADE", backref="sessions")
    refresh_hash = peewee.CharField(max_length=64)
    # Hashes of the secrets this chain replaced, newest first: only one of these coming back is reuse.
    former_hashes = ArrayField(peewee.CharField, field_kwargs={"max_length": 64}, default=list)
    rotated_at = DateTimeTZField(null=True)
    created_at = DateTimeTZField(default=utcnow)
    last_used_at = DateTimeTZField(default=utcnow)
    expires_at = DateTimeTZField()
    revoked_at = DateTimeTZField(null=True)
    user_agent = peewee.CharField(max_length=256, default="")
    ip = peewee.CharField(max_length=45, default="")

    class Meta:
        table_name = "sessions"


class LoginThrottle(BaseModel):
    """Failed logins per key ("account:<sha256 of the email key>" or "ip:<address>") in the window."""

    key = peewee.CharField(max_length=300, primary_key=True)
    failures = peewee.IntegerField(default=0)
    window_started_at = DateTimeTZField(default=utcnow)

    class Meta:
        table_name = "login_throttle"


class MailOutbox(BaseModel):
    """Mail waiting to be sent, written in the same transaction as the change it reports."""

    id = peewee.BigAutoField()
    kind = peewee.CharField(max_length=40)
    recipient = peewee.CharField(max_length=254)
    message = peewee.TextField()  # the whole MIME message; emptied once sent (it may hold a link token)
    status = peewee.CharField(max_length=8, default="pending")  # pending, sent or dead
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = DateTimeTZField(default=utcnow)
    last_error = peewee.TextField(default="")
    created_at = DateTimeTZField(default=utcnow)
    sent_at = DateTimeTZField(null=True)

    class Meta:
        table_name = "mail_outbox"


class PasswordResetToken(BaseModel):
    """A reset link: only the SHA-256 of its secret is kept."""

    id = peewee.BigAutoField()
    user = peewee.ForeignKeyField(User, on_delete="CASCADE", backref="reset_tokens")
    token_hash = peewee.CharField(max_length=64, unique=True)
    created_at = DateTimeTZField(default=utcnow)
    expires_at = DateTimeTZField()
    used_at = DateTimeTZField(null=True)

    class Meta:
        table_name = "password_reset_tokens"


class EmailVerificationToken(BaseModel):
    """A confirmation link for one address (the account's, or the one waiting to replace it)."""

    id = peewee.BigAutoField()
    user = peewee.ForeignKeyField(User, on_delete="CASCADE", backref="verification_tokens")
    email = peewee.CharField(max_length=EMAIL_MAX_LENGTH)
    token_hash = peewee.CharField(max_length=64, unique=True)
    created_at = DateTimeTZField(default=utcnow)
    expires_at = DateTimeTZField()
    used_at = DateTimeTZField(null=True)

    class Meta:
        table_name = "email_verification_tokens"


MODELS = [User, Session, LoginThrottle, MailOutbox, PasswordResetToken, EmailVerificationToken]
