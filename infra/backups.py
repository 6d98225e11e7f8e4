"""Daily snapshots of the PostgreSQL data volume through Data Lifecycle Manager."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

DLM_SERVICE_POLICY = "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole"
SNAPSHOT_TIME_UTC = "03:00"


@dataclass(frozen=True)
class SnapshotPolicyArgs:
    target_tag: dict[str, str]
    retention_days: int
    tags: dict[str, str]


class SnapshotPolicy(pulumi.ComponentResource):
    def __init__(self, name: str, args: SnapshotPolicyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:backups:SnapshotPolicy", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-dlm",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "dlm.amazonaws.com"}, "Action": "sts:AssumeRole"}
                    ],
                }
            ),
            tags=args.tags,
            opts=child,
        )
        aws.iam.RolePolicyAttachment(f"{name}-dlm", role=role.name, policy_arn=DLM_SERVICE_POLICY, opts=child)
        self.policy = aws.dlm.LifecyclePolicy(
            name,
            description="daily snapshots of the PostgreSQL data volume",
            execution_role_arn=role.arn,
            state="ENABLED",
            policy_details=aws.dlm.LifecyclePolicyPolicyDetailsArgs(
                resource_types=["VOLUME"],
                target_tags=args.target_tag,
                schedules=[
                    aws.dlm.LifecyclePolicyPolicyDetailsScheduleArgs(
                        name="daily",
                        create_rule=aws.dlm.LifecyclePolicyPolicyDetailsScheduleCreateRuleArgs(
                            interval=24, interval_unit="HOURS", times=SNAPSHOT_TIME_UTC
                        ),
                        retain_rule=aws.dlm.LifecyclePolicyPolicyDetailsScheduleRetainRuleArgs(
                            interval=args.retention_days, interval_unit="DAYS"
                        ),
                        copy_tags=True,
                    )
                ],
            ),
            tags=args.tags,
            opts=child,
        )
        self.register_outputs({"policy_id": self.policy.id})
