"""The web image's start: plain HTTP with the ACME path open until a certificate exists, then TLS.

Runs nginx/front-start.sh, the image's entrypoint, with the real nginx on a config rendered as
nginx/Dockerfile renders it (--start-dir). No ACME server is reachable here, so the test plays the
certbot container's part: it writes a challenge file into the webroot, then drops a certificate
and key where the deploy step copies them, and waits for nginx to switch.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import time
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.x509.oid import NameOID

from localplatform.certificates import write_certificate
from localplatform.ports import free_ports
from nginx.process import default_worker_user
from nginx.render import FrontSettings, render
from tests.nginx.conftest import world_readable_dir

REPO_ROOT = Path(__file__).resolve().parents[2]
FRONT_START = REPO_ROOT / "nginx" / "front-start.sh"
TIMEOUT = 5
SWITCH_DEADLINE = 60.0
HSTS = "max-age=31536000; includeSubDomains"
SHARED_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
    "Cache-Control",
)


@pytest.fixture
def front_without_certificate(nginx_binary, site_dist, upstream_peer):
    root = world_readable_dir("front-switch-")
    http_port, https_port = free_ports(2)
    tls_dir, acme_root = root / "tls", root / "acme"
    challenge_dir = acme_root / ".well-known" / "acme-challenge"
    challenge_dir.mkdir(parents=True)
    tls_dir.mkdir()
    for directory in [tls_dir, acme_root, acme_root / ".well-known", challenge_dir]:
        directory.chmod(0o755)
    settings = FrontSettings(
        conf_dir=root / "conf",
        runtime_dir=root,
        dist_root=site_dist,
        upstream=upstream_peer.address,
        http_port=http_port,
        https_port=https_port,
        tls_cert=tls_dir / "fullchain.pem",
        tls_key=tls_dir / "privkey.pem",
        acme_root=acme_root,
        start_dir=root / "site",
        worker_user=default_worker_user(),
    )
    render(settings)
    environment = {
        **os.environ,
        "FRONT_CONF_DIR": str(settings.conf_dir),
        "FRONT_START_DIR": str(settings.start_dir),
        "UPSTREAM": upstream_peer.address,
        "TLS_CERT": str(settings.tls_cert),
        "TLS_KEY": str(settings.tls_key),
        "CERT_CHECK_SECONDS": "1",
        "NGINX_BIN": str(nginx_binary),
    }
    with open(root / "front.stderr", "wb") as stderr:
        process = subprocess.Popen(
            ["sh", str(FRONT_START)], env=environment, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
        )
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{http_port}/"), f"nginx on {http_port}", root)
        yield settings, challenge_dir, root
    finally:
        # The entrypoint exec'd nginx; its watcher shares the session. Stop nginx, then the rest.
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=15)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            shutil.rmtree(root, ignore_errors=True)


def answers(url: str, **kwargs) -> bool:
    try:
        requests.get(url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout):
        return False
    return True


def redirect_from(url: str) -> requests.Response | None:
    reply = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
    return reply if reply.status_code == 301 else None


def wait_until(condition, what: str, root: Path):
    """Polls until condition() gives something truthy, and returns that."""
    deadline = time.monotonic() + SWITCH_DEADLINE
    while not (result := condition()):
        if time.monotonic() > deadline:
            log = (root / "front.stderr").read_text(errors="replace")
            raise AssertionError(f"{what} never came; front-start.sh said:\n{log}")
        time.sleep(0.2)
    return result


def test_http_until_the_certificate_exists_then_tls_with_the_same_headers(front_without_certificate, self_signed_cert):
    settings, challenge_dir, root = front_without_certificate
    http_url = f"http://127.0.0.1:{settings.http_port}"
    https_url = f"https://127.0.0.1:{settings.https_port}"

    (challenge_dir / "token-abc").write_text("key-authorization")
    challenge = requests.get(f"{http_url}/.well-known/acme-challenge/token-abc", timeout=TIMEOUT)
    assert challenge.status_code == 200 and challenge.text == "key-authorization"
    assert requests.get(f"{http_url}/.well-known/acme-challenge/other", timeout=TIMEOUT).status_code == 404
    before = requests.get(f"{http_url}/admin", timeout=TIMEOUT, allow_redirects=False)
    assert before.status_code == 200, "without a certificate the site is served over HTTP"
    assert "Strict-Transport-Security" not in before.headers
    assert not answers(https_url, verify=False), "nothing listens for TLS before a certificate exists"

    # What the certbot container's copy step does once the CA has issued the certificate.
    cert, key = self_signed_cert
    shutil.copyfile(key, settings.tls_key)
    shutil.copyfile(cert, settings.tls_cert)
    wait_until(lambda: answers(https_url, verify=str(cert)), "TLS after the certificate appeared", root)

    after = requests.get(f"{https_url}/admin", timeout=TIMEOUT, verify=str(cert))
    assert after.status_code == 200
    assert after.headers["Strict-Transport-Security"] == HSTS
    for header in SHARED_HEADERS:
        assert after.headers[header] == before.headers[header], header
    # The reload is graceful: an old worker may still answer on the HTTP port for a moment.
    redirect = wait_until(lambda: redirect_from(f"{http_url}/admin"), "HTTP redirecting to TLS", root)
    assert redirect.headers["Location"] == f"{https_url}/admin"
    renewal_path = requests.get(f"{http_url}/.well-known/acme-challenge/token-abc", timeout=TIMEOUT)
    assert renewal_path.status_code == 200 and renewal_path.text == "key-authorization", "renewals need it too"


def test_the_image_starts_on_plain_http_when_no_certificate_ever_comes(front_without_certificate):
    settings, _, root = front_without_certificate
    assert "server_name _;" in (settings.start_dir / "site.conf").read_text()
    assert "ssl_certificate" not in (settings.start_dir / "site.conf").read_text()
    assert (root / "conf" / "site-tls.conf").is_file(), "the TLS site waits in the image for the certificate"


def served_common_name(port: int) -> str:
    pem = ssl.get_server_certificate(("127.0.0.1", port), timeout=TIMEOUT)
    certificate = x509.load_pem_x509_certificate(pem.encode())
    return certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def test_a_mismatched_pair_keeps_the_running_site_and_a_renewal_is_served_after_reload(
        front_without_certificate, tmp_path):
    settings, _, root = front_without_certificate
    http_url = f"http://127.0.0.1:{settings.http_port}"
    https_url = f"https://127.0.0.1:{settings.https_port}"

    # A pair caught mid-copy: this key does not belong to this certificate.
    write_certificate(settings.tls_cert, tmp_path / "unused.key", "first")
    write_certificate(tmp_path / "unused.pem", settings.tls_key, "other")
    wait_until(lambda: "key values mismatch" in (root / "front.stderr").read_text(errors="replace"),
               "nginx -t refusing the mismatched pair", root)
    assert requests.get(f"{http_url}/admin", timeout=TIMEOUT, allow_redirects=False).status_code == 200
    assert not answers(https_url, verify=False), "the loaded plain-HTTP config keeps serving"

    write_certificate(settings.tls_cert, settings.tls_key, "first")
    wait_until(lambda: answers(https_url, verify=False), "TLS once the pair matches", root)
    assert served_common_name(settings.https_port) == "first"

    # A renewal: certbot's copy replaces both files; nginx must serve the new one after its reload.
    write_certificate(settings.tls_cert, settings.tls_key, "renewed")
    wait_until(lambda: served_common_name(settings.https_port) == "renewed", "the renewed certificate", root)
