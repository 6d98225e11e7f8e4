"""The deployer's way to the host's Docker API: SSM port forwarding, so no inbound port is open.

`aws ssm start-session --document-name AWS-StartPortForwardingSession` forwards a local port to
dockerd on the host's loopback. It needs only IAM (OIDC on GitHub-hosted runners works) and the
Session Manager plugin. The session runs detached, outliving the command that opened it, for the
rest of the deploy; its pid is kept per local port, so a new host's tunnel replaces the old one.

Standard library only: the Pulumi command provider runs this with whatever `python3` is on PATH.

Workflows open the tunnel before `pulumi up` (the stack already has a host):
    python3 -m infra.host.docker_tunnel --instance i-0123 --region eu-west-1 --local-port 23760
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from infra.host.layout import DOCKER_API_PORT

# session-manager-plugin prints this once the local port accepts connections.
LISTENING_MARK = "Waiting for connections"


def state_dir() -> Path:
    return Path(os.environ.get("DOCKER_TUNNEL_STATE_DIR", tempfile.gettempdir()))


def _pid_file(local_port: int) -> Path:
    return state_dir() / f"users-platform-docker-tunnel-{local_port}.pid"


def log_file(local_port: int) -> Path:
    return state_dir() / f"users-platform-docker-tunnel-{local_port}.log"


def session_command(instance_id: str, region: str, local_port: int) -> list[str]:
    parameters = {"portNumber": [str(DOCKER_API_PORT)], "localPortNumber": [str(local_port)]}
    return [
        "aws", "ssm", "start-session",
        "--region", region,
        "--target", instance_id,
        "--document-name", "AWS-StartPortForwardingSession",
        "--parameters", json.dumps(parameters),
    ]  # fmt: skip


def running_pid(local_port: int) -> int | None:
    """The recorded session for this port, if its process is still alive."""
    try:
        pid = int(_pid_file(local_port).read_text())
    except (FileNotFoundError, ValueError):
        return None
    # A session this process started and that ended is a zombie until reaped: kill(pid, 0) would
    # still succeed, and a host whose SSM agent was not yet online would never get a new session.
    try:
        return None if os.waitpid(pid, os.WNOHANG) != (0, 0) else pid
    except ChildProcessError:
        pass  # started by another process (the workflow's earlier step): only ask whether it exists
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return None
    # That pid may have been reused by an unrelated process since: never treat (or kill) it as ours.
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and b"AWS-StartPortForwardingSession" not in cmdline.read_bytes():
        return None
    return pid


def close(local_port: int) -> None:
    pid = running_pid(local_port)
    if pid is not None:
        os.killpg(pid, signal.SIGTERM)
    _pid_file(local_port).unlink(missing_ok=True)


def open_tunnel(instance_id: str, region: str, local_port: int) -> int:
    """Starts (or replaces) the detached session for this local port; returns its pid."""
    close(local_port)
    state_dir().mkdir(parents=True, exist_ok=True)
    with log_file(local_port).open("w") as log:
        # Its own session and no inherited pipes: the provider waits for our stdout to close, not for it.
        process = subprocess.Popen(
            session_command(instance_id, region, local_port),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _pid_file(local_port).write_text(str(process.pid))
    return process.pid


def wait_listening(local_port: int, timeout: float, clock=time.monotonic, sleep=time.sleep) -> bool:
    deadline = clock() + timeout
    while clock() < deadline:
        if running_pid(local_port) is None:
            return False
        if LISTENING_MARK in log_file(local_port).read_text(errors="replace"):
            return True
        sleep(0.5)
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", required=True, help="the host's instance id (pulumi stack output instance_id)")
    parser.add_argument("--region", required=True)
    parser.add_argument("--local-port", type=int, required=True, help="the stack's dockerTunnelPort")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    open_tunnel(args.instance, args.region, args.local_port)
    if wait_listening(args.local_port, args.timeout):
        print(f"Docker API of {args.instance} on 127.0.0.1:{args.local_port}")
        return 0
    print(log_file(args.local_port).read_text(errors="replace"), file=sys.stderr)
    print(f"no SSM tunnel to {args.instance} after {args.timeout:.0f}s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
