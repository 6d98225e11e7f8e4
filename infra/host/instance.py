"""The EC2 host: a pinned Amazon Linux 2023 image, IMDSv2 only, encrypted volumes, least-privilege role,
on the Elastic IP.

Replacing the host (a new `amiName`) is deliberate and ordered. `delete_before_replace` on the instance
makes the engine delete first the dependents it finds in calculateDependentReplacements (pulumi/pulumi
pkg/resource/deploy/step_generator.go): those with an input whose value came from the instance (a
property dependency) and which their provider's Diff then says must be replaced, those whose provider is
replaced, and those `deleted_with` it. `depends_on` and `replacement_trigger` do not count. Here that is
the volume attachment and the address association (`instance_id` forces their replacement), so the data
volume detaches before the old host goes and attaches to the new one.

The Docker objects are not among them: no input of theirs comes from the instance. They are replaced
after the new host exists, through their `replacement_trigger` (the instance id); their
delete-before-replace deletes then reach the new host through the reopened tunnel, where they do not
exist, and kreuzwerker's provider treats that as deleted ("No such container" is ignored by
resourceDockerContainerDelete; a network that inspects as missing counts as removed). The old
containers went with the old instance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.host.user_data import render_user_data
from infra.iam import trust_policy
from infra.machine_image import pinned_amazon_linux

DATA_DEVICE = "/dev/sdf"
SSM_CORE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
ECR_READ_POLICY = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"


@dataclass(frozen=True)
class HostArgs:
    region: str
    account_id: pulumi.Input[str]
    availability_zone: str
    subnet_id: str
    security_group_id: pulumi.Input[str]
    elastic_ip_allocation_id: pulumi.Input[str]
    boot_dependencies: list[pulumi.Resource]
    instance_type: str
    root_volume_gb: int
    data_volume_gb: int
    ssh_key_name: str
    detailed_monitoring: bool
    protect_stateful: bool
    tls_parameter_prefix: str
    ami_name: str
    snapshot_tag: dict[str, str]
    tags: dict[str, str]
    # Backup timer and CloudWatch agent lines for the user data.
    operations_script: str = ""


class Host(pulumi.ComponentResource):
    def __init__(self, name: str, args: HostArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:host:Host", name, None, opts)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect_stateful)

        self.data_volume = aws.ebs.Volume(
            f"{name}-pgdata",
            availability_zone=args.availability_zone,
            size=args.data_volume_gb,
            type="gp3",
            encrypted=True,
            final_snapshot=args.protect_stateful,
            tags={**args.tags, **args.snapshot_tag, "Name": f"{name}-pgdata"},
            opts=stateful,
        )
        profile = self._instance_profile(name, args)
        self.instance = aws.ec2.Instance(
            name,
            ami=pinned_amazon_linux(args.region, args.ami_name).id,
            instance_type=args.instance_type,
            subnet_id=args.subnet_id,
            vpc_security_group_ids=[args.security_group_id],
            iam_instance_profile=profile.name,
            key_name=args.ssh_key_name or None,
            monitoring=args.detailed_monitoring,
            metadata_options=aws.ec2.InstanceMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                # The token answer dies after one hop: the host's own tools get the role, containers
                # (one bridge hop further) cannot, and the role can read the Docker TLS server key.
                http_put_response_hop_limit=1,
            ),
            root_block_device=aws.ec2.InstanceRootBlockDeviceArgs(
                volume_type="gp3",
                volume_size=args.root_volume_gb,
                encrypted=True,
                delete_on_termination=True,
                tags={**args.tags, "Name": f"{name}-root"},
            ),
            # User data runs only at first boot: a changed script means a new host, or it changes nothing.
            user_data_replace_on_change=True,
            user_data=self.data_volume.id.apply(
                lambda volume_id: render_user_data(
                    region=args.region,
                    parameter_prefix=args.tls_parameter_prefix,
                    volume_id=volume_id,
                    operations=args.operations_script,
                )
            ),
            tags={**args.tags, "Name": name},
            # First boot reads the Docker TLS files from SSM, so they must exist before it. Two hosts must
            # never hold the data volume at once: the old one goes (after its dependents) before the new one.
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.boot_dependencies, delete_before_replace=True),
        )
        self.data_attachment = aws.ec2.VolumeAttachment(
            f"{name}-pgdata",
            device_name=DATA_DEVICE,
            volume_id=self.data_volume.id,
            instance_id=self.instance.id,
            # Stop PostgreSQL's host cleanly rather than yank a mounted volume.
            stop_instance_before_detaching=True,
            # A volume attaches to one instance at a time: detach from the old host before attaching anew.
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        self.ip_association = aws.ec2.EipAssociation(
            f"{name}-ip",
            allocation_id=args.elastic_ip_allocation_id,
            instance_id=self.instance.id,
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )
        self.register_outputs({"instance_id": self.instance.id})

    def _instance_profile(self, name: str, args: HostArgs) -> aws.iam.InstanceProfile:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=trust_policy(service="ec2.amazonaws.com"),
            tags=args.tags,
            opts=child,
        )
        # Backups and observability grant their own narrow writes to this role.
        self.role = role
        for policy_name, arn in (("ssm-core", SSM_CORE_POLICY), ("ecr-read", ECR_READ_POLICY)):
            aws.iam.RolePolicyAttachment(f"{name}-{policy_name}", role=role.name, policy_arn=arn, opts=child)
        aws.iam.RolePolicy(
            f"{name}-docker-tls",
            role=role.name,
            policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account_id: tls_parameter_policy(args.region, account_id, args.tls_parameter_prefix)
            ),
            opts=child,
        )
        return aws.iam.InstanceProfile(f"{name}-profile", role=role.name, tags=args.tags, opts=child)


def tls_parameter_policy(region: str, account_id: str, parameter_prefix: str) -> str:
    """Read access to this stack's Docker TLS parameters only, decrypted through SSM's own key."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "ssm:GetParameter",
                    "Resource": f"arn:aws:ssm:{region}:{account_id}:parameter{parameter_prefix}/*",
                },
                {
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"kms:ViaService": f"ssm.{region}.amazonaws.com"}},
                },
            ],
        }
    )
