"""The production topology on 127.0.0.1 without containers: PostgreSQL, gunicorn, nginx.

    python -m scripts.stack run     # foreground; prints the URL; Ctrl-C stops everything
    python -m scripts.stack stop    # from another shell: stops a running stack by its PIDs

Tests use the same pieces: `with Stack(StackConfig(...)) as stack: stack.url`.
Environment for `run` and `stop`: STACK_PORT (public, default 8000), STACK_SERVICE_PORT
(gunicorn, default 8081), STACK_PG_PORT (default 54339), STACK_WORKERS (default 4),
STACK_STATE_DIR (default var/stack).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from nginx.process import NginxProcess, default_worker_user
from nginx.render import FrontSettings, render
from scripts.localdb import LocalPostgres

REPO_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
# What each PID file's process must look like before `stop` signals it (PIDs get reused).
PID_FILES = {
    "stack.pid": ("scripts.stack", signal.SIGTERM),
    "nginx.pid": ("nginx", signal.SIGQUIT),
    "gunicorn.pid": ("service", signal.SIGTERM),
    "postgres.pid": ("postgres", signal.SIGINT),
}


class StackError(RuntimeError):
    pass


@dataclass(frozen=True)
class StackConfig:
    state_dir: Path = REPO_ROOT / "var" / "stack"
    dist: Path = REPO_ROOT / "client" / "dist"
    public_port: int = 8000
    service_port: int = 8081
    postgres_port: int = 54339
    workers: int = 4
    auth_rate_per_minute: int = 30
    auth_burst: int = 20
    durable_postgres: bool = True
    # Extra service settings, e.g. a short ACCESS_TOKEN_TTL for browser tests.
    service_env: Mapping[str, str] = field(default_factory=dict)
    python: str = sys.executable

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> StackConfig:
        return cls(
            state_dir=Path(environ.get("STACK_STATE_DIR", REPO_ROOT / "var" / "stack")).resolve(),
            public_port=int(environ.get("STACK_PORT", "8000")),
            service_port=int(environ.get("STACK_SERVICE_PORT", "8081")),
            postgres_port=int(environ.get("STACK_PG_PORT", "54339")),
            workers=int(environ.get("STACK_WORKERS", "4")),
        )


class Stack:
    """Starts PostgreSQL, migrations, gunicorn and nginx in that order; stops them in reverse."""

    def __init__(self, config: StackConfig):
        self.config = config
        self._postgres: LocalPostgres | None = None
        self._gunicorn: subprocess.Popen[bytes] | None = None
        self._nginx: NginxProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.public_port}"

    @property
    def service_url(self) -> str:
        """gunicorn directly, bypassing nginx (for fault tests)."""
        return f"http://127.0.0.1:{self.config.service_port}"

    @property
    def postgres(self) -> LocalPostgres | None:
        return self._postgres

    @property
    def gunicorn_pid(self) -> int | None:
        return self._gunicorn.pid if self._gunicorn else None

    def start(self) -> Stack:
        self._check_prerequisites()
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._postgres = LocalPostgres(
                self.config.state_dir / "pg", self.config.postgres_port, durable=self.config.durable_postgres
            ).start()
            environment = self.service_environment()
            self._migrate(environment)
            self._start_gunicorn(environment)
            self._start_nginx()
        except BaseException:
            self.stop()
            raise
        self._write_pid_files()
        return self

    def stop(self) -> None:
        if self._nginx:
            self._nginx.stop()
            self._nginx = None
        if self._gunicorn:
            stop_process(self._gunicorn, signal.SIGTERM)
            self._gunicorn = None
        if self._postgres:
            self._postgres.stop()
            self._postgres = None
        for name in PID_FILES:
            (self.config.state_dir / name).unlink(missing_ok=True)

    def crashed_part(self) -> str | None:
        """Name of a part that exited on its own, if any."""
        if self._gunicorn and self._gunicorn.poll() is not None:
            return f"gunicorn (exit {self._gunicorn.returncode}, see {self._log('gunicorn.log')})"
        if self._nginx and self._nginx.pid and not process_alive(self._nginx.pid):
            return f"nginx (see {self.config.state_dir / 'nginx' / 'nginx.stderr'})"
        return None

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _check_prerequisites(self) -> None:
        if not (self.config.dist / "index.html").is_file():
            raise StackError(
                f"{self.config.dist}/index.html is missing: build the client first (make client-build)"
            )
        for name, port in [
            ("STACK_PORT", self.config.public_port),
            ("STACK_SERVICE_PORT", self.config.service_port),
            ("STACK_PG_PORT", self.config.postgres_port),
        ]:
            if port_in_use(port):
                raise StackError(f"127.0.0.1:{port} is already in use; pick another with {name}=...")

    def _log(self, name: str) -> Path:
        return self.config.state_dir / name

    def _secret_key(self) -> str:
        """A throwaway key for this local stack, kept so sessions survive a restart."""
        path = self.config.state_dir / "secret_key"
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()

    def service_environment(self) -> dict[str, str]:
        """What gunicorn runs with; also for CLI commands against this stack (create-admin)."""
        return {
            **os.environ,
            "APP_ENV": "production",
            "DATABASE_URL": self._postgres.url,
            "SECRET_KEY": self._secret_key(),
            "HOST": "127.0.0.1",
            "PORT": str(self.config.service_port),
            "WEB_CONCURRENCY": str(self.config.workers),
            "TRUSTED_PROXIES": "127.0.0.1",
            # The local stack is plain HTTP; a Secure cookie would never come back.
            "COOKIE_SECURE": "false",
            "PUBLIC_URL": f"http://127.0.0.1:{self.config.public_port}",
            "MAIL_FROM": "Users platform <no-reply@localhost>",
            **self.config.service_env,
        }

    def _migrate(self, environment: dict[str, str]) -> None:
        with open(self._log("migrate.log"), "ab") as log:
            result = subprocess.run(
                [self.config.python, "-m", "service", "migrate"],
                cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, timeout=120,
            )
        if result.returncode != 0:
            raise StackError(f"migrations failed; see {self._log('migrate.log')}")

    def _start_gunicorn(self, environment: dict[str, str]) -> None:
        with open(self._log("gunicorn.log"), "ab") as log:
            # Own session: Ctrl-C reaches only this supervisor, which then stops parts in order.
            self._gunicorn = subprocess.Popen(
                [self.config.python, "-m", "service", "serve"],
                cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        health = f"{self.service_url}/api/v1/health"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._gunicorn.poll() is not None:
                raise StackError(f"gunicorn exited with {self._gunicorn.returncode}; see {self._log('gunicorn.log')}")
            if http_status(health) == 200:
                return
            time.sleep(0.2)
        raise StackError(f"{health} did not answer 200 within {START_TIMEOUT:.0f}s")

    def _start_nginx(self) -> None:
        runtime_dir = self.config.state_dir / "nginx"
        settings = FrontSettings(
            conf_dir=runtime_dir / "conf",
            runtime_dir=runtime_dir,
            dist_root=self.config.dist.resolve(),
            upstream=f"127.0.0.1:{self.config.service_port}",
            http_port=self.config.public_port,
            auth_rate_per_minute=self.config.auth_rate_per_minute,
            auth_burst=self.config.auth_burst,
            worker_user=default_worker_user(),
        )
        self._nginx = NginxProcess(render(settings), runtime_dir)
        checked = self._nginx.check_config()
        if checked.returncode != 0:
            raise StackError(f"nginx rejected the config:\n{checked.stderr}")
        self._nginx.start(wait_for=("127.0.0.1", self.config.public_port))

    def _write_pid_files(self) -> None:
        pids = {
            "stack.pid": os.getpid(),
            "nginx.pid": self._nginx.pid,
            "gunicorn.pid": self._gunicorn.pid,
            "postgres.pid": self._postgres.pid,
        }
        for name, pid in pids.items():
            (self.config.state_dir / name).write_text(f"{pid}\n")


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def http_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return Path(f"/proc/{pid}").exists() and "zombie" not in process_state(pid)


def process_state(pid: int) -> str:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("State:"):
                return line.lower()
    except OSError:
        pass
    return ""


def stop_process(process: subprocess.Popen[bytes], stop_signal: signal.Signals) -> None:
    if process.poll() is not None:
        return
    process.send_signal(stop_signal)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


def run_in_foreground(config: StackConfig) -> int:
    stop_requested = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop_requested.set())
    stack = Stack(config)
    try:
        stack.start()
    except StackError as error:
        print(f"stack: {error}", file=sys.stderr)
        return 1
    print(
        f"Stack up: {stack.url}  (logs and PIDs in {config.state_dir}; Ctrl-C or `make stack-stop` stops it)",
        flush=True,
    )
    try:
        while not stop_requested.wait(timeout=1.0):
            crashed = stack.crashed_part()
            if crashed:
                print(f"stack: {crashed} stopped unexpectedly; shutting down", file=sys.stderr)
                return 1
        return 0
    finally:
        stack.stop()
        print("Stack stopped.", flush=True)


def stop_by_pid_files(state_dir: Path) -> int:
    """Ask a running supervisor to stop; if it is gone, stop what it left behind."""
    stopped_any = False
    for name, (marker, stop_signal) in PID_FILES.items():
        pid_file = state_dir / name
        if not pid_file.exists():
            continue
        pid = int(pid_file.read_text().strip())
        if process_alive(pid) and marker in command_line(pid):
            os.kill(pid, stop_signal)
            wait_for_exit(pid)
            stopped_any = True
        pid_file.unlink(missing_ok=True)
    print("Stack stopped." if stopped_any else "No stack was running.")
    return 0


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def wait_for_exit(pid: int) -> None:
    deadline = time.monotonic() + STOP_TIMEOUT
    while process_alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            return
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run", "stop"])
    args = parser.parse_args(argv)
    config = StackConfig.from_environ(os.environ)
    if args.command == "run":
        return run_in_foreground(config)
    return stop_by_pid_files(config.state_dir)


if __name__ == "__main__":
    sys.exit(main())
