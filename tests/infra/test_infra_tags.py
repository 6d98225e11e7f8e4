"""One version drives tags and labels: every taggable AWS resource and every Docker object carries it."""

import importlib

import pulumi
from pulumi_harness import REPO_ROOT

REQUIRED_TAGS = ("Project", "Stack", "Version")


def _resource_class(typ: str):
    """Maps a type token such as aws:ec2/instance:Instance to its Python class."""
    package, module_path, class_name = typ.split(":")
    module = module_path.split("/")[0]
    python_package = importlib.import_module(f"pulumi_{package}")
    owner = python_package if module == "index" else getattr(python_package, module)
    return getattr(owner, class_name)


@pulumi.runtime.test
def test_every_taggable_aws_resource_carries_project_stack_and_version(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        version = run.program["stack"].version
        expected = {"Project": "users-platform", "Stack": stack_name, "Version": version}
        taggable = [r for r in run.mocks.registrations.values() if r.typ.startswith("aws:") and hasattr(_resource_class(r.typ), "tags")]
        assert len(taggable) >= 12
        for registration in taggable:
            tags = registration.inputs.get("tags") or {}
            assert {key: tags.get(key) for key in REQUIRED_TAGS} == expected, f"{registration.typ} {registration.name}"
        (instance,) = run.of_type("aws:ec2/instance:Instance")
        root_tags = instance.inputs["rootBlockDevice"]["tags"]
        assert {key: root_tags.get(key) for key in REQUIRED_TAGS} == expected

    return run.settled(check)


@pulumi.runtime.test
def test_docker_objects_are_labelled_and_only_what_a_release_replaces_carries_the_version(deploy, stack_name):
    """A label is ForceNew on a container and a network (kreuzwerker): the version stays off PostgreSQL,
    the networks and certbot, which a release must not recreate."""
    run = deploy(stack_name)
    released = {"platform-service", "platform-mail-worker", "platform-web"}

    def check():
        version = run.program["stack"].version
        labelled = run.of_type("docker:index/container:Container") + run.of_type("docker:index/network:Network")
        assert len(labelled) == (8 if run.setting("domain") else 7)
        for registration in labelled:
            labels = {item["label"]: item["value"] for item in registration.inputs["labels"]}
            assert labels["platform.stack"] == stack_name
            expected = version if registration.inputs["name"] in released else None
            assert labels.get("org.opencontainers.image.version") == expected, registration.inputs["name"]

    return run.settled(check)


@pulumi.runtime.test
def test_version_comes_from_the_version_file(deploy, stack_name):
    run = deploy(stack_name)
    expected = (REPO_ROOT / "VERSION").read_text().strip()
    return pulumi.Output.from_input(run.outputs()["version"]).apply(lambda version: run.settled(lambda: _same(version, expected)))


def _same(actual, expected):
    assert actual == expected
