"""Alarms on the signals the issue names, to an SNS topic with the configured email, and a dashboard."""

import json

from cluster_run import named

ALARMS = {
    "alb-5xx-rate",
    "target-p99-latency",
    "unhealthy-hosts",
    "db-cpu",
    "db-free-storage",
    "db-connections",
    "service-below-desired",
    "mail-worker-below-desired",
}


def _alarms(run):
    # SES's reputation alarms are the mail module's (test_cluster_mail), on the same topic.
    alarms = [r for r in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if "-observability-" in r.name]
    return {r.name.split("-observability-", 1)[1]: r.inputs for r in alarms}


def test_every_named_alarm_exists_and_notifies_the_topic(prod):
    alarms = _alarms(prod)
    assert set(alarms) == ALARMS
    topic = "arn:aws:sns:eu-west-1:123456789012:users-platform-prod-observability-alarms"
    for name, alarm in alarms.items():
        assert alarm["alarmActions"] == [topic] and alarm["okActions"] == [topic], name
    subscription = named(prod, "aws:sns/topicSubscription:TopicSubscription", "-alarms-email").inputs
    assert subscription == {**subscription, "protocol": "email", "endpoint": prod.setting("alarmEmail"), "topic": topic}


def test_the_alarms_watch_the_right_metrics(prod):
    alarms = _alarms(prod)
    rate = {q["id"]: q for q in alarms["alb-5xx-rate"]["metricQueries"]}
    assert {rate[i]["metric"]["metricName"] for i in ("elb5xx", "target5xx", "requests")} == {
        "HTTPCode_ELB_5XX_Count",
        "HTTPCode_Target_5XX_Count",
        "RequestCount",
    }
    assert rate["rate"]["returnData"] is True
    assert alarms["target-p99-latency"]["extendedStatistic"] == "p99"
    assert alarms["unhealthy-hosts"]["metricName"] == "UnHealthyHostCount" and alarms["unhealthy-hosts"]["threshold"] == 0
    assert alarms["db-connections"]["threshold"] == prod.setting("dbConnectionsAlarm")
    assert alarms["db-free-storage"]["comparisonOperator"] == "LessThanThreshold"
    assert alarms["db-free-storage"]["threshold"] == prod.setting("dbAllocatedStorageGb") * 1024**3 * 0.1
    below = {q["id"]: q for q in alarms["service-below-desired"]["metricQueries"]}
    assert below["missing"]["expression"] == "desired - running"
    assert below["running"]["metric"]["namespace"] == "ECS/ContainerInsights"
    assert alarms["service-below-desired"]["treatMissingData"] == "breaching"
    for alarm, service in (("service-below-desired", "users-platform-prod-platform"), ("mail-worker-below-desired", "users-platform-prod-mail-worker")):
        queries = {q["id"]: q for q in alarms[alarm]["metricQueries"]}
        assert queries["running"]["metric"]["dimensions"]["ServiceName"] == service, alarm


def test_no_email_subscription_without_an_address(minimal):
    assert minimal.of_type("aws:sns/topicSubscription:TopicSubscription") == []
    assert len(_alarms(minimal)) == len(ALARMS)


def test_the_dashboard_shows_the_edge_the_service_and_the_database(prod):
    body = json.loads(named(prod, "aws:cloudwatch/dashboard:Dashboard", "-dashboard").inputs["dashboardBody"])
    namespaces = {metric[0] for widget in body["widgets"] for metric in widget["properties"]["metrics"]}
    assert namespaces == {"AWS/ApplicationELB", "AWS/ECS", "ECS/ContainerInsights", "AWS/RDS"}
    assert all(widget["properties"]["region"] == "eu-west-1" for widget in body["widgets"])
