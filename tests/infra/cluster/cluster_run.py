"""Lookups over one recorded run of the cluster topology, shared by the modules here."""

from __future__ import annotations

import json
from typing import Any

from pulumi_harness import Registration, StackRun


def named(run: StackRun, typ: str, suffix: str) -> Registration:
    """The one resource of a type whose logical name ends with `suffix`."""
    (found,) = [r for r in run.of_type(typ) if r.name.endswith(suffix)]
    return found


def container_definitions(run: StackRun, family_suffix: str) -> list[dict[str, Any]]:
    task = named(run, "aws:ecs/taskDefinition:TaskDefinition", family_suffix)
    return json.loads(task.inputs["containerDefinitions"])


def depends_on(registration: Registration, other: Registration) -> bool:
    return any(urn.endswith(f"::{other.name}") and other.typ in urn for urn in registration.dependencies)
