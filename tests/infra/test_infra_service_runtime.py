"""One production environment and one mail-worker health check for the service image, which both
topologies only format (infra/service_runtime.py): the same variables reach the API on the host and
on the cluster, and the worker's heartbeat is checked on both."""

import json

from pulumi_harness import settled_run

from infra.service_runtime import MAIL_WORKER_HEALTH, SECRET_VARIABLES, platform_environment, service_environment

CONTAINER = "docker:index/container:Container"
CLUSTER = {
    "topology": "cluster",
    "clusterAmiName": "al2023-ami-ecs-hvm-2023.0.20241217-kernel-6.1-x86_64",
    "domain": "dev.platform.example.com",
    "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-imported",
    "backupRetentionDays": 14,
}
HEALTH_COMMAND = ["CMD", "python", "-m", "service", "mail-worker-health", "--max-age", "120"]
# Every variable the API reads in production, whichever topology runs it.
SERVICE_VARIABLES = set(
    service_environment(
        platform_environment("u", "m", "f", "c"),
        listen_host="h", port=1, web_concurrency=1, trusted_proxies="t", cookie_secure=True, require_verified_email=True,
    )
)


def container_definitions(run, family_suffix: str) -> list[dict]:
    (task,) = [t for t in run.of_type("aws:ecs/taskDefinition:TaskDefinition") if t.name.endswith(family_suffix)]
    return json.loads(task.inputs["containerDefinitions"])


def _docker_env(container) -> dict[str, str]:
    return dict(line.split("=", 1) for line in container.inputs["envs"])


def test_the_api_gets_the_same_variables_on_both_topologies():
    host = settled_run("dev", {"topology": "host"})
    cluster = settled_run("dev", CLUSTER)
    (service,) = [c for c in host.of_type(CONTAINER) if c.inputs["name"] == "platform-service"]
    assert set(_docker_env(service)) == SERVICE_VARIABLES | set(SECRET_VARIABLES)
    (task,) = [c for c in container_definitions(cluster, "-platform") if c["name"] == "service"]
    assert {variable["name"] for variable in task["environment"]} == SERVICE_VARIABLES
    assert {secret["name"] for secret in task["secrets"]} == set(SECRET_VARIABLES)
    # The mail worker's health check is the same command on both, read from the worker's heartbeat.
    (worker,) = [c for c in host.of_type(CONTAINER) if c.inputs["name"] == "platform-mail-worker"]
    assert worker.inputs["healthcheck"] == {"tests": HEALTH_COMMAND, "interval": "30s", "timeout": "10s", "retries": 3, "startPeriod": "300s"}
    (worker_task,) = container_definitions(cluster, "-mail-worker")
    assert worker_task["healthCheck"] == {"command": HEALTH_COMMAND, "interval": 30, "timeout": 10, "retries": 3, "startPeriod": 300}
    assert worker_task["essential"] is True


def test_the_worker_health_check_fits_ecs_limits():
    """ECS: interval 5-300, timeout 2-60, retries 1-10, startPeriod 0-300 (ContainerDefinition HealthCheck)."""
    check = MAIL_WORKER_HEALTH.for_ecs()
    assert 5 <= check["interval"] <= 300 and 2 <= check["timeout"] <= 60
    assert 1 <= check["retries"] <= 10 and 0 <= check["startPeriod"] <= 300
    assert check["timeout"] < check["interval"]


