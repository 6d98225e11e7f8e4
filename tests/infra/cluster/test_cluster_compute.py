"""ECS capacity: the ECS-optimized AMI from SSM, IMDSv2 with one hop, managed scaling and protection."""

import base64
import json

import pulumi
import pytest
from cluster_run import named
from pulumi_harness import AMI_ID, REPO_ROOT, execute_program, start_program

from infra.versioning import read_version


def test_instances_boot_the_ami_pinned_in_config_not_the_moving_recommended_parameter(prod):
    """The "recommended" SSM parameter moves when AWS publishes an AMI: every later `up` would roll the instances."""
    template = named(prod, "aws:ec2/launchTemplate:LaunchTemplate", "-ecs").inputs
    assert template["imageId"] == AMI_ID
    assert "aws:ssm/getParameter:getParameter" not in prod.mocks.invokes
    (query,) = prod.mocks.ami_queries
    assert query["owners"] == ["amazon"] and query["includeDeprecated"] is True
    assert query["filters"][0] == {"name": "name", "values": [prod.setting("clusterAmiName")]}


def test_a_release_does_not_make_a_new_launch_template_version(prod):
    """tag_specifications are part of a template version (terraform-provider-aws resourceLaunchTemplateUpdate);
    a new version is an instance refresh. The version stays on the template's own tags and the group's."""
    template = named(prod, "aws:ec2/launchTemplate:LaunchTemplate", "-ecs").inputs
    version = read_version(REPO_ROOT)
    assert template["tags"]["Version"] == version
    assert [spec["resourceType"] for spec in template["tagSpecifications"]] == ["instance", "volume"]
    assert version not in json.dumps(template["tagSpecifications"])


@pytest.mark.parametrize("name", ["", "al2023-ami-ecs-hvm-2023.0.20241217-kernel-6.1-arm64", "recommended"])
@pulumi.runtime.test
def test_the_cluster_refuses_an_ami_that_is_not_one_exact_ecs_image(name):
    start_program("prod", {"clusterAmiName": name})
    with pytest.raises(ValueError, match="clusterAmiName must be one exact ECS-optimized"):
        execute_program()


def test_instances_use_imdsv2_with_one_hop_no_ssh_and_ssm(prod):
    template = named(prod, "aws:ec2/launchTemplate:LaunchTemplate", "-ecs").inputs
    assert template["metadataOptions"] == {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}
    assert "keyName" not in template
    user_data = base64.b64decode(template["userData"]).decode()
    assert "ECS_CLUSTER=users-platform-prod-ecs" in user_data and "ECS_AWSVPC_BLOCK_IMDS=true" in user_data
    managed = {r.inputs["policyArn"] for r in prod.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" in managed


def test_the_capacity_provider_scales_and_protects_instances_that_run_tasks(prod):
    provider = named(prod, "aws:ecs/capacityProvider:CapacityProvider", "-ecs").inputs["autoScalingGroupProvider"]
    assert provider["managedTerminationProtection"] == "ENABLED"
    assert provider["managedScaling"]["status"] == "ENABLED" and provider["managedScaling"]["targetCapacity"] == 100
    assert provider["managedDraining"] == "ENABLED"
    group = named(prod, "aws:autoscaling/group:Group", "-ecs")
    # ECS refuses managed termination protection unless the group protects instances from scale-in.
    assert group.inputs["protectFromScaleIn"] is True
    assert (group.inputs["minSize"], group.inputs["maxSize"]) == (prod.setting("clusterMinInstances"), prod.setting("clusterMaxInstances"))
    assert group.inputs["instanceRefresh"]["strategy"] == "Rolling"
    attached = named(prod, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "-ecs").inputs
    assert attached["capacityProviders"] == ["users-platform-prod-ecs"]


def test_container_insights_is_on(prod):
    cluster = named(prod, "aws:ecs/cluster:Cluster", "-ecs").inputs
    assert {"name": "containerInsights", "value": "enabled"} in cluster["settings"]
