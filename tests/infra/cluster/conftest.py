"""One run of the program per cluster configuration, shared by every module here.

`settled_run` waits until every resource is registered, so the tests assert on the recorded
registrations as plain data and the suite stays at a few seconds per configuration.
"""

from __future__ import annotations

import pytest
from pulumi_harness import StackRun, settled_run

# The cheapest cluster the program accepts: one zone's NAT, a single-AZ database, one task, no WAF
# (on the dev stack, where no override is needed), and an imported certificate instead of Route 53.
MINIMAL = {
    "topology": "cluster",
    "clusterAmiName": "al2023-ami-ecs-hvm-2023.0.20241217-kernel-6.1-x86_64",
    "domain": "dev.platform.example.com",
    "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-imported",
    "clusterNatGateways": "single",
    "clusterMinInstances": 1,
    "clusterMinTasks": 1,
    "dbMultiAz": False,
    "dbInstanceClass": "db.t4g.micro",
    "wafEnabled": False,
    # The dev stack keeps its host's dumps 3 days; RDS needs at least 14 for point-in-time recovery.
    "backupRetentionDays": 14,
}


@pytest.fixture(scope="session")
def prod() -> StackRun:
    """Pulumi.prod.yaml exactly as committed: topology cluster."""
    return settled_run("prod")


@pytest.fixture(scope="session")
def minimal() -> StackRun:
    return settled_run("dev", MINIMAL)

