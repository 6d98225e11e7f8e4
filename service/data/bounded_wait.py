"""Every wait on PostgreSQL ends within a bound, even when the server is frozen (SIGSTOP).

A frozen server's kernel still ACKs our packets and answers keepalives, so neither TCP
timeouts nor libpq's own settings notice, and a server-side statement_timeout cannot fire.
psycopg2 lets a wait callback do every wait for libpq (its "green" mode); ours polls the
socket with a deadline. When the deadline passes, the socket is shut down before raising:
on a failed callback psycopg2 drains the result with a blocking PQgetResult, which must
see end-of-file rather than wait forever.
"""
from __future__ import annotations

import select
import socket
import time

import psycopg2
import psycopg2.extensions


class BoundedConnection(psycopg2.extensions.connection):
    """A connection whose waits end after `wait_seconds` (None: no bound, e.g. for migrations)."""

    wait_seconds: float | None = None


def bounded_connection(seconds: float) -> type[BoundedConnection]:
    """A connection_factory for psycopg2.connect whose connections wait at most `seconds`."""
    return type("BoundedConnection", (BoundedConnection,), {"wait_seconds": seconds})


def install() -> None:
    """Route libpq's waits through wait_with_deadline (process-wide, idempotent)."""
    if psycopg2.extensions.get_wait_callback() is not wait_with_deadline:
        psycopg2.extensions.set_wait_callback(wait_with_deadline)


def wait_with_deadline(connection) -> None:
    bound = getattr(connection, "wait_seconds", None)
    deadline = None if bound is None else time.monotonic() + bound
    poller = select.poll()
    while True:
        state = connection.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        if state == psycopg2.extensions.POLL_READ:
            poller.register(connection.fileno(), select.POLLIN)
        elif state == psycopg2.extensions.POLL_WRITE:
            poller.register(connection.fileno(), select.POLLOUT)
        else:
            raise psycopg2.OperationalError(f"unexpected state from poll(): {state}")
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready = poller.poll(None if remaining is None else remaining * 1000)
        poller.unregister(connection.fileno())
        if not ready:
            _abandon(connection)
            raise psycopg2.OperationalError(f"PostgreSQL did not answer within {bound:g} s")


def _abandon(connection) -> None:
    """Make the socket read end-of-file, so libpq gives up at once; libpq still owns and closes it."""
    fd = connection.fileno()
    if fd < 0:
        return
    sock = socket.socket(fileno=fd)
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.detach()
