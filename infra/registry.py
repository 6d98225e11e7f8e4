"""The shared ECR repositories for the service image and the web (nginx + client) image.

One repository per image for every stack (the `registry` program declares them once), so dev and
prod see the same digests: CI pushes `<VERSION>-<git sha>` once, prod promotes what ran on dev.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

IMAGE_NAMES = ("service", "web")


@dataclass(frozen=True)
class RegistryArgs:
    repository_prefix: str
    image_retention_count: int
    tags: dict[str, str]


def lifecycle_policy(retention_count: int) -> str:
    """Keeps the newest tagged releases (rollback targets) and drops untagged layers after a day."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "drop untagged images",
                    "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1},
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"keep the newest {retention_count} builds (rollback targets)",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": retention_count},
                    "action": {"type": "expire"},
                },
            ]
        }
    )


class Registry(pulumi.ComponentResource):
    def __init__(self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:registry:Registry", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.repositories: dict[str, aws.ecr.Repository] = {}
        for image in IMAGE_NAMES:
            repository = aws.ecr.Repository(
                f"{name}-{image}",
                name=f"{args.repository_prefix}/{image}",
                # Immutable tags make a version tag mean one image forever, which is what rollback relies on.
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
                encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="AES256")],
                tags=args.tags,
                opts=child,
            )
            aws.ecr.LifecyclePolicy(
                f"{name}-{image}",
                repository=repository.name,
                policy=lifecycle_policy(args.image_retention_count),
                opts=child,
            )
            self.repositories[image] = repository
        self.register_outputs({f"{image}_url": repo.repository_url for image, repo in self.repositories.items()})
