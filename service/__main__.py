"""Command line: python -m service {serve,migrate,create-admin,seed,prune,mail-worker,openapi}."""
from __future__ import annotations

import argparse
import getpass
import json
import logging.config
import os
import secrets
import signal
import sys
import threading
from datetime import timedelta

from pydantic import ValidationError

from service.app import password_hasher
from service.contract.openapi import build_openapi
from service.contract.schemas import UserCreateRequest
from service.data import db as database_module
from service.data.models import User, utcnow
from service.domain import throttle
from service.domain.accounts import Accounts, Conflict, PasswordRefused
from service.domain.email_verification import EmailVerification
from service.domain.identifiers import IdentifierRefused, UsernameRules, fold, skeleton
from service.domain.password_reset import PasswordResets
from service.domain.sessions import Sessions
from service.mail.outbox import Outbox
from service.mail.senders import sender_for
from service.mail.worker import MailWorker
from service.runtime import server
from service.runtime.logging_config import logging_dict
from service.runtime.settings import Settings, SettingsError, load_settings, load_version

SEED_BATCH = 1000


class CommandError(Exception):
    """A command could not do its job; the message says why."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "openapi":  # needs no database or secrets
            print(json.dumps(build_openapi(load_version()), indent=2, sort_keys=True))
            return 0
        settings = load_settings()
        logging.config.dictConfig(logging_dict(settings.log_level))
        return args.handler(args, settings)
    except (SettingsError, CommandError, database_module.MigrationRefused) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def serve(args, settings: Settings) -> int:
    applied = database_module.migrate(database_module.create_database(settings.database_url))
    if applied:
        print(f"applied migrations: {', '.join(applied)}", file=sys.stderr)
    # Outside production the keys may have been made up at start-up: every worker, which loads
    # its own settings from this environment, gets the same ones.
    os.environ.update({"SECRET_KEY": settings.secret_key, "PASSWORD_PEPPER": settings.password_pepper})
    overrides = {"HOST": args.host, "PORT": args.port, "WEB_CONCURRENCY": args.workers}
    os.environ.update({name: str(value) for name, value in overrides.items() if value is not None})
    server.serve(load_settings())
    return 0


def migrate(args, settings: Settings) -> int:
    applied = database_module.migrate(database_module.create_database(settings.database_url))
    print(f"applied: {', '.join(applied)}" if applied else "database is up to date")
    return 0


def _require_server_pepper(settings: Settings) -> None:
    """Passwords are hashed under the server's pepper; one made up for this process makes them unusable."""
    if settings.pepper_is_ephemeral:
        raise CommandError("set PASSWORD_PEPPER (or SECRET_KEY) to the server's "
                           "(under `make run`, use `make admin` instead).")


def create_admin(args, settings: Settings) -> int:
    _require_server_pepper(settings)
    password = os.environ.get("ADMIN_PASSWORD") or _prompt_password()
    try:
        body = UserCreateRequest(username=args.username, email=args.email, password=password, admin=True)
    except ValidationError as error:
        raise CommandError("; ".join(f"{e['loc'][0] if e['loc'] else 'password'}: {e['msg']}"
                                     for e in error.errors())) from None
    database = database_module.create_database(settings.database_url)
    accounts = Accounts(database, password_hasher(settings),
                        UsernameRules.from_file(settings.reserved_usernames_file))
    with database.connection_context():
        try:
            # The operator may take a reserved name; every other rule is the API's.
            # The operator vouches for the address: the first admin must get in before mail works.
            user = accounts.create(body.username, body.email, body.password, admin=True, allow_reserved=True,
                                   email_verified=True)
        except Conflict as taken:
            raise CommandError(" ".join(message for messages in taken.errors.values()
                                        for message in messages)) from None
        except IdentifierRefused as refused:
            raise CommandError(f"{refused.field}: {refused.message}") from None
        except PasswordRefused as refused:
            raise CommandError(f"password: {refused}") from None
    print(f"created admin {user.username} <{user.email}> (id {user.id})")
    return 0


def _prompt_password() -> str:
    if not sys.stdin.isatty():
        raise CommandError("set ADMIN_PASSWORD, or run in a terminal to be prompted.")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise CommandError("the passwords do not match.")
    return first


def seed(args, settings: Settings) -> int:
    if settings.production:
        raise CommandError("seed adds demo users and is refused in production.")
    _require_server_pepper(settings)
    password = os.environ.get("SEED_PASSWORD") or secrets.token_urlsafe(12)
    # One hash for all: seeding 100k users must not take 100k bcrypt rounds.
    password_hash = password_hasher(settings).hash(password)
    database = database_module.create_database(settings.database_url)
    start = utcnow() - timedelta(seconds=args.count)
    prefix = args.prefix or f"demo{secrets.token_hex(2)}"
    with database.connection_context():
        for offset in range(0, args.count, SEED_BATCH):
            rows = [_demo_row(f"{prefix}_{n}", password_hash, start + timedelta(seconds=n))
                    for n in range(offset, min(offset + SEED_BATCH, args.count))]
            with database.atomic():
                User.insert_many(rows).execute()
    print(f"seeded {args.count} users {prefix}_0..{prefix}_{args.count - 1}; their password: {password}")
    return 0


def _demo_row(username: str, password_hash: str, created_at) -> dict:
    email = f"{username}@example.com"
    return {"username": username, "username_key": fold(username), "username_skeleton": skeleton(username),
            "email": email, "email_key": fold(email), "password_hash": password_hash,
            "created_at": created_at, "updated_at": created_at}


def prune(args, settings: Settings) -> int:
    database = database_module.create_database(settings.database_url)
    # Years of dead sessions may take longer to delete than a request may wait.
    with database_module.unbounded_connection(database):
        throttles = throttle.prune(settings.login_window)
        sessions = Sessions(database, settings.refresh_token_ttl).prune(keep=timedelta(days=args.keep_days))
        cutoff = utcnow() - timedelta(days=args.keep_days)
        mails, links = Outbox().prune(sent_before=cutoff), PasswordResets.links.prune(expired_before=cutoff)
        confirmations = EmailVerification.links.prune(expired_before=cutoff)
    print(f"pruned {throttles} ended throttle windows and {sessions} dead sessions")
    print(f"pruned {mails} sent mails, {links} expired reset links and {confirmations} expired confirmation links")
    return 0


def mail_worker(args, settings: Settings) -> int:
    if not settings.mail_url:
        raise CommandError("set MAIL_URL (smtp://, smtps:// or ses://) for the mail worker.")
    database = database_module.create_database(settings.database_url)
    worker = MailWorker(database, sender_for(settings.mail_url, settings.mail_ses_configuration_set),
                        settings.mail_max_attempts, settings.mail_retry_base)
    if args.once:
        with database.connection_context():
            print(f"sent {worker.drain()} mails")
        return 0
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print(f"mail worker: polling the outbox every {args.poll}s", file=sys.stderr, flush=True)
    worker.run(stop, args.poll)
    return 0


def _poll_seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a number of seconds") from None
    if not 0.1 <= seconds <= 3600:
        raise argparse.ArgumentTypeError("must be from 0.1 to 3600 seconds")
    return seconds


def _seed_count(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 1_000_000:
        raise argparse.ArgumentTypeError("must be an integer from 1 to 1000000")
    return int(value)


def _keep_days(value: str) -> int:
    if not value.isdigit() or int(value) > 3650:
        raise argparse.ArgumentTypeError("must be an integer from 0 to 3650")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m service", description="The users service.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("serve", help="apply migrations, then serve the API with granian",
                              description="Apply migrations, then serve the API with granian.")
    run.add_argument("--host", help="bind address (env HOST, default 127.0.0.1)")
    run.add_argument("--port", type=int, help="port (env PORT, default 8080)")
    run.add_argument("--workers", type=int, help="worker processes (env WEB_CONCURRENCY)")
    run.set_defaults(handler=serve)

    commands.add_parser("migrate", help="apply pending migrations (safe to re-run)",
                        description="Apply pending migrations. Safe to re-run.").set_defaults(handler=migrate)

    admin = commands.add_parser("create-admin", help="create an admin account",
                                description="Create an admin. The password comes from ADMIN_PASSWORD or a prompt.")
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", required=True)
    admin.set_defaults(handler=create_admin)

    demo = commands.add_parser("seed", help="add demo users (not in production)",
                               description="Add demo users sharing one password (SEED_PASSWORD or random).")
    demo.add_argument("--count", type=_seed_count, default=25, help="1 to 1000000 (default 25)")
    demo.add_argument("--prefix", help="username prefix (default: random)")
    demo.set_defaults(handler=seed)

    tidy = commands.add_parser("prune", help="delete ended throttle windows and long-dead sessions",
                               description="Delete ended login-throttle windows, and sessions that expired or "
                                           "were revoked, mail sent and reset links expired more than "
                                           "--keep-days ago. Safe to run from cron.")
    tidy.add_argument("--keep-days", type=_keep_days, default=30, help="0 to 3650 (default 30)")
    tidy.set_defaults(handler=prune)

    mail = commands.add_parser("mail-worker", help="send the mail waiting in the outbox",
                               description="Send outbox mail through MAIL_URL, retrying failures with "
                                           "exponential backoff. Any number may run at once.")
    mail.add_argument("--once", action="store_true", help="send what is due, then exit")
    mail.add_argument("--poll", type=_poll_seconds, default=2.0, help="seconds between scans (default 2)")
    mail.set_defaults(handler=mail_worker)

    commands.add_parser("openapi", help="print the OpenAPI document",
                        description="Print the OpenAPI 3.1 document as JSON.")
    return parser


if __name__ == "__main__":
    sys.exit(main())
