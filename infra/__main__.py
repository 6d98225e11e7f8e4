"""One stack of the users platform. The Pulumi CLI runs this file from infra/ (Pulumi.yaml `main`);
`infra` is installed in the venv, so its modules import as a package here and in the tests."""

import pulumi

from infra.config import load_settings
from infra.host_topology import deploy_host_topology

settings = load_settings(pulumi.Config(), pulumi.Config("aws"), pulumi.get_project(), pulumi.get_stack())
stack = deploy_host_topology(settings)

for name, value in stack.outputs.items():
    pulumi.export(name, value)
