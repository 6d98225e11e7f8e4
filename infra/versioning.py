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


VERSION_TAG = "Version"
VERSION_LABEL = "org.opencontainers.image.version"


def platform_tags(project: str, stack: str, version: str, environment: str) -> dict[str, str]:
    """Tags every taggable AWS resource carries, so cost and inventory reports group by release.
    `Environment` also tells the policy pack which resources owe production's guarantees."""
    return {"Project": project, "Stack": stack, "Environment": environment, VERSION_TAG: version, "ManagedBy": "pulumi"}


def platform_labels(project: str, stack: str, version: str) -> dict[str, str]:
    """Docker labels with the same meaning as the AWS tags."""
    return {
        VERSION_LABEL: version,
        "platform.project": project,
        "platform.stack": stack,
    }


def without_version(tags: dict[str, str]) -> dict[str, str]:
    """The tags or labels for what a release must not replace: a Docker label is ForceNew on a container
    and a network (kreuzwerker/terraform-provider-docker resource_docker_container.go and
    resource_docker_network.go: `labels` ForceNew), and a launch template's tag_specifications make a
    new template version (terraform-provider-aws resourceLaunchTemplateUpdate), which the Auto Scaling
    group's instance refresh rolls out. PostgreSQL, the host's networks, certbot and the cluster's
    instances carry these; what a release replaces anyway (the app containers) keeps the version."""
    return {key: value for key, value in tags.items() if key not in (VERSION_TAG, VERSION_LABEL)}
