"""The shared image registry: `users-platform/service` and `users-platform/web` in ECR, immutable tags.

A separate program and stack (`cd registry && pulumi up --stack shared`), because the repositories
must outlive and be shared by the dev and prod stacks, which only deploy digests from them.
"""

import pulumi

from infra.registry import Registry, RegistryArgs

REPOSITORY_PREFIX = "users-platform"

config = pulumi.Config()
registry = Registry(
    "users-platform-registry",
    RegistryArgs(
        REPOSITORY_PREFIX,
        int(config.require("imageRetentionCount")),
        int(config.require("promotedRetentionCount")),
        {"Project": "users-platform", "Stack": pulumi.get_stack(), "ManagedBy": "pulumi"},
    ),
)
for image, repository in registry.repositories.items():
    pulumi.export(f"{image}_repository_url", repository.repository_url)
