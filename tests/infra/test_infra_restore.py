"""The restore procedure end to end, locally: real users in a running service's database, the
dump the host's nightly timer takes (pg_dump --format custom), `python -m infra.restore` into a
fresh embedded PostgreSQL cluster, the service started on it, and a restored user logging in."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest
import requests

from localplatform.ports import free_port
from localplatform.postgres import POSTGRES_BIN_PATH, LocalPostgres

REPO_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
START_TIMEOUT = 120.0
# bcrypt at production cost on a shared, busy machine: generous, it bounds a hang, it times nothing.
REQUEST_TIMEOUT = 60
# The service must run with the dumped stack's keys: password hashes are peppered with them.
SECRET_KEY = secrets.token_urlsafe(48)
PASSWORD_PEPPER = secrets.token_urlsafe(48)


@contextmanager
def running_service(database_url: str):
    """The real service (granian, production settings) on a free port."""
    port = free_port()
    environment = {
        **os.environ,
        "APP_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "PASSWORD_PEPPER": PASSWORD_PEPPER,
        "PUBLIC_URL": "http://127.0.0.1",
        "MAIL_FROM": "Users platform <no-reply@localhost>",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "COOKIE_SECURE": "false",
        "BCRYPT_ROUNDS": "12",
        "REQUIRE_VERIFIED_EMAIL": "false",  # this test registers and logs in with no mail to read
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "serve"], cwd=REPO_ROOT, env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _healthy(url):
            if process.poll() is not None:
                raise AssertionError(f"the service exited: {process.stderr.read().decode(errors='replace')}")
            if time.monotonic() > deadline:
                raise AssertionError("the service never answered /api/v1/health")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/api/v1/health", timeout=5).status_code == 200
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout):
        # Not up yet, or a worker still booting on a busy machine: ask again until START_TIMEOUT.
        return False


def login(url: str, email: str, password: str = PASSWORD) -> requests.Response:
    return requests.post(f"{url}/api/v1/auth/login", json={"email": email, "password": password}, timeout=REQUEST_TIMEOUT)


@pytest.fixture(scope="module")
def nightly_dump(tmp_path_factory) -> Path:
    """Users registered through the running service, then the dump the host's timer takes."""
    tmp_path = tmp_path_factory.mktemp("nightly")
    dump = tmp_path / "platform-20261124T020000Z.dump"
    with LocalPostgres(tmp_path / "source", free_port(), database="platform", durable=False) as source, \
            running_service(source.url) as url:
        for name in ("alice", "bob"):
            body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
            assert requests.post(f"{url}/api/v1/auth/register", json=body, timeout=REQUEST_TIMEOUT).status_code == 201
        with dump.open("wb") as out:
            subprocess.run(
                [str(POSTGRES_BIN_PATH / "pg_dump"), "--format", "custom", "--dbname", source.url],
                stdout=out, check=True, timeout=120,
            )
    # The timer's check before upload: pg_restore reads the archive's table of contents from stdin.
    with dump.open("rb") as archive:
        listed = subprocess.run([str(POSTGRES_BIN_PATH / "pg_restore"), "--list"], stdin=archive, capture_output=True)
    assert listed.returncode == 0 and b"TABLE DATA public users" in listed.stdout
    return dump


def restore_cli(*args: str, path_prefix: Path | None = None) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    if path_prefix:
        environment["PATH"] = f"{path_prefix}:{environment['PATH']}"
    return subprocess.run(
        [sys.executable, "-m", "infra.restore", *args], cwd=REPO_ROOT, env=environment,
        capture_output=True, text=True, timeout=600,
    )


def aws_cli_stub(tmp_path: Path, body: str) -> Path:
    """An `aws` on PATH: no AWS here, so it records the call and plays S3's part with `body`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = bin_dir / "aws"
    stub.write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path}/aws.call\n{body}\n")
    stub.chmod(0o755)
    return bin_dir


def test_a_dump_restored_into_a_fresh_cluster_serves_its_users(nightly_dump: Path, tmp_path: Path):
    with LocalPostgres(tmp_path / "restored", free_port(), database="platform", durable=False) as target:
        result = restore_cli("--from", str(nightly_dump), "--database-url", target.url, "--pg-bin", str(POSTGRES_BIN_PATH))
        assert result.returncode == 0, result.stderr
        assert "restore: done" in result.stdout
        with running_service(target.url) as url:
            response = login(url, "alice@example.com")
            assert response.status_code == 200, response.text
            assert response.json()["data"]["username"] == "alice"
            assert login(url, "bob@example.com").status_code == 200
            assert login(url, "bob@example.com", "not the password at all").status_code == 401
            # And the restored service still takes new users.
            body = {"username": "carol", "email": "carol@example.com", "password": PASSWORD}
            assert requests.post(f"{url}/api/v1/auth/register", json=body, timeout=REQUEST_TIMEOUT).status_code == 201
            again = restore_cli("--from", str(nightly_dump), "--database-url", target.url,
                                "--pg-bin", str(POSTGRES_BIN_PATH), "--service-url", url)
            assert again.returncode == 0, again.stderr
            assert f"{url}/api/v1/health answers 200" in again.stdout


@pytest.fixture
def scratch_databases(postgres):
    """Makes new, empty databases in the session's PostgreSQL server; drops them afterwards."""
    admin = psycopg2.connect(f"postgresql://postgres@127.0.0.1:{postgres.port}/postgres")
    admin.autocommit = True
    names: list[str] = []

    def make() -> str:
        names.append(f"restore_{secrets.token_hex(4)}")
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{names[-1]}"')
        return f"postgresql://postgres@127.0.0.1:{postgres.port}/{names[-1]}"

    yield make
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def scratch_database(scratch_databases) -> str:
    return scratch_databases()


def test_restoring_over_a_database_replaces_its_rows_with_the_dump(nightly_dump: Path, scratch_database: str):
    first = restore_cli("--from", str(nightly_dump), "--database-url", scratch_database, "--pg-bin", str(POSTGRES_BIN_PATH))
    assert first.returncode == 0, first.stderr
    with psycopg2.connect(scratch_database) as connection, connection.cursor() as cursor:
        cursor.execute("DELETE FROM users WHERE username = 'bob'")
    result = restore_cli("--from", str(nightly_dump), "--database-url", scratch_database, "--pg-bin", str(POSTGRES_BIN_PATH))
    assert result.returncode == 0, result.stderr
    with psycopg2.connect(scratch_database) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT username FROM users ORDER BY username")
        assert [row[0] for row in cursor.fetchall()] == ["alice", "bob"]


def test_a_file_that_is_not_a_dump_is_refused_and_changes_nothing(tmp_path: Path, scratch_database: str):
    bogus = tmp_path / "notes.dump"
    bogus.write_text("not an archive")
    with psycopg2.connect(scratch_database) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE keep_me (id int)")
    result = restore_cli("--from", str(bogus), "--database-url", scratch_database, "--pg-bin", str(POSTGRES_BIN_PATH))
    assert result.returncode == 2
    assert f"{bogus} is not a pg_dump custom-format archive" in result.stderr
    with psycopg2.connect(scratch_database) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.keep_me') IS NOT NULL, to_regclass('public.users') IS NULL")
        assert cursor.fetchone() == (True, True)


def test_a_missing_file_is_named_in_the_error(tmp_path: Path):
    result = restore_cli("--from", str(tmp_path / "absent.dump"), "--database-url", "postgresql://nobody@127.0.0.1:1/x")
    assert result.returncode == 2
    assert "absent.dump is not a file (give a path or an s3:// URI)" in result.stderr


def test_an_s3_dump_is_downloaded_with_the_aws_cli_then_restored(nightly_dump: Path, tmp_path: Path, scratch_database: str):
    uri = "s3://users-platform-prod-backups-123456789012/pg_dump/platform-20261124T020000Z.dump"
    stub = aws_cli_stub(tmp_path, f'cp {nightly_dump} "$4"')
    result = restore_cli("--from", uri, "--database-url", scratch_database, "--pg-bin", str(POSTGRES_BIN_PATH),
                         path_prefix=stub)
    assert result.returncode == 0, result.stderr
    call = (tmp_path / "aws.call").read_text().split()
    assert call[:3] == ["s3", "cp", uri] and call[4:] == ["--only-show-errors"]
    with psycopg2.connect(scratch_database) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM users")
        assert cursor.fetchone() == (2,)


def test_a_dump_that_cannot_be_downloaded_is_reported_with_the_cli_error(tmp_path: Path):
    uri = "s3://users-platform-prod-backups-123456789012/pg_dump/absent.dump"
    stub = aws_cli_stub(tmp_path, 'echo "An error occurred (404) when calling the HeadObject operation: Not Found" >&2; exit 1')
    result = restore_cli("--from", uri, "--database-url", "postgresql://nobody@127.0.0.1:1/x", path_prefix=stub)
    assert result.returncode == 2
    assert f"could not download {uri}" in result.stderr and "(404)" in result.stderr


def test_a_dump_the_migrations_cannot_follow_is_reported_as_such(tmp_path: Path, scratch_databases):
    # Not one of ours: a users table but no migration history, so the first migration collides.
    foreign, target = scratch_databases(), scratch_databases()
    with psycopg2.connect(foreign) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE users (id int)")
    dump = tmp_path / "foreign.dump"
    subprocess.run([str(POSTGRES_BIN_PATH / "pg_dump"), "--format", "custom", "--file", str(dump), "--dbname", foreign],
                   check=True, timeout=120)
    result = restore_cli("--from", str(dump), "--database-url", target, "--pg-bin", str(POSTGRES_BIN_PATH))
    assert result.returncode == 2
    assert "the dump is restored but the migrations failed" in result.stderr
    assert '"users"' in result.stderr, "PostgreSQL's own reason, naming the table"
