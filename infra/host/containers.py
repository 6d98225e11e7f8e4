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
  container anew instead of Pulumi believing the old ones still exist. That replaces them after the
  new instance exists, not before the old one goes: the engine deletes first only what takes an input
  from the instance (infra/host/instance.py); the old containers' deletes find nothing on the new host,
  which the provider accepts;
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
from infra.service_runtime import (
    MAIL_WORKER_COMMAND,
    MAIL_WORKER_HEALTH,
    SERVE_COMMAND,
    platform_environment,
    service_environment,
)
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
    """The host's containers, one method each; __init__ reads as the order they come up in."""

    def __init__(self, name: str, args: ContainersArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:containers:Containers", name, None, opts)
        self._prefix = name
        self._inputs = args
        self.host_ready = self._host_ready()
        self.provider = self._docker_provider()
        # Fixed names and ports: the old object goes before its replacement; a new host gets new objects.
        self._on_host = pulumi.ResourceOptions(
            parent=self,
            provider=self.provider,
            depends_on=[self.host_ready],
            delete_before_replace=True,
            replacement_trigger=args.instance_id,
        )
        self._release_labels = [docker.ContainerLabelArgs(label=key, value=value) for key, value in args.labels.items()]
        # Labels force a new container or network: what outlives a release carries no version.
        self._stable = without_version(args.labels)
        self.backend, self.frontend, self.outbound = self._networks()
        self._pulled = self._images_by_digest()
        platform = platform_environment(args.public_url, args.mail_url, args.mail_from, args.mail_configuration_set)
        database_url = pulumi.Output.concat("postgresql://", DB_USER, ":", args.db_password, f"@postgres:5432/{DB_NAME}")
        secrets = {"DATABASE_URL": database_url, "SECRET_KEY": args.secret_key, "PASSWORD_PEPPER": args.password_pepper}
        self.postgres = self._postgres()
        self.service = self._service(platform, secrets)
        self.mail_worker = self._mail_worker(platform, secrets)
        self.web = self._web()
        self.register_outputs({})

    def _host_ready(self) -> command.local.Command:
        args = self._inputs
        return command.local.Command(
            f"{self._prefix}-docker-ready",
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

    def _docker_provider(self) -> docker.Provider:
        args = self._inputs
        return docker.Provider(
            f"{self._prefix}-host",
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

    def _networks(self) -> tuple[docker.Network, docker.Network, docker.Network]:
        labels = [docker.NetworkLabelArgs(label=key, value=value) for key, value in self._stable.items()]
        # Internal: no route to the outside, so PostgreSQL and the service are reachable only from nginx.
        backend = docker.Network(
            f"{self._prefix}-backend",
            name="platform-backend",
            internal=True,
            ipam_configs=[docker.NetworkIpamConfigArgs(subnet=BACKEND_SUBNET)],
            labels=labels,
            opts=self._on_host,
        )
        frontend = docker.Network(f"{self._prefix}-frontend", name="platform-frontend", labels=labels, opts=self._on_host)
        # The mail worker's way out to the SES API; nothing else joins it, and nothing listens on it.
        outbound = docker.Network(f"{self._prefix}-outbound", name="platform-outbound", labels=labels, opts=self._on_host)
        return backend, frontend, outbound

    def _images_by_digest(self) -> dict[str, docker.RemoteImage]:
        # Pulled by digest; a replaced release's image is removed from the host once unused
        # (keep_locally=False), and the image-prune timer catches whatever else is left behind.
        return {
            image: docker.RemoteImage(f"{self._prefix}-{image}", name=reference, keep_locally=False, opts=self._on_host)
            for image, reference in (
                ("service", self._inputs.service_image),
                ("web", self._inputs.web_image),
                ("postgres", self._inputs.postgres_image),
            )
        }

    def _postgres(self) -> docker.Container:
        return docker.Container(
            f"{self._prefix}-postgres",
            name=POSTGRES_CONTAINER,
            image=self._pulled["postgres"].name,
            # Credentials stay out of its log (the image's entrypoint passes `postgres -c ...` through).
            command=["postgres", *server_flags()],
            envs=[
                f"POSTGRES_USER={DB_USER}",
                f"POSTGRES_DB={DB_NAME}",
                pulumi.Output.concat("POSTGRES_PASSWORD=", self._inputs.db_password),
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
            labels=[docker.ContainerLabelArgs(label=key, value=value) for key, value in self._stable.items()],
            opts=self._on_host,
            **self._inputs.logging.for_container(POSTGRES_CONTAINER),
        )

    def _service(self, platform: dict, secrets: dict) -> docker.Container:
        args = self._inputs
        environment = service_environment(
            platform,
            listen_host="0.0.0.0",
            port=SERVICE_PORT,
            web_concurrency=args.web_concurrency,
            trusted_proxies=BACKEND_SUBNET,
            cookie_secure=args.cookie_secure,
            require_verified_email=args.require_verified_email,
        )
        return docker.Container(
            f"{self._prefix}-service",
            name=SERVICE_CONTAINER,
            image=self._pulled["service"].name,
            # The image's entrypoint runs the (idempotent) migrations, then execs this command: granian.
            command=SERVE_COMMAND,
            envs=docker_environment({**environment, **secrets}),
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
            labels=self._release_labels,
            opts=pulumi.ResourceOptions.merge(self._on_host, pulumi.ResourceOptions(depends_on=[self.postgres])),
            **args.logging.for_container(SERVICE_CONTAINER),
        )

    def _mail_worker(self, platform: dict, secrets: dict) -> docker.Container:
        """The same image and settings as the service; it sends what the service put in the outbox."""
        args = self._inputs
        return docker.Container(
            f"{self._prefix}-mail-worker",
            name=MAIL_WORKER_CONTAINER,
            image=self._pulled["service"].name,
            command=MAIL_WORKER_COMMAND,
            envs=[*docker_environment({**platform, **secrets}), *worker_environment()],
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
            # The worker's heartbeat, not the image's check (the API on 8080, which the worker does not
            # serve). Docker only reports `unhealthy`; it restarts a container on exit alone (docs/deploy.md).
            healthcheck=docker.ContainerHealthcheckArgs(**MAIL_WORKER_HEALTH.for_docker()),
            restart=RESTART_POLICY,
            stop_timeout=STOP_SECONDS,
            destroy_grace_seconds=STOP_SECONDS,
            labels=self._release_labels,
            opts=pulumi.ResourceOptions.merge(
                self._on_host, pulumi.ResourceOptions(depends_on=[self.postgres, *args.mail_sender_ready])
            ),
            **args.logging.for_container(MAIL_WORKER_CONTAINER),
        )

    def _web(self) -> docker.Container:
        return docker.Container(
            f"{self._prefix}-web",
            name=WEB_CONTAINER,
            image=self._pulled["web"].name,
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
            labels=self._release_labels,
            opts=pulumi.ResourceOptions.merge(
                self._on_host,
                # nginx resolves `service` once at start: a new service container means a new nginx.
                pulumi.ResourceOptions(depends_on=[self.service], replacement_trigger=[self._inputs.instance_id, self.service.id]),
            ),
            **self._inputs.logging.for_container(WEB_CONTAINER),
        )


def docker_environment(environment: dict[str, pulumi.Input[str]]) -> list[pulumi.Input[str]]:
    """`NAME=value` lines, as Docker takes them; a secret value stays an Output (and secret)."""
    return [
        f"{name}={value}" if isinstance(value, str) else pulumi.Output.concat(name, "=", value)
        for name, value in environment.items()
    ]
