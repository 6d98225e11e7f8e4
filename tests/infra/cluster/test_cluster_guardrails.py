"""The promises of the cluster topology, over the resources prod declares."""

import json

import pytest
from cluster_run import container_definitions, named

from policy.guardrails import CHECKS

SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
NOT_TAGGABLE = {
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:route53/record:Record",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:appautoscaling/policy:Policy",
    # Has no tags argument (pulumi-aws 7.51 schema).
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
    "aws:cloudwatch/dashboard:Dashboard",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:autoscaling/group:Group",  # tags are a list of {key, value, propagateAtLaunch}
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
    "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
}


def _group_of(run, suffix):
    return f"{named(run, SG, suffix).name}-id"


def test_only_the_alb_faces_the_internet_on_80_and_443(prod):
    alb = _group_of(prod, "-sg-alb")
    world = [r for r in prod.of_type(INGRESS) if r.inputs.get("cidrIpv4") or r.inputs.get("cidrIpv6")]
    assert {(r.inputs["securityGroupId"], r.inputs["fromPort"], r.inputs["toPort"]) for r in world} == {(alb, 80, 80), (alb, 443, 443)}
    balancer = named(prod, "aws:lb/loadBalancer:LoadBalancer", "-alb")
    assert balancer.inputs["internal"] is False
    assert named(prod, "aws:rds/instance:Instance", "-db").inputs["publiclyAccessible"] is False
    network = named(prod, "aws:ecs/service:Service", "-platform").inputs["networkConfiguration"]
    assert network["assignPublicIp"] is False
    assert all(not subnet.inputs["mapPublicIpOnLaunch"] for subnet in prod.of_type("aws:ec2/subnet:Subnet"))


def test_instances_and_tasks_accept_traffic_only_from_the_alb(prod):
    alb, tasks, instances = (_group_of(prod, s) for s in ("-sg-alb", "-sg-tasks", "-sg-instances"))
    into_tasks = [r.inputs for r in prod.of_type(INGRESS) if r.inputs["securityGroupId"] == tasks]
    assert [(r["referencedSecurityGroupId"], r["fromPort"]) for r in into_tasks] == [(alb, 8080)]
    assert [r for r in prod.of_type(INGRESS) if r.inputs["securityGroupId"] == instances] == []
    # Instances and tasks live only in the private subnets.
    private = {f"{s.name}-id" for s in prod.of_type("aws:ec2/subnet:Subnet") if "-private-" in s.name}
    assert set(named(prod, "aws:autoscaling/group:Group", "-ecs").inputs["vpcZoneIdentifiers"]) == private
    assert set(named(prod, "aws:ecs/service:Service", "-platform").inputs["networkConfiguration"]["subnets"]) == private
    assert "networkInterfaces" not in named(prod, "aws:ec2/launchTemplate:LaunchTemplate", "-ecs").inputs


def test_the_database_accepts_only_the_tasks_and_the_mail_worker_on_5432(prod):
    tasks, database = _group_of(prod, "-sg-tasks"), _group_of(prod, "-sg-database")
    worker = _group_of(prod, "-sg-mail-worker")
    rules = [r.inputs for r in prod.of_type(INGRESS) if r.inputs["securityGroupId"] == database]
    assert sorted((r["referencedSecurityGroupId"], r["fromPort"], r["toPort"]) for r in rules) == sorted(
        [(tasks, 5432, 5432), (worker, 5432, 5432)]
    )
    assert named(prod, "aws:rds/instance:Instance", "-db").inputs["vpcSecurityGroupIds"] == [database]
    # And the tasks may open nothing but PostgreSQL: no route out for a compromised process.
    out_of_tasks = [r.inputs for r in prod.of_type(EGRESS) if r.inputs["securityGroupId"] == tasks]
    assert [(r["referencedSecurityGroupId"], r["fromPort"]) for r in out_of_tasks] == [(database, 5432)]


def test_everything_that_stores_data_is_encrypted(prod):
    database = named(prod, "aws:rds/instance:Instance", "-db").inputs
    assert database["storageEncrypted"] is True
    (device,) = named(prod, "aws:ec2/launchTemplate:LaunchTemplate", "-ecs").inputs["blockDeviceMappings"]
    assert device["ebs"]["encrypted"] == "true"
    (rule,) = named(prod, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "").inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    # Customer-managed keys (CloudWatch cannot publish through alias/aws/sns): test_cluster_observability.
    for topic in prod.of_type("aws:sns/topic:Topic"):
        assert topic.inputs["kmsMasterKeyId"].startswith("arn:aws:mock:"), topic.name
    bucket_policy = json.loads(named(prod, "aws:s3/bucketPolicy:BucketPolicy", "").inputs["policy"])
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in bucket_policy["Statement"])
    # Clients reach the ALB over TLS only: port 80 answers with a redirect, nothing else.
    http = named(prod, "aws:lb/listener:Listener", "-http").inputs
    assert http["defaultActions"] == [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]


@pytest.mark.parametrize("family", ["-platform", "-migrate"])
def test_no_secret_reaches_a_container_through_plain_environment(prod, family):
    secrets = {f"generated-{r.name}" for r in prod.of_type("random:index/randomPassword:RandomPassword")}
    assert len(secrets) == 3
    for container in container_definitions(prod, family):
        environment = {item["name"]: item["value"] for item in container.get("environment", [])}
        assert not {"DATABASE_URL", "SECRET_KEY", "PASSWORD_PEPPER", "POSTGRES_PASSWORD"} & set(environment)
        assert not any(secret in json.dumps(container) for secret in secrets)


def _statements(policy: str) -> list[dict]:
    return json.loads(policy)["Statement"]


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_iam_is_least_privilege(prod):
    for policy in prod.of_type("aws:iam/rolePolicy:RolePolicy"):
        for statement in _statements(policy.inputs["policy"]):
            actions, resources = _as_list(statement["Action"]), _as_list(statement["Resource"])
            assert not any(action == "*" or action.endswith(":*") for action in actions), statement
            if "*" in resources:
                # Only the one action AWS offers no resource-level permission for.
                assert actions == ["ecr:GetAuthorizationToken"], statement
    managed = {r.inputs["policyArn"] for r in prod.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert managed == {
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    }


def test_the_execution_role_reads_exactly_the_three_task_secrets(prod):
    policy = named(prod, "aws:iam/rolePolicy:RolePolicy", "-platform-execution")
    (read,) = [s for s in _statements(policy.inputs["policy"]) if "secretsmanager:GetSecretValue" in _as_list(s["Action"])]
    secret_arns = {
        r.name: f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:{r.name}-AbCdEf"
        for r in prod.of_type("aws:secretsmanager/secret:Secret")
    }
    assert sorted(read["Resource"]) == sorted(secret_arns.values())
    assert len(secret_arns) == 3
    # The web and migration tasks get no task role at all: nothing in them can call AWS. Only the mail
    # worker has one (test_cluster_mail).
    with_role = {task.name for task in prod.of_type("aws:ecs/taskDefinition:TaskDefinition") if "taskRoleArn" in task.inputs}
    assert with_role == {"users-platform-prod-mail-worker"}


def test_prod_keeps_its_data_deletion_protection_backups_and_final_snapshot(prod):
    database = named(prod, "aws:rds/instance:Instance", "-db")
    assert database.protect
    assert database.inputs["deletionProtection"] is True
    assert database.inputs["backupRetentionPeriod"] >= 14
    assert database.inputs["skipFinalSnapshot"] is False and database.inputs["finalSnapshotIdentifier"]
    assert database.inputs["multiAz"] is True
    assert named(prod, "aws:lb/loadBalancer:LoadBalancer", "-alb").inputs["enableDeletionProtection"] is True


def test_the_deployment_circuit_breaker_rolls_back(prod):
    service = named(prod, "aws:ecs/service:Service", "-platform").inputs
    assert service["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert service["deploymentMinimumHealthyPercent"] == 100


def test_the_cluster_spans_at_least_two_zones(prod):
    subnets = prod.of_type("aws:ec2/subnet:Subnet")
    for tier in ("public", "private"):
        zones = {s.inputs["availabilityZone"] for s in subnets if f"-{tier}-" in s.name}
        assert len(zones) >= 2, tier
    assert len(named(prod, "aws:rds/subnetGroup:SubnetGroup", "-db").inputs["subnetIds"]) >= 2
    assert len(named(prod, "aws:lb/loadBalancer:LoadBalancer", "-alb").inputs["subnets"]) >= 2
    # One NAT per zone on prod: losing a zone does not cut the other's egress.
    assert len(prod.of_type("aws:ec2/natGateway:NatGateway")) == 2


def test_every_taggable_resource_carries_the_platform_tags(prod):
    expected = {"Project": "users-platform", "Stack": "prod", "ManagedBy": "pulumi"}
    for registration in prod.mocks.registrations.values():
        if not registration.typ.startswith("aws:") or registration.typ in NOT_TAGGABLE:
            continue
        assert expected.items() <= registration.inputs.get("tags", {}).items(), registration.name
    group_tags = {t["key"]: t["value"] for t in named(prod, "aws:autoscaling/group:Group", "-ecs").inputs["tags"]}
    assert expected.items() <= group_tags.items() and group_tags["AmazonECSManaged"] == "true"


@pytest.mark.parametrize("run_name", ["prod", "minimal"])
def test_every_resource_of_the_cluster_passes_the_policy_pack(run_name, request):
    # preview.yml runs `--policy-pack policy` on prod, which is a cluster stack.
    run = request.getfixturevalue(run_name)
    problems = [
        (registration.name, problem)
        for registration in run.mocks.registrations.values()
        for _, rule in CHECKS.values()
        for problem in rule(registration.typ, registration.inputs)
    ]
    assert problems == []
    assert run.of_type("aws:ecs/taskDefinition:TaskDefinition") and run.of_type("aws:ec2/launchTemplate:LaunchTemplate")
