"""ECR: the registry program's shared repositories, one per image, scanned on push, immutable tags,
a lifecycle policy each; the environment stacks declare none."""

import json

import pulumi
import pytest
from pulumi_harness import run_registry_program

from infra.registry import PROMOTED_TAG_PREFIX, lifecycle_policy

REPOSITORY = "aws:ecr/repository:Repository"


def test_environment_stacks_only_deploy_from_the_shared_registry(settled_stack):
    assert settled_stack.of_type(REPOSITORY) == []


@pulumi.runtime.test
def test_repositories_scan_on_push_with_immutable_tags():
    run = run_registry_program()

    def check():
        repositories = run.of_type(REPOSITORY)
        # The names deploy.yml pushes to and infra/config.py's digest references point into.
        assert sorted(r.inputs["name"] for r in repositories) == ["users-platform/service", "users-platform/web"]
        for repository in repositories:
            assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
            assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}

    return run.settled(check)


@pulumi.runtime.test
def test_each_repository_has_a_lifecycle_policy_keeping_the_stack_retention():
    run = run_registry_program()

    def check():
        policies = {p.inputs["repository"]: json.loads(p.inputs["policy"]) for p in run.of_type("aws:ecr/lifecyclePolicy:LifecyclePolicy")}
        assert set(policies) == {r.inputs["name"] for r in run.of_type(REPOSITORY)}
        for policy in policies.values():
            counts = {rule["selection"]["tagStatus"]: rule["selection"]["countNumber"] for rule in policy["rules"]
                      if rule["selection"]["countType"] == "imageCountMoreThan"}
            assert counts == {
                "any": run.settings_file["users-platform-registry:imageRetentionCount"],
                "tagged": run.settings_file["users-platform-registry:promotedRetentionCount"],
            }

    return run.settled(check)


def _matches(selection: dict, tags: list[str]) -> bool:
    if selection["tagStatus"] == "untagged":
        return not tags
    if selection["tagStatus"] == "tagged":
        return any(tag.startswith(prefix) for tag in tags for prefix in selection["tagPrefixList"])
    return True


def expired_by(policy: str, images: list[list[str]]) -> set[int]:
    """ECR's lifecycle evaluation (AWS ECR user guide, "Lifecycle policy evaluation rules"): rules in
    rulePriority order; an image matched by a higher-priority rule's tag filter is never expired by
    a lower one, though lower rules still count it; imageCountMoreThan keeps the newest by push
    time. `images` are tag lists, oldest push first; returns the indexes expired."""
    rules = sorted(json.loads(policy)["rules"], key=lambda rule: rule["rulePriority"])
    expired: set[int] = set()
    for position, rule in enumerate(rules):
        selection = rule["selection"]
        if selection["countType"] != "imageCountMoreThan":
            continue
        matching = [index for index, tags in enumerate(images) if _matches(selection, tags)]
        beyond = matching[: max(0, len(matching) - selection["countNumber"])]
        shielded = {index for index in beyond for higher in rules[:position] if _matches(higher["selection"], images[index])}
        expired |= set(beyond) - shielded
    return expired


def builds(count: int, promoted: dict[int, str]) -> list[list[str]]:
    return [[f"1.4.0-{index:07x}", *([promoted[index]] if index in promoted else [])] for index in range(count)]


@pytest.mark.parametrize("builds_since", [0, 29, 30, 31, 500])
def test_the_image_prod_runs_is_never_expired_by_later_builds(builds_since):
    """prod runs the first build; any number of green commits later it is still in ECR (an instance
    refresh, a scale-out or a task crash pulls it again)."""
    images = builds(1 + builds_since, {0: f"{PROMOTED_TAG_PREFIX}{'a' * 40}"})
    expired = expired_by(lifecycle_policy(30, 100), images)
    assert 0 not in expired
    # The build count still applies to everything else.
    assert expired == set(range(1, max(1, len(images) - 30)))


def test_rollback_reaches_back_the_newest_promoted_releases_only():
    promoted = {index: f"{PROMOTED_TAG_PREFIX}{index:040x}" for index in range(0, 300, 2)}
    expired = expired_by(lifecycle_policy(30, 100), builds(300, promoted))
    kept_releases = sorted(set(promoted) - expired)
    assert kept_releases == sorted(promoted)[-100:]
