"""Dangerous config is refused with a clear error before the program declares any resource."""

import pulumi
import pytest
from pulumi_harness import HOST, REGISTRY, execute_program, start_program

from infra.config import InsecureConfigError

REFUSED = [
    ("dev", {"adminCidrs": ["0.0.0.0/0"], "sshKeyName": "ops"}, r"adminCidrs: 0\.0\.0\.0/0 would open SSH \(22\) to the whole internet"),
    ("prod", {"adminCidrs": ["::/0"], "sshKeyName": "ops"}, r"adminCidrs: ::/0 would open SSH \(22\) to the whole internet"),
    ("dev", {"adminCidrs": ["10.0.0.0/8"], "sshKeyName": "ops"}, r"adminCidrs: 10\.0\.0\.0/8 would open SSH \(22\) to a very broad range"),
    ("dev", {"adminCidrs": ["198.51.100.7/32"]}, r"sshKeyName is empty"),
    ("dev", {"adminCidrs": ["not-a-network"], "sshKeyName": "ops"}, r"'not-a-network' is not a network address"),
    ("dev", {"postgresImage": "postgres:latest"}, r"postgresImage must name an explicit tag"),
    ("dev", {"postgresImage": "postgres"}, r"postgresImage must name an explicit tag"),
    # Images by digest only: a tag can move under a stack, and `latest` always does.
    ("dev", {"serviceImage": f"{REGISTRY}/users-platform/service:latest"}, r"serviceImage must be an ECR image by digest"),
    ("prod", {"webImage": f"{REGISTRY}/users-platform/web:0.1.0"}, r"webImage must be an ECR image by digest"),
    ("dev", {"serviceImage": "docker.io/library/python@sha256:" + "c3" * 32}, r"serviceImage must be an ECR image by digest"),
    ("dev", {"webImage": f"{REGISTRY}/users-platform/web@sha256:abc"}, r"webImage must be an ECR image by digest"),
]

# Wrong, though not dangerous: refused with a message naming the key, before any resource.
INVALID = [
    ("dev", {"amiName": "al2023-ami-2023.*-x86_64"}, r"amiName must be one exact Amazon Linux 2023 x86_64 image name"),
    ("prod", {"amiName": ""}, r"amiName must be one exact"),
    ("dev", {"dockerTunnelPort": 80}, r"dockerTunnelPort must be an unprivileged port"),
    # promote.yml checks out what dev exports: a branch name would move under it.
    ("dev", {"sourceCommit": "main"}, r"sourceCommit must be a full commit SHA"),
    # Mail is real on every stack: SES needs a domain to send from.
    ("dev", {"mailDomain": "", "domain": ""}, r"mailDomain \(or domain\) must be a DNS name you control, got ''"),
    ("dev", {"mailDomain": "https://mail.example.com"}, r"mailDomain \(or domain\) must be a DNS name"),
    ("prod", {"mailEventsEmail": "ops"}, r"mailEventsEmail 'ops' is not an email address"),
]


@pytest.mark.parametrize(("stack", "overrides", "message"), REFUSED)
@pulumi.runtime.test
def test_dangerous_config_is_refused_before_any_resource(stack, overrides, message):
    mocks, declared = start_program(stack, {**HOST, **overrides})
    with pytest.raises(InsecureConfigError, match=message):
        execute_program()
    # The Output proves the refusal came first: nothing was declared, so nothing would be created.
    return pulumi.Output.from_input(len(declared) + len(mocks.registrations)).apply(_assert_zero)


@pytest.mark.parametrize(("stack", "overrides", "message"), INVALID)
@pulumi.runtime.test
def test_invalid_config_is_refused_before_any_resource(stack, overrides, message):
    mocks, declared = start_program(stack, {**HOST, **overrides})
    with pytest.raises(ValueError, match=message):
        execute_program()
    return pulumi.Output.from_input(len(declared) + len(mocks.registrations)).apply(_assert_zero)


@pulumi.runtime.test
def test_narrow_networks_are_accepted(deploy):
    run = deploy("dev", {"adminCidrs": ["203.0.113.0/24", "2001:db8:1::/48"], "sshKeyName": "ops"})

    def check():
        rules = {
            (int(r.inputs["fromPort"]), r.inputs.get("cidrIpv4") or r.inputs.get("cidrIpv6"))
            for r in run.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        }
        assert {(22, "203.0.113.0/24"), (22, "2001:db8:1::/48")} <= rules

    return run.settled(check)


def _assert_zero(count: int) -> None:
    assert count == 0


@pulumi.runtime.test
def test_a_third_party_image_pinned_by_digest_as_renovate_writes_it_is_accepted(deploy):
    pinned = f"public.ecr.aws/docker/library/postgres:17-bookworm@sha256:{'cd' * 32}"
    run = deploy("dev", {"postgresImage": pinned})

    def check():
        assert pinned in [image.inputs["name"] for image in run.of_type("docker:index/remoteImage:RemoteImage")]

    return run.settled(check)
