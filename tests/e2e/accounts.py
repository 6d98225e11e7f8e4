"""People for the journeys: unique names, and passwords both the client and zxcvbn accept."""
from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass

import requests

TIMEOUT = 30
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Person:
    username: str
    email: str
    password: str


def new_person(role: str = "member") -> Person:
    name = f"{role}{next(_numbers)}_{secrets.token_hex(3)}"
    return Person(name, f"{name}@example.com", new_password())


def new_password() -> str:
    return f"Lantern-{secrets.token_hex(4)}-orbit-quartz"


def register_by_api(base_url: str, person: Person) -> dict:
    """A quicker way to an account for journeys that are not about registering."""
    reply = requests.post(f"{base_url}/api/v1/auth/register", timeout=TIMEOUT,
                          json={"username": person.username, "email": person.email, "password": person.password})
    assert reply.status_code == 201, reply.text
    return reply.json()["data"]
