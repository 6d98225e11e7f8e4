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
    pool = multiprocessing.Pool(workers)
    try:
        started = time.monotonic()
        counts = pool.starmap(_checks_for, [(seconds, rounds)] * workers)
        elapsed = time.monotonic() - started
    finally:
        # close() + join() let the workers leave on their own. The pool's __exit__ calls
        # terminate(), whose SIGTERM can catch a worker holding the task queue's lock, or land in
        # the SIGTERM handler coverage installs under `make test`; the join then waits forever.
        pool.close()
        pool.join()
    return sum(counts) / elapsed
