"""The production variant: TLS with a certificate from disk, HTTP redirected, HSTS on."""

from __future__ import annotations

import pytest
import requests

TIMEOUT = 5
HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture(scope="module")
def acme_root(scratch_root):
    root = scratch_root / "acme"
    challenge_dir = root / ".well-known/acme-challenge"
    challenge_dir.mkdir(parents=True)
    for directory in [root, root / ".well-known", challenge_dir]:
        directory.chmod(0o755)
    (challenge_dir / "token-1").write_text("proof")
    return root


@pytest.fixture(scope="module")
def front(launch_front, upstream_peer, self_signed_cert, acme_root):
    cert, key = self_signed_cert
    return launch_front("tls", upstream_peer.address, tls_cert=cert, tls_key=key, acme_root=acme_root)


@pytest.fixture(scope="module")
def https(self_signed_cert):
    """GET over TLS trusting only the throwaway certificate.

    verify goes on each request: a Session's verify loses to REQUESTS_CA_BUNDLE.
    """
    cert, _ = self_signed_cert
    return lambda url: requests.get(url, verify=str(cert), timeout=TIMEOUT)


def test_plain_http_redirects_to_https(front):
    response = requests.get(front.base_url + "/status?tab=1", allow_redirects=False, timeout=TIMEOUT)
    assert response.status_code == 301
    assert response.headers["Location"] == f"{front.tls_url}/status?tab=1"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers


def test_plain_http_still_answers_acme_challenges(front):
    response = requests.get(front.base_url + "/.well-known/acme-challenge/token-1", timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.text == "proof"


def test_https_serves_the_site_with_hsts(front, https):
    response = https(front.tls_url + "/admin")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert response.headers["Cache-Control"] == "no-cache"


def test_hsts_is_on_errors_too(front, https):
    response = https(front.tls_url + "/assets/missing.js")
    assert response.status_code == 404
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_upstream_learns_the_request_was_https(front, https, upstream_peer):
    response = https(front.tls_url + "/api/v1/ping")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == HSTS
    assert upstream_peer.seen[-1].header_values("X-Forwarded-Proto") == ["https"]

