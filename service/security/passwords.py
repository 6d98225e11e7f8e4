"""Password hashing: bcrypt over an HMAC-SHA256 pre-hash keyed by a pepper.

bcrypt reads at most 72 bytes, and bcrypt 5 refuses longer input. Passwords may be up to
128 characters of any Unicode (up to 512 bytes of UTF-8), so each is first reduced to
base64(HMAC-SHA256(pepper, utf8(password))): 44 ASCII bytes that depend on every byte of
the password. The pepper (PASSWORD_PEPPER) is kept outside the database, so a stolen
database alone is not enough to start guessing.

Every stored hash names its pepper: `pepper:<id>:$2b$...`, the id derived from the pepper
itself. Rotating the pepper therefore keeps old hashes usable while the old pepper is still
configured (PREVIOUS_PASSWORD_PEPPERS), and the next successful login re-hashes under the
current one. Hashes made before the pepper had its own setting carry no id: they were made
under a pepper derived from SECRET_KEY, which is kept as the `legacy` id.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import bcrypt

LEGACY_ID = "legacy"
ID_PREFIX = "pepper:"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pepper:
    id: str
    key: bytes

    @classmethod
    def of(cls, secret: str) -> Pepper:
        key = secret.encode()
        # A keyed digest: it names the pepper without telling anything about it.
        return cls(hmac.new(key, b"password-pepper-id", hashlib.sha256).hexdigest()[:12], key)

    @classmethod
    def legacy(cls, secret_key: str) -> Pepper:
        """The pepper hashes were made under when SECRET_KEY also keyed the pre-hash."""
        return cls(LEGACY_ID, hmac.new(secret_key.encode(), b"password-prehash-v1", hashlib.sha256).digest())


class PasswordHasher:
    def __init__(self, pepper: Pepper, rounds: int, previous: Iterable[Pepper] = ()):
        self._current = pepper
        self._peppers = {known.id: known for known in (*previous, pepper)}
        self._rounds = rounds
        # Made up front: computed lazily, the first unknown-email login would take twice as long.
        self._dummy_hash = self.hash("dummy password for timing")

    def hash(self, password: str) -> str:
        digest = bcrypt.hashpw(self._prehash(self._current, password), bcrypt.gensalt(self._rounds)).decode()
        return f"{ID_PREFIX}{self._current.id}:{digest}"

    def verify(self, password: str, password_hash: str) -> bool:
        pepper_id, digest = _split(password_hash)
        pepper = self._peppers.get(pepper_id)
        if pepper is None:
            # Fail closed, and say what is missing: a pepper was retired while hashes still used it.
            log.error("password hash under unknown pepper id %r; add that pepper to PREVIOUS_PASSWORD_PEPPERS",
                      pepper_id)
            return False
        try:
            return bcrypt.checkpw(self._prehash(pepper, password), digest.encode())
        except ValueError:  # not a bcrypt hash
            return False

    def verify_dummy(self, password: str) -> None:
        """Spend the same time as a real check, for logins to accounts that do not exist."""
        self.verify(password, self._dummy_hash)

    def needs_rehash(self, password_hash: str) -> bool:
        pepper_id, digest = _split(password_hash)
        if pepper_id != self._current.id:
            return True
        try:
            return int(digest.split("$")[2]) != self._rounds
        except (IndexError, ValueError):
            return True

    @staticmethod
    def _prehash(pepper: Pepper, password: str) -> bytes:
        digest = hmac.new(pepper.key, password.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest)


def _split(password_hash: str) -> tuple[str, str]:
    """(pepper id, bcrypt hash); a hash without an id is from before peppers had ids."""
    if not password_hash.startswith(ID_PREFIX):
        return LEGACY_ID, password_hash
    pepper_id, _, digest = password_hash[len(ID_PREFIX):].partition(":")
    return pepper_id, digest
