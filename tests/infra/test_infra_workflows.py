"""The deploy path as the workflows define it: dev deploys only a commit whose ci.yml passed, images
are built once (only in deploy.yml), prod promotes digests, previews run the policy pack, drift
and the e2e deploy run on schedules. actionlint (`make lint-workflows`) checks their syntax."""

import re

import pulumi
import pytest
import yaml
from pulumi_harness import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
ACTIONS = REPO_ROOT / ".github" / "actions"


def workflow(name: str) -> dict:
    # YAML 1.1 reads the key `on` as True.
    loaded = yaml.safe_load((WORKFLOWS / name).read_text())
    loaded["on"] = loaded.pop(True)
    return loaded


def test_dev_deploys_only_a_main_commit_whose_ci_passed():
    deploy = workflow("deploy.yml")
    assert deploy["on"] == {"workflow_run": {"workflows": ["ci"], "types": ["completed"], "branches": ["main"]}}
    assert workflow("ci.yml")["name"] == "ci"
    images = deploy["jobs"]["images"]
    assert "github.event.workflow_run.conclusion == 'success'" in images["if"]
    # Both jobs check out the commit CI tested, not whatever main is by then.
    for job in deploy["jobs"].values():
        checkout = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}"
    assert deploy["jobs"]["dev"]["needs"] == "images"


def test_images_are_built_once_in_deploy_and_tagged_version_and_sha():
    script = next(step["run"] for step in workflow("deploy.yml")["jobs"]["images"]["steps"] if step.get("id") == "push")
    assert 'tag="$(cat VERSION)-${SHA:0:7}"' in script
    assert "--file \"$dockerfile\"" in script and "--push" in script
    assert "describe-images" in script, "a re-run must reuse the pushed image, tags are immutable"
    for other in WORKFLOWS.glob("*.yml"):
        if other.name != "deploy.yml":
            assert not re.search(r"docker (buildx )?build|build-push-action", other.read_text()), other.name


def test_prod_is_promoted_from_the_digests_dev_runs_and_waits_for_its_environment():
    promote = workflow("promote.yml")
    assert set(promote["on"]) == {"workflow_dispatch"}
    job = promote["jobs"]["up"]
    assert job["environment"] == "${{ inputs.stack }}"
    digests = next(step["run"] for step in job["steps"] if step.get("id") == "digests")
    assert "pulumi stack output --stack dev service_image" in digests
    assert "pulumi stack output --stack dev web_image" in digests


def test_every_up_runs_the_policy_pack_and_no_runner_needs_a_fixed_address():
    up = (ACTIONS / "pulumi-up" / "action.yml").read_text()
    assert "--policy-pack policy" in up and "infra.host.docker_tunnel" in up
    preview = workflow("preview.yml")
    action = next(s for s in preview["jobs"]["preview"]["steps"] if s.get("uses", "").startswith("pulumi/actions"))
    assert action["with"]["command"] == "preview" and action["with"]["policyPacks"] == "policy"
    for path in [*WORKFLOWS.glob("*.yml"), *ACTIONS.glob("*/action.yml")]:
        text = path.read_text()
        assert "DEPLOY_RUNNER" not in text and "self-hosted" not in text, path.name
        assert "pulumi up" not in text or path.parent.name == "pulumi-up", f"{path.name} runs pulumi up without the policy pack"


@pytest.mark.parametrize("name", ["drift.yml", "e2e-deploy.yml"])
def test_drift_and_the_e2e_deploy_run_nightly_and_on_demand(name):
    triggers = workflow(name)["on"]
    assert set(triggers) == {"schedule", "workflow_dispatch"}


def test_drift_fails_on_any_difference_without_changing_anything():
    steps = workflow("drift.yml")["jobs"]["refresh"]["steps"]
    refresh = next(step["run"] for step in steps if "pulumi refresh" in step.get("run", ""))
    assert "--preview-only" in refresh and "--expect-no-changes" in refresh
    assert workflow("drift.yml")["jobs"]["refresh"]["strategy"]["matrix"]["stack"] == ["dev", "prod"]


def test_the_e2e_deploy_upgrades_checks_the_data_rolls_back_and_always_destroys():
    steps = workflow("e2e-deploy.yml")["jobs"]["e2e"]["steps"]
    names = [step.get("name", step.get("uses", "")) for step in steps]
    order = [
        "Current release",
        "Healthy, then register and log in over the real site",
        "Upgrade to the release candidate",
        "The account survived the upgrade",
        "Roll back to the earlier digests",
        "The account survived the rollback",
        "Destroy the throwaway stack",
    ]
    assert [name for name in names if name in order] == order
    destroy = steps[names.index("Destroy the throwaway stack")]
    assert destroy["if"] == "always()" and "pulumi destroy" in destroy["run"] and "pulumi stack rm" in destroy["run"]
    uses = {step["name"]: step["with"] for step in steps if step.get("uses") == "./.github/actions/pulumi-up"}
    assert uses["Roll back to the earlier digests"] == uses["Current release"]
    assert uses["Upgrade to the release candidate"] != uses["Current release"]


@pulumi.runtime.test
def test_the_e2e_throwaway_stack_lets_its_never_confirmed_probe_log_in(deploy):
    """The throwaway stack is dev's file plus the workflow's `pulumi config set`s. Its SES identity is
    never verified, so the probe's address is never confirmed: the service must not require it."""
    steps = workflow("e2e-deploy.yml")["jobs"]["e2e"]["steps"]
    script = next(step["run"] for step in steps if step.get("name") == "Throwaway stack and a probe password")
    config_set = re.findall(r'pulumi config set --stack "\$STACK" (\w+) (\S+)', script)
    run = deploy("dev", {key: value.strip('"').replace("$STACK", "e2e-1") for key, value in config_set})

    def check():
        (service,) = [c for c in run.of_type("docker:index/container:Container") if c.inputs["name"] == "platform-service"]
        assert "REQUIRE_VERIFIED_EMAIL=false" in service.inputs["envs"]

    return run.settled(check)
