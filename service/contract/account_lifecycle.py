"""Request shapes of the account-lifecycle routes (password reset, sessions, deletion)."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from service.contract.schemas import EMAIL_MAX_LENGTH, NewPassword, Request

LinkToken = Annotated[str, Field(min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$",
                                 description="The token from the mailed link's fragment (`#token=...`).")]


class PasswordResetRequest(Request):
    email: Annotated[str, Field(min_length=1, max_length=EMAIL_MAX_LENGTH)]


class PasswordResetConfirmRequest(Request):
    token: LinkToken
    new_password: NewPassword
