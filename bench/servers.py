"""The WSGI servers `make bench` compares, each started as a real process on 127.0.0.1.

Every configuration runs the same app with the same number of worker processes, no worker
recycling and no access log of its own (the app writes one line per request).
"""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from localplatform.processes import dies_with_parent

ROOT = Path(__file__).resolve().parent.parent
UWSGI = Path(sys.executable).parent / "uwsgi"  # pyuwsgi's command


def _gunicorn(worker_class: str, *extra: str) -> Callable[[str, int, int], list[str]]:
    def command(app: str, port: int, workers: int) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                "--worker-class", worker_class, *extra, app]
    return command


def _uwsgi(app: str, port: int, workers: int) -> list[str]:
    # http11-socket: uWSGI's own HTTP/1.1 parser with keep-alive, no router process in between.
    return [str(UWSGI), "--http11-socket", f"127.0.0.1:{port}", "--module", app, "--master",
            "--processes", str(workers), "--lazy-apps", "--need-app", "--die-on-term", "--disable-logging"]


def _granian(app: str, port: int, workers: int) -> list[str]:
    # The service's own server settings (service/runtime/server.py), from the environment.
    return [sys.executable, "-m", "service.runtime.server", app]


@dataclass(frozen=True)
class ServerKind:
    name: str
    command: Callable[[str, int, int], list[str]]
    env: tuple[tuple[str, str], ...] = ()


GUNICORN_SYNC = ServerKind("gunicorn sync", _gunicorn("sync"))
SERVERS = [
    GUNICORN_SYNC,
    ServerKind("gunicorn gthread x4", _gunicorn("gthread", "--threads", "4")),
    ServerKind("uwsgi", _uwsgi),
    ServerKind("granian 1 thread", _granian, (("SERVER_THREADS", "1"),)),
    ServerKind("granian 4 threads", _granian, (("SERVER_THREADS", "4"),)),
    ServerKind("granian 2 threads", _granian),  # ours: the service's defaults
]
OURS = SERVERS[-1]


def by_names(names: str) -> list[ServerKind]:
    """`--compare`'s value: server configurations by name, comma-separated, in the order given."""
    known = {kind.name: kind for kind in SERVERS}
    unknown = [name for name in names.split(",") if name.strip() not in known]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown server {', '.join(map(repr, unknown))}; "
                                         f"known: {', '.join(known)}")
    return [known[name.strip()] for name in names.split(",")]


def start(kind: ServerKind, app: str, port: int, workers: int, env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as sink:
        return subprocess.Popen(kind.command(app, port, workers), cwd=ROOT,
                                env={**env, **dict(kind.env), "PORT": str(port), "WEB_CONCURRENCY": str(workers)},
                                stdout=sink, stderr=subprocess.STDOUT, preexec_fn=dies_with_parent(signal.SIGTERM))


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
