"""The client's address: X-Forwarded-For is believed only when a trusted proxy sent it."""
from __future__ import annotations

import ipaddress


def client_ip(remote_addr: str, forwarded_for: str | None, trusted_proxies: tuple) -> str:
    if not forwarded_for or not _trusted(remote_addr, trusted_proxies):
        return remote_addr
    # Walk right to left: the first hop that is not one of our proxies is the client.
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _valid(hop):
            return remote_addr
        if not _trusted(hop, trusted_proxies):
            return hop
    return hops[0] if hops else remote_addr


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
        return True
    except ValueError:
        return False


def _trusted(address: str, trusted_proxies: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted_proxies)
