"""A frozen PostgreSQL (SIGSTOP: its kernel still ACKs, its processes never answer) costs a
request one bounded wait and a 503 with Retry-After; routes without the database keep
answering, and the service recovers by itself once PostgreSQL resumes.

The server here is this module's own: freezing the session's would stall every other test.
A request that hangs is detected by a generous join, never by timing how fast it answers.
"""
from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor

import pytest

from localplatform.ports import free_port
from localplatform.postgres import LocalPostgres
from service.app import create_app
from service.data import db as database_module
from soak.faults import signal_postgres
from tests.service.conftest import PASSWORD, settings_for
from tests.service.contract_client import ContractClient

HUNG = 60  # seconds: far beyond the bound; reaching it means the request hung


@pytest.fixture
def own_postgres(tmp_path_factory):
    server = LocalPostgres(tmp_path_factory.mktemp("frozen") / "data", free_port(), durable=False).start()
    yield server
    signal_postgres(server, signal.SIGCONT)
    server.stop()


@pytest.fixture
def service(own_postgres):
    settings = settings_for(own_postgres, DATABASE_TIMEOUT="1")
    database = database_module.create_database(own_postgres.url, settings.database_timeout)
    database_module.migrate(database)
    client = ContractClient(create_app(settings, database))
    # One worker thread: its connection is opened before the freeze, as a busy worker's would be.
    worker = ThreadPoolExecutor(max_workers=1)
    yield client, worker
    worker.shutdown(wait=False, cancel_futures=True)


def call(worker, request, *args, **kwargs):
    return worker.submit(request, *args, **kwargs).result(timeout=HUNG)


def assert_unavailable(answer):
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"].isdigit()
    assert answer.json["status"] == "error"


def test_a_frozen_database_answers_503_keeps_ping_and_recovers(own_postgres, service):
    client, worker = service
    body = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
    assert call(worker, client.simulate_post, "/api/v1/auth/register", json=body).status_code == 201
    assert call(worker, client.simulate_get, "/api/v1/health").status_code == 200

    signal_postgres(own_postgres, signal.SIGSTOP)
    try:
        assert_unavailable(call(worker, client.simulate_get, "/api/v1/health"))
        assert_unavailable(call(worker, client.simulate_get, "/api/v1/users"))
        login = {"email": "alice@example.com", "password": PASSWORD}
        assert_unavailable(call(worker, client.simulate_post, "/api/v1/auth/login", json=login))
        assert call(worker, client.simulate_get, "/api/v1/ping").status_code == 200
        # A thread without a connection yet: connecting is bounded too.
        with ThreadPoolExecutor(max_workers=1) as fresh:
            assert_unavailable(call(fresh, client.simulate_get, "/api/v1/health"))
    finally:
        signal_postgres(own_postgres, signal.SIGCONT)

    assert call(worker, client.simulate_get, "/api/v1/health").status_code == 200
    assert call(worker, client.simulate_get, "/api/v1/users").json["data"]["users"][0]["username"] == "alice"


def test_a_slow_statement_is_cancelled_by_the_server_and_the_connection_lives_on(own_postgres, service):
    client, worker = service
    database = database_module.create_database(own_postgres.url, 1)
    with database.connection_context():
        with pytest.raises(Exception, match="statement timeout"):
            database.execute_sql("SELECT pg_sleep(5)")
        assert database.execute_sql("SELECT 1").fetchone() == (1,)
