"""Who may call a responder: the policy a resource declares per method, e.g.
`access = {"GET": Access.OPTIONAL, "DELETE": Access.ADMIN}`. The access-control middleware enforces it."""
from __future__ import annotations

import enum


class Access(enum.Enum):
    PUBLIC = "public"
    OPTIONAL = "optional"  # anyone; a valid bearer token may unlock more
    USER = "user"
    ADMIN = "admin"
