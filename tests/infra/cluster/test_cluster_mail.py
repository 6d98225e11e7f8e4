"""Mail on the cluster: the same SES pieces as the host (tests/infra/test_infra_mail.py checks them in
detail), the mail worker as its own ECS service, and the cluster's only task role, which may send."""

import json

from cluster_run import container_definitions, depends_on, named
from pulumi_harness import ACCOUNT_ID, DKIM_TOKENS, REGION

from service.runtime.settings import load_settings

SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
SHARED_ENVIRONMENT = ("APP_ENV", "PUBLIC_URL", "MAIL_URL", "MAIL_FROM", "MAIL_SES_CONFIGURATION_SET")


def _environment(container) -> dict[str, str]:
    return {item["name"]: item["value"] for item in container["environment"]}


def test_the_cluster_sends_from_its_domain_through_the_same_ses_pieces(prod):
    domain = prod.setting("domain")
    identity = named(prod, "aws:sesv2/emailIdentity:EmailIdentity", "-mail").inputs
    assert identity["emailIdentity"] == domain
    assert identity["configurationSetName"] == "mail-platform-example-com"
    destination = named(prod, "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination", "-mail")
    assert destination.inputs["eventDestination"]["enabled"] is True
    # prod has a hosted zone: the DKIM records are published there, and the MAIL FROM domain.
    cnames = {(r.inputs["name"], r.inputs["records"][0]) for r in prod.of_type("aws:route53/record:Record") if "-mail-dkim-" in r.name}
    assert cnames == {(f"{t}._domainkey.{domain}", f"{t}.dkim.amazonses.com") for t in DKIM_TOKENS}
    assert named(prod, "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes", "-mail").inputs[
        "mailFromDomain"
    ] == f"bounce.{domain}"
    assert prod.exported["mail_events_topic_arn"].startswith(f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:users-platform-prod-mail-events")


def test_without_a_zone_the_dkim_records_are_left_to_the_operator(minimal):
    assert not [r for r in minimal.of_type("aws:route53/record:Record") if "-mail-" in r.name]
    assert [record["name"] for record in minimal.exported["mail_dns_records"]] == [
        f"{t}._domainkey.{minimal.setting('mailDomain')}" for t in DKIM_TOKENS
    ]


def test_only_the_mail_workers_task_role_may_send_and_only_as_mail_from(prod):
    domain = prod.setting("domain")
    task = named(prod, TASK, "-mail-worker").inputs
    role = named(prod, "aws:iam/role:Role", "-mail-worker")
    assert task["taskRoleArn"] == f"arn:aws:iam::{ACCOUNT_ID}:role/{role.name}"
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}
    policies = [p for p in prod.of_type("aws:iam/rolePolicy:RolePolicy") if p.inputs["role"] == role.name]
    (send,) = policies
    (statement,) = json.loads(send.inputs["policy"])["Statement"]
    assert sorted(statement["Action"]) == ["ses:SendEmail", "ses:SendRawEmail"]
    assert sorted(statement["Resource"]) == sorted([
        f"arn:aws:ses:{REGION}:{ACCOUNT_ID}:identity/{domain}",
        f"arn:aws:ses:{REGION}:{ACCOUNT_ID}:configuration-set/mail-platform-example-com",
    ])
    assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": f"no-reply@{domain}"}}
    # No other role of the cluster can send.
    others = [p for p in prod.of_type("aws:iam/rolePolicy:RolePolicy") if p is not send]
    assert not [p.name for p in others if '"ses:' in p.inputs["policy"]]


def test_the_mail_worker_is_one_task_of_its_own_service_behind_no_load_balancer(prod):
    service = named(prod, SERVICE, "-mail-worker")
    inputs = service.inputs
    assert inputs["desiredCount"] == 1
    assert "loadBalancers" not in inputs and "healthCheckGracePeriodSeconds" not in inputs
    assert inputs["taskDefinition"] == f"arn:aws:ecs:{REGION}:{ACCOUNT_ID}:task-definition/users-platform-prod-mail-worker:1"
    # A new task starts before the old one stops: the outbox's SKIP LOCKED makes two safe, and mail
    # keeps flowing through a release or a rollback.
    assert (inputs["deploymentMinimumHealthyPercent"], inputs["deploymentMaximumPercent"]) == (100, 200)
    assert inputs["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert inputs["waitForSteadyState"] is True
    assert inputs["capacityProviderStrategies"] == [{"capacityProvider": "users-platform-prod-ecs", "weight": 1}]
    network = inputs["networkConfiguration"]
    assert network["assignPublicIp"] is False
    assert network["subnets"] == named(prod, SERVICE, "-platform").inputs["networkConfiguration"]["subnets"]
    assert network["securityGroups"] == ["users-platform-prod-sg-mail-worker-id"]
    assert "name" not in inputs
    # Its image's migrations ran before its task definition changes, as for the web tasks.
    assert depends_on(named(prod, TASK, "-mail-worker"), named(prod, "command:local:Command", "-platform-migrate"))


def test_the_mail_worker_runs_the_service_image_with_the_service_settings(prod):
    (worker,) = container_definitions(prod, "-mail-worker")
    service = next(c for c in container_definitions(prod, "-platform") if c["name"] == "service")
    assert worker["image"] == service["image"] == prod.setting("serviceImage")
    assert worker["command"] == ["python", "-m", "service", "mail-worker"] and "entryPoint" not in worker
    assert worker["secrets"] == service["secrets"]
    worker_env, service_env = _environment(worker), _environment(service)
    assert {k: worker_env[k] for k in SHARED_ENVIRONMENT} == {k: service_env[k] for k in SHARED_ENVIRONMENT}
    assert set(worker_env) == set(SHARED_ENVIRONMENT)
    domain = prod.setting("domain")
    assert worker_env["MAIL_URL"] == f"ses://{REGION}"
    assert worker_env["MAIL_FROM"] == f"Users platform <no-reply@{domain}>"
    assert worker_env["MAIL_SES_CONFIGURATION_SET"] == "mail-platform-example-com"
    assert worker["portMappings"] == []
    graceful = load_settings({}).graceful_timeout
    assert worker["stopTimeout"] > graceful and service["stopTimeout"] > graceful
    # Its own log group, which the shared execution role may write.
    group = named(prod, "aws:cloudwatch/logGroup:LogGroup", "-platform-mail-worker")
    assert worker["logConfiguration"]["options"]["awslogs-group"] == group.inputs["name"]
    assert group.inputs["retentionInDays"] == prod.setting("logRetentionDays")
    execution = json.loads(named(prod, "aws:iam/rolePolicy:RolePolicy", "-platform-execution").inputs["policy"])
    (logs,) = [s for s in execution["Statement"] if s["Sid"] == "WriteTaskLogs"]
    assert f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{group.name}:log-stream:*" in logs["Resource"]


def test_the_mail_worker_accepts_nothing_and_reaches_only_postgres_and_https(prod):
    worker, database = "users-platform-prod-sg-mail-worker-id", "users-platform-prod-sg-database-id"
    assert [r for r in prod.of_type(INGRESS) if r.inputs["securityGroupId"] == worker] == []
    out = {
        (r.inputs.get("referencedSecurityGroupId") or r.inputs.get("cidrIpv4"), r.inputs["fromPort"], r.inputs["toPort"])
        for r in prod.of_type(EGRESS)
        if r.inputs["securityGroupId"] == worker
    }
    assert out == {(database, 5432, 5432), ("0.0.0.0/0", 443, 443)}


def test_ses_reputation_alarms_notify_the_alarm_topic(prod):
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:users-platform-prod-observability-alarms"
    alarms = {r.inputs["metricName"]: r.inputs for r in prod.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if r.inputs.get("namespace") == "AWS/SES"}
    assert {name: alarm["threshold"] for name, alarm in alarms.items()} == {"Reputation.BounceRate": 0.05, "Reputation.ComplaintRate": 0.001}
    for alarm in alarms.values():
        assert alarm["alarmActions"] == [topic] and alarm["comparisonOperator"] == "GreaterThanOrEqualToThreshold"
