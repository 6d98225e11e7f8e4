"""python -m service, run as a real subprocess against the session's PostgreSQL."""
import json
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from service.contract.openapi import build_openapi
from service.domain.identifiers import throttle_digest
from service.runtime.settings import read_version
from tests.service.conftest import PASSWORD, SECRET

ROOT = Path(__file__).resolve().parents[2]
# Taken out of the caller's environment, so each test says which it sets.
SERVICE_VARIABLES = ("SECRET_KEY", "PASSWORD_PEPPER", "DATABASE_URL", "APP_ENV")


def cli(*args, env=None, stdin=None):
    environ = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "service", *args], cwd=ROOT, env=environ, input=stdin,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def env(postgres, database):
    return {"APP_ENV": "test", "DATABASE_URL": postgres.url, "SECRET_KEY": SECRET}


@pytest.mark.parametrize("command", ["serve", "migrate", "create-admin", "seed", "prune", "mail-worker", "openapi"])
def test_every_command_has_help(command):
    result = cli(command, "--help")
    assert result.returncode == 0 and "usage: python -m service" in result.stdout


def test_no_command_is_a_usage_error():
    result = cli()
    assert result.returncode == 2 and "required" in result.stderr


def test_migrate_is_safe_to_rerun(env):
    first, second = cli("migrate", env=env), cli("migrate", env=env)
    assert first.returncode == second.returncode == 0
    assert second.stdout.strip() == "database is up to date"


def test_migrate_in_production_names_the_missing_setting():
    result = cli("migrate", env={"APP_ENV": "production", "SECRET_KEY": SECRET})
    assert result.returncode == 2
    assert result.stderr.strip() == "error: DATABASE_URL is required in production."


def test_serve_in_production_refuses_without_secret_key(postgres):
    result = cli("serve", env={"APP_ENV": "production", "DATABASE_URL": postgres.url})
    assert result.returncode == 2
    assert result.stderr.strip() == "error: SECRET_KEY is required in production."


@pytest.mark.parametrize("args, environ, message", [
    ((), {"WEB_CONCURRENCY": "lots"}, "WEB_CONCURRENCY must be an integer."),
    ((), {"PORT": "0"}, "PORT must be between 1 and 65535."),
    ((), {"GRACEFUL_TIMEOUT": "soon"}, "GRACEFUL_TIMEOUT must be an integer."),
    (("--workers", "0"), {}, "WEB_CONCURRENCY must be between 1 and 64."),
])
def test_serve_refuses_a_bad_server_setting_by_name(env, args, environ, message):
    result = cli("serve", *args, env={**env, **environ})
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {message}"


def test_create_admin_reads_the_password_from_the_environment_and_can_log_in(env, client):
    result = cli("create-admin", "--username", "boss", "--email", "boss@example.com",
                 env={**env, "ADMIN_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    assert "created admin boss" in result.stdout and PASSWORD not in result.stdout
    login = client.simulate_post("/api/v1/auth/login", json={"email": "boss@example.com", "password": PASSWORD})
    assert login.status_code == 200 and login.json["data"]["admin"] is True


def test_create_admin_refuses_weak_passwords_taken_names_and_missing_input(env):
    weak = cli("create-admin", "--username", "boss", "--email", "boss@example.com",
               env={**env, "ADMIN_PASSWORD": "password"})
    assert weak.returncode == 2 and "too easy to guess" in weak.stderr
    cli("create-admin", "--username", "boss", "--email", "boss@example.com", env={**env, "ADMIN_PASSWORD": PASSWORD})
    taken = cli("create-admin", "--username", "BOSS", "--email", "b2@example.com",
                env={**env, "ADMIN_PASSWORD": PASSWORD})
    assert taken.returncode == 2 and "Username is already taken." in taken.stderr
    no_password = cli("create-admin", "--username", "boss2", "--email", "b3@example.com", env=env, stdin="")
    assert no_password.returncode == 2 and "ADMIN_PASSWORD" in no_password.stderr


def test_seed_adds_demo_users_that_can_log_in(env, client):
    result = cli("seed", "--count", "30", "--prefix", "demo", env={**env, "SEED_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    page = client.simulate_get("/api/v1/users", params={"limit": 100}).json["data"]["users"]
    assert len(page) == 30 and page[0]["username"] == "demo_29"
    login = client.simulate_post("/api/v1/auth/login", json={"email": "demo_7@example.com", "password": PASSWORD})
    assert login.status_code == 200


@pytest.mark.parametrize("count", ["0", "-5", "lots", "1000001"])
def test_seed_refuses_bad_counts(env, count):
    result = cli("seed", "--count", count, env=env)
    assert result.returncode == 2 and "--count" in result.stderr


def test_seed_is_refused_in_production(postgres):
    result = cli("seed", env={"APP_ENV": "production", "DATABASE_URL": postgres.url, "SECRET_KEY": SECRET,
                              "PASSWORD_PEPPER": SECRET, "PUBLIC_URL": "https://users.example.org",
                              "MAIL_FROM": "no-reply@example.org"})
    assert result.returncode == 2 and "refused in production" in result.stderr


def test_prune_forgets_old_sent_mail_and_expired_links(env, client, register, database):
    register("alice")  # a confirmation link and its mail
    for _ in range(2):
        client.simulate_post("/api/v1/auth/password-reset", json={"email": "alice@example.com"})
    database.execute_sql("UPDATE mail_outbox SET status = 'sent', sent_at = now() - interval '40 days' "
                         "WHERE id = (SELECT min(id) FROM mail_outbox)")
    database.execute_sql("UPDATE password_reset_tokens SET expires_at = now() - interval '40 days' "
                         "WHERE id = (SELECT min(id) FROM password_reset_tokens)")
    database.execute_sql("UPDATE email_verification_tokens SET expires_at = now() - interval '40 days'")
    result = cli("prune", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == (
        "pruned 1 sent mails, 1 expired reset links and 1 expired confirmation links")
    assert database.execute_sql("SELECT count(*) FROM mail_outbox").fetchone() == (2,)
    assert database.execute_sql("SELECT count(*) FROM password_reset_tokens").fetchone() == (1,)


def test_the_mail_worker_needs_a_mail_url(postgres):
    result = cli("mail-worker", "--once", env={"APP_ENV": "production", "DATABASE_URL": postgres.url,
                                               "SECRET_KEY": SECRET, "PASSWORD_PEPPER": SECRET,
                                               "PUBLIC_URL": "https://users.example.org",
                                               "MAIL_FROM": "no-reply@example.org"})
    assert result.returncode == 2 and "set MAIL_URL" in result.stderr


def test_openapi_prints_the_document_without_a_database():
    result = cli("openapi", env={"APP_ENV": "production"})
    assert result.returncode == 0
    assert json.loads(result.stdout) == build_openapi(read_version())


@pytest.mark.parametrize("command", [["create-admin", "--username", "boss", "--email", "boss@example.com"],
                                     ["seed", "--count", "1"]])
def test_commands_that_hash_passwords_need_the_servers_key(postgres, command):
    result = cli(*command, env={"DATABASE_URL": postgres.url, "ADMIN_PASSWORD": PASSWORD})
    assert result.returncode == 2
    assert "set PASSWORD_PEPPER (or SECRET_KEY) to the server's" in result.stderr


def test_create_admin_hashes_under_the_servers_pepper(env, postgres, database):
    from service.app import create_app
    from service.security.passwords import Pepper
    from tests.service.conftest import settings_for
    from tests.service.contract_client import ContractClient

    pepper = "the server's password pepper, 32 bytes or more"
    result = cli("create-admin", "--username", "boss", "--email", "boss@example.com",
                 env={**env, "PASSWORD_PEPPER": pepper, "ADMIN_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    stored = database.execute_sql("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith(f"pepper:{Pepper.of(pepper).id}:")
    server = ContractClient(create_app(settings_for(postgres, PASSWORD_PEPPER=pepper), database))
    login = server.simulate_post("/api/v1/auth/login", json={"email": "boss@example.com", "password": PASSWORD})
    assert login.status_code == 200


def test_prune_deletes_only_ended_windows_and_long_dead_sessions(env, client, register, database):
    alice, bob, carol = register("alice"), register("bob"), register("carol")
    client.simulate_post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": "x"})
    database.execute_sql("UPDATE login_throttle SET window_started_at = now() - interval '2 hours'")
    client.simulate_post("/api/v1/auth/login", json={"email": "other@example.com", "password": "x"},
                         remote_addr="10.9.9.9")
    database.execute_sql("UPDATE sessions SET revoked_at = now() - interval '40 days' WHERE user_id = %s", (bob.id,))
    database.execute_sql("UPDATE sessions SET expires_at = now() - interval '40 days' WHERE user_id = %s", (carol.id,))
    result = cli("prune", env={**env, "LOGIN_WINDOW": "60"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "pruned 2 ended throttle windows and 2 dead sessions"
    assert client.simulate_get("/api/v1/auth/status", headers=alice.headers).status_code == 200
    remaining = {row[0] for row in database.execute_sql("SELECT key FROM login_throttle").fetchall()}
    assert remaining == {f"login:account:{throttle_digest('other@example.com')}", "login:ip:10.9.9.9"}


def test_prune_outlasts_the_request_bounds_when_it_must_wait(env, database):
    """Daily prune over years of dead rows may take longer than a request may: it must not be cut
    off by DATABASE_TIMEOUT. Here it waits on a table lock held for longer than that bound."""
    bound = 1
    with database.atomic():
        database.execute_sql("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE")
        pruning = subprocess.Popen([sys.executable, "-m", "service", "prune"], cwd=ROOT, text=True,
                                   env={**os.environ, **env, "DATABASE_TIMEOUT": str(bound)},
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        waiting_since = None
        while pruning.poll() is None and waiting_since is None:
            database.execute_sql("SELECT pg_stat_clear_snapshot()")  # else this transaction sees its first look
            if database.execute_sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                    "AND pid <> pg_backend_pid()").fetchone()[0]:
                waiting_since = time.monotonic()
            time.sleep(0.02)
        while pruning.poll() is None and time.monotonic() - waiting_since < 2 * bound:
            time.sleep(0.05)  # hold the lock past every bound a request would have
    out, err = pruning.communicate(timeout=60)
    assert waiting_since is not None, f"prune ended before waiting: {out} {err}"
    assert pruning.returncode == 0, err
    assert out.startswith("pruned ")


def test_prune_refuses_a_bad_keep_days(env):
    assert cli("prune", "--keep-days", "-1", env=env).returncode == 2


def prompted_create_admin(env, answers: list[str]) -> tuple[int, str]:
    """create-admin at a real terminal (a pty), typing each answer once its prompt is shown."""
    import fcntl
    import pty
    import select
    import termios
    import time

    main_fd, terminal_fd = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    process = subprocess.Popen(
        [sys.executable, "-m", "service", "create-admin", "--username", "boss", "--email", "boss@example.com"],
        cwd=ROOT, env={**environ, **env}, stdin=terminal_fd, stdout=terminal_fd, stderr=terminal_fd,
        # The pty becomes the controlling terminal, so getpass's /dev/tty is this one.
        start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    os.close(terminal_fd)
    output, pending, deadline = "", list(answers), time.monotonic() + 60
    while time.monotonic() < deadline:
        # getpass flushes input typed before its prompt, so answer each prompt once it shows
        # ("Password:", then "Repeat password:").
        answered = len(answers) - len(pending)
        if pending and output.count("assword:") > answered:
            os.write(main_fd, (pending.pop(0) + "\n").encode())
        ready, _, _ = select.select([main_fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # the terminal closed: the command has exited
                break
            output += chunk.decode(errors="replace")
        elif process.poll() is not None:
            break
    os.close(main_fd)
    return process.wait(timeout=10), output


def test_create_admin_prompts_twice_for_the_password_at_a_terminal(env, client):
    code, output = prompted_create_admin(env, [PASSWORD, PASSWORD])
    assert code == 0, output
    assert "Password:" in output and "Repeat password:" in output and "created admin boss" in output
    login = client.simulate_post("/api/v1/auth/login", json={"email": "boss@example.com", "password": PASSWORD})
    assert login.status_code == 200


def test_create_admin_refuses_mismatched_passwords(env, database):
    code, output = prompted_create_admin(env, [PASSWORD, "something else entirely"])
    assert code == 2 and "the passwords do not match" in output
    assert database.execute_sql("SELECT count(*) FROM users").fetchone()[0] == 0


def test_create_admin_normalises_like_the_api_and_may_take_a_reserved_name(env, client):
    decomposed = unicodedata.normalize("NFD", "Jos\u00e9@Example.com")
    result = cli("create-admin", "--username", "admin", "--email", decomposed, env={**env, "ADMIN_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    login = client.simulate_post("/api/v1/auth/login", json={"email": "jos\u00e9@example.com", "password": PASSWORD})
    assert login.status_code == 200 and login.json["data"]["username"] == "admin"
    mixed = cli("create-admin", "--username", "chief", "--email", "b\u043ess@example.com",
                env={**env, "ADMIN_PASSWORD": PASSWORD})
    assert mixed.returncode == 2 and "different scripts" in mixed.stderr
