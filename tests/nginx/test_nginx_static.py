"""The built client through nginx: SPA fallback, cache classes, compression, headers."""

from __future__ import annotations

import gzip

import pytest
import requests

TIMEOUT = 5
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def front(launch_front, upstream_peer):
    return launch_front("static", upstream_peer.address)


def get(front, path: str, **kwargs) -> requests.Response:
    return requests.get(front.base_url + path, timeout=TIMEOUT, **kwargs)


def test_root_serves_index_without_caching(front, site_file_bytes):
    response = get(front, "/")
    assert response.status_code == 200
    assert response.content == site_file_bytes("index.html")
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/status", "/admin", "/admin/users/42", "/login?next=%2Fstatus"])
def test_client_routes_fall_back_to_index(front, site_file_bytes, path: str):
    response = get(front, path)
    assert response.status_code == 200
    assert response.content == site_file_bytes("index.html")
    assert response.headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_cached_for_a_year(front, site_file_bytes):
    response = get(front, "/assets/app-3f9a1c.js")
    assert response.status_code == 200
    assert response.content == site_file_bytes("assets/app-3f9a1c.js")
    assert response.headers["Content-Type"] == "application/javascript"
    assert response.headers["Cache-Control"] == IMMUTABLE


def test_missing_asset_is_404_not_the_spa(front, site_file_bytes):
    response = get(front, "/assets/app-000000.js")
    assert response.status_code == 404
    assert site_file_bytes("index.html") not in response.content
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_other_root_files_are_served_as_themselves(front):
    response = get(front, "/robots.txt")
    assert response.status_code == 200
    assert response.content == b"User-agent: *\n"
    assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/", 200), ("/status", 200), ("/assets/app-3f9a1c.js", 200), ("/assets/nope.js", 404)],
)
def test_security_headers_on_every_response(front, path: str, status: int):
    response = get(front, path)
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


@pytest.mark.parametrize("path", ["/", "/assets/nope.js"])
def test_server_version_is_hidden(front, path: str):
    response = get(front, path)
    assert response.headers["Server"] == "nginx"
    assert b"nginx/" not in response.content


def test_assets_are_gzipped_on_the_fly(front, site_file_bytes):
    response = get(front, "/assets/app-3f9a1c.js", headers={"Accept-Encoding": "gzip"}, stream=True)
    wire = response.raw.read(decode_content=False)
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(wire) < len(site_file_bytes("assets/app-3f9a1c.js")) / 4
    assert gzip.decompress(wire) == site_file_bytes("assets/app-3f9a1c.js")


def test_precompressed_assets_are_sent_as_built(front, site_file_bytes):
    response = get(front, "/assets/vendor-77aa02.js", headers={"Accept-Encoding": "gzip"}, stream=True)
    wire = response.raw.read(decode_content=False)
    assert response.headers["Content-Encoding"] == "gzip"
    # Byte-identical to the .gz file proves gzip_static served it rather than compressing anew.
    assert wire == site_file_bytes("assets/vendor-77aa02.js.gz")
    assert response.headers["Content-Length"] == str(len(wire))
    assert gzip.decompress(wire) == site_file_bytes("assets/vendor-77aa02.js")


def test_clients_without_gzip_get_plain_bytes(front, site_file_bytes):
    response = get(front, "/assets/app-3f9a1c.js", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.content == site_file_bytes("assets/app-3f9a1c.js")
