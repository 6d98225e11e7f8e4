"""ECS capacity: the ECS-optimized AMI from SSM, IMDSv2 with one hop, managed scaling and protection."""

import base64

from cluster_run import named
from pulumi_harness import ECS_AMI_ID

from infra.cluster.compute import ECS_AMI_PARAMETER


def test_instances_boot_the_ecs_optimized_ami_read_from_ssm(prod):
    template = named(prod, "aws:ec2/launchTemplate:LaunchTemplate", "-ecs").inputs
    assert template["imageId"] == ECS_AMI_ID
    assert "aws:ssm/getParameter:getParameter" in prod.mocks.invokes
    assert ECS_AMI_PARAMETER == "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"


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
