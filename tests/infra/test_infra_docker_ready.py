"""The readiness wait the deploy runs before creating containers, against a real mutual-TLS server on 127.0.0.1.

This is the one piece of infra/ that runs outside the Pulumi engine (as a local command), so it
is tested as a plain program: certificates from openssl, a TLS server that demands a client cert.
The command line, working directory and environment are the ones the mocked program hands the
command provider, run the way the provider runs them (`/bin/sh -c`, `dir` resolved from infra/).
"""

import http.server
import os
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pulumi
import pytest
from pulumi_harness import PROGRAM_DIR, REPO_ROOT

from infra.host import docker_tunnel
from infra.host.docker_ready import main, ping_url, tls_context, wait_until_ready
from localplatform.ports import free_port


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


def _ready_command(run):
    (ready,) = run.of_type("command:local:Command")
    return ready.inputs


def _provider_run(inputs, pki, extra_env=None):
    """What pulumi-command's local provider does (provider/pkg/provider/local/commandOutputs.go): `/bin/sh -c
    create`, in `dir` (relative to its own working directory, infra/ under `main: infra/`), with the CLI's
    environment plus `environment`. Only the certificate material is swapped for this test's real PKI."""
    environment = dict(inputs["environment"])
    environment.update(
        DOCKER_CA_PEM=(pki / "ca.pem").read_text(),
        DOCKER_CERT_PEM=(pki / "client.pem").read_text(),
        DOCKER_KEY_PEM=(pki / "client.key").read_text(),
        DOCKER_READY_TIMEOUT="30",
    )
    # The CLI's environment, not this test's virtualenv: the provider finds whatever python3 is on PATH.
    cli_env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    working_dir = (PROGRAM_DIR / inputs.get("dir", ".")).resolve()
    return subprocess.run(
        ["/bin/sh", "-c", inputs["create"]],
        cwd=working_dir,
        env={**cli_env, **(extra_env or {}), **environment},
        capture_output=True,
        text=True,
        timeout=90,
    )


@pulumi.runtime.test
def test_the_providers_exact_command_reaches_the_api_from_infra(deploy, pki, docker_like_server):
    port = int(docker_like_server.rsplit(":", 1)[1])
    run = deploy("dev", {"dockerTunnelPort": port})

    def check():
        inputs = _ready_command(run)
        result = _provider_run(inputs, pki)
        assert result.returncode == 0, result.stderr
        assert "docker API ready" in result.stdout
        assert inputs["environment"]["DOCKER_HOST"] == docker_like_server

    return run.settled(check)


FAKE_AWS = """#!{python}
# Stands in for `aws ssm start-session ... AWS-StartPortForwardingSession`: records its arguments,
# then forwards the local port to the test's mutual-TLS server, as the Session Manager plugin would.
import json, socket, sys, threading
sys.path.insert(0, {repo!r})
open({log!r}, "a").write(json.dumps(sys.argv[1:]) + "\\n")
parameters = json.loads(sys.argv[sys.argv.index("--parameters") + 1])
listener = socket.create_server(("127.0.0.1", int(parameters["localPortNumber"][0])))
print("Waiting for connections...", flush=True)

def pipe(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        sink.close()

while True:
    client, _ = listener.accept()
    upstream = socket.create_connection(("127.0.0.1", {target}))
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
"""


@pulumi.runtime.test
def test_a_new_host_gets_its_ssm_tunnel_opened_by_the_readiness_command(deploy, pki, docker_like_server, tmp_path):
    tunnel_port = free_port()
    run = deploy("dev", {"dockerTunnelPort": tunnel_port})
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "aws-calls.jsonl"
    fake = bin_dir / "aws"
    fake.write_text(
        FAKE_AWS.format(python=sys.executable, repo=str(REPO_ROOT), log=str(calls), target=docker_like_server.rsplit(":", 1)[1])
    )
    fake.chmod(0o755)
    # python3 first on PATH as the base interpreter itself: a version manager's shim (pyenv) would put
    # its own bin, with a real `aws`, in front of the fake one.
    (bin_dir / "python3").symlink_to(Path(sys.base_prefix) / "bin" / "python3")
    state = tmp_path / "state"
    extra_env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "DOCKER_TUNNEL_STATE_DIR": str(state)}

    def check():
        inputs = _ready_command(run)
        try:
            result = _provider_run(inputs, pki, extra_env)
        finally:
            os.environ["DOCKER_TUNNEL_STATE_DIR"] = str(state)
            try:
                docker_tunnel.close(tunnel_port)
            finally:
                del os.environ["DOCKER_TUNNEL_STATE_DIR"]
        assert result.returncode == 0, result.stderr
        (arguments,) = [line for line in calls.read_text().splitlines()]
        assert arguments == (
            '["ssm", "start-session", "--region", "eu-west-1", "--target", "users-platform-dev-host-id", '
            '"--document-name", "AWS-StartPortForwardingSession", "--parameters", '
            f'"{{\\"portNumber\\": [\\"2376\\"], \\"localPortNumber\\": [\\"{tunnel_port}\\"]}}"]'
        )

    return run.settled(check)


def _fake_aws(bin_dir: Path, script: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "aws"
    fake.write_text(script)
    fake.chmod(0o755)


def test_the_workflows_tunnel_command_returns_once_the_session_listens(docker_like_server, tmp_path, monkeypatch, capsys):
    port = free_port()
    _fake_aws(tmp_path / "bin", FAKE_AWS.format(
        python=sys.executable, repo=str(REPO_ROOT), log=str(tmp_path / "calls"), target=docker_like_server.rsplit(":", 1)[1]
    ))
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_TUNNEL_STATE_DIR", str(tmp_path / "state"))
    try:
        assert docker_tunnel.main(["--instance", "i-0abc", "--region", "eu-west-1", "--local-port", str(port)]) == 0
        assert docker_tunnel.running_pid(port) is not None
    finally:
        docker_tunnel.close(port)
    assert docker_tunnel.running_pid(port) is None
    assert f"Docker API of i-0abc on 127.0.0.1:{port}" in capsys.readouterr().out


def test_a_session_that_ends_fails_the_tunnel_command_with_its_log(tmp_path, monkeypatch, capsys):
    _fake_aws(tmp_path / "bin", "#!/bin/sh\necho 'An error occurred (TargetNotConnected): i-0abc is not connected.'\nexit 255\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_TUNNEL_STATE_DIR", str(tmp_path / "state"))
    port = free_port()
    assert docker_tunnel.main(["--instance", "i-0abc", "--region", "eu-west-1", "--local-port", str(port), "--timeout", "20"]) == 1
    err = capsys.readouterr().err
    assert "TargetNotConnected" in err and "no SSM tunnel to i-0abc" in err


def test_an_ended_session_counts_as_gone_so_the_readiness_wait_opens_another(tmp_path, monkeypatch):
    """A new host's SSM agent is not online at first: the session exits at once. Unreaped, it would look
    alive forever (kill(pid, 0) succeeds on a zombie) and the readiness wait would never retry."""
    _fake_aws(tmp_path / "bin", "#!/bin/sh\nexit 255\n")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_TUNNEL_STATE_DIR", str(tmp_path / "state"))
    port = free_port()
    pid = docker_tunnel.open_tunnel("i-0abc", "eu-west-1", port)
    ended = False
    for _ in range(100):
        if docker_tunnel.running_pid(port) is None:
            ended = True
            break
        time.sleep(0.05)
    assert ended, f"session {pid} exited but still counts as running"


def test_a_recorded_pid_now_used_by_another_process_is_not_taken_for_the_session(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_TUNNEL_STATE_DIR", str(tmp_path))
    port = free_port()
    (tmp_path / f"users-platform-docker-tunnel-{port}.pid").write_text(str(os.getpid()))
    assert docker_tunnel.running_pid(port) is None
    docker_tunnel.close(port)  # and so it is not killed: this test process is still here to say so
