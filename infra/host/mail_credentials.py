"""The host's mail worker gets AWS credentials for sending mail and nothing else.

Containers on the host cannot reach the instance role, on purpose: IMDS answers one hop only and
dockerd rejects container traffic to 169.254.169.254 (infra/host/instance.py, infra/host/user_data.py), because
that role can read the Docker TLS server key. So the send permission lives on its own role, which
the instance role may only assume. A host timer assumes it every 15 minutes and writes its one-hour
keys to a directory that only the worker mounts, read-only; the worker's SDK reads them through
`credential_process` (AWS_CONFIG_FILE), and botocore refreshes process credentials that carry an
`Expiration` before they expire (botocore credentials.ProcessProvider -> RefreshableCredentials).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.host.layout import MAIL_CREDENTIALS_DIR, MAIL_CREDENTIALS_IN_CONTAINER, SERVICE_IMAGE_GID
from infra.iam import may_assume, trust_policy

# Role chaining caps a session at one hour (IAM User Guide, "Role chaining"); a refresh every
# 15 minutes keeps at least 45 minutes of validity on disk, beyond botocore's 15-minute refresh window.
SESSION_SECONDS = 3600
REFRESH_MINUTES = 15
CREDENTIALS_FILE = "credentials.json"
CONFIG_FILE = "config"


def worker_environment() -> list[str]:
    """The worker's AWS SDK settings: the credentials file, and no attempt at the (blocked) metadata service."""
    return [
        f"AWS_CONFIG_FILE={MAIL_CREDENTIALS_IN_CONTAINER}/{CONFIG_FILE}",
        "AWS_EC2_METADATA_DISABLED=true",
    ]


def mail_sender_role_name(prefix: str) -> str:
    """A fixed name: the host's user data (written before the role exists) names the role by its ARN."""
    return f"{prefix}-mail-sender"


def role_arn(account_id: str, role_name: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{role_name}"


@dataclass(frozen=True)
class MailSenderRoleArgs:
    role_name: str
    host_role_name: pulumi.Input[str]
    host_role_arn: pulumi.Input[str]
    sending_policy: pulumi.Input[str]
    tags: dict[str, str]


class MailSenderRole(pulumi.ComponentResource):
    def __init__(self, name: str, args: MailSenderRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:mail:MailSenderRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(
            name,
            name=args.role_name,
            assume_role_policy=pulumi.Output.from_input(args.host_role_arn).apply(assumed_by),
            max_session_duration=SESSION_SECONDS,
            tags=args.tags,
            opts=child,
        )
        self.send = aws.iam.RolePolicy(f"{name}-send", role=self.role.name, policy=args.sending_policy, opts=child)
        self.assume = aws.iam.RolePolicy(
            f"{name}-assume",
            role=args.host_role_name,
            policy=self.role.arn.apply(assume_policy),
            opts=child,
        )
        self.register_outputs({"role_arn": self.role.arn})


def assumed_by(host_role_arn: str) -> str:
    return trust_policy(role_arn=host_role_arn)


def assume_policy(mail_role_arn: str) -> str:
    """The instance role's one grant here: become the mail sender, nothing more."""
    return may_assume(mail_role_arn)


def mail_credentials_script(*, role_arn: str, region: str) -> str:
    """User-data lines: the refresh script, its timer, and the SDK config the worker mounts."""
    directory = MAIL_CREDENTIALS_DIR
    target = f"{directory}/{CREDENTIALS_FILE}"
    # credential_process output (AWS SDKs reference, "Sourcing credentials with an external process").
    query = (
        "{Version: `1`, AccessKeyId: Credentials.AccessKeyId, SecretAccessKey: Credentials.SecretAccessKey, "
        "SessionToken: Credentials.SessionToken, Expiration: Credentials.Expiration}"
    )
    return f"""
# The mail worker's credentials (infra/host/mail_credentials.py): the mail-sending role's short-lived
# keys, group-readable by the service image's user only, in a directory only the worker mounts.
install -d -m 0750 -o root -g {SERVICE_IMAGE_GID} {directory}
cat > {directory}/{CONFIG_FILE} <<'CONFIG'
[default]
credential_process = cat {MAIL_CREDENTIALS_IN_CONTAINER}/{CREDENTIALS_FILE}
CONFIG
chgrp {SERVICE_IMAGE_GID} {directory}/{CONFIG_FILE}
chmod 0640 {directory}/{CONFIG_FILE}
cat > /usr/local/sbin/refresh-mail-credentials <<'REFRESH'
#!/bin/bash
set -euo pipefail
umask 027
# The instance profile can take a little while to work after launch, so it retries.
for _ in $(seq 1 30); do
  if aws sts assume-role --region {shlex.quote(region)} --role-arn {shlex.quote(role_arn)} \\
      --role-session-name platform-mail-worker --duration-seconds {SESSION_SECONDS} \\
      --output json --query {shlex.quote(query)} > {target}.new; then
    chgrp {SERVICE_IMAGE_GID} {target}.new
    # A rename: the worker's directory mount sees the new file whole, never half written.
    mv {target}.new {target}
    exit 0
  fi
  sleep 5
done
exit 1
REFRESH
chmod 0700 /usr/local/sbin/refresh-mail-credentials
cat > /etc/systemd/system/platform-mail-credentials.service <<'UNIT'
[Unit]
Description=Assume the mail-sending role for the mail worker

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/refresh-mail-credentials
UNIT
cat > /etc/systemd/system/platform-mail-credentials.timer <<'UNIT'
[Unit]
Description=Run platform-mail-credentials every {REFRESH_MINUTES} minutes

[Timer]
OnActiveSec=5s
OnUnitActiveSec={REFRESH_MINUTES}min

[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable --now platform-mail-credentials.timer
"""
