"""Short versions of `make soak`'s faults, against the production-like stack under light load:
a service worker killed with -9, and PostgreSQL stopped and started again."""
from __future__ import annotations

import time

import pytest
import requests

from localplatform.throwaway_stack import NO_RATE_LIMITS, throwaway_stack
from soak.faults import freeze_postgres_for, kill_one_worker, service_workers
from soak.outage_run import run_database_outage
from soak.probes import ProbeLoop

TIMEOUT = 30
PASSWORD = "fault test passphrase that is long"


@pytest.fixture(scope="module")
def fault_stack():
    with throwaway_stack("faults", workers=2, durable_postgres=True, rate_limits=NO_RATE_LIMITS) as stack:
        yield stack


@pytest.fixture(scope="module")
def member_token(fault_stack) -> str:
    reply = requests.post(f"{fault_stack.url}/api/v1/auth/register", timeout=TIMEOUT,
                          json={"username": "fault_member", "email": "fault_member@example.com", "password": PASSWORD})
    assert reply.status_code == 201, reply.text
    return reply.json()["auth_token"]


def test_a_worker_killed_with_sigkill_is_respawned_and_almost_nothing_fails(fault_stack):
    workers_before = service_workers(fault_stack)
    load = ProbeLoop(fault_stack.url, ["/api/v1/ping", "/api/v1/users?limit=20"] * 2, pause=0).start(max_seconds=30)
    try:
        time.sleep(2)
        kill = kill_one_worker(fault_stack)
        time.sleep(3)
    finally:
        load.stop()

    assert kill.respawned_pid is not None, "the master did not replace the killed worker"
    assert service_workers(fault_stack) == workers_before - {kill.killed_pid} | {kill.respawned_pid}
    answers = load.answers
    failed = [answer for answer in answers if answer.status != 200]
    assert len(answers) > 200
    assert len(failed) / len(answers) < 0.005, [(answer.status, answer.body[:120]) for answer in failed]
    # A request the dying worker was answering may be cut off (no HTTP answer at all); any
    # error nginx does answer is its JSON envelope, never an HTML page.
    answered = [answer for answer in failed if answer.status != 0]
    assert all(answer.status in (502, 503, 504) and answer.is_json_envelope for answer in answered), [
        (answer.status, answer.content_type, answer.body[:200]) for answer in answered]


def test_postgres_outage_answers_503_envelopes_recovers_and_loses_no_registration(fault_stack, member_token):
    run = run_database_outage(fault_stack, member_token, lead=2, outage_seconds=3, tail=5)

    assert run.recovery.unavailable_answers > 0, "no 503 seen: the outage did not reach the probes"
    assert not run.unacceptable, [(a.route, a.status, a.body[:200]) for a in run.unacceptable[:5]]
    unavailable = next(answer for answer in run.answers if answer.status == 503)
    assert unavailable.content_type.startswith("application/json")
    assert run.recovery.seconds is not None and run.recovery.seconds <= 5.0, run.recovery
    assert run.recovery.steady_seconds_after >= 3
    assert run.registered_ids and not run.lost_ids, run.lost_ids
    health = requests.get(f"{fault_stack.url}/api/v1/health", timeout=TIMEOUT)
    assert health.status_code == 200 and health.json() == {"status": "success", "message": "ok"}


def test_a_frozen_postgres_answers_503_envelopes_keeps_ping_and_recovers(fault_stack, member_token):
    """SIGSTOP: connections are accepted and packets ACKed, but nothing ever answers."""
    ping = ProbeLoop(fault_stack.url, ["/api/v1/ping"]).start(max_seconds=60)
    try:
        run = run_database_outage(fault_stack, member_token, lead=2, outage_seconds=6, tail=6,
                                  fault=freeze_postgres_for)
    finally:
        ping.stop()

    assert run.recovery.unavailable_answers > 0, "no 503 seen: the freeze did not reach the probes"
    assert not run.unacceptable, [(a.route, a.status, a.body[:200]) for a in run.unacceptable[:5]]
    unavailable = next(answer for answer in run.answers if answer.status == 503)
    assert unavailable.content_type.startswith("application/json")
    assert run.recovery.seconds is not None and run.recovery.seconds <= 5.0, run.recovery
    assert run.registered_ids and not run.lost_ids, run.lost_ids
    during = [answer for answer in ping.answers if run.outage.stopped_at < answer.at < run.outage.restarted_at]
    assert during and all(answer.status == 200 for answer in ping.answers), [
        (answer.status, answer.body[:120]) for answer in ping.answers if answer.status != 200][:5]
