"""The client's address: X-Forwarded-For is believed only when a trusted proxy sent it.

The header is attacker-controlled text, so hops are parsed defensively: a hop that is not a
plain IP address (a zone such as `fe80::1%eth0`, a name, junk), met before the client is found,
makes the header untrustworthy and the peer address is used instead. Hops left of the client
are the client's own words and never read. Addresses come back in one canonical spelling, which
always fits the 45 characters stored with a session.
"""
from __future__ import annotations

import ipaddress

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_ip(remote_addr: str, forwarded_for: str | None, trusted_proxies: tuple) -> str:
    if not forwarded_for or not _trusted(_parse(remote_addr), trusted_proxies):
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    # Walk right to left: the first hop that is not one of our proxies is the client.
    for text in reversed(hops):
        hop = _parse(text)
        if hop is None:
            return remote_addr
        if not _trusted(hop, trusted_proxies):
            return str(hop)
    return str(_parse(hops[0])) if hops else remote_addr


def _parse(address: str) -> Address | None:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    # A zone names an interface on the sender's host: meaningless here, and unbounded in length.
    if getattr(ip, "scope_id", None) is not None:
        return None
    return ip


def _trusted(ip: Address | None, trusted_proxies: tuple) -> bool:
    return ip is not None and any(ip in network for network in trusted_proxies)
