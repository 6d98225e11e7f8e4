"""The mail worker's liveness signal: a file whose modification time each pass of its loop
renews. `python -m service mail-worker-health --max-age N` reads it for a container health check."""
from __future__ import annotations

import logging
import time
from pathlib import Path

log = logging.getLogger("service.mail")


class Heartbeat:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._failing = False

    def beat(self) -> None:
        try:
            self.path.touch()  # creates it, or sets its modification time to now
            self._failing = False
        except OSError as error:
            if not self._failing:  # once, not on every pass: the worker still sends mail meanwhile
                log.error("cannot renew the mail worker heartbeat %s: %s", self.path, error)
            self._failing = True

    def age(self) -> float | None:
        """Seconds since the last beat, or None when there has been none."""
        try:
            return max(0.0, time.time() - self.path.stat().st_mtime)
        except OSError:
            return None

    def is_fresh(self, max_age: float) -> bool:
        age = self.age()
        return age is not None and age <= max_age
