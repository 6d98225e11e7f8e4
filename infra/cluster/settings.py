"""Cluster-only settings, read from the same Pulumi config and refused when dangerous.

The settings both topologies read (domain, hostedZoneId, the mail settings, protectStateful, the
image digests, webConcurrency, requireVerifiedEmail, alarmEmail, logRetentionDays, backupRetentionDays, backupCopyRegion) come from infra.config, validated there; this module adds
what only the `cluster` topology reads, with the same rule: defaults live in Pulumi.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi

from infra.config import ConfigSource, InsecureConfigError, StackSettings, boolean, integer

NAT_STRATEGIES = ("one_per_az", "single")
# An exact ECS-optimized Amazon Linux 2023 image name, pinned as the host's amiName is.
ECS_AMI_NAME = re.compile(r"^al2023-ami-ecs-hvm-2023\.\d+\.\d{8}-kernel-[0-9.]+-x86_64$")
MIN_BACKUP_DAYS = 14
MAX_BACKUP_DAYS = 35  # the RDS maximum for automated backups


@dataclass(frozen=True)
class ClusterSettings:
    cluster_availability_zones: int
    cluster_nat_gateways: str
    cluster_instance_subnets: str
    cluster_ami_name: str
    cluster_instance_type: str
    cluster_min_instances: int
    cluster_max_instances: int
    cluster_min_tasks: int
    cluster_max_tasks: int
    cluster_task_cpu: int
    cluster_task_memory_mb: int
    cluster_cpu_target_percent: int
    cluster_requests_per_target: int
    db_instance_class: str
    db_engine_version: str
    db_allocated_storage_gb: int
    db_max_allocated_storage_gb: int
    db_multi_az: bool
    allow_single_az_db: bool
    db_connections_alarm: int
    certificate_arn: str
    waf_enabled: bool
    allow_prod_without_waf: bool
    waf_auth_rate_limit: int
    # A moved stack keeps the host's keys (stored encrypted in the stack config); None: generated.
    secret_key: pulumi.Output[str] | None
    password_pepper: pulumi.Output[str] | None


def load_cluster_settings(config: ConfigSource, stack: StackSettings) -> ClusterSettings:
    settings = ClusterSettings(
        cluster_availability_zones=integer(config, "clusterAvailabilityZones"),
        cluster_nat_gateways=config.require("clusterNatGateways"),
        cluster_instance_subnets=config.require("clusterInstanceSubnets"),
        cluster_ami_name=config.get("clusterAmiName") or "",
        cluster_instance_type=config.require("clusterInstanceType"),
        cluster_min_instances=integer(config, "clusterMinInstances"),
        cluster_max_instances=integer(config, "clusterMaxInstances"),
        cluster_min_tasks=integer(config, "clusterMinTasks"),
        cluster_max_tasks=integer(config, "clusterMaxTasks"),
        cluster_task_cpu=integer(config, "clusterTaskCpu"),
        cluster_task_memory_mb=integer(config, "clusterTaskMemoryMb"),
        cluster_cpu_target_percent=integer(config, "clusterCpuTargetPercent"),
        cluster_requests_per_target=integer(config, "clusterRequestsPerTarget"),
        db_instance_class=config.require("dbInstanceClass"),
        db_engine_version=config.require("dbEngineVersion"),
        db_allocated_storage_gb=integer(config, "dbAllocatedStorageGb"),
        db_max_allocated_storage_gb=integer(config, "dbMaxAllocatedStorageGb"),
        db_multi_az=boolean(config, "dbMultiAz"),
        allow_single_az_db=boolean(config, "allowSingleAzDb"),
        db_connections_alarm=integer(config, "dbConnectionsAlarm"),
        certificate_arn=config.get("certificateArn") or "",
        waf_enabled=boolean(config, "wafEnabled"),
        allow_prod_without_waf=boolean(config, "allowProdWithoutWaf"),
        waf_auth_rate_limit=integer(config, "wafAuthRateLimit"),
        secret_key=config.get_secret("secretKey") if config.get("secretKey") else None,
        password_pepper=config.get_secret("passwordPepper") if config.get("passwordPepper") else None,
    )
    validate_cluster(settings, stack)
    return settings


def validate_cluster(settings: ClusterSettings, stack: StackSettings) -> None:
    """Refuses a cluster that would expose instances, lose data or lose its only zone; the message names the fix."""
    if settings.cluster_instance_subnets != "private":
        raise InsecureConfigError(
            f"clusterInstanceSubnets: {settings.cluster_instance_subnets!r} is refused; ECS instances run only in private "
            "subnets, and the ALB is the only thing that faces the internet."
        )
    if not ECS_AMI_NAME.match(settings.cluster_ami_name):
        raise ValueError(
            "clusterAmiName must be one exact ECS-optimized Amazon Linux 2023 x86_64 image name "
            f"(like al2023-ami-ecs-hvm-2023.0.20241217-kernel-6.1-x86_64), got {settings.cluster_ami_name!r}."
        )
    if settings.cluster_availability_zones < 2:
        raise InsecureConfigError("clusterAvailabilityZones must be at least 2: the ALB and RDS Multi-AZ need two zones.")
    if settings.cluster_nat_gateways not in NAT_STRATEGIES:
        raise InsecureConfigError(f"clusterNatGateways must be one of {', '.join(NAT_STRATEGIES)}.")
    if not MIN_BACKUP_DAYS <= stack.backup_retention_days <= MAX_BACKUP_DAYS:
        raise InsecureConfigError(
            f"backupRetentionDays must be {MIN_BACKUP_DAYS} to {MAX_BACKUP_DAYS} for the cluster's database (point-in-time recovery)."
        )
    if not stack.domain:
        raise InsecureConfigError("the cluster topology serves HTTPS only: set domain.")
    if not (stack.hosted_zone_id or settings.certificate_arn):
        raise InsecureConfigError(
            "the cluster topology needs a certificate: set hostedZoneId (DNS-validated ACM) or certificateArn."
        )
    for low, high, what in (
        (settings.cluster_min_tasks, settings.cluster_max_tasks, "clusterMinTasks/clusterMaxTasks"),
        (settings.cluster_min_instances, settings.cluster_max_instances, "clusterMinInstances/clusterMaxInstances"),
        (settings.db_allocated_storage_gb, settings.db_max_allocated_storage_gb, "dbAllocatedStorageGb/dbMaxAllocatedStorageGb"),
    ):
        if not 1 <= low <= high:
            raise InsecureConfigError(f"{what}: the minimum must be at least 1 and no more than the maximum.")
