"""Waits until a server has finished the work a load generator left queued in it.

wrk stops by dropping its connections, but a request already handed to a worker runs to the
end: after a login run, 32 abandoned bcrypt checks keep every core busy for seconds. Whatever
is measured next (bcrypt alone, a tail) would pay for them.
"""
from __future__ import annotations

import time

import psutil


def cpu_seconds(process: psutil.Process) -> float:
    """CPU time used so far by a process and everything it started."""
    total = 0.0
    for member in [process, *process.children(recursive=True)]:
        try:
            times = member.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def wait_until_idle(pid: int, *, busy_share: float = 0.05, interval: float = 0.25, timeout: float = 120.0) -> None:
    """Returns once the process tree used less than `busy_share` of one core over `interval`."""
    process = psutil.Process(pid)
    deadline = time.monotonic() + timeout
    used = cpu_seconds(process)
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = cpu_seconds(process)
        if now - used < busy_share * interval:
            return
        used = now
    raise TimeoutError(f"process {pid} still busy after {timeout:.0f} s")
