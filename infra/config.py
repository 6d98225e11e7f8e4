"""Stack settings: read once from Pulumi config, validated, refused when dangerous.

Defaults live in the `config:` schema of Pulumi.yaml (the CLI applies them), so the
program requires every key and the schema stays the single place where defaults are written.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Protocol

# The Docker API and SSH are for a few known operator or runner networks, never a broad range.
MIN_PREFIX_V4 = 16
MIN_PREFIX_V6 = 48
TOPOLOGIES = ("host", "cluster")
# Images are deployed by digest only (INFRA-CONTRACT): <registry>/<repository>@sha256:<64 hex>.
IMAGE_DIGEST = re.compile(r"^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$")


class InsecureConfigError(ValueError):
    """A setting would expose the host; raised before any resource is declared."""


class ConfigSource(Protocol):
    def require(self, key: str) -> str: ...

    def get(self, key: str) -> str | None: ...


@dataclass(frozen=True)
class StackSettings:
    project: str
    stack: str
    region: str
    instance_type: str
    root_volume_gb: int
    data_volume_gb: int
    admin_cidrs: tuple[str, ...]
    ssh_key_name: str
    deployer_cidrs: tuple[str, ...]
    domain: str
    protect_stateful: bool
    daily_snapshots: bool
    snapshot_retention_days: int
    detailed_monitoring: bool
    image_retention_count: int
    web_concurrency: int
    postgres_image: str
    topology: str
    service_image: str
    web_image: str


def load_settings(config: ConfigSource, aws_config: ConfigSource, project: str, stack: str) -> StackSettings:
    """Builds validated settings from the project config and the `aws:` namespace."""
    settings = StackSettings(
        project=project,
        stack=stack,
        region=aws_config.require("region"),
        instance_type=config.require("instanceType"),
        root_volume_gb=_int(config, "rootVolumeGb"),
        data_volume_gb=_int(config, "dataVolumeGb"),
        admin_cidrs=_cidr_list(config, "adminCidrs"),
        ssh_key_name=config.get("sshKeyName") or "",
        deployer_cidrs=_cidr_list(config, "deployerCidrs"),
        domain=config.get("domain") or "",
        protect_stateful=_bool(config, "protectStateful"),
        daily_snapshots=_bool(config, "dailySnapshots"),
        snapshot_retention_days=_int(config, "snapshotRetentionDays"),
        detailed_monitoring=_bool(config, "detailedMonitoring"),
        image_retention_count=_int(config, "imageRetentionCount"),
        web_concurrency=_int(config, "webConcurrency"),
        postgres_image=config.require("postgresImage"),
        topology=config.require("topology"),
        service_image=config.require("serviceImage"),
        web_image=config.require("webImage"),
    )
    validate(settings)
    return settings


def validate(settings: StackSettings) -> None:
    """Refuses configurations that would open the host or lose data; the message names the fix."""
    for cidr in settings.admin_cidrs:
        _refuse_broad_cidr("adminCidrs", cidr, "SSH (22)")
    if settings.admin_cidrs and not settings.ssh_key_name:
        raise InsecureConfigError("adminCidrs opens SSH (22) but sshKeyName is empty; set a key pair or use SSM.")
    if not settings.deployer_cidrs:
        raise InsecureConfigError(
            "deployerCidrs is empty: list the networks that run `pulumi up` (they reach the Docker API on 2376)."
        )
    for cidr in settings.deployer_cidrs:
        _refuse_broad_cidr("deployerCidrs", cidr, "the Docker API (2376)")
    if settings.stack == "prod" and not (settings.protect_stateful and settings.daily_snapshots):
        raise InsecureConfigError("the prod stack needs protectStateful: true and dailySnapshots: true.")
    if settings.daily_snapshots and settings.snapshot_retention_days < 1:
        raise InsecureConfigError("snapshotRetentionDays must be at least 1 when dailySnapshots is on.")
    if settings.postgres_image.endswith(":latest") or ":" not in settings.postgres_image.rsplit("/", 1)[-1]:
        raise InsecureConfigError("postgresImage must name an explicit tag, not latest.")
    if settings.topology not in TOPOLOGIES:
        raise InsecureConfigError(f"topology must be one of {', '.join(TOPOLOGIES)}, got {settings.topology!r}.")
    for key, image in (("serviceImage", settings.service_image), ("webImage", settings.web_image)):
        if not IMAGE_DIGEST.match(image):
            raise InsecureConfigError(
                f"{key} must be an ECR image by digest (<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<64 hex>), "
                f"not a tag or latest: got {image!r}."
            )


def _refuse_broad_cidr(key: str, cidr: str, what: str) -> None:
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError as error:
        raise InsecureConfigError(f"{key}: {cidr!r} is not a network address ({error}).") from error
    minimum = MIN_PREFIX_V4 if network.version == 4 else MIN_PREFIX_V6
    if network.prefixlen < minimum:
        raise InsecureConfigError(
            f"{key}: {cidr} would open {what} to "
            f"{'the whole internet' if network.prefixlen == 0 else 'a very broad range'}; "
            f"use networks of /{minimum} or narrower."
        )


def _cidr_list(config: ConfigSource, key: str) -> tuple[str, ...]:
    value = json.loads(config.require(key))
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InsecureConfigError(f"{key} must be a list of CIDR strings.")
    return tuple(value)


def _int(config: ConfigSource, key: str) -> int:
    raw = config.require(key)
    try:
        return int(raw)
    except ValueError as error:
        raise ValueError(f"{key} must be an integer, got {raw!r}.") from error


def _bool(config: ConfigSource, key: str) -> bool:
    raw = config.require(key).strip().lower()
    if raw not in ("true", "false"):
        raise ValueError(f"{key} must be true or false, got {raw!r}.")
    return raw == "true"
