"""Request and response shapes. They validate input and generate the OpenAPI document."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from service.domain.identifiers import (
    EMAIL_MAX_LENGTH,
    USERNAME_MAX_LENGTH,
    USERNAME_MIN_LENGTH,
    USERNAME_PATTERN,
    IdentifierRefused,
    email_of,
)
from service.domain.password_policy import MAX_LENGTH, MIN_LENGTH, MIN_SCORE


def _valid_email(value: str) -> str:
    try:
        return email_of(value).display
    except IdentifierRefused as refused:
        raise PydanticCustomError("email", refused.message) from None


# Shapes only. What is stored, reserved or too easily guessed is the domain's to say
# (service.domain.identifiers and Accounts), for every caller alike.
Username = Annotated[str, Field(min_length=USERNAME_MIN_LENGTH, max_length=USERNAME_MAX_LENGTH,
                                pattern=USERNAME_PATTERN,
                                description="3 to 32 characters: letters, digits, _ . -; compared "
                                            "case-insensitively; reserved and look-alike names are refused")]
Email = Annotated[str, Field(max_length=EMAIL_MAX_LENGTH, json_schema_extra={"format": "email"}),
                  AfterValidator(_valid_email)]
# x-zxcvbn-min-score publishes the strength rule, so the client shows it without a copy of its own.
NewPassword = Annotated[str, Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH,
                                   description="8 to 128 characters, not easily guessed",
                                   json_schema_extra={"x-zxcvbn-min-score": MIN_SCORE})]
AnyPassword = Annotated[str, Field(min_length=1, max_length=MAX_LENGTH)]


class Request(BaseModel):
    # strict: "true" is not a boolean and 1 is not a string; forbid: nobody sends admin=true at sign-up.
    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value):
        # PostgreSQL text cannot hold NUL, and no legitimate input contains one.
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("nul", "Contains invalid characters.")
        return value


class RegisterRequest(Request):
    username: Username
    email: Email
    password: NewPassword


class LoginRequest(Request):
    email: Annotated[str, Field(min_length=1, max_length=EMAIL_MAX_LENGTH)]
    password: AnyPassword


class UserCreateRequest(Request):
    username: Username
    email: Email
    password: NewPassword
    admin: bool = False
    active: bool = True


def _partial_update_schema(schema: dict) -> None:
    """Absent means unchanged; null is not a value here, and an empty change is refused."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)
    schema["minProperties"] = 1


class PartialUpdate(Request):
    # Fields default to None only to mark them absent; an explicit null fails the strict type.
    model_config = ConfigDict(json_schema_extra=_partial_update_schema)


class UserUpdateRequest(PartialUpdate):
    username: Username = None
    email: Email = None
    password: NewPassword = None
    active: bool = None
    admin: bool = None


class ProfileUpdateRequest(PartialUpdate):
    username: Username = None
    email: Email = None
    current_password: AnyPassword = Field(None, description=(
        "Required with an `email` other than the current one: a new address can take the account "
        "over, so it needs the password, not only a token (ASVS 5.0 V7.5.1). Wrong guesses count "
        "as failed logins."))


class PasswordChangeRequest(Request):
    current_password: AnyPassword
    new_password: NewPassword


class PublicUser(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    created_at: datetime


class FullUser(PublicUser):
    email: str
    active: bool
    admin: bool
    updated_at: datetime
    email_verified_at: datetime | None = Field(description="When the owner confirmed `email`; null until then.")
    pending_email: str | None = Field(description="A new address the owner asked for, waiting for its "
                                                  "confirmation; `email` stays until then. Null if none.")


class UserPage(BaseModel):
    users: list[FullUser | PublicUser]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class Success(BaseModel):
    status: str = Field("success", json_schema_extra={"const": "success"})
    message: str


class UserEnvelope(BaseModel):
    status: str = Field("success", json_schema_extra={"const": "success"})
    message: str | None = None
    data: FullUser | PublicUser


class UserPageEnvelope(BaseModel):
    status: str = Field("success", json_schema_extra={"const": "success"})
    data: UserPage


class AuthEnvelope(BaseModel):
    status: str = Field("success", json_schema_extra={"const": "success"})
    message: str
    auth_token: str = Field(description="JWT access token; send as `Authorization: Bearer <token>`.")
    expires_in: int = Field(description="Seconds until the access token expires.")
    data: FullUser


class Ping(BaseModel):
    status: str = Field("success", json_schema_extra={"const": "success"})
    message: str
    version: str


class Failure(BaseModel):
    status: str = Field(description='"fail" for client errors, "error" for server errors')
    reason: str | None = Field(None, description='A stable code where a client acts on the refusal: '
                                                 '"email_unverified" on login (403).')
    message: str
    errors: dict[str, list[str]] | None = Field(None, description="Messages per field at fault.")
