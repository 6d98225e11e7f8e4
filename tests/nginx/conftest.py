"""Fixtures for the nginx front tests: a real nginx, a tiny site, and a real upstream peer.

The peer is a plain HTTP/1.1 server on 127.0.0.1 that records what nginx forwarded; it
stands in for the service so these tests need neither the service nor PostgreSQL.
"""

from __future__ import annotations

import datetime
import gzip
import ipaddress
import json
import os
import shutil
import tempfile
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from nginx.process import DEBIAN_NGINX, NginxProcess, default_worker_user
from nginx.render import FrontSettings, render
from scripts.ports import free_port, free_ports

INDEX_HTML = b"<!doctype html><title>spa</title><div id=root></div>"
# Big and repetitive enough that gzip always pays off.
APP_JS = b"".join(b"console.log('line %d of the app bundle');\n" % i for i in range(600))
VENDOR_JS = b"".join(b"export const v%d = %d;\n" % (i, i) for i in range(800))
SERVICE_THROTTLE_BODY = {"status": "fail", "message": "Too many failed attempts. Try again in 30 seconds."}


def world_readable_dir(prefix: str) -> Path:
    """nginx workers run as nobody when the tests run as root, so pytest's 0700 tmp won't do."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


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
    """A stand-in for client/dist: index.html, hashed assets, one precompressed asset."""
    dist = scratch_root / "dist"
    assets = dist / "assets"
    assets.mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX_HTML)
    (dist / "robots.txt").write_bytes(b"User-agent: *\n")
    (assets / "app-3f9a1c.js").write_bytes(APP_JS)
    (assets / "vendor-77aa02.js").write_bytes(VENDOR_JS)
    (assets / "vendor-77aa02.js.gz").write_bytes(gzip.compress(VENDOR_JS, compresslevel=9))
    for path in [dist, assets]:
        path.chmod(0o755)
    return dist


@pytest.fixture(scope="session")
def site_file_bytes(site_dist: Path):
    return lambda relative: (site_dist / relative).read_bytes()


@dataclass
class SeenRequest:
    method: str
    path: str
    request_version: str
    client_port: int
    headers: list[tuple[str, str]]
    body_length: int

    def header_values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


class PeerHandler(BaseHTTPRequestHandler):
    """Echo what arrived; imitate the service where the front must not interfere."""

    protocol_version = "HTTP/1.1"  # keep-alive, as granian offers

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        seen = SeenRequest(
            method=self.command,
            path=self.path,
            request_version=self.request_version,
            client_port=self.client_address[1],
            headers=list(self.headers.items()),
            body_length=len(body),
        )
        self.server.seen.append(seen)
        if self.path == "/api/v1/auth/peer-throttled":
            self._send(429, SERVICE_THROTTLE_BODY, {"Retry-After": "30"})
            return
        padding = "x" * 4000 if "pad=1" in self.path else ""
        self._send(200, {"status": "success", "path": self.path, "padding": padding}, {})

    def _send(self, status: int, payload: dict, extra_headers: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        # Headers nginx is expected to replace with its own.
        self.send_header("Cache-Control", "max-age=600")
        self.send_header("X-Content-Type-Options", "nosniff")
        # The service echoes the request id too; the client must still see one copy.
        if self.headers.get("X-Request-ID"):
            self.send_header("X-Request-ID", self.headers["X-Request-ID"])
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


class UpstreamPeer:
    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), PeerHandler)
        self._server.daemon_threads = True
        self._server.seen = []
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        host, port = self._server.server_address
        return f"{host}:{port}"

    @property
    def seen(self) -> list[SeenRequest]:
        return self._server.seen

    def __enter__(self) -> UpstreamPeer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


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
    """A throwaway certificate for 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    tls_dir = scratch_root / "tls"
    tls_dir.mkdir(mode=0o755)
    cert_path, key_path = tls_dir / "cert.pem", tls_dir / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.chmod(key_path, 0o600)
    return cert_path, key_path
