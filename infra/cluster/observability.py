"""Alarms to an SNS topic (email from config) and one CloudWatch dashboard for the cluster."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.encrypted_topic import cloudwatch_alarms, encrypted_topic

GIB = 1024**3
ALB_5XX_PERCENT = 5
P99_SECONDS = 1.0
DB_CPU_PERCENT = 80
FREE_STORAGE_FRACTION = 0.1


@dataclass(frozen=True)
class ObservabilityArgs:
    region: str
    account_id: str
    # Every alarm that publishes to the topic is auto-named `<logical name>-<random suffix>`, and each
    # logical name starts with this (the stack's prefix): only those alarms may use the topic's key.
    alarm_name_prefix: str
    alarm_email: str
    load_balancer_suffix: pulumi.Input[str]
    target_group_suffix: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    mail_worker_service_name: pulumi.Input[str]
    db_instance_id: pulumi.Input[str]
    db_allocated_storage_gb: int
    db_connections_alarm: int
    tags: dict[str, str]


def _metric(id_: str, namespace: str, name: str, stat: str, dimensions: dict) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
    return aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=id_,
        metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace=namespace, metric_name=name, stat=stat, period=60, dimensions=dimensions
        ),
    )


class Observability(pulumi.ComponentResource):
    def __init__(self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:Observability", name, None, opts)
        self._name = name
        self._tags = args.tags
        child = pulumi.ResourceOptions(parent=self)
        self.topic = encrypted_topic(
            f"{name}-alarms",
            description=f"{name}: CloudWatch alarm notifications",
            account_id=args.account_id,
            publisher=cloudwatch_alarms(args.region, args.alarm_name_prefix),
            tags=args.tags,
            opts=child,
        )
        if args.alarm_email:
            aws.sns.TopicSubscription(
                f"{name}-alarms-email", topic=self.topic.arn, protocol="email", endpoint=args.alarm_email, opts=child
            )
        alb = {"LoadBalancer": args.load_balancer_suffix}
        target = {"LoadBalancer": args.load_balancer_suffix, "TargetGroup": args.target_group_suffix}
        database = {"DBInstanceIdentifier": args.db_instance_id}

        self._alarm(
            "alb-5xx-rate",
            f"More than {ALB_5XX_PERCENT}% of requests answered 5xx (ALB or targets).",
            threshold=ALB_5XX_PERCENT,
            metric_queries=[
                _metric("elb5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", alb),
                _metric("target5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", alb),
                _metric("requests", "AWS/ApplicationELB", "RequestCount", "Sum", alb),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="rate",
                    expression="100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / IF(FILL(requests, 0) > 0, requests, 1)",
                    label="5xx percent",
                    return_data=True,
                ),
            ],
        )
        self._alarm(
            "target-p99-latency",
            f"p99 target response time above {P99_SECONDS}s.",
            threshold=P99_SECONDS,
            namespace="AWS/ApplicationELB",
            metric_name="TargetResponseTime",
            extended_statistic="p99",
            dimensions=alb,
        )
        self._alarm(
            "unhealthy-hosts",
            "A target (task) fails the ALB health check on /api/v1/health.",
            threshold=0,
            namespace="AWS/ApplicationELB",
            metric_name="UnHealthyHostCount",
            statistic="Maximum",
            dimensions=target,
        )
        self._alarm(
            "db-cpu",
            f"Database CPU above {DB_CPU_PERCENT}%.",
            threshold=DB_CPU_PERCENT,
            namespace="AWS/RDS",
            metric_name="CPUUtilization",
            statistic="Average",
            dimensions=database,
            period=300,
        )
        self._alarm(
            "db-free-storage",
            f"Database free storage below {int(FREE_STORAGE_FRACTION * 100)}% of its initial size.",
            threshold=args.db_allocated_storage_gb * GIB * FREE_STORAGE_FRACTION,
            comparison="LessThanThreshold",
            namespace="AWS/RDS",
            metric_name="FreeStorageSpace",
            statistic="Minimum",
            dimensions=database,
            period=300,
        )
        self._alarm(
            "db-connections",
            f"More than {args.db_connections_alarm} database connections.",
            threshold=args.db_connections_alarm,
            namespace="AWS/RDS",
            metric_name="DatabaseConnections",
            statistic="Maximum",
            dimensions=database,
        )
        for alarm, what, service_name in (
            ("service-below-desired", "The ECS service", args.service_name),
            # A stopped worker loses no mail, but none leaves the outbox until it runs again.
            ("mail-worker-below-desired", "The mail worker's ECS service", args.mail_worker_service_name),
        ):
            service = {"ClusterName": args.cluster_name, "ServiceName": service_name}
            self._alarm(
                alarm,
                f"{what} runs fewer tasks than it wants.",
                threshold=0,
                # No Container Insights data at all means the service is gone: that is an alarm too.
                missing="breaching",
                metric_queries=[
                    _metric("running", "ECS/ContainerInsights", "RunningTaskCount", "Average", service),
                    _metric("desired", "ECS/ContainerInsights", "DesiredTaskCount", "Average", service),
                    aws.cloudwatch.MetricAlarmMetricQueryArgs(
                        id="missing", expression="desired - running", label="tasks missing", return_data=True
                    ),
                ],
            )
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=name,
            dashboard_body=pulumi.Output.all(
                args.load_balancer_suffix, args.cluster_name, args.service_name, args.db_instance_id
            ).apply(lambda values: dashboard_body(args.region, *values)),
            opts=child,
        )
        self.register_outputs({"alarm_topic_arn": self.topic.arn})

    def _alarm(
        self,
        alarm: str,
        description: str,
        *,
        threshold: float,
        comparison: str = "GreaterThanThreshold",
        missing: str = "notBreaching",
        period: int = 60,
        **metric,
    ) -> None:
        if "metric_queries" not in metric:
            metric["period"] = period
        aws.cloudwatch.MetricAlarm(
            f"{self._name}-{alarm}",
            alarm_description=description,
            comparison_operator=comparison,
            threshold=threshold,
            evaluation_periods=5,
            datapoints_to_alarm=3,
            treat_missing_data=missing,
            alarm_actions=[self.topic.arn],
            ok_actions=[self.topic.arn],
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self),
            **metric,
        )


def dashboard_body(region: str, load_balancer: str, cluster: str, service: str, db_instance: str) -> str:
    def widget(title: str, metrics: list, stat: str = "Sum") -> dict:
        return {
            "type": "metric",
            "width": 12,
            "height": 6,
            "properties": {"title": title, "region": region, "stat": stat, "period": 60, "metrics": metrics},
        }

    alb = ["LoadBalancer", load_balancer]
    ecs = ["ClusterName", cluster, "ServiceName", service]
    rds = ["DBInstanceIdentifier", db_instance]
    widgets = [
        widget(
            "Requests and 5xx",
            [["AWS/ApplicationELB", m, *alb] for m in ("RequestCount", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count")],
        ),
        widget("Target response time p99", [["AWS/ApplicationELB", "TargetResponseTime", *alb]], stat="p99"),
        widget("Service CPU and memory (%)", [["AWS/ECS", m, *ecs] for m in ("CPUUtilization", "MemoryUtilization")], "Average"),
        widget("Tasks running / desired", [["ECS/ContainerInsights", m, *ecs] for m in ("RunningTaskCount", "DesiredTaskCount")], "Average"),
        widget("Database CPU and connections", [["AWS/RDS", m, *rds] for m in ("CPUUtilization", "DatabaseConnections")], "Average"),
        widget("Database free storage", [["AWS/RDS", "FreeStorageSpace", *rds]], stat="Minimum"),
    ]
    return json.dumps({"widgets": widgets})
