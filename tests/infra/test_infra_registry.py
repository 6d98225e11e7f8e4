"""ECR: one repository per image, scanned on push, immutable tags, a lifecycle policy each."""

import json

import pulumi

REPOSITORY = "aws:ecr/repository:Repository"


@pulumi.runtime.test
def test_repositories_scan_on_push_with_immutable_tags(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        repositories = run.of_type(REPOSITORY)
        assert sorted(r.inputs["name"] for r in repositories) == [
            f"users-platform-{stack_name}/service",
            f"users-platform-{stack_name}/web",
        ]
        for repository in repositories:
            assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
            assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}

    return run.settled(check)


@pulumi.runtime.test
def test_each_repository_has_a_lifecycle_policy_keeping_the_stack_retention(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        policies = {p.inputs["repository"]: json.loads(p.inputs["policy"]) for p in run.of_type("aws:ecr/lifecyclePolicy:LifecyclePolicy")}
        assert set(policies) == {r.inputs["name"] for r in run.of_type(REPOSITORY)}
        for policy in policies.values():
            counts = [rule["selection"] for rule in policy["rules"] if rule["selection"]["countType"] == "imageCountMoreThan"]
            assert [c["countNumber"] for c in counts] == [run.setting("imageRetentionCount")]

    return run.settled(check)
