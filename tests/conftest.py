"""Fixtures shared by every suite: one real PostgreSQL server for the whole session."""
from __future__ import annotations

import socket

import pytest

from scripts.localdb import LocalPostgres


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    server = LocalPostgres(tmp_path_factory.mktemp("pg") / "data", free_port(), durable=False).start()
    yield server
    server.stop()
