"""An SNS topic encrypted with its own customer-managed KMS key, which the one AWS service that
publishes to it may use.

A service publishing to an encrypted topic (SES its sending events, CloudWatch its alarms) asks KMS
for the data key itself, so the key's policy must admit that service's principal for
kms:GenerateDataKey* and kms:Decrypt (SNS developer guide, "Enable compatibility between event
sources from AWS services and encrypted topics"). Nobody can extend the AWS-managed aws/sns key's
policy, so no service can publish through it: a CloudWatch alarm's notification then fails with a
KMS access error that shows only in the alarm's history (AWS knowledge center
"cloudwatch-configure-alarm-sns"; ASFHyP3/hyp3#762, aws/aws-cdk#11121).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

KEY_DELETION_WINDOW_DAYS = 30


@dataclass(frozen=True)
class TopicPublisher:
    """The service principal that publishes, and the IAM condition (given the account id) that keeps
    its use of the key to this account's own requests."""

    service: str
    condition: Callable[[str], dict]


def encrypted_topic(
    name: str,
    *,
    description: str,
    account_id: pulumi.Input[str],
    publisher: TopicPublisher,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
    region: str | None = None,
) -> aws.sns.Topic:
    """The key (rotated yearly) and the topic encrypted with it, both named `name`, both in `region`
    (None: the provider's): SNS only takes a key of its own region (KmsMasterKeyId, SNS API)."""
    key = aws.kms.Key(
        name,
        description=description,
        region=region,
        enable_key_rotation=True,
        deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
        policy=pulumi.Output.from_input(account_id).apply(lambda account: topic_key_policy(account, publisher)),
        tags=tags,
        opts=opts,
    )
    return aws.sns.Topic(name, kms_master_key_id=key.arn, region=region, tags=tags, opts=opts)


def cloudwatch_alarms(region: str, alarm_name_prefix: str) -> TopicPublisher:
    """CloudWatch may use the key for this stack's alarms only: aws:SourceArn names the alarm that
    publishes (SNS developer guide's key policy for AWS service event sources). `region` is the
    alarms' own, which for the Route 53 health alarm is us-east-1."""
    return TopicPublisher(
        "cloudwatch.amazonaws.com",
        lambda account_id: {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{region}:{account_id}:alarm:{alarm_name_prefix}-*"},
        },
    )


def topic_key_policy(account_id: str, publisher: TopicPublisher) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                # Without the account statement no principal could ever manage the key again.
                {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                 "Action": "kms:*", "Resource": "*"},
                {"Sid": "ServicePublishes", "Effect": "Allow", "Principal": {"Service": publisher.service},
                 "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
                 "Condition": publisher.condition(account_id)},
            ],
        }
    )
