"""Free TCP ports on 127.0.0.1 for local servers (tests, stack, bench, soak), and the ports
`make run` listens on: a default that is busy gives way to a free port, a port someone chose does not."""
from __future__ import annotations

import socket
from collections.abc import Mapping

from localplatform.processes import port_in_use

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


class PortUnavailable(Exception):
    """A port setting that cannot be honoured; the message is one line naming the variable."""


def setting_port(environ: Mapping[str, str], variable: str, default: int, fallback: bool) -> int:
    """The port in `variable`, else `default`. A chosen port that is busy is an error naming the
    variable; a busy default is replaced by a free port when `fallback`, else the same error."""
    chosen = environ.get(variable)
    if chosen:
        try:
            port = int(chosen)
        except ValueError:
            port = 0
        if not 0 < port < 65536:
            raise PortUnavailable(f"{variable}={chosen} is not a port number (1 to 65535).")
        if port_in_use(port):
            raise PortUnavailable(f"127.0.0.1:{port} is already in use; choose another port with {variable}=...")
        return port
    if not port_in_use(default):
        return default
    if fallback:
        return free_port()
    raise PortUnavailable(f"127.0.0.1:{default} is already in use; choose another port with {variable}=...")
