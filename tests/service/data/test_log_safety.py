"""PostgreSQL's own log holds no email or password hash, whatever a duplicate does."""
import pytest

from service.domain.accounts import Accounts
from tests.service.conftest import PASSWORD


@pytest.fixture
def server_log(postgres):
    """What the test PostgreSQL writes to its log during the test."""
    start = postgres.log_path.stat().st_size

    def read() -> str:
        with open(postgres.log_path, encoding="utf-8", errors="replace") as log:
            log.seek(start)
            return log.read()

    return read


def test_a_duplicate_sign_up_leaves_no_statement_in_the_server_log(client, register, server_log):
    register("alice")
    again = client.simulate_post("/api/v1/auth/register",
                                 json={"username": "other", "email": "alice@example.com", "password": PASSWORD})
    assert again.status_code == 409
    text = server_log()
    assert "alice@example.com" not in text and "INSERT" not in text and "$2b$" not in text


def test_a_unique_violation_logs_neither_the_statement_nor_the_value(client, register, admin, server_log,
                                                                    monkeypatch):
    register("alice")
    bob = register("bob")
    # Lose the race after the pre-check: the unique index itself refuses the UPDATE.
    monkeypatch.setattr(Accounts, "_taken", staticmethod(lambda *args, **kwargs: {}))
    clash = client.simulate_patch(f"/api/v1/users/{bob.id}", headers=admin.headers, json={"email": "alice@example.com"})
    assert clash.status_code == 409
    text = server_log()
    assert "duplicate key value" in text  # the error is logged, so the checks below see its lines
    assert "alice@example.com" not in text and "UPDATE" not in text and "STATEMENT" not in text
