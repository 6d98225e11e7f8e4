"""What the real engine does that mocks do not: replacement order, working directories, moving
inputs. Each test reads the options the program sends the engine (recorded by the harness's
monitor) and checks them against the engine's documented behaviour.

- Replace is create-before-delete unless `delete_before_replace` (Pulumi docs, deleteBeforeReplace);
  for Docker containers that is by design (pulumi/pulumi-docker#1356), and a name or a published port
  cannot exist twice on one host (pulumi/docs#12418).
- `replacement_trigger` replaces a resource whenever its value changes (Pulumi docs,
  replacementTrigger): tied to the instance id, a new host gets every Docker object anew.
- What a delete-before-replace deletes first: calculateDependentReplacements (pulumi/pulumi
  pkg/resource/deploy/step_generator.go) walks the replaced resource's dependents and keeps those whose
  provider is in the replace set, those `deleted_with` one in it, and those with an input whose
  property dependencies reach one in it, if their provider's Diff (with those inputs unknown) says
  replace. `depends_on` and `replacement_trigger` do not count. The tests rely on nothing more.
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


def engine_deletes_first(run, root) -> set[str]:
    """The resources calculateDependentReplacements may delete before `root` (a delete-before-replace):
    followed through property dependencies, the provider reference and deleted_with only. Whether each
    is really replaced is its provider's Diff; this is the set the engine considers at all."""
    by_urn = {r.urn: r for r in run.mocks.registrations.values() if r.urn}
    replace_set = {root.urn}
    changed = True
    while changed:
        changed = False
        for registration in by_urn.values():
            if registration.urn in replace_set:
                continue
            # A provider reference is "<urn>::<id>".
            provider_urn = registration.provider.rsplit("::", 1)[0] if registration.provider else ""
            reached = (
                provider_urn in replace_set
                or registration.deleted_with in replace_set
                or any(urn in replace_set for urns in registration.property_dependencies.values() for urn in urns)
            )
            if reached:
                replace_set.add(registration.urn)
                changed = True
    return {by_urn[urn].name for urn in replace_set - {root.urn}}


def test_a_new_host_detaches_the_volume_and_address_first_and_leaves_the_containers_to_their_trigger(settled_stack):
    run = settled_stack
    (instance,) = run.of_type(INSTANCE)
    first = engine_deletes_first(run, instance)
    (attachment,) = run.of_type("aws:ec2/volumeAttachment:VolumeAttachment")
    (association,) = run.of_type("aws:ec2/eipAssociation:EipAssociation")
    # instance_id forces their replacement (their providers' Diff): deleted before the old instance.
    assert {attachment.name, association.name} <= first
    assert "instanceId" in attachment.property_dependencies and "instanceId" in association.property_dependencies
    # No Docker object takes an input from the instance, and their provider is not replaced with it:
    # they are replaced afterwards, by their replacement_trigger, not deleted first.
    docker_objects = {r.name for typ in ON_HOST for r in run.of_type(typ)}
    assert docker_objects and not docker_objects & first
    (provider,) = run.of_type("pulumi:providers:docker")
    assert provider.name not in first
    # They do depend on the instance, through depends_on and the trigger: edges the engine does not follow here.
    for registration in (r for typ in ON_HOST for r in run.of_type(typ)):
        assert not any(instance.urn in urns for urns in registration.property_dependencies.values()), registration.name
