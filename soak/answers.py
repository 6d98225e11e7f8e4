"""Judging recorded answers around a database outage: acceptable shapes, and recovery time."""
from __future__ import annotations

from dataclasses import dataclass

from soak.faults import DatabaseOutage
from soak.probes import Answer


def acceptable(answer: Answer) -> bool:
    """A success, or the service's 503 in the JSON envelope: never a traceback, 500, 502 or silence."""
    if 200 <= answer.status < 300:
        return True
    return answer.status == 503 and answer.is_json_envelope


def unacceptable(answers: list[Answer]) -> list[Answer]:
    return [answer for answer in answers if not acceptable(answer)]


@dataclass(frozen=True)
class Recovery:
    seconds: float | None  # from PostgreSQL accepting connections to the last failed answer; None: never
    last_failure_offset: float  # the same, signed: negative when the API was back before our readiness check
    unavailable_answers: int  # 503s seen in total
    steady_seconds_after: float  # how long every probe kept succeeding after recovery


def recovery(answers: list[Answer], outage: DatabaseOutage, routes: list[str]) -> Recovery:
    """Recovered = from some moment on, every route answers 2xx until the run ends."""
    failures = [answer for answer in answers if not 200 <= answer.status < 300]
    last_failure = max((answer.at for answer in failures), default=outage.restarted_at)
    end = max((answer.at for answer in answers), default=last_failure)
    later = [answer for answer in answers if answer.at > last_failure]
    every_route_back = all(any(answer.route == route for answer in later) for route in routes)
    seconds = max(0.0, last_failure - outage.restarted_at) if every_route_back else None
    return Recovery(seconds, last_failure - outage.restarted_at, sum(answer.status == 503 for answer in answers),
                    end - last_failure)
