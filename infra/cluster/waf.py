"""AWS WAF on the ALB: AWS's managed IP-reputation and common rule sets, and a per-IP rate limit
on login and registration (the service's own throttle still counts failures per account).

The rules are written in the WAF API's own JSON (`rule_json`), so they read as AWS documents them
and the tests check them as data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

AUTH_PATHS = ("/api/v1/auth/login", "/api/v1/auth/register")
RATE_WINDOW_SECONDS = 300


@dataclass(frozen=True)
class WebFirewallArgs:
    load_balancer_arn: pulumi.Input[str]
    auth_rate_limit: int
    tags: dict[str, str]


def _visibility(metric: str) -> dict:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


def _managed(priority: int, rule_set: str) -> dict:
    return {
        "Name": rule_set,
        "Priority": priority,
        "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": rule_set}},
        "OverrideAction": {"None": {}},
        "VisibilityConfig": _visibility(rule_set),
    }


def _path_starts_with(path: str) -> dict:
    return {
        "ByteMatchStatement": {
            "SearchString": path,
            "FieldToMatch": {"UriPath": {}},
            "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
            "PositionalConstraint": "STARTS_WITH",
        }
    }


def web_acl_rules(auth_rate_limit: int) -> list[dict]:
    return [
        _managed(0, "AWSManagedRulesAmazonIpReputationList"),
        _managed(1, "AWSManagedRulesCommonRuleSet"),
        {
            "Name": "auth-rate-limit",
            "Priority": 2,
            "Action": {"Block": {}},
            "Statement": {
                "RateBasedStatement": {
                    "Limit": auth_rate_limit,
                    "EvaluationWindowSec": RATE_WINDOW_SECONDS,
                    "AggregateKeyType": "IP",
                    "ScopeDownStatement": {"OrStatement": {"Statements": [_path_starts_with(p) for p in AUTH_PATHS]}},
                }
            },
            "VisibilityConfig": _visibility("auth-rate-limit"),
        },
    ]


class WebFirewall(pulumi.ComponentResource):
    def __init__(self, name: str, args: WebFirewallArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("platform:cluster:WebFirewall", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.web_acl = aws.wafv2.WebAcl(
            name,
            scope="REGIONAL",
            default_action=aws.wafv2.WebAclDefaultActionArgs(allow=aws.wafv2.WebAclDefaultActionAllowArgs()),
            rule_json=json.dumps(web_acl_rules(args.auth_rate_limit)),
            visibility_config=aws.wafv2.WebAclVisibilityConfigArgs(
                cloudwatch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
            ),
            tags=args.tags,
            opts=child,
        )
        aws.wafv2.WebAclAssociation(name, resource_arn=args.load_balancer_arn, web_acl_arn=self.web_acl.arn, opts=child)
        self.register_outputs({})
