"""Usernames and emails as the platform compares them: one normalisation, used everywhere.

Every account identifier goes through `fold` (NFKC, casefold, NFKC): İ, ß, fullwidth forms and
decomposed accents compare equal to what a person means, in Python and in PostgreSQL alike,
because the folded key is stored and the unique indexes are on the stored key. Bounds apply
after folding, so a key always fits its column.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from confusable_homoglyphs import confusables
from email_validator import EmailNotValidError, validate_email

from service.domain.refusals import FieldRefused

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 32
EMAIL_MAX_LENGTH = 254
USERNAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
# Script-neutral characters (punctuation, digits, combining marks) mix with any one script.
NEUTRAL_SCRIPTS = ["COMMON", "INHERITED"]


class IdentifierRefused(FieldRefused):
    """A username or email the platform will not store; `field` and `message` say why."""


def fold(value: str) -> str:
    """The compared form. NFKC again after casefold, which can leave a string unnormalised."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


def throttle_digest(value: str) -> str:
    """A fixed-size stand-in for an identifier of any length, for counters keyed on it."""
    return hashlib.sha256(fold(value).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Username:
    display: str
    key: str
    skeleton: str


@dataclass(frozen=True)
class Email:
    display: str
    key: str


def email_of(value: str) -> Email:
    """Validate and normalise an email for storing. Raises IdentifierRefused."""
    try:
        display = validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise IdentifierRefused("email", "Enter a valid email address.") from None
    key = fold(display)
    if max(len(display), len(key)) > EMAIL_MAX_LENGTH:
        raise IdentifierRefused("email", f"Email must be at most {EMAIL_MAX_LENGTH} characters.")
    if confusables.is_mixed_script(key.rsplit("@", 1)[0], allowed_aliases=NEUTRAL_SCRIPTS):
        raise IdentifierRefused("email", "Email mixes letters from different scripts.")
    return Email(display, key)


def email_key(value: str) -> str | None:
    """The stored key an account with this email would have, or None when none can."""
    key = fold(value)
    return key if len(key) <= EMAIL_MAX_LENGTH else None


def skeleton(value: str) -> str:
    """Two names with the same skeleton look alike (Unicode TR39 confusables, case folded)."""
    text = fold(value)
    for sequence, glyph in _LOOKALIKES.sequences:
        text = text.replace(sequence, glyph)
    return "".join(_LOOKALIKES.prototype.get(char, char) for char in text)


class UsernameRules:
    """The username rules: shape, one script, and names reserved for the operators."""

    def __init__(self, reserved: tuple[str, ...]):
        self._reserved = frozenset(skeleton(name) for name in reserved)

    @classmethod
    def from_file(cls, path: Path) -> UsernameRules:
        """One name a line; blank lines and `#` comments are ignored."""
        lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
        return cls(tuple(line for line in lines if line))

    def username_of(self, value: str, *, allow_reserved: bool = False) -> Username:
        """Validate and normalise a username for storing. Raises IdentifierRefused."""
        display = unicodedata.normalize("NFKC", value)
        key = fold(display)
        if not USERNAME_MIN_LENGTH <= max(len(display), len(key)) <= USERNAME_MAX_LENGTH:
            raise IdentifierRefused(
                "username", f"Username must be {USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH} characters.")
        if not re.fullmatch(USERNAME_PATTERN, display):
            raise IdentifierRefused(
                "username", "Username may contain only letters, digits, underscores, dots and hyphens.")
        if confusables.is_mixed_script(key, allowed_aliases=NEUTRAL_SCRIPTS):
            raise IdentifierRefused("username", "Username mixes letters from different scripts.")
        shape = skeleton(key)
        if not allow_reserved and shape in self._reserved:
            raise IdentifierRefused("username", "This username is reserved.")
        return Username(display, key, shape)


class _Lookalikes:
    """Prototypes from the confusables data: a character stands for the least code point it
    (in either case) is listed as confusable with; ASCII sequences like "rn" stand for "m"."""

    def __init__(self, data: dict[str, list[dict]]):
        related: dict[str, set[str]] = {}
        sequences = set()
        for char, entries in data.items():
            for entry in entries:
                text = entry["c"].strip("\u200e")
                if len(char) == 1 and len(text) == 1:
                    # The data lists each pair once; a look-alike relation goes both ways.
                    related.setdefault(char, {char}).add(text)
                    related.setdefault(text, {text}).add(char)
                elif len(char) == 1 and char.isascii() and text.isascii() and text.isalnum():
                    sequences.add((fold(text), fold(char)))

        def candidates(char: str) -> set[str]:
            return related.get(char, {char}) | related.get(char.upper(), {char.upper()})

        self.prototype = {}
        for char in related:
            folded = fold(char)
            if len(folded) == 1:
                self.prototype[folded] = fold(min(candidates(folded)))
        self.sequences = sorted(sequences, key=lambda pair: (-len(pair[0]), pair))


_LOOKALIKES = _Lookalikes(confusables.confusables_data)
