"""Alarms on the signals the issue names, to an SNS topic with the configured email, and a dashboard."""

import fnmatch
import json

from cluster_run import named
from pulumi_harness import ACCOUNT_ID, REGION

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


def test_every_alarm_can_publish_to_its_encrypted_topic(prod):
    """CloudWatch asks KMS for the data key itself: the topic's key must admit it, for this stack's
    alarms only; the AWS-managed alias/aws/sns key never can (its policy is AWS's)."""
    topics = {f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{t.name}": t for t in prod.of_type("aws:sns/topic:Topic")}
    keys = {f"arn:aws:mock:{REGION}:{ACCOUNT_ID}:{k.name}": k for k in prod.of_type("aws:kms/key:Key")}
    alarms = prod.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert len(alarms) == len(ALARMS) + 2  # and SES's bounce and complaint rates
    for alarm in alarms:
        # Auto-named `<logical name>-<7 random characters>`: the name the key policy's pattern sees.
        assert "name" not in alarm.inputs, alarm.name
        alarm_arn = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT_ID}:alarm:{alarm.name}-a1b2c3d"
        for topic_arn in {*alarm.inputs["alarmActions"], *alarm.inputs["okActions"]}:
            key = keys[topics[topic_arn].inputs["kmsMasterKeyId"]]
            assert key.inputs["enableKeyRotation"] is True
            (cloudwatch,) = [s for s in json.loads(key.inputs["policy"])["Statement"]
                             if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
            assert sorted(cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
            condition = cloudwatch["Condition"]
            assert condition["StringEquals"] == {"aws:SourceAccount": ACCOUNT_ID}
            pattern = condition["ArnLike"]["aws:SourceArn"]
            assert fnmatch.fnmatchcase(alarm_arn, pattern), (alarm.name, pattern)
            # Another stack's alarms in the same account may not use it.
            assert not fnmatch.fnmatchcase(alarm_arn.replace("-prod-", "-dev-"), pattern)
