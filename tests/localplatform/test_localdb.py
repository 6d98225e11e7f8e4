"""The embedded PostgreSQL never hands out another server's data: a port already held by a
PostgreSQL serving another data directory is a clear error, for make run, make stack and tests."""
import psycopg2
import pytest

from localplatform.postgres import ForeignServer, LocalPostgres


@pytest.fixture
def other_checkout(tmp_path, postgres):
    """A second cluster of our own, pointed at the port the session's server already holds."""
    return LocalPostgres(tmp_path / "other" / "pg", postgres.port, durable=False)


def test_a_port_held_by_another_postgres_is_refused_with_a_clear_message(other_checkout, postgres):
    with pytest.raises(ForeignServer, match=f"Port {postgres.port} is held by another PostgreSQL server") as refused:
        other_checkout.start()
    assert str(postgres.data_dir) in str(refused.value) and "PG_PORT" in str(refused.value)
    assert other_checkout.pid is None
    # The server that held the port is untouched.
    psycopg2.connect(postgres.url, connect_timeout=5).close()


def test_using_a_running_server_checks_it_is_ours(other_checkout, postgres):
    assert postgres.verify() is postgres
    with pytest.raises(ForeignServer):
        other_checkout.verify()


def test_a_server_that_exits_on_a_free_port_points_at_its_log(tmp_path):
    from localplatform.ports import free_port

    server = LocalPostgres(tmp_path / "broken" / "pg", free_port(), durable=False)
    server.start().stop()
    with open(server.data_dir / "postgresql.conf", "a") as conf:
        conf.write("shared_buffers = 'not a size'\n")  # PostgreSQL refuses to start, for its own reason
    with pytest.raises(RuntimeError, match=r"^PostgreSQL exited at start-up; see .*"):
        server.start()
