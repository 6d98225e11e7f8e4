"""The machine image both topologies boot, pinned by exact name: an `up` never rolls instances because
AWS published a newer image; a new name in the stack's config does, on purpose (docs/deploy.md)."""

from __future__ import annotations

import pulumi_aws as aws


def pinned_amazon_linux(region: str, ami_name: str) -> aws.ec2.GetAmiResult:
    """The one image with this exact name from Amazon: the same release in every region, never a moving target."""
    return aws.ec2.get_ami(
        owners=["amazon"],
        filters=[
            aws.ec2.GetAmiFilterArgs(name="name", values=[ami_name]),
            aws.ec2.GetAmiFilterArgs(name="architecture", values=["x86_64"]),
        ],
        # A pinned release stays deployable after Amazon deprecates it.
        include_deprecated=True,
        region=region,
    )
