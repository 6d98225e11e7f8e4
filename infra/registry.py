"""The shared ECR repositories for the service image and the web (nginx + client) image.

One repository per image for every stack (the `registry` program declares them once), so dev and
prod see the same digests: CI pushes `<VERSION>-<git sha>` once, prod promotes what ran on dev.
promote.yml tags every digest it deploys `<stack>-<commit>`; the lifecycle policy keeps the images
tagged `prod-` apart from the build count, so the image prod runs (and every release it can roll
back to) stays pullable however many builds follow it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

IMAGE_NAMES = ("service", "web")
# The tag promote.yml gives the digests it deploys to prod (and to any stack named prod-...).
PROMOTED_TAG_PREFIX = "prod-"


@dataclass(frozen=True)
class RegistryArgs:
    repository_prefix: str
    image_retention_count: int
    promoted_retention_count: int
    tags: dict[str, str]


def lifecycle_policy(retention_count: int, promoted_retention_count: int) -> str:
    """Keeps the newest promoted releases, the newest builds, and drops untagged layers after a day.

    ECR evaluates rules by priority and an image matched by a rule's tag filter is never expired by a
    lower-priority rule (AWS ECR user guide, "Lifecycle policy evaluation rules"), so the `prod-` rule
    shields promoted images from the build count: a burst of green commits cannot expire what prod
    runs. The `any` rule must come last.
    """
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": f"keep the newest {promoted_retention_count} promoted releases (what prod runs and rolls back to)",
                    "selection": {
                        "tagStatus": "tagged",
                        "tagPrefixList": [PROMOTED_TAG_PREFIX],
                        "countType": "imageCountMoreThan",
                        "countNumber": promoted_retention_count,
                    },
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": "drop untagged images",
                    "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1},
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 3,
                    "description": f"keep the newest {retention_count} builds (dev and release candidates)",
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
                policy=lifecycle_policy(args.image_retention_count, args.promoted_retention_count),
                opts=child,
            )
            self.repositories[image] = repository
        self.register_outputs({f"{image}_url": repo.repository_url for image, repo in self.repositories.items()})
