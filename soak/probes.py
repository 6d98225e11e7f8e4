"""Light, bounded load from Python threads that keeps every answer for inspection.

wrk counts; these look: status, body and timing of each request, so a fault run can tell
a 503 envelope from a traceback and know exactly which registrations got a 201.
"""
from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field

import requests

REQUEST_TIMEOUT = 10
PASSWORD_STEM = "soak passphrase that is long"


@dataclass(frozen=True)
class Answer:
    at: float  # time.monotonic() when the answer arrived
    route: str
    status: int  # 0: no HTTP answer at all (connection refused, reset, timeout)
    body: bytes
    content_type: str

    @property
    def is_json_envelope(self) -> bool:
        if not self.content_type.startswith("application/json"):
            return False
        try:
            body = json.loads(self.body)
        except ValueError:
            return False
        return isinstance(body, dict) and body.get("status") in ("success", "fail", "error") and "message" in body


def no_answer(route: str, error: Exception) -> Answer:
    """No HTTP answer at all; the body keeps the error for the report."""
    return Answer(time.monotonic(), route, 0, repr(error).encode(), "")


@dataclass
class ProbeLoop:
    """Threads that each GET one route back to back until stopped (or a deadline passes)."""

    base_url: str
    routes: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    pause: float = 0.02
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(route,), daemon=True) for route in self.routes]

    def start(self, max_seconds: float) -> ProbeLoop:
        self._deadline = time.monotonic() + max_seconds
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)

    def _running(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._deadline

    def _record(self, answer: Answer) -> None:
        with self._lock:
            self.answers.append(answer)

    def _run(self, route: str) -> None:
        with requests.Session() as session:
            while self._running():
                self._record(self._request(session, route))
                self._stop.wait(self.pause)

    def _request(self, session: requests.Session, route: str) -> Answer:
        try:
            reply = session.get(self.base_url + route, headers=self.headers, timeout=REQUEST_TIMEOUT)
        except requests.RequestException as error:
            return no_answer(route, error)
        return Answer(time.monotonic(), route, reply.status_code, reply.content,
                      reply.headers.get("Content-Type", ""))


@dataclass
class RegistrationLoop(ProbeLoop):
    """Registers new accounts back to back; remembers the id of every one that got a 201."""

    routes: list[str] = field(default_factory=lambda: ["/api/v1/auth/register"])
    registered_ids: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._numbers = itertools.count(1)
        self._run_id = secrets.token_hex(3)

    def _request(self, session: requests.Session, route: str) -> Answer:
        name = f"soak{self._run_id}_{next(self._numbers)}"
        payload = {"username": name, "email": f"{name}@example.com", "password": f"{PASSWORD_STEM} {name}"}
        try:
            reply = session.post(self.base_url + route, json=payload, timeout=REQUEST_TIMEOUT)
        except requests.RequestException as error:
            return no_answer(route, error)
        if reply.status_code == 201:
            with self._lock:
                self.registered_ids.append(reply.json()["data"]["id"])
        return Answer(time.monotonic(), route, reply.status_code, reply.content,
                      reply.headers.get("Content-Type", ""))


def missing_users(base_url: str, user_ids: list[int]) -> list[int]:
    """Ids that answered 201 once but are not there now."""
    with requests.Session() as session:
        return [user_id for user_id in user_ids
                if session.get(f"{base_url}/api/v1/users/{user_id}", timeout=REQUEST_TIMEOUT).status_code != 200]
