"""Runs the migration task once on ECS and exits 0 only if its container exited 0.

Pulumi's command.local.Command runs it as `python3 -m infra.cluster.run_migration` from the repo root
(its `dir` is `..` of the program's infra/), so the Command's inputs are the same on every machine and
in every checkout: an absolute path in `create` made an `up` from another checkout replace the
Command and migrate again. It imports nothing from the repository and drives the AWS CLI the
deployer already has: run-task, then describe-tasks until the task stops or our own deadline passes
(`aws ecs wait tasks-stopped` gives up after 100 polls 6 s apart, 10 minutes, whatever the migration
is doing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable

CONTAINER = "migrate"
STARTED_BY = "pulumi-migrate"
# Long enough for a migration that rewrites a big table; MIGRATION_DEADLINE_SECONDS overrides it.
DEADLINE_SECONDS = 3600
POLL_SECONDS = 10


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


def wait_until_stopped(
    describe: Callable[[], dict],
    deadline_seconds: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    poll_seconds: float = POLL_SECONDS,
) -> dict:
    """The task's description once it is STOPPED; MigrationFailed once the deadline passes first.

    A task still running at the deadline is left running, not stopped: `migrate` holds an advisory
    lock, so the next `up` waits for it rather than racing it, and killing a migration midway gains nothing.
    """
    give_up_at = clock() + deadline_seconds
    while True:
        described = describe()
        (task,) = described["tasks"]
        if task.get("lastStatus") == "STOPPED":
            return described
        if clock() >= give_up_at:
            raise MigrationFailed(
                f"the migration task is still {task.get('lastStatus')} after {deadline_seconds:.0f} s "
                f"(MIGRATION_DEADLINE_SECONDS); it keeps running: follow it in its log group, then run `pulumi up` again"
            )
        sleep(poll_seconds)


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
        deadline = float(environ.get("MIGRATION_DEADLINE_SECONDS") or DEADLINE_SECONDS)
        print(f"run_migration: started {task_arn}; waiting up to {deadline:.0f} s for it to stop")
        migration_outcome(
            wait_until_stopped(
                lambda: _aws(["aws", "ecs", "describe-tasks", "--cluster", cluster, "--tasks", task_arn, "--output", "json"]),
                deadline,
            )
        )
    except (MigrationFailed, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        print(f"run_migration: {error} {detail}".strip(), file=sys.stderr)
        return 1
    print("run_migration: migrations applied")
    return 0


if __name__ == "__main__":
    sys.exit(main(dict(os.environ)))
