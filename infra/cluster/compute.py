"""ECS capacity: a cluster with Container Insights on an EC2 Auto Scaling group capacity provider.

Instances boot the ECS-optimized Amazon Linux 2023 AMI named exactly in `clusterAmiName`, not the
"recommended" SSM parameter, which moves whenever AWS publishes one and would roll every instance on
the next `up`; a new name becomes a new launch template version, which the group rolls out by
instance refresh. No key pair and no inbound rule: operators use SSM Session Manager.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.iam import trust_policy
from infra.machine_image import pinned_amazon_linux
from infra.versioning import without_version

INSTANCE_POLICIES = {
    "ecs": "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    "ssm": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
}
ROOT_DEVICE = "/dev/xvda"


@dataclass(frozen=True)
class ClusterComputeArgs:
    region: str
    private_subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    ami_name: str
    instance_type: str
    min_instances: int
    max_instances: int
    tags: dict[str, str]


def ecs_agent_config(cluster_name: str) -> str:
    """User data: join the cluster; tasks in awsvpc mode get no path to the instance's metadata."""
    lines = [
        "#!/bin/bash",
        "cat >> /etc/ecs/ecs.config <<'CONFIG'",
        f"ECS_CLUSTER={cluster_name}",
        "ECS_AWSVPC_BLOCK_IMDS=true",
        "ECS_ENABLE_TASK_IAM_ROLE=true",
        "ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance",
        "CONFIG",
    ]
    return base64.b64encode(("\n".join(lines) + "\n").encode()).decode()


class ClusterCompute(pulumi.ComponentResource):
    def __init__(self, name: str, args: ClusterComputeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:Compute", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.cluster = aws.ecs.Cluster(
            name,
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value="enabled")],
            tags=args.tags,
            opts=child,
        )
        profile = self._instance_profile(name, args.tags)
        self.launch_template = aws.ec2.LaunchTemplate(
            name,
            image_id=pinned_amazon_linux(args.region, args.ami_name).id,
            instance_type=args.instance_type,
            iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(arn=profile.arn),
            vpc_security_group_ids=[args.security_group_id],
            user_data=self.cluster.name.apply(ecs_agent_config),
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                # The agent and host tools are on the instance; containers are a hop further and get nothing.
                http_put_response_hop_limit=1,
            ),
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name=ROOT_DEVICE,
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=30, volume_type="gp3", encrypted="true", delete_on_termination="true"
                    ),
                )
            ],
            monitoring=aws.ec2.LaunchTemplateMonitoringArgs(enabled=True),
            tag_specifications=[
                # A new version here is an instance refresh: no release version on the instances.
                aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags={**without_version(args.tags), "Name": name})
                for kind in ("instance", "volume")
            ],
            update_default_version=True,
            tags=args.tags,
            opts=child,
        )
        self.auto_scaling_group = aws.autoscaling.Group(
            name,
            vpc_zone_identifiers=args.private_subnet_ids,
            min_size=args.min_instances,
            max_size=args.max_instances,
            launch_template=aws.autoscaling.GroupLaunchTemplateArgs(
                id=self.launch_template.id, version=self.launch_template.latest_version.apply(str)
            ),
            # Managed termination protection needs every instance protected from scale-in.
            protect_from_scale_in=True,
            health_check_type="EC2",
            instance_refresh=aws.autoscaling.GroupInstanceRefreshArgs(
                strategy="Rolling",
                preferences=aws.autoscaling.GroupInstanceRefreshPreferencesArgs(
                    min_healthy_percentage=100,
                    max_healthy_percentage=200,
                    scale_in_protected_instances="Refresh",
                ),
            ),
            tags=[
                aws.autoscaling.GroupTagArgs(key=key, value=value, propagate_at_launch=True)
                for key, value in {**args.tags, "AmazonECSManaged": "true"}.items()
            ],
            # ECS managed scaling owns the desired count.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["desiredCapacity"]),
        )
        self.capacity_provider = aws.ecs.CapacityProvider(
            name,
            auto_scaling_group_provider=aws.ecs.CapacityProviderAutoScalingGroupProviderArgs(
                auto_scaling_group_arn=self.auto_scaling_group.arn,
                managed_termination_protection="ENABLED",
                managed_draining="ENABLED",
                managed_scaling=aws.ecs.CapacityProviderAutoScalingGroupProviderManagedScalingArgs(
                    status="ENABLED", target_capacity=100, minimum_scaling_step_size=1, maximum_scaling_step_size=2
                ),
            ),
            tags=args.tags,
            opts=child,
        )
        self.capacity_providers = aws.ecs.ClusterCapacityProviders(
            name,
            cluster_name=self.cluster.name,
            capacity_providers=[self.capacity_provider.name],
            default_capacity_provider_strategies=[
                aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(
                    capacity_provider=self.capacity_provider.name, weight=1, base=0
                )
            ],
            opts=child,
        )
        self.register_outputs({"cluster_name": self.cluster.name})

    def _instance_profile(self, name: str, tags: dict[str, str]) -> aws.iam.InstanceProfile:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-instance",
            assume_role_policy=trust_policy(service="ec2.amazonaws.com"),
            tags=tags,
            opts=child,
        )
        for policy_name, arn in INSTANCE_POLICIES.items():
            aws.iam.RolePolicyAttachment(f"{name}-instance-{policy_name}", role=role.name, policy_arn=arn, opts=child)
        return aws.iam.InstanceProfile(f"{name}-instance", role=role.name, tags=tags, opts=child)
