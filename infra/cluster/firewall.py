"""Security groups: the internet reaches only the ALB (80/443), the ALB only the tasks, the tasks only RDS.
The mail worker accepts nothing, and reaches RDS and, over HTTPS through the NAT, the SES API.

Each rule is its own resource (aws.vpc.SecurityGroup*Rule), and the provider removes AWS's
default allow-all egress from a new group, so every group allows exactly what is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

WORLD_V4 = "0.0.0.0/0"
WEB_PORT = 8080  # nginx in the task (unprivileged image)
POSTGRES_PORT = 5432
HTTPS_PORT = 443


@dataclass(frozen=True)
class ClusterFirewallArgs:
    vpc_id: pulumi.Input[str]
    tags: dict[str, str]


class ClusterFirewall(pulumi.ComponentResource):
    def __init__(self, name: str, args: ClusterFirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:Firewall", name, None, opts)
        self._name = name
        self._tags = args.tags
        self.alb = self._group("alb", "ALB: 80 and 443 from the internet", args.vpc_id)
        self.tasks = self._group("tasks", "ECS tasks (awsvpc): nginx from the ALB only", args.vpc_id)
        self.instances = self._group("instances", "ECS instances: no inbound at all; SSM for access", args.vpc_id)
        self.database = self._group("database", "RDS PostgreSQL: 5432 from the tasks only", args.vpc_id)
        self.mail_worker = self._group("mail-worker", "Mail worker task: no inbound; PostgreSQL and SES out", args.vpc_id)

        for port in (80, HTTPS_PORT):
            self._rule("ingress", f"alb-{port}", self.alb, port, cidr_ipv4=WORLD_V4, description="public web")
        self._rule("egress", "alb-to-tasks", self.alb, WEB_PORT, peer=self.tasks, description="to nginx in the tasks")
        self._rule("ingress", "tasks-from-alb", self.tasks, WEB_PORT, peer=self.alb, description="from the ALB")
        self._rule("egress", "tasks-to-db", self.tasks, POSTGRES_PORT, peer=self.database, description="to PostgreSQL")
        self._rule("ingress", "db-from-tasks", self.database, POSTGRES_PORT, peer=self.tasks, description="from the tasks")
        self._rule("egress", "mail-worker-to-db", self.mail_worker, POSTGRES_PORT, peer=self.database, description="to PostgreSQL")
        self._rule("ingress", "db-from-mail-worker", self.database, POSTGRES_PORT, peer=self.mail_worker, description="from the mail worker")
        # SES's API has no fixed addresses; the web tasks keep no route out at all.
        self._rule("egress", "mail-worker-https", self.mail_worker, HTTPS_PORT, cidr_ipv4=WORLD_V4, description="SES API")
        # The ECS agent pulls images, reads secrets and ships logs over HTTPS (through the NAT).
        self._rule("egress", "instances-https", self.instances, HTTPS_PORT, cidr_ipv4=WORLD_V4, description="AWS APIs")
        self.register_outputs({})

    def _group(self, role: str, description: str, vpc_id: pulumi.Input[str]) -> aws.ec2.SecurityGroup:
        return aws.ec2.SecurityGroup(
            f"{self._name}-{role}",
            vpc_id=vpc_id,
            description=description,
            tags={**self._tags, "Name": f"{self._name}-{role}"},
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _rule(
        self,
        direction: str,
        name: str,
        group: aws.ec2.SecurityGroup,
        port: int,
        *,
        description: str,
        peer: aws.ec2.SecurityGroup | None = None,
        cidr_ipv4: str | None = None,
    ) -> None:
        rule = aws.vpc.SecurityGroupIngressRule if direction == "ingress" else aws.vpc.SecurityGroupEgressRule
        rule(
            f"{self._name}-{name}",
            security_group_id=group.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            referenced_security_group_id=peer.id if peer else None,
            cidr_ipv4=cidr_ipv4,
            description=description,
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
