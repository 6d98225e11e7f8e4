"""Cluster-only settings, read from the same Pulumi config and refused when dangerous.

The settings both topologies read (domain, hostedZoneId, the mail settings, protectStateful, the
image digests, webConcurrency, requireVerifiedEmail, alarmEmail, logRetentionDays, backupRetentionDays, backupCopyRegion) come from infra.config, validated there; this module adds
what only the `cluster` topology reads, with the same rule: defaults live in Pulumi.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from infra.config import ConfigSource, InsecureConfigError, StackSettings, _bool, _int

NAT_STRATEGIES = ("one_per_az", "single")
MIN_BACKUP_DAYS = 14
MAX_BACKUP_DAYS = 35  # the RDS maximum for automated backups


@dataclass(frozen=True)
class ClusterSettings:
    cluster_availability_zones: int
    cluster_nat_gateways: str
    cluster_instance_subnets: str
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
        cluster_availability_zones=_int(config, "clusterAvailabilityZones"),
        cluster_nat_gateways=config.require("clusterNatGateways"),
        cluster_instance_subnets=config.require("clusterInstanceSubnets"),
        cluster_instance_type=config.require("clusterInstanceType"),
        cluster_min_instances=_int(config, "clusterMinInstances"),
        cluster_max_instances=_int(config, "clusterMaxInstances"),
        cluster_min_tasks=_int(config, "clusterMinTasks"),
        cluster_max_tasks=_int(config, "clusterMaxTasks"),
        cluster_task_cpu=_int(config, "clusterTaskCpu"),
        cluster_task_memory_mb=_int(config, "clusterTaskMemoryMb"),
        cluster_cpu_target_percent=_int(config, "clusterCpuTargetPercent"),
        cluster_requests_per_target=_int(config, "clusterRequestsPerTarget"),
        db_instance_class=config.require("dbInstanceClass"),
        db_engine_version=config.require("dbEngineVersion"),
        db_allocated_storage_gb=_int(config, "dbAllocatedStorageGb"),
        db_max_allocated_storage_gb=_int(config, "dbMaxAllocatedStorageGb"),
        db_multi_az=_bool(config, "dbMultiAz"),
        allow_single_az_db=_bool(config, "allowSingleAzDb"),
        db_connections_alarm=_int(config, "dbConnectionsAlarm"),
        certificate_arn=config.get("certificateArn") or "",
        waf_enabled=_bool(config, "wafEnabled"),
        allow_prod_without_waf=_bool(config, "allowProdWithoutWaf"),
        waf_auth_rate_limit=_int(config, "wafAuthRateLimit"),
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
