"""ECR: the registry program's shared repositories, one per image, scanned on push, immutable tags,
a lifecycle policy each; the environment stacks declare none."""

import json

import pulumi
from pulumi_harness import run_registry_program

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
            counts = [rule["selection"] for rule in policy["rules"] if rule["selection"]["countType"] == "imageCountMoreThan"]
            assert [c["countNumber"] for c in counts] == [run.settings_file["users-platform-registry:imageRetentionCount"]]

    return run.settled(check)
