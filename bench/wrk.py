"""Runs wrk and reads its figures: requests per second, p50 and p99 latency, errors."""
from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
LOGIN_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"email": "%s", "password": "%s"}'
wrk.headers["Content-Type"] = "application/json"
"""


@dataclass
class Figures:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int

    @property
    def failed(self) -> int:
        return self.non_2xx + self.socket_errors


def run_wrk(name: str, url: str, *, seconds: int, connections: int, threads: int = 2,
            headers: dict | None = None, login: tuple[str, str] | None = None) -> Figures:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        if login:
            script.write(LOGIN_SCRIPT % login)
            script.flush()
            command += ["-s", script.name]
        output = subprocess.run(command + [url], capture_output=True, text=True, check=True,
                                timeout=seconds + 60).stdout
    return Figures(name, _number(r"Requests/sec:\s+([\d.]+)", output), _latency("50%", output),
                   _latency("99%", output), int(_number(r"Non-2xx or 3xx responses: (\d+)", output, 0)),
                   _socket_errors(output))


def _number(pattern: str, text: str, default=None) -> float:
    match = re.search(pattern, text)
    if match is None:
        if default is None:
            raise ValueError(f"wrk output lacks {pattern!r}:\n{text}")
        return default
    return float(match.group(1))


def _latency(percentile: str, text: str) -> float:
    match = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE)
    if match is None:
        raise ValueError(f"wrk output lacks the {percentile} latency:\n{text}")
    return float(match.group(1)) * UNITS[match.group(2)]


def _socket_errors(text: str) -> int:
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return sum(int(n) for n in match.groups()) if match else 0
