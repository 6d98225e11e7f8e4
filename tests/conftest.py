"""Fixtures shared by every suite: one real PostgreSQL server for the whole session."""
from __future__ import annotations

import pytest

from localplatform.ports import free_port
from localplatform.postgres import LocalPostgres


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    server = LocalPostgres(tmp_path_factory.mktemp("pg") / "data", free_port(), durable=False).start()
    yield server
    server.stop()
