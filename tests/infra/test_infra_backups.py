"""Backups: daily DLM snapshots on both stacks (copied to a second region on prod) and the nightly
pg_dump to a private, encrypted, expiring bucket that the host can only add to."""

import json
import re
import subprocess

import pulumi
import pytest
from pulumi_harness import ACCOUNT_ID, HOST, execute_program, start_program

from infra.config import InsecureConfigError

DLM = "aws:dlm/lifecyclePolicy:LifecyclePolicy"
BUCKET = "aws:s3/bucket:Bucket"


def bucket_name(stack: str) -> str:
    return f"users-platform-{stack}-backups-{ACCOUNT_ID}"


def one(run, typ: str):
    (registration,) = run.of_type(typ)
    return registration


@pulumi.runtime.test
def test_snapshots_are_kept_per_stack_and_copied_to_another_region_on_prod(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (schedule,) = one(run, DLM).inputs["policyDetails"]["schedules"]
        retain = {"interval": run.setting("snapshotRetentionDays"), "intervalUnit": "DAYS"}
        assert schedule["retainRule"] == retain
        copies = schedule.get("crossRegionCopyRules")
        if stack_name == "prod":
            (copy,) = copies
            assert copy["target"] == run.setting("backupCopyRegion") != run.setting("aws:region")
            assert copy["encrypted"] is True and copy["copyTags"] is True
            assert copy["retainRule"] == retain
        else:
            assert not copies

    return run.settled(check)


@pulumi.runtime.test
def test_dump_bucket_is_private_encrypted_versioned_and_expires_dumps(deploy, stack_name):
    run = deploy(stack_name)
    name = bucket_name(stack_name)

    def check():
        bucket = one(run, BUCKET)
        assert bucket.inputs["bucket"] == name
        assert bucket.protect is (stack_name == "prod")
        assert bucket.inputs["forceDestroy"] is (stack_name != "prod")
        bucket_id = f"{bucket.name}-id"
        block = one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
        assert block.inputs["bucket"] == bucket_id
        for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"):
            assert block.inputs[flag] is True, flag
        encryption = one(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        assert encryption.inputs["bucket"] == bucket_id
        (rule,) = encryption.inputs["rules"]
        assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
        versioning = one(run, "aws:s3/bucketVersioning:BucketVersioning")
        assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"
        ownership = one(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")
        assert ownership.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced"
        lifecycle = one(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
        assert lifecycle.inputs["bucket"] == bucket_id
        rules = {r["id"]: r for r in lifecycle.inputs["rules"]}
        expire = rules["expire-dumps"]
        assert expire["status"] == "Enabled" and expire["filter"]["prefix"] == "pg_dump/"
        assert expire["expiration"]["days"] == run.setting("backupRetentionDays")
        assert expire["noncurrentVersionExpiration"]["noncurrentDays"] == 1
        assert expire["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 1
        assert any(dep.endswith(f"::{versioning.name}") for dep in lifecycle.dependencies)
        (deny,) = json.loads(one(run, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])["Statement"]
        assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert deny["Resource"] == [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]

    return run.settled(check)


@pulumi.runtime.test
def test_host_may_only_add_dumps_under_the_prefix_and_count_them(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (profile,) = run.of_type("aws:iam/instanceProfile:InstanceProfile")
        (policy,) = [p for p in run.of_type("aws:iam/rolePolicy:RolePolicy") if p.name.endswith("-dumps-host-writes")]
        assert policy.inputs["role"] == profile.inputs["role"]
        put_object, put_metric = json.loads(policy.inputs["policy"])["Statement"]
        assert put_object == {
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket_name(stack_name)}/pg_dump/*",
        }
        assert put_metric["Action"] == "cloudwatch:PutMetricData"
        assert put_metric["Condition"] == {"StringEquals": {"cloudwatch:namespace": "Platform/Backups"}}

    return run.settled(check)


@pulumi.runtime.test
def test_user_data_runs_a_checked_nightly_dump_to_the_bucket(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        (instance,) = run.of_type("aws:ec2/instance:Instance")
        script = instance.inputs["userData"]
        assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0
        assert "docker exec platform-postgres pg_dump --username platform --format custom platform" in script
        assert 'docker exec -i platform-postgres pg_restore --list < "$file"' in script
        assert f's3://"{bucket_name(stack_name)}"/pg_dump/' in script and "--sse AES256" in script
        assert "install -d -m 0700 /srv/pgdata/dumps" in script
        assert "OnCalendar=*-*-* 02:00:00 UTC" in script
        assert "systemctl enable platform-pg-dump.timer" in script
        # EC2 refuses user data above 16 KB; the timer and the agent must not push it over.
        assert len(script.encode()) < 16 * 1024
        # The timer is written before the final daemon-reload that starts Docker.
        assert script.index("platform-pg-dump.timer") < script.index("systemctl enable --now docker")

    return run.settled(check)


REFUSED = [
    ("prod", {"backupCopyRegion": "eu-west-1"}, r"backupCopyRegion must differ from the stack's region \(eu-west-1\)"),
    ("dev", {"backupRetentionDays": 0}, r"backupRetentionDays must be at least 1"),
]


@pytest.mark.parametrize(("stack", "overrides", "message"), REFUSED)
@pulumi.runtime.test
def test_backups_that_would_keep_nothing_are_refused(stack, overrides, message):
    mocks, declared = start_program(stack, {**HOST, **overrides})
    with pytest.raises(InsecureConfigError, match=message):
        execute_program()
    return pulumi.Output.from_input(len(declared) + len(mocks.registrations)).apply(lambda count: _assert_zero(count))


def _assert_zero(count: int) -> None:
    assert count == 0


# The nightly dump script itself, run by bash as systemd would, against the session's real
# PostgreSQL. `docker exec` and `aws` are stubbed on PATH: the stubs run the embedded PostgreSQL
# tools for the container, and record what would go to S3 and CloudWatch.
DOCKER_STUB = """#!/bin/sh
[ "$1" = exec ] || exit 64
shift
[ "$1" = -i ] && shift
shift
tool=$1
shift
case "$tool" in
  pg_dump) exec "$PG_BIN/pg_dump" --host 127.0.0.1 --port "$PG_PORT" "$@" ;;
  *) exec "$PG_BIN/$tool" "$@" ;;
esac
"""
AWS_STUB = """#!/bin/sh
echo "$@" >> "$RECORD/aws.calls"
if [ "$1 $2" = "s3 cp" ]; then cp "$3" "$RECORD/uploaded.dump"; fi
"""


def run_dump(tmp_path, postgres, db_name: str) -> subprocess.CompletedProcess[str]:
    from infra.host.backups import dump_timer_script
    from localplatform.postgres import POSTGRES_BIN_PATH

    rendered = dump_timer_script(
        bucket_name=bucket_name("dev"), region="eu-west-1", stack="dev", data_mount=str(tmp_path / "pgdata"),
        postgres_container="platform-postgres", db_user="postgres", db_name=db_name,
    )
    script = rendered.split("<<'DUMP'\n", 1)[1].split("\nDUMP\n", 1)[0]
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name, body in (("docker", DOCKER_STUB), ("aws", AWS_STUB)):
        (stubs / name).write_text(body)
        (stubs / name).chmod(0o755)
    environment = {
        "PATH": f"{stubs}:/usr/bin:/bin", "PG_BIN": str(POSTGRES_BIN_PATH), "PG_PORT": str(postgres.port),
        "RECORD": str(tmp_path),
    }
    return subprocess.run(["bash", "-c", script], env=environment, capture_output=True, text=True, timeout=120)


def test_the_nightly_dump_uploads_a_checked_archive_then_counts_it(tmp_path, postgres):
    import psycopg2

    from localplatform.postgres import POSTGRES_BIN_PATH

    with psycopg2.connect(postgres.url) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE dump_probe (name text)")
        cursor.execute("INSERT INTO dump_probe VALUES ('alice')")
    try:
        result = run_dump(tmp_path, postgres, postgres.database)
    finally:
        with psycopg2.connect(postgres.url) as connection, connection.cursor() as cursor:
            cursor.execute("DROP TABLE dump_probe")
    assert result.returncode == 0, result.stderr
    upload, metric = (tmp_path / "aws.calls").read_text().splitlines()
    service, verb, source, destination, *options = upload.split()
    assert (service, verb, options) == ("s3", "cp", ["--region", "eu-west-1", "--sse", "AES256", "--only-show-errors"])
    assert source.startswith(f"{tmp_path}/pgdata/dumps/")
    assert re.fullmatch(rf"s3://{bucket_name('dev')}/pg_dump/platform-\d{{8}}T\d{{6}}Z\.dump", destination)
    assert metric == "cloudwatch put-metric-data --region eu-west-1 --namespace Platform/Backups --metric-name DumpUploaded --dimensions Stack=dev --value 1"
    listed = subprocess.run([str(POSTGRES_BIN_PATH / "pg_restore"), "--list", str(tmp_path / "uploaded.dump")], capture_output=True, text=True)
    assert "TABLE DATA public dump_probe" in listed.stdout
    assert list((tmp_path / "pgdata" / "dumps").iterdir()) == [], "the local copy is removed after the upload"


def test_a_failed_dump_uploads_nothing_counts_nothing_and_fails_the_unit(tmp_path, postgres):
    result = run_dump(tmp_path, postgres, "no_such_database")
    assert result.returncode != 0
    assert 'database "no_such_database" does not exist' in result.stderr
    assert not (tmp_path / "aws.calls").exists(), "no upload and no metric: the backup alarm fires"
    assert list((tmp_path / "pgdata" / "dumps").iterdir()) == []


@pulumi.runtime.test
def test_a_copy_region_that_is_not_a_region_is_refused():
    mocks, declared = start_program("prod", {**HOST, "backupCopyRegion": "Frankfurt"})
    with pytest.raises(ValueError, match=r"backupCopyRegion 'Frankfurt' is not an AWS region name"):
        execute_program()
    return pulumi.Output.from_input(len(declared) + len(mocks.registrations)).apply(lambda count: _assert_zero(count))
