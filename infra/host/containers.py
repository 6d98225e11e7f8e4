"""The running platform on the host: PostgreSQL, the service and the web front, on private Docker networks.

Everything here goes through a Docker provider pointed at the host's mutual-TLS API (through the
SSM tunnel on the deployer's loopback), and waits for that API to answer before creating anything.

Replacement rules, because the engine creates a replacement before deleting the original unless
told otherwise; for containers that is by design (pulumi/pulumi-docker#1356, closed by-design;
pulumi/docs#12418: "Bind for 0.0.0.0:3000 failed: port is already allocated", fixed by
deleteBeforeReplace):
- every container and network has a fixed name (the operator's commands, the prune timer and
  nginx's upstream rely on them) and the web container holds ports 80/443, so each is replaced
  delete-before-replace: a release costs a short outage (docs/deploy.md, Releases);
- everything on the host is tied to the instance (`replacement_trigger`), so a new host gets every
  container anew instead of Pulumi believing the old ones still exist;
- the web container is replaced with the service, so nginx resolves the new service address.

Stopping: the provider removes a container with `force` (SIGKILL) unless `destroy_grace_seconds` is
set, in which case it first stops it with that timeout (kreuzwerker/terraform-provider-docker,
resourceDockerContainerDelete), and `docker stop` (a host shutdown) waits `stop_timeout`, Docker's
default 10 s otherwise. The service and the mail worker get both, longer than the service's
GRACEFUL_TIMEOUT, so a release lets in-flight requests and a mail being sent finish.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_command as command
import pulumi_docker as docker

from infra.host.certificates import ACME_WEBROOT, ACME_WEBROOT_IN_CONTAINER
from infra.host.layout import (
    DATA_DIR,
    MAIL_CREDENTIALS_DIR,
    MAIL_CREDENTIALS_IN_CONTAINER,
    MAIL_WORKER_CONTAINER,
    POSTGRES_CONTAINER,
    SERVICE_CONTAINER,
    WEB_CONTAINER,
    WEB_TLS_DIR,
)
from infra.host.mail_credentials import worker_environment
from infra.host.observability import ContainerLogging
from infra.postgres_log_safety import server_flags
from infra.versioning import without_version

BACKEND_SUBNET = "172.30.0.0/24"
SERVICE_PORT = 8080
# The unprivileged nginx image listens on high ports; the host publishes them as 80 and 443.
WEB_HTTP_PORT = 8080
WEB_HTTPS_PORT = 8443
WEB_TLS_DIR_IN_CONTAINER = "/etc/nginx/tls"
RESTART_POLICY = "unless-stopped"
# Longer than the service's GRACEFUL_TIMEOUT (20 s, service/runtime/settings.py), which granian
# gives in-flight requests after SIGTERM.
STOP_SECONDS = 30
DB_NAME = "platform"
DB_USER = "platform"
# The Pulumi CLI runs the program and its providers with infra/ (Pulumi.yaml `main`) as the working
# directory; the readiness command runs from the repo root, where `-m infra.host.docker_ready` resolves.
READY_COMMAND = "python3 -m infra.host.docker_ready"
READY_COMMAND_DIR = ".."


@dataclass(frozen=True)
class ContainersArgs:
    docker_host: pulumi.Input[str]
    region: str
    instance_id: pulumi.Input[str]
    ca_pem: pulumi.Input[str]
    client_cert_pem: pulumi.Input[str]
    client_key_pem: pulumi.Input[str]
    server_cert_pem: pulumi.Input[str]
    registry_server: str
    registry_username: pulumi.Input[str]
    registry_password: pulumi.Input[str]
    service_image: str
    web_image: str
    postgres_image: str
    db_password: pulumi.Output[str]
    secret_key: pulumi.Output[str]
    password_pepper: pulumi.Output[str]
    web_concurrency: int
    cookie_secure: bool
    require_verified_email: bool
    public_url: pulumi.Input[str]  # the site's address: links in mail are built on it
    mail_url: str
    mail_from: str
    mail_configuration_set: pulumi.Input[str]
    # The mail-sending role and its grants: the worker starts once they exist.
    mail_sender_ready: list[pulumi.Resource]
    host_dependencies: list[pulumi.Resource]
    labels: dict[str, str]
    logging: ContainerLogging


class Containers(pulumi.ComponentResource):
    def __init__(self, name: str, args: ContainersArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:containers:Containers", name, None, opts)
        self.host_ready = command.local.Command(
            f"{name}-docker-ready",
            create=READY_COMMAND,
            dir=READY_COMMAND_DIR,
            environment={
                "DOCKER_HOST": args.docker_host,
                "DOCKER_CA_PEM": args.ca_pem,
                "DOCKER_CERT_PEM": args.client_cert_pem,
                "DOCKER_KEY_PEM": args.client_key_pem,
                "DOCKER_TUNNEL_INSTANCE": args.instance_id,
                "DOCKER_TUNNEL_REGION": args.region,
            },
            # A new host, or a new server certificate (dockerd restarts on it), must answer again.
            triggers=[args.instance_id, args.server_cert_pem],
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.host_dependencies),
        )
        self.provider = docker.Provider(
            f"{name}-host",
            host=args.docker_host,
            ca_material=args.ca_pem,
            cert_material=args.client_cert_pem,
            key_material=args.client_key_pem,
            # The readiness command is the check; the provider must not probe a host still booting.
            disable_docker_daemon_check=True,
            registry_auth=[
                docker.ProviderRegistryAuthArgs(
                    address=args.registry_server,
                    username=args.registry_username,
                    password=pulumi.Output.secret(args.registry_password),
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.host_ready]),
        )
        # Fixed names and ports: the old object goes before its replacement; a new host gets new objects.
        on_host = pulumi.ResourceOptions(
            parent=self,
            provider=self.provider,
            depends_on=[self.host_ready],
            delete_before_replace=True,
            replacement_trigger=args.instance_id,
        )
        labels = [docker.ContainerLabelArgs(label=key, value=value) for key, value in args.labels.items()]
        # Labels force a new container or network: what outlives a release carries no version.
        stable = without_version(args.labels)
        stable_labels = [docker.ContainerLabelArgs(label=key, value=value) for key, value in stable.items()]
        network_labels = [docker.NetworkLabelArgs(label=key, value=value) for key, value in stable.items()]

        # Internal: no route to the outside, so PostgreSQL and the service are reachable only from nginx.
        self.backend = docker.Network(
            f"{name}-backend",
            name="platform-backend",
            internal=True,
            ipam_configs=[docker.NetworkIpamConfigArgs(subnet=BACKEND_SUBNET)],
            labels=network_labels,
            opts=on_host,
        )
        self.frontend = docker.Network(f"{name}-frontend", name="platform-frontend", labels=network_labels, opts=on_host)
        # The mail worker's way out to the SES API; nothing else joins it, and nothing listens on it.
        self.outbound = docker.Network(f"{name}-outbound", name="platform-outbound", labels=network_labels, opts=on_host)

        # Pulled by digest; a replaced release's image is removed from the host once unused
        # (keep_locally=False), and the image-prune timer catches whatever else is left behind.
        images = {
            image: docker.RemoteImage(f"{name}-{image}", name=reference, keep_locally=False, opts=on_host)
            for image, reference in (
                ("service", args.service_image),
                ("web", args.web_image),
                ("postgres", args.postgres_image),
            )
        }

        self.postgres = docker.Container(
            f"{name}-postgres",
            name=POSTGRES_CONTAINER,
            image=images["postgres"].name,
            # Credentials stay out of its log (the image's entrypoint passes `postgres -c ...` through).
            command=["postgres", *server_flags()],
            envs=[
                f"POSTGRES_USER={DB_USER}",
                f"POSTGRES_DB={DB_NAME}",
                pulumi.Output.concat("POSTGRES_PASSWORD=", args.db_password),
            ],
            # A bind *mount* (not a volume bind) refuses a missing source, and DATA_DIR exists only on the
            # mounted data volume: no volume, no database, never a fresh cluster on the root disk.
            mounts=[docker.ContainerMountArgs(type="bind", source=DATA_DIR, target="/var/lib/postgresql/data")],
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=self.backend.id, aliases=["postgres"])],
            healthcheck=docker.ContainerHealthcheckArgs(
                tests=["CMD-SHELL", f"pg_isready -U {DB_USER} -d {DB_NAME}"],
                interval="10s",
                timeout="5s",
                retries=5,
                start_period="30s",
            ),
            restart=RESTART_POLICY,
            labels=stable_labels,
            opts=on_host,
            **args.logging.for_container(POSTGRES_CONTAINER),
        )

        database_url = pulumi.Output.concat("postgresql://", DB_USER, ":", args.db_password, f"@postgres:5432/{DB_NAME}")
        # What the service and the mail worker read alike: the database, the keys, and where mail comes from.
        platform_env = [
            "APP_ENV=production",
            pulumi.Output.concat("DATABASE_URL=", database_url),
            pulumi.Output.concat("SECRET_KEY=", args.secret_key),
            pulumi.Output.concat("PASSWORD_PEPPER=", args.password_pepper),
            pulumi.Output.concat("PUBLIC_URL=", args.public_url),
            f"MAIL_URL={args.mail_url}",
            f"MAIL_FROM={args.mail_from}",
            pulumi.Output.concat("MAIL_SES_CONFIGURATION_SET=", args.mail_configuration_set),
        ]
        self.service = docker.Container(
            f"{name}-service",
            name=SERVICE_CONTAINER,
            image=images["service"].name,
            # The image's entrypoint runs the (idempotent) migrations, then execs this command: granian.
            command=["python", "-m", "service", "serve"],
            envs=[
                *platform_env,
                "HOST=0.0.0.0",
                f"PORT={SERVICE_PORT}",
                f"WEB_CONCURRENCY={args.web_concurrency}",
                f"TRUSTED_PROXIES={BACKEND_SUBNET}",
                f"COOKIE_SECURE={'true' if args.cookie_secure else 'false'}",
                f"REQUIRE_VERIFIED_EMAIL={'true' if args.require_verified_email else 'false'}",
            ],
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=self.backend.id, aliases=["service"])],
            healthcheck=docker.ContainerHealthcheckArgs(
                tests=[
                    "CMD",
                    "python",
                    "-c",
                    f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{SERVICE_PORT}/api/v1/health', timeout=4)",
                ],
                interval="15s",
                timeout="5s",
                retries=3,
                start_period="30s",
            ),
            restart=RESTART_POLICY,
            stop_timeout=STOP_SECONDS,
            destroy_grace_seconds=STOP_SECONDS,
            labels=labels,
            opts=pulumi.ResourceOptions.merge(on_host, pulumi.ResourceOptions(depends_on=[self.postgres])),
            **args.logging.for_container(SERVICE_CONTAINER),
        )

        # The same image and settings as the service; it sends what the service put in the outbox.
        self.mail_worker = docker.Container(
            f"{name}-mail-worker",
            name=MAIL_WORKER_CONTAINER,
            image=images["service"].name,
            command=["python", "-m", "service", "mail-worker"],
            envs=[*platform_env, *worker_environment()],
            mounts=[
                # The directory, not the file: each refresh renames a new file in, which a file mount would not see.
                docker.ContainerMountArgs(
                    type="bind", source=MAIL_CREDENTIALS_DIR, target=MAIL_CREDENTIALS_IN_CONTAINER, read_only=True
                )
            ],
            networks_advanced=[
                docker.ContainerNetworksAdvancedArgs(name=self.backend.id),
                docker.ContainerNetworksAdvancedArgs(name=self.outbound.id),
            ],
            # The image's check asks for the API on 8080, which the worker does not serve.
            healthcheck=docker.ContainerHealthcheckArgs(tests=["NONE"]),
            restart=RESTART_POLICY,
            stop_timeout=STOP_SECONDS,
            destroy_grace_seconds=STOP_SECONDS,
            labels=labels,
            opts=pulumi.ResourceOptions.merge(
                on_host, pulumi.ResourceOptions(depends_on=[self.postgres, *args.mail_sender_ready])
            ),
            **args.logging.for_container(MAIL_WORKER_CONTAINER),
        )

        self.web = docker.Container(
            f"{name}-web",
            name=WEB_CONTAINER,
            image=images["web"].name,
            ports=[
                docker.ContainerPortArgs(internal=WEB_HTTP_PORT, external=80),
                docker.ContainerPortArgs(internal=WEB_HTTPS_PORT, external=443),
            ],
            networks_advanced=[
                docker.ContainerNetworksAdvancedArgs(name=self.frontend.id),
                docker.ContainerNetworksAdvancedArgs(name=self.backend.id, aliases=["web"]),
            ],
            volumes=[
                docker.ContainerVolumeArgs(host_path=WEB_TLS_DIR, container_path=WEB_TLS_DIR_IN_CONTAINER, read_only=True),
                docker.ContainerVolumeArgs(host_path=ACME_WEBROOT, container_path=ACME_WEBROOT_IN_CONTAINER, read_only=True),
            ],
            restart=RESTART_POLICY,
            labels=labels,
            opts=pulumi.ResourceOptions.merge(
                on_host,
                # nginx resolves `service` once at start: a new service container means a new nginx.
                pulumi.ResourceOptions(depends_on=[self.service], replacement_trigger=[args.instance_id, self.service.id]),
            ),
            **args.logging.for_container(WEB_CONTAINER),
        )
        self.register_outputs({})
