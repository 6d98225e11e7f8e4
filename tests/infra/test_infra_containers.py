"""The platform on the host: images by digest, PostgreSQL private, the host provider, readiness."""

import json
import re

import pulumi
from pulumi_harness import REGISTRY, REPO_ROOT, SERVICE_IMAGE, WEB_IMAGE

from infra.versioning import VERSION_LABEL, read_version

CONTAINER = "docker:index/container:Container"


def _containers(run):
    return {c.inputs["name"]: c for c in run.of_type(CONTAINER)}


def _image_of(run, container):
    """A container's image input is the `name` of the RemoteImage the host pulled."""
    return container.inputs["image"]


@pulumi.runtime.test
def test_postgres_is_never_published_and_lives_on_the_internal_network(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        postgres = _containers(run)["platform-postgres"]
        assert not postgres.inputs.get("ports") and not postgres.inputs.get("publishAllPorts")
        networks = {n.name: n for n in run.of_type("docker:index/network:Network")}
        attached = [a["name"] for a in postgres.inputs["networksAdvanced"]]
        assert attached == [f"users-platform-{stack_name}-platform-backend-id"]
        assert networks[f"users-platform-{stack_name}-platform-backend"].inputs["internal"] is True
        assert postgres.inputs["mounts"] == [{"type": "bind", "source": "/srv/pgdata/data", "target": "/var/lib/postgresql/data"}]
        assert not postgres.inputs.get("volumes")

    return run.settled(check)


@pulumi.runtime.test
def test_only_the_web_container_publishes_ports_80_and_443(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        published = {name: c.inputs.get("ports") for name, c in _containers(run).items() if c.inputs.get("ports")}
        assert list(published) == ["platform-web"]
        assert sorted(p["external"] for p in published["platform-web"]) == [80, 443]

    return run.settled(check)


@pulumi.runtime.test
def test_app_containers_run_the_configured_digests_and_nothing_is_built(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        containers = _containers(run)
        assert _image_of(run, containers["platform-service"]) == SERVICE_IMAGE
        assert _image_of(run, containers["platform-web"]) == WEB_IMAGE
        assert run.of_type("docker:index/image:Image") == [], "the program builds no image: CI builds each once"
        postgres_image = _image_of(run, containers["platform-postgres"])
        assert postgres_image.startswith("public.ecr.aws/") and not postgres_image.endswith(":latest")
        (provider,) = run.of_type("pulumi:providers:docker")
        # Provider config reaches the engine JSON-encoded.
        assert [auth["address"] for auth in json.loads(provider.inputs["registryAuth"])] == [REGISTRY]

    return run.settled(check)


@pulumi.runtime.test
def test_service_migrates_then_serves_with_health_check_and_restart(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        service = _containers(run)["platform-service"]
        # The image's own entrypoint migrates, then execs the command; the container must keep it.
        assert "entrypoints" not in service.inputs
        assert service.inputs["command"] == ["python", "-m", "service", "serve"]
        dockerfile = (REPO_ROOT / "service" / "Dockerfile").read_text()
        assert 'ENTRYPOINT ["/app/service/docker-entrypoint.sh"]' in dockerfile
        entrypoint = (REPO_ROOT / "service" / "docker-entrypoint.sh").read_text()
        assert entrypoint.index("python -m service migrate") < entrypoint.index('exec "$@"')
        assert "/api/v1/health" in " ".join(service.inputs["healthcheck"]["tests"])
        env = dict(item.split("=", 1) for item in service.inputs["envs"])
        assert env["APP_ENV"] == "production"
        assert env["WEB_CONCURRENCY"] == str(run.setting("webConcurrency"))
        assert env["DATABASE_URL"].startswith("postgresql://platform:") and env["DATABASE_URL"].endswith("@postgres:5432/platform")
        assert env["COOKIE_SECURE"] == ("true" if run.setting("domain") else "false")
        # Neither stack file turns it off: production's default, login needs a confirmed email.
        assert env["REQUIRE_VERIFIED_EMAIL"] == "true"
        # Production refuses to start without either key; each has its own generated value.
        assert env["SECRET_KEY"].endswith("-secret-key") and env["PASSWORD_PEPPER"].endswith("-password-pepper")
        # Production refuses to start without them (service.runtime.settings).
        domain = run.setting("domain")
        if domain:
            assert env["PUBLIC_URL"] == f"https://{domain}"
        else:
            assert re.fullmatch(r"http://[0-9.]+", env["PUBLIC_URL"]), env["PUBLIC_URL"]
        mail_domain = run.setting("mailDomain") or domain
        assert env["MAIL_FROM"] == f"Users platform <no-reply@{mail_domain}>"
        for container in _containers(run).values():
            assert container.inputs["restart"] == "unless-stopped"

    return run.settled(check)


@pulumi.runtime.test
def test_everything_on_the_host_goes_through_the_tls_provider_after_the_host_is_ready(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (provider,) = run.of_type("pulumi:providers:docker")
        # The SSM tunnel's end on the deployer's loopback, never the host's public address.
        assert provider.inputs["host"] == f"tcp://127.0.0.1:{run.setting('dockerTunnelPort')}"
        assert {"caMaterial", "certMaterial", "keyMaterial"} <= set(provider.inputs)
        (ready,) = run.of_type("command:local:Command")
        assert ready.inputs["create"] == "python3 -m infra.host.docker_ready"
        assert ready.inputs["environment"]["DOCKER_HOST"] == provider.inputs["host"]
        assert ready.inputs["environment"]["DOCKER_TUNNEL_INSTANCE"] == f"users-platform-{stack_name}-host-id"
        on_host = [*run.of_type(CONTAINER), *run.of_type("docker:index/network:Network"), *run.of_type("docker:index/remoteImage:RemoteImage")]
        # postgres, service, mail worker, web, three networks, three images; with a domain, certbot and its image.
        assert len(on_host) == (12 if run.setting("domain") else 10)
        for registration in on_host:
            assert f"pulumi:providers:docker::users-platform-{stack_name}-platform-host::" in registration.provider, registration.name
            assert any(dep.endswith(f"::{ready.name}") for dep in registration.dependencies), f"{registration.name} does not wait for the host"
        ready_deps = ready.dependencies
        assert any(dep.endswith("EipAssociation::" + f"users-platform-{stack_name}-host-ip") for dep in ready_deps)
        assert any(dep.endswith("VolumeAttachment::" + f"users-platform-{stack_name}-host-pgdata") for dep in ready_deps)

    return run.settled(check)


@pulumi.runtime.test
def test_web_container_mounts_the_host_tls_folder_read_only(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        container = _containers(run)["platform-web"]
        assert {"hostPath": "/srv/platform/tls", "containerPath": "/etc/nginx/tls", "readOnly": True} in container.inputs["volumes"]

    return run.settled(check)



@pulumi.runtime.test
def test_postgres_logs_no_statement_or_detail_that_could_hold_credentials(deploy, stack_name):
    from service.data.log_safety import server_flags

    run = deploy(stack_name)

    def check():
        postgres = _containers(run)["platform-postgres"]
        assert postgres.inputs["command"] == ["postgres", *server_flags()]

    return run.settled(check)


@pulumi.runtime.test
def test_a_release_replaces_the_app_containers_but_not_postgres_the_networks_or_certbot(deploy, stack_name):
    """Docker labels are ForceNew on a container and a network (kreuzwerker/terraform-provider-docker,
    resource_docker_container.go, resource_docker_network.go): a version there recreated PostgreSQL
    and every network at each VERSION bump."""
    run = deploy(stack_name, {"domain": "platform.example.com"})
    version = read_version(REPO_ROOT)

    def check():
        containers = _containers(run)
        kept = [containers["platform-postgres"], containers["platform-certbot"], *run.of_type("docker:index/network:Network")]
        assert len(kept) == 5
        for resource in kept:
            assert resource.inputs["labels"] and version not in json.dumps(resource.inputs["labels"]), resource.name
        for name in ("platform-service", "platform-mail-worker", "platform-web"):
            assert {"label": VERSION_LABEL, "value": version} in containers[name].inputs["labels"]

    return run.settled(check)
