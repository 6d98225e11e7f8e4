"""What the real engine does that mocks do not: replacement order, working directories, moving
inputs. Each test reads the options the program sends the engine (recorded by the harness's
monitor) and checks them against the engine's documented behaviour.

- Replace is create-before-delete unless `delete_before_replace` (Pulumi docs, deleteBeforeReplace);
  for Docker containers that is by design (pulumi/pulumi-docker#1356), and a name or a published port
  cannot exist twice on one host (pulumi/docs#12418).
- `replacement_trigger` replaces a resource whenever its value changes (Pulumi docs,
  replacementTrigger): tied to the instance id, a new host gets every Docker object anew.
- The CLI runs the program and its providers in Pulumi.yaml's `main` folder (pulumi/pulumi
  pkg/engine/project.go getPwdMain); pulumi-command runs a Command in `dir`, else there.
"""

import re

import yaml
from pulumi_harness import REPO_ROOT

CONTAINER = "docker:index/container:Container"
NETWORK = "docker:index/network:Network"
REMOTE_IMAGE = "docker:index/remoteImage:RemoteImage"
INSTANCE = "aws:ec2/instance:Instance"
ON_HOST = (CONTAINER, NETWORK, REMOTE_IMAGE)
# Objects that hold something only one of them can hold at a time: a name on the Docker host, a
# published host port, the data volume's single attachment, the Elastic IP's single association.
HOLDS_SOMETHING_UNIQUE = {
    CONTAINER: "name",
    NETWORK: "name",
    "aws:ec2/volumeAttachment:VolumeAttachment": "volumeId",
    "aws:ec2/eipAssociation:EipAssociation": "allocationId",
}
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def cli_working_directory() -> str:
    return str(REPO_ROOT / yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text())["main"])


def test_nothing_that_holds_a_name_port_or_attachment_is_created_before_its_predecessor_goes(settled_stack):
    run = settled_stack
    unique = [r for typ in HOLDS_SOMETHING_UNIQUE for r in run.of_type(typ)]
    # Four containers, three networks, the attachment, the association; certbot's container with a domain.
    assert len(unique) == 9 + bool(run.setting("domain")), [r.name for r in unique]
    for registration in unique:
        assert registration.inputs.get(HOLDS_SOMETHING_UNIQUE[registration.typ])
        assert registration.delete_before_replace, f"{registration.name} would collide with its own replacement"
    # The instance too: the volume it mounts can attach to one host only.
    (instance,) = run.of_type(INSTANCE)
    assert instance.delete_before_replace
    names = [r.inputs["name"] for typ in (CONTAINER, NETWORK) for r in run.of_type(typ)]
    assert len(names) == len(set(names))


def test_every_docker_object_is_replaced_with_the_host(settled_stack):
    run = settled_stack
    (instance,) = run.of_type(INSTANCE)
    instance_id = f"{instance.name}-id"
    on_host = [r for typ in ON_HOST for r in run.of_type(typ)]
    # Four containers, three images (the worker runs the service's), three networks; certbot's
    # container and image with a domain.
    assert len(on_host) == 10 + 2 * bool(run.setting("domain"))
    for registration in on_host:
        trigger = registration.replacement_trigger
        triggers = trigger if isinstance(trigger, list) else [trigger]
        assert instance_id in triggers, f"{registration.name} would outlive its host in Pulumi's state"


def test_the_web_container_is_replaced_with_the_service_it_resolves_once(settled_stack):
    run = settled_stack
    containers = {r.inputs["name"]: r for r in run.of_type(CONTAINER)}
    service = containers["platform-service"]
    assert f"{service.name}-id" in containers["platform-web"].replacement_trigger


def test_every_command_runs_from_a_folder_that_exists_where_the_cli_runs_it(settled_stack):
    run = settled_stack
    commands = run.of_type("command:local:Command")
    assert commands
    for command in commands:
        working_dir = REPO_ROOT.joinpath(cli_working_directory(), command.inputs.get("dir", ".")).resolve()
        assert working_dir.is_dir(), command.name
        module = re.fullmatch(r"python3 -m ([\w.]+)", command.inputs["create"])
        assert module, f"{command.name}: only `python3 -m <module>` commands are known here"
        source = working_dir.joinpath(*module[1].split("."))
        assert source.with_suffix(".py").is_file(), f"{module[1]} does not resolve from {working_dir}"


def test_no_input_is_drawn_from_a_moving_target(settled_stack):
    run = settled_stack
    # The AMI: one exact name, never "the most recent".
    for query in run.mocks.ami_queries:
        assert not query.get("mostRecent")
        for values in (f["values"] for f in query["filters"]):
            assert not any("*" in value or "?" in value for value in values), values
    # Images: app images by digest; any other by an explicit tag that is not `latest`.
    for image in run.of_type(REMOTE_IMAGE):
        reference = image.inputs["name"]
        if "/users-platform/" in reference:
            assert DIGEST.search(reference), reference
        else:
            assert ":" in reference.rsplit("/", 1)[-1] and not reference.endswith(":latest"), reference
    # Moving inputs need ignore_changes, except the ECR token in the Docker provider's
    # registryAuth, whose username/password changes the provider itself ignores (pulumi/pulumi-docker#1327).
    for registration in run.mocks.registrations.values():
        for key, value in registration.inputs.items():
            if registration.typ == "pulumi:providers:docker" and key == "registryAuth":
                continue
            assert "ecr-token" not in str(value) or key in registration.ignore_changes, (registration.name, key)


def test_only_digests_reach_the_app_containers(settled_stack):
    run = settled_stack
    for container in run.of_type(CONTAINER):
        if container.inputs["name"] in ("platform-service", "platform-web"):
            assert DIGEST.search(container.inputs["image"]), container.inputs["image"]
