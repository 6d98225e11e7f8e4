"""The real app, built by create_app over the session's PostgreSQL, with clean tables per test."""
from __future__ import annotations

import logging

import pytest

from localplatform.mail_sink import Mailbox, MailSink
from localplatform.ports import free_port
from service.app import create_app
from service.data import db as database_module
from service.data.models import MODELS
from service.runtime.logging_config import logging_dict
from service.runtime.settings import load_settings
from tests.service.contract_client import ContractClient

SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery staple"
# What the site's script sends with POST /auth/refresh (a cross-site form cannot).
JSON = {"Content-Type": "application/json"}


def settings_for(postgres, **environ):
    base = {"APP_ENV": "test", "DATABASE_URL": postgres.url, "SECRET_KEY": SECRET,
            "LOGIN_MAX_FAILURES": "3", "LOGIN_MAX_FAILURES_PER_IP": "6", "LOGIN_WINDOW": "60"}
    return load_settings({**base, **environ})


@pytest.fixture(scope="session")
def database(postgres):
    handle = database_module.create_database(postgres.url)
    database_module.migrate(handle)
    yield handle
    handle.close()


@pytest.fixture(autouse=True)
def clean_tables(request):
    yield
    if "database" in request.fixturenames:
        handle = request.getfixturevalue("database")
        tables = ", ".join(model._meta.table_name for model in MODELS)
        handle.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
def mail_sink(tmp_path):
    """A real SMTP server (the one `make run` starts) storing into a fresh directory."""
    sink = MailSink(tmp_path / "mail", free_port()).start()
    yield sink
    sink.stop()


@pytest.fixture
def mailbox(mail_sink):
    return Mailbox(mail_sink.directory)


@pytest.fixture
def settings(postgres, mail_sink):
    return settings_for(postgres, MAIL_URL=mail_sink.url, PUBLIC_URL="https://users.example.org")


@pytest.fixture
def app(settings, database):
    return create_app(settings, database)


@pytest.fixture
def client(app):
    return ContractClient(app)


class Actor:
    """A registered user as a test sees one: its data, token and refresh cookie."""

    def __init__(self, client, response):
        assert response.status_code in (200, 201), response.json
        self.client = client
        self.data = response.json["data"]
        self.id = self.data["id"]
        self.token = response.json["auth_token"]
        self.refresh_cookie = response.cookies["refresh_token"].value

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def register(client):
    def make(username="alice", email=None, password=PASSWORD, **extra):
        body = {"username": username, "email": email or f"{username}@example.com", "password": password, **extra}
        return Actor(client, client.simulate_post("/api/v1/auth/register", json=body))

    return make


@pytest.fixture
def user(register):
    return register("alice")


@pytest.fixture
def admin(register, database):
    actor = register("chief")
    database.execute_sql("UPDATE users SET admin = true WHERE id = %s", (actor.id,))
    return actor


@pytest.fixture
def debug_logging_as_configured(caplog):
    """LOG_LEVEL=DEBUG, with the library levels service.runtime.logging_config pins."""
    pinned = {name: config["level"] for name, config in logging_dict("DEBUG")["loggers"].items()}
    quiet = {name: logging.getLogger(name).level for name in pinned}
    for name, level in pinned.items():
        logging.getLogger(name).setLevel(level)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)
