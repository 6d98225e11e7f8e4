"""The task's container definitions, as plain data: nginx (web) in front of the API (service).

In `awsvpc` mode the two containers share one network namespace, so nginx reaches the API on
127.0.0.1 and the API listens only there: nothing outside the task can reach it directly.
The ALB's target is nginx on WEB_PORT.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.cluster.edge import HEALTH_PATH
from infra.cluster.firewall import WEB_PORT
from infra.cluster.network import VPC_CIDR
from infra.service_runtime import (
    MAIL_WORKER_COMMAND,
    MAIL_WORKER_HEALTH,
    SECRET_VARIABLES,
    SERVE_COMMAND,
    platform_environment,
    service_environment,
)

SERVICE_PORT = 8081  # nginx owns 8080 in the shared namespace
WEB_CONTAINER = "web"
SERVICE_CONTAINER = "service"
MIGRATE_CONTAINER = "migrate"
MAIL_WORKER_CONTAINER = "mail-worker"
# Longer than the service's GRACEFUL_TIMEOUT (20 s): in-flight requests and a mail being sent finish.
STOP_SECONDS = 30


@dataclass(frozen=True)
class ContainerInputs:
    service_image: str
    web_image: str
    secret_arns: dict[str, str]  # variable -> Secrets Manager ARN
    log_groups: dict[str, str]  # container -> log group name
    region: str
    web_concurrency: int
    require_verified_email: bool
    domain: str  # the site's name: links in mail are built on it
    mail_url: str
    mail_from: str
    mail_configuration_set: str


def _logs(inputs: ContainerInputs, container: str) -> dict:
    return {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": inputs.log_groups[container],
            "awslogs-region": inputs.region,
            "awslogs-stream-prefix": container,
        },
    }


def _secrets(inputs: ContainerInputs) -> list[dict]:
    return [{"name": variable, "valueFrom": inputs.secret_arns[variable]} for variable in SECRET_VARIABLES]


def _platform_environment(inputs: ContainerInputs) -> dict[str, str]:
    return platform_environment(f"https://{inputs.domain}", inputs.mail_url, inputs.mail_from, inputs.mail_configuration_set)


def _environment(environment: dict[str, str]) -> list[dict]:
    return [{"name": name, "value": value} for name, value in environment.items()]


def _service_environment(inputs: ContainerInputs) -> list[dict]:
    return _environment(
        service_environment(
            _platform_environment(inputs),
            listen_host="127.0.0.1",
            port=SERVICE_PORT,
            web_concurrency=inputs.web_concurrency,
            # Only nginx, in the same namespace, talks to the API.
            trusted_proxies="127.0.0.1/32",
            cookie_secure=True,
            require_verified_email=inputs.require_verified_email,
        )
    )


def _web_environment() -> list[dict]:
    """The web image reads these at start (nginx/front-start.sh); the host topology leaves both unset."""
    environment = {
        # The API in the task's shared namespace, not the host's Docker network name.
        "UPSTREAM": f"127.0.0.1:{SERVICE_PORT}",
        # The ALB's nodes live in the VPC: only their X-Forwarded-For names the client, so the
        # auth rate limit and the service's throttle count clients, not ALB nodes.
        "TRUSTED_PROXY_CIDRS": VPC_CIDR,
    }
    return [{"name": name, "value": value} for name, value in environment.items()]


def service_containers(inputs: ContainerInputs) -> list[dict]:
    """The long-running task: nginx starts once the API reports healthy."""
    health_url = f"http://127.0.0.1:{SERVICE_PORT}{HEALTH_PATH}"
    return [
        {
            "name": SERVICE_CONTAINER,
            "image": inputs.service_image,
            "essential": True,
            "command": SERVE_COMMAND,
            "environment": _service_environment(inputs),
            "secrets": _secrets(inputs),
            "portMappings": [],
            "healthCheck": {
                "command": [
                    "CMD",
                    "python",
                    "-c",
                    f"import urllib.request; urllib.request.urlopen('{health_url}', timeout=4)",
                ],
                "interval": 15,
                "timeout": 5,
                "retries": 3,
                "startPeriod": 30,
            },
            "stopTimeout": STOP_SECONDS,
            "logConfiguration": _logs(inputs, SERVICE_CONTAINER),
        },
        {
            "name": WEB_CONTAINER,
            "image": inputs.web_image,
            "essential": True,
            "environment": _web_environment(),
            "portMappings": [{"containerPort": WEB_PORT, "hostPort": WEB_PORT, "protocol": "tcp"}],
            "dependsOn": [{"containerName": SERVICE_CONTAINER, "condition": "HEALTHY"}],
            "healthCheck": {
                # busybox wget in the alpine nginx image; the path goes through nginx to the API.
                "command": ["CMD", "wget", "-q", "-O", "/dev/null", f"http://127.0.0.1:{WEB_PORT}{HEALTH_PATH}"],
                "interval": 15,
                "timeout": 5,
                "retries": 3,
                "startPeriod": 15,
            },
            "stopTimeout": 30,
            "logConfiguration": _logs(inputs, WEB_CONTAINER),
        },
    ]


def migration_containers(inputs: ContainerInputs) -> list[dict]:
    """The one-off task: the same image and secrets, running only the migrations."""
    return [
        {
            "name": MIGRATE_CONTAINER,
            "image": inputs.service_image,
            "essential": True,
            "entryPoint": ["python", "-m", "service"],
            "command": ["migrate"],
            "environment": [{"name": "APP_ENV", "value": "production"}],
            "secrets": _secrets(inputs),
            "portMappings": [],
            "logConfiguration": _logs(inputs, MIGRATE_CONTAINER),
        }
    ]


def mail_worker_containers(inputs: ContainerInputs) -> list[dict]:
    """The mail worker's task: the service image draining the outbox, with the task role's SES grant."""
    return [
        {
            "name": MAIL_WORKER_CONTAINER,
            "image": inputs.service_image,
            "essential": True,
            # The image's entrypoint migrates (under the advisory lock), then execs this.
            "command": MAIL_WORKER_COMMAND,
            "environment": _environment(_platform_environment(inputs)),
            "secrets": _secrets(inputs),
            "portMappings": [],
            # The worker's heartbeat: an essential container UNHEALTHY makes the service scheduler
            # replace the task, so a worker hung in a send is restarted.
            "healthCheck": MAIL_WORKER_HEALTH.for_ecs(),
            "stopTimeout": STOP_SECONDS,
            "logConfiguration": _logs(inputs, MAIL_WORKER_CONTAINER),
        }
    ]
