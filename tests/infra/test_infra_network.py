"""Network rules: the web is the only public surface; SSH follows the stack file; the Docker API has no port."""

import ipaddress

import pulumi

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"


def _is_world(rule) -> bool:
    cidr = rule.inputs.get("cidrIpv4") or rule.inputs.get("cidrIpv6")
    return cidr is not None and ipaddress.ip_network(cidr).prefixlen == 0


def _ports(rule) -> range:
    return range(int(rule.inputs["fromPort"]), int(rule.inputs["toPort"]) + 1)


@pulumi.runtime.test
def test_only_80_and_443_are_public(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        public = [rule for rule in run.of_type(INGRESS) if _is_world(rule)]
        assert public, "the web must be reachable"
        for rule in public:
            assert rule.inputs["ipProtocol"] == "tcp"
            assert list(_ports(rule)) in ([80], [443]), f"{rule.name} opens {rule.inputs} to the world"
        assert {int(rule.inputs["fromPort"]) for rule in public} == {80, 443}
        # Inline rules would bypass the per-rule resources checked above.
        for group in run.of_type(SECURITY_GROUP):
            assert not group.inputs.get("ingress"), f"{group.name} declares inline ingress"

    return run.settled(check)


@pulumi.runtime.test
def test_ssh_and_docker_api_are_never_open_to_the_world(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        for rule in run.of_type(INGRESS):
            if {22, 2376} & set(_ports(rule)):
                assert not _is_world(rule), f"{rule.name} opens SSH or the Docker API to the world"

    return run.settled(check)


@pulumi.runtime.test
def test_ssh_is_closed_and_the_docker_api_has_no_inbound_rule_at_all(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        rules = run.of_type(INGRESS)
        assert run.setting("adminCidrs") == []
        assert not [rule for rule in rules if 22 in _ports(rule)], "SSH must be closed when adminCidrs is empty"
        # Deployers reach dockerd through SSM port forwarding: nothing listens for them on the network.
        assert {int(rule.inputs["fromPort"]) for rule in rules} == {80, 443}

    return run.settled(check)


@pulumi.runtime.test
def test_admin_cidrs_open_ssh_only_to_those_networks(deploy):
    run = deploy("dev", {"adminCidrs": ["198.51.100.7/32", "2001:db8::/64"], "sshKeyName": "ops"})

    def check():
        ssh = [rule for rule in run.of_type(INGRESS) if 22 in _ports(rule)]
        assert {rule.inputs.get("cidrIpv4") or rule.inputs.get("cidrIpv6") for rule in ssh} == {
            "198.51.100.7/32",
            "2001:db8::/64",
        }
        instance = run.of_type("aws:ec2/instance:Instance")[0]
        assert instance.inputs["keyName"] == "ops"

    return run.settled(check)
