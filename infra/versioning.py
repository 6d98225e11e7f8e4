"""One platform version, read from the repo's VERSION file, drives image tags, labels and tags."""

from __future__ import annotations

import re
from pathlib import Path

_VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")


def read_version(repo_root: Path) -> str:
    """The platform version; a malformed file is an error, never an untagged deploy."""
    version = (repo_root / "VERSION").read_text(encoding="utf-8").strip()
    if not _VERSION_PATTERN.match(version):
        raise ValueError(f"VERSION must hold a semantic version like 1.2.3, got {version!r}.")
    return version


def platform_tags(project: str, stack: str, version: str, environment: str) -> dict[str, str]:
    """Tags every taggable AWS resource carries, so cost and inventory reports group by release.
    `Environment` also tells the policy pack which resources owe production's guarantees."""
    return {"Project": project, "Stack": stack, "Environment": environment, "Version": version, "ManagedBy": "pulumi"}


def platform_labels(project: str, stack: str, version: str) -> dict[str, str]:
    """Docker labels with the same meaning as the AWS tags."""
    return {
        "org.opencontainers.image.version": version,
        "platform.project": project,
        "platform.stack": stack,
    }
