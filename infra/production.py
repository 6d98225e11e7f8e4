"""Which settings make a stack production, and what production guarantees: one table.

A stack is production because its stack file says `environment: production`, not because of its
name: a stack that runs production under another name (a move's new stack, a second region) gets
every guarantee, and a throwaway copy of dev's file gets none. The program refuses a production
stack that breaks one (before any resource exists); the CrossGuard pack (policy/guardrails.py)
checks the same guarantees on the resources, through the `Environment` tag every resource carries,
so a program change cannot drop one silently. docs/deploy.md holds the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.config import InsecureConfigError, StackSettings

PRODUCTION = "production"
ENVIRONMENTS = ("development", PRODUCTION)
# The tag that tells the policy pack which resources belong to a production stack.
ENVIRONMENT_TAG = "Environment"
# A production resource that goes without a guarantee on purpose says so (the allow* settings).
ACCEPTED_RISK_TAG = "AcceptedRisk"


@dataclass(frozen=True)
class Guarantee:
    # The topology it applies to; None: both.
    topology: str | None
    # Given the stack's settings and its topology's (HostSettings or ClusterSettings).
    holds: Callable[[StackSettings, Any], bool]
    refusal: str


GUARANTEES: dict[str, Guarantee] = {
    "stateful-resources-protected": Guarantee(
        None,
        lambda stack, topology: stack.protect_stateful,
        "a production stack needs protectStateful: true (its data volume, database and address survive a destroy).",
    ),
    "daily-snapshots": Guarantee(
        "host",
        lambda stack, host: host.daily_snapshots,
        "a production host needs dailySnapshots: true.",
    ),
    "snapshots-copied-to-another-region": Guarantee(
        "host",
        lambda stack, host: bool(stack.backup_copy_region),
        "a production host needs backupCopyRegion: snapshots must survive the loss of a region.",
    ),
    "multi-az-database": Guarantee(
        "cluster",
        lambda stack, cluster: cluster.db_multi_az or cluster.allow_single_az_db,
        "dbMultiAz: false on a production stack leaves the database in one zone; set allowSingleAzDb: true to accept that.",
    ),
    "web-application-firewall": Guarantee(
        "cluster",
        lambda stack, cluster: cluster.waf_enabled or cluster.allow_prod_without_waf,
        "wafEnabled: false on a production stack removes the WAF; set allowProdWithoutWaf: true to accept that.",
    ),
    "two-tasks-at-least": Guarantee(
        "cluster",
        lambda stack, cluster: cluster.cluster_min_tasks >= 2,
        "clusterMinTasks must be at least 2 on a production stack, so a task or a zone can fail.",
    ),
}


def is_production(stack: StackSettings) -> bool:
    return stack.environment == PRODUCTION


def require_production_guarantees(stack: StackSettings, topology: Any) -> None:
    """Refuses a production stack whose settings break a guarantee of its topology."""
    if stack.environment not in ENVIRONMENTS:
        raise ValueError(f"environment must be one of {', '.join(ENVIRONMENTS)}, got {stack.environment!r}.")
    if not is_production(stack):
        return
    for guarantee in GUARANTEES.values():
        if guarantee.topology in (None, stack.topology) and not guarantee.holds(stack, topology):
            raise InsecureConfigError(guarantee.refusal)
