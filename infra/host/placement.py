"""Where the host lives: the account's default VPC, in the region's first availability zone.

The data volume and the instance must share one zone, so both take it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws


@dataclass(frozen=True)
class Placement:
    vpc_id: str
    availability_zone: str
    subnet_id: str


def default_placement(region: str) -> Placement:
    vpc = aws.ec2.get_vpc(default=True, region=region)
    zone = aws.get_availability_zones(state="available", region=region).names[0]
    subnets = aws.ec2.get_subnets(
        filters=[
            aws.ec2.GetSubnetsFilterArgs(name="vpc-id", values=[vpc.id]),
            aws.ec2.GetSubnetsFilterArgs(name="availability-zone", values=[zone]),
            aws.ec2.GetSubnetsFilterArgs(name="default-for-az", values=["true"]),
        ],
        region=region,
    )
    if not subnets.ids:
        raise ValueError(f"no default subnet in {zone}; create the default VPC or its subnets first.")
    return Placement(vpc_id=vpc.id, availability_zone=zone, subnet_id=sorted(subnets.ids)[0])
