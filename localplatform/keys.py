"""The service's keys for a local run, each in its own file (mode 0600), made on first use.

Kept, not regenerated, so sessions and stored passwords survive a restart. Throwaway runs
(bench) that want neither use `KeyStore.ephemeral()`.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KeyStore:
    folder: Path | None
    secret_key_file: str = "secret_key"
    password_pepper_file: str = "password_pepper"

    @classmethod
    def ephemeral(cls) -> KeyStore:
        return cls(None)

    def secret_key(self) -> str:
        return self._read_or_make(self.secret_key_file)

    def password_pepper(self) -> str:
        return self._read_or_make(self.password_pepper_file)

    def _read_or_make(self, name: str) -> str:
        if self.folder is None:
            return secrets.token_urlsafe(48)
        path = self.folder / name
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()
