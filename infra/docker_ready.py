"""Waits until the host's Docker API answers over mutual TLS; run by the deploy before any container.

Usage (environment): DOCKER_HOST=tcp://IP:2376, DOCKER_CA_PEM, DOCKER_CERT_PEM, DOCKER_KEY_PEM,
optional DOCKER_READY_TIMEOUT seconds (default 900). Exits 0 once `GET /_ping` returns OK.
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


def wait_until_ready(url: str, context: ssl.SSLContext, timeout: float, clock=time.monotonic, sleep=time.sleep) -> bool:
    deadline = clock() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, context=context, timeout=POLL_SECONDS) as response:
                if response.status == 200 and response.read().strip() == b"OK":
                    return True
        except (OSError, urllib.error.URLError):
            pass
        if clock() >= deadline:
            return False
        sleep(POLL_SECONDS)


def main(environ=os.environ) -> int:
    url = ping_url(environ["DOCKER_HOST"])
    context = tls_context(environ["DOCKER_CA_PEM"], environ["DOCKER_CERT_PEM"], environ["DOCKER_KEY_PEM"])
    timeout = float(environ.get("DOCKER_READY_TIMEOUT", "900"))
    if wait_until_ready(url, context, timeout):
        print(f"docker API ready at {url}")
        return 0
    print(f"docker API at {url} not ready after {timeout:.0f}s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
