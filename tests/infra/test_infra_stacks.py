"""Per-stack differences: prod protects its state and snapshots daily; every output exists."""

import pulumi
from pulumi_harness import SERVICE_IMAGE, SOURCE_COMMIT, WEB_IMAGE

STATEFUL = ("aws:ebs/volume:Volume", "aws:ec2/eip:Eip")
DLM = "aws:dlm/lifecyclePolicy:LifecyclePolicy"


@pulumi.runtime.test
def test_prod_protects_stateful_resources_and_snapshots_daily(deploy):
    run = deploy("prod")

    def check():
        stateful = [r for typ in STATEFUL for r in run.of_type(typ)]
        assert len(stateful) == 2
        for registration in stateful:
            assert registration.protect, f"{registration.name} is not protected"
        (policy,) = run.of_type(DLM)
        details = policy.inputs["policyDetails"]
        (volume,) = run.of_type("aws:ebs/volume:Volume")
        assert details["resourceTypes"] == ["VOLUME"]
        assert details["targetTags"].items() <= volume.inputs["tags"].items()
        (schedule,) = details["schedules"]
        assert schedule["createRule"]["interval"] == 24 and schedule["createRule"]["intervalUnit"] == "HOURS"
        assert schedule["retainRule"] == {"interval": run.setting("snapshotRetentionDays"), "intervalUnit": "DAYS"}
        assert policy.inputs["state"] == "ENABLED"

    return run.settled(check)


@pulumi.runtime.test
def test_dev_is_disposable_without_protection_but_still_snapshotted(deploy):
    run = deploy("dev")

    def check():
        protected = [r.name for r in run.mocks.registrations.values() if r.protect]
        # Only the generated secrets whose rotation would break the service (test_infra_secrets).
        assert sorted(protected) == ["users-platform-dev-secrets-db-password", "users-platform-dev-secrets-password-pepper",
                                     "users-platform-dev-secrets-secret-key"]
        (policy,) = run.of_type(DLM)
        (schedule,) = policy.inputs["policyDetails"]["schedules"]
        assert schedule["retainRule"] == {"interval": run.setting("snapshotRetentionDays"), "intervalUnit": "DAYS"}

    return run.settled(check)


@pulumi.runtime.test
def test_all_outputs_exist(deploy, stack_name):
    run = deploy(stack_name)
    outputs = run.outputs()
    names = ("url", "public_ip", "instance_id", "docker_tunnel_port", "version", "service_image", "web_image")
    names += ("backup_bucket", "log_group", "mail_dns_records", "mail_events_topic_arn", "source_commit")

    def check(values):
        assert set(outputs) == set(names)
        resolved = dict(zip(names, values, strict=True))
        assert all(resolved.values())
        domain = run.setting("domain")
        assert resolved["url"] == (f"https://{domain}" if domain else f"http://{resolved['public_ip']}")
        assert resolved["service_image"] == SERVICE_IMAGE and resolved["web_image"] == WEB_IMAGE
        # promote.yml reads it back from dev to check out the program dev ran.
        assert resolved["source_commit"] == SOURCE_COMMIT
        assert resolved["docker_tunnel_port"] == str(run.setting("dockerTunnelPort"))
        assert resolved["backup_bucket"] == f"users-platform-{stack_name}-backups-123456789012"
        assert resolved["log_group"] == f"/users-platform/{stack_name}/containers"

    return pulumi.Output.all(*[outputs[name] for name in names]).apply(lambda values: run.settled(lambda: check(values)))
