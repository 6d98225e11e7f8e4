"""Stack settings: read once from Pulumi config, validated, refused when dangerous.

Defaults live in the `config:` schema of Pulumi.yaml (the CLI applies them), so the
program requires every key and the schema stays the single place where defaults are written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

TOPOLOGIES = ("host", "cluster")
# Images are deployed by digest from ECR: a tag can move, a digest is one image forever.
ECR_DIGEST_REFERENCE = re.compile(
    r"^(?P<registry>\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com)/(?P<repository>[a-z0-9][a-z0-9._/-]*)@sha256:[0-9a-f]{64}$"
)
COMMIT_SHA = re.compile(r"^[0-9a-f]{40}$")
AWS_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
# A DNS name SES can verify as a domain identity (lower case, at least two labels).
DOMAIN_NAME = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# The only values CloudWatch Logs accepts for a log group's retention.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)


class InsecureConfigError(ValueError):
    """A setting would expose the stack or lose data; raised before any resource is declared."""


class ConfigSource(Protocol):
    def require(self, key: str) -> str: ...

    def get(self, key: str) -> str | None: ...

    def get_secret(self, key: str) -> Any: ...


@dataclass(frozen=True)
class StackSettings:
    project: str
    stack: str
    region: str
    # Read by both topologies.
    topology: str
    # "production" gives the stack every guarantee of infra/production.py, whatever its name.
    environment: str
    domain: str
    protect_stateful: bool
    service_image: str
    web_image: str
    # The commit whose program runs this update (CI's pulumi-up sets it; "" by hand). Exported as
    # source_commit: promote.yml deploys prod from the commit dev's stack records.
    source_commit: str
    alarm_email: str
    log_retention_days: int
    backup_retention_days: int
    web_concurrency: int
    # The service's REQUIRE_VERIFIED_EMAIL: the operator's switch for a stack whose mail is not delivered yet.
    require_verified_email: bool
    # Route 53 zone of domain/mailDomain: SES's DKIM records on both topologies, the cluster's certificate and alias.
    hosted_zone_id: str
    # The SES identity mail is sent from: mailDomain, else domain.
    mail_domain: str
    mail_events_email: str
    # Both copy their backups there: the host its DLM snapshots, the cluster its RDS backups.
    backup_copy_region: str


def load_settings(config: ConfigSource, aws_config: ConfigSource, project: str, stack: str) -> StackSettings:
    """Builds validated settings from the project config and the `aws:` namespace."""
    settings = StackSettings(
        project=project,
        stack=stack,
        region=aws_config.require("region"),
        topology=config.require("topology"),
        environment=config.require("environment"),
        domain=config.get("domain") or "",
        protect_stateful=boolean(config, "protectStateful"),
        service_image=config.require("serviceImage"),
        web_image=config.require("webImage"),
        source_commit=config.get("sourceCommit") or "",
        alarm_email=config.get("alarmEmail") or "",
        log_retention_days=integer(config, "logRetentionDays"),
        backup_retention_days=integer(config, "backupRetentionDays"),
        web_concurrency=integer(config, "webConcurrency"),
        require_verified_email=boolean(config, "requireVerifiedEmail"),
        hosted_zone_id=config.get("hostedZoneId") or "",
        mail_domain=config.get("mailDomain") or config.get("domain") or "",
        mail_events_email=config.get("mailEventsEmail") or "",
        backup_copy_region=config.get("backupCopyRegion") or "",
    )
    validate(settings)
    return settings


def validate(settings: StackSettings) -> None:
    """Refuses configurations that would open the stack or lose data; the message names the fix.

    Every stack is checked for what both topologies read (images, logs, alarms, backups); each
    topology checks its own (infra/host/settings.py, infra/cluster/settings.py).
    """
    if settings.topology not in TOPOLOGIES:
        raise InsecureConfigError(f"topology must be one of {', '.join(TOPOLOGIES)}, got {settings.topology!r}.")
    if settings.source_commit and not COMMIT_SHA.match(settings.source_commit):
        raise ValueError(f"sourceCommit must be a full commit SHA (git rev-parse HEAD), got {settings.source_commit!r}.")
    for key, reference in (("serviceImage", settings.service_image), ("webImage", settings.web_image)):
        if not ECR_DIGEST_REFERENCE.match(reference):
            raise InsecureConfigError(
                f"{key} must be an ECR image by digest "
                f"(<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:<64 hex>), got {reference!r}; "
                "a tag such as :latest or :1.2.3 is refused."
            )
    if settings.backup_retention_days < 1:
        raise InsecureConfigError("backupRetentionDays must be at least 1: the backups would expire at once.")
    if settings.log_retention_days not in LOG_RETENTION_DAYS:
        raise ValueError(f"logRetentionDays must be one of CloudWatch's values: {', '.join(map(str, LOG_RETENTION_DAYS))}.")
    for key, address in (("alarmEmail", settings.alarm_email), ("mailEventsEmail", settings.mail_events_email)):
        if address and "@" not in address:
            raise ValueError(f"{key} {address!r} is not an email address.")
    if not DOMAIN_NAME.match(settings.mail_domain):
        raise ValueError(
            f"mailDomain (or domain) must be a DNS name you control, got {settings.mail_domain!r}: the platform sends "
            "its mail (password resets, email confirmations) through Amazon SES from this domain."
        )
    # Both topologies copy their backups there: the host its DLM snapshots, the cluster its RDS backups.
    if settings.backup_copy_region and not AWS_REGION.fullmatch(settings.backup_copy_region):
        raise ValueError(f"backupCopyRegion {settings.backup_copy_region!r} is not an AWS region name (e.g. eu-central-1).")
    if settings.backup_copy_region == settings.region:
        raise InsecureConfigError(f"backupCopyRegion must differ from the stack's region ({settings.region}).")


def registry_of(image_reference: str) -> str:
    """The ECR registry host of a validated digest reference: the provider logs in there to pull."""
    match = ECR_DIGEST_REFERENCE.match(image_reference)
    if not match:
        raise ValueError(f"not an ECR digest reference: {image_reference!r}")
    return match["registry"]


def integer(config: ConfigSource, key: str) -> int:
    raw = config.require(key)
    try:
        return int(raw)
    except ValueError as error:
        raise ValueError(f"{key} must be an integer, got {raw!r}.") from error


def boolean(config: ConfigSource, key: str) -> bool:
    raw = config.require(key).strip().lower()
    if raw not in ("true", "false"):
        raise ValueError(f"{key} must be true or false, got {raw!r}.")
    return raw == "true"
