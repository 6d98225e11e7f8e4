"""Access tokens (JWT, HS256) and refresh tokens (opaque, stored hashed)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"
ACCESS_TYPE = "access"


class InvalidToken(Exception):
    """The token is missing, malformed, expired, forged or of the wrong kind."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    session_id: uuid.UUID


class AccessTokens:
    def __init__(self, secret_key: str, ttl: int, issuer: str, audience: str):
        self._key = secret_key
        self.ttl = ttl
        self._issuer = issuer
        self._audience = audience

    def issue(self, user_id: int, session_id: uuid.UUID, now: datetime | None = None) -> str:
        now = now or datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=self.ttl),
            "jti": uuid.uuid4().hex,
            "iss": self._issuer,
            "aud": self._audience,
            "typ": ACCESS_TYPE,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def decode(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token, self._key, algorithms=[ALGORITHM],
                issuer=self._issuer, audience=self._audience,
                options={"require": ["exp", "iat", "nbf", "sub", "sid", "iss", "aud", "typ"]},
            )
        except jwt.ExpiredSignatureError:
            raise InvalidToken("Token expired.") from None
        except jwt.PyJWTError:
            raise InvalidToken("Invalid token.") from None
        if claims["typ"] != ACCESS_TYPE:
            raise InvalidToken("Invalid token.")
        try:
            return AccessClaims(int(claims["sub"]), uuid.UUID(claims["sid"]))
        except (TypeError, ValueError):
            raise InvalidToken("Invalid token.") from None


@dataclass(frozen=True)
class RefreshToken:
    """`<session id>.<secret>`: the id finds the session, the secret proves possession."""

    session_id: uuid.UUID
    secret: str

    @classmethod
    def new(cls, session_id: uuid.UUID) -> RefreshToken:
        return cls(session_id, secrets.token_urlsafe(32))

    @classmethod
    def parse(cls, value: str) -> RefreshToken:
        session_part, _, secret = (value or "").partition(".")
        if not secret or len(value) > 200:
            raise InvalidToken("Invalid refresh token.")
        try:
            return cls(uuid.UUID(session_part), secret)
        except ValueError:
            raise InvalidToken("Invalid refresh token.") from None

    def __str__(self) -> str:
        return f"{self.session_id}.{self.secret}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.secret.encode()).hexdigest()

    def matches(self, stored_digest: str) -> bool:
        return hmac.compare_digest(self.digest, stored_digest)
