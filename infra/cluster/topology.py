"""The `cluster` topology, top to bottom: network, edge, capacity, database, secrets, mail, service, mail
worker, alarms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from infra.cluster.access_logs import AccessLogBucket, AccessLogBucketArgs
from infra.cluster.compute import ClusterCompute, ClusterComputeArgs
from infra.cluster.database import Database, DatabaseArgs
from infra.cluster.edge import Edge, EdgeArgs
from infra.cluster.firewall import ClusterFirewall, ClusterFirewallArgs
from infra.cluster.mail_worker import MailWorker, MailWorkerArgs
from infra.cluster.maintenance import ScheduledPrune, ScheduledPruneArgs
from infra.cluster.network import ClusterNetwork, ClusterNetworkArgs
from infra.cluster.observability import Observability, ObservabilityArgs
from infra.cluster.secrets import ClusterSecrets, ClusterSecretsArgs
from infra.cluster.service import PlatformService, PlatformServiceArgs
from infra.cluster.settings import ClusterSettings
from infra.cluster.waf import WebFirewall, WebFirewallArgs
from infra.config import StackSettings
from infra.mail import MailSending, MailSendingArgs, reputation_alarms, ses_mail_url
from infra.production import ACCEPTED_RISK_TAG, is_production
from infra.versioning import platform_tags, read_version

REPO_ROOT = Path(__file__).resolve().parents[2]

SECRET_RECOVERY_DAYS = {True: 30, False: 7}


def availability_zones(region: str, count: int) -> list[str]:
    names = sorted(aws.get_availability_zones(state="available", region=region).names)
    if len(names) < count:
        raise ValueError(f"{region} has {len(names)} available zones; clusterAvailabilityZones asks for {count}.")
    return names[:count]


@dataclass(frozen=True)
class ClusterStack:
    version: str
    outputs: dict[str, pulumi.Input[str]]


def deploy_cluster_topology(settings: StackSettings, cluster: ClusterSettings) -> ClusterStack:
    """Declares the whole cluster stack."""
    version = read_version(REPO_ROOT)
    tags = platform_tags(settings.project, settings.stack, version, settings.environment)
    prefix = f"{settings.project}-{settings.stack}"
    account_id = aws.get_caller_identity().account_id
    protect = settings.protect_stateful
    # What a production stack goes without on purpose (allowSingleAzDb, allowProdWithoutWaf) is
    # written on the resource, where the policy pack reads it (infra/production.py).
    accepted = is_production(settings)
    database_tags = {**tags, ACCEPTED_RISK_TAG: "single-az-database"} if accepted and not cluster.db_multi_az else tags
    edge_tags = {**tags, ACCEPTED_RISK_TAG: "no-waf"} if accepted and not cluster.waf_enabled else tags

    zones = availability_zones(settings.region, cluster.cluster_availability_zones)
    network = ClusterNetwork(f"{prefix}-vpc", ClusterNetworkArgs(settings.region, zones, cluster.cluster_nat_gateways, tags))
    private_subnet_ids = [subnet.id for subnet in network.private_subnets]
    firewall = ClusterFirewall(f"{prefix}-sg", ClusterFirewallArgs(network.vpc.id, tags))
    access_logs = AccessLogBucket(
        f"{prefix}-alb-logs",
        AccessLogBucketArgs(settings.region, account_id, settings.log_retention_days, force_destroy=not protect, tags=tags),
    )
    edge = Edge(
        f"{prefix}-alb",
        EdgeArgs(
            vpc_id=network.vpc.id,
            public_subnet_ids=[subnet.id for subnet in network.public_subnets],
            security_group_id=firewall.alb.id,
            access_log_bucket=access_logs.bucket.bucket,
            access_log_ready=access_logs.policy,
            domain=settings.domain,
            hosted_zone_id=settings.hosted_zone_id,
            certificate_arn=cluster.certificate_arn,
            deletion_protection=protect,
            tags=edge_tags,
        ),
    )
    if cluster.waf_enabled:
        WebFirewall(f"{prefix}-waf", WebFirewallArgs(edge.load_balancer.arn, cluster.waf_auth_rate_limit, tags))
    compute = ClusterCompute(
        f"{prefix}-ecs",
        ClusterComputeArgs(
            region=settings.region,
            private_subnet_ids=private_subnet_ids,
            security_group_id=firewall.instances.id,
            ami_name=cluster.cluster_ami_name,
            instance_type=cluster.cluster_instance_type,
            min_instances=cluster.cluster_min_instances,
            max_instances=cluster.cluster_max_instances,
            tags=tags,
        ),
    )
    database = Database(
        f"{prefix}-db",
        DatabaseArgs(
            private_subnet_ids=private_subnet_ids,
            security_group_id=firewall.database.id,
            instance_class=cluster.db_instance_class,
            engine_version=cluster.db_engine_version,
            allocated_storage_gb=cluster.db_allocated_storage_gb,
            max_allocated_storage_gb=cluster.db_max_allocated_storage_gb,
            multi_az=cluster.db_multi_az,
            backup_retention_days=settings.backup_retention_days,
            backup_copy_region=settings.backup_copy_region,
            log_retention_days=settings.log_retention_days,
            protect=protect,
            tags=database_tags,
        ),
    )
    secrets = ClusterSecrets(f"{prefix}-secrets", ClusterSecretsArgs(database.url, cluster.secret_key, cluster.password_pepper,
                                                                    SECRET_RECOVERY_DAYS[protect], tags))
    mail = MailSending(
        f"{prefix}-mail",
        MailSendingArgs.for_stack(settings, account_id, tags),
    )
    service = PlatformService(
        f"{prefix}-platform",
        PlatformServiceArgs(
            region=settings.region,
            cluster_arn=compute.cluster.arn,
            cluster_name=compute.cluster.name,
            capacity_provider_name=compute.capacity_provider.name,
            capacity_ready=[compute.capacity_providers],
            private_subnet_ids=private_subnet_ids,
            task_security_group_id=firewall.tasks.id,
            target_group_arn=edge.target_group.arn,
            request_count_label=pulumi.Output.concat(edge.load_balancer.arn_suffix, "/", edge.target_group.arn_suffix),
            listener=edge.https_listener,
            secrets=secrets.secrets,
            secrets_ready=[*secrets.versions, database.instance],
            service_image=settings.service_image,
            web_image=settings.web_image,
            web_concurrency=settings.web_concurrency,
            require_verified_email=settings.require_verified_email,
            domain=settings.domain,
            mail_url=ses_mail_url(settings.region),
            mail_from=mail.mail_from,
            mail_configuration_set=mail.configuration_set.configuration_set_name,
            task_cpu=cluster.cluster_task_cpu,
            task_memory_mb=cluster.cluster_task_memory_mb,
            min_tasks=cluster.cluster_min_tasks,
            max_tasks=cluster.cluster_max_tasks,
            cpu_target_percent=cluster.cluster_cpu_target_percent,
            requests_per_target=cluster.cluster_requests_per_target,
            log_retention_days=settings.log_retention_days,
            tags=tags,
        ),
    )
    mail_worker = MailWorker(
        f"{prefix}-mail-worker",
        MailWorkerArgs(
            account_id=account_id,
            cluster_arn=compute.cluster.arn,
            capacity_provider_name=compute.capacity_provider.name,
            capacity_ready=[compute.capacity_providers],
            private_subnet_ids=private_subnet_ids,
            security_group_id=firewall.mail_worker.id,
            execution_role_arn=service.execution_role.arn,
            container_inputs=service.container_inputs,
            sending_policy=mail.sending_policy,
            migration=service.migration,
            tags=tags,
        ),
    )
    ScheduledPrune(
        f"{prefix}-prune",
        ScheduledPruneArgs(
            cluster_arn=compute.cluster.arn,
            task_definition_arn=service.migration_task.arn,
            task_definition_family_arn=service.migration_task.arn_without_revision,
            execution_role_arn=service.execution_role.arn,
            capacity_provider_name=compute.capacity_provider.name,
            private_subnet_ids=private_subnet_ids,
            task_security_group_id=firewall.tasks.id,
            tags=tags,
        ),
    )
    observability = Observability(
        f"{prefix}-observability",
        ObservabilityArgs(
            region=settings.region,
            account_id=account_id,
            alarm_name_prefix=prefix,
            alarm_email=settings.alarm_email,
            load_balancer_suffix=edge.load_balancer.arn_suffix,
            target_group_suffix=edge.target_group.arn_suffix,
            cluster_name=compute.cluster.name,
            service_name=service.service.name,
            mail_worker_service_name=mail_worker.service.name,
            db_instance_id=database.instance.identifier,
            db_allocated_storage_gb=cluster.db_allocated_storage_gb,
            db_connections_alarm=cluster.db_connections_alarm,
            tags=tags,
        ),
    )
    reputation_alarms(f"{prefix}-mail", observability.topic.arn, tags)
    outputs = {
        "url": f"https://{settings.domain}",
        "alb_dns_name": edge.load_balancer.dns_name,
        "cluster_name": compute.cluster.name,
        "service_name": service.service.name,
        "db_endpoint": database.instance.address,
        # The stack's name plus a suffix drawn at creation; restores and the CLI need it.
        "db_instance_identifier": database.instance.identifier,
        "alarm_topic_arn": observability.topic.arn,
        "mail_worker_service_name": mail_worker.service.name,
        "mail_dns_records": mail.dns_records,
        "mail_events_topic_arn": mail.events_topic.arn,
        "version": version,
        "service_image": settings.service_image,
        "web_image": settings.web_image,
    }
    return ClusterStack(version, outputs)
