"""`make run`: PostgreSQL (embedded unless DATABASE_URL is set), migrations, then the API and site,
the mail worker, and a real SMTP sink that keeps every mail in var/mail/ with a dev mailbox page.

`python -m localplatform.dev_server COMMAND ...` instead runs `python -m service COMMAND ...` with the
same database and keys (while `make run` is up), e.g. `create-admin` for `make admin`.

Ctrl-C (or SIGTERM) stops the server (granian), then PostgreSQL. Both children also die with this
process if it is killed outright, so the next run always starts cleanly.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from localplatform.environment import service_environment
from localplatform.keys import KeyStore
from localplatform.mail_sink import Mailbox, MailboxPage, MailSink
from localplatform.ports import PortUnavailable, setting_port
from localplatform.postgres import ForeignServer, LocalPostgres
from localplatform.processes import dies_with_parent

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("VAR_DIR", ROOT / "var"))


# Under var/ so tokens and password hashes survive restarts of the dev server.
KEYS = KeyStore(VAR, secret_key_file="dev-secret-key", password_pepper_file="dev-password-pepper")


@dataclass(frozen=True)
class DevPorts:
    site: int
    mail_sink: int
    mailbox: int

    @classmethod
    def configured(cls, environ: Mapping[str, str]) -> DevPorts:
        """The ports as set or defaulted, unchecked: for commands run beside a running `make run`."""
        return cls(*(int(environ.get(variable) or default) for variable, default, _ in PORT_SETTINGS))

    @classmethod
    def available(cls, environ: Mapping[str, str]) -> DevPorts:
        """Ports to listen on now. Raises PortUnavailable with a one-line message."""
        return cls(*(setting_port(environ, variable, default, fallback)
                     for variable, default, fallback in PORT_SETTINGS))


# (variable, default, whether a busy default gives way to a free port). The site keeps its port:
# bookmarks, `make client-dev`'s proxy and the links in mail already sent point there. The mail
# ports give way: 8025 is also Mailpit's and MailHog's, and the mailbox address is printed.
PORT_SETTINGS = (("PORT", 8080, False), ("MAIL_SINK_PORT", 8025, True), ("MAILBOX_PORT", 8026, True))


def service_env(database_url: str, ports: DevPorts) -> dict:
    settings = {"PORT": str(ports.site),
                "MAIL_URL": f"smtp://127.0.0.1:{ports.mail_sink}?tls=off",
                "PUBLIC_URL": f"http://127.0.0.1:{ports.site}"}  # links in mail point here
    dist = ROOT / "client" / "dist"
    if (dist / "index.html").exists():
        settings["CLIENT_DIST"] = str(dist)
    return service_environment(database_url, KEYS, "development", settings, environ_wins=True)


def run_service_command(args: list[str]) -> int:
    """`python -m service ARGS` against make run's database, with make run's key and settings."""
    env = service_env(os.environ.get("DATABASE_URL") or LocalPostgres(VAR / "pg", pg_port()).verify().url,
                      DevPorts.configured(os.environ))
    return subprocess.run([sys.executable, "-m", "service", *args], env=env, cwd=ROOT).returncode


def pg_port() -> int:
    return int(os.environ.get("PG_PORT", "54329"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        return run_service_command(argv)
    try:
        ports = DevPorts.available(os.environ)
    except PortUnavailable as error:
        print(error, file=sys.stderr, flush=True)
        return 1
    database = None
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        try:
            database = LocalPostgres(VAR / "pg", pg_port()).start()
        except ForeignServer as error:
            print(error, file=sys.stderr, flush=True)
            return 1
        database_url = database.url
        print(f"PostgreSQL (embedded, data in {VAR / 'pg'}): {database_url}", flush=True)
    env = service_env(database_url, ports)
    sink = MailSink(VAR / "mail", ports.mail_sink).start()
    mailbox = MailboxPage(Mailbox(sink.directory), ports.mailbox).start()
    base = f"http://127.0.0.1:{env['PORT']}"
    print(f"Site: {base}/   API: {base}/api/v1   Docs: {base}/api/v1/docs   (Ctrl-C stops)", flush=True)
    print(f"Mail: {mailbox.url}   (dev mailbox: every mail sent to {sink.host}:{sink.port}, kept in "
          f"{sink.directory})", flush=True)
    server = subprocess.Popen([sys.executable, "-m", "service", "serve"], env=env, cwd=ROOT,
                              start_new_session=True, preexec_fn=dies_with_parent(signal.SIGTERM))
    mail_worker = subprocess.Popen([sys.executable, "-m", "service", "mail-worker", "--poll", "1"], env=env,
                                   cwd=ROOT, start_new_session=True, preexec_fn=dies_with_parent(signal.SIGTERM))

    def stop(signum, frame):
        for child in (server, mail_worker):
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        code = server.wait()
    finally:
        stop(None, None)
        mail_worker.wait()
        mailbox.stop()
        sink.stop()
        if database:
            database.stop()
        print("stopped.", flush=True)
    return 0 if code in (0, -signal.SIGTERM) else code


if __name__ == "__main__":
    sys.exit(main())
