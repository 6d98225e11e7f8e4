"""A readable device name from a User-Agent string, e.g. "Firefox 120 on Ubuntu".

ua-parser uses the maintained uap-core rules; its first call compiles them (about a second),
so it runs only where a name is needed: listing sessions and new-device notices.
"""
from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

UNKNOWN = "Unknown device"


@lru_cache(maxsize=1024)
def device_name(user_agent: str) -> str:
    if not user_agent:
        return UNKNOWN
    result = parse(user_agent)
    browser = _named(result.user_agent)
    system = _named(result.os)
    hardware = result.device.family if result.device and result.device.family not in ("Other", "Generic") else ""
    name = " on ".join(part for part in (browser, system) if part) or UNKNOWN
    return f"{name} ({hardware})" if hardware and hardware not in name else name


def _named(part) -> str:
    if part is None or part.family == "Other":
        return ""
    return f"{part.family} {part.major}" if part.major else part.family
