"""Network rules and the public address: the web is public on 80/443, SSH only from listed networks.

No inbound rule exists for the Docker API: it listens on the host's loopback and deployers reach it
through SSM port forwarding (infra/host/docker_tunnel.py), which needs no open port.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

PUBLIC_WEB_PORTS = (80, 443)
WORLD_V4 = "0.0.0.0/0"
WORLD_V6 = "::/0"


@dataclass(frozen=True)
class NetworkRulesArgs:
    vpc_id: pulumi.Input[str]
    admin_cidrs: tuple[str, ...]
    protect_address: bool
    tags: dict[str, str]


class NetworkRules(pulumi.ComponentResource):
    """A security group with one ingress rule resource per port and source network."""

    def __init__(self, name: str, args: NetworkRulesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:network:NetworkRules", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.security_group = aws.ec2.SecurityGroup(
            f"{name}-host",
            description="users platform host: web public, SSH restricted",
            vpc_id=args.vpc_id,
            tags=args.tags,
            opts=child,
        )
        for port in PUBLIC_WEB_PORTS:
            self._ingress(f"{name}-web-{port}-v4", port, cidr_ipv4=WORLD_V4, description="public web", tags=args.tags)
            self._ingress(f"{name}-web-{port}-v6", port, cidr_ipv6=WORLD_V6, description="public web", tags=args.tags)
        for index, cidr in enumerate(args.admin_cidrs):
            self._ingress(f"{name}-ssh-{index}", 22, cidr=cidr, description="admin SSH", tags=args.tags)
        # The host pulls images and OS packages, so outbound stays open.
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-egress-v4",
            security_group_id=self.security_group.id,
            ip_protocol="-1",
            cidr_ipv4=WORLD_V4,
            description="outbound",
            tags=args.tags,
            opts=child,
        )
        # Allocated apart from the host, so the address (and DNS) survives a host replacement.
        self.elastic_ip = aws.ec2.Eip(
            f"{name}-ip", domain="vpc", tags=args.tags, opts=pulumi.ResourceOptions(parent=self, protect=args.protect_address)
        )
        self.public_ip = self.elastic_ip.public_ip
        self.register_outputs({"security_group_id": self.security_group.id, "public_ip": self.public_ip})

    def _ingress(
        self,
        name: str,
        port: int,
        *,
        description: str,
        tags: dict[str, str],
        cidr: str | None = None,
        cidr_ipv4: str | None = None,
        cidr_ipv6: str | None = None,
    ) -> None:
        if cidr is not None:
            if ":" in cidr:
                cidr_ipv6 = cidr
            else:
                cidr_ipv4 = cidr
        aws.vpc.SecurityGroupIngressRule(
            name,
            security_group_id=self.security_group.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            cidr_ipv4=cidr_ipv4,
            cidr_ipv6=cidr_ipv6,
            description=description,
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
