"""`make bench`: the service under gunicorn and PostgreSQL on 127.0.0.1, measured with wrk.

Prints req/s, p50 and p99 for /ping, GET /users?limit=20 (100k users), /auth/status and
/auth/login, then /ping as a ratio to a bare Falcon app and login as a ratio to what
bcrypt alone allows on the same number of workers.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bcrypt_rate import bcrypt_checks_per_second
from bench.wrk import Figures, run_wrk
from scripts.http_client import request, wait_until_up
from scripts.localdb import LocalPostgres
from scripts.ports import free_ports
from scripts.process_guard import dies_with_parent

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "service" / "runtime" / "gunicorn.conf.py"
PASSWORD = "bench passphrase that is long 42"


def gunicorn(app: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), app],
            cwd=ROOT, env={**env, "PORT": str(port)}, stdout=sink, stderr=subprocess.STDOUT,
            preexec_fn=dies_with_parent(signal.SIGTERM))


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="per route")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2 * os.cpu_count() + 1)))
    parser.add_argument("--ping-pairs", type=int, default=5, help="interleaved bare/service /ping runs")
    parser.add_argument("--bcrypt-seconds", type=float, default=5.0, help="how long to measure bcrypt alone")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    pg_port, service_port, bare_port = free_ports(3)
    database = LocalPostgres(work / "pg", pg_port).start()
    env = {**os.environ, "APP_ENV": "production", "DATABASE_URL": database.url,
           "SECRET_KEY": secrets.token_urlsafe(48), "WEB_CONCURRENCY": str(args.workers),
           "COOKIE_SECURE": "false", "BCRYPT_ROUNDS": "12",
           # Required in production for links in mail; the bench sends none.
           "PUBLIC_URL": f"http://127.0.0.1:{service_port}", "MAIL_FROM": "bench <no-reply@localhost>"}
    servers = []
    try:
        subprocess.run([sys.executable, "-m", "service", "migrate"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        seed_env = {**env, "APP_ENV": "development", "SEED_PASSWORD": PASSWORD}
        subprocess.run([sys.executable, "-m", "service", "seed", "--count", str(args.users), "--prefix", "bench"],
                       cwd=ROOT, env=seed_env, check=True, stdout=subprocess.DEVNULL)
        servers.append(gunicorn("service.runtime.wsgi:app", service_port, env, work / "service.log"))
        servers.append(gunicorn("bench.bare_app:app", bare_port, env, work / "bare.log"))
        api, bare = f"http://127.0.0.1:{service_port}/api/v1", f"http://127.0.0.1:{bare_port}/api/v1"
        wait_until_up(f"{api}/health")
        wait_until_up(f"{bare}/ping")
        email = "bench_0@example.com"
        token = request(f"{api}/auth/login", "POST", {"email": email, "password": PASSWORD}).json["auth_token"]

        common = {"seconds": args.seconds, "connections": args.connections}
        # This machine's speed drifts between runs, so the /ping ratio is the median of
        # interleaved pairs rather than one run against another taken later.
        pairs = [(run_wrk("bare falcon /ping", f"{bare}/ping", **common), run_wrk("GET /ping", f"{api}/ping", **common))
                 for _ in range(args.ping_pairs)]
        results = [
            *pairs[len(pairs) // 2],
            run_wrk("GET /users?limit=20", f"{api}/users?limit=20", **common),
            run_wrk("GET /auth/status", f"{api}/auth/status", headers={"Authorization": f"Bearer {token}"},
                    **common),
            run_wrk("POST /auth/login", f"{api}/auth/login", login=(email, PASSWORD), **common),
        ]
        for server in servers:
            stop(server)
        servers.clear()
        bcrypt_rate = bcrypt_checks_per_second(args.workers, rounds=12, seconds=args.bcrypt_seconds)
        report(results, pairs, bcrypt_rate, args)
        return 0 if all(r.non_2xx == 0 and r.socket_errors == 0 for r in results) else 1
    finally:
        for server in servers:
            stop(server)
        database.stop()
        shutil.rmtree(work, ignore_errors=True)


def report(results: list[Figures], pairs: list[tuple[Figures, Figures]], bcrypt_rate: float, args) -> None:
    print(f"\n{args.users} users, {args.workers} gunicorn workers, {args.connections} connections, "
          f"{args.seconds}s per route, {os.cpu_count()} cores\n")
    print(f"{'route':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>9}{'sock err':>10}")
    for r in results:
        print(f"{r.name:<24}{r.requests_per_second:>10.1f}{r.p50_ms:>10.2f}{r.p99_ms:>10.2f}"
              f"{r.non_2xx:>9}{r.socket_errors:>10}")
    by_name = {r.name: r for r in results}
    ratios = sorted(service.requests_per_second / bare.requests_per_second for bare, service in pairs)
    ping_ratio = statistics.median(ratios)
    login_ratio = by_name["POST /auth/login"].requests_per_second / bcrypt_rate
    print(f"\n/ping vs bare Falcon:        {ping_ratio:.2f}  (aim >= 0.85; median of {len(ratios)} interleaved "
          f"pairs: {', '.join(f'{r:.2f}' for r in ratios)})")
    print(f"login vs bcrypt ceiling:     {login_ratio:.2f}  (bcrypt cost 12: {bcrypt_rate:.1f} checks/s "
          f"on {args.workers} processes; aim >= 0.9)")


if __name__ == "__main__":
    sys.exit(main())
