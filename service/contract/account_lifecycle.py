"""Shapes of the account-lifecycle routes (password reset, email verification, sessions, deletion)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from service.contract.schemas import EMAIL_MAX_LENGTH, NewPassword, Request
from service.domain.password_policy import MAX_LENGTH

LinkToken = Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$",
                                 description="The token from the mailed link's fragment (`#token=...`).")]


class PasswordResetRequest(Request):
    email: Annotated[str, Field(min_length=1, max_length=EMAIL_MAX_LENGTH)]


class PasswordResetConfirmRequest(Request):
    token: LinkToken
    new_password: NewPassword


class VerifyEmailRequest(Request):
    token: LinkToken


class VerifyEmailResendRequest(Request):
    email: Annotated[str, Field(min_length=1, max_length=EMAIL_MAX_LENGTH,
                                description="The address waiting to be confirmed (the account's, or a pending one).")]


class VerifiedEmail(BaseModel):
    email: str = Field(description="The address now confirmed (after a change, the account's new email).")


class VerifiedEmailEnvelope(BaseModel):
    status: str = Field("success", json_schema_extra={"const": "success"})
    message: str
    data: VerifiedEmail


class PendingSignUp(BaseModel):
    """What was signed up, as normalised; nothing from the database, so a new account and an
    address that already has one cannot be told apart (its owner is told by mail)."""

    username: str
    email: str


class RegisteredUnverifiedEnvelope(BaseModel):
    """Sign-up while REQUIRE_VERIFIED_EMAIL is on: no token and no cookie until the address is confirmed."""

    status: str = Field("success", json_schema_extra={"const": "success"})
    message: str
    verification_required: bool = Field(json_schema_extra={"const": True})
    data: PendingSignUp


class SessionView(BaseModel):
    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime = Field(description="When its refresh token was last used (or the login).")
    ip: str = Field(description="The client address at login.")
    device: str = Field(description='Read from the User-Agent at login, e.g. "Firefox 120 on Ubuntu".')
    current: bool = Field(description="True for the session that made this request.")


class SessionList(BaseModel):
    sessions: list[SessionView]


class SessionListEnvelope(BaseModel):
    status: str = Field("success", json_schema_extra={"const": "success"})
    data: SessionList


class AccountDeleteRequest(Request):
    password: Annotated[str, Field(min_length=1, max_length=MAX_LENGTH, description="Your current password.")]
