"""The guardrails, one ResourceValidationPolicy each. Each check is a plain function of the resource's
type and inputs (as the engine hands them to the pack: camelCase), so tests call it directly and
also run it over every resource of the mocked programs."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

PUBLIC_PORTS = {80, 443}
SECRET_NAME = re.compile(r"(?i)(password|secret|token|private[_-]?key|pepper)")
# The alias by name or by ARN (arn:aws:kms:<region>:<account>:alias/aws/sns), as KmsMasterKeyId takes both.
AWS_MANAGED_SNS_KEY = re.compile(r"(?:^|:)alias/aws/sns$")
PLAINTEXT_SECRET = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|(?i:password)=\S")

Check = Callable[[str, Mapping[str, Any]], Iterator[str]]


def _is_world(cidr: str | None) -> bool:
    return bool(cidr) and ipaddress.ip_network(cidr, strict=False).prefixlen == 0


def _world_rule_problem(source: str, protocol: Any, from_port: Any, to_port: Any) -> str | None:
    ports = {int(from_port or 0), int(to_port or 0)}
    if str(protocol) in ("tcp", "6") and len(ports) == 1 and ports <= PUBLIC_PORTS:
        return None
    return f"{source} opens {protocol} {from_port}-{to_port} to the world; only tcp 80 and 443 may be public"


def world_open_ports(resource_type: str, props: Mapping[str, Any]) -> Iterator[str]:
    if resource_type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        if _is_world(props.get("cidrIpv4")) or _is_world(props.get("cidrIpv6")):
            problem = _world_rule_problem("ingress rule", props.get("ipProtocol"),
                                          props.get("fromPort"), props.get("toPort"))
            if problem:
                yield problem
    elif resource_type == "aws:ec2/securityGroupRule:SecurityGroupRule" and props.get("type") == "ingress":
        if any(_is_world(c) for c in [*(props.get("cidrBlocks") or []), *(props.get("ipv6CidrBlocks") or [])]):
            problem = _world_rule_problem("ingress rule", props.get("protocol"),
                                          props.get("fromPort"), props.get("toPort"))
            if problem:
                yield problem
    elif resource_type == "aws:ec2/securityGroup:SecurityGroup":
        for rule in props.get("ingress") or []:
            if any(_is_world(c) for c in [*(rule.get("cidrBlocks") or []), *(rule.get("ipv6CidrBlocks") or [])]):
                problem = _world_rule_problem("inline ingress", rule.get("protocol"),
                                              rule.get("fromPort"), rule.get("toPort"))
                if problem:
                    yield problem


def imdsv2(resource_type: str, props: Mapping[str, Any]) -> Iterator[str]:
    if resource_type in ("aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"):
        metadata = props.get("metadataOptions") or {}
        if metadata.get("httpTokens") != "required":
            yield "instance metadata must require IMDSv2 tokens (metadataOptions.httpTokens = required)"
        if int(metadata.get("httpPutResponseHopLimit") or 1) > 1:
            yield "IMDS hop limit above 1 lets containers read the instance role's credentials"


def encrypted_volumes(resource_type: str, props: Mapping[str, Any]) -> Iterator[str]:
    if resource_type == "aws:ebs/volume:Volume" and props.get("encrypted") is not True:
        yield "EBS volume is not encrypted"
    if resource_type == "aws:ec2/instance:Instance":
        if (props.get("rootBlockDevice") or {}).get("encrypted") is not True:
            yield "instance root volume is not encrypted"
        for device in props.get("ebsBlockDevices") or []:
            if device.get("encrypted") is not True:
                yield f"instance volume {device.get('deviceName')} is not encrypted"
    if resource_type == "aws:ec2/launchTemplate:LaunchTemplate":
        for mapping in props.get("blockDeviceMappings") or []:
            if (mapping.get("ebs") or {}).get("encrypted") not in (True, "true"):
                yield f"launch template volume {mapping.get('deviceName')} is not encrypted"


def plaintext_secrets(resource_type: str, props: Mapping[str, Any]) -> Iterator[str]:
    if resource_type == "aws:ssm/parameter:Parameter" and props.get("type") != "SecureString":
        yield f"SSM parameter {props.get('name')} must be a SecureString"
    if resource_type in ("aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"):
        user_data = str(props.get("userData") or "")
        if PLAINTEXT_SECRET.search(user_data):
            yield "user data holds a private key or a password; read it from SSM or Secrets Manager at boot"
    if resource_type == "aws:ecs/taskDefinition:TaskDefinition":
        definitions = props.get("containerDefinitions") or "[]"
        for container in json.loads(definitions) if isinstance(definitions, str) else definitions:
            for variable in container.get("environment") or []:
                if SECRET_NAME.search(variable.get("name", "")):
                    yield f"{container.get('name')}: {variable['name']} is plain environment; use `secrets`"


def no_aws_managed_sns_key(resource_type: str, props: Mapping[str, Any]) -> Iterator[str]:
    """A service that publishes to an encrypted topic (CloudWatch alarms, SES events) asks KMS for
    the data key itself, and nobody can extend the AWS-managed key's policy to admit it: the publish
    fails, visible only in the alarm's history (infra/encrypted_topic.py)."""
    if resource_type == "aws:sns/topic:Topic" and AWS_MANAGED_SNS_KEY.search(str(props.get("kmsMasterKeyId") or "")):
        yield (
            "SNS topic is encrypted with the AWS-managed alias/aws/sns key, which CloudWatch alarms and SES "
            "cannot publish through; use a customer-managed key (infra/encrypted_topic.py)"
        )


def _policy(name: str, description: str, check: Check) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for problem in check(args.resource_type, args.props):
            report_violation(problem, None)

    return ResourceValidationPolicy(name=name, description=description, validate=validate)


CHECKS: dict[str, tuple[str, Check]] = {
    "no-world-open-ports-but-web": ("Only tcp 80 and 443 may be open to 0.0.0.0/0 or ::/0.", world_open_ports),
    "imdsv2-one-hop": ("Instances require IMDSv2 tokens with a hop limit of 1.", imdsv2),
    "encrypted-volumes": ("Every EBS volume is encrypted.", encrypted_volumes),
    "no-plaintext-secrets": ("Secrets live in SecureStrings or secret stores, never in plain text.", plaintext_secrets),
    "no-aws-managed-sns-key": (
        "SNS topics are not encrypted with alias/aws/sns, which AWS services cannot publish through.",
        no_aws_managed_sns_key,
    ),
}
POLICIES = [_policy(name, description, check) for name, (description, check) in CHECKS.items()]
