"""The ALB's access-log bucket: SSE-S3, no public access, TLS only, expired after the log retention.

ALB access logs support only SSE-S3 on the bucket (not SSE-KMS), and regions older than
August 2022 deliver as the regional ELB account, newer ones as the log-delivery service
principal; the policy names both, through aws.elb.get_service_account.
"""

from __future__ import annotations

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


def access_log_grants(bucket: str, account_id: str, elb_account_arn: str) -> list[dict]:
    """Who may write the ALB's logs; the lock-down adds the TLS-only statement."""
    objects = f"arn:aws:s3:::{bucket}/{LOG_PREFIX}/AWSLogs/{account_id}/*"
    return [
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
    ]


class AccessLogBucket(pulumi.ComponentResource):
    def __init__(self, name: str, args: AccessLogBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:AccessLogBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(name, force_destroy=args.force_destroy, tags=args.tags, opts=child)
        elb_account = aws.elb.get_service_account_output(region=args.region)
        self.policy = lock_down(
            name,
            self.bucket,
            child,
            statements=pulumi.Output.all(self.bucket.bucket, args.account_id, elb_account.arn).apply(
                lambda values: access_log_grants(*values)
            ),
        )
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
        self.register_outputs({"bucket": self.bucket.bucket})
