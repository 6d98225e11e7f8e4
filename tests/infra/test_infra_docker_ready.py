"""The readiness wait the deploy runs before creating containers, against a real mutual-TLS server on 127.0.0.1.

This is the one piece of infra/ that runs outside the Pulumi engine (as a local command), so it
is tested as a plain program: certificates from openssl, a TLS server that demands a client cert.
"""

import http.server
import ssl
import subprocess
import threading
from pathlib import Path

import pytest

from infra.docker_ready import main, ping_url, tls_context, wait_until_ready


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


def _authority(directory: Path, name: str) -> None:
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
             "-subj", f"/CN={name}", "-keyout", f"{name}.key", "-out", f"{name}.pem", cwd=directory)


def _leaf(directory: Path, name: str, ca: str, extension: str) -> None:
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", f"/CN={name}",
             "-keyout", f"{name}.key", "-out", f"{name}.csr", cwd=directory)
    (directory / f"{name}.ext").write_text(extension)
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial",
             "-days", "1", "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=directory)


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("pki")
    _authority(directory, "ca")
    _authority(directory, "rogue-ca")
    _leaf(directory, "server", "ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    _leaf(directory, "client", "ca", "extendedKeyUsage=clientAuth\n")
    _leaf(directory, "rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth\n")
    return directory


class _Ping(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        body = b"OK" if self.path == "/_ping" else b"no"
        self.send_response(200 if self.path == "/_ping" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def docker_like_server(pki):
    """A stand-in for dockerd's TLS listener: it only answers clients signed by our CA."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki / "server.pem", pki / "server.key")
    context.load_verify_locations(pki / "ca.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ping)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _context(pki: Path, client: str) -> ssl.SSLContext:
    return tls_context((pki / "ca.pem").read_text(), (pki / f"{client}.pem").read_text(), (pki / f"{client}.key").read_text())


def test_ready_when_the_api_answers_our_client_certificate(pki, docker_like_server):
    assert wait_until_ready(ping_url(docker_like_server), _context(pki, "client"), timeout=10)


def test_a_certificate_from_another_ca_never_counts_as_ready(pki, docker_like_server):
    ticks = iter(range(100))
    assert not wait_until_ready(
        ping_url(docker_like_server), _context(pki, "rogue-client"), timeout=3, clock=lambda: next(ticks), sleep=lambda _: None
    )


def test_main_reads_everything_from_the_environment(pki, docker_like_server, capsys):
    environ = {
        "DOCKER_HOST": docker_like_server,
        "DOCKER_CA_PEM": (pki / "ca.pem").read_text(),
        "DOCKER_CERT_PEM": (pki / "client.pem").read_text(),
        "DOCKER_KEY_PEM": (pki / "client.key").read_text(),
        "DOCKER_READY_TIMEOUT": "10",
    }
    assert main(environ) == 0
    assert "docker API ready" in capsys.readouterr().out


@pytest.mark.parametrize("host", ["unix:///var/run/docker.sock", "tcp://127.0.0.1", "https://127.0.0.1:2376"])
def test_only_tcp_host_and_port_are_accepted(host):
    with pytest.raises(ValueError, match="tcp://HOST:PORT"):
        ping_url(host)
