"""The ALB, its certificate, its access logs, and the WAF in front of it."""

import json

from cluster_run import depends_on, named

from infra.cluster.edge import TLS_POLICY


def test_https_uses_a_modern_tls_policy_http2_and_the_validated_certificate(prod):
    https = named(prod, "aws:lb/listener:Listener", "-https").inputs
    assert https["protocol"] == "HTTPS" and https["port"] == 443
    assert https["sslPolicy"] == TLS_POLICY == "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
    validation = named(prod, "aws:acm/certificateValidation:CertificateValidation", "-alb")
    assert https["certificateArn"] == f"arn:aws:acm:eu-west-1:123456789012:certificate/{validation.name}"
    certificate = named(prod, "aws:acm/certificate:Certificate", "-alb").inputs
    assert certificate == {**certificate, "domainName": prod.setting("domain"), "validationMethod": "DNS"}
    balancer = named(prod, "aws:lb/loadBalancer:LoadBalancer", "-alb").inputs
    assert balancer["enableHttp2"] is True and balancer["dropInvalidHeaderFields"] is True


def test_route53_validates_the_certificate_and_points_the_domain_at_the_alb(prod):
    zone = prod.setting("hostedZoneId")
    validation_record = named(prod, "aws:route53/record:Record", "-cert-validation").inputs
    assert validation_record["zoneId"] == zone and validation_record["type"] == "CNAME"
    site = named(prod, "aws:route53/record:Record", "-site").inputs
    assert site["zoneId"] == zone and site["name"] == prod.setting("domain") and site["type"] == "A"
    assert site["aliases"][0]["name"] == "users-platform-prod-alb.eu-west-1.elb.amazonaws.com"


def test_an_imported_certificate_needs_no_acm_request_or_zone(minimal):
    https = named(minimal, "aws:lb/listener:Listener", "-https").inputs
    assert https["certificateArn"] == minimal.setting("certificateArn")
    assert minimal.of_type("aws:acm/certificate:Certificate") == []
    assert minimal.of_type("aws:route53/record:Record") == []


def test_the_target_group_checks_the_api_health_through_nginx(prod):
    group = named(prod, "aws:lb/targetGroup:TargetGroup", "-alb").inputs
    assert group["targetType"] == "ip" and group["port"] == 8080 and group["protocol"] == "HTTP"
    assert group["healthCheck"]["path"] == "/api/v1/health" and group["healthCheck"]["matcher"] == "200"


def test_access_logs_go_to_a_private_encrypted_expiring_bucket(prod):
    balancer = named(prod, "aws:lb/loadBalancer:LoadBalancer", "-alb")
    bucket = named(prod, "aws:s3/bucket:Bucket", "-alb-logs")
    assert balancer.inputs["accessLogs"] == {"bucket": bucket.name, "prefix": "alb", "enabled": True}
    block = named(prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "-alb-logs").inputs
    assert all(block[key] is True for key in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    (rule,) = named(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "-alb-logs").inputs["rules"]
    assert rule["status"] == "Enabled" and rule["expiration"]["days"] == prod.setting("logRetentionDays")
    policy = json.loads(named(prod, "aws:s3/bucketPolicy:BucketPolicy", "-alb-logs").inputs["policy"])
    writers = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert {json.dumps(s["Principal"]) for s in writers} == {
        json.dumps({"AWS": "arn:aws:iam::156460612806:root"}),
        json.dumps({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}),
    }
    assert all(s["Action"] == "s3:PutObject" and s["Resource"].endswith("/alb/AWSLogs/123456789012/*") for s in writers)
    # The ALB turns logging on only once the bucket lets it write.
    assert depends_on(balancer, named(prod, "aws:s3/bucketPolicy:BucketPolicy", "-alb-logs"))


def test_the_waf_runs_the_managed_rules_and_rate_limits_login_and_register(prod):
    acl = named(prod, "aws:wafv2/webAcl:WebAcl", "-waf").inputs
    assert acl["scope"] == "REGIONAL" and "allow" in acl["defaultAction"]
    rules = {rule["Name"]: rule for rule in json.loads(acl["ruleJson"])}
    for managed in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesAmazonIpReputationList"):
        assert rules[managed]["Statement"]["ManagedRuleGroupStatement"] == {"VendorName": "AWS", "Name": managed}
        assert rules[managed]["OverrideAction"] == {"None": {}}
    limit = rules["auth-rate-limit"]
    assert limit["Action"] == {"Block": {}}
    statement = limit["Statement"]["RateBasedStatement"]
    assert statement["Limit"] == 100 and statement["AggregateKeyType"] == "IP"
    paths = {s["ByteMatchStatement"]["SearchString"] for s in statement["ScopeDownStatement"]["OrStatement"]["Statements"]}
    assert paths == {"/api/v1/auth/login", "/api/v1/auth/register"}
    assert len({rule["Priority"] for rule in rules.values()}) == 3
    association = named(prod, "aws:wafv2/webAclAssociation:WebAclAssociation", "-waf").inputs
    assert association["resourceArn"] == "arn:aws:mock:eu-west-1:123456789012:users-platform-prod-alb"
