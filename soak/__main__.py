"""`make soak`: load and faults through nginx on the local production-like stack.

1. wrk, 64 connections, 30 s on each main read route: no socket error, no non-2xx.
2. kill -9 one service worker under wrk load: the master respawns it; < 0.5% failed.
3. stop PostgreSQL for 5 s under load: only 2xx or the 503 JSON envelope, recovery within
   5 s of PostgreSQL returning, and every registration that got a 201 still there.

Prints the figures and exits 1 when a target is missed. 127.0.0.1 only; every loop bounded.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import threading
import time

import requests

from bench.wrk import Figures, run_wrk
from localplatform.throwaway_stack import NO_RATE_LIMITS, seed_users, throwaway_stack
from soak.faults import kill_one_worker
from soak.outage_run import run_database_outage

MAX_FAILED_PERCENT = 0.5
MAX_RECOVERY_SECONDS = 5.0
SEED_PASSWORD = "soak passphrase that is long 42"
READ_ROUTE = "/api/v1/users?limit=20"


class Targets:
    def __init__(self) -> None:
        self.missed: list[str] = []

    def check(self, ok: bool, description: str) -> None:
        print(f"  [{'ok' if ok else 'MISSED'}] {description}", flush=True)
        if not ok:
            self.missed.append(description)


def print_figures(figures: Figures, seconds: int) -> None:
    print(f"  {figures.name:<34} {figures.requests_per_second:>9.0f} req/s  p50 {figures.p50_ms:7.2f} ms  "
          f"p99 {figures.p99_ms:7.2f} ms  requests ~{round(figures.requests_per_second * seconds)}  "
          f"non-2xx {figures.non_2xx}  socket errors {figures.socket_errors}", flush=True)


def wrk_in_background(name: str, url: str, seconds: int, connections: int, headers: dict | None = None):
    result: dict[str, Figures] = {}
    thread = threading.Thread(target=lambda: result.setdefault(
        "figures", run_wrk(name, url, seconds=seconds, connections=connections, headers=headers)), daemon=True)
    thread.start()
    return thread, result


def read_routes(stack, token: str, seconds: int, connections: int, targets: Targets) -> None:
    print(f"\n1. Read routes through nginx: {connections} connections, {seconds} s each", flush=True)
    routes = [
        ("GET /api/v1/ping", "/api/v1/ping", None),
        (f"GET {READ_ROUTE}", READ_ROUTE, None),
        ("GET /api/v1/auth/status (bearer)", "/api/v1/auth/status", {"Authorization": f"Bearer {token}"}),
    ]
    for name, route, headers in routes:
        figures = run_wrk(name, stack.url + route, seconds=seconds, connections=connections, headers=headers)
        print_figures(figures, seconds)
        targets.check(figures.socket_errors == 0 and figures.non_2xx == 0,
                      f"{name}: 0 socket errors and 0 non-2xx (so 0 5xx)")


def worker_kill(stack, seconds: int, connections: int, targets: Targets) -> None:
    print(f"\n2. kill -9 one service worker under load ({READ_ROUTE}, {connections} connections, {seconds} s)",
          flush=True)
    thread, result = wrk_in_background("with a worker killed", stack.url + READ_ROUTE, seconds, connections)
    time.sleep(seconds / 3)
    kill = kill_one_worker(stack)
    thread.join(timeout=seconds + 90)
    figures = result["figures"]
    print_figures(figures, seconds)
    total = figures.requests_per_second * seconds
    failed_percent = 100.0 * (figures.non_2xx + figures.socket_errors) / max(total, 1)
    respawn = f"{kill.respawn_seconds:.2f} s" if kill.respawn_seconds is not None else "never"
    print(f"  killed worker {kill.killed_pid}; replacement {kill.respawned_pid} after {respawn}; "
          f"failed {figures.non_2xx + figures.socket_errors} of ~{total:.0f} = {failed_percent:.3f}%", flush=True)
    targets.check(kill.respawned_pid is not None, "the master respawned the killed worker")
    targets.check(failed_percent < MAX_FAILED_PERCENT, f"failed requests < {MAX_FAILED_PERCENT}%")


def database_outage(stack, token: str, outage_seconds: float, connections: int, targets: Targets) -> None:
    lead, tail = 5.0, 10.0
    seconds = int(lead + outage_seconds + tail)
    print(f"\n3. PostgreSQL stopped for {outage_seconds:.0f} s under load "
          f"(wrk {connections} connections on {READ_ROUTE}, probes, registrations)", flush=True)
    thread, result = wrk_in_background("during the outage", stack.url + READ_ROUTE, seconds, connections)
    try:
        run = run_database_outage(stack, token, lead=lead, outage_seconds=outage_seconds, tail=tail - 1)
    finally:
        thread.join(timeout=seconds + 90)
    print_figures(result["figures"], seconds)

    back = run.recovery
    recovered = f"{back.seconds:.2f} s" if back.seconds is not None else "never"
    down = run.outage.restarted_at - run.outage.stopped_at
    print(f"  PostgreSQL down {down:.1f} s (stop to accepting connections again)", flush=True)
    print(f"  probe answers {len(run.answers)}: 503 envelopes {back.unavailable_answers}, "
          f"unacceptable {len(run.unacceptable)}; recovered {recovered} after PostgreSQL returned "
          f"(last failed answer at {back.last_failure_offset:+.2f} s; then steady for "
          f"{back.steady_seconds_after:.1f} s)", flush=True)
    print(f"  registrations answered 201: {len(run.registered_ids)}; missing afterwards: {len(run.lost_ids)}",
          flush=True)
    for answer in run.unacceptable[:5]:
        print(f"    unacceptable: {answer.route} -> {answer.status} {answer.body[:200]!r}", flush=True)
    targets.check(back.unavailable_answers > 0, "the outage was seen (503s answered while PostgreSQL was down)")
    targets.check(not run.unacceptable, "/health and the API answered only 2xx or the 503 JSON envelope")
    targets.check(back.seconds is not None and back.seconds <= MAX_RECOVERY_SECONDS,
                  f"recovered within {MAX_RECOVERY_SECONDS:.0f} s of PostgreSQL returning")
    targets.check(bool(run.registered_ids) and not run.lost_ids, "no registration that got a 201 was lost")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=30, help="wrk duration per read route")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-seconds", type=int, default=20, help="load duration around the worker kill")
    parser.add_argument("--outage-seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    targets = Targets()
    # Production settings and a durable PostgreSQL; nginx's per-address rate limits are
    # lifted because all load comes from 127.0.0.1.
    with throwaway_stack("soak", workers=args.workers, durable_postgres=True,
                         rate_limits=NO_RATE_LIMITS) as stack:
        print(f"Stack up at {stack.url}: nginx -> granian ({args.workers} workers) -> PostgreSQL", flush=True)
        seed_users(stack, 1000, "soak", SEED_PASSWORD)
        token = requests.post(f"{stack.url}/api/v1/auth/login", timeout=30,
                              json={"email": "soak_0@example.com", "password": SEED_PASSWORD}).json()["auth_token"]
        read_routes(stack, token, args.seconds, args.connections, targets)
        worker_kill(stack, args.kill_seconds, args.connections, targets)
        database_outage(stack, token, args.outage_seconds, args.connections, targets)

    if targets.missed:
        print(f"\nsoak: {len(targets.missed)} target(s) missed", flush=True)
        return 1
    print("\nsoak: every target met", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
