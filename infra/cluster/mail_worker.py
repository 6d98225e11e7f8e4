"""The mail worker as its own ECS service: one task of the service image draining the outbox.

It has the cluster's only task role, which may send mail through SES and nothing else (the web
tasks get no task role: they only write the outbox). It sits behind no load balancer and accepts no
traffic. Deployments start the new task before stopping the old one (100 % / 200 %): the outbox
claims rows with FOR UPDATE SKIP LOCKED, so two workers for a minute never send one row twice, and
mail keeps flowing through a release or a circuit-breaker rollback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.cluster.containers import ContainerInputs, mail_worker_containers
from infra.iam import trust_policy

# Sending a mail is a network wait, not work: the smallest useful reservation.
TASK_CPU = 256
TASK_MEMORY_MB = 512


@dataclass(frozen=True)
class MailWorkerArgs:
    account_id: pulumi.Input[str]
    cluster_arn: pulumi.Input[str]
    capacity_provider_name: pulumi.Input[str]
    capacity_ready: list[pulumi.Resource]
    private_subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    container_inputs: pulumi.Output[ContainerInputs]
    sending_policy: pulumi.Input[str]
    # Its image's migrations ran first, as for the web tasks.
    migration: pulumi.Resource
    tags: dict[str, str]


def task_role_trust(account_id: str) -> str:
    """ECS tasks of this account only (the confused-deputy condition AWS recommends for task roles)."""
    return trust_policy(service="ecs-tasks.amazonaws.com", source_account=account_id)


class MailWorker(pulumi.ComponentResource):
    def __init__(self, name: str, args: MailWorkerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:MailWorker", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.task_role = aws.iam.Role(
            name,
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(task_role_trust),
            tags=args.tags,
            opts=child,
        )
        aws.iam.RolePolicy(f"{name}-send", role=self.task_role.name, policy=args.sending_policy, opts=child)
        self.task_definition = aws.ecs.TaskDefinition(
            name,
            family=name,
            network_mode="awsvpc",
            requires_compatibilities=["EC2"],
            cpu=str(TASK_CPU),
            memory=str(TASK_MEMORY_MB),
            execution_role_arn=args.execution_role_arn,
            task_role_arn=self.task_role.arn,
            container_definitions=args.container_inputs.apply(lambda inputs: json.dumps(mail_worker_containers(inputs))),
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[args.migration]),
        )
        self.service = aws.ecs.Service(
            name,
            # Auto-named, like the web service: a replacement would collide with a fixed name.
            cluster=args.cluster_arn,
            task_definition=self.task_definition.arn,
            desired_count=1,
            capacity_provider_strategies=[
                aws.ecs.ServiceCapacityProviderStrategyArgs(capacity_provider=args.capacity_provider_name, weight=1)
            ],
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.private_subnet_ids, security_groups=[args.security_group_id], assign_public_ip=False
            ),
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            wait_for_steady_state=True,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.capacity_ready),
        )
        self.register_outputs({"service_name": self.service.name})
