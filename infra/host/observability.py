"""Logs and alarms: the containers' logs in CloudWatch Logs, the host's disks measured by the
CloudWatch agent, and alarms (host, CPU, disks, backups, the site's health) to an SNS topic."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.encrypted_topic import cloudwatch_alarms, encrypted_topic
from infra.host.backups import DUMP_METRIC_NAME, DUMP_METRIC_NAMESPACE

AGENT_NAMESPACE = "CWAgent"
AGENT_CONFIG = "/opt/aws/amazon-cloudwatch-agent/etc/platform.json"
# Both volumes are XFS: Amazon Linux 2023's root, and the data volume (formatted by the user data).
DISK_FSTYPE = "xfs"
CPU_THRESHOLD_PERCENT = 80
DISK_THRESHOLD_PERCENT = 80
HEALTH_PATH = "/api/v1/health"
# Route 53 publishes health-check metrics only in us-east-1, so that alarm (and its topic) lives there.
ROUTE53_METRICS_REGION = "us-east-1"


def container_log_group_name(project: str, stack: str) -> str:
    return f"/{project}/{stack}/containers"


@dataclass(frozen=True)
class ContainerLogging:
    """The awslogs driver: dockerd ships each container's output with the instance role's credentials."""

    group: str
    region: str

    def for_container(self, stream: str) -> dict:
        return {
            "log_driver": "awslogs",
            "log_opts": {
                "awslogs-group": self.group,
                "awslogs-region": self.region,
                "awslogs-stream": stream,
                # The group is ours (retention set); the driver must not create one without it.
                "awslogs-create-group": "false",
                # Blocking mode would stall the service's writes while CloudWatch is unreachable.
                "mode": "non-blocking",
                "max-buffer-size": "4m",
            },
        }


def cloudwatch_agent_script(disk_paths: tuple[str, ...]) -> str:
    """User-data lines: the CloudWatch agent reporting used_percent of each volume (EC2 itself cannot see disks)."""
    config = {
        "agent": {"metrics_collection_interval": 60, "run_as_user": "cwagent"},
        "metrics": {
            "namespace": AGENT_NAMESPACE,
            "append_dimensions": {"InstanceId": "${aws:InstanceId}"},
            "metrics_collected": {
                "disk": {"measurement": ["used_percent"], "resources": list(disk_paths), "drop_device": True}
            },
        },
    }
    return f"""
# Disk usage for the disk alarms (infra/host/observability.py): the CloudWatch agent from the AL2023 repo.
dnf install -y amazon-cloudwatch-agent
cat > {AGENT_CONFIG} <<'AGENT'
{json.dumps(config, indent=2)}
AGENT
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:{AGENT_CONFIG}
"""


@dataclass(frozen=True)
class ObservabilityArgs:
    stack: str
    region: str
    account_id: str
    log_group_name: str
    log_retention_days: int
    host_role_name: pulumi.Input[str]
    instance_id: pulumi.Input[str]
    disk_paths: tuple[str, ...]
    alarm_email: str
    # Every alarm publishing to the topics is named `<prefix>-...` (the SES reputation alarms too):
    # the topics' keys admit CloudWatch for those alarms only.
    alarm_name_prefix: str
    # Empty: no public name to check, so no health check.
    domain: str
    tags: dict[str, str]


class Observability(pulumi.ComponentResource):
    def __init__(self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:observability:Observability", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-containers",
            name=args.log_group_name,
            retention_in_days=args.log_retention_days,
            tags=args.tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-host-telemetry",
            role=args.host_role_name,
            policy=host_telemetry_policy(args.region, args.account_id, args.log_group_name),
            opts=child,
        )
        self.topic = self._topic(f"{name}-alarms", args, region=None)
        actions = [self.topic.arn]

        def alarm(suffix: str, description: str, **metric) -> aws.cloudwatch.MetricAlarm:
            return aws.cloudwatch.MetricAlarm(
                f"{name}-{suffix}",
                alarm_description=description,
                alarm_actions=actions,
                ok_actions=actions,
                tags=args.tags,
                opts=child,
                **metric,
            )

        on_instance = {"InstanceId": args.instance_id}
        self.alarms = {
            "status": alarm(
                "status-check",
                "The host failed an EC2 status check (instance or underlying hardware) for 2 minutes.",
                namespace="AWS/EC2", metric_name="StatusCheckFailed", dimensions=on_instance,
                statistic="Maximum", period=60, evaluation_periods=2,
                comparison_operator="GreaterThanOrEqualToThreshold", threshold=1,
            ),
            "cpu": alarm(
                "cpu",
                f"The host's CPU stayed above {CPU_THRESHOLD_PERCENT}% for 10 minutes.",
                namespace="AWS/EC2", metric_name="CPUUtilization", dimensions=on_instance,
                statistic="Average", period=300, evaluation_periods=2,
                comparison_operator="GreaterThanThreshold", threshold=CPU_THRESHOLD_PERCENT,
            ),
            "backup": alarm(
                "backup",
                "No nightly pg_dump reached the backup bucket in the last 24 hours.",
                namespace=DUMP_METRIC_NAMESPACE, metric_name=DUMP_METRIC_NAME, dimensions={"Stack": args.stack},
                statistic="Sum", period=86400, evaluation_periods=1,
                comparison_operator="LessThanThreshold", threshold=1,
                # No data is exactly the failure this alarm is for.
                treat_missing_data="breaching",
            ),
        }
        for path in args.disk_paths:
            self.alarms[f"disk {path}"] = alarm(
                f"disk{path.replace('/', '-').rstrip('-')}",
                f"{path} is more than {DISK_THRESHOLD_PERCENT}% full.",
                namespace=AGENT_NAMESPACE, metric_name="disk_used_percent",
                dimensions={**on_instance, "path": path, "fstype": DISK_FSTYPE},
                statistic="Maximum", period=300, evaluation_periods=1,
                comparison_operator="GreaterThanThreshold", threshold=DISK_THRESHOLD_PERCENT,
            )
        if args.domain:
            self._site_health(name, args)
        self.register_outputs({"topic_arn": self.topic.arn, "log_group": self.log_group.name})

    def _topic(self, name: str, args: ObservabilityArgs, region: str | None) -> aws.sns.Topic:
        """Encrypted with a key of the topic's region that the alarms there may use; the topic keeps
        its logical name, so encrypting an existing one is an in-place update, not a replacement."""
        child = pulumi.ResourceOptions(parent=self)
        topic = encrypted_topic(
            name,
            description=f"{name}: CloudWatch alarm notifications",
            account_id=args.account_id,
            publisher=cloudwatch_alarms(region or args.region, args.alarm_name_prefix),
            region=region,
            tags=args.tags,
            opts=child,
        )
        if args.alarm_email:
            aws.sns.TopicSubscription(
                name, topic=topic.arn, protocol="email", endpoint=args.alarm_email, region=region, opts=child
            )
        return topic

    def _site_health(self, name: str, args: ObservabilityArgs) -> None:
        """Route 53 checkers from several regions fetch the health endpoint over HTTPS, every 30 s."""
        child = pulumi.ResourceOptions(parent=self)
        self.health_check = aws.route53.HealthCheck(
            f"{name}-health",
            type="HTTPS",
            fqdn=args.domain,
            port=443,
            resource_path=HEALTH_PATH,
            request_interval=30,
            failure_threshold=3,
            tags={**args.tags, "Name": f"{name}-health"},
            opts=child,
        )
        in_metrics_region = args.region == ROUTE53_METRICS_REGION
        self.health_topic = (
            self.topic if in_metrics_region else self._topic(f"{name}-health-alarms", args, ROUTE53_METRICS_REGION)
        )
        self.alarms["health"] = aws.cloudwatch.MetricAlarm(
            f"{name}-health",
            alarm_description=f"https://{args.domain}{HEALTH_PATH} failed Route 53's checks for 2 minutes.",
            namespace="AWS/Route53",
            metric_name="HealthCheckStatus",
            dimensions={"HealthCheckId": self.health_check.id},
            statistic="Minimum",
            period=60,
            evaluation_periods=2,
            comparison_operator="LessThanThreshold",
            threshold=1,
            alarm_actions=[self.health_topic.arn],
            ok_actions=[self.health_topic.arn],
            region=ROUTE53_METRICS_REGION,
            tags=args.tags,
            opts=child,
        )


def host_telemetry_policy(region: str, account_id: str, log_group_name: str) -> str:
    """dockerd's awslogs driver writes to this stack's group only; the agent puts its namespace only."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": f"arn:aws:logs:{region}:{account_id}:log-group:{log_group_name}:*",
                },
                {
                    "Effect": "Allow",
                    "Action": "cloudwatch:PutMetricData",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"cloudwatch:namespace": AGENT_NAMESPACE}},
                },
            ],
        }
    )
