"""Which stack runs which topology, and what a cluster stack exports."""

import yaml
from pulumi_harness import REPO_ROOT, settled_run, stack_file


def test_dev_runs_on_one_host_and_prod_on_the_cluster():
    assert stack_file("dev")["users-platform:topology"] == "host"
    assert stack_file("prod")["users-platform:topology"] == "cluster"
    schema = yaml.safe_load((REPO_ROOT / "Pulumi.yaml").read_text())["config"]
    assert schema["topology"]["default"] == "host"


def test_the_cluster_exports_where_to_find_it(prod):
    exported = prod.exported
    assert set(exported) == {
        "url", "alb_dns_name", "cluster_name", "service_name", "db_endpoint", "db_instance_identifier",
        "alarm_topic_arn", "service_image", "web_image", "version",
        "mail_worker_service_name", "mail_dns_records", "mail_events_topic_arn", "source_commit",
    }  # fmt: skip
    assert exported["source_commit"] == prod.setting("sourceCommit")
    assert exported["url"] == f"https://{prod.setting('domain')}"
    assert exported["service_image"] == prod.setting("serviceImage") and exported["web_image"] == prod.setting("webImage")
    assert all(exported.values())


def test_each_topology_declares_only_its_own_resources(prod):
    host = settled_run("dev")
    cluster_only = ("aws:ecs/", "aws:rds/", "aws:lb/", "platform:cluster:")
    host_only = ("docker:", "aws:ebs/", "platform:host:", "platform:containers:")
    assert not [r.name for r in host.mocks.registrations.values() if r.typ.startswith(cluster_only)]
    assert host.of_type("platform:host:Host")
    assert not [r.name for r in prod.mocks.registrations.values() if r.typ.startswith(host_only)]
