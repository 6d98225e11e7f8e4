"""One stack of the users platform, in the topology its config names: `host` (one EC2 host running
PostgreSQL, the service and nginx; infra/host/) or `cluster` (ECS on EC2 behind an ALB, with RDS;
infra/cluster/). The Pulumi CLI runs this file from infra/ (Pulumi.yaml `main`); `infra` is
installed in the venv, so its modules import as a package here and in the tests."""

import pulumi

from infra.cluster.settings import load_cluster_settings
from infra.cluster.topology import deploy_cluster_topology
from infra.config import load_settings
from infra.host.settings import load_host_settings
from infra.host.topology import deploy_host_topology
from infra.production import require_production_guarantees

settings = load_settings(pulumi.Config(), pulumi.Config("aws"), pulumi.get_project(), pulumi.get_stack())
if settings.topology == "cluster":
    topology_settings, deploy = load_cluster_settings(pulumi.Config(), settings), deploy_cluster_topology
else:
    topology_settings, deploy = load_host_settings(pulumi.Config(), settings), deploy_host_topology
# A stack is production by its `environment` setting, not its name (infra/production.py).
require_production_guarantees(settings, topology_settings)
stack = deploy(settings, topology_settings)

for name, value in stack.outputs.items():
    pulumi.export(name, value)
# What promote.yml checks out to deploy prod with the program dev ran (docs/deploy.md, section 5).
pulumi.export("source_commit", settings.source_commit)
