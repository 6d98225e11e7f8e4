"""Run the real nginx binary on a rendered config: check it, start it, stop it by PID."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

DEBIAN_NGINX = Path("/usr/sbin/nginx")


class NginxNotInstalled(RuntimeError):
    pass


def default_worker_user() -> str | None:
    """A root master must hand its workers to an unprivileged user (Debian names)."""
    return "nobody nogroup" if os.geteuid() == 0 else None


class NginxProcess:
    """One nginx master in the foreground (daemon off), owned by this Python process."""

    def __init__(
        self,
        conf_path: Path,
        runtime_dir: Path,
        binary: Path = DEBIAN_NGINX,
        run_as: tuple[str, str] | None = None,
    ):
        if not binary.exists():
            raise NginxNotInstalled(
                f"{binary} is missing; install Debian's nginx: apt-get install -y nginx"
            )
        self._binary = binary
        self._conf_path = conf_path
        self._runtime_dir = runtime_dir
        # (user, group) to start the master as; needs root, like any change of user.
        self._run_as = run_as
        self._process: subprocess.Popen[bytes] | None = None

    def _command(self, *extra: str) -> list[str]:
        # -e stderr: messages before the config's error_log is opened must not need /var/log.
        return [str(self._binary), "-e", "stderr", "-p", str(self._runtime_dir), "-c", str(self._conf_path), *extra]

    def check_config(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t`; the result carries nginx's own verdict on stderr."""
        self._runtime_dir.mkdir(parents=True, exist_ok=True)
        return subprocess.run(
            self._command("-t"), capture_output=True, text=True, timeout=30, **self._identity()
        )

    def _identity(self) -> dict[str, str]:
        if self._run_as is None:
            return {}
        user, group = self._run_as
        return {"user": user, "group": group, "extra_groups": []}

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self, wait_for: tuple[str, int] | None = None, timeout: float = 10.0) -> None:
        """Start the master; when wait_for=(host, port), return once it accepts connections."""
        self._runtime_dir.mkdir(parents=True, exist_ok=True)
        with open(self._runtime_dir / "nginx.stderr", "ab") as stderr:
            self._process = subprocess.Popen(
                self._command("-g", "daemon off;"),
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                # Own session: a terminal's Ctrl-C goes to our owner, which stops us in order.
                start_new_session=True,
                **self._identity(),
            )
        if wait_for:
            self._wait_until_listening(*wait_for, timeout=timeout)

    def _wait_until_listening(self, host: str, port: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log = (self._runtime_dir / "nginx.stderr").read_text(errors="replace")
                raise RuntimeError(f"nginx exited with {self._process.returncode}:\n{log}")
            # nginx writes its pid file only after binding every listen socket, so a
            # connection is only trusted once that file names our master, not a squatter.
            if self._pid_file_names_us() and self._accepts(host, port):
                return
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"nginx did not listen on {host}:{port} within {timeout}s")

    def _pid_file_names_us(self) -> bool:
        try:
            return (self._runtime_dir / "nginx.pid").read_text().strip() == str(self._process.pid)
        except OSError:
            return False

    @staticmethod
    def _accepts(host: str, port: int) -> bool:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful quit (finish in-flight requests), then kill if it hangs."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGQUIT)
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=timeout)

    def __enter__(self) -> NginxProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
