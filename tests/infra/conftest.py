"""Fixtures for the infra suite; the harness itself lives in pulumi_harness.py."""

from __future__ import annotations

from typing import Callable

import pytest
from pulumi_harness import STACKS, StackRun, run_program


@pytest.fixture(params=STACKS)
def stack_name(request) -> str:
    return request.param


@pytest.fixture
def deploy() -> Callable[..., StackRun]:
    """Runs the `host` topology with a stack's config (prod's own is `cluster`: tests/infra/cluster).

    Call inside a `@pulumi.runtime.test` test, so the program's RPCs belong to that test.
    """

    def deploy_host(stack: str, overrides: dict | None = None) -> StackRun:
        return run_program(stack, {"topology": "host", **(overrides or {})})

    return deploy_host
