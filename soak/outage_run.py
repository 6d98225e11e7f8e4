"""PostgreSQL stopped (or frozen) and back under probe and registration load, judged afterwards."""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from localplatform.stack import Stack
from soak.answers import Recovery, recovery, unacceptable
from soak.faults import DatabaseOutage, stop_postgres_for
from soak.probes import Answer, ProbeLoop, RegistrationLoop, missing_users

PROBE_ROUTES = ["/api/v1/health", "/api/v1/users?limit=20", "/api/v1/auth/status"]


@dataclass(frozen=True)
class OutageRun:
    outage: DatabaseOutage
    answers: list[Answer]
    unacceptable: list[Answer]
    recovery: Recovery
    registered_ids: list[int]
    lost_ids: list[int]


def run_database_outage(stack: Stack, token: str, *, lead: float, outage_seconds: float, tail: float,
                        fault: Callable[[Stack, float], DatabaseOutage] = stop_postgres_for) -> OutageRun:
    """Probes (health, a DB read, an authenticated read) and registrations run throughout:
    `lead` seconds before the fault, the outage, then `tail` seconds after PostgreSQL is back."""
    probes = ProbeLoop(stack.url, PROBE_ROUTES, headers={"Authorization": f"Bearer {token}"})
    registrations = RegistrationLoop(stack.url)
    bound = lead + outage_seconds + tail + 60
    probes.start(max_seconds=bound)
    registrations.start(max_seconds=bound)
    try:
        time.sleep(lead)
        outage = fault(stack, outage_seconds)
        time.sleep(tail)
    finally:
        probes.stop()
        registrations.stop()
    answers = probes.answers + registrations.answers
    return OutageRun(
        outage=outage,
        answers=answers,
        unacceptable=unacceptable(answers),
        recovery=recovery(answers, outage, PROBE_ROUTES + registrations.routes),
        registered_ids=list(registrations.registered_ids),
        lost_ids=missing_users(stack.url, registrations.registered_ids),
    )
