"""The edge: an internet-facing ALB in the public subnets, 80 redirected to 443, TLS from ACM.

The certificate is either DNS-validated in the stack's Route 53 zone (hostedZoneId), which also
points the domain at the ALB, or an existing ACM certificate (certificateArn).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.cluster.access_logs import LOG_PREFIX
from infra.cluster.firewall import WEB_PORT

# TLS 1.3 and 1.2 with forward-secret AEAD ciphers only ("Res"tricted); the console's default.
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
HEALTH_PATH = "/api/v1/health"


@dataclass(frozen=True)
class EdgeArgs:
    vpc_id: pulumi.Input[str]
    public_subnet_ids: list[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    access_log_bucket: pulumi.Input[str]
    access_log_ready: pulumi.Resource
    domain: str
    hosted_zone_id: str
    certificate_arn: str
    deletion_protection: bool
    tags: dict[str, str]


class Edge(pulumi.ComponentResource):
    def __init__(self, name: str, args: EdgeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:Edge", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.load_balancer = aws.lb.LoadBalancer(
            name,
            load_balancer_type="application",
            internal=False,
            subnets=args.public_subnet_ids,
            security_groups=[args.security_group_id],
            enable_http2=True,
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(bucket=args.access_log_bucket, prefix=LOG_PREFIX, enabled=True),
            tags=args.tags,
            # ALB checks it may write to the bucket when logging is turned on.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[args.access_log_ready]),
        )
        self.target_group = aws.lb.TargetGroup(
            name,
            port=WEB_PORT,
            protocol="HTTP",
            target_type="ip",  # awsvpc tasks register by their own ENI address
            vpc_id=args.vpc_id,
            deregistration_delay=30,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                path=HEALTH_PATH,
                matcher="200",
                interval=15,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            tags=args.tags,
            opts=child,
        )
        certificate_arn = self._certificate(name, args)
        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=self.load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(protocol="HTTPS", port="443", status_code="HTTP_301"),
                )
            ],
            tags=args.tags,
            opts=child,
        )
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=certificate_arn,
            default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=self.target_group.arn)],
            tags=args.tags,
            opts=child,
        )
        if args.hosted_zone_id:
            aws.route53.Record(
                f"{name}-site",
                zone_id=args.hosted_zone_id,
                name=args.domain,
                type="A",
                aliases=[
                    aws.route53.RecordAliasArgs(
                        name=self.load_balancer.dns_name, zone_id=self.load_balancer.zone_id, evaluate_target_health=True
                    )
                ],
                opts=child,
            )
        self.register_outputs({"dns_name": self.load_balancer.dns_name})

    def _certificate(self, name: str, args: EdgeArgs) -> pulumi.Input[str]:
        if args.certificate_arn:
            return args.certificate_arn
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            name,
            domain_name=args.domain,
            validation_method="DNS",
            tags=args.tags,
            opts=child,
        )
        option = certificate.domain_validation_options[0]
        record = aws.route53.Record(
            f"{name}-cert-validation",
            zone_id=args.hosted_zone_id,
            name=option.resource_record_name,
            type=option.resource_record_type,
            records=[option.resource_record_value],
            ttl=300,
            allow_overwrite=True,
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            name, certificate_arn=certificate.arn, validation_record_fqdns=[record.fqdn], opts=child
        )
        return validation.certificate_arn
