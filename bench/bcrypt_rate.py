"""How many bcrypt checks per second N worker processes manage: the ceiling for /auth/login."""
from __future__ import annotations

import multiprocessing
import time

import bcrypt


def _checks_for(seconds: float, rounds: int) -> int:
    hashed = bcrypt.hashpw(b"x" * 44, bcrypt.gensalt(rounds))
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        bcrypt.checkpw(b"x" * 44, hashed)
        done += 1
    return done


def bcrypt_checks_per_second(workers: int, rounds: int, seconds: float = 5.0) -> float:
    with multiprocessing.Pool(workers) as pool:
        started = time.monotonic()
        counts = pool.starmap(_checks_for, [(seconds, rounds)] * workers)
        return sum(counts) / (time.monotonic() - started)
