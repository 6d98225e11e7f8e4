"""The production front (nginx/templates) before a server under test, its rate limits out of the way."""
from __future__ import annotations

from pathlib import Path

from localplatform.ports import free_ports
from nginx.process import NginxProcess, default_worker_user
from nginx.render import FrontSettings, render

# Far above what wrk reaches through nginx on any machine.
UNLIMITED = 100_000_000


def start_nginx(work: Path, upstream: str) -> tuple[NginxProcess, str]:
    """The production front (nginx/templates) before our server, its rate limits out of the way: wrk
    is one client address, so the limits would answer 429 for the service."""
    dist = work / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>bench</title>")
    port = free_ports(1)[0]
    settings = FrontSettings(conf_dir=work / "nginx" / "conf", runtime_dir=work / "nginx", dist_root=dist,
                             upstream=upstream.removeprefix("http://"), http_port=port,
                             auth_rate_per_minute=UNLIMITED, auth_burst=UNLIMITED,
                             refresh_rate_per_minute=UNLIMITED, refresh_burst=UNLIMITED,
                             api_rate_per_minute=UNLIMITED, api_burst=UNLIMITED, worker_user=default_worker_user())
    nginx = NginxProcess(render(settings), work / "nginx")
    nginx.start(wait_for=("127.0.0.1", port))
    return nginx, f"http://127.0.0.1:{port}"
