"""The ALB's access-log bucket: SSE-S3, no public access, TLS only, expired after the log retention.

ALB access logs support only SSE-S3 on the bucket (not SSE-KMS), and regions older than
August 2022 deliver as the regional ELB account, newer ones as the log-delivery service
principal; the policy names both, through aws.elb.get_service_account.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.private_bucket import lock_down

LOG_PREFIX = "alb"


@dataclass(frozen=True)
class AccessLogBucketArgs:
    region: str
    account_id: pulumi.Input[str]
    retention_days: int
    force_destroy: bool
    tags: dict[str, str]


def access_log_policy(bucket: str, account_id: str, elb_account_arn: str) -> str:
    objects = f"arn:aws:s3:::{bucket}/{LOG_PREFIX}/AWSLogs/{account_id}/*"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AlbLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"AWS": elb_account_arn},
                    "Action": "s3:PutObject",
                    "Resource": objects,
                },
                {
                    "Sid": "AlbLogDeliveryService",
                    "Effect": "Allow",
                    "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": objects,
                },
                {
                    "Sid": "TlsOnly",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        }
    )


class AccessLogBucket(pulumi.ComponentResource):
    def __init__(self, name: str, args: AccessLogBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:AccessLogBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(name, force_destroy=args.force_destroy, tags=args.tags, opts=child)
        public_access = lock_down(name, self.bucket, child)
        aws.s3.BucketLifecycleConfiguration(
            name,
            bucket=self.bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-access-logs",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=f"{LOG_PREFIX}/"),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.retention_days),
                )
            ],
            opts=child,
        )
        elb_account = aws.elb.get_service_account_output(region=args.region)
        self.policy = aws.s3.BucketPolicy(
            name,
            bucket=self.bucket.id,
            policy=pulumi.Output.all(self.bucket.bucket, args.account_id, elb_account.arn).apply(
                lambda values: access_log_policy(*values)
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access]),
        )
        self.register_outputs({"bucket": self.bucket.bucket})
