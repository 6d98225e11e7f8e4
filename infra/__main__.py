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

from infra.backups import SnapshotPolicy, SnapshotPolicyArgs  # noqa: E402
from infra.config import load_settings  # noqa: E402
from infra.containers import Containers, ContainersArgs  # noqa: E402
from infra.credentials import PlatformCredentials  # noqa: E402
from infra.docker_tls import DockerTls, DockerTlsArgs  # noqa: E402
from infra.host import Host, HostArgs  # noqa: E402
from infra.images import Images, ImagesArgs  # noqa: E402
from infra.network import DOCKER_TLS_PORT, NetworkRules, NetworkRulesArgs  # noqa: E402
from infra.placement import default_placement  # noqa: E402
from infra.registry import Registry, RegistryArgs  # noqa: E402
from infra.versioning import platform_labels, platform_tags, read_version  # noqa: E402

settings = load_settings(pulumi.Config(), pulumi.Config("aws"), pulumi.get_project(), pulumi.get_stack())
version = read_version(REPO_ROOT)
tags = platform_tags(settings.project, settings.stack, version)
prefix = f"{settings.project}-{settings.stack}"
parameter_prefix = f"/{settings.project}/{settings.stack}/docker-tls"
snapshot_tag = {"Snapshot": f"{prefix}-pgdata"}
account_id = aws.get_caller_identity().account_id
placement = default_placement(settings.region)

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
    ),
)
if settings.daily_snapshots:
    SnapshotPolicy(f"{prefix}-snapshots", SnapshotPolicyArgs(snapshot_tag, settings.snapshot_retention_days, tags))

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
site_url = f"https://{settings.domain}" if settings.domain else pulumi.Output.concat("http://", network.public_ip)
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
        secret_key=credentials.secret_key,
        password_pepper=credentials.password_pepper,
        web_concurrency=settings.web_concurrency,
        cookie_secure=bool(settings.domain),
        public_url=site_url,
        mail_from=f"Users platform <no-reply@{settings.domain or 'localhost'}>",
        host_dependencies=[host.ip_association, host.data_attachment],
        labels=platform_labels(settings.project, settings.stack, version),
    ),
)

pulumi.export("url", site_url)
pulumi.export("public_ip", network.public_ip)
pulumi.export("instance_id", host.instance.id)
pulumi.export("version", version)
pulumi.export("service_image", images.references["service"])
pulumi.export("web_image", images.references["web"])
