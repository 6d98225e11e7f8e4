"""The stack's tests serve a stand-in site rather than the real client build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.stand_in_site import world_readable_dir, write_site


@pytest.fixture(scope="session")
def site_dist():
    root = world_readable_dir("stack-tests-")
    yield write_site(root / "dist")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def site_file_bytes(site_dist: Path):
    return lambda relative: (site_dist / relative).read_bytes()
