"""Secrets Manager holds DATABASE_URL, SECRET_KEY and PASSWORD_PEPPER; tasks get them through `secrets`, never `environment`.

A pulumi_random password stored by us, rather than RDS-managed (manage_master_user_password):
the service reads one DATABASE_URL, and ECS injects a secret's whole value or one JSON key, so
the RDS-managed {username, password} document would need the service to assemble its URL; and
RDS rotates that secret on its own schedule, while a running task reads secrets only at start.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random


@dataclass(frozen=True)
class ClusterSecretsArgs:
    database_url: pulumi.Output[str]
    # The host's keys when a stack moves from host; None: generated ones.
    secret_key: pulumi.Output[str] | None
    password_pepper: pulumi.Output[str] | None
    recovery_window_days: int
    tags: dict[str, str]


class ClusterSecrets(pulumi.ComponentResource):
    def __init__(self, name: str, args: ClusterSecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:Secrets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.values = {
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": args.secret_key or self._generated_key(name, "secret-key"),
            "PASSWORD_PEPPER": args.password_pepper or self._generated_key(name, "password-pepper"),
        }
        self.secrets: dict[str, aws.secretsmanager.Secret] = {}
        self.versions: list[aws.secretsmanager.SecretVersion] = []
        for variable, value in self.values.items():
            slug = variable.lower().replace("_", "-")
            secret = aws.secretsmanager.Secret(
                f"{name}-{slug}",
                description=f"{variable} for the users-platform service",
                recovery_window_in_days=args.recovery_window_days,
                tags=args.tags,
                opts=child,
            )
            self.versions.append(
                aws.secretsmanager.SecretVersion(f"{name}-{slug}", secret_id=secret.id, secret_string=value, opts=child)
            )
            self.secrets[variable] = secret
        self.register_outputs({})

    def _generated_key(self, name: str, slug: str) -> pulumi.Output[str]:
        # 64 characters is well above the service's 32-byte minimum for both keys. Protected, as on
        # the host (infra/host/credentials.py): a replaced pepper would lock every user out, and a replaced
        # SECRET_KEY would end every session.
        key = random.RandomPassword(
            f"{name}-{slug}", length=64, special=False, opts=pulumi.ResourceOptions(parent=self, protect=True)
        )
        return pulumi.Output.secret(key.result)
