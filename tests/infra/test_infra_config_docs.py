"""The config the program reads is the config Pulumi.yaml declares and docs/deploy.md explains."""

import dataclasses
import re

import pulumi
import yaml
from pulumi_harness import REPO_ROOT, stack_file

from infra.cluster.settings import ClusterSettings
from infra.config import StackSettings
from infra.host.settings import HostSettings

NOT_CONFIG = {"project", "stack", "region"}


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


@pulumi.runtime.test
def test_every_setting_is_declared_typed_and_documented(deploy, stack_name):
    run = deploy(stack_name)
    project = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text())
    guide = (REPO_ROOT / "docs" / "deploy.md").read_text()

    def check():
        shared, host, cluster = ({field.name for field in dataclasses.fields(kind)} for kind in (StackSettings, HostSettings, ClusterSettings))
        # One reader per key: what both topologies read lives in StackSettings, each topology's own in its settings.
        assert not (shared & host or shared & cluster or host & cluster)
        assert run.program["topology_settings"] == HostSettings(**{name: getattr(run.program["topology_settings"], name) for name in host})
        fields = [*shared, *host, *cluster]
        read_by_program = {_camel(name) for name in fields if name not in NOT_CONFIG}
        schema = project["config"]
        assert read_by_program == set(schema)
        for key, spec in schema.items():
            assert spec.get("type") in {"string", "integer", "boolean", "array"} and spec.get("description"), key
            # Once: two rows for one key (one per topology) would drift apart.
            assert guide.count(f"| `{key}` |") == 1, f"{key} must have exactly one row in docs/deploy.md"
        assert "| `aws:region` |" in guide
        documented_stack_keys = {key.split(":", 1)[1] for key in stack_file(stack_name) if key.startswith("users-platform:")}
        assert documented_stack_keys <= set(schema)

    return run.settled(check)


@pulumi.runtime.test
def test_stack_files_hold_no_secret_and_the_project_runs_from_the_venv(deploy, stack_name):
    run = deploy(stack_name)
    text = (REPO_ROOT / f"Pulumi.{stack_name}.yaml").read_text()
    project = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text())

    def check():
        assert "secure:" not in text and "encryptionsalt" not in text
        assert not re.search(r"(?i)(password|secret|token|private)", re.sub(r"#.*", "", text))
        assert project["main"] == "infra/"
        assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
        assert run.program["settings"].stack == stack_name

    return run.settled(check)


def test_each_topology_reads_its_own_settings_and_shares_only_what_both_read():
    """Host-only keys live in infra/host/settings.py (HostSettings), as the cluster's in ClusterSettings."""
    host_only = {"instance_type", "ami_name", "postgres_image", "certbot_image", "docker_tunnel_port", "admin_cidrs", "daily_snapshots"}
    assert host_only <= {field.name for field in dataclasses.fields(HostSettings)}
    assert not host_only & {field.name for field in dataclasses.fields(StackSettings)}


def test_the_hosts_postgresql_major_is_rds_and_local_or_the_guide_says_why_not():
    """One major everywhere, unless docs/deploy.md explains the exception for the versions in force."""
    schema = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text())["config"]
    host_major = re.search(r":(\d+)", schema["postgresImage"]["default"].rsplit("/", 1)[-1])[1]
    rds_major = schema["dbEngineVersion"]["default"].split(".")[0]
    if host_major != rds_major:
        guide = (REPO_ROOT / "docs" / "deploy.md").read_text()
        assert f"Why the host runs PostgreSQL {host_major} while RDS and local development run {rds_major}" in guide
