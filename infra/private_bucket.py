"""What every bucket of ours carries: no public access, owner-enforced objects, SSE-S3 at rest, and a
policy that refuses plain HTTP, to which each caller adds only its own grants.

The settings are separate resources in pulumi-aws 7 (the bucket holds none inline). Declared with
the caller's name and parent, so the resources keep the URNs they had when each caller wrote them.
A bucket has one policy, so the lock-down owns it: a caller's grants go in `statements`.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws


def tls_only_statement(bucket_name: str) -> dict[str, Any]:
    """Denies every request over plain HTTP (aws:SecureTransport false), to the bucket and its objects."""
    bucket_arn = f"arn:aws:s3:::{bucket_name}"
    return {
        "Sid": "TlsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def bucket_policy(bucket_name: str, statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [*statements, tls_only_statement(bucket_name)]})


def lock_down(
    name: str,
    bucket: aws.s3.Bucket,
    opts: pulumi.ResourceOptions,
    statements: pulumi.Input[list[dict[str, Any]]] | None = None,
) -> aws.s3.BucketPolicy:
    """Returns the bucket policy (TLS only, plus `statements`), which waits for the public-access block."""
    aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        bucket=bucket.id,
        rules=[
            aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="AES256"
                )
            )
        ],
        opts=opts,
    )
    aws.s3.BucketOwnershipControls(
        name,
        bucket=bucket.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=opts,
    )
    public_access = aws.s3.BucketPublicAccessBlock(
        name,
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=opts,
    )
    return aws.s3.BucketPolicy(
        name,
        bucket=bucket.id,
        policy=pulumi.Output.all(bucket.bucket, statements or []).apply(lambda values: bucket_policy(values[0], values[1])),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[public_access])),
    )
