"""The CrossGuard pack: each rule against resources that break it, through the SDK's own
ResourceValidationPolicy.validate, and every resource of the real programs (under Pulumi mocks)
passing every rule, so `--policy-pack policy` in preview.yml can only stop a regression."""

from __future__ import annotations

from types import SimpleNamespace

import pulumi
import pytest
import yaml
from pulumi_harness import REPO_ROOT, run_registry_program

from policy.guardrails import CHECKS, POLICIES

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
INSTANCE = "aws:ec2/instance:Instance"
TOPIC = "aws:sns/topic:Topic"
GOOD_INSTANCE = {
    "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
    "rootBlockDevice": {"encrypted": True},
    "userData": "#!/bin/bash\naws ssm get-parameter --with-decryption --name /p/key\n",
}

VIOLATIONS = [
    ("no-world-open-ports-but-web", INGRESS, {"cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22}),
    ("no-world-open-ports-but-web", INGRESS, {"cidrIpv6": "::/0", "ipProtocol": "tcp", "fromPort": 2376, "toPort": 2376}),
    ("no-world-open-ports-but-web", INGRESS, {"cidrIpv4": "0.0.0.0/0", "ipProtocol": "-1", "fromPort": 0, "toPort": 0}),
    ("no-world-open-ports-but-web", INGRESS, {"cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 80, "toPort": 443}),
    ("no-world-open-ports-but-web", "aws:ec2/securityGroup:SecurityGroup",
     {"ingress": [{"cidrBlocks": ["0.0.0.0/0"], "protocol": "tcp", "fromPort": 5432, "toPort": 5432}]}),
    ("no-world-open-ports-but-web", "aws:ec2/securityGroupRule:SecurityGroupRule",
     {"type": "ingress", "cidrBlocks": ["0.0.0.0/0"], "protocol": "tcp", "fromPort": 22, "toPort": 22}),
    ("imdsv2-one-hop", INSTANCE, {**GOOD_INSTANCE, "metadataOptions": {"httpTokens": "optional", "httpPutResponseHopLimit": 1}}),
    ("imdsv2-one-hop", INSTANCE, {**GOOD_INSTANCE, "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2}}),
    ("imdsv2-one-hop", "aws:ec2/launchTemplate:LaunchTemplate", {}),
    ("encrypted-volumes", "aws:ebs/volume:Volume", {"encrypted": False}),
    ("encrypted-volumes", INSTANCE, {**GOOD_INSTANCE, "rootBlockDevice": {}}),
    ("encrypted-volumes", INSTANCE, {**GOOD_INSTANCE, "ebsBlockDevices": [{"deviceName": "/dev/sdg"}]}),
    ("encrypted-volumes", "aws:ec2/launchTemplate:LaunchTemplate", {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {}}]}),
    ("no-plaintext-secrets", "aws:ssm/parameter:Parameter", {"name": "/p/docker-tls/server-key.pem", "type": "String"}),
    ("no-plaintext-secrets", INSTANCE, {**GOOD_INSTANCE, "userData": "-----BEGIN EC PRIVATE KEY-----\nabc"}),
    ("no-plaintext-secrets", INSTANCE, {**GOOD_INSTANCE, "userData": "export POSTGRES_PASSWORD=hunter2"}),
    ("no-plaintext-secrets", "aws:ecs/taskDefinition:TaskDefinition",
     {"containerDefinitions": '[{"name": "service", "environment": [{"name": "SECRET_KEY", "value": "x"}]}]'}),
    ("no-aws-managed-sns-key", TOPIC, {"kmsMasterKeyId": "alias/aws/sns"}),
    ("no-aws-managed-sns-key", TOPIC, {"kmsMasterKeyId": "arn:aws:kms:eu-west-1:123456789012:alias/aws/sns"}),
]

ALLOWED = [
    (INGRESS, {"cidrIpv4": "0.0.0.0/0", "ipProtocol": "tcp", "fromPort": 443, "toPort": 443}),
    (INGRESS, {"cidrIpv4": "203.0.113.0/24", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22}),
    (INSTANCE, GOOD_INSTANCE),
    ("aws:ssm/parameter:Parameter", {"name": "/p/docker-tls/ca.pem", "type": "SecureString"}),
    ("aws:ecs/taskDefinition:TaskDefinition",
     {"containerDefinitions": '[{"name": "service", "environment": [{"name": "PORT", "value": "8080"}], "secrets": []}]'}),
    (TOPIC, {"kmsMasterKeyId": "arn:aws:kms:eu-west-1:123456789012:key/0b1c2d3e-4f5a-6789-abcd-ef0123456789"}),
    (TOPIC, {"kmsMasterKeyId": "alias/platform-alarms"}),
    # A key whose alias merely ends like the managed one is the operator's own.
    (TOPIC, {"kmsMasterKeyId": "alias/team/aws/sns"}),
]


def _violations(policy_name: str, resource_type: str, props: dict) -> list[str]:
    """Runs the policy through the SDK's validate, as the analyzer does, collecting what it reports."""
    (policy,) = [p for p in POLICIES if p.name == policy_name]
    reported: list[str] = []
    args = SimpleNamespace(resource_type=resource_type, props=props, urn=f"urn:pulumi:test::p::{resource_type}::r", name="r")
    policy.validate(args, lambda message, urn=None: reported.append(message))
    return reported


@pytest.mark.parametrize(("policy_name", "resource_type", "props"), VIOLATIONS)
def test_each_rule_reports_what_breaks_it(policy_name, resource_type, props):
    assert _violations(policy_name, resource_type, props)


@pytest.mark.parametrize(("resource_type", "props"), ALLOWED)
def test_no_rule_reports_what_the_guardrails_allow(resource_type, props):
    assert [problem for name in CHECKS for problem in _violations(name, resource_type, props)] == []


def _assert_compliant(run):
    problems = [
        (registration.name, problem)
        for registration in run.mocks.registrations.values()
        for _, rule in CHECKS.values()
        for problem in rule(registration.typ, registration.inputs)
    ]
    assert problems == []
    assert len(run.mocks.registrations) > 3


def test_every_resource_of_each_stack_passes_the_pack(settled_stack):
    _assert_compliant(settled_stack)


def test_every_topic_of_each_stack_is_one_the_sns_key_rule_judges(settled_stack):
    """Not vacuous: each stack's topics (alarms, mail events) reach the rule with a key, and the same
    topic under alias/aws/sns is refused."""
    topics = settled_stack.of_type(TOPIC)
    assert len(topics) >= 2
    for topic in topics:
        assert topic.inputs.get("kmsMasterKeyId"), topic.name
        assert _violations("no-aws-managed-sns-key", TOPIC, topic.inputs) == []
        assert _violations("no-aws-managed-sns-key", TOPIC, {**topic.inputs, "kmsMasterKeyId": "alias/aws/sns"})


@pulumi.runtime.test
def test_the_registry_program_passes_the_pack():
    run = run_registry_program()
    return run.settled(lambda: _assert_compliant(run))


def test_the_pack_is_a_mandatory_python_pack_run_from_the_project_venv():
    project = yaml.safe_load((REPO_ROOT / "policy" / "PulumiPolicy.yaml").read_text())
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "../.venv"}}
    # The pack's __main__ serves gRPC forever once imported, so its text is checked instead.
    main = (REPO_ROOT / "policy" / "__main__.py").read_text()
    assert "enforcement_level=EnforcementLevel.MANDATORY" in main and "policies=[*POLICIES, *production.POLICIES]" in main
