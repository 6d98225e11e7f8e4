"""The production topology on 127.0.0.1 without containers: PostgreSQL, the service (granian), nginx,
and the mail worker sending over STARTTLS to a local SMTP sink (messages kept in STATE_DIR/mail/).

`make stack` runs it through localplatform.stack_command; tests and soak use it directly:
`with Stack(StackConfig(...)) as stack: stack.url`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from localplatform.environment import service_environment
from localplatform.http_client import http_status
from localplatform.keys import KeyStore
from localplatform.postgres import LocalPostgres
from localplatform.processes import port_in_use, process_alive, stop_process
from localplatform.stack_mail import StackMailServer
from nginx.process import NginxProcess, default_worker_user
from nginx.render import FrontSettings, render

REPO_ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
# What each PID file's process must look like before `stop` signals it (PIDs get reused).
PID_FILES = {
    "stack.pid": ("localplatform.stack_command", signal.SIGTERM),
    "nginx.pid": ("nginx", signal.SIGQUIT),
    "service.pid": ("service", signal.SIGTERM),
    "mail-worker.pid": ("mail-worker", signal.SIGTERM),
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
    mail_port: int = 8035
    workers: int = 4
    # How often the mail worker looks at the outbox (browser tests wait on the mail it sends).
    mail_poll_seconds: float = 1.0
    # nginx rate limits, as FrontSettings fields (auth_rate_per_minute, api_burst, ...);
    # empty keeps the production defaults.
    rate_limits: Mapping[str, int] = field(default_factory=dict)
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
            mail_port=int(environ.get("STACK_MAIL_PORT", "8035")),
            workers=int(environ.get("STACK_WORKERS", "4")),
            # As in production: its mail is real, so new addresses can be confirmed. Throwaway
            # stacks for tests keep the local default (off) unless they ask.
            service_env={"REQUIRE_VERIFIED_EMAIL": "true"},
        )


class Stack:
    """Starts PostgreSQL, migrations, the mail sink and worker, the service and nginx in that order;
    stops them in reverse."""

    def __init__(self, config: StackConfig):
        self.config = config
        self._postgres: LocalPostgres | None = None
        self._mail: StackMailServer | None = None
        self._mail_worker: subprocess.Popen[bytes] | None = None
        self._service: subprocess.Popen[bytes] | None = None
        self._nginx: NginxProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.public_port}"

    @property
    def service_url(self) -> str:
        """The service directly, bypassing nginx (for fault tests)."""
        return f"http://127.0.0.1:{self.config.service_port}"

    @property
    def postgres(self) -> LocalPostgres | None:
        return self._postgres

    @property
    def service_pid(self) -> int | None:
        return self._service.pid if self._service else None

    @property
    def mail(self) -> StackMailServer:
        """The SMTP sink the mail worker delivers to; tests read it (`mail.mailbox`) or stop it."""
        return self._mail

    def start(self) -> Stack:
        self._check_prerequisites()
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._postgres = LocalPostgres(
                self.config.state_dir / "pg", self.config.postgres_port, durable=self.config.durable_postgres
            ).start()
            self._mail = StackMailServer(self.config.state_dir / "mail", self.config.state_dir / "mail-tls",
                                         self.config.mail_port).start()
            environment = self.service_environment()
            self._migrate(environment)
            self._start_mail_worker(environment)
            self._start_service(environment)
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
        if self._service:
            stop_process(self._service, signal.SIGTERM)
            self._service = None
        if self._mail_worker:
            stop_process(self._mail_worker, signal.SIGTERM)
            self._mail_worker = None
        if self._mail:
            self._mail.stop()
            self._mail = None
        if self._postgres:
            self._postgres.stop()
            self._postgres = None
        for name in PID_FILES:
            (self.config.state_dir / name).unlink(missing_ok=True)

    def crashed_part(self) -> str | None:
        """Name of a part that exited on its own, if any."""
        if self._service and self._service.poll() is not None:
            return f"the service (exit {self._service.returncode}, see {self._log('service.log')})"
        if self._mail_worker and self._mail_worker.poll() is not None:
            return f"the mail worker (exit {self._mail_worker.returncode}, see {self._log('mail-worker.log')})"
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
            ("STACK_MAIL_PORT", self.config.mail_port),
        ]:
            if port_in_use(port):
                raise StackError(f"127.0.0.1:{port} is already in use; pick another with {name}=...")

    def _log(self, name: str) -> Path:
        return self.config.state_dir / name

    def service_environment(self) -> dict[str, str]:
        """What the service runs with; also for CLI commands against this stack (create-admin)."""
        return service_environment(self._postgres.url, KeyStore(self.config.state_dir), "production", {
            "HOST": "127.0.0.1",
            "PORT": str(self.config.service_port),
            "WEB_CONCURRENCY": str(self.config.workers),
            "TRUSTED_PROXIES": "127.0.0.1",
            "PUBLIC_URL": f"http://127.0.0.1:{self.config.public_port}",
            "MAIL_FROM": "Users platform <no-reply@localhost>",
            "MAIL_URL": self._mail.mail_url,
            **self.config.service_env,
        })

    def _migrate(self, environment: dict[str, str]) -> None:
        with open(self._log("migrate.log"), "ab") as log:
            result = subprocess.run(
                [self.config.python, "-m", "service", "migrate"],
                cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, timeout=120,
            )
        if result.returncode != 0:
            raise StackError(f"migrations failed; see {self._log('migrate.log')}")

    def _start_mail_worker(self, environment: dict[str, str]) -> None:
        with open(self._log("mail-worker.log"), "ab") as log:
            self._mail_worker = subprocess.Popen(
                [self.config.python, "-m", "service", "mail-worker", "--poll", str(self.config.mail_poll_seconds)],
                cwd=REPO_ROOT, env={**environment, **self._mail.worker_environment}, stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )

    def _start_service(self, environment: dict[str, str]) -> None:
        with open(self._log("service.log"), "ab") as log:
            # Own session: Ctrl-C reaches only this supervisor, which then stops parts in order.
            self._service = subprocess.Popen(
                [self.config.python, "-m", "service", "serve"],
                cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        health = f"{self.service_url}/api/v1/health"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._service.poll() is not None:
                raise StackError(f"the service exited with {self._service.returncode}; see {self._log('service.log')}")
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
            worker_user=default_worker_user(),
            **self.config.rate_limits,
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
            "service.pid": self._service.pid,
            "mail-worker.pid": self._mail_worker.pid,
            "postgres.pid": self._postgres.pid,
        }
        for name, pid in pids.items():
            (self.config.state_dir / name).write_text(f"{pid}\n")
