"""The host->cluster move of docs/deploy.md, under mocks: the host stack (renamed prod-host, its
resources still named as prod created them) and the new cluster `prod` exist side by side in one
account and region, first with the cluster on a temporary name and its own pinned mail domain, then
after the switch. At no step may the two declare the same physical thing: SES refuses a second
identity or configuration set of one name, Route 53 a second record of one name and type, and every
service a second resource of one name."""

from __future__ import annotations

import pytest
from pulumi_harness import HOST, REGION, Registration, settled_run

DOMAIN = "platform.example.com"
# What docs/deploy.md sets on the new stack while the host still serves DOMAIN and sends its mail.
BESIDE = {"domain": f"next.{DOMAIN}", "mailDomain": f"next.{DOMAIN}"}
# After the switch: the site's name and its mail domain, which the host's stack no longer holds.
SWITCHED = {"domain": DOMAIN, "mailDomain": DOMAIN}
# The one step of the move that deletes something from the host stack before the switch:
# `pulumi destroy --stack prod-host --target <its MailSending component> --target-dependents`.
HOST_MAIL_COMPONENT = "platform:mail:MailSending"
# The input that holds a resource's own name, where it is not `name`.
OWN_NAME = {
    "aws:sesv2/emailIdentity:EmailIdentity": "emailIdentity",
    "aws:sesv2/configurationSet:ConfigurationSet": "configurationSetName",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:rds/instance:Instance": "identifier",
}
# Types whose `name` input refers to another resource instead of naming this one.
NAME_IS_A_REFERENCE = {"aws:route53/record:Record"}


def physical_names(registrations: list[Registration]) -> set[tuple]:
    names = set()
    for r in registrations:
        if not r.typ.startswith("aws:"):
            continue  # Docker objects live on the host, nothing of the cluster's
        region = r.inputs.get("region") or REGION
        if r.typ == "aws:route53/record:Record":
            names.add((r.typ, r.inputs["zoneId"], r.inputs["name"].rstrip(".").lower(), r.inputs["type"]))
            continue
        key = OWN_NAME.get(r.typ, None if r.typ in NAME_IS_A_REFERENCE else "name")
        value = r.inputs.get(key) if key else None
        if isinstance(value, str) and value:
            names.add((r.typ, region, value))
    return names


@pytest.fixture(scope="module")
def host():
    """The host stack as prod created it (stack name prod, so its physical names)."""
    return list(settled_run("prod", HOST).mocks.registrations.values())


@pytest.mark.parametrize(("step", "cluster_settings", "host_keeps_its_mail"), [
    ("beside", BESIDE, True),
    ("switched", SWITCHED, False),
])
def test_the_two_stacks_never_declare_one_thing_twice(host, step, cluster_settings, host_keeps_its_mail):
    cluster = list(settled_run("prod", cluster_settings).mocks.registrations.values())
    remaining = host if host_keeps_its_mail else [r for r in host if HOST_MAIL_COMPONENT not in r.urn]
    assert physical_names(remaining) & physical_names(cluster) == set()
    # Not vacuous: both stacks hold mail resources and DNS records the check compares.
    assert any(r.typ == "aws:sesv2/emailIdentity:EmailIdentity" for r in cluster)
    assert any(r.typ == "aws:route53/record:Record" for r in cluster)


def test_without_pinning_the_mail_domain_the_new_stack_would_claim_the_hosts_identity(host):
    """The cluster's mail domain defaults to its domain; with the real domain before the switch it
    would ask SES for the identity the host still holds. The move pins it (BESIDE)."""
    cluster = list(settled_run("prod", {"domain": DOMAIN}).mocks.registrations.values())
    clashes = physical_names(host) & physical_names(cluster)
    assert ("aws:sesv2/emailIdentity:EmailIdentity", REGION, DOMAIN) in clashes
