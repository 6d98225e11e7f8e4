"""The ECS service: spread over zones, scaled on CPU and requests, migrated before it changes."""

import json

from cluster_run import depends_on, named
from pulumi_harness import REPO_ROOT

from infra.cluster.service import RUN_MIGRATION_COMMAND

COMMAND = "command:local:Command"


def test_at_least_two_tasks_spread_across_zones_behind_the_alb(prod):
    service = named(prod, "aws:ecs/service:Service", "-platform").inputs
    assert service["desiredCount"] == prod.setting("clusterMinTasks") >= 2
    assert service["orderedPlacementStrategies"][0] == {"type": "spread", "field": "attribute:ecs.availability-zone"}
    assert service["availabilityZoneRebalancing"] == "ENABLED"
    (balancer,) = service["loadBalancers"]
    assert balancer["containerName"] == "web" and balancer["containerPort"] == 8080
    assert service["capacityProviderStrategies"] == [{"capacityProvider": "users-platform-prod-ecs", "weight": 1}]
    assert service["waitForSteadyState"] is True
    # Auto-named, so a replacement (created before the old one is deleted) cannot collide on the name.
    assert "name" not in service


def test_auto_scaling_tracks_cpu_and_alb_requests_per_target_between_config_bounds(prod):
    target = named(prod, "aws:appautoscaling/target:Target", "-platform").inputs
    assert (target["minCapacity"], target["maxCapacity"]) == (prod.setting("clusterMinTasks"), prod.setting("clusterMaxTasks"))
    assert target["resourceId"] == "service/users-platform-prod-ecs/users-platform-prod-platform"
    policies = {p.name.rsplit("-", 1)[1]: p.inputs["targetTrackingScalingPolicyConfiguration"] for p in prod.of_type("aws:appautoscaling/policy:Policy")}
    assert policies["cpu"]["predefinedMetricSpecification"]["predefinedMetricType"] == "ECSServiceAverageCPUUtilization"
    assert policies["cpu"]["targetValue"] == prod.setting("clusterCpuTargetPercent")
    requests = policies["requests"]["predefinedMetricSpecification"]
    assert requests["predefinedMetricType"] == "ALBRequestCountPerTarget"
    assert requests["resourceLabel"] == "app/users-platform-prod-alb/0123456789abcdef/targetgroup/users-platform-prod-alb/0123456789abcdef"
    assert policies["requests"]["targetValue"] == prod.setting("clusterRequestsPerTarget")


def test_migrations_run_once_per_release_before_the_service_task_definition_changes(prod):
    migration = named(prod, COMMAND, "-platform-migrate")
    migration_task = named(prod, "aws:ecs/taskDefinition:TaskDefinition", "-platform-migrate")
    service_task = named(prod, "aws:ecs/taskDefinition:TaskDefinition", "-platform")
    # The same inputs from every checkout: a path of this machine would replace the Command and migrate again.
    assert (migration.inputs["create"], migration.inputs["dir"]) == (RUN_MIGRATION_COMMAND, "..")
    assert str(REPO_ROOT) not in json.dumps(migration.inputs)
    # A new migration task revision (a new image digest) re-runs the command.
    migration_task_arn = f"arn:aws:ecs:eu-west-1:123456789012:task-definition/{migration_task.name}:1"
    assert migration.inputs["triggers"] == [migration_task_arn]
    environment = migration.inputs["environment"]
    assert environment["TASK_DEFINITION"] == migration_task_arn
    assert environment["CLUSTER"] == "users-platform-prod-ecs" and environment["CAPACITY_PROVIDER"] == "users-platform-prod-ecs"
    assert len(environment["SUBNETS"].split(",")) == 2 and environment["SECURITY_GROUP"].endswith("-sg-tasks-id")
    assert depends_on(service_task, migration)
    # The migration needs its secrets and the database to exist first.
    for prerequisite in (*prod.of_type("aws:secretsmanager/secretVersion:SecretVersion"), named(prod, "aws:rds/instance:Instance", "-db")):
        assert depends_on(migration, prerequisite), prerequisite.name
    # The task pulls and reads its secrets with the execution role's inline policy, which no input names.
    assert depends_on(migration, named(prod, "aws:iam/rolePolicy:RolePolicy", "-platform-execution"))


def test_prune_runs_daily_as_a_task_of_the_migrate_family(prod):
    migration_task = named(prod, "aws:ecs/taskDefinition:TaskDefinition", "-platform-migrate")
    rule = named(prod, "aws:cloudwatch/eventRule:EventRule", "-prune").inputs
    assert rule["scheduleExpression"] == "cron(30 3 * * ? *)"
    target = named(prod, "aws:cloudwatch/eventTarget:EventTarget", "-prune").inputs
    assert target["ecsTarget"]["taskDefinitionArn"] == f"arn:aws:ecs:eu-west-1:123456789012:task-definition/{migration_task.name}:1"
    assert json.loads(target["input"]) == {"containerOverrides": [{"name": "migrate", "command": ["prune"]}]}
    network = target["ecsTarget"]["networkConfiguration"]
    assert network["assignPublicIp"] is False and network["securityGroups"][0].endswith("-sg-tasks-id")
    (policy,) = [p for p in prod.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("-prune")]
    run_task, pass_role = json.loads(policy.inputs["policy"])["Statement"]
    family = f"arn:aws:ecs:eu-west-1:123456789012:task-definition/{migration_task.name}"
    assert run_task["Action"] == "ecs:RunTask" and run_task["Resource"] == f"{family}:*"
    assert run_task["Condition"] == {"ArnEquals": {"ecs:cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/users-platform-prod-ecs"}}
    assert pass_role == {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/users-platform-prod-platform-execution"}
