"""Harness that runs the real Pulumi programs (infra/__main__.py, registry/__main__.py) under
`pulumi.runtime.set_mocks`.

Each test gets a fresh program: new mocks, a new root stack and the config of one real stack
file (Pulumi.yaml defaults overlaid by Pulumi.<stack>.yaml, as the CLI does), plus the image
digests CI would set. Every provider invoke the program makes is answered here; an unexpected one
fails the test. The program runs from infra/ as its working directory, as the CLI runs it.
"""

from __future__ import annotations

import contextlib
import json
import runpy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime.mocks import MockMonitor

REPO_ROOT = Path(__file__).resolve().parents[2]
# Pulumi.yaml `main: infra/`: the CLI makes that folder the program's and the providers' working
# directory (pulumi/pulumi pkg/engine/project.go getPwdMain; plugin.Context.Pwd).
PROGRAM_DIR = REPO_ROOT / "infra"
PROGRAM = PROGRAM_DIR / "__main__.py"
REGISTRY_DIR = REPO_ROOT / "registry"
STACKS = ("dev", "prod")
ACCOUNT_ID = "123456789012"
AMI_ID = "ami-0mockedal2023"
MOCK_PUBLIC_IP = "192.0.2.10"
REGION = "eu-west-1"
REGISTRY = f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com"
# What CI's image build records and deploy.yml sets: one digest per image.
SERVICE_IMAGE = f"{REGISTRY}/users-platform/service@sha256:{'a1' * 32}"
WEB_IMAGE = f"{REGISTRY}/users-platform/web@sha256:{'b2' * 32}"
# ...and the commit .github/actions/pulumi-up records (git rev-parse HEAD).
SOURCE_COMMIT = "0123456789abcdef0123456789abcdef01234567"
CI_IMAGES = {"serviceImage": SERVICE_IMAGE, "webImage": WEB_IMAGE, "sourceCommit": SOURCE_COMMIT}
# tests/infra tests the host topology with each stack file's settings (prod's own topology, cluster,
# is tested in tests/infra/cluster).
HOST = {"topology": "host"}
ELB_ACCOUNT_ARN = "arn:aws:iam::156460612806:root"

# The wire form of a secret in the resource monitor protocol: {SIG_KEY: SECRET_SIG, "value": ...}.
# The SDK keeps these constants private (pulumi.runtime.rpc._special_*); the values are fixed by the
# protocol (pulumi/pulumi sdk/go/common/resource/sig/sig.go), so the harness names them itself.
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def project_name(project_dir: Path = REPO_ROOT) -> str:
    return yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["name"]


def stack_file(stack: str, project_dir: Path = REPO_ROOT) -> dict[str, Any]:
    return yaml.safe_load((project_dir / f"Pulumi.{stack}.yaml").read_text())["config"]


def stack_config(stack: str, overrides: dict[str, Any] | None = None, project_dir: Path = REPO_ROOT) -> dict[str, str]:
    """Config as the CLI hands it to the program: namespaced keys, structured values as JSON."""
    project = project_name(project_dir)
    schema = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())["config"]
    values: dict[str, Any] = {f"{project}:{key}": spec["default"] for key, spec in schema.items() if "default" in spec}
    values.update(stack_file(stack, project_dir))
    if project_dir == REPO_ROOT:
        values.update({f"{project}:{key}": value for key, value in CI_IMAGES.items()})
    values.update({f"{project}:{key}": value for key, value in (overrides or {}).items()})
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in values.items()}


@dataclass
class Registration:
    typ: str
    name: str
    inputs: dict[str, Any]
    protect: bool = False
    dependencies: list[str] = field(default_factory=list)
    secret_inputs: set[str] = field(default_factory=set)
    provider: str = ""
    urn: str = ""
    delete_before_replace: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    replacement_trigger: Any = None
    replace_with: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    # The customTimeouts option as the engine gets it: {"create": "2h", ...}, unset ones left out.
    custom_timeouts: dict[str, str] = field(default_factory=dict)
    # input name -> URNs its value came from: what the engine's dependent replacement follows.
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    deleted_with: str = ""


class PlatformMocks(pulumi.runtime.Mocks):
    """Echoes inputs as outputs and fills in what AWS, TLS, random and Docker would compute."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.registrations: dict[tuple[str, str], Registration] = {}
        self.invokes: list[str] = []
        self.ami_queries: list[dict[str, Any]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        outputs = dict(args.inputs)
        registration = self.registrations.setdefault((args.typ, args.name), Registration(args.typ, args.name, {}))
        # Secrecy is recorded from the wire by RecordingMonitor; assertions read plain values.
        registration.inputs = _reveal(dict(args.inputs))
        computed = {
            "aws:ec2/eip:Eip": {"publicIp": MOCK_PUBLIC_IP, "allocationId": f"eipalloc-{args.name}"},
            "aws:ecr/repository:Repository": {
                "repositoryUrl": f"{ACCOUNT_ID}.dkr.ecr.{self.region}.amazonaws.com/{args.inputs.get('name')}",
                "registryId": ACCOUNT_ID,
            },
            "aws:iam/role:Role": {"arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{args.name}", "name": args.name},
            "aws:iam/instanceProfile:InstanceProfile": {"name": args.name},
            "aws:sns/topic:Topic": {"arn": f"arn:aws:sns:{args.inputs.get('region', self.region)}:{ACCOUNT_ID}:{args.name}"},
            "tls:index/privateKey:PrivateKey": {"privateKeyPem": f"-----BEGIN PRIVATE KEY----- {args.name}"},
            "tls:index/selfSignedCert:SelfSignedCert": {"certPem": f"-----BEGIN CERTIFICATE----- {args.name}"},
            "tls:index/locallySignedCert:LocallySignedCert": {"certPem": f"-----BEGIN CERTIFICATE----- {args.name}"},
            "tls:index/certRequest:CertRequest": {"certRequestPem": f"-----BEGIN CERTIFICATE REQUEST----- {args.name}"},
            "random:index/randomPassword:RandomPassword": {"result": f"generated-{args.name}"},
            "random:index/randomString:RandomString": {"result": "k3x9q2vz"},
            **_cluster_outputs(args.name, args.inputs, self.region),
            **_mail_outputs(args.inputs, self.region),
        }.get(args.typ, {})
        if args.typ.startswith("aws:") and "arn" not in outputs:
            outputs["arn"] = f"arn:aws:mock:{self.region}:{ACCOUNT_ID}:{args.name}"
        outputs.update(computed)
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.invokes.append(args.token)
        if args.token == "aws:ec2/getAmi:getAmi":
            self.ami_queries.append(args.args)
            return {"id": AMI_ID, "architecture": "x86_64", "name": args.args["filters"][0]["values"][0]}
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/ci", "id": ACCOUNT_ID, "userId": "AIDMOCK"}
        if args.token == "aws:ec2/getVpc:getVpc":
            return {"id": "vpc-0default", "cidrBlock": "172.31.0.0/16", "default": True}
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {"id": self.region, "names": [f"{self.region}a", f"{self.region}b"], "zoneIds": ["z1", "z2"]}
        if args.token == "aws:ec2/getSubnets:getSubnets":
            return {"id": self.region, "ids": ["subnet-0b", "subnet-0a"]}
        if args.token == "aws:elb/getServiceAccount:getServiceAccount":
            return {"id": "156460612806", "arn": ELB_ACCOUNT_ARN}
        if args.token == "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {"id": ACCOUNT_ID, "userName": "AWS", "password": "ecr-token", "authorizationToken": "dG9rZW4="}
        raise AssertionError(f"the program made an invoke the tests do not mock: {args.token}")


# Easy DKIM's three tokens, as SES returns them for a new domain identity.
DKIM_TOKENS = ("dkimtokenone", "dkimtokentwo", "dkimtokenthree")


def _mail_outputs(inputs: dict[str, Any], region: str) -> dict[str, dict[str, Any]]:
    """What SES computes: the identity's and configuration set's ARNs, and the identity's DKIM tokens."""
    return {
        "aws:sesv2/emailIdentity:EmailIdentity": {
            "arn": f"arn:aws:ses:{region}:{ACCOUNT_ID}:identity/{inputs.get('emailIdentity')}",
            "dkimSigningAttributes": {**(inputs.get("dkimSigningAttributes") or {}), "tokens": list(DKIM_TOKENS)},
        },
        "aws:sesv2/configurationSet:ConfigurationSet": {
            "arn": f"arn:aws:ses:{region}:{ACCOUNT_ID}:configuration-set/{inputs.get('configurationSetName')}",
        },
    }


def _cluster_outputs(name: str, inputs: dict[str, Any], region: str) -> dict[str, dict[str, Any]]:
    """What AWS computes for the cluster topology's resources (names, suffixes, endpoints)."""
    return {
        "aws:lb/loadBalancer:LoadBalancer": {
            "dnsName": f"{name}.{region}.elb.amazonaws.com",
            "zoneId": "Z32O12XQLNTSW2",
            "arnSuffix": f"app/{name}/0123456789abcdef",
        },
        "aws:lb/targetGroup:TargetGroup": {"arnSuffix": f"targetgroup/{name}/0123456789abcdef"},
        "aws:rds/parameterGroup:ParameterGroup": {"name": name},
        "aws:rds/subnetGroup:SubnetGroup": {"name": name},
        "aws:ecs/capacityProvider:CapacityProvider": {"name": name},
        "aws:ecs/service:Service": {"name": name},
        "aws:ecs/taskDefinition:TaskDefinition": {
            "arn": f"arn:aws:ecs:{region}:{ACCOUNT_ID}:task-definition/{name}:1",
            "arnWithoutRevision": f"arn:aws:ecs:{region}:{ACCOUNT_ID}:task-definition/{name}",
        },
        "aws:ecs/cluster:Cluster": {"name": name, "arn": f"arn:aws:ecs:{region}:{ACCOUNT_ID}:cluster/{name}"},
        "aws:ec2/launchTemplate:LaunchTemplate": {"latestVersion": 1},
        "aws:rds/instance:Instance": {
            "address": f"{name}.abcdefghijkl.{region}.rds.amazonaws.com",
            "identifier": inputs.get("identifier") or name,
            "arn": f"arn:aws:rds:{region}:{ACCOUNT_ID}:db:{inputs.get('identifier') or name}",
        },
        # A bucket without a name is named by the provider (here: after the resource).
        "aws:s3/bucket:Bucket": {"bucket": inputs.get("bucket") or name},
        "aws:cloudwatch/logGroup:LogGroup": {"arn": f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{name}"},
        "aws:secretsmanager/secret:Secret": {"arn": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:{name}-AbCdEf"},
        "aws:acm/certificate:Certificate": {
            "domainValidationOptions": [
                {"domainName": "site", "resourceRecordName": f"_x.{name}.", "resourceRecordType": "CNAME", "resourceRecordValue": "_y.acm-validations.aws."}
            ]
        },
        "aws:route53/record:Record": {"fqdn": f"{name}.example."},
        "aws:acm/certificateValidation:CertificateValidation": {
            "certificateArn": f"arn:aws:acm:{region}:{ACCOUNT_ID}:certificate/{name}"
        },
    }


class RecordingMonitor(MockMonitor):
    """Records what only the engine sees: protect, dependencies and which inputs arrive as secrets."""

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            registration = self.mocks.registrations.setdefault((request.type, request.name), Registration(request.type, request.name, {}))
            registration.protect = request.protect
            registration.dependencies = list(request.dependencies)
            registration.property_dependencies = {
                key: list(dependencies.urns) for key, dependencies in request.propertyDependencies.items()
            }
            registration.deleted_with = request.deletedWith
            registration.provider = request.provider
            registration.urn = response.urn
            registration.delete_before_replace = request.deleteBeforeReplace
            registration.ignore_changes = list(request.ignoreChanges)
            registration.replace_with = list(request.replace_with)
            if request.HasField("replacement_trigger"):
                registration.replacement_trigger = _reveal(_plain(request.replacement_trigger))
            registration.aliases = [*request.aliasURNs, *(alias.spec.name for alias in request.aliases)]
            timeouts = request.customTimeouts
            registration.custom_timeouts = {
                operation: getattr(timeouts, operation) for operation in ("create", "update", "delete") if getattr(timeouts, operation)
            }
            registration.secret_inputs = {
                key for key, value in request.object.fields.items() if _contains_secret(value)
            }
        return response


def _reveal(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return _reveal(value["value"])
        return {key: _reveal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_reveal(item) for item in value]
    return value


def _plain(value) -> Any:
    """A protobuf Value as plain Python (secret markers kept, for _reveal)."""
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        return {key: _plain(item) for key, item in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_plain(item) for item in value.list_value.values]
    return getattr(value, kind) if kind and kind != "null_value" else None


def _contains_secret(value) -> bool:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        fields = value.struct_value.fields
        if SIG_KEY in fields and fields[SIG_KEY].string_value == SECRET_SIG:
            return True
        return any(_contains_secret(item) for item in fields.values())
    if kind == "list_value":
        return any(_contains_secret(item) for item in value.list_value.values)
    return False


@dataclass
class StackRun:
    """One run of the program: its module globals, the resources it declared and the mocks' records."""

    name: str
    settings_file: dict[str, Any]
    program: dict[str, Any]
    resources: list[pulumi.Resource]
    mocks: PlatformMocks
    exported: dict[str, Any] = field(default_factory=dict)

    def outputs(self) -> dict[str, Any]:
        return dict(pulumi.runtime.get_root_resource().outputs)

    def settled(self, check: Callable[[], None]) -> pulumi.Output:
        """An Output that runs `check` once every declared resource has been registered."""
        return pulumi.Output.all(*[resource.urn for resource in self.resources]).apply(lambda _: check())

    def of_type(self, typ: str) -> list[Registration]:
        return [r for r in self.mocks.registrations.values() if r.typ == typ]

    def setting(self, key: str) -> Any:
        return self.settings_file[key if ":" in key else f"{project_name()}:{key}"]

    def urn_of(self, registration: Registration) -> str:
        return registration.urn


def start_program(
    stack: str, overrides: dict[str, Any] | None = None, project_dir: Path = REPO_ROOT
) -> tuple[PlatformMocks, list[pulumi.Resource]]:
    config = stack_config(stack, overrides, project_dir)
    mocks = PlatformMocks(region=config["aws:region"])
    project = project_name(project_dir)
    # A fresh root stack for each program: reset_options is the SDK's public reset of its globals.
    pulumi.runtime.reset_options(project=project, stack=stack)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=RecordingMonitor(mocks))
    pulumi.runtime.set_all_config(config)
    declared: list[pulumi.Resource] = []
    # A legacy stack transformation runs in the SDK itself, so it sees every resource even under mocks.
    pulumi.runtime.register_stack_transformation(lambda args: declared.append(args.resource))
    return mocks, declared


def execute_program(program_dir: Path = PROGRAM_DIR) -> dict[str, Any]:
    """Runs a program the way the CLI does: `runpy.run_path` of its folder, from that folder.
    (The CLI passes "."; an absolute path avoids importlib's cached finder for "." across programs.)"""
    with contextlib.chdir(program_dir):
        return runpy.run_path(str(program_dir), run_name="__main__")


def run_program(stack: str, overrides: dict[str, Any] | None = None) -> StackRun:
    mocks, declared = start_program(stack, overrides)
    program = execute_program()
    settings = {key: _parse(value) for key, value in stack_config(stack, overrides).items()}
    return StackRun(stack, settings, program, declared, mocks)


def settled_run(stack: str, overrides: dict[str, Any] | None = None) -> StackRun:
    """Runs the program to completion once and returns its records and exported values, for tests
    that only read them (no Output to return): session fixtures share one run per configuration."""
    runs: list[StackRun] = []

    @pulumi.runtime.test
    def run_and_settle():
        runs.append(run_program(stack, overrides))
        outputs = runs[0].outputs()
        return pulumi.Output.all(**outputs).apply(lambda values: runs[0].settled(lambda: runs.append(values)))

    run_and_settle()
    run, exported = runs
    run.exported = exported
    return run


def run_registry_program(stack: str = "shared") -> StackRun:
    mocks, declared = start_program(stack, project_dir=REGISTRY_DIR)
    program = execute_program(REGISTRY_DIR)
    settings = {key: _parse(value) for key, value in stack_config(stack, project_dir=REGISTRY_DIR).items()}
    return StackRun(stack, settings, program, declared, mocks)


def _parse(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value
