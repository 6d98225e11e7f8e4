"""Logs and alarms: every container logs to the stack's CloudWatch group, retention per stack,
alarms on the host, CPU, both disks, the nightly dump and (with a domain) the site's health."""

import fnmatch
import json
import subprocess

import pulumi
import pytest
from pulumi_harness import ACCOUNT_ID, HOST, execute_program, start_program

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
CONTAINER = "docker:index/container:Container"


def alarms_by_metric(run) -> dict[tuple[str, str], list]:
    found: dict[tuple[str, str], list] = {}
    for alarm in run.of_type(ALARM):
        found.setdefault((alarm.inputs["namespace"], alarm.inputs["metricName"]), []).append(alarm)
    return found


def _alarm_topics(run) -> list:
    # The mail events topic is SES's (test_infra_mail); these are the alarms'.
    return [t for t in run.of_type("aws:sns/topic:Topic") if "-mail-" not in t.name]


def topic_arn(run, region: str) -> str:
    (topic,) = [t for t in _alarm_topics(run) if t.inputs.get("region", run.setting("aws:region")) == region]
    return f"arn:aws:sns:{region}:{ACCOUNT_ID}:{topic.name}"


@pulumi.runtime.test
def test_every_container_logs_to_the_stack_group_without_blocking(deploy, stack_name):
    run = deploy(stack_name)
    group = f"/users-platform/{stack_name}/containers"

    def check():
        (log_group,) = run.of_type("aws:cloudwatch/logGroup:LogGroup")
        assert log_group.inputs["name"] == group
        assert log_group.inputs["retentionInDays"] == run.setting("logRetentionDays")
        containers = run.of_type(CONTAINER)
        assert len(containers) == (5 if run.setting("domain") else 4)
        for container in containers:
            assert container.inputs["logDriver"] == "awslogs", container.name
            assert container.inputs["logOpts"] == {
                "awslogs-group": group,
                "awslogs-region": run.setting("aws:region"),
                "awslogs-stream": container.inputs["name"],
                "awslogs-create-group": "false",
                "mode": "non-blocking",
                "max-buffer-size": "4m",
            }

    return run.settled(check)


@pulumi.runtime.test
def test_host_may_write_only_its_log_group_and_the_agent_namespace(deploy, stack_name):
    run = deploy(stack_name)
    region = run.setting("aws:region")

    def check():
        (profile,) = run.of_type("aws:iam/instanceProfile:InstanceProfile")
        (policy,) = [p for p in run.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("-host-telemetry")]
        assert policy.inputs["role"] == profile.inputs["role"]
        logs, metrics = json.loads(policy.inputs["policy"])["Statement"]
        assert logs["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
        assert logs["Resource"] == f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:/users-platform/{stack_name}/containers:*"
        assert metrics["Action"] == "cloudwatch:PutMetricData" and metrics["Resource"] == "*"
        assert metrics["Condition"] == {"StringEquals": {"cloudwatch:namespace": "CWAgent"}}

    return run.settled(check)


@pulumi.runtime.test
def test_host_alarms_watch_status_cpu_and_backups(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (instance,) = run.of_type("aws:ec2/instance:Instance")
        on_instance = {"InstanceId": f"{instance.name}-id"}
        alarms = alarms_by_metric(run)
        (status,) = alarms[("AWS/EC2", "StatusCheckFailed")]
        assert status.inputs["dimensions"] == on_instance
        assert (status.inputs["statistic"], status.inputs["period"], status.inputs["evaluationPeriods"]) == ("Maximum", 60, 2)
        assert (status.inputs["comparisonOperator"], status.inputs["threshold"]) == ("GreaterThanOrEqualToThreshold", 1)
        (cpu,) = alarms[("AWS/EC2", "CPUUtilization")]
        assert cpu.inputs["dimensions"] == on_instance
        assert cpu.inputs["period"] * cpu.inputs["evaluationPeriods"] == 600, "above 80% for 10 minutes"
        assert (cpu.inputs["statistic"], cpu.inputs["comparisonOperator"], cpu.inputs["threshold"]) == (
            "Average", "GreaterThanThreshold", 80)
        (backup,) = alarms[("Platform/Backups", "DumpUploaded")]
        assert backup.inputs["dimensions"] == {"Stack": stack_name}
        assert (backup.inputs["statistic"], backup.inputs["period"], backup.inputs["threshold"]) == ("Sum", 86400, 1)
        assert backup.inputs["comparisonOperator"] == "LessThanThreshold"
        assert backup.inputs["treatMissingData"] == "breaching"
        arn = topic_arn(run, run.setting("aws:region"))
        for alarm in (status, cpu, backup):
            assert alarm.inputs["alarmActions"] == [arn] and alarm.inputs["okActions"] == [arn]

    return run.settled(check)


@pulumi.runtime.test
def test_both_volumes_alarm_above_80_percent_from_the_agent_metrics(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (instance,) = run.of_type("aws:ec2/instance:Instance")
        disks = alarms_by_metric(run)[("CWAgent", "disk_used_percent")]
        assert {alarm.inputs["dimensions"]["path"] for alarm in disks} == {"/", "/srv/pgdata"}
        for alarm in disks:
            assert alarm.inputs["dimensions"] == {
                "InstanceId": f"{instance.name}-id", "path": alarm.inputs["dimensions"]["path"], "fstype": "xfs"}
            assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == ("GreaterThanThreshold", 80)
            assert alarm.inputs["alarmActions"] == [topic_arn(run, run.setting("aws:region"))]
        # The agent reports exactly those dimensions: disk used_percent, device dropped, instance id added.
        script = instance.inputs["userData"]
        assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0
        config = json.loads(script.split("<<'AGENT'\n", 1)[1].split("\nAGENT\n", 1)[0])
        disk = config["metrics"]["metrics_collected"]["disk"]
        assert disk == {"measurement": ["used_percent"], "resources": ["/", "/srv/pgdata"], "drop_device": True}
        assert config["metrics"]["append_dimensions"] == {"InstanceId": "${aws:InstanceId}"}
        assert config["metrics"]["namespace"] == "CWAgent"
        assert "dnf install -y amazon-cloudwatch-agent" in script
        assert "amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s" in script

    return run.settled(check)


@pulumi.runtime.test
def test_alarm_email_is_subscribed_only_when_configured(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        # Never the AWS-managed aws/sns key: CloudWatch cannot publish through it (infra/encrypted_topic.py).
        assert "alias/aws/sns" not in {t.inputs.get("kmsMasterKeyId") for t in _alarm_topics(run)}
        subscriptions = [s for s in run.of_type("aws:sns/topicSubscription:TopicSubscription") if "-mail-" not in s.name]
        email = run.setting("alarmEmail")
        if not email:
            assert subscriptions == []
            return
        expected_regions = {run.setting("aws:region")} | ({"us-east-1"} if run.setting("domain") else set())
        assert {s.inputs.get("region", run.setting("aws:region")) for s in subscriptions} == expected_regions
        for subscription in subscriptions:
            region = subscription.inputs.get("region", run.setting("aws:region"))
            assert subscription.inputs["protocol"] == "email" and subscription.inputs["endpoint"] == email
            assert subscription.inputs["topic"] == topic_arn(run, region)

    return run.settled(check)


@pulumi.runtime.test
def test_site_health_is_checked_over_https_when_a_domain_is_set(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        checks = run.of_type("aws:route53/healthCheck:HealthCheck")
        alarms = alarms_by_metric(run).get(("AWS/Route53", "HealthCheckStatus"), [])
        if not run.setting("domain"):
            assert checks == [] and alarms == []
            return
        (health,) = checks
        assert health.inputs["type"] == "HTTPS" and health.inputs["port"] == 443
        assert health.inputs["fqdn"] == run.setting("domain")
        assert health.inputs["resourcePath"] == "/api/v1/health"
        assert (health.inputs["requestInterval"], health.inputs["failureThreshold"]) == (30, 3)
        (alarm,) = alarms
        # Route 53 publishes its metrics in us-east-1 only; the alarm and its topic must be there.
        assert alarm.inputs["region"] == "us-east-1"
        assert alarm.inputs["dimensions"] == {"HealthCheckId": f"{health.name}-id"}
        assert (alarm.inputs["statistic"], alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == (
            "Minimum", "LessThanThreshold", 1)
        assert alarm.inputs["alarmActions"] == [topic_arn(run, "us-east-1")]

    return run.settled(check)


def test_every_alarm_topic_is_encrypted_with_a_key_its_alarms_may_use(settled_stack, stack_name):
    """CloudWatch asks KMS for the data key itself: an unencrypted topic, or one under alias/aws/sns,
    fails the policy; the key must be in the topic's region (us-east-1 for the health alarm) and
    admit CloudWatch for this stack's alarms only (infra/encrypted_topic.py)."""
    run = settled_stack
    region = run.setting("aws:region")
    prefix = f"users-platform-{stack_name}"
    topics = {topic_arn(run, t.inputs.get("region", region)): t for t in _alarm_topics(run)}
    keys = {k.name: k for k in run.of_type("aws:kms/key:Key")}
    published = set()
    for alarm in run.of_type(ALARM):
        alarm_region = alarm.inputs.get("region", region)
        # Auto-named `<logical name>-<7 random characters>`: the name the key policy's pattern sees.
        assert "name" not in alarm.inputs, alarm.name
        alarm_arn = f"arn:aws:cloudwatch:{alarm_region}:{ACCOUNT_ID}:alarm:{alarm.name}-a1b2c3d"
        for arn in {*alarm.inputs["alarmActions"], *alarm.inputs["okActions"]}:
            topic = topics[arn]
            published.add(topic.name)
            # The key shares the topic's logical name, and its region.
            key = keys[topic.name]
            assert topic.inputs["kmsMasterKeyId"] == f"arn:aws:mock:{region}:{ACCOUNT_ID}:{key.name}"
            assert key.inputs.get("region", region) == topic.inputs.get("region", region) == alarm_region
            assert key.inputs["enableKeyRotation"] is True
            (cloudwatch,) = [s for s in json.loads(key.inputs["policy"])["Statement"]
                             if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
            assert sorted(cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
            assert cloudwatch["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}
            pattern = cloudwatch["Condition"]["ArnLike"]["aws:SourceArn"]
            assert pattern.startswith(f"arn:aws:cloudwatch:{alarm_region}:{ACCOUNT_ID}:alarm:{prefix}-")
            assert fnmatch.fnmatchcase(alarm_arn, pattern), (alarm.name, pattern)
            # Another stack's alarms in the same account may not use it.
            other = "dev" if stack_name == "prod" else "prod"
            assert not fnmatch.fnmatchcase(alarm_arn.replace(f"-{stack_name}-", f"-{other}-"), pattern)
    assert published == {t.name for t in _alarm_topics(run)}
    # The topics keep their logical names: encrypting them updates them in place, nothing is replaced.
    assert {t.name for t in _alarm_topics(run)} <= {f"{prefix}-observability-alarms", f"{prefix}-observability-health-alarms"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"logRetentionDays": 10}, r"logRetentionDays must be one of CloudWatch's values"),
     ({"alarmEmail": "ops.example.com"}, r"alarmEmail 'ops\.example\.com' is not an email address")],
)
@pulumi.runtime.test
def test_log_and_alarm_settings_aws_would_reject_are_refused(overrides, message):
    mocks, declared = start_program("dev", {**HOST, **overrides})
    with pytest.raises(ValueError, match=message):
        execute_program()
    return pulumi.Output.from_input(len(declared) + len(mocks.registrations)).apply(lambda count: _assert_zero(count))


def _assert_zero(count: int) -> None:
    assert count == 0
