"""The mail worker's liveness signal and `python -m service mail-worker-health`."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from localplatform.ports import free_port
from tests.service.conftest import SECRET
from tests.service.mail.test_outbox import ROOT


def _environment(postgres, heartbeat, mail_url):
    return {**{k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL")},
            "APP_ENV": "test", "DATABASE_URL": postgres.url, "SECRET_KEY": SECRET, "MAIL_URL": mail_url,
            "MAIL_WORKER_HEARTBEAT_FILE": str(heartbeat)}


def health(env, max_age="5"):
    return subprocess.run([sys.executable, "-m", "service", "mail-worker-health", "--max-age", max_age],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_the_health_check_is_fresh_while_the_loop_runs_and_stale_or_missing_otherwise(postgres, database,
                                                                                      tmp_path):
    heartbeat = tmp_path / "worker.heartbeat"
    # No mail server at all: the loop, not delivery, is what the heartbeat reports.
    env = _environment(postgres, heartbeat, f"smtp://127.0.0.1:{free_port()}?tls=off")
    missing = health(env)
    assert missing.returncode == 1 and "no heartbeat" in missing.stderr

    process = subprocess.Popen([sys.executable, "-m", "service", "mail-worker", "--poll", "0.2"], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not heartbeat.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        os.utime(heartbeat, (time.time() - 60, time.time() - 60))
        deadline = time.monotonic() + 30  # the running loop renews it
        while heartbeat.stat().st_mtime < time.time() - 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        fresh = health(env)
        assert fresh.returncode == 0, fresh.stderr
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)

    os.utime(heartbeat, (time.time() - 60, time.time() - 60))  # a worker stuck for a minute
    stale = health(env, max_age="30")
    assert stale.returncode == 1 and "(limit 30s)" in stale.stderr
    assert health(env, max_age="120").returncode == 0
