"""`make bench`: the service against the reference R, every server compared, every target judged.

R is a bare Falcon /ping on gunicorn with sync workers: the classic stack's ceiling. This VM's
speed drifts by up to 30% and other sessions share its cores, so every figure is a ratio to a
run taken right beside it (interleaved pairs), and the ratio shown is the median of the pairs.

1. Seeds 10k users (PostgreSQL's generate_series, one real bcrypt hash) and measures the listing.
2. Tops up to --users and measures the listing again (p99 at N vs at 10k).
3. Each server configuration serves the service; /ping, /auth/status and /users?limit=100 each
   run in pairs with R.
4. Our server (granian, `python -m service serve`): every route in pairs with R, /ping also with
   a bare Falcon /ping on the same server; login against what bcrypt alone allows.
5. The tail: each read route for --tail-seconds, p99 against p50.
6. Through nginx (the production front): each read route in pairs with the same route direct;
   forgot-password and resend-confirmation for addresses with and without an account
   (bench/link_requests.py: their medians must not tell the two apart).
Ends with one line per target, met or MISSED; exits 1 when one is missed or a request failed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import servers
from bench.bcrypt_rate import bcrypt_checks_per_second
from bench.front import start_nginx
from bench.idle import wait_until_idle
from bench.link_requests import UNTHROTTLED, link_request_timings, print_link_timings
from bench.seed import email_of, seed_users
from bench.targets import Target, median_ratio
from bench.wrk import Figures, run_wrk
from localplatform.environment import service_environment
from localplatform.http_client import request, wait_until_up
from localplatform.keys import KeyStore
from localplatform.ports import free_ports
from localplatform.postgres import LocalPostgres
from service.data.db import create_database, migrate
from service.security.passwords import PasswordHasher, Pepper

PASSWORD = "bench passphrase that is long 42"
SMALL = 10_000
SERVICE_APP, BARE_APP = "service.runtime.wsgi:app", "bench.bare_app:app"
API = "/api/v1"
READ_ROUTES = ["GET /ping", "GET /auth/status", "GET /users?limit=20", "GET /users?limit=100"]
COMPARED_ROUTES = ["GET /ping", "GET /auth/status", "GET /users?limit=100"]
TAIL_ROUTES = ["GET /ping", "GET /auth/status", "GET /users?limit=100"]


@dataclass
class Measured:
    """A route's runs beside R: (R, route) pairs."""
    name: str
    pairs: list[tuple[Figures, Figures]]

    @property
    def runs(self) -> list[Figures]:
        return [route for _, route in self.pairs]

    @property
    def ratio(self) -> float:
        return median_ratio([(r.requests_per_second, f.requests_per_second) for r, f in self.pairs])

    def median(self, field: str) -> float:
        return statistics.median(getattr(f, field) for f in self.runs)

    @property
    def failures(self) -> int:
        return sum(f.failed for f in self.runs)


class Bench:
    def __init__(self, args, work: Path):
        self.args = args
        self.work = work
        self.processes = []
        self.env = {}
        self.token = ""
        # Every wrk run, by the server it measured: a figure from a failing run is no figure.
        self.labels: dict[str, str] = {}
        self.pids: dict[str, int] = {}
        self.failed_runs: list[str] = []

    def wrk(self, name: str, base: str, seconds: int | None = None, **login) -> Figures:
        path = name.split(" ", 1)[1]
        headers = {"Authorization": f"Bearer {self.token}"} if path == "/auth/status" else None
        figures = run_wrk(name, f"{base}{API}{path}", seconds=seconds or self.args.seconds,
                          connections=self.args.connections, headers=headers, **login)
        if figures.failed:
            self.failed_runs.append(f"{name} on {self.labels.get(base, base)}: {figures.non_2xx} non-2xx, "
                                    f"{figures.socket_errors} socket errors")
        return figures

    def serve(self, kind: servers.ServerKind, app: str, name: str) -> str:
        port = free_ports(1)[0]
        process = servers.start(kind, app, port, self.args.workers, self.env, self.work / f"{name}.log")
        self.processes.append(process)
        base = f"http://127.0.0.1:{port}"
        self.labels[base] = name
        self.pids[base] = process.pid
        wait_until_up(f"{base}{API}/ping")
        return base

    def login(self, base: str) -> Figures:
        figures = self.wrk("POST /auth/login", base, self.args.login_seconds, login=(email_of(1), PASSWORD))
        wait_until_idle(self.pids[base])  # the logins wrk abandoned are still being hashed
        return figures

    def r(self, base: str) -> Figures:
        return self.wrk("GET /ping", base)

    def stop(self) -> None:
        for process in self.processes:
            servers.stop(process)
        self.processes.clear()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    parser.add_argument("--pairs", type=int, default=3, help="interleaved pairs per route")
    parser.add_argument("--tail-seconds", type=int, default=30, help="the run that judges p99 against p50")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bcrypt-seconds", type=float, default=5.0, help="how long to measure bcrypt alone")
    parser.add_argument("--skip-compare", action="store_true", help="measure only our server")
    parser.add_argument("--compare", type=servers.by_names, default=servers.SERVERS, metavar="NAMES",
                        help="comma-separated server configurations to compare (default: all of "
                             f"{', '.join(kind.name for kind in servers.SERVERS)})")
    parser.add_argument("--link-rounds", type=int, default=40,
                        help="known/unknown pairs per link-request route (at most half of --users)")
    parser.add_argument("--login-seconds", type=int, default=10, help="per login run (bcrypt makes it slow)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    work.chmod(0o755)  # nginx's workers run as nobody
    bench = Bench(args, work)
    database = LocalPostgres(work / "pg", free_ports(1)[0], durable=False).start()
    nginx = None
    bench.env = service_environment(database.url, KeyStore.ephemeral(), "production",
                                    {"BCRYPT_ROUNDS": "12", "TRUSTED_PROXIES": "127.0.0.1",
                                     # Required in production for links in mail; the bench sends none.
                                     "PUBLIC_URL": "http://127.0.0.1", "MAIL_FROM": "bench <no-reply@localhost>",
                                     **UNTHROTTLED})
    try:
        db = create_database(database.url)
        migrate(db)
        hasher = PasswordHasher(Pepper.of(bench.env["PASSWORD_PEPPER"]), 12)

        # 1. and 2.: the listing at 10k users, then at --users.
        seed_users(db, hasher, PASSWORD, 0, min(SMALL, args.users))
        r_base = bench.serve(servers.GUNICORN_SYNC, BARE_APP, "r")
        ours = bench.serve(servers.OURS, SERVICE_APP, "ours")
        listing_small = [bench.wrk("GET /users?limit=100", ours) for _ in range(args.pairs)]
        seed_started = time.monotonic()
        seed_users(db, hasher, PASSWORD, SMALL, args.users - SMALL)
        seed_seconds = time.monotonic() - seed_started
        listing_large = [bench.wrk("GET /users?limit=100", ours) for _ in range(args.pairs)]
        bench.token = request(f"{ours}{API}/auth/login", "POST",
                              {"email": email_of(0), "password": PASSWORD}).json["auth_token"]

        # 3. every server configuration, the service's app on each.
        compared = {}
        for kind in [] if args.skip_compare else args.compare:
            base = ours if kind is servers.OURS else bench.serve(kind, SERVICE_APP, kind.name.replace(" ", "-"))
            compared[kind.name] = [Measured(route, [(bench.r(r_base), bench.wrk(route, base))])
                                   for route in COMPARED_ROUTES]
            if kind is not servers.OURS:
                servers.stop(bench.processes.pop())

        # 4. our server, every route.
        bare_ours = bench.serve(servers.OURS, BARE_APP, "bare-ours")
        ping_triples = [(bench.r(r_base), bench.r(bare_ours), bench.wrk("GET /ping", ours))
                        for _ in range(args.pairs)]
        measured = [Measured("GET /ping", [(r, ping) for r, _, ping in ping_triples])]
        for route in READ_ROUTES[1:]:
            measured.append(Measured(route, [(bench.r(r_base), bench.wrk(route, ours))
                                             for _ in range(args.pairs)]))
        # Login against bcrypt alone, interleaved too: both are pure CPU, and the CPU is shared.
        login_pairs = [(bcrypt_checks_per_second(args.workers, rounds=12, seconds=args.bcrypt_seconds),
                        bench.login(ours)) for _ in range(args.pairs)]
        login = login_pairs[len(login_pairs) // 2][1]
        login_ratio = median_ratio([(rate, f.requests_per_second) for rate, f in login_pairs])

        # 5. the tail.
        tails = [bench.wrk(route, ours, args.tail_seconds) for route in TAIL_ROUTES]
        r_tail = bench.wrk("GET /ping", r_base, args.tail_seconds)

        # 6. through nginx.
        nginx, front = start_nginx(work, ours)
        bench.labels[front] = "nginx"
        via_nginx = [Measured(route, [(bench.wrk(route, ours), bench.wrk(route, front)) for _ in range(args.pairs)])
                     for route in TAIL_ROUTES]
        link_timings = link_request_timings(front, [email_of(n) for n in range(2 * args.link_rounds)],
                                            args.link_rounds)
        nginx.stop()
        nginx = None

        bench.stop()
    finally:
        if nginx:
            nginx.stop()
        bench.stop()
        database.stop()
        shutil.rmtree(work, ignore_errors=True)

    r_figure = statistics.median(r.requests_per_second for m in measured for r, _ in m.pairs)
    print(f"\n{args.users} users, {args.workers} workers per server, wrk -t2 -c{args.connections}, "
          f"{args.seconds}s per run, {args.pairs} interleaved pairs, {os.cpu_count()} cores")
    print(f"R (bare Falcon /ping, gunicorn {args.workers} sync workers): {r_figure:,.0f} req/s "
          f"(median of every R run; ratios below are to the R run beside each)\n")
    if compared:
        print_comparison(compared)
    by_name = {m.name: m for m in measured}
    print_routes(measured, login)
    bare_ratio = median_ratio([(bare.requests_per_second, ping.requests_per_second)
                               for _, bare, ping in ping_triples])
    print(f"\n/ping vs bare Falcon on our server: {bare_ratio:.2f}  (pairs: "
          f"{', '.join(f'{p.requests_per_second / b.requests_per_second:.2f}' for _, b, p in ping_triples)})")
    print(f"login vs bcrypt ceiling:            {login_ratio:.2f}  (pairs: " + ", ".join(
        f"{f.requests_per_second:.1f}/{rate:.1f}" for rate, f in login_pairs)
          + f" login req/s / bcrypt cost-12 checks/s on {args.workers} processes)")
    print(f"seeding users {min(SMALL, args.users)} to {args.users}: {seed_seconds:.1f}s")
    print(f"\ntail over {args.tail_seconds} s: " + ", ".join(
        f"{t.name} p50 {t.p50_ms:.2f} ms p99 {t.p99_ms:.2f} ms" for t in tails)
          + f"; R itself: p50 {r_tail.p50_ms:.2f} ms p99 {r_tail.p99_ms:.2f} ms")
    small_p99 = statistics.median(f.p99_ms for f in listing_small)
    large_p99 = statistics.median(f.p99_ms for f in listing_large)
    print(f"listing p99: {small_p99:.2f} ms at {min(SMALL, args.users)} users, {large_p99:.2f} ms at {args.users}")
    print("through nginx:", ", ".join(f"{m.name} {m.median('requests_per_second'):,.0f} req/s ({m.ratio:.2f} x direct)"
                                     for m in via_nginx))
    print_link_timings(link_timings)

    targets = [
        Target("GET /auth/status vs R", by_name["GET /auth/status"].ratio, 1.0),
        Target("GET /users?limit=100 vs R", by_name["GET /users?limit=100"].ratio, 0.5),
        Target("GET /ping vs bare Falcon on the same server", bare_ratio, 0.85),
        Target("login vs bcrypt ceiling", login_ratio, 0.9),
        *[Target(f"{t.name} p99 / p50 over {args.tail_seconds}s", t.p99_ms / max(t.p50_ms, 0.001), 5.0, at_most=True)
          for t in tails],
        Target(f"listing p99 at {args.users} / at {min(SMALL, args.users)} users", large_p99 / small_p99, 1.5,
               at_most=True),
        Target(f"seeding {args.users} users, seconds", seed_seconds, 60.0, at_most=True),
        *[Target(f"{m.name} through nginx vs direct", m.ratio, 0.8) for m in via_nginx],
        *[Target(f"{t.route} account/no-account medians", t.ratio, 1.25, at_most=True)
          for t in link_timings],
    ]
    print("\ntargets:")
    for target in targets:
        print(target.line())
    bench.failed_runs += [f"POST {t.route}: {t.failed} answers not 202" for t in link_timings if t.failed]
    if bench.failed_runs:
        print(f"\n{len(bench.failed_runs)} runs had failed requests, so their figures mean nothing:")
        for line in bench.failed_runs:
            print(f"  {line}")
    return 0 if not bench.failed_runs and all(t.met for t in targets) else 1


def print_comparison(compared: dict[str, list[Measured]]) -> None:
    print("Server configurations (the service's app, one run per route beside R):")
    print(f"{'server':<22}" + "".join(f"{route:>32}" for route in COMPARED_ROUTES) + f"{'failed':>8}")
    for name, rows in compared.items():
        print(f"{name:<22}" + "".join(
            f"{f'{m.runs[0].requests_per_second:,.0f}/s {m.ratio:.2f} R p99 {m.runs[0].p99_ms:.0f}ms':>32}"
            for m in rows) + f"{sum(m.failures for m in rows):>8}")
    print()


def print_routes(measured: list[Measured], login: Figures) -> None:
    print(f"Our server ({servers.OURS.name}), every route:")
    print(f"{'route':<24}{'req/s':>10}{'x R':>7}{'p50 ms':>9}{'p99 ms':>9}{'failed':>8}")
    for m in measured:
        print(f"{m.name:<24}{m.median('requests_per_second'):>10,.0f}{m.ratio:>7.2f}{m.median('p50_ms'):>9.2f}"
              f"{m.median('p99_ms'):>9.2f}{m.failures:>8}")
    print(f"{login.name:<24}{login.requests_per_second:>10,.1f}{'':>7}{login.p50_ms:>9.2f}{login.p99_ms:>9.2f}"
          f"{login.failed:>8}")


if __name__ == "__main__":
    sys.exit(main())
