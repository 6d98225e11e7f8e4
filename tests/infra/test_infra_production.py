"""Production is a setting, not a name: each guarantee of infra/production.py, cell by cell, refused
by the program before any resource exists, and reported by the policy pack (policy/production.py)
on the resources of a program that lost it. A development stack owes none of them."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pulumi
import pytest
from pulumi_harness import HOST, execute_program, settled_run, start_program

from infra.config import InsecureConfigError
from infra.production import GUARANTEES
from policy import production as pack

CLUSTER = {"topology": "cluster"}
DEVELOPMENT = {"environment": "development"}
# For each guarantee, prod's stack file with the one setting that breaks it (prod's file holds both
# topologies' settings).
BREAKS = [
    ("stateful-resources-protected", {**HOST, "protectStateful": False}),
    ("stateful-resources-protected", {**CLUSTER, "protectStateful": False}),
    ("daily-snapshots", {**HOST, "dailySnapshots": False}),
    ("snapshots-copied-to-another-region", {**HOST, "backupCopyRegion": ""}),
    ("multi-az-database", {**CLUSTER, "dbMultiAz": False}),
    ("web-application-firewall", {**CLUSTER, "wafEnabled": False}),
    ("two-tasks-at-least", {**CLUSTER, "clusterMinTasks": 1}),
]


def test_every_guarantee_has_a_cell_and_a_policy():
    assert {name for name, _ in BREAKS} == set(GUARANTEES) == set(pack.CHECKS)
    assert {policy.name for policy in pack.POLICIES} == {f"production-{name}" for name in GUARANTEES}


@pytest.mark.parametrize(("guarantee", "overrides"), BREAKS)
@pulumi.runtime.test
def test_a_production_stack_that_breaks_a_guarantee_is_refused(guarantee, overrides):
    mocks, declared = start_program("prod", overrides)
    with pytest.raises(InsecureConfigError, match=re.escape(GUARANTEES[guarantee].refusal)):
        execute_program()
    return pulumi.Output.from_input(len(declared) + len(mocks.registrations)).apply(lambda count: _assert_zero(count))


@pytest.mark.parametrize(("guarantee", "overrides"), BREAKS)
def test_the_same_settings_on_a_development_stack_are_accepted_and_the_pack_agrees(guarantee, overrides):
    run = settled_run("prod", {**overrides, **DEVELOPMENT})
    resources = _resources(run)
    assert not pack.is_production(resources)
    assert pack.problems(guarantee, resources) == []
    # The same resources tagged production are what the pack refuses.
    assert pack.problems(guarantee, _as_production(resources))


def test_a_stack_named_otherwise_is_production_by_its_setting():
    """dev's stack file plus `environment: production`: refused for what dev does not protect."""
    mocks, declared = start_program("dev", {**HOST, "environment": "production"})
    with pytest.raises(InsecureConfigError, match=re.escape(GUARANTEES["stateful-resources-protected"].refusal)):
        execute_program()


def test_an_unknown_environment_is_refused():
    start_program("dev", {**HOST, "environment": "prod"})
    with pytest.raises(ValueError, match=r"environment must be one of development, production, got 'prod'"):
        execute_program()


TOPOLOGIES = {"host": HOST, "cluster": CLUSTER}
_PROD_RUNS: dict[str, object] = {}


def prod_run(topology: str):
    """prod's stack file as committed, on one topology; one run per topology for this module."""
    if topology not in _PROD_RUNS:
        _PROD_RUNS[topology] = settled_run("prod", TOPOLOGIES[topology])
    return _PROD_RUNS[topology]


@pytest.mark.parametrize("topology", sorted(TOPOLOGIES))
def test_prods_resources_keep_every_guarantee_of_their_topology(topology):
    resources = _resources(prod_run(topology))
    assert pack.is_production(resources)
    assert {name: pack.problems(name, resources) for name in pack.CHECKS} == {name: [] for name in pack.CHECKS}


LOSSES = {
    # What a program change could silently drop, per guarantee, on prod's own resources.
    "stateful-resources-protected": lambda r: pack.Resource(r.type, r.name, r.props, False)
    if r.type in (pack.RDS_INSTANCE, pack.EBS_VOLUME) else r,
    "daily-snapshots": lambda r: None if r.type == pack.DLM_POLICY else r,
    "snapshots-copied-to-another-region": lambda r: _without_copies(r) if r.type == pack.DLM_POLICY else r,
    "multi-az-database": lambda r: _with(r, multiAz=False) if r.type == pack.RDS_INSTANCE else r,
    "web-application-firewall": lambda r: None if r.type == pack.WAF_ASSOCIATION else r,
    "two-tasks-at-least": lambda r: _with(r, minCapacity=1) if r.type == pack.SCALING_TARGET else r,
}
LOSS_CELLS = [
    (guarantee, topology)
    for guarantee, rule in GUARANTEES.items()
    for topology in ([rule.topology] if rule.topology else sorted(TOPOLOGIES))
]


@pytest.mark.parametrize(("guarantee", "topology"), LOSS_CELLS)
def test_the_pack_reports_each_guarantee_a_program_change_drops(guarantee, topology):
    lost = [changed for r in _resources(prod_run(topology)) if (changed := LOSSES[guarantee](r)) is not None]
    assert pack.problems(guarantee, lost)


def _resources(run) -> list[pack.Resource]:
    return [pack.Resource(r.typ, r.name, r.inputs, r.protect) for r in run.mocks.registrations.values()]


def _as_production(resources: list[pack.Resource]) -> list[pack.Resource]:
    return [
        _with(r, tags={**r.props["tags"], "Environment": "production"}) if isinstance(r.props.get("tags"), dict) else r
        for r in resources
    ]


def _with(resource: pack.Resource, **props) -> pack.Resource:
    return pack.Resource(resource.type, resource.name, {**resource.props, **props}, resource.protect)


def _without_copies(policy: pack.Resource) -> pack.Resource:
    details = policy.props["policyDetails"]
    schedules = [{**schedule, "crossRegionCopyRules": []} for schedule in details["schedules"]]
    return _with(policy, policyDetails={**details, "schedules": schedules})


def _assert_zero(count: int) -> None:
    assert count == 0


@pytest.mark.parametrize(("guarantee", "topology"), LOSS_CELLS)
def test_each_stack_policy_reports_through_the_sdk_what_the_analyzer_hands_it(guarantee, topology):
    """The pack's StackValidationPolicy, called as the analyzer calls it: PolicyResources with
    their type, name, props and options."""
    lost = [changed for r in _resources(prod_run(topology)) if (changed := LOSSES[guarantee](r)) is not None]
    analyzed = SimpleNamespace(resources=[
        SimpleNamespace(resource_type=r.type, name=r.name, props=r.props, opts=SimpleNamespace(protect=r.protect))
        for r in lost
    ])
    (policy,) = [p for p in pack.POLICIES if p.name == f"production-{guarantee}"]
    reported: list[str] = []
    policy.validate(analyzed, lambda message, urn=None: reported.append(message))
    assert reported == pack.problems(guarantee, lost) != []


def test_a_guarantee_given_up_by_an_explicit_setting_is_accepted_by_the_program_and_the_pack():
    run = settled_run("prod", {"dbMultiAz": False, "allowSingleAzDb": True, "wafEnabled": False, "allowProdWithoutWaf": True})
    resources = _resources(run)
    assert pack.is_production(resources)
    assert pack.problems("multi-az-database", resources) == pack.problems("web-application-firewall", resources) == []
    (database,) = [r for r in resources if r.type == pack.RDS_INSTANCE]
    assert database.props["tags"]["AcceptedRisk"] == "single-az-database"
    # The tag is what the pack honours: without it the same resources are reported.
    untagged = [_with(r, tags={k: v for k, v in r.props["tags"].items() if k != "AcceptedRisk"})
                if isinstance(r.props.get("tags"), dict) else r for r in resources]
    assert pack.problems("multi-az-database", untagged) and pack.problems("web-application-firewall", untagged)
