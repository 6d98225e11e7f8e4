"""Host-only settings, read from the same Pulumi config and refused when dangerous.

The settings both topologies read come from infra.config, validated there; this module adds what
only the `host` topology reads, with the same rule: defaults live in Pulumi.yaml.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass

from infra.config import ConfigSource, InsecureConfigError, StackSettings, boolean, integer

# SSH is for a few known operator networks, never a broad range.
MIN_PREFIX_V4 = 16
MIN_PREFIX_V6 = 48
# An exact Amazon Linux 2023 image name: the same name in every region, and it never moves.
AMI_NAME = re.compile(r"^al2023-ami-2023\.\d+\.\d{8}\.\d+-kernel-[0-9.]+-x86_64$")


@dataclass(frozen=True)
class HostSettings:
    instance_type: str
    root_volume_gb: int
    data_volume_gb: int
    admin_cidrs: tuple[str, ...]
    ssh_key_name: str
    daily_snapshots: bool
    snapshot_retention_days: int
    detailed_monitoring: bool
    postgres_image: str
    certbot_image: str
    ami_name: str
    docker_tunnel_port: int


def load_host_settings(config: ConfigSource, stack: StackSettings) -> HostSettings:
    settings = HostSettings(
        instance_type=config.require("instanceType"),
        root_volume_gb=integer(config, "rootVolumeGb"),
        data_volume_gb=integer(config, "dataVolumeGb"),
        admin_cidrs=cidr_list(config, "adminCidrs"),
        ssh_key_name=config.get("sshKeyName") or "",
        daily_snapshots=boolean(config, "dailySnapshots"),
        snapshot_retention_days=integer(config, "snapshotRetentionDays"),
        detailed_monitoring=boolean(config, "detailedMonitoring"),
        postgres_image=config.require("postgresImage"),
        certbot_image=config.require("certbotImage"),
        ami_name=config.get("amiName") or "",
        docker_tunnel_port=integer(config, "dockerTunnelPort"),
    )
    validate_host(settings, stack)
    return settings


def validate_host(settings: HostSettings, stack: StackSettings) -> None:
    """The single host's own settings: SSH, its snapshots and their copy, its AMI, its Docker tunnel."""
    for cidr in settings.admin_cidrs:
        refuse_broad_cidr("adminCidrs", cidr, "SSH (22)")
    if settings.admin_cidrs and not settings.ssh_key_name:
        raise InsecureConfigError("adminCidrs opens SSH (22) but sshKeyName is empty; set a key pair or use SSM.")
    if settings.daily_snapshots and settings.snapshot_retention_days < 1:
        raise InsecureConfigError("snapshotRetentionDays must be at least 1 when dailySnapshots is on.")
    if not AMI_NAME.match(settings.ami_name):
        raise ValueError(
            f"amiName must be one exact Amazon Linux 2023 x86_64 image name "
            f"(like al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64), got {settings.ami_name!r}."
        )
    if not 1024 <= settings.docker_tunnel_port <= 65535:
        raise ValueError(f"dockerTunnelPort must be an unprivileged port (1024-65535), got {settings.docker_tunnel_port}.")
    for key, image in (("postgresImage", settings.postgres_image), ("certbotImage", settings.certbot_image)):
        if image.endswith(":latest") or ":" not in image.rsplit("/", 1)[-1]:
            raise InsecureConfigError(f"{key} must name an explicit tag, not latest.")


def refuse_broad_cidr(key: str, cidr: str, what: str) -> None:
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


def cidr_list(config: ConfigSource, key: str) -> tuple[str, ...]:
    value = json.loads(config.require(key))
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InsecureConfigError(f"{key} must be a list of CIDR strings.")
    return tuple(value)
