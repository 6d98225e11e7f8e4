"""/api/ through nginx to a real upstream peer: forwarded headers, keep-alive, limits, errors."""

from __future__ import annotations

import re

import pytest
import requests

TIMEOUT = 5
MAX_BODY = 64 * 1024
GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture(scope="module")
def front(launch_front, upstream_peer):
    return launch_front("api", upstream_peer.address)


def last_seen(upstream_peer):
    return upstream_peer.seen[-1]


def test_api_requests_reach_the_upstream(front, upstream_peer):
    response = requests.get(front.base_url + "/api/v1/ping?x=1", timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.json()["path"] == "/api/v1/ping?x=1"
    assert last_seen(upstream_peer).path == "/api/v1/ping?x=1"


def test_forwarded_for_is_the_real_peer_not_what_the_client_claims(front, upstream_peer):
    requests.get(
        front.base_url + "/api/v1/ping", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=TIMEOUT
    )
    seen = last_seen(upstream_peer)
    assert seen.header_values("X-Forwarded-For") == ["127.0.0.1"]
    assert seen.header_values("X-Forwarded-Proto") == ["http"]
    assert seen.header_values("Host") == ["127.0.0.1"]


def test_only_the_headers_the_api_reads_reach_it(front, upstream_peer):
    sent = {"Authorization": "Bearer t", "Cookie": "refresh_token=r", "User-Agent": "agent/1",
            "Accept": "application/json", "Origin": "http://127.0.0.1", "X-Invented": "1",
            "Forwarded": "for=203.0.113.9", "X-Real-IP": "203.0.113.9"}
    requests.post(front.base_url + "/api/v1/ping", headers=sent, json={"a": 1}, timeout=TIMEOUT)
    seen = last_seen(upstream_peer)
    for name in ("Authorization", "Cookie", "User-Agent", "Accept", "Origin"):
        assert seen.header_values(name) == [sent[name]]
    assert seen.header_values("Content-Type") == ["application/json"]
    assert seen.header_values("Content-Length") == [str(seen.body_length)] and seen.body_length > 0
    for name in ("X-Invented", "Forwarded", "X-Real-IP"):
        assert seen.header_values(name) == []


def test_a_request_with_many_headers_reaches_the_api_with_few(front, upstream_peer):
    # The app server refuses over 100 headers with a bare 431; through nginx the app answers.
    extra = {f"X-Extra-{n}": "1" for n in range(120)}
    response = requests.get(front.base_url + "/api/v1/ping", headers=extra, timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.json()["status"] == "success"
    assert len(last_seen(upstream_peer).headers) < 20


def test_request_id_is_generated_when_absent(front, upstream_peer):
    response = requests.get(front.base_url + "/api/v1/ping", timeout=TIMEOUT)
    (forwarded,) = last_seen(upstream_peer).header_values("X-Request-ID")
    assert GENERATED_ID.match(forwarded)
    assert response.headers["X-Request-ID"] == forwarded


def test_request_ids_differ_per_request(front, upstream_peer):
    for _ in range(2):
        requests.get(front.base_url + "/api/v1/ping", timeout=TIMEOUT)
    first, second = (seen.header_values("X-Request-ID")[0] for seen in upstream_peer.seen[-2:])
    assert first != second


def test_client_request_id_is_kept_when_well_formed(front, upstream_peer):
    response = requests.get(
        front.base_url + "/api/v1/ping", headers={"X-Request-ID": "trace-42.abc_Z"}, timeout=TIMEOUT
    )
    assert last_seen(upstream_peer).header_values("X-Request-ID") == ["trace-42.abc_Z"]
    assert response.headers["X-Request-ID"] == "trace-42.abc_Z"


def test_client_request_id_is_replaced_when_unsafe_to_log(front, upstream_peer):
    requests.get(
        front.base_url + "/api/v1/ping", headers={"X-Request-ID": 'a" injected=1'}, timeout=TIMEOUT
    )
    (forwarded,) = last_seen(upstream_peer).header_values("X-Request-ID")
    assert GENERATED_ID.match(forwarded)


def test_upstream_connections_are_kept_alive(front, upstream_peer):
    with requests.Session() as session:  # one client connection, so one nginx worker
        for _ in range(3):
            assert session.get(front.base_url + "/api/v1/ping", timeout=TIMEOUT).status_code == 200
    recent = upstream_peer.seen[-3:]
    assert {seen.request_version for seen in recent} == {"HTTP/1.1"}
    assert len({seen.client_port for seen in recent}) == 1
    assert all(seen.header_values("Connection") in ([], [""]) for seen in recent)


def test_api_responses_are_never_stored(front):
    response = requests.get(front.base_url + "/api/v1/ping", timeout=TIMEOUT)
    assert response.headers["Cache-Control"] == "no-store"  # the upstream's max-age is gone


def test_api_responses_carry_one_copy_of_each_security_header(front):
    response = requests.get(front.base_url + "/api/v1/ping", timeout=TIMEOUT)
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # not "nosniff, nosniff"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self';")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Server"] == "nginx"


def test_large_api_responses_are_gzipped(front):
    response = requests.get(
        front.base_url + "/api/v1/users?pad=1", headers={"Accept-Encoding": "gzip"}, timeout=TIMEOUT
    )
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.json()["padding"] == "x" * 4000


def test_auth_responses_are_not_compressed(front):
    response = requests.post(
        front.base_url + "/api/v1/auth/login?pad=1", headers={"Accept-Encoding": "gzip"}, timeout=TIMEOUT
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_body_at_the_limit_is_forwarded(front, upstream_peer):
    response = requests.post(front.base_url + "/api/v1/users", data=b"a" * MAX_BODY, timeout=TIMEOUT)
    assert response.status_code == 200
    assert last_seen(upstream_peer).body_length == MAX_BODY


def test_body_over_the_limit_is_refused_with_the_api_envelope(front, upstream_peer):
    before = len(upstream_peer.seen)
    response = requests.post(front.base_url + "/api/v1/users", data=b"a" * (MAX_BODY + 1), timeout=TIMEOUT)
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"status": "fail", "message": "Request body is too large."}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert len(upstream_peer.seen) == before


def test_upstream_down_answers_with_the_error_envelope(launch_front, unused_port):
    down = launch_front("upstream-down", f"127.0.0.1:{unused_port}")
    response = requests.get(down.base_url + "/api/v1/health", timeout=TIMEOUT)
    assert response.status_code == 502
    assert response.json() == {"status": "error", "message": "Service temporarily unavailable."}
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self';")
    # The site itself still loads while the API is away.
    assert requests.get(down.base_url + "/status", timeout=TIMEOUT).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/ping", "/index.html"])
def test_methods_nginx_refuses_itself_get_the_json_envelope(front, path):
    response = requests.request("TRACE", front.base_url + path, timeout=TIMEOUT)
    assert response.status_code == 405
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"status": "fail", "message": "Method not allowed."}
    assert response.headers["Allow"] and response.headers["X-Content-Type-Options"] == "nosniff"


def raw_request(front, request: bytes) -> tuple[str, dict, bytes]:
    """Send bytes no HTTP library would; return the status line, headers and body."""
    import socket

    host, port = front.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
    return status_line, headers, body


@pytest.mark.parametrize("request_kwargs, status, message", [
    ({"headers": {"Authorization": "Bearer " + "a" * 8192}}, 431, "Request headers are too large."),
    ({"params": {"q": "a" * 9000}}, 414, "Request URI is too long."),
], ids=["8 KB Authorization header", "request line over the buffer"])
def test_requests_nginx_refuses_while_reading_get_the_envelope(front, upstream_peer, request_kwargs, status, message):
    seen = len(upstream_peer.seen)
    response = requests.get(front.base_url + "/api/v1/users", timeout=TIMEOUT, **request_kwargs)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"status": "fail", "message": message}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert len(upstream_peer.seen) == seen


def test_a_malformed_request_gets_the_envelope(front):
    status_line, headers, body = raw_request(front, b"GET /api/v1/ping HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
    assert status_line.startswith("HTTP/1.1 400")
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert body == b'{"status":"fail","message":"Malformed request."}'


def test_the_error_uris_are_not_reachable_from_outside(front):
    response = requests.get(front.base_url + "/__front_errors/414", timeout=TIMEOUT)
    assert response.status_code == 404
