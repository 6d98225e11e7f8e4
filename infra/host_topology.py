"""The single-host topology: one EC2 host per stack running PostgreSQL, the service and nginx."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from infra.backups import SnapshotPolicy, SnapshotPolicyArgs
from infra.config import StackSettings, registry_of
from infra.containers import Containers, ContainersArgs
from infra.credentials import PlatformCredentials
from infra.docker_tls import DockerTls, DockerTlsArgs
from infra.host import Host, HostArgs
from infra.network import NetworkRules, NetworkRulesArgs
from infra.placement import default_placement
from infra.versioning import platform_labels, platform_tags, read_version

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class HostStack:
    version: str
    credentials: PlatformCredentials
    docker_tls: DockerTls
    network: NetworkRules
    host: Host
    containers: Containers
    outputs: dict[str, pulumi.Input[str]]


def deploy_host_topology(settings: StackSettings) -> HostStack:
    version = read_version(REPO_ROOT)
    tags = platform_tags(settings.project, settings.stack, version)
    prefix = f"{settings.project}-{settings.stack}"
    parameter_prefix = f"/{settings.project}/{settings.stack}/docker-tls"
    snapshot_tag = {"Snapshot": f"{prefix}-pgdata"}
    account_id = aws.get_caller_identity().account_id
    placement = default_placement(settings.region)

    credentials = PlatformCredentials(f"{prefix}-secrets")
    network = NetworkRules(
        f"{prefix}-net", NetworkRulesArgs(placement.vpc_id, settings.admin_cidrs, settings.protect_stateful, tags)
    )
    docker_tls = DockerTls(f"{prefix}-docker-tls", DockerTlsArgs(parameter_prefix, tags))
    host = Host(
        f"{prefix}-host",
        HostArgs(
            region=settings.region,
            account_id=account_id,
            availability_zone=placement.availability_zone,
            subnet_id=placement.subnet_id,
            security_group_id=network.security_group.id,
            elastic_ip_allocation_id=network.elastic_ip.allocation_id,
            boot_dependencies=list(docker_tls.parameters.values()),
            instance_type=settings.instance_type,
            root_volume_gb=settings.root_volume_gb,
            data_volume_gb=settings.data_volume_gb,
            ssh_key_name=settings.ssh_key_name,
            detailed_monitoring=settings.detailed_monitoring,
            protect_stateful=settings.protect_stateful,
            tls_parameter_prefix=parameter_prefix,
            ami_name=settings.ami_name,
            snapshot_tag=snapshot_tag,
            tags=tags,
        ),
    )
    if settings.daily_snapshots:
        SnapshotPolicy(f"{prefix}-snapshots", SnapshotPolicyArgs(snapshot_tag, settings.snapshot_retention_days, tags))

    registry_server = registry_of(settings.service_image)
    ecr_login = aws.ecr.get_authorization_token_output(registry_id=registry_server.split(".", 1)[0], region=settings.region)
    containers = Containers(
        f"{prefix}-platform",
        ContainersArgs(
            docker_host=f"tcp://127.0.0.1:{settings.docker_tunnel_port}",
            region=settings.region,
            instance_id=host.instance.id,
            ca_pem=docker_tls.ca_cert.cert_pem,
            client_cert_pem=docker_tls.client_cert.cert_pem,
            client_key_pem=docker_tls.client_key_pem,
            server_cert_pem=docker_tls.server_cert.cert_pem,
            registry_server=registry_server,
            registry_username=ecr_login.user_name,
            registry_password=ecr_login.password,
            service_image=settings.service_image,
            web_image=settings.web_image,
            postgres_image=settings.postgres_image,
            db_password=credentials.db_password,
            jwt_secret=credentials.jwt_secret,
            web_concurrency=settings.web_concurrency,
            cookie_secure=bool(settings.domain),
            host_dependencies=[host.ip_association, host.data_attachment],
            labels=platform_labels(settings.project, settings.stack, version),
        ),
    )
    outputs = {
        "url": f"https://{settings.domain}" if settings.domain else pulumi.Output.concat("http://", network.public_ip),
        "public_ip": network.public_ip,
        "instance_id": host.instance.id,
        "docker_tunnel_port": str(settings.docker_tunnel_port),
        "version": version,
        "service_image": settings.service_image,
        "web_image": settings.web_image,
    }
    return HostStack(version, credentials, docker_tls, network, host, containers, outputs)
