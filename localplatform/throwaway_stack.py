"""A throwaway production-like stack (PostgreSQL, the service, nginx, the mail worker and its SMTP
sink) on free 127.0.0.1 ports. `stack.mail.mailbox` reads the mail it delivered.

Tests and `make soak` start one with `throwaway_stack(...)`: production settings, its own
temporary state directory, removed again when the stack stops.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from localplatform.ports import free_ports
from localplatform.stack import REPO_ROOT, Stack, StackConfig

CLIENT_DIST = REPO_ROOT / "client" / "dist"
# For load from one address (127.0.0.1): nginx's per-address limits would measure themselves.
NO_RATE_LIMITS = {"auth_rate_per_minute": 6_000_000, "auth_burst": 100_000,
                  "refresh_rate_per_minute": 6_000_000, "refresh_burst": 100_000,
                  "api_rate_per_minute": 6_000_000, "api_burst": 100_000}


@contextmanager
def throwaway_stack(
    name: str,
    *,
    service_env: Mapping[str, str] | None = None,
    workers: int = 2,
    rate_limits: Mapping[str, int] | None = None,
    durable_postgres: bool = False,
    mail_poll_seconds: float = 0.2,
) -> Iterator[Stack]:
    # nginx workers run as nobody when we are root, so the state dir must be traversable.
    state_dir = Path(tempfile.mkdtemp(prefix=f"{name}-stack-"))
    state_dir.chmod(0o755)
    public, service, postgres, mail = free_ports(4)
    config = StackConfig(
        state_dir=state_dir,
        dist=CLIENT_DIST,
        public_port=public,
        service_port=service,
        postgres_port=postgres,
        mail_port=mail,
        workers=workers,
        mail_poll_seconds=mail_poll_seconds,
        rate_limits=dict(rate_limits or {}),
        durable_postgres=durable_postgres,
        service_env=dict(service_env or {}),
    )
    try:
        with Stack(config) as stack:
            yield stack
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)


def create_admin(stack: Stack, username: str, email: str, password: str) -> None:
    """The operator's way in: `python -m service create-admin` against the stack's database."""
    result = subprocess.run(
        [sys.executable, "-m", "service", "create-admin", "--username", username, "--email", email],
        cwd=REPO_ROOT, env={**stack.service_environment(), "ADMIN_PASSWORD": password},
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )
    if result.returncode != 0:
        raise RuntimeError(f"create-admin failed ({result.returncode}): {result.stdout}{result.stderr}")


def seed_users(stack: Stack, count: int, prefix: str, password: str) -> None:
    """Demo users through the CLI's `seed` (development-only by design, so this one command
    runs with APP_ENV=development against the stack's database and key)."""
    result = subprocess.run(
        [sys.executable, "-m", "service", "seed", "--count", str(count), "--prefix", prefix],
        cwd=REPO_ROOT, env={**stack.service_environment(), "APP_ENV": "development", "SEED_PASSWORD": password},
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"seed failed ({result.returncode}): {result.stdout}{result.stderr}")
