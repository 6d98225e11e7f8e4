"""The migration runner: the AWS CLI calls it makes, how it reads their answers, and how it runs."""

import subprocess
import sys

import pytest
from pulumi_harness import REPO_ROOT

from infra.cluster import run_migration
from infra.cluster.service import RUN_MIGRATION_SCRIPT


def test_run_task_targets_the_private_subnets_the_task_group_and_the_capacity_provider():
    argv = run_migration.run_task_command("c1", "arn:td:migrate:7", "cp1", ["subnet-a", "subnet-b"], "sg-tasks")
    assert argv[:3] == ["aws", "ecs", "run-task"]
    options = dict(zip(argv[3::2], argv[4::2], strict=True))
    assert options == {
        "--cluster": "c1",
        "--task-definition": "arn:td:migrate:7",
        "--count": "1",
        "--capacity-provider-strategy": "capacityProvider=cp1,weight=1",
        "--network-configuration": "awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-tasks],assignPublicIp=DISABLED}",
        "--started-by": "pulumi-migrate",
        "--output": "json",
    }


def test_a_task_that_ecs_could_not_place_is_a_failure():
    with pytest.raises(run_migration.MigrationFailed, match="RESOURCE:MEMORY"):
        run_migration.started_task_arn({"tasks": [], "failures": [{"reason": "RESOURCE:MEMORY"}]})
    assert run_migration.started_task_arn({"tasks": [{"taskArn": "arn:task/1"}], "failures": []}) == "arn:task/1"


def _stopped(exit_code, reason=None):
    container = {"name": "migrate", "exitCode": exit_code, **({"reason": reason} if reason else {})}
    return {"tasks": [{"containers": [container], "stoppedReason": "Essential container in task exited"}]}


def test_only_exit_code_zero_counts_as_migrated():
    run_migration.migration_outcome(_stopped(0))
    with pytest.raises(run_migration.MigrationFailed, match="exited with 1: Essential container"):
        run_migration.migration_outcome(_stopped(1))
    # A container that never ran (image pull failure) has no exit code at all.
    with pytest.raises(run_migration.MigrationFailed, match="exited with None: CannotPullContainerError"):
        run_migration.migration_outcome(_stopped(None, "CannotPullContainerError"))


def test_the_script_runs_from_the_programs_working_directory_and_says_what_is_missing(tmp_path):
    # Pulumi runs the command from infra/ (main: infra/); the script must not depend on that.
    completed = subprocess.run(
        [sys.executable, str(RUN_MIGRATION_SCRIPT)],
        cwd=REPO_ROOT / "infra",
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2
    assert "the AWS CLI (aws) is not on PATH" in completed.stderr
