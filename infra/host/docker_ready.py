"""Waits until the host's Docker API answers over mutual TLS; run by the deploy before any container.

The Pulumi command provider runs it as `python3 -m infra.host.docker_ready` from the repo root (the
Command's `dir`), with the environment: DOCKER_HOST=tcp://127.0.0.1:<dockerTunnelPort>,
DOCKER_CA_PEM, DOCKER_CERT_PEM, DOCKER_KEY_PEM, optional DOCKER_READY_TIMEOUT seconds (default 900),
and DOCKER_TUNNEL_INSTANCE + DOCKER_TUNNEL_REGION: when the API does not answer, the SSM tunnel to
that instance is (re)opened, since a new host is not behind a tunnel opened before it existed.
Exits 0 once `GET /_ping` returns OK. Standard library only, like infra.host.docker_tunnel.
"""

from __future__ import annotations

import os
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from infra.host import docker_tunnel

POLL_SECONDS = 5


def tls_context(ca_pem: str, cert_pem: str, key_pem: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cadata=ca_pem)
    # ssl only loads a client certificate from files; keep them private and short-lived.
    with tempfile.TemporaryDirectory() as directory:
        cert_file, key_file = Path(directory, "cert.pem"), Path(directory, "key.pem")
        for path, content in ((cert_file, cert_pem), (key_file, key_pem)):
            path.touch(mode=0o600)
            path.write_text(content, encoding="ascii")
        context.load_cert_chain(cert_file, key_file)
    return context


def ping_url(docker_host: str) -> str:
    parsed = urlparse(docker_host)
    if parsed.scheme != "tcp" or not parsed.hostname or not parsed.port:
        raise ValueError(f"DOCKER_HOST must look like tcp://HOST:PORT, got {docker_host!r}")
    return f"https://{parsed.hostname}:{parsed.port}/_ping"


def local_port(docker_host: str) -> int:
    return urlparse(docker_host).port


def answers(url: str, context: ssl.SSLContext) -> bool:
    try:
        with urllib.request.urlopen(url, context=context, timeout=POLL_SECONDS) as response:
            return response.status == 200 and response.read().strip() == b"OK"
    except (OSError, urllib.error.URLError):
        return False


def wait_until_ready(
    url: str, context: ssl.SSLContext, timeout: float, reopen_tunnel=None, clock=time.monotonic, sleep=time.sleep
) -> bool:
    """Polls until the API answers. `reopen_tunnel(replace)` is called after a failed poll: once with
    replace=True (a tunnel from before may lead to a host that is gone), then whenever the session ended."""
    deadline = clock() + timeout
    replace = True
    while True:
        if answers(url, context):
            return True
        if clock() >= deadline:
            return False
        if reopen_tunnel is not None:
            reopen_tunnel(replace)
            replace = False
        sleep(POLL_SECONDS)


def tunnel_opener(instance_id: str, region: str, local_port: int):
    def reopen(replace: bool) -> None:
        if replace or docker_tunnel.running_pid(local_port) is None:
            docker_tunnel.open_tunnel(instance_id, region, local_port)

    return reopen


def main(environ=os.environ) -> int:
    url = ping_url(environ["DOCKER_HOST"])
    context = tls_context(environ["DOCKER_CA_PEM"], environ["DOCKER_CERT_PEM"], environ["DOCKER_KEY_PEM"])
    timeout = float(environ.get("DOCKER_READY_TIMEOUT", "900"))
    reopen = None
    if environ.get("DOCKER_TUNNEL_INSTANCE"):
        reopen = tunnel_opener(
            environ["DOCKER_TUNNEL_INSTANCE"], environ["DOCKER_TUNNEL_REGION"], local_port(environ["DOCKER_HOST"])
        )
    if wait_until_ready(url, context, timeout, reopen):
        print(f"docker API ready at {url}")
        return 0
    print(f"docker API at {url} not ready after {timeout:.0f}s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
