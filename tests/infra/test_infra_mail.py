"""Mail on the host topology: the SES identity and its DNS, the events topic, the one send permission,
and the mail worker that uses it (infra/mail.py, infra/host/mail_credentials.py, infra/host/containers.py).

The SES resources are the same module the cluster uses; tests/infra/cluster/test_cluster_mail.py
checks how the cluster wires them."""

import json
import re
import stat
import subprocess
import sys

from pulumi_harness import ACCOUNT_ID, DKIM_TOKENS, REGION, REPO_ROOT

from infra.mail import configuration_set_name
from service.runtime.settings import load_settings

IDENTITY = "aws:sesv2/emailIdentity:EmailIdentity"
CONFIGURATION_SET = "aws:sesv2/configurationSet:ConfigurationSet"
EVENT_DESTINATION = "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination"
MAIL_FROM = "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes"
RECORD = "aws:route53/record:Record"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
CONTAINER = "docker:index/container:Container"


def _mail_domain(run) -> str:
    return run.setting("mailDomain") or run.setting("domain")


def _only(run, typ):
    (found,) = run.of_type(typ)
    return found


def _containers(run) -> dict:
    return {c.inputs["name"]: c for c in run.of_type(CONTAINER)}


def _env(container) -> dict[str, str]:
    return dict(item.split("=", 1) for item in container.inputs["envs"])


def test_the_identity_is_the_mail_domain_signed_by_easy_dkim_with_its_configuration_set(settled_stack):
    run = settled_stack
    identity, configuration_set = _only(run, IDENTITY), _only(run, CONFIGURATION_SET)
    assert identity.inputs["emailIdentity"] == _mail_domain(run)
    # Easy DKIM: SES keeps the keys; a private key here would be BYODKIM, in the state.
    assert identity.inputs["dkimSigningAttributes"] == {"nextSigningKeyLength": "RSA_2048_BIT"}
    # The default configuration set, so every message from the identity publishes its events.
    assert identity.inputs["configurationSetName"] == configuration_set.inputs["configurationSetName"]
    assert configuration_set.inputs["deliveryOptions"] == {"tlsPolicy": "REQUIRE"}
    assert configuration_set.inputs["suppressionOptions"] == {"suppressedReasons": ["BOUNCE", "COMPLAINT"]}
    assert configuration_set.inputs["sendingOptions"] == {"sendingEnabled": True}


def test_bounces_and_complaints_reach_an_encrypted_topic_only_ses_publishes_to(settled_stack):
    run = settled_stack
    destination = _only(run, EVENT_DESTINATION)
    configuration_set = _only(run, CONFIGURATION_SET)
    assert destination.inputs["configurationSetName"] == configuration_set.inputs["configurationSetName"]
    event_destination = destination.inputs["eventDestination"]
    # The provider's default is a disabled destination, which publishes nothing.
    assert event_destination["enabled"] is True
    assert {"BOUNCE", "COMPLAINT"} <= set(event_destination["matchingEventTypes"])
    assert not {"OPEN", "CLICK"} & set(event_destination["matchingEventTypes"])
    (topic,) = [t for t in run.of_type("aws:sns/topic:Topic") if t.name.endswith("-mail-events")]
    topic_arn = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{topic.name}"
    assert event_destination["snsDestination"] == {"topicArn": topic_arn}
    (key,) = [k for k in run.of_type("aws:kms/key:Key") if k.name == topic.name]
    assert topic.inputs["kmsMasterKeyId"] == f"arn:aws:mock:{REGION}:{ACCOUNT_ID}:{key.name}"
    assert key.inputs["enableKeyRotation"] is True
    ses_uses_key = [s for s in json.loads(key.inputs["policy"])["Statement"] if s["Principal"] == {"Service": "ses.amazonaws.com"}]
    assert ses_uses_key and ses_uses_key[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}
    (topic_policy,) = json.loads(_only(run, "aws:sns/topicPolicy:TopicPolicy").inputs["policy"])["Statement"]
    assert topic_policy["Principal"] == {"Service": "ses.amazonaws.com"} and topic_policy["Action"] == "sns:Publish"
    assert topic_policy["Resource"] == topic_arn
    # The destination is created once SES may publish, or AWS refuses it.
    assert any(dep.endswith("-mail-events") and "topicPolicy" in dep for dep in destination.dependencies)
    subscriptions = [s for s in run.of_type("aws:sns/topicSubscription:TopicSubscription") if s.name.endswith("-mail-events-email")]
    if run.setting("mailEventsEmail"):
        (subscription,) = subscriptions
        assert subscription.inputs["endpoint"] == run.setting("mailEventsEmail")
        assert subscription.inputs["topic"] == topic_arn
    else:
        assert subscriptions == []
    assert run.exported["mail_events_topic_arn"] == topic_arn


def test_dkim_and_mail_from_records_go_to_route53_only_when_a_zone_is_given(settled_stack):
    run = settled_stack
    domain, zone = _mail_domain(run), run.setting("hostedZoneId")
    expected = [
        {"name": f"{token}._domainkey.{domain}", "type": "CNAME", "value": f"{token}.dkim.amazonses.com"}
        for token in DKIM_TOKENS
    ]
    # Always exported, for DNS that is not in Route 53.
    assert run.exported["mail_dns_records"] == expected
    mail_records = [r for r in run.of_type(RECORD) if "-mail-" in r.name]
    if not zone:
        assert mail_records == [] and run.of_type(MAIL_FROM) == []
        return
    published = {(r.inputs["type"], r.inputs["name"], tuple(r.inputs["records"])) for r in mail_records}
    bounce = f"bounce.{domain}"
    assert published == {
        *(("CNAME", record["name"], (record["value"],)) for record in expected),
        ("MX", bounce, (f"10 feedback-smtp.{REGION}.amazonses.com",)),
        ("TXT", bounce, ("v=spf1 include:amazonses.com ~all",)),
    }
    assert all(r.inputs["zoneId"] == zone for r in mail_records)
    mail_from = _only(run, MAIL_FROM)
    assert mail_from.inputs == {
        "emailIdentity": domain,
        "mailFromDomain": bounce,
        "behaviorOnMxFailure": "USE_DEFAULT_VALUE",
    }


def test_only_the_mail_role_may_send_and_only_as_mail_from_through_its_identity(settled_stack, stack_name):
    run = settled_stack
    prefix = f"users-platform-{stack_name}"
    domain = _mail_domain(run)
    policies = {p.name: p for p in run.of_type(ROLE_POLICY)}
    send = json.loads(policies[f"{prefix}-mail-sender-send"].inputs["policy"])
    (statement,) = send["Statement"]
    # SESv2 SendEmail with Raw content is authorized as ses:SendRawEmail (django-anymail#384).
    assert sorted(statement["Action"]) == ["ses:SendEmail", "ses:SendRawEmail"]
    assert sorted(statement["Resource"]) == sorted([
        f"arn:aws:ses:{REGION}:{ACCOUNT_ID}:identity/{domain}",
        f"arn:aws:ses:{REGION}:{ACCOUNT_ID}:configuration-set/{configuration_set_name(domain)}",
    ])
    assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": f"no-reply@{domain}"}}
    # Nothing else in the stack can send: no other policy names an SES action.
    for name, policy in policies.items():
        if name != f"{prefix}-mail-sender-send":
            assert '"ses:' not in policy.inputs["policy"], name
    # The role trusts the host's role only, and the host's role may do nothing but assume it.
    (mail_role,) = [r for r in run.of_type(ROLE) if r.name == f"{prefix}-mail-sender"]
    assert mail_role.inputs["name"] == f"{prefix}-mail-sender"
    assert policies[f"{prefix}-mail-sender-send"].inputs["role"] == mail_role.inputs["name"]
    (trust,) = json.loads(mail_role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/{prefix}-host-role"}
    assume = policies[f"{prefix}-mail-sender-assume"]
    assert assume.inputs["role"] == f"{prefix}-host-role"
    assert json.loads(assume.inputs["policy"])["Statement"] == [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{ACCOUNT_ID}:role/{prefix}-mail-sender"}
    ]


def test_the_host_refreshes_the_mail_roles_keys_for_the_worker_alone(settled_stack, stack_name):
    run = settled_stack
    (instance,) = run.of_type("aws:ec2/instance:Instance")
    user_data = instance.inputs["userData"]
    role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/users-platform-{stack_name}-mail-sender"
    # The ARN the user data assumes is the role the program declares (a fixed name, written before it exists).
    assert f"--role-arn {role_arn}" in user_data
    assert "--duration-seconds 3600" in user_data
    assert "OnUnitActiveSec=15min" in user_data and "systemctl enable --now platform-mail-credentials.timer" in user_data
    # botocore refreshes process credentials only when they carry an Expiration, and needs Version 1.
    assert "Version: `1`" in user_data and "Expiration: Credentials.Expiration" in user_data
    assert "credential_process = cat /run/aws-mail/credentials.json" in user_data
    assert "install -d -m 0750 -o root -g 10001 /srv/platform/mail-credentials" in user_data
    # The service image's user is the group that may read the keys.
    dockerfile = (REPO_ROOT / "service" / "Dockerfile").read_text()
    assert "--gid 10001" in dockerfile and "USER 10001:10001" in dockerfile
    # Everything else in the user data runs before Docker starts; this must not block or fail the boot.
    assert not re.search(r"^/usr/local/sbin/refresh-mail-credentials", user_data, re.MULTILINE)


def test_the_mail_worker_runs_the_service_image_with_the_service_settings(settled_stack, stack_name):
    run = settled_stack
    containers = _containers(run)
    service, worker = containers["platform-service"], containers["platform-mail-worker"]
    assert worker.inputs["image"] == service.inputs["image"]
    assert worker.inputs["command"] == ["python", "-m", "service", "mail-worker"]
    assert worker.inputs["restart"] == "unless-stopped"
    service_env, worker_env = _env(service), _env(worker)
    shared = ("APP_ENV", "DATABASE_URL", "SECRET_KEY", "PASSWORD_PEPPER", "PUBLIC_URL", "MAIL_URL", "MAIL_FROM", "MAIL_SES_CONFIGURATION_SET")
    assert {k: worker_env[k] for k in shared} == {k: service_env[k] for k in shared}
    domain = _mail_domain(run)
    assert worker_env["MAIL_URL"] == f"ses://{REGION}"
    assert worker_env["MAIL_FROM"] == f"Users platform <no-reply@{domain}>"
    assert worker_env["MAIL_SES_CONFIGURATION_SET"] == configuration_set_name(_mail_domain(run))
    # Its AWS keys come from the mounted file only; the service container gets none.
    assert worker_env["AWS_CONFIG_FILE"] == "/run/aws-mail/config"
    assert worker_env["AWS_EC2_METADATA_DISABLED"] == "true"
    assert not any(key.startswith("AWS_") for key in service_env)
    assert worker.inputs["mounts"] == [
        {"type": "bind", "source": "/srv/platform/mail-credentials", "target": "/run/aws-mail", "readOnly": True}
    ]
    assert "mounts" not in service.inputs or all(m["source"] != "/srv/platform/mail-credentials" for m in service.inputs["mounts"])
    # PostgreSQL on the internal network, and a way out to SES that nothing else shares.
    networks = {n.inputs["name"]: n for n in run.of_type("docker:index/network:Network")}
    joined = {name for name, network in networks.items() if f"{network.name}-id" in {a["name"] for a in worker.inputs["networksAdvanced"]}}
    assert joined == {"platform-backend", "platform-outbound"}
    assert not networks["platform-outbound"].inputs.get("internal")
    for name, container in containers.items():
        if name != "platform-mail-worker":
            assert f"{networks['platform-outbound'].name}-id" not in {a["name"] for a in container.inputs["networksAdvanced"]}, name
    # Its own heartbeat, not the image's check (the API, which the worker does not serve).
    assert worker.inputs["healthcheck"]["tests"] == ["CMD", "python", "-m", "service", "mail-worker-health", "--max-age", "120"]
    # Started once the role it assumes and its grants exist.
    for suffix in ("Role::users-platform-{0}-mail-sender", "RolePolicy::users-platform-{0}-mail-sender-send",
                   "RolePolicy::users-platform-{0}-mail-sender-assume"):
        assert any(dep.endswith(suffix.format(stack_name)) for dep in worker.dependencies), suffix


def test_docker_gives_the_service_and_the_worker_longer_than_graceful_timeout_to_stop(settled_stack):
    containers = _containers(settled_stack)
    graceful = load_settings({}).graceful_timeout
    for name in ("platform-service", "platform-mail-worker"):
        inputs = containers[name].inputs
        # docker stop (and a host shutdown) waits stop_timeout, 10 s by default.
        assert inputs["stopTimeout"] > graceful, name
        # The provider deletes a container with SIGKILL unless destroy_grace_seconds asks it to stop first.
        assert inputs["destroyGraceSeconds"] > graceful, name


def test_ses_reputation_alarms_notify_the_alarm_topic(settled_stack, stack_name):
    run = settled_stack
    (topic,) = [t for t in run.of_type("aws:sns/topic:Topic") if t.name == f"users-platform-{stack_name}-observability-alarms"]
    topic_arn = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{topic.name}"
    alarms = {r.inputs["metricName"]: r.inputs for r in run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if r.inputs.get("namespace") == "AWS/SES"}
    # SES reviews an account at a 5 % bounce or 0.1 % complaint rate.
    assert {name: alarm["threshold"] for name, alarm in alarms.items()} == {"Reputation.BounceRate": 0.05, "Reputation.ComplaintRate": 0.001}
    for alarm in alarms.values():
        assert alarm["alarmActions"] == [topic_arn] == alarm["okActions"]
        assert alarm["comparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["treatMissingData"] == "notBreaching"


# The refresh script itself, run by bash as systemd would. `aws` is a stand-in that answers with a
# real STS response passed through the script's own --query (JMESPath, as the CLI applies it);
# `chgrp` and `sleep` are stand-ins so the test needs no group 10001 and no 150 s of retries.
AWS_STUB = """#!{python}
import json, pathlib, sys
import jmespath
calls = pathlib.Path(sys.argv[0]).with_name("calls")
with calls.open("a") as log:
    print(*sys.argv[1:], file=log)
if len(calls.read_text().splitlines()) <= {failures}:
    sys.exit(254)  # what the CLI exits with while the instance profile does not work yet
sts = {{"Credentials": {{"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret", "SessionToken": "token",
                         "Expiration": "2099-01-01T00:00:00+00:00"}}}}
print(json.dumps(jmespath.search(sys.argv[sys.argv.index("--query") + 1], sts)))
"""


def refresh_mail_credentials(tmp_path, failures: int) -> subprocess.CompletedProcess[str]:
    from infra.host.layout import MAIL_CREDENTIALS_DIR
    from infra.host.mail_credentials import mail_credentials_script

    rendered = mail_credentials_script(role_arn=f"arn:aws:iam::{ACCOUNT_ID}:role/mail-sender", region=REGION)
    script = rendered.split("<<'REFRESH'\n", 1)[1].split("\nREFRESH\n", 1)[0]
    script = script.replace(MAIL_CREDENTIALS_DIR, str(tmp_path / "keys"))
    (tmp_path / "keys").mkdir()
    stubs = tmp_path / "bin"
    stubs.mkdir()
    for name, body in (("aws", AWS_STUB.format(python=sys.executable, failures=failures)),
                       ("chgrp", '#!/bin/sh\necho "$@" >> "$(dirname "$0")/chgrp.calls"\n'), ("sleep", "#!/bin/sh\n")):
        (stubs / name).write_text(body)
        (stubs / name).chmod(0o755)
    return subprocess.run(["bash", "-c", script], env={"PATH": f"{stubs}:/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60)


def test_the_refresh_writes_keys_botocore_reads_and_refreshes_after_retrying_a_slow_profile(tmp_path):
    from botocore.credentials import ProcessProvider, RefreshableCredentials

    result = refresh_mail_credentials(tmp_path, failures=2)
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "bin" / "calls").read_text().splitlines()) == 3
    keys = tmp_path / "keys" / "credentials.json"
    assert sorted(p.name for p in keys.parent.iterdir()) == ["credentials.json"]  # renamed into place
    assert stat.S_IMODE(keys.stat().st_mode) == 0o640
    assert (tmp_path / "bin" / "chgrp.calls").read_text() == f"10001 {keys}.new\n"
    # What the worker's SDK does with the config the host writes: run the process, parse its output.
    provider = ProcessProvider("default", lambda: {"profiles": {"default": {"credential_process": f"cat {keys}"}}})
    credentials = provider.load()
    assert isinstance(credentials, RefreshableCredentials)  # an Expiration, so botocore refreshes
    assert (credentials.access_key, credentials.secret_key, credentials.token) == ("ASIAEXAMPLE", "secret", "token")


def test_a_role_that_never_works_fails_the_unit_and_leaves_no_keys(tmp_path):
    result = refresh_mail_credentials(tmp_path, failures=100)
    assert result.returncode == 1
    assert len((tmp_path / "bin" / "calls").read_text().splitlines()) == 30
    assert not (tmp_path / "keys" / "credentials.json").exists()


def test_the_configuration_set_is_named_after_its_domain_within_what_ses_accepts():
    """SESv2 CreateConfigurationSet: up to 64 letters, digits, hyphens and underscores."""
    long_domain = ".".join(["sub" + str(n) for n in range(20)]) + ".example.com"
    for domain in ("platform.example.com", long_domain):
        name = configuration_set_name(domain)
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name), name
    assert configuration_set_name("platform.example.com") == "mail-platform-example-com"
    assert configuration_set_name(long_domain) != configuration_set_name(long_domain.replace("sub19", "sub18"))
