"""One stack of the users platform: an EC2 host on AWS running PostgreSQL, the service and nginx.

Pulumi runs this file as a script (Pulumi.yaml: `main: infra/`); the repo root goes on the path so
the concerns import as the `infra` package. Read top to bottom, this is the whole stack.
"""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import pulumi  # noqa: E402
import pulumi_aws as aws  # noqa: E402

from infra.backups import DumpBucket, DumpBucketArgs, SnapshotPolicy, SnapshotPolicyArgs, dump_timer_script  # noqa: E402
from infra.certificates import CertificateRenewal, CertificateRenewalArgs  # noqa: E402
from infra.config import load_settings  # noqa: E402
from infra.containers import DB_NAME, DB_USER, Containers, ContainersArgs  # noqa: E402
from infra.credentials import PlatformCredentials  # noqa: E402
from infra.docker_tls import DockerTls, DockerTlsArgs  # noqa: E402
from infra.host import Host, HostArgs  # noqa: E402
from infra.images import Images, ImagesArgs  # noqa: E402
from infra.network import DOCKER_TLS_PORT, NetworkRules, NetworkRulesArgs  # noqa: E402
from infra.observability import (  # noqa: E402
    ContainerLogging,
    Observability,
    ObservabilityArgs,
    cloudwatch_agent_script,
    container_log_group_name,
)
from infra.placement import default_placement  # noqa: E402
from infra.registry import Registry, RegistryArgs  # noqa: E402
from infra.user_data import DATA_MOUNT  # noqa: E402
from infra.versioning import platform_labels, platform_tags, read_version  # noqa: E402

settings = load_settings(pulumi.Config(), pulumi.Config("aws"), pulumi.get_project(), pulumi.get_stack())
version = read_version(REPO_ROOT)
tags = platform_tags(settings.project, settings.stack, version)
prefix = f"{settings.project}-{settings.stack}"
parameter_prefix = f"/{settings.project}/{settings.stack}/docker-tls"
snapshot_tag = {"Snapshot": f"{prefix}-pgdata"}
account_id = aws.get_caller_identity().account_id
placement = default_placement(settings.region)
backup_bucket_name = f"{prefix}-backups-{account_id}"
logging = ContainerLogging(container_log_group_name(settings.project, settings.stack), settings.region)
monitored_disks = ("/", DATA_MOUNT)

credentials = PlatformCredentials(f"{prefix}-secrets")
registry = Registry(f"{prefix}-registry", RegistryArgs(prefix, settings.image_retention_count, tags))
network = NetworkRules(
    f"{prefix}-net",
    NetworkRulesArgs(placement.vpc_id, settings.admin_cidrs, settings.deployer_cidrs, settings.protect_stateful, tags),
)
docker_tls = DockerTls(
    f"{prefix}-docker-tls",
    DockerTlsArgs(parameter_prefix, network.public_ip, (settings.domain,) if settings.domain else (), tags),
)
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
        docker_port=DOCKER_TLS_PORT,
        snapshot_tag=snapshot_tag,
        tags=tags,
        operations_script=dump_timer_script(
            bucket_name=backup_bucket_name,
            region=settings.region,
            stack=settings.stack,
            data_mount=DATA_MOUNT,
            postgres_container="platform-postgres",
            db_user=DB_USER,
            db_name=DB_NAME,
        )
        + cloudwatch_agent_script(monitored_disks),
    ),
)
if settings.daily_snapshots:
    SnapshotPolicy(
        f"{prefix}-snapshots",
        SnapshotPolicyArgs(snapshot_tag, settings.snapshot_retention_days, settings.backup_copy_region, tags),
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
        domain=settings.domain,
        tags=tags,
    ),
)

registry_server = f"{account_id}.dkr.ecr.{settings.region}.amazonaws.com"
ecr_login = aws.ecr.get_authorization_token_output(registry_id=account_id, region=settings.region)
images = Images(
    f"{prefix}-images",
    ImagesArgs(
        repo_root=REPO_ROOT,
        version=version,
        repository_urls={name: repo.repository_url for name, repo in registry.repositories.items()},
        registry_server=registry_server,
        registry_username=ecr_login.user_name,
        registry_password=ecr_login.password,
        web_tls=bool(settings.domain),
    ),
)
containers = Containers(
    f"{prefix}-platform",
    ContainersArgs(
        docker_host=pulumi.Output.concat("tcp://", network.public_ip, f":{DOCKER_TLS_PORT}"),
        ca_pem=docker_tls.ca_cert.cert_pem,
        client_cert_pem=docker_tls.client_cert.cert_pem,
        client_key_pem=docker_tls.client_key_pem,
        ready_triggers=[host.instance.id, docker_tls.server_cert.cert_pem],
        registry_server=registry_server,
        registry_username=ecr_login.user_name,
        registry_password=ecr_login.password,
        image_references=images.references,
        postgres_image=settings.postgres_image,
        db_password=credentials.db_password,
        jwt_secret=credentials.jwt_secret,
        web_concurrency=settings.web_concurrency,
        cookie_secure=bool(settings.domain),
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
            certbot_image=settings.certbot_image,
            provider=containers.provider,
            network_id=containers.frontend.id,
            logging=logging.for_container("platform-certbot"),
            labels=platform_labels(settings.project, settings.stack, version),
            depends_on=[containers.host_ready],
        ),
    )

pulumi.export("url", f"https://{settings.domain}" if settings.domain else pulumi.Output.concat("http://", network.public_ip))
pulumi.export("public_ip", network.public_ip)
pulumi.export("instance_id", host.instance.id)
pulumi.export("version", version)
pulumi.export("service_image", images.references["service"])
pulumi.export("web_image", images.references["web"])
pulumi.export("backup_bucket", dumps.bucket.bucket)
pulumi.export("log_group", observability.log_group.name)
