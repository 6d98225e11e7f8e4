"""Runs the migration task once on ECS and exits 0 only if its container exited 0.

Pulumi's command.local.Command runs this file by absolute path (`python3 /…/run_migration.py`),
so it works from any working directory and imports nothing from the repository. It drives the
AWS CLI the deployer already has: run-task, the tasks-stopped waiter, describe-tasks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

CONTAINER = "migrate"
STARTED_BY = "pulumi-migrate"


class MigrationFailed(RuntimeError):
    pass


def run_task_command(cluster: str, task_definition: str, capacity_provider: str, subnets: list[str], security_group: str) -> list[str]:
    network = f"awsvpcConfiguration={{subnets=[{','.join(subnets)}],securityGroups=[{security_group}],assignPublicIp=DISABLED}}"
    return [
        "aws", "ecs", "run-task",
        "--cluster", cluster,
        "--task-definition", task_definition,
        "--count", "1",
        "--capacity-provider-strategy", f"capacityProvider={capacity_provider},weight=1",
        "--network-configuration", network,
        "--started-by", STARTED_BY,
        "--output", "json",
    ]  # fmt: skip


def started_task_arn(run_task_output: dict) -> str:
    if run_task_output.get("failures") or not run_task_output.get("tasks"):
        raise MigrationFailed(f"ECS did not start the migration task: {run_task_output.get('failures')}")
    return run_task_output["tasks"][0]["taskArn"]


def migration_outcome(describe_output: dict) -> None:
    """Raises unless the migrate container stopped with exit code 0."""
    (task,) = describe_output["tasks"]
    container = next(c for c in task["containers"] if c["name"] == CONTAINER)
    if container.get("exitCode") != 0:
        reason = container.get("reason") or task.get("stoppedReason") or "no reason given"
        raise MigrationFailed(f"the migration task exited with {container.get('exitCode')}: {reason}")


def _aws(arguments: list[str]) -> dict:
    completed = subprocess.run(arguments, check=True, capture_output=True, text=True)
    return json.loads(completed.stdout) if completed.stdout.strip() else {}


def main(environ: dict[str, str]) -> int:
    if shutil.which("aws") is None:
        print("run_migration: the AWS CLI (aws) is not on PATH; install it on the machine that runs `pulumi up`.", file=sys.stderr)
        return 2
    cluster = environ["CLUSTER"]
    try:
        task_arn = started_task_arn(
            _aws(
                run_task_command(
                    cluster,
                    environ["TASK_DEFINITION"],
                    environ["CAPACITY_PROVIDER"],
                    environ["SUBNETS"].split(","),
                    environ["SECURITY_GROUP"],
                )
            )
        )
        print(f"run_migration: started {task_arn}; waiting for it to stop")
        _aws(["aws", "ecs", "wait", "tasks-stopped", "--cluster", cluster, "--tasks", task_arn])
        migration_outcome(_aws(["aws", "ecs", "describe-tasks", "--cluster", cluster, "--tasks", task_arn, "--output", "json"]))
    except (MigrationFailed, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        print(f"run_migration: {error} {detail}".strip(), file=sys.stderr)
        return 1
    print("run_migration: migrations applied")
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
