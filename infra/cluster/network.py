"""The cluster's VPC: public subnets for the ALB and NAT, private subnets for instances, tasks and RDS.

Built from pulumi_aws resources rather than pulumi_awsx.ec2.Vpc (see the commit that added it):
awsx's Python SDK pins pulumi-docker<5, which the host topology cannot use, and its Vpc is a
remote component whose subnets and routes a mocked program never sees. The layout follows
awsx's defaults: one public and one private subnet per zone, and a NAT strategy in config.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

VPC_CIDR = "10.40.0.0/16"
SUBNET_PREFIX = 20  # 4,096 addresses per subnet: room for one ENI per awsvpc task


@dataclass(frozen=True)
class ClusterNetworkArgs:
    region: str
    zones: list[str]
    nat_gateways: str  # one_per_az | single
    tags: dict[str, str]


def subnet_cidrs(count: int) -> tuple[list[str], list[str]]:
    """Public subnets first, then private ones, carved from the VPC's block in order."""
    blocks = [str(block) for block in ipaddress.ip_network(VPC_CIDR).subnets(new_prefix=SUBNET_PREFIX)]
    return blocks[:count], blocks[count : 2 * count]


class ClusterNetwork(pulumi.ComponentResource):
    def __init__(self, name: str, args: ClusterNetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vpc = aws.ec2.Vpc(
            name,
            cidr_block=VPC_CIDR,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={**args.tags, "Name": name},
            opts=child,
        )
        gateway = aws.ec2.InternetGateway(name, vpc_id=self.vpc.id, tags={**args.tags, "Name": name}, opts=child)
        public_route_table = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=self.vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=gateway.id)],
            tags={**args.tags, "Name": f"{name}-public"},
            opts=child,
        )
        public_cidrs, private_cidrs = subnet_cidrs(len(args.zones))
        self.public_subnets: list[aws.ec2.Subnet] = []
        self.private_subnets: list[aws.ec2.Subnet] = []
        nat_gateways: list[aws.ec2.NatGateway] = []
        for index, zone in enumerate(args.zones):
            public = aws.ec2.Subnet(
                f"{name}-public-{index}",
                vpc_id=self.vpc.id,
                cidr_block=public_cidrs[index],
                availability_zone=zone,
                # The ALB and NAT gateways get their addresses explicitly; nothing else lands here.
                map_public_ip_on_launch=False,
                tags={**args.tags, "Name": f"{name}-public-{zone}", "Tier": "public"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{index}", subnet_id=public.id, route_table_id=public_route_table.id, opts=child
            )
            self.public_subnets.append(public)
            if args.nat_gateways == "one_per_az" or index == 0:
                address = aws.ec2.Eip(f"{name}-nat-{index}", domain="vpc", tags={**args.tags, "Name": f"{name}-nat-{zone}"}, opts=child)
                nat_gateways.append(
                    aws.ec2.NatGateway(
                        f"{name}-nat-{index}",
                        allocation_id=address.allocation_id,
                        subnet_id=public.id,
                        tags={**args.tags, "Name": f"{name}-nat-{zone}"},
                        opts=pulumi.ResourceOptions(parent=self, depends_on=[gateway]),
                    )
                )

        self.private_route_tables: list[aws.ec2.RouteTable] = []
        for index, zone in enumerate(args.zones):
            nat = nat_gateways[index if args.nat_gateways == "one_per_az" else 0]
            private = aws.ec2.Subnet(
                f"{name}-private-{index}",
                vpc_id=self.vpc.id,
                cidr_block=private_cidrs[index],
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={**args.tags, "Name": f"{name}-private-{zone}", "Tier": "private"},
                opts=child,
            )
            route_table = aws.ec2.RouteTable(
                f"{name}-private-{index}",
                vpc_id=self.vpc.id,
                routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)],
                tags={**args.tags, "Name": f"{name}-private-{zone}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{index}", subnet_id=private.id, route_table_id=route_table.id, opts=child
            )
            self.private_subnets.append(private)
            self.private_route_tables.append(route_table)

        # ECR image layers come from S3: a free gateway endpoint keeps that traffic off the NAT's bill.
        aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[table.id for table in self.private_route_tables],
            tags={**args.tags, "Name": f"{name}-s3"},
            opts=child,
        )
        self.register_outputs({"vpc_id": self.vpc.id})
