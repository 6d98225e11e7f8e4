"""The config needs no root: everything nginx writes sits under its runtime dir."""

from __future__ import annotations

import os
from pathlib import Path

import requests

TIMEOUT = 5


def owner_uid(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for {pid}")


def test_front_runs_as_an_unprivileged_user(launch_front, upstream_peer):
    # As root, drop to nobody for the whole master; otherwise we are unprivileged already.
    run_as = ("nobody", "nogroup") if os.geteuid() == 0 else None
    front = launch_front("unprivileged", upstream_peer.address, run_as=run_as)
    assert owner_uid(front.process.pid) != 0
    assert requests.get(front.base_url + "/status", timeout=TIMEOUT).status_code == 200
    assert requests.get(front.base_url + "/api/v1/ping", timeout=TIMEOUT).status_code == 200
    pid_file = front.settings.runtime_dir / "nginx.pid"
    assert pid_file.read_text().strip() == str(front.process.pid)
    assert (front.settings.runtime_dir / "client_body").is_dir()
