"""Generated secrets: the PostgreSQL password, the service's SECRET_KEY (tokens) and PASSWORD_PEPPER.

`pulumi_random` stores them encrypted in the stack state; wrapping them in `Output.secret`
keeps them secret through every value derived from them (DATABASE_URL, container env).
"""

from __future__ import annotations

import pulumi
import pulumi_random as random


class PlatformCredentials(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:secrets:PlatformCredentials", name, None, opts)
        # Letters and digits only, so the password needs no escaping inside DATABASE_URL.
        # POSTGRES_PASSWORD only applies when the cluster is first initialised, so a new password would
        # lock the service out: `protect` makes the engine refuse to replace (rotate) it or delete it.
        # Rotation is a manual ALTER ROLE (docs/deploy.md, Rotating the database password).
        db_password = random.RandomPassword(
            f"{name}-db-password", length=40, special=False, opts=pulumi.ResourceOptions(parent=self, protect=True)
        )
        # 64 characters is well above the service's 32-byte minimum for both keys. The alias keeps the
        # value made when this was called jwt-secret: a new one would end every session, and hashes
        # made before PASSWORD_PEPPER existed are keyed by it (pulumi.com/docs/iac/concepts/options/aliases).
        # Both are protected: rotating either is a deliberate procedure (docs/deploy.md), not an up.
        secret_key = random.RandomPassword(
            f"{name}-secret-key", length=64, special=False,
            opts=pulumi.ResourceOptions(parent=self, protect=True, aliases=[pulumi.Alias(name=f"{name}-jwt-secret")]),
        )
        password_pepper = random.RandomPassword(
            f"{name}-password-pepper", length=64, special=False, opts=pulumi.ResourceOptions(parent=self, protect=True)
        )
        self.db_password = pulumi.Output.secret(db_password.result)
        self.secret_key = pulumi.Output.secret(secret_key.result)
        self.password_pepper = pulumi.Output.secret(password_pepper.result)
        self.register_outputs({})
