"""The migration runner: the AWS CLI calls it makes, how it reads their answers, and how it runs."""

import subprocess
import sys

import pytest
from pulumi_harness import REPO_ROOT

from infra.cluster import run_migration
from infra.cluster.service import RUN_MIGRATION_COMMAND, RUN_MIGRATION_DIR


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


def test_the_command_runs_from_the_repo_root_by_module_and_says_what_is_missing(tmp_path):
    """Pulumi runs the Command from infra/ (main: infra/) with its `dir`; no absolute path is in its inputs."""
    assert not any(part.startswith("/") for part in RUN_MIGRATION_COMMAND.split())
    completed = subprocess.run(
        [sys.executable, *RUN_MIGRATION_COMMAND.split()[1:]],
        cwd=(REPO_ROOT / "infra" / RUN_MIGRATION_DIR).resolve(),
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 2
    assert "the AWS CLI (aws) is not on PATH" in completed.stderr


class _Clock:
    """Time that passes only when the runner sleeps."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def _task(status):
    return {"tasks": [{"lastStatus": status, "containers": [{"name": "migrate", "exitCode": 0}]}]}


def test_the_runner_waits_past_the_cli_waiters_ten_minutes_for_a_long_migration():
    """`aws ecs wait tasks-stopped` gives up after 100 polls 6 s apart; a 40-minute migration is not a failure."""
    clock = _Clock()
    answers = iter([_task("RUNNING")] * 240 + [_task("STOPPED")])
    described = run_migration.wait_until_stopped(lambda: next(answers), 3600, clock=lambda: clock.now, sleep=clock.sleep)
    assert described == _task("STOPPED") and clock.now == 2400


def test_the_runner_gives_up_at_its_own_deadline_and_says_the_task_keeps_running():
    clock = _Clock()
    with pytest.raises(run_migration.MigrationFailed, match=r"still RUNNING after 60 s .* keeps running"):
        run_migration.wait_until_stopped(lambda: _task("RUNNING"), 60, clock=lambda: clock.now, sleep=clock.sleep)
    assert clock.now == 60


def test_the_runner_never_calls_the_cli_waiter(tmp_path):
    """An `aws` that answers run-task and describe-tasks only: the runner needs nothing else."""
    fake_aws = tmp_path / "aws"
    fake_aws.write_text(
        "#!/bin/sh\n"
        'case "$2" in\n'
        '  run-task) echo \'{"tasks": [{"taskArn": "arn:task/1"}], "failures": []}\' ;;\n'
        '  describe-tasks) echo \'{"tasks": [{"lastStatus": "STOPPED", "containers": [{"name": "migrate", "exitCode": 0}]}]}\' ;;\n'
        '  *) echo "unexpected: $*" >&2; exit 255 ;;\n'
        "esac\n"
    )
    fake_aws.chmod(0o755)
    environment = {"CLUSTER": "c1", "TASK_DEFINITION": "td", "CAPACITY_PROVIDER": "cp", "SUBNETS": "s1", "SECURITY_GROUP": "sg"}
    completed = subprocess.run(
        [sys.executable, *RUN_MIGRATION_COMMAND.split()[1:]],
        cwd=(REPO_ROOT / "infra" / RUN_MIGRATION_DIR).resolve(),
        env={"PATH": f"{tmp_path}:/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert "migrations applied" in completed.stdout
