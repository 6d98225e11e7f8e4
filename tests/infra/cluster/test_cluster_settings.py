"""The cluster's dangerous config is refused before any resource exists; the overrides are explicit."""

import pulumi
import pytest
from cluster_run import named
from pulumi_harness import execute_program, settled_run, start_program

from infra.config import InsecureConfigError

TAG_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users-platform/service:1.2.3"
LATEST_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/users-platform/web:latest"

REFUSED = [
    ("prod", {"clusterInstanceSubnets": "public"}, r"clusterInstanceSubnets: 'public' is refused"),
    ("dev", {"topology": "cluster", "domain": "d.example.com", "hostedZoneId": "Z1", "clusterInstanceSubnets": "public"}, r"'public' is refused"),
    ("prod", {"clusterAvailabilityZones": 1}, r"clusterAvailabilityZones must be at least 2"),
    ("prod", {"backupRetentionDays": 7}, r"backupRetentionDays must be 14 to 35"),
    # The copy of the RDS backups reads the host's key, with the host's checks.
    ("prod", {"backupCopyRegion": "eu-west-1"}, r"backupCopyRegion must differ from the stack's region \(eu-west-1\)"),
    ("prod", {"clusterNatGateways": "none"}, r"clusterNatGateways must be one of one_per_az, single"),
    # With its own mailDomain: without one, an empty domain is refused first for mail (test_infra_guardrails).
    ("prod", {"domain": "", "mailDomain": "platform.example.com"}, r"the cluster topology serves HTTPS only: set domain"),
    ("prod", {"hostedZoneId": ""}, r"needs a certificate: set hostedZoneId .* or certificateArn"),
    ("prod", {"clusterMinTasks": 9, "clusterMaxTasks": 8}, r"clusterMinTasks/clusterMaxTasks"),
    ("prod", {"topology": "kubernetes"}, r"topology must be one of host, cluster"),
    # The same image checks for both topologies.
    ("prod", {"serviceImage": TAG_IMAGE}, r"serviceImage must be an ECR image by digest"),
    ("dev", {"serviceImage": TAG_IMAGE}, r"serviceImage must be an ECR image by digest"),
    ("prod", {"webImage": LATEST_IMAGE}, r"webImage must be an ECR image by digest .* a tag such as :latest or :1.2.3 is refused"),
    ("dev", {"webImage": LATEST_IMAGE}, r"webImage must be an ECR image by digest"),
]


@pytest.mark.parametrize(("stack", "overrides", "message"), REFUSED)
@pulumi.runtime.test
def test_dangerous_cluster_config_is_refused_before_any_resource(stack, overrides, message):
    mocks, declared = start_program(stack, overrides)
    with pytest.raises(InsecureConfigError, match=message):
        execute_program()
    return pulumi.Output.from_input(len(declared) + len(mocks.registrations)).apply(_assert_zero)


@pulumi.runtime.test
def test_a_backup_copy_region_that_is_not_a_region_is_refused_on_the_cluster_too():
    mocks, declared = start_program("prod", {"backupCopyRegion": "Frankfurt"})
    with pytest.raises(ValueError, match=r"backupCopyRegion 'Frankfurt' is not an AWS region name"):
        execute_program()
    return pulumi.Output.from_input(len(declared) + len(mocks.registrations)).apply(_assert_zero)


@pulumi.runtime.test
def test_a_log_retention_cloudwatch_would_reject_is_refused_on_the_cluster_too():
    mocks, declared = start_program("prod", {"logRetentionDays": 10})
    with pytest.raises(ValueError, match=r"logRetentionDays must be one of CloudWatch's values"):
        execute_program()
    return pulumi.Output.from_input(len(declared) + len(mocks.registrations)).apply(_assert_zero)


def test_the_hosts_own_checks_do_not_apply_to_a_cluster_stack():
    # prod on the host topology needs daily snapshots, their cross-region copy and a pinned AMI
    # (tests/infra/test_infra_guardrails.py); the cluster has no such host, and RDS keeps its own backups.
    run = settled_run("prod", {"dailySnapshots": False, "backupCopyRegion": "", "amiName": ""})
    assert run.exported["url"] == f"https://{run.setting('domain')}"
    assert run.of_type("aws:rds/instance:Instance")


def test_prod_accepts_a_single_zone_database_and_no_waf_only_with_explicit_overrides():
    run = settled_run(
        "prod", {"dbMultiAz": False, "allowSingleAzDb": True, "wafEnabled": False, "allowProdWithoutWaf": True}
    )
    assert named(run, "aws:rds/instance:Instance", "-db").inputs["multiAz"] is False
    assert run.of_type("aws:wafv2/webAcl:WebAcl") == []
    assert run.of_type("aws:wafv2/webAclAssociation:WebAclAssociation") == []


def test_the_minimal_cluster_is_accepted_on_dev(minimal):
    assert named(minimal, "aws:rds/instance:Instance", "-db").inputs["multiAz"] is False
    assert named(minimal, "aws:ecs/service:Service", "-platform").inputs["desiredCount"] == 1
    assert len(minimal.of_type("aws:ec2/natGateway:NatGateway")) == 1


def _assert_zero(count: int) -> None:
    assert count == 0
