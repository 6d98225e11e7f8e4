"""Backups of the PostgreSQL data: daily DLM snapshots of the data volume (copied to a second
region on prod) and a nightly pg_dump from the host to an S3 bucket only this stack writes to."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.iam import trust_policy
from infra.private_bucket import lock_down

DLM_SERVICE_POLICY = "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole"
SNAPSHOT_TIME_UTC = "03:00"
DUMP_PREFIX = "pg_dump/"
DUMP_METRIC_NAMESPACE = "Platform/Backups"
DUMP_METRIC_NAME = "DumpUploaded"
# Before the 03:00 snapshot, so the two backups are taken an hour apart.
DUMP_TIME_UTC = "02:00"


@dataclass(frozen=True)
class SnapshotPolicyArgs:
    target_tag: dict[str, str]
    retention_days: int
    # Empty: snapshots stay in the stack's region only.
    copy_region: str
    tags: dict[str, str]


class SnapshotPolicy(pulumi.ComponentResource):
    def __init__(self, name: str, args: SnapshotPolicyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:backups:SnapshotPolicy", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-dlm",
            assume_role_policy=trust_policy(service="dlm.amazonaws.com"),
            tags=args.tags,
            opts=child,
        )
        # The managed role policy includes ec2:CopySnapshot, which the cross-region copy needs.
        aws.iam.RolePolicyAttachment(f"{name}-dlm", role=role.name, policy_arn=DLM_SERVICE_POLICY, opts=child)
        retain = {"interval": args.retention_days, "interval_unit": "DAYS"}
        # A snapshot (not event-based) policy copies through cross_region_copy_rules; `target` is
        # the region (`target_region` is only for AMI policies, per the provider's schema).
        copies = (
            [
                aws.dlm.LifecyclePolicyPolicyDetailsScheduleCrossRegionCopyRuleArgs(
                    target=args.copy_region,
                    encrypted=True,
                    copy_tags=True,
                    retain_rule=aws.dlm.LifecyclePolicyPolicyDetailsScheduleCrossRegionCopyRuleRetainRuleArgs(**retain),
                )
            ]
            if args.copy_region
            else None
        )
        self.policy = aws.dlm.LifecyclePolicy(
            name,
            description="daily snapshots of the PostgreSQL data volume",
            execution_role_arn=role.arn,
            state="ENABLED",
            policy_details=aws.dlm.LifecyclePolicyPolicyDetailsArgs(
                resource_types=["VOLUME"],
                target_tags=args.target_tag,
                schedules=[
                    aws.dlm.LifecyclePolicyPolicyDetailsScheduleArgs(
                        name="daily",
                        create_rule=aws.dlm.LifecyclePolicyPolicyDetailsScheduleCreateRuleArgs(
                            interval=24, interval_unit="HOURS", times=SNAPSHOT_TIME_UTC
                        ),
                        retain_rule=aws.dlm.LifecyclePolicyPolicyDetailsScheduleRetainRuleArgs(**retain),
                        copy_tags=True,
                        cross_region_copy_rules=copies,
                    )
                ],
            ),
            tags=args.tags,
            opts=child,
        )
        self.register_outputs({"policy_id": self.policy.id})


@dataclass(frozen=True)
class DumpBucketArgs:
    bucket_name: str
    retention_days: int
    host_role_name: pulumi.Input[str]
    protect: bool
    tags: dict[str, str]


class DumpBucket(pulumi.ComponentResource):
    """Private, encrypted, versioned, lifecycle-expired; the host may only add objects under pg_dump/."""

    def __init__(self, name: str, args: DumpBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:backups:DumpBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # pulumi-aws 7 renamed BucketV2 to Bucket: the bucket holds no inline settings, each is its own resource.
        self.bucket = aws.s3.Bucket(
            name,
            bucket=args.bucket_name,
            # dev can be destroyed with its dumps; prod keeps them, like its data volume.
            force_destroy=not args.protect,
            tags=args.tags,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        lock_down(name, self.bucket, child)
        # The host can write but not delete; versions keep an overwritten dump until it expires too.
        versioning = aws.s3.BucketVersioning(
            name,
            bucket=self.bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            name,
            bucket=self.bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-dumps",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=DUMP_PREFIX),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.retention_days),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=1
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=1
                    ),
                ),
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="remove-expired-markers",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=DUMP_PREFIX),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(expired_object_delete_marker=True),
                ),
            ],
            # Lifecycle rules on a versioned bucket apply once versioning is on.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        aws.iam.RolePolicy(
            f"{name}-host-writes", role=args.host_role_name, policy=host_dump_policy(args.bucket_name), opts=child
        )
        self.register_outputs({"bucket": self.bucket.id})


def host_dump_policy(bucket_name: str) -> str:
    """The host adds dumps under pg_dump/ and reports them; it cannot read, list or delete."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{bucket_name}/{DUMP_PREFIX}*",
                },
                {
                    "Effect": "Allow",
                    "Action": "cloudwatch:PutMetricData",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"cloudwatch:namespace": DUMP_METRIC_NAMESPACE}},
                },
            ],
        }
    )


def dump_timer_script(*, bucket_name: str, region: str, stack: str, data_mount: str, postgres_container: str,
                      db_user: str, db_name: str) -> str:
    """User-data lines for the nightly pg_dump: a checked custom-format dump, uploaded, then counted."""
    quoted = {key: shlex.quote(value) for key, value in {
        "bucket": bucket_name, "region": region, "stack": stack, "container": postgres_container,
        "user": db_user, "db": db_name, "dumps": f"{data_mount}/dumps",
    }.items()}
    return f"""
# Nightly logical backup (infra/host/backups.py): pg_dump inside the database container, checked with
# pg_restore --list, uploaded to the stack's bucket, then a metric the backup alarm watches.
cat > /usr/local/sbin/platform-pg-dump <<'DUMP'
#!/bin/bash
set -euo pipefail
umask 077
# On the data volume: the root disk may be smaller than the database.
install -d -m 0700 {quoted["dumps"]}
file={quoted["dumps"]}/platform-$(date -u +%Y%m%dT%H%M%SZ).dump
trap 'rm -f "$file"' EXIT
docker exec {quoted["container"]} pg_dump --username {quoted["user"]} --format custom {quoted["db"]} > "$file"
docker exec -i {quoted["container"]} pg_restore --list < "$file" > /dev/null
aws s3 cp "$file" "s3://"{quoted["bucket"]}"/{DUMP_PREFIX}$(basename "$file")" \\
  --region {quoted["region"]} --sse AES256 --only-show-errors
aws cloudwatch put-metric-data --region {quoted["region"]} --namespace {DUMP_METRIC_NAMESPACE} \\
  --metric-name {DUMP_METRIC_NAME} --dimensions Stack={quoted["stack"]} --value 1
DUMP
chmod 0700 /usr/local/sbin/platform-pg-dump
cat > /etc/systemd/system/platform-pg-dump.service <<'UNIT'
[Unit]
Description=pg_dump of the platform database to S3
Requires=docker.service
After=docker.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/platform-pg-dump
UNIT
cat > /etc/systemd/system/platform-pg-dump.timer <<'UNIT'
[Unit]
Description=Run platform-pg-dump nightly

[Timer]
OnCalendar=*-*-* {DUMP_TIME_UTC}:00 UTC
Persistent=true

[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable platform-pg-dump.timer
"""
