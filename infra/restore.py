"""Restore the platform's database from a nightly pg_dump, then bring the schema up to date.

    python -m infra.restore --from s3://<bucket>/pg_dump/platform-<stamp>.dump \\
        --database-url postgresql://platform:<password>@<host>:5432/platform \\
        [--service-url http://127.0.0.1:8080] [--pg-bin /usr/lib/postgresql/17/bin]

Steps: fetch the dump (an S3 object through the AWS CLI, or a local file); check it is a
pg_dump custom-format archive; restore it in ONE transaction (the previous contents are
replaced, or nothing changes); apply the service's migrations, so a dump taken before a
release works with that release; then, with --service-url, wait until the service answers
/api/v1/health. The service must run with the SECRET_KEY of the stack the dump came from:
password hashes are peppered with it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import peewee

from service.data import db as database_module

HEALTH_PATH = "/api/v1/health"
COMMAND_TIMEOUT = 3600


class RestoreError(RuntimeError):
    """A step failed; the message says which and why."""


@dataclass(frozen=True)
class RestorePlan:
    source: str
    database_url: str
    service_url: str | None = None
    pg_bin: Path | None = None
    health_timeout: float = 300.0


def restore(plan: RestorePlan, log=print) -> list[str]:
    """Runs every step; returns the migrations applied on top of the dump."""
    with tempfile.TemporaryDirectory(prefix="platform-restore-") as scratch:
        dump = fetch(plan.source, Path(scratch))
        log(f"checking {dump}")
        run([tool(plan, "pg_restore"), "--list", str(dump)], f"{plan.source} is not a pg_dump custom-format archive")
        log("restoring (one transaction: all of it or nothing)")
        run(
            [
                tool(plan, "pg_restore"), "--dbname", plan.database_url, "--clean", "--if-exists",
                "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", str(dump),
            ],
            "pg_restore failed; the database is unchanged",
        )
    try:
        applied = database_module.migrate(database_module.create_database(plan.database_url))
    except peewee.DatabaseError as error:
        raise RestoreError(f"the dump is restored but the migrations failed: {error}") from error
    log(f"migrations applied: {', '.join(applied)}" if applied else "schema already up to date")
    if plan.service_url:
        wait_for_health(plan.service_url, plan.health_timeout)
        log(f"{plan.service_url}{HEALTH_PATH} answers 200")
    return applied


def fetch(source: str, scratch: Path) -> Path:
    if source.startswith("s3://"):
        target = scratch / "restore.dump"
        aws = shutil.which("aws")
        if aws is None:
            raise RestoreError("restoring from S3 needs the AWS CLI (aws) on PATH")
        run([aws, "s3", "cp", source, str(target), "--only-show-errors"], f"could not download {source}")
        return target
    path = Path(source)
    if not path.is_file():
        raise RestoreError(f"{source} is not a file (give a path or an s3:// URI)")
    return path


def tool(plan: RestorePlan, name: str) -> str:
    found = str(plan.pg_bin / name) if plan.pg_bin else shutil.which(name)
    if not found or not Path(found).exists():
        raise RestoreError(f"{name} not found; install the PostgreSQL client or pass --pg-bin")
    return found


def run(command: list[str], failure: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=COMMAND_TIMEOUT)
    if result.returncode != 0:
        raise RestoreError(f"{failure}:\n{result.stderr.strip()}")


def wait_for_health(service_url: str, timeout: float) -> None:
    url = service_url.rstrip("/") + HEALTH_PATH
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RestoreError(f"{url} did not answer 200 within {timeout:.0f}s after the restore")
        time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.restore", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--from", dest="source", required=True, help="s3://bucket/key or a local .dump file")
    parser.add_argument("--database-url", required=True, help="the PostgreSQL to restore into")
    parser.add_argument("--service-url", help="wait until <url>/api/v1/health answers 200")
    parser.add_argument("--pg-bin", type=Path, help="directory holding pg_restore (default: PATH)")
    parser.add_argument("--health-timeout", type=float, default=300.0, help="seconds to wait for the service")
    args = parser.parse_args(argv)
    plan = RestorePlan(args.source, args.database_url, args.service_url, args.pg_bin, args.health_timeout)
    try:
        restore(plan)
    except RestoreError as error:
        print(f"restore: {error}", file=sys.stderr)
        return 2
    print("restore: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
