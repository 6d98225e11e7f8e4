"""Fixtures for the infra suite; the harness itself lives in pulumi_harness.py."""

from __future__ import annotations

from typing import Callable

import pytest
from pulumi_harness import STACKS, StackRun, run_program, settled_program


@pytest.fixture(params=STACKS)
def stack_name(request) -> str:
    return request.param


@pytest.fixture
def deploy() -> Callable[..., StackRun]:
    """Call inside a `@pulumi.runtime.test` test, so the program's RPCs belong to that test."""
    return run_program


@pytest.fixture(scope="session")
def settled_stacks() -> dict[str, StackRun]:
    return {}


@pytest.fixture
def settled_stack(settled_stacks, stack_name) -> StackRun:
    """One finished run of the program per stack file for the whole session, for read-only checks."""
    if stack_name not in settled_stacks:
        settled_stacks[stack_name] = settled_program(stack_name)
    return settled_stacks[stack_name]
