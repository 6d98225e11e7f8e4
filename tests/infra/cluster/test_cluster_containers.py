"""The task definitions as data: images by digest, health checks, the secrets mapping, the ports."""

import json

from cluster_run import container_definitions, named
from pulumi_harness import settled_run

DIGEST = "@sha256:"


def _by_name(containers):
    return {container["name"]: container for container in containers}


def test_the_service_task_runs_nginx_in_front_of_the_api_on_localhost(prod):
    containers = _by_name(container_definitions(prod, "-platform"))
    assert set(containers) == {"service", "web"}
    web, service = containers["web"], containers["service"]
    assert web["portMappings"] == [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}]
    assert service["portMappings"] == []
    environment = {item["name"]: item["value"] for item in service["environment"]}
    # Bound to loopback: only nginx, in the same awsvpc namespace, reaches the API.
    assert environment["HOST"] == "127.0.0.1" and environment["PORT"] == "8081"
    assert environment["TRUSTED_PROXIES"] == "127.0.0.1/32"
    assert environment["APP_ENV"] == "production" and environment["COOKIE_SECURE"] == "true"
    assert environment["REQUIRE_VERIFIED_EMAIL"] == "true"
    # Production refuses to start without them: links in mail are built on the site's address.
    assert environment["PUBLIC_URL"] == "https://platform.example.com"
    assert environment["MAIL_FROM"] == "Users platform <no-reply@platform.example.com>"
    assert web["dependsOn"] == [{"containerName": "service", "condition": "HEALTHY"}]
    task = named(prod, "aws:ecs/taskDefinition:TaskDefinition", "-platform").inputs
    assert task["networkMode"] == "awsvpc" and task["requiresCompatibilities"] == ["EC2"]


def test_nginx_proxies_to_the_api_on_localhost_and_believes_only_the_vpc(prod):
    # The web image bakes neither: nginx/front-start.sh reads both at start (tests/nginx/test_nginx_start_settings.py).
    web = _by_name(container_definitions(prod, "-platform"))["web"]
    (vpc,) = prod.of_type("aws:ec2/vpc:Vpc")
    environment = {item["name"]: item["value"] for item in web["environment"]}
    assert environment == {"UPSTREAM": "127.0.0.1:8081", "TRUSTED_PROXY_CIDRS": vpc.inputs["cidrBlock"]}


def test_both_containers_check_health_on_the_api_health_path(prod):
    containers = _by_name(container_definitions(prod, "-platform"))
    service_check = containers["service"]["healthCheck"]
    assert service_check["command"][:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8081/api/v1/health" in service_check["command"][3]
    assert containers["web"]["healthCheck"]["command"] == ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/api/v1/health"]
    for check in (service_check, containers["web"]["healthCheck"]):
        assert check["retries"] >= 2 and check["timeout"] < check["interval"]


def test_secrets_are_mapped_from_secrets_manager_by_arn(prod):
    secret_arns = {
        r.name.rsplit("-secrets-", 1)[1]: f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:{r.name}-AbCdEf"
        for r in prod.of_type("aws:secretsmanager/secret:Secret")
    }
    expected = [
        {"name": "DATABASE_URL", "valueFrom": secret_arns["database-url"]},
        {"name": "SECRET_KEY", "valueFrom": secret_arns["secret-key"]},
        {"name": "PASSWORD_PEPPER", "valueFrom": secret_arns["password-pepper"]},
    ]
    for family, container in (("-platform", "service"), ("-migrate", "migrate")):
        assert _by_name(container_definitions(prod, family))[container]["secrets"] == expected
    assert "secrets" not in _by_name(container_definitions(prod, "-platform"))["web"]


def test_images_are_the_configured_digests_never_latest(prod):
    images = {"service": prod.setting("serviceImage"), "web": prod.setting("webImage"), "migrate": prod.setting("serviceImage")}
    for family in ("-platform", "-migrate"):
        for container in container_definitions(prod, family):
            assert container["image"] == images[container["name"]]
            assert DIGEST in container["image"] and not container["image"].endswith(":latest")


def test_a_new_digest_changes_both_task_definitions():
    newer = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users-platform/service@sha256:" + "ab" * 32
    run = settled_run("prod", {"serviceImage": newer})
    for family in ("-platform", "-migrate"):
        assert newer in json.dumps(container_definitions(run, family))


def test_the_migration_task_runs_only_migrate(prod):
    (migrate,) = container_definitions(prod, "-migrate")
    # The image's entrypoint would migrate and then serve; this task replaces it with the CLI alone.
    assert migrate["entryPoint"] == ["python", "-m", "service"] and migrate["command"] == ["migrate"]


def test_every_container_logs_to_its_own_group_with_retention(prod):
    groups = {g.inputs["name"]: g.inputs for g in prod.of_type("aws:cloudwatch/logGroup:LogGroup")}
    for family in ("-platform", "-migrate"):
        for container in container_definitions(prod, family):
            options = container["logConfiguration"]["options"]
            assert container["logConfiguration"]["logDriver"] == "awslogs"
            assert options["awslogs-group"] in groups and options["awslogs-region"] == "eu-west-1"
            assert groups[options["awslogs-group"]]["retentionInDays"] == prod.setting("logRetentionDays")


def test_the_operator_can_let_unconfirmed_addresses_log_in():
    # requireVerifiedEmail: false, e.g. while SES is still in the sandbox and no confirmation arrives.
    run = settled_run("prod", {"requireVerifiedEmail": False})
    service = _by_name(container_definitions(run, "-platform"))["service"]
    assert {"name": "REQUIRE_VERIFIED_EMAIL", "value": "false"} in service["environment"]
