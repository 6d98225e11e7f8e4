"""Trust policies are written once (infra/iam.py) and every role of both topologies uses that one form."""

import json

import pytest
from pulumi_harness import REPO_ROOT, settled_run

from infra.iam import may_assume, trust_policy


def test_only_infra_iam_writes_a_trust_policy():
    writers = [
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "infra").rglob("*.py")
        if "sts:AssumeRole" in path.read_text() and path.name != "iam.py"
    ]
    assert writers == []


def test_a_trust_policy_names_exactly_one_principal():
    with pytest.raises(ValueError, match="exactly one principal"):
        trust_policy()
    with pytest.raises(ValueError, match="exactly one principal"):
        trust_policy(service="ec2.amazonaws.com", role_arn="arn:aws:iam::123456789012:role/x")
    (statement,) = json.loads(trust_policy(service="ecs-tasks.amazonaws.com", source_account="123456789012"))["Statement"]
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    assert json.loads(may_assume("arn:r"))["Statement"] == [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:r"}]


@pytest.mark.parametrize(("stack", "overrides"), [("dev", {"topology": "host"}), ("prod", {})])
def test_every_role_trusts_one_principal_in_the_one_form(stack, overrides):
    run = settled_run(stack, overrides)
    roles = run.of_type("aws:iam/role:Role")
    assert len(roles) >= 3
    for role in roles:
        policy = json.loads(role.inputs["assumeRolePolicy"])
        (statement,) = policy["Statement"]
        (kind, principal), = statement["Principal"].items()
        condition = statement.get("Condition", {}).get("StringEquals", {}).get("aws:SourceAccount")
        expected = trust_policy(service=principal, source_account=condition) if kind == "Service" else trust_policy(role_arn=principal)
        assert policy == json.loads(expected), role.name
