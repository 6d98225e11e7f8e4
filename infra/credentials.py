"""Generated secrets: the PostgreSQL password and the service's JWT signing key.

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
        # 64 characters is well above the service's 32-byte minimum for SECRET_KEY. SECRET_KEY also keys
        # the password pre-hash (README), so a new one would invalidate every stored password: protected too.
        jwt_secret = random.RandomPassword(
            f"{name}-jwt-secret", length=64, special=False, opts=pulumi.ResourceOptions(parent=self, protect=True)
        )
        self.db_password = pulumi.Output.secret(db_password.result)
        self.jwt_secret = pulumi.Output.secret(jwt_secret.result)
        self.register_outputs({})
