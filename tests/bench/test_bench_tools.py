"""The benchmark's measuring tools, run for real for a moment against a local server."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.bcrypt_rate import bcrypt_checks_per_second
from bench.wrk import run_wrk


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 200 if self.path == "/ok" else 500
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"hi")

    do_POST = do_GET

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # wrk drops its connections mid-response when its time is up


@pytest.fixture
def server():
    httpd = QuietServer(("127.0.0.1", 0), Hello)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_wrk_figures_are_read_from_a_real_run(server):
    figures = run_wrk("ok", f"{server}/ok", seconds=1, connections=2, threads=1)
    assert figures.requests_per_second > 0
    assert 0 < figures.p50_ms <= figures.p99_ms
    assert figures.non_2xx == 0 and figures.socket_errors == 0


def test_wrk_counts_failures_and_sends_the_login_body(server):
    figures = run_wrk("fail", f"{server}/fail", seconds=1, connections=2, threads=1,
                      headers={"X-Test": "1"}, login=("a@example.com", "pw"))
    assert figures.non_2xx > 0


def test_bcrypt_rate_is_measured():
    assert bcrypt_checks_per_second(workers=1, rounds=4, seconds=0.3) > 0


def test_make_bench_runs_end_to_end_on_a_small_scale():
    """The whole benchmark, briefly: seeds, serves, measures every route, prints the ratios."""
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-m", "bench", "--users", "300", "--seconds", "1", "--connections", "2",
         "--workers", "2", "--bcrypt-seconds", "0.5", "--ping-pairs", "1"],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    for line in ("GET /ping", "GET /users?limit=20", "GET /auth/status", "POST /auth/login",
                 "/ping vs bare Falcon:", "login vs bcrypt ceiling:"):
        assert line in result.stdout
