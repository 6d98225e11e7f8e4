"""The production guarantees of infra/production.py, checked on the resources a stack declares.

The program refuses a production stack whose settings break a guarantee; this pack checks the
resources themselves, so a program change that drops one (a forgotten `protect`, a WAF no longer
associated) fails every preview and `up` of that stack. A stack is production when its resources
carry `Environment: production` (infra/versioning.py tags every taggable resource); a guarantee
given up on purpose is written on the resource as an `AcceptedRisk` tag. One stack validation
policy per guarantee, named after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import ReportViolation, StackValidationArgs, StackValidationPolicy

from infra.production import ACCEPTED_RISK_TAG, ENVIRONMENT_TAG, GUARANTEES, PRODUCTION

RDS_INSTANCE = "aws:rds/instance:Instance"
EBS_VOLUME = "aws:ebs/volume:Volume"
DLM_POLICY = "aws:dlm/lifecyclePolicy:LifecyclePolicy"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
WAF_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
SCALING_TARGET = "aws:appautoscaling/target:Target"


@dataclass(frozen=True)
class Resource:
    type: str
    name: str
    props: Mapping[str, Any]
    protect: bool


def _tags(resource: Resource) -> Mapping[str, Any]:
    # An Auto Scaling group's `tags` is a list of {key, value, propagateAtLaunch}: not this kind of tag.
    tags = resource.props.get("tags")
    return tags if isinstance(tags, Mapping) else {}


def _accepts(resource: Resource, risk: str) -> bool:
    return risk in str(_tags(resource).get(ACCEPTED_RISK_TAG, "")).split()


def _of(resources: Sequence[Resource], *types: str) -> list[Resource]:
    return [resource for resource in resources if resource.type in types]


def is_production(resources: Sequence[Resource]) -> bool:
    return any(_tags(resource).get(ENVIRONMENT_TAG) == PRODUCTION for resource in resources)


def stateful_resources_protected(resources: Sequence[Resource]) -> Iterator[str]:
    for resource in _of(resources, RDS_INSTANCE, EBS_VOLUME):
        if not resource.protect:
            yield f"{resource.name} holds the data and is not protected"
    for database in _of(resources, RDS_INSTANCE):
        if database.props.get("deletionProtection") is not True:
            yield f"{database.name} has no deletion protection"


def daily_snapshots(resources: Sequence[Resource]) -> Iterator[str]:
    if _of(resources, EBS_VOLUME) and not _of(resources, DLM_POLICY):
        yield "the data volume has no daily snapshot policy"


def snapshots_copied_to_another_region(resources: Sequence[Resource]) -> Iterator[str]:
    if not _of(resources, EBS_VOLUME):
        return
    copies = [
        rule
        for policy in _of(resources, DLM_POLICY)
        for schedule in (policy.props.get("policyDetails") or {}).get("schedules") or []
        for rule in schedule.get("crossRegionCopyRules") or []
    ]
    if not copies:
        yield "the data volume's snapshots are not copied to another region"


def multi_az_database(resources: Sequence[Resource]) -> Iterator[str]:
    for database in _of(resources, RDS_INSTANCE):
        if database.props.get("multiAz") is not True and not _accepts(database, "single-az-database"):
            yield f"{database.name} runs in one zone"


def web_application_firewall(resources: Sequence[Resource]) -> Iterator[str]:
    if _of(resources, WAF_ASSOCIATION):
        return
    for balancer in _of(resources, LOAD_BALANCER):
        if not _accepts(balancer, "no-waf"):
            yield f"{balancer.name} has no WAF associated"


def two_tasks_at_least(resources: Sequence[Resource]) -> Iterator[str]:
    for target in _of(resources, SCALING_TARGET):
        if target.props.get("serviceNamespace") == "ecs" and int(target.props.get("minCapacity") or 0) < 2:
            yield f"{target.name} may scale the service down to {target.props.get('minCapacity')} task"


CHECKS: dict[str, Callable[[Sequence[Resource]], Iterator[str]]] = {
    "stateful-resources-protected": stateful_resources_protected,
    "daily-snapshots": daily_snapshots,
    "snapshots-copied-to-another-region": snapshots_copied_to_another_region,
    "multi-az-database": multi_az_database,
    "web-application-firewall": web_application_firewall,
    "two-tasks-at-least": two_tasks_at_least,
}


def problems(name: str, resources: Sequence[Resource]) -> list[str]:
    """What breaks guarantee `name` in a stack; nothing on a stack that is not production."""
    return list(CHECKS[name](resources)) if is_production(resources) else []


def _policy(name: str) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [Resource(r.resource_type, r.name, r.props, bool(r.opts.protect)) for r in args.resources]
        for problem in problems(name, resources):
            report_violation(problem, None)

    return StackValidationPolicy(name=f"production-{name}", description=GUARANTEES[name].refusal, validate=validate)


POLICIES = [_policy(name) for name in CHECKS]
