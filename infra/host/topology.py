"""The single-host topology: one EC2 host per stack running PostgreSQL, the service and nginx."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from infra.config import StackSettings, registry_of
from infra.host.backups import DumpBucket, DumpBucketArgs, SnapshotPolicy, SnapshotPolicyArgs, dump_timer_script
from infra.host.certificates import CERTBOT_CONTAINER, CertificateRenewal, CertificateRenewalArgs
from infra.host.containers import DB_NAME, DB_USER, Containers, ContainersArgs
from infra.host.credentials import PlatformCredentials
from infra.host.docker_tls import DockerTls, DockerTlsArgs
from infra.host.instance import Host, HostArgs
from infra.host.layout import DATA_MOUNT, POSTGRES_CONTAINER
from infra.host.mail_credentials import (
    MailSenderRole,
    MailSenderRoleArgs,
    mail_credentials_script,
    mail_sender_role_name,
    role_arn,
)
from infra.host.network import NetworkRules, NetworkRulesArgs
from infra.host.observability import (
    ContainerLogging,
    Observability,
    ObservabilityArgs,
    cloudwatch_agent_script,
    container_log_group_name,
)
from infra.host.placement import default_placement
from infra.host.settings import HostSettings
from infra.mail import MailSending, MailSendingArgs, reputation_alarms, ses_mail_url
from infra.versioning import platform_labels, platform_tags, read_version, without_version

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class HostStack:
    version: str
    credentials: PlatformCredentials
    docker_tls: DockerTls
    network: NetworkRules
    host: Host
    containers: Containers
    dumps: DumpBucket
    observability: Observability
    outputs: dict[str, pulumi.Input[str]]


def deploy_host_topology(settings: StackSettings, host_settings: HostSettings) -> HostStack:
    version = read_version(REPO_ROOT)
    tags = platform_tags(settings.project, settings.stack, version, settings.environment)
    prefix = f"{settings.project}-{settings.stack}"
    parameter_prefix = f"/{settings.project}/{settings.stack}/docker-tls"
    snapshot_tag = {"Snapshot": f"{prefix}-pgdata"}
    account_id = aws.get_caller_identity().account_id
    placement = default_placement(settings.region)
    backup_bucket_name = f"{prefix}-backups-{account_id}"
    logging = ContainerLogging(container_log_group_name(settings.project, settings.stack), settings.region)
    monitored_disks = ("/", DATA_MOUNT)
    mail_role_name = mail_sender_role_name(prefix)

    credentials = PlatformCredentials(f"{prefix}-secrets")
    network = NetworkRules(
        f"{prefix}-net", NetworkRulesArgs(placement.vpc_id, host_settings.admin_cidrs, settings.protect_stateful, tags)
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
            instance_type=host_settings.instance_type,
            root_volume_gb=host_settings.root_volume_gb,
            data_volume_gb=host_settings.data_volume_gb,
            ssh_key_name=host_settings.ssh_key_name,
            detailed_monitoring=host_settings.detailed_monitoring,
            protect_stateful=settings.protect_stateful,
            tls_parameter_prefix=parameter_prefix,
            ami_name=host_settings.ami_name,
            snapshot_tag=snapshot_tag,
            tags=tags,
            operations_script=dump_timer_script(
                bucket_name=backup_bucket_name,
                region=settings.region,
                stack=settings.stack,
                data_mount=DATA_MOUNT,
                postgres_container=POSTGRES_CONTAINER,
                db_user=DB_USER,
                db_name=DB_NAME,
            )
            + cloudwatch_agent_script(monitored_disks)
            + mail_credentials_script(role_arn=role_arn(account_id, mail_role_name), region=settings.region),
        ),
    )
    mail = MailSending(
        f"{prefix}-mail",
        MailSendingArgs.for_stack(settings, account_id, tags),
    )
    mail_sender = MailSenderRole(
        f"{prefix}-mail-sender",
        MailSenderRoleArgs(
            role_name=mail_role_name,
            host_role_name=host.role.name,
            host_role_arn=host.role.arn,
            sending_policy=mail.sending_policy,
            tags=tags,
        ),
    )
    if host_settings.daily_snapshots:
        SnapshotPolicy(
            f"{prefix}-snapshots",
            SnapshotPolicyArgs(snapshot_tag, host_settings.snapshot_retention_days, settings.backup_copy_region, tags),
        )
    dumps = DumpBucket(
        f"{prefix}-dumps",
        DumpBucketArgs(backup_bucket_name, settings.backup_retention_days, host.role.name, settings.protect_stateful, tags),
    )
    observability = Observability(
        f"{prefix}-observability",
        ObservabilityArgs(
            stack=settings.stack,
            region=settings.region,
            account_id=account_id,
            log_group_name=logging.group,
            log_retention_days=settings.log_retention_days,
            host_role_name=host.role.name,
            instance_id=host.instance.id,
            disk_paths=monitored_disks,
            alarm_email=settings.alarm_email,
            alarm_name_prefix=prefix,
            domain=settings.domain,
            tags=tags,
        ),
    )
    reputation_alarms(f"{prefix}-mail", observability.topic.arn, tags)

    site_url = f"https://{settings.domain}" if settings.domain else pulumi.Output.concat("http://", network.public_ip)
    registry_server = registry_of(settings.service_image)
    ecr_login = aws.ecr.get_authorization_token_output(registry_id=registry_server.split(".", 1)[0], region=settings.region)
    containers = Containers(
        f"{prefix}-platform",
        ContainersArgs(
            docker_host=f"tcp://127.0.0.1:{host_settings.docker_tunnel_port}",
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
            postgres_image=host_settings.postgres_image,
            db_password=credentials.db_password,
            secret_key=credentials.secret_key,
            password_pepper=credentials.password_pepper,
            web_concurrency=settings.web_concurrency,
            cookie_secure=bool(settings.domain),
            require_verified_email=settings.require_verified_email,
            public_url=site_url,
            mail_url=ses_mail_url(settings.region),
            mail_from=mail.mail_from,
            mail_configuration_set=mail.configuration_set.configuration_set_name,
            mail_sender_ready=[mail_sender.role, mail_sender.send, mail_sender.assume],
            host_dependencies=[host.ip_association, host.data_attachment],
            labels=platform_labels(settings.project, settings.stack, version),
            logging=logging,
        ),
    )
    if settings.domain:
        CertificateRenewal(
            f"{prefix}-certificates",
            CertificateRenewalArgs(
                domain=settings.domain,
                contact_email=settings.alarm_email,
                certbot_image=host_settings.certbot_image,
                provider=containers.provider,
                network_id=containers.frontend.id,
                instance_id=host.instance.id,
                logging=logging.for_container(CERTBOT_CONTAINER),
                labels=without_version(platform_labels(settings.project, settings.stack, version)),
                depends_on=[containers.host_ready],
            ),
        )
    outputs = {
        "url": site_url,
        "public_ip": network.public_ip,
        "instance_id": host.instance.id,
        "docker_tunnel_port": str(host_settings.docker_tunnel_port),
        "version": version,
        "service_image": settings.service_image,
        "web_image": settings.web_image,
        "backup_bucket": dumps.bucket.bucket,
        "log_group": observability.log_group.name,
        "mail_dns_records": mail.dns_records,
        "mail_events_topic_arn": mail.events_topic.arn,
    }
    return HostStack(version, credentials, docker_tls, network, host, containers, dumps, observability, outputs)
