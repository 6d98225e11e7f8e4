"""The heartbeat itself: a file's modification time, and a worker that keeps sending when it
cannot write one."""
from __future__ import annotations

import logging
import os
import time

from service.mail.heartbeat import Heartbeat


def test_a_beat_makes_it_fresh_and_age_counts_from_it(tmp_path):
    heartbeat = Heartbeat(tmp_path / "beat")
    assert heartbeat.age() is None and not heartbeat.is_fresh(60)
    heartbeat.beat()
    assert heartbeat.is_fresh(60)
    os.utime(heartbeat.path, (time.time() - 100, time.time() - 100))
    assert heartbeat.age() >= 99 and not heartbeat.is_fresh(60)
    heartbeat.beat()
    assert heartbeat.age() < 60


def test_a_heartbeat_that_cannot_be_written_is_logged_once_and_raises_nothing(tmp_path, caplog):
    heartbeat = Heartbeat(tmp_path / "missing-directory" / "beat")
    with caplog.at_level(logging.ERROR, logger="service.mail"):
        heartbeat.beat()
        heartbeat.beat()
    assert [r.getMessage() for r in caplog.records].count(
        f"cannot renew the mail worker heartbeat {heartbeat.path}: "
        f"[Errno 2] No such file or directory: '{heartbeat.path}'") == 1
    (tmp_path / "missing-directory").mkdir()
    heartbeat.beat()
    assert heartbeat.is_fresh(60)
