"""Daily housekeeping on the cluster: `python -m service prune`, as the host's systemd timer runs it.

EventBridge starts the migrate task definition (same image and secrets) once a day with the
command overridden to `prune`; its role may run that one task family in this cluster and pass
the execution role, nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.cluster.containers import MIGRATE_CONTAINER
from infra.iam import trust_policy

SCHEDULE = "cron(30 3 * * ? *)"  # 03:30 UTC, after the nightly backups


@dataclass(frozen=True)
class ScheduledPruneArgs:
    cluster_arn: pulumi.Input[str]
    task_definition_arn: pulumi.Input[str]
    task_definition_family_arn: pulumi.Input[str]  # the ARN without :revision
    execution_role_arn: pulumi.Input[str]
    capacity_provider_name: pulumi.Input[str]
    private_subnet_ids: list[pulumi.Input[str]]
    task_security_group_id: pulumi.Input[str]
    tags: dict[str, str]


def prune_overrides() -> str:
    return json.dumps({"containerOverrides": [{"name": MIGRATE_CONTAINER, "command": ["prune"]}]})


def run_task_policy(task_family_arn: str, cluster_arn: str, execution_role_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "ecs:RunTask",
                    "Resource": f"{task_family_arn}:*",
                    "Condition": {"ArnEquals": {"ecs:cluster": cluster_arn}},
                },
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": execution_role_arn},
            ],
        }
    )


class ScheduledPrune(pulumi.ComponentResource):
    def __init__(self, name: str, args: ScheduledPruneArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:ScheduledPrune", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            name,
            assume_role_policy=trust_policy(service="events.amazonaws.com"),
            tags=args.tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            name,
            role=role.name,
            # Every revision of the one family: the rule's target moves to each release's revision.
            policy=pulumi.Output.all(args.task_definition_family_arn, args.cluster_arn, args.execution_role_arn).apply(
                lambda values: run_task_policy(*values)
            ),
            opts=child,
        )
        rule = aws.cloudwatch.EventRule(name, schedule_expression=SCHEDULE, tags=args.tags, opts=child)
        aws.cloudwatch.EventTarget(
            name,
            rule=rule.name,
            arn=args.cluster_arn,
            role_arn=role.arn,
            input=prune_overrides(),
            ecs_target=aws.cloudwatch.EventTargetEcsTargetArgs(
                task_definition_arn=args.task_definition_arn,
                task_count=1,
                capacity_provider_strategies=[
                    aws.cloudwatch.EventTargetEcsTargetCapacityProviderStrategyArgs(
                        capacity_provider=args.capacity_provider_name, weight=1
                    )
                ],
                network_configuration=aws.cloudwatch.EventTargetEcsTargetNetworkConfigurationArgs(
                    subnets=args.private_subnet_ids,
                    security_groups=[args.task_security_group_id],
                    assign_public_ip=False,
                ),
            ),
            opts=child,
        )
        self.register_outputs({})
