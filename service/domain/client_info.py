"""Who is on the other end of a request, as the domain records it (sessions) and logs it (auth events)."""
from __future__ import annotations

from dataclasses import dataclass

MAX_USER_AGENT = 256


@dataclass(frozen=True)
class ClientInfo:
    ip: str
    user_agent: str = ""

    @classmethod
    def of(cls, ip: str, user_agent: str | None) -> ClientInfo:
        """NUL bytes cannot be stored in PostgreSQL text; the column holds 256 characters."""
        return cls(ip, (user_agent or "").replace("\x00", "")[:MAX_USER_AGENT])

    def log_fields(self) -> dict[str, str]:
        return {"ip": self.ip, "user_agent": self.user_agent}
