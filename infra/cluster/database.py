"""RDS PostgreSQL in the private subnets: encrypted, TLS-only, backed up, reachable from the tasks alone.

The master password is a pulumi_random value (encrypted in the stack state) that ClusterSecrets
stores, inside DATABASE_URL, in Secrets Manager; see that module for why not RDS-managed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from infra.postgres_log_safety import CREDENTIAL_SAFE_LOGGING

DB_NAME = "platform"
DB_USER = "platform"
PERFORMANCE_INSIGHTS_DAYS = 7  # the free retention
# The Performance Insights console reached its end of life on July 31, 2026 and redirects to CloudWatch
# Database Insights; Standard mode keeps the 7 free days at no cost (RDS User Guide, USER_PerfInsights.Enabling).
DATABASE_INSIGHTS_MODE = "standard"
# The logs RDS exports, each into /aws/rds/instance/<identifier>/<log>: declared here first, with a
# retention, or RDS creates them itself, kept forever.
EXPORTED_LOGS = ("postgresql", "upgrade")
# Where the service image keeps the RDS CA bundle (service/Dockerfile); verify-full checks host and chain.
RDS_CA_BUNDLE = "/app/certs/rds-global-bundle.pem"
# Timeouts in milliseconds. The service also sets statement_timeout=10s per connection; these are the
# server's floor for any other client (psql sessions, a stuck migration).
TIMEOUTS_MS = {
    "idle_in_transaction_session_timeout": 60_000,
    "statement_timeout": 60_000,
    "lock_timeout": 15_000,
}


@dataclass(frozen=True)
class DatabaseArgs:
    private_subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    instance_class: str
    engine_version: str
    allocated_storage_gb: int
    max_allocated_storage_gb: int
    multi_az: bool
    backup_retention_days: int
    # Empty: the automated backups stay in the stack's region only.
    backup_copy_region: str
    log_retention_days: int
    protect: bool
    tags: dict[str, str]


# RDS applies a dynamic parameter at once; a static one (PostgreSQL's `postmaster` context) only at
# the next reboot, and RDS refuses `immediate` for it ("InvalidParameterCombination: cannot use
# immediate apply method for static parameter", ModifyDBParameterGroup; hashicorp/terraform#8018).
# None of ours is static (tests/infra/cluster asks a real PostgreSQL of their context); a static one
# added later goes here.
STATIC_PARAMETERS: frozenset[str] = frozenset()


def parameters() -> dict[str, str]:
    return {
        "rds.force_ssl": "1",
        **{name: str(value) for name, value in TIMEOUTS_MS.items()},
        # The same log safety as every other server we run: no statement text, bind value or row
        # DETAIL in the log (service/data/log_safety.py). Slow statements are not logged either:
        # psycopg2 inlines the values, so their text holds emails and password hashes; Performance
        # Insights shows slow SQL instead.
        **CREDENTIAL_SAFE_LOGGING,
        "log_min_duration_statement": "-1",
        "log_lock_waits": "1",
    }


# terraform-provider-aws gives up waiting after 40 min to create an instance, 80 to update and 60 to
# delete one (internal/service/rds/instance.go), and after 75 min for a backup replication to reach
# REPLICATING (instance_automated_backups_replication.go; hashicorp/terraform-provider-aws#25776,
# #33362). A Multi-AZ create or a first replication of a grown database can take longer, and a
# timeout fails the update with the resource half made. Pulumi hands these to the provider
# (customTimeouts). Both in a row fit in promote.yml's 5 h job (tests/infra/cluster).
INSTANCE_TIMEOUTS = pulumi.CustomTimeouts(create="2h", update="2h", delete="2h")
REPLICATION_TIMEOUTS = pulumi.CustomTimeouts(create="2h", delete="2h")


def apply_method(parameter: str) -> str:
    return "pending-reboot" if parameter in STATIC_PARAMETERS else "immediate"


def replicate_backups(
    name: str, instance: aws.rds.Instance, args: DatabaseArgs, parent: pulumi.Resource
) -> aws.rds.InstanceAutomatedBackupsReplication:
    """The instance's automated backups (snapshots and transaction logs, so point-in-time recovery
    too) replicated to backup_copy_region, kept as long as at home.

    RDS starts a replication from the DESTINATION region (StartDBInstanceAutomatedBackupsReplication;
    the provider's docs: "this resource has to be created in the destination region"), so both
    resources carry that region (pulumi-aws 7's per-resource `region`, no second provider). An
    encrypted instance's copy needs a KMS key in that region ("Encrypted instances require a valid
    KMS key ID", aws-cloudformation-resource-providers-rds#516); the instance's aws/rds key cannot
    leave its region. The key's default policy (the account administers it) is enough: RDS uses the
    key on behalf of the caller that starts the replication.
    """
    # Losing the key loses the copies, so it is kept like the instance and deleted only after a wait.
    key = aws.kms.Key(
        name,
        description="encrypts the cross-region copy of the RDS automated backups",
        region=args.backup_copy_region,
        enable_key_rotation=True,
        deletion_window_in_days=30,
        tags=args.tags,
        opts=pulumi.ResourceOptions(parent=parent, protect=args.protect),
    )
    return aws.rds.InstanceAutomatedBackupsReplication(
        name,
        region=args.backup_copy_region,
        # The ARN (arn:aws:rds:<source region>:<account>:db:<identifier>), not the identifier: the
        # call runs in the other region, where the bare name means nothing.
        source_db_instance_arn=instance.arn,
        kms_key_id=key.arn,
        # The provider's default is 7; RDS allows 1 to 35, the range backupRetentionDays is held to.
        retention_period=args.backup_retention_days,
        # The provider cannot update one (every argument forces a replacement), and its delete stops
        # the replication of the SOURCE instance (StopDBInstanceAutomatedBackupsReplication takes only
        # SourceDBInstanceArn): created before the old one went, the new replication would collide
        # with it, then be stopped by its delete. A new backupRetentionDays replaces it this way.
        opts=pulumi.ResourceOptions(parent=parent, delete_before_replace=True, custom_timeouts=REPLICATION_TIMEOUTS),
    )


def exported_log_group(identifier: str, log: str) -> str:
    return f"/aws/rds/instance/{identifier}/{log}"


def database_url(address: str, password: str) -> str:
    return (
        f"postgresql://{DB_USER}:{password}@{address}:5432/{DB_NAME}"
        f"?sslmode=verify-full&sslrootcert={RDS_CA_BUNDLE}"
    )


class Database(pulumi.ComponentResource):
    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:Database", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        major = args.engine_version.split(".")[0]
        # Letters and digits only, so the password needs no escaping inside DATABASE_URL.
        password = random.RandomPassword(f"{name}-password", length=40, special=False, opts=child)
        self.password = pulumi.Output.secret(password.result)
        subnet_group = aws.rds.SubnetGroup(name, subnet_ids=args.private_subnet_ids, tags=args.tags, opts=child)
        # The identifier is ours, not the provider's autoname, so the exported log groups can exist
        # before the instance; its suffix is new with each creation of the stack, and so is the final
        # snapshot's name: a fixed one made the second destroy of a recreated stack fail
        # (DBSnapshotAlreadyExists).
        suffix = random.RandomString(f"{name}-suffix", length=8, special=False, upper=False, opts=child)
        identifier = pulumi.Output.concat(name, "-", suffix.result)
        self.log_groups = [
            aws.cloudwatch.LogGroup(
                f"{name}-{log}",
                name=identifier.apply(lambda value, log=log: exported_log_group(value, log)),
                retention_in_days=args.log_retention_days,
                tags=args.tags,
                opts=child,
            )
            for log in EXPORTED_LOGS
        ]
        self.parameter_group = aws.rds.ParameterGroup(
            name,
            family=f"postgres{major}",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name=key, value=value, apply_method=apply_method(key))
                for key, value in parameters().items()
            ],
            tags=args.tags,
            opts=child,
        )
        self.instance = aws.rds.Instance(
            name,
            identifier=identifier,
            engine="postgres",
            engine_version=args.engine_version,
            instance_class=args.instance_class,
            allocated_storage=args.allocated_storage_gb,
            max_allocated_storage=args.max_allocated_storage_gb,
            storage_type="gp3",
            storage_encrypted=True,
            multi_az=args.multi_az,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[args.security_group_id],
            publicly_accessible=False,
            db_name=DB_NAME,
            username=DB_USER,
            password=self.password,
            parameter_group_name=self.parameter_group.name,
            backup_retention_period=args.backup_retention_days,
            backup_window="02:00-03:00",
            maintenance_window="sun:03:30-sun:04:30",
            auto_minor_version_upgrade=True,
            # A new dbEngineVersion major is applied, not refused ("InvalidParameterCombination: ...
            # you must explicitly specify AllowMajorVersionUpgrade"), with its new parameter group.
            allow_major_version_upgrade=True,
            # A new class or storage now, not at the next maintenance window (until which the same
            # diff shows on every preview); what needs a reboot reboots now too (docs/deploy.md).
            apply_immediately=True,
            copy_tags_to_snapshot=True,
            deletion_protection=args.protect,
            skip_final_snapshot=False,
            final_snapshot_identifier=identifier.apply(lambda value: f"{value}-final"),
            performance_insights_enabled=True,
            performance_insights_retention_period=PERFORMANCE_INSIGHTS_DAYS,
            database_insights_mode=DATABASE_INSIGHTS_MODE,
            enabled_cloudwatch_logs_exports=list(EXPORTED_LOGS),
            tags=args.tags,
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, depends_on=self.log_groups, custom_timeouts=INSTANCE_TIMEOUTS
            ),
        )
        if args.backup_copy_region:
            self.backup_copy = replicate_backups(f"{name}-backup-copy", self.instance, args, parent=self)
        self.url = pulumi.Output.secret(
            pulumi.Output.all(self.instance.address, self.password).apply(lambda values: database_url(*values))
        )
        self.register_outputs({"endpoint": self.instance.address})
