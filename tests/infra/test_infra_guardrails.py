"""Dangerous config is refused with a clear error before the program declares any resource."""

import pulumi
import pytest
from pulumi_harness import execute_program, start_program

from infra.config import InsecureConfigError

REFUSED = [
    ("dev", {"adminCidrs": ["0.0.0.0/0"], "sshKeyName": "ops"}, r"adminCidrs: 0\.0\.0\.0/0 would open SSH \(22\) to the whole internet"),
    ("prod", {"adminCidrs": ["::/0"], "sshKeyName": "ops"}, r"adminCidrs: ::/0 would open SSH \(22\) to the whole internet"),
    ("dev", {"adminCidrs": ["10.0.0.0/8"], "sshKeyName": "ops"}, r"adminCidrs: 10\.0\.0\.0/8 would open SSH \(22\) to a very broad range"),
    ("dev", {"adminCidrs": ["198.51.100.7/32"]}, r"sshKeyName is empty"),
    ("dev", {"deployerCidrs": ["0.0.0.0/0"]}, r"deployerCidrs: 0\.0\.0\.0/0 would open the Docker API \(2376\) to the whole internet"),
    ("prod", {"deployerCidrs": ["198.51.100.0/24", "::/0"]}, r"deployerCidrs: ::/0 would open the Docker API"),
    ("dev", {"deployerCidrs": []}, r"deployerCidrs is empty"),
    ("dev", {"deployerCidrs": ["not-a-network"]}, r"'not-a-network' is not a network address"),
    ("prod", {"protectStateful": False}, r"prod stack needs protectStateful: true and dailySnapshots: true"),
    ("prod", {"dailySnapshots": False}, r"prod stack needs protectStateful: true and dailySnapshots: true"),
    ("dev", {"postgresImage": "postgres:latest"}, r"postgresImage must name an explicit tag"),
    ("dev", {"postgresImage": "postgres"}, r"postgresImage must name an explicit tag"),
]


@pytest.mark.parametrize(("stack", "overrides", "message"), REFUSED)
@pulumi.runtime.test
def test_dangerous_config_is_refused_before_any_resource(stack, overrides, message):
    mocks, declared = start_program(stack, overrides)
    with pytest.raises(InsecureConfigError, match=message):
        execute_program()
    # The Output proves the refusal came first: nothing was declared, so nothing would be created.
    return pulumi.Output.from_input(len(declared) + len(mocks.registrations)).apply(_assert_zero)


@pulumi.runtime.test
def test_narrow_networks_are_accepted(deploy):
    run = deploy("dev", {"adminCidrs": ["203.0.113.0/24"], "sshKeyName": "ops", "deployerCidrs": ["2001:db8:1::/48"]})

    def check():
        rules = {
            (int(r.inputs["fromPort"]), r.inputs.get("cidrIpv4") or r.inputs.get("cidrIpv6"))
            for r in run.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        }
        assert {(22, "203.0.113.0/24"), (2376, "2001:db8:1::/48")} <= rules

    return run.settled(check)


def _assert_zero(count: int) -> None:
    assert count == 0
