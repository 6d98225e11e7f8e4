"""Free TCP ports on 127.0.0.1 for local servers (tests, stack, bench, soak)."""
from __future__ import annotations

import socket

# The kernel picks bind(0) ports at random, so two calls can name the same port; a process that
# starts several servers (a test run) must never be handed one it was already given.
_handed_out: set[int] = set()


def free_ports(count: int) -> list[int]:
    """Distinct ports the kernel just handed out, none of them handed out before in this process."""
    probes: list[socket.socket] = []
    try:
        ports: list[int] = []
        while len(ports) < count:
            probe = socket.socket()
            probes.append(probe)  # held open until the end, so the kernel won't repeat it meanwhile
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
            if port not in _handed_out:
                ports.append(port)
        _handed_out.update(ports)
        return ports
    finally:
        for probe in probes:
            probe.close()


def free_port() -> int:
    return free_ports(1)[0]
