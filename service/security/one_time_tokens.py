"""Single-use link tokens (password reset, email confirmation): 32 random bytes, kept only as a hash."""
from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    # A 256-bit random secret needs no salt or slow hash: SHA-256 cannot be brute-forced back.
    return hashlib.sha256(token.encode()).hexdigest()


def digest_matches(token: str, stored_digest: str) -> bool:
    return hmac.compare_digest(token_digest(token), stored_digest)
