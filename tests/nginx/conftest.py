"""Fixtures for the nginx front tests: a real nginx, a stand-in site, and a real upstream peer.

The peer (upstream_peer.py) stands in for the service, so these tests need neither the service nor
PostgreSQL.
"""

from __future__ import annotations

import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from localplatform.ports import free_port, free_ports
from nginx.process import DEBIAN_NGINX, NginxProcess, default_worker_user
from nginx.render import FrontSettings, render
from tests.nginx.certificates import write_self_signed_cert
from tests.nginx.upstream_peer import UpstreamPeer
from tests.stand_in_site import world_readable_dir, write_site


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def nginx_binary() -> Path:
    assert DEBIAN_NGINX.exists(), "Debian nginx is required: apt-get install -y nginx"
    return DEBIAN_NGINX


@pytest.fixture(scope="session")
def scratch_root():
    root = world_readable_dir("front-tests-")
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def site_dist(scratch_root: Path) -> Path:
    return write_site(scratch_root / "dist")


@pytest.fixture(scope="session")
def site_file_bytes(site_dist: Path):
    return lambda relative: (site_dist / relative).read_bytes()


@pytest.fixture(scope="module")
def upstream_peer():
    with UpstreamPeer() as peer:
        yield peer


@dataclass
class RunningFront:
    settings: FrontSettings
    process: NginxProcess
    base_url: str
    tls_url: str | None = None


@pytest.fixture(scope="module")
def launch_front(nginx_binary: Path, scratch_root: Path, site_dist: Path):
    """Render a config with the given overrides, start nginx on free ports, stop it after the module."""
    with ExitStack() as cleanup:

        def launch(
            name: str, upstream: str, run_as: tuple[str, str] | None = None, **overrides: object
        ) -> RunningFront:
            http_port, https_port = free_ports(2)
            overrides.setdefault("http_port", http_port)
            if "tls_cert" in overrides:
                overrides.setdefault("https_port", https_port)
            runtime_dir = world_readable_dir(f"front-{name}-")
            cleanup.callback(shutil.rmtree, runtime_dir, ignore_errors=True)
            settings = FrontSettings(
                conf_dir=runtime_dir / "conf",
                runtime_dir=runtime_dir,
                dist_root=site_dist,
                upstream=upstream,
                worker_user=None if run_as else default_worker_user(),
                **overrides,
            )
            conf_path = render(settings)
            if run_as:
                shutil.chown(runtime_dir, *run_as)
            process = NginxProcess(conf_path, runtime_dir, binary=nginx_binary, run_as=run_as)
            process.start(wait_for=("127.0.0.1", settings.http_port))
            cleanup.callback(process.stop)
            tls_url = f"https://127.0.0.1:{settings.https_port}" if settings.tls else None
            return RunningFront(settings, process, f"http://127.0.0.1:{settings.http_port}", tls_url)

        yield launch


@pytest.fixture(scope="session")
def self_signed_cert(scratch_root: Path) -> tuple[Path, Path]:
    return write_self_signed_cert(scratch_root / "tls")
