"""Certificates on the host: with a domain, certbot runs in its own container beside nginx and
shares only the ACME webroot and the TLS directory with it."""

import os
import subprocess
from pathlib import Path

import pulumi

from infra.host.certificates import RENEW_LOOP

CONTAINER = "docker:index/container:Container"
NGINX_GROUP = 101 if os.geteuid() == 0 else os.getegid()


def container(run, name: str):
    (found,) = [c for c in run.of_type(CONTAINER) if c.inputs["name"] == name]
    return found


def mounts(registration) -> set[tuple[str, str, bool]]:
    return {(v["hostPath"], v["containerPath"], bool(v.get("readOnly"))) for v in registration.inputs["volumes"]}


@pulumi.runtime.test
def test_certbot_issues_and_renews_only_when_the_stack_has_a_domain(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        names = {c.inputs["name"] for c in run.of_type(CONTAINER)}
        domain = run.setting("domain")
        if not domain:
            assert "platform-certbot" not in names
            return
        certbot = container(run, "platform-certbot")
        (image,) = [i for i in run.of_type("docker:index/remoteImage:RemoteImage") if i.inputs["name"] == run.setting("certbotImage")]
        assert certbot.inputs["image"] == image.inputs["name"]
        assert certbot.inputs["entrypoints"] == ["/bin/sh", "-c"] and certbot.inputs["command"] == [RENEW_LOOP]
        assert f"DOMAIN={domain}" in certbot.inputs["envs"]
        assert f"ACME_EMAIL={run.setting('alarmEmail')}" in certbot.inputs["envs"]
        assert mounts(certbot) == {
            ("/srv/pgdata/letsencrypt", "/etc/letsencrypt", False),
            ("/srv/platform/acme", "/var/www/acme", False),
            ("/srv/platform/tls", "/tls", False),
        }
        assert certbot.inputs["restart"] == "unless-stopped"
        (network,) = certbot.inputs["networksAdvanced"]
        assert network["name"].endswith("-platform-frontend-id"), "certbot reaches the CA, never the backend"

    return run.settled(check)


@pulumi.runtime.test
def test_nginx_reads_the_challenge_webroot_and_certificates_it_cannot_change(deploy, stack_name):
    run = deploy(stack_name)

    def check():
        web = container(run, "platform-web")
        assert {("/srv/platform/tls", "/etc/nginx/tls", True), ("/srv/platform/acme", "/var/www/acme", True)} <= mounts(web)

    return run.settled(check)


def run_one_pass(tmp_path: Path, certbot_body: str) -> tuple[str, Path]:
    """One pass of the real loop under sh, with certbot and sleep stubbed on PATH (no CA here)."""
    bin_dir, letsencrypt, tls = tmp_path / "bin", tmp_path / "letsencrypt", tmp_path / "tls"
    for directory in (bin_dir, letsencrypt, tls):
        directory.mkdir(exist_ok=True)
    (bin_dir / "certbot").write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path}/certbot.args\n{certbot_body}\n")
    # The loop's sleep ends the pass: it records the pause and stops the loop's shell.
    (bin_dir / "sleep").write_text(f"#!/bin/sh\necho $1 > {tmp_path}/pause\nkill -TERM $PPID\n")
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    environment = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "DOMAIN": "platform.example.com",
        "ACME_EMAIL": "",
        "LETSENCRYPT_DIR": str(letsencrypt),
        "TLS_DIR": str(tls),
        # The image runs as root and hands the key to nginx's gid 101; without root, our own group.
        "NGINX_GID": str(NGINX_GROUP),
    }
    subprocess.run(["sh", "-c", RENEW_LOOP], env=environment, timeout=30, capture_output=True)
    return (tmp_path / "certbot.args").read_text(), tls


def test_a_pass_asks_for_a_certificate_only_when_due_and_hands_nginx_a_key_only_it_reads(tmp_path):
    live = tmp_path / "letsencrypt" / "live" / "platform"
    issue = f"mkdir -p {live} && echo chain > {live}/fullchain.pem && echo key > {live}/privkey.pem"
    arguments, tls = run_one_pass(tmp_path, issue)
    assert "certonly --webroot --webroot-path /var/www/acme --domain platform.example.com --cert-name platform" in arguments
    assert "--keep-until-expiring" in arguments and "--register-unsafely-without-email" in arguments
    assert (tls / "fullchain.pem").read_text() == "chain\n"
    key = (tls / "privkey.pem").stat()
    assert (key.st_mode & 0o777, key.st_gid) == (0o640, NGINX_GROUP), "readable by nginx-unprivileged (gid 101) only"
    assert sorted(path.name for path in tls.iterdir()) == ["fullchain.pem", "privkey.pem"]
    assert (tmp_path / "pause").read_text().strip() == str(12 * 3600)


def test_a_failed_attempt_is_retried_within_the_hour_and_copies_nothing(tmp_path):
    _, tls = run_one_pass(tmp_path, "exit 1")
    assert list(tls.iterdir()) == []
    assert (tmp_path / "pause").read_text().strip() == str(15 * 60)
