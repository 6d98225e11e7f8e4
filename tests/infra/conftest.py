"""Fixtures for the infra suite; the harness itself lives in pulumi_harness.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pulumi_harness import HOST, STACKS, StackRun, run_program, settled_run


@pytest.fixture(params=STACKS)
def stack_name(request) -> str:
    return request.param


@pytest.fixture
def deploy() -> Callable[..., StackRun]:
    """Runs the `host` topology with a stack's config. Call inside a `@pulumi.runtime.test` test, so the program's RPCs belong to that test.
    """

    def deploy_host(stack: str, overrides: dict | None = None) -> StackRun:
        return run_program(stack, {**HOST, **(overrides or {})})

    return deploy_host


@pytest.fixture(scope="session")
def settled_stacks() -> dict[str, StackRun]:
    return {}


@pytest.fixture
def settled_stack(settled_stacks, stack_name) -> StackRun:
    """One finished host-topology run per stack file for the whole session, for read-only checks."""
    if stack_name not in settled_stacks:
        settled_stacks[stack_name] = settled_run(stack_name, HOST)
    return settled_stacks[stack_name]
