"""The benchmark's measuring tools, run for real for a moment against a local server."""
import contextlib
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import pytest

from bench.bcrypt_rate import bcrypt_checks_per_second
from bench.idle import wait_until_idle
from bench.servers import OURS, SERVERS
from bench.targets import Target, median_ratio
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


BUSY_THEN_IDLE = """
import multiprocessing, sys, time
def spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
if __name__ == "__main__":
    child = multiprocessing.Process(target=spin, args=(float(sys.argv[2]),))
    child.start()
    child.join()
    open(sys.argv[1], "w").close()
    time.sleep(60)
"""


@contextlib.contextmanager
def spinning(tmp_path: Path, seconds: float):
    """A process whose child burns a core for `seconds`, then a marker file, then idleness."""
    marker = tmp_path / "done"
    process = subprocess.Popen([sys.executable, "-c", BUSY_THEN_IDLE, str(marker), str(seconds)])
    try:
        yield process, marker
    finally:
        for member in [*psutil.Process(process.pid).children(recursive=True), psutil.Process(process.pid)]:
            member.kill()
        process.wait()


def test_waiting_for_idle_outlasts_the_work_a_child_process_still_does(tmp_path):
    with spinning(tmp_path, 1.5) as (process, marker):
        wait_until_idle(process.pid)
        assert marker.exists()


def test_a_server_that_never_goes_idle_is_named(tmp_path):
    with spinning(tmp_path, 60) as (process, _), pytest.raises(TimeoutError, match=f"{process.pid} still busy"):
        wait_until_idle(process.pid, timeout=1)


def test_a_target_is_met_on_the_right_side_of_its_aim():
    assert Target("throughput", 1.0, 1.0).met and not Target("throughput", 0.99, 1.0).met
    assert Target("tail", 5.0, 5.0, at_most=True).met and not Target("tail", 5.1, 5.0, at_most=True).met
    assert Target("tail", 6.0, 5.0, at_most=True).line().startswith("MISSED")


def test_the_ratio_is_the_median_of_the_interleaved_pairs():
    assert median_ratio([(100, 50), (100, 100), (10, 1000)]) == 1.0


def run_bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench", *args], cwd=Path(__file__).resolve().parents[2],
                          capture_output=True, text=True, timeout=400)


def test_make_bench_runs_end_to_end_on_a_small_scale():
    """The whole benchmark, briefly: seeds, compares two servers, measures every route, judges
    every target. Figures this short mean nothing, so only the verdicts' consistency is checked."""
    compared = [SERVERS[0], OURS]
    result = run_bench("--users", "300", "--seconds", "1", "--pairs", "1", "--tail-seconds", "1",
                       "--connections", "2", "--bcrypt-seconds", "0.5", "--login-seconds", "1",
                       "--compare", ",".join(kind.name for kind in compared))
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), output
    for server in SERVERS:
        assert (f"\n{server.name} " in result.stdout) == (server in compared), output
    for line in ("R (bare Falcon /ping, gunicorn 2 sync workers):", "GET /ping ", "GET /users?limit=20 ",
                 "GET /users?limit=100 ", "GET /auth/status ", "POST /auth/login ",
                 "/ping vs bare Falcon on our server:", "login vs bcrypt ceiling:", "through nginx:"):
        assert line in result.stdout, output
    verdicts = [line for line in result.stdout.splitlines() if line.startswith(("met ", "MISSED "))]
    assert len(verdicts) == 14, output
    # Through nginx too: its rate limits would answer 429 for a benchmark that is one client.
    assert "runs had failed requests" not in result.stdout, output
    assert result.returncode == (1 if any(v.startswith("MISSED") for v in verdicts) else 0)


def test_an_unknown_server_to_compare_is_refused_by_name():
    result = run_bench("--compare", "gunicorn sync,nginx unit")
    assert result.returncode == 2
    assert "unknown server 'nginx unit'; known: gunicorn sync, " in result.stderr


def test_the_link_request_figure_is_the_slower_median_over_the_faster():
    from bench.link_requests import LinkTiming

    slower_known = LinkTiming("/auth/password-reset", [9.0, 9.4, 9.2], [4.8, 4.7, 5.0], failed=0)
    assert slower_known.known_median == 9.2 and slower_known.unknown_median == 4.8
    assert slower_known.ratio == pytest.approx(9.2 / 4.8)
    slower_unknown = LinkTiming("/auth/password-reset", [4.8], [9.2], failed=0)
    assert slower_unknown.ratio == slower_known.ratio
