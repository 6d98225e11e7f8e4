"""Password hashing: bcrypt over an HMAC-SHA256 pre-hash.

bcrypt reads at most 72 bytes, and bcrypt 5 refuses longer input. Passwords may be up to
128 characters of any Unicode (up to 512 bytes of UTF-8), so each is first reduced to
base64(HMAC-SHA256(pepper, utf8(password))): 44 ASCII bytes that depend on every byte of
the password. The HMAC key (the pepper) is derived from SECRET_KEY, so a stolen database
alone is not enough to start guessing. Changing SECRET_KEY therefore invalidates every
stored password: rotate it only together with a password reset.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

import bcrypt


class PasswordHasher:
    def __init__(self, secret_key: str, rounds: int):
        self._pepper = hmac.new(secret_key.encode(), b"password-prehash-v1", hashlib.sha256).digest()
        self._rounds = rounds
        # Made up front: computed lazily, the first unknown-email login would take twice as long.
        self._dummy_hash = self.hash("dummy password for timing")

    def hash(self, password: str) -> str:
        return bcrypt.hashpw(self._prehash(password), bcrypt.gensalt(self._rounds)).decode()

    def verify(self, password: str, password_hash: str) -> bool:
        try:
            return bcrypt.checkpw(self._prehash(password), password_hash.encode())
        except ValueError:  # not a bcrypt hash
            return False

    def verify_dummy(self, password: str) -> None:
        """Spend the same time as a real check, for logins to accounts that do not exist."""
        self.verify(password, self._dummy_hash)

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return int(password_hash.split("$")[2]) != self._rounds
        except (IndexError, ValueError):
            return True

    def _prehash(self, password: str) -> bytes:
        digest = hmac.new(self._pepper, password.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest)
