"""The deploy path as the workflows define it: dev deploys only a commit whose ci.yml passed, images
are built once (only in deploy.yml), prod promotes digests, previews run the policy pack, drift
and the e2e deploy run on schedules. actionlint (`make lint-workflows`) checks their syntax."""

import json
import re

import pulumi
import pytest
import yaml
from pulumi_harness import REPO_ROOT

from infra.registry import PROMOTED_TAG_PREFIX

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
ACTIONS = REPO_ROOT / ".github" / "actions"


def workflow(name: str) -> dict:
    # YAML 1.1 reads the key `on` as True.
    loaded = yaml.safe_load((WORKFLOWS / name).read_text())
    loaded["on"] = loaded.pop(True)
    return loaded


def step(job: dict, *, id: str | None = None, uses: str | None = None) -> dict:
    if id is not None:
        return next(s for s in job["steps"] if s.get("id") == id)
    return next(s for s in job["steps"] if s.get("uses", "").startswith(uses))


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
    assert promote["jobs"]["up"]["environment"] == "${{ inputs.stack }}"
    release = promote["jobs"]["release"]
    # Reading dev's outputs needs only dev's read token, never prod's.
    assert release["environment"] == "dev-read"
    script = step(release, id="release")["run"]
    assert "pulumi stack output --stack dev service_image" in script
    assert "pulumi stack output --stack dev web_image" in script


def test_promotion_and_rollback_run_the_program_dev_ran_not_mains_head():
    promote = workflow("promote.yml")
    release = promote["jobs"]["release"]
    script = step(release, id="release")["run"]
    assert "pulumi stack output --stack dev source_commit" in script
    assert release["outputs"]["commit"] == "${{ steps.release.outputs.commit }}"
    # A rollback names its commit too: digests alone would run today's program on old images.
    assert "commit" in promote["on"]["workflow_dispatch"]["inputs"]
    assert '[ -z "$COMMIT" ]' in script and "exit 1" in script
    up = promote["jobs"]["up"]
    assert up["needs"] == "release"
    assert step(up, uses="actions/checkout")["with"]["ref"] == "${{ needs.release.outputs.commit }}"
    # Every up records the commit it ran from, which is what the release job reads back.
    action = (ACTIONS / "pulumi-up" / "action.yml").read_text()
    assert 'pulumi config set --stack "$STACK" sourceCommit "$(git rev-parse HEAD)"' in action


def test_promotion_tags_what_it_deploys_before_the_update_so_the_registry_keeps_it():
    up = workflow("promote.yml")["jobs"]["up"]
    names = [s.get("name", s.get("uses", "")) for s in up["steps"]]
    keep = names.index("Keep the promoted images")
    assert keep < names.index("./.github/actions/pulumi-up")
    script = up["steps"][keep]["run"]
    assert 'tag="$STACK-$COMMIT"' in script and "aws ecr put-image" in script and "--image-tag \"$tag\"" in script
    # The tag promote gives prod is the one the lifecycle policy shields.
    assert up["env"]["STACK"] == "${{ inputs.stack }}" and f"prod-{'0' * 40}".startswith(PROMOTED_TAG_PREFIX)


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


# configure-aws-credentials: "Role duration in seconds (default: 6 hours, 1 hour for OIDC ...)"
# (aws-actions/configure-aws-credentials action.yml, #486): every job here assumes its role by OIDC.
OIDC_DEFAULT_SESSION_SECONDS = 3600


def _composite(name: str) -> dict:
    return yaml.safe_load((ACTIONS / name / "action.yml").read_text())


def session_seconds(job: dict) -> int | None:
    """How long the AWS session of a job lasts, through the pulumi-setup action or directly."""
    for job_step in job["steps"]:
        uses = job_step.get("uses", "")
        if uses == "./.github/actions/pulumi-setup":
            setup = _composite("pulumi-setup")
            configure = next(s for s in setup["runs"]["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials"))
            if configure["with"].get("role-duration-seconds") != "${{ inputs.role-duration-seconds }}":
                return OIDC_DEFAULT_SESSION_SECONDS
            default = setup["inputs"]["role-duration-seconds"]["default"]
            return int(job_step.get("with", {}).get("role-duration-seconds", default))
        if uses.startswith("aws-actions/configure-aws-credentials"):
            return int(job_step.get("with", {}).get("role-duration-seconds", OIDC_DEFAULT_SESSION_SECONDS))
    return None


AWS_JOBS = [
    (path.name, name)
    for path in sorted(WORKFLOWS.glob("*.yml"))
    for name, job in workflow(path.name)["jobs"].items()
    if session_seconds(job) is not None
]


@pytest.mark.parametrize(("name", "job_name"), AWS_JOBS)
def test_every_aws_session_lasts_as_long_as_its_job(name, job_name):
    """A job that outlives its credentials dies mid-update, with pending operations in the state."""
    job = workflow(name)["jobs"][job_name]
    assert session_seconds(job) >= job["timeout-minutes"] * 60


def test_the_prod_update_has_hours_not_one():
    """A first cluster `up`: Multi-AZ RDS (the provider waits up to 40 min by default, raised in
    infra/cluster/database.py), cross-region backup replication (75 min by default), the migration
    task, two ECS services. GitHub-hosted jobs stop at 6 h."""
    up = workflow("promote.yml")["jobs"]["up"]
    assert 180 <= up["timeout-minutes"] <= 360
    assert session_seconds(up) >= up["timeout-minutes"] * 60


PULL_REQUEST_TRIGGERS = {"pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"}


@pytest.mark.parametrize("name", sorted(path.name for path in WORKFLOWS.glob("*.yml")))
def test_no_pull_request_can_reach_prods_secrets(name):
    """On pull_request the workflow file is the branch's own: anything its job can read, the branch
    can print. Such jobs run in the `preview` environment (a token that reads dev only, a read-only
    role) and never name prod; pull_request_target (base secrets next to PR code) is not used."""
    loaded = workflow(name)
    on = loaded["on"]
    triggers = set(on) if isinstance(on, dict | list) else {on}
    assert "pull_request_target" not in triggers
    if not triggers & PULL_REQUEST_TRIGGERS:
        return
    for job_name, job in loaded["jobs"].items():
        text = yaml.safe_dump(job)
        if "secrets." in text or session_seconds(job) is not None:
            assert job.get("environment") == "preview", job_name
        assert not re.search(r"\bprod\b", text), f"{job_name} names prod"


def test_ci_runs_without_secrets_or_cloud_access():
    text = (WORKFLOWS / "ci.yml").read_text()
    assert "secrets." not in text and "id-token" not in text


def test_deploy_jobs_install_the_programs_requirements_only():
    install = next(s for s in _composite("pulumi-setup")["runs"]["steps"] if s.get("name") == "Install the program's dependencies")
    assert "-r requirements-infra.txt" in install["run"]
    assert "-r requirements.txt" not in install["run"]


def test_the_e2e_teardown_cannot_leave_the_stack_behind_a_closed_tunnel():
    steps = workflow("e2e-deploy.yml")["jobs"]["e2e"]["steps"]
    script = next(s["run"] for s in steps if s.get("name") == "Destroy the throwaway stack")
    assert "--continue-on-error" in script
    # The containers hold the host in the stack when their deletes fail: they leave the state first.
    assert 'select(.type == "pulumi:providers:docker")' in script and "pulumi state delete" in script
    assert "--target-dependents" in script
    assert script.index("pulumi state delete") < script.index("pulumi destroy")
    assert "|| true" not in script


def _renovate_pattern(expression: str) -> re.Pattern:
    # Renovate's regex is ECMAScript (re2): (?<name>...) is Python's (?P<name>...).
    return re.compile(expression.replace("(?<", "(?P<"))


def test_renovate_pins_and_bumps_every_third_party_image_the_host_runs():
    """postgres and certbot come from public registries by tag: Renovate adds the digest (pinDigests)
    and proposes new tags and digests as pull requests, through its regex manager on Pulumi.yaml."""
    config = json.loads((REPO_ROOT / "renovate.json").read_text())
    (manager,) = config["customManagers"]
    assert manager["datasourceTemplate"] == "docker"
    assert re.search(manager["managerFilePatterns"][0].strip("/"), "Pulumi.yaml")
    (pattern,) = (_renovate_pattern(expression) for expression in manager["matchStrings"])
    schema = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text())["config"]
    text = (REPO_ROOT / "Pulumi.yaml").read_text()
    found = {m["depName"] for m in pattern.finditer(text)}
    for key in ("postgresImage", "certbotImage"):
        assert schema[key]["default"].split("@")[0].rsplit(":", 1)[0] in found, key
    # Once pinned, the same line still matches, with its digest.
    pinned = pattern.search(f"    default: docker.io/certbot/certbot:v5.8.0@sha256:{'ab' * 32}\n")
    assert pinned["currentValue"] == "v5.8.0" and pinned["currentDigest"] == f"sha256:{'ab' * 32}"
    assert any(rule.get("pinDigests") is True for rule in config["packageRules"])
