"""What makes a password acceptable: length in characters, and not easily guessed."""
from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable: moderate protection"
# zxcvbn refuses longer input; a password's first 72 characters decide its strength.
SCORED_PREFIX = 72


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """The reason a password is refused, or None when it is acceptable."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"Password must be {MIN_LENGTH} to {MAX_LENGTH} characters."
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        return "Password contains invalid characters."
    inputs = [value for value in user_inputs if value]
    if zxcvbn(password[:SCORED_PREFIX], user_inputs=inputs)["score"] < MIN_SCORE:
        return "This password is too easy to guess."
    return None
