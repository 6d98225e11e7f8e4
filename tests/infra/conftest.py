"""Fixtures for the infra suite; the harness itself lives in pulumi_harness.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pulumi_harness import STACKS, StackRun, run_program


@pytest.fixture(params=STACKS)
def stack_name(request) -> str:
    return request.param


@pytest.fixture
def deploy() -> Callable[..., StackRun]:
    """Call inside a `@pulumi.runtime.test` test, so the program's RPCs belong to that test."""
    return run_program
