"""The faults a production stack must ride out: a service worker killed with -9, PostgreSQL
going away and coming back, and PostgreSQL frozen (SIGSTOP) and thawed. Each returns what
happened, measured."""
from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass

import psutil

from localplatform.postgres import LocalPostgres
from localplatform.stack import Stack

RESPAWN_TIMEOUT = 30.0


def service_workers(stack: Stack) -> set[int]:
    """Live workers of the stack's server (granian's master)."""
    workers = set()
    for child in psutil.Process(stack.service_pid).children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                workers.add(child.pid)
        except psutil.NoSuchProcess:
            pass  # reaped while we looked: a killed worker on its way out
    return workers


@dataclass(frozen=True)
class WorkerKill:
    killed_pid: int
    respawned_pid: int | None
    respawn_seconds: float | None


def kill_one_worker(stack: Stack) -> WorkerKill:
    """kill -9 one worker and wait (bounded) for the master to replace it."""
    before = service_workers(stack)
    victim = min(before)
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    deadline = killed_at + RESPAWN_TIMEOUT
    while time.monotonic() < deadline:
        now = service_workers(stack)
        fresh = now - before
        if victim not in now and len(now) == len(before) and fresh:
            return WorkerKill(victim, fresh.pop(), time.monotonic() - killed_at)
        time.sleep(0.05)
    return WorkerKill(victim, None, None)


@dataclass(frozen=True)
class DatabaseOutage:
    stopped_at: float  # time.monotonic() marks
    restarted_at: float  # PostgreSQL accepts connections again from here


def stop_postgres_for(stack: Stack, seconds: float) -> DatabaseOutage:
    """Fast-shutdown PostgreSQL, keep it down for `seconds`, start it again on the same data."""
    postgres = stack.postgres
    stopped_at = time.monotonic()
    postgres.stop()
    time.sleep(seconds)
    postgres.start()
    return DatabaseOutage(stopped_at, time.monotonic())


def signal_postgres(postgres: LocalPostgres, signum: int) -> None:
    """Signal the postmaster and every backend: each backend leads its own session (setsid),
    so a process-group signal would miss them."""
    postmaster = psutil.Process(postgres.pid)
    for process in [postmaster, *postmaster.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signum)


def freeze_postgres_for(stack: Stack, seconds: float) -> DatabaseOutage:
    """SIGSTOP every PostgreSQL process for `seconds`, then SIGCONT: a hung server, not a gone one.
    Its kernel still accepts connections and ACKs packets; nothing ever answers."""
    stopped_at = time.monotonic()
    signal_postgres(stack.postgres, signal.SIGSTOP)
    try:
        time.sleep(seconds)
    finally:
        signal_postgres(stack.postgres, signal.SIGCONT)
    return DatabaseOutage(stopped_at, time.monotonic())
