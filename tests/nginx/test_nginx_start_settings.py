"""What the web image reads at start, not at build: the API upstream and the trusted proxies.

One image serves both topologies: on the host nginx proxies to `service:8080` and is the edge; in
the cluster's awsvpc task it proxies to 127.0.0.1:8081 behind the ALB, whose X-Forwarded-For it
believes from the VPC only. Rendered for the local stack (nginx.render) and started through the
image's entrypoint (nginx/front-start.sh), each with the real nginx and a real upstream peer.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from localplatform.ports import free_ports
from nginx.process import default_worker_user
from nginx.render import NO_TRUSTED_PROXY, FrontSettings, real_ip_conf, render, upstream_conf
from tests.nginx.conftest import world_readable_dir

FRONT_START = Path(__file__).resolve().parents[2] / "nginx" / "front-start.sh"
TIMEOUT = 5
START_DEADLINE = 60.0
CLIENT = "203.0.113.9"
HSTS = "max-age=31536000; includeSubDomains"
CLUSTER_PROXIES = ("10.40.0.0/16", "127.0.0.0/8")  # the VPC, and here the test's own address


def forwarded_for(base_url: str, upstream_peer) -> list[str]:
    """What the API is told about a client that claims to be CLIENT."""
    response = requests.get(f"{base_url}/api/v1/ping", headers={"X-Forwarded-For": CLIENT}, timeout=TIMEOUT)
    assert response.status_code == 200
    return upstream_peer.seen[-1].header_values("X-Forwarded-For")


def hsts_behind(base_url: str, scheme: str | None) -> str | None:
    """The HSTS header of a page fetched as if a proxy in front had (not) ended TLS."""
    headers = {"X-Forwarded-Proto": scheme} if scheme else {}
    return requests.get(f"{base_url}/", headers=headers, timeout=TIMEOUT).headers.get("Strict-Transport-Security")


def test_a_trusted_proxy_names_the_client_and_its_tls_brings_hsts(launch_front, upstream_peer):
    front = launch_front("trusted", upstream_peer.address, trusted_proxies=CLUSTER_PROXIES)
    assert forwarded_for(front.base_url, upstream_peer) == [CLIENT]
    # The ALB ends TLS and speaks plain HTTP to nginx: HSTS must still reach the browser.
    assert hsts_behind(front.base_url, "https") == HSTS
    assert hsts_behind(front.base_url, "http") is None and hsts_behind(front.base_url, None) is None


def test_a_peer_outside_the_trusted_networks_is_not_believed(launch_front, upstream_peer):
    front = launch_front("untrusted", upstream_peer.address, trusted_proxies=("10.40.0.0/16",))
    assert forwarded_for(front.base_url, upstream_peer) == ["127.0.0.1"]
    assert hsts_behind(front.base_url, "https") is None


def test_without_trusted_proxies_a_claimed_https_is_ignored(launch_front, upstream_peer):
    front = launch_front("edge", upstream_peer.address)
    assert hsts_behind(front.base_url, "https") is None


def test_a_trusted_network_must_be_a_network(tmp_path: Path, site_dist: Path):
    settings = FrontSettings(tmp_path / "conf", tmp_path / "run", site_dist, trusted_proxies=("10.40.0.1/16",))
    with pytest.raises(ValueError, match="10.40.0.1/16"):
        render(settings)


@contextmanager
def started_image_front(nginx_binary: Path, site_dist: Path, environment: dict[str, str]):
    """nginx/front-start.sh on a config rendered as nginx/Dockerfile renders it; yields (process, url, start dir)."""
    root = world_readable_dir("front-start-")
    (http_port, https_port) = free_ports(2)
    settings = FrontSettings(
        conf_dir=root / "conf",
        runtime_dir=root,
        dist_root=site_dist,
        http_port=http_port,
        https_port=https_port,
        tls_cert=root / "tls" / "fullchain.pem",
        tls_key=root / "tls" / "privkey.pem",
        start_dir=root / "start",
        worker_user=default_worker_user(),
    )
    render(settings)
    environment = {
        **os.environ,
        "FRONT_CONF_DIR": str(settings.conf_dir),
        "FRONT_START_DIR": str(settings.start_dir),
        "TLS_CERT": str(settings.tls_cert),
        "TLS_KEY": str(settings.tls_key),
        "NGINX_BIN": str(nginx_binary),
        **environment,
    }
    process = subprocess.Popen(
        ["sh", str(FRONT_START)], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        yield process, f"http://127.0.0.1:{http_port}", settings.start_dir
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the certificate watcher shares the session
        process.stderr.close()
        shutil.rmtree(root, ignore_errors=True)


def wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_DEADLINE
    while True:
        try:
            requests.get(url, timeout=TIMEOUT)
            return
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as error:
            if process.poll() is not None:
                ended = process.stderr.read().decode(errors="replace")
                raise AssertionError(f"front-start.sh ended: {ended}") from error
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing answered on {url}") from error
            time.sleep(0.2)


def test_the_image_proxies_to_the_upstream_its_environment_names(nginx_binary, site_dist, upstream_peer):
    # The cluster's task definition: the API on the task's loopback, the ALB inside the VPC (here: 127.0.0.0/8).
    environment = {"UPSTREAM": upstream_peer.address, "TRUSTED_PROXY_CIDRS": " ".join(CLUSTER_PROXIES)}
    with started_image_front(nginx_binary, site_dist, environment) as (process, url, start_dir):
        wait_for(url, process)
        assert forwarded_for(url, upstream_peer) == [CLIENT]
        assert hsts_behind(url, "https") == HSTS
        # The entrypoint writes what nginx.render writes for the local stack.
        assert (start_dir / "real-ip.conf").read_text() == real_ip_conf(CLUSTER_PROXIES)
        assert (start_dir / "upstream.conf").read_text() == upstream_conf(upstream_peer.address)


def test_the_image_is_the_edge_unless_told_otherwise(nginx_binary, site_dist, upstream_peer):
    # The host topology sets no TRUSTED_PROXY_CIDRS: a client's X-Forwarded-For is never believed.
    with started_image_front(nginx_binary, site_dist, {"UPSTREAM": upstream_peer.address}) as (process, url, start_dir):
        wait_for(url, process)
        assert forwarded_for(url, upstream_peer) == ["127.0.0.1"]
        assert hsts_behind(url, "https") is None
        assert (start_dir / "real-ip.conf").read_text() == NO_TRUSTED_PROXY


def test_the_image_defaults_to_the_host_topologys_service_name(nginx_binary, site_dist):
    # `service` resolves only on the host's Docker network, so nginx cannot start here; the file shows the choice.
    with started_image_front(nginx_binary, site_dist, {}) as (process, _, start_dir):
        process.wait(timeout=30)
        assert (start_dir / "upstream.conf").read_text() == "server service:8080;\n"
        assert (start_dir / "real-ip.conf").read_text() == NO_TRUSTED_PROXY


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("UPSTREAM", "service:8080; include /etc/passwd"),
        ("UPSTREAM", "service"),
        ("TRUSTED_PROXY_CIDRS", "10.40.0.0/16 everyone"),
        ("TRUSTED_PROXY_CIDRS", "10.40.0.0"),
    ],
)
def test_the_image_refuses_a_setting_that_is_not_an_address(nginx_binary, site_dist, variable, value):
    with started_image_front(nginx_binary, site_dist, {variable: value}) as (process, _, _):
        assert process.wait(timeout=30) == 64
        assert variable in process.stderr.read().decode()
