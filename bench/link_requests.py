"""Does forgot-password (or resend-confirmation) tell an outsider that an account exists?

Single requests through nginx, alternating an address that has an account with one that has
none (a new address each time, so no per-address limit is reached), timed from the client.
The figure is the ratio of the two medians (slower over faster); the target is at most 1.25.

`python -m bench.link_requests` measures only this, on a small stack of its own.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import servers
from bench.front import start_nginx
from bench.seed import email_of, seed_users
from localplatform.environment import service_environment
from localplatform.http_client import request, wait_until_up
from localplatform.keys import KeyStore
from localplatform.ports import free_ports
from localplatform.postgres import LocalPostgres
from service.data.db import create_database, migrate
from service.security.passwords import PasswordHasher, Pepper

API = "/api/v1"
LINK_ROUTES = ("/auth/password-reset", "/auth/verify-email/resend")
# Out of the way of a measurement that comes from one address (the limits have their own tests).
UNTHROTTLED = {"PASSWORD_RESET_MAX_PER_IP": "100000", "TRUSTED_PROXIES": "127.0.0.1"}


@dataclass(frozen=True)
class LinkTiming:
    route: str
    known_ms: list[float]
    unknown_ms: list[float]
    failed: int

    @property
    def known_median(self) -> float:
        return statistics.median(self.known_ms)

    @property
    def unknown_median(self) -> float:
        return statistics.median(self.unknown_ms)

    @property
    def ratio(self) -> float:
        """Slower median over faster: 1.0 when they cannot be told apart."""
        low, high = sorted((self.known_median, self.unknown_median))
        return high / low


def _timed_post(url: str, email: str) -> tuple[float, bool]:
    started = time.perf_counter()
    reply = request(url, "POST", {"email": email})
    return (time.perf_counter() - started) * 1000, reply.status == 202


def link_request_timings(front: str, known_emails: list[str], rounds: int) -> list[LinkTiming]:
    """`rounds` interleaved pairs per route; each pair's order alternates, so neither side is
    always the one after a pause. `known_emails` needs 2 x rounds addresses with an account."""
    timings = []
    for offset, route in enumerate(LINK_ROUTES):
        url, known, unknown, failed = f"{front}{API}{route}", [], [], 0
        for n in range(rounds):
            pair = [(known, known_emails[offset * rounds + n]), (unknown, f"nobody_{offset}_{n}@example.com")]
            for into, email in pair if n % 2 else reversed(pair):
                elapsed, ok = _timed_post(url, email)
                into.append(elapsed)
                failed += not ok
        timings.append(LinkTiming(route, known, unknown, failed))
    return timings


def print_link_timings(timings: list[LinkTiming]) -> None:
    for t in timings:
        print(f"POST {t.route} through nginx, median of {len(t.known_ms)}: account {t.known_median:.2f} ms, "
              f"no account {t.unknown_median:.2f} ms ({t.ratio:.2f} x){f', {t.failed} not 202' if t.failed else ''}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=40, help="interleaved pairs per route")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-links-"))
    work.chmod(0o755)  # nginx's workers run as nobody
    database = LocalPostgres(work / "pg", free_ports(1)[0], durable=False).start()
    process = nginx = None
    try:
        env = service_environment(database.url, KeyStore.ephemeral(), "production", {
            "BCRYPT_ROUNDS": "12", "PUBLIC_URL": "http://127.0.0.1", "MAIL_FROM": "bench <no-reply@localhost>",
            **UNTHROTTLED})
        db = create_database(database.url)
        migrate(db)
        seed_users(db, PasswordHasher(Pepper.of(env["PASSWORD_PEPPER"]), 4), "unused passphrase 42", 0,
                   2 * args.rounds)
        port = free_ports(1)[0]
        process = servers.start(servers.OURS, "service.runtime.wsgi:app", port, 2, env, work / "service.log")
        wait_until_up(f"http://127.0.0.1:{port}{API}/ping")
        nginx, front = start_nginx(work, f"http://127.0.0.1:{port}")
        timings = link_request_timings(front, [email_of(n) for n in range(2 * args.rounds)], args.rounds)
    finally:
        if nginx:
            nginx.stop()
        if process:
            servers.stop(process)
        database.stop()
        shutil.rmtree(work, ignore_errors=True)
    print_link_timings(timings)
    return 0 if all(t.ratio <= 1.25 and not t.failed for t in timings) else 1


if __name__ == "__main__":
    sys.exit(main())
