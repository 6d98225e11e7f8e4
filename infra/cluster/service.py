"""The ECS service: one task of nginx + API, migrations first, spread over zones, scaled on CPU and requests.

Order on every change of image: the migration task definition changes, the migration Command runs
it once and waits for exit 0, and only then is the service's new task definition registered and
rolled out (circuit breaker with rollback). The advisory lock in `migrate` keeps concurrent starts safe.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_command as command

from infra.cluster.containers import (
    WEB_CONTAINER,
    ContainerInputs,
    migration_containers,
    service_containers,
)
from infra.cluster.firewall import WEB_PORT
from infra.iam import trust_policy

# The Pulumi CLI runs the program and its providers from infra/ (Pulumi.yaml `main`); the command
# runs from the repo root, where `-m infra.cluster.run_migration` resolves, as the host's readiness
# command does. No absolute path: the Command's inputs must not depend on the checkout.
RUN_MIGRATION_COMMAND = "python3 -m infra.cluster.run_migration"
RUN_MIGRATION_DIR = ".."
ECR_IMAGE = re.compile(r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com/(?P<repository>[^@:]+)@")
LOG_CONTAINERS = ("service", "web", "migrate", "mail-worker")


@dataclass(frozen=True)
class PlatformServiceArgs:
    region: str
    cluster_arn: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    capacity_provider_name: pulumi.Input[str]
    capacity_ready: list[pulumi.Resource]
    private_subnet_ids: list[pulumi.Input[str]]
    task_security_group_id: pulumi.Input[str]
    target_group_arn: pulumi.Input[str]
    request_count_label: pulumi.Input[str]
    listener: pulumi.Resource
    secrets: dict[str, aws.secretsmanager.Secret]
    secrets_ready: list[pulumi.Resource]
    service_image: str
    web_image: str
    web_concurrency: int
    require_verified_email: bool
    domain: str
    mail_url: str
    mail_from: str
    mail_configuration_set: pulumi.Input[str]
    task_cpu: int
    task_memory_mb: int
    min_tasks: int
    max_tasks: int
    cpu_target_percent: int
    requests_per_target: int
    log_retention_days: int
    tags: dict[str, str]


def repository_arn(image: str) -> str:
    match = ECR_IMAGE.match(image)
    if not match:
        raise ValueError(f"not an ECR image by digest: {image!r}")
    return f"arn:aws:ecr:{match['region']}:{match['account']}:repository/{match['repository']}"


def execution_policy(secret_arns: list[str], repository_arns: list[str], log_group_arns: list[str]) -> str:
    """What the ECS agent may do for these tasks (the mail worker's too): pull two images, read the task
    secrets, write their logs."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ReadTaskSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret_arns},
                # GetAuthorizationToken has no resource-level permissions; it grants nothing by itself.
                {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
                {
                    "Sid": "PullPlatformImages",
                    "Effect": "Allow",
                    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                    "Resource": repository_arns,
                },
                {
                    "Sid": "WriteTaskLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": [f"{arn}:log-stream:*" for arn in log_group_arns],
                },
            ],
        }
    )


class PlatformService(pulumi.ComponentResource):
    def __init__(self, name: str, args: PlatformServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:Service", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.log_groups = {
            container: aws.cloudwatch.LogGroup(
                f"{name}-{container}",
                name=f"/{name}/{container}",
                retention_in_days=args.log_retention_days,
                tags=args.tags,
                opts=child,
            )
            for container in LOG_CONTAINERS
        }
        self.execution_role = self._execution_role(name, args)
        secret_arns = {variable: secret.arn for variable, secret in args.secrets.items()}
        self.container_inputs = container_inputs = pulumi.Output.all(
            secret_arns=secret_arns,
            log_groups={c: g.name for c, g in self.log_groups.items()},
            mail_configuration_set=args.mail_configuration_set,
        ).apply(
            lambda resolved: ContainerInputs(
                service_image=args.service_image,
                web_image=args.web_image,
                secret_arns=resolved["secret_arns"],
                log_groups=resolved["log_groups"],
                region=args.region,
                web_concurrency=args.web_concurrency,
                require_verified_email=args.require_verified_email,
                domain=args.domain,
                mail_url=args.mail_url,
                mail_from=args.mail_from,
                mail_configuration_set=resolved["mail_configuration_set"],
            )
        )
        self.migration_task = aws.ecs.TaskDefinition(
            f"{name}-migrate",
            family=f"{name}-migrate",
            network_mode="awsvpc",
            requires_compatibilities=["EC2"],
            cpu=str(args.task_cpu),
            memory=str(args.task_memory_mb),
            execution_role_arn=self.execution_role.arn,
            container_definitions=container_inputs.apply(lambda inputs: json.dumps(migration_containers(inputs))),
            tags=args.tags,
            opts=child,
        )
        self.migration = command.local.Command(
            f"{name}-migrate",
            create=RUN_MIGRATION_COMMAND,
            dir=RUN_MIGRATION_DIR,
            environment={
                "AWS_REGION": args.region,
                "CLUSTER": args.cluster_name,
                "TASK_DEFINITION": self.migration_task.arn,
                "CAPACITY_PROVIDER": args.capacity_provider_name,
                "SUBNETS": pulumi.Output.all(*args.private_subnet_ids).apply(",".join),
                "SECURITY_GROUP": args.task_security_group_id,
            },
            # A new image digest is a new migration task revision: migrate once per release.
            triggers=[self.migration_task.arn],
            # The task pulls its image and reads its secrets with the execution role's inline policy:
            # the role ARN is an input (through the task definition), the policy is not, so it is
            # named here, or run-task may start before the grant exists.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[*args.capacity_ready, *args.secrets_ready, self.execution_policy]
            ),
        )
        self.task_definition = aws.ecs.TaskDefinition(
            name,
            family=name,
            network_mode="awsvpc",
            requires_compatibilities=["EC2"],
            cpu=str(args.task_cpu),
            memory=str(args.task_memory_mb),
            execution_role_arn=self.execution_role.arn,
            container_definitions=container_inputs.apply(lambda inputs: json.dumps(service_containers(inputs))),
            tags=args.tags,
            # Registered only after the migrations for its image succeeded.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.migration]),
        )
        self.service = aws.ecs.Service(
            name,
            # Auto-named: a replacement (a field ECS cannot update) is created before the old one is
            # deleted, and a fixed name would collide with it.
            cluster=args.cluster_arn,
            task_definition=self.task_definition.arn,
            desired_count=args.min_tasks,
            capacity_provider_strategies=[
                aws.ecs.ServiceCapacityProviderStrategyArgs(capacity_provider=args.capacity_provider_name, weight=1)
            ],
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=args.private_subnet_ids, security_groups=[args.task_security_group_id], assign_public_ip=False
            ),
            load_balancers=[
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=args.target_group_arn, container_name=WEB_CONTAINER, container_port=WEB_PORT
                )
            ],
            health_check_grace_period_seconds=60,
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            ordered_placement_strategies=[
                aws.ecs.ServiceOrderedPlacementStrategyArgs(type="spread", field="attribute:ecs.availability-zone"),
                aws.ecs.ServiceOrderedPlacementStrategyArgs(type="spread", field="instanceId"),
            ],
            availability_zone_rebalancing="ENABLED",
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            # `pulumi up` fails (after the rollback) when a deployment does not become healthy.
            wait_for_steady_state=True,
            tags=args.tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[args.listener, *args.capacity_ready],
                # Service auto scaling owns the running count between min and max.
                ignore_changes=["desiredCount"],
            ),
        )
        self._auto_scaling(name, args)
        self.register_outputs({"service_name": self.service.name})

    def _execution_role(self, name: str, args: PlatformServiceArgs) -> aws.iam.Role:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-execution",
            assume_role_policy=trust_policy(service="ecs-tasks.amazonaws.com"),
            tags=args.tags,
            opts=child,
        )
        repositories = sorted({repository_arn(args.service_image), repository_arn(args.web_image)})
        self.execution_policy = aws.iam.RolePolicy(
            f"{name}-execution",
            role=role.name,
            policy=pulumi.Output.all(
                [secret.arn for secret in args.secrets.values()], [group.arn for group in self.log_groups.values()]
            ).apply(lambda values: execution_policy(values[0], repositories, values[1])),
            opts=child,
        )
        return role

    def _auto_scaling(self, name: str, args: PlatformServiceArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        target = aws.appautoscaling.Target(
            name,
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", args.cluster_name, "/", self.service.name),
            min_capacity=args.min_tasks,
            max_capacity=args.max_tasks,
            tags=args.tags,
            opts=child,
        )
        for policy_name, metric, value, label in (
            ("cpu", "ECSServiceAverageCPUUtilization", args.cpu_target_percent, None),
            ("requests", "ALBRequestCountPerTarget", args.requests_per_target, args.request_count_label),
        ):
            aws.appautoscaling.Policy(
                f"{name}-{policy_name}",
                policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace,
                scalable_dimension=target.scalable_dimension,
                resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                    target_value=value,
                    predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                        predefined_metric_type=metric, resource_label=label
                    ),
                    scale_in_cooldown=300,
                    scale_out_cooldown=60,
                ),
                opts=child,
            )
