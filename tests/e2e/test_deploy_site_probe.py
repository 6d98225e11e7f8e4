"""The e2e-deploy workflow's site probe, run against the real production-like stack (nginx in front).

The workflow cannot run here (it needs an AWS account); its probe can, so each of its steps is
proven against a real site: health, register, log in and find the same account again.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from infra import site_probe
from localplatform.throwaway_stack import throwaway_stack
from tests.e2e.accounts import new_person

REPO_ROOT = Path(__file__).resolve().parents[2]


def _probe(*args: str, password: str) -> subprocess.CompletedProcess:
    # As the workflow runs it: a module of the checked-out repo, password in the environment only.
    return subprocess.run(
        [sys.executable, "-m", "infra.site_probe", *args],
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", "SITE_PROBE_PASSWORD": password},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_probe_registers_then_logs_in_through_the_site(site_url):
    person = new_person("probe")
    identity = ("--username", person.username, "--email", person.email)
    assert _probe("wait", site_url, "--timeout", "30", password="").returncode == 0
    registered = _probe("register", site_url, *identity, password=person.password)
    assert registered.returncode == 0, registered.stderr
    logged_in = _probe("login", site_url, *identity, password=person.password)
    assert logged_in.returncode == 0, logged_in.stderr
    assert person.password not in logged_in.stdout + logged_in.stderr


def test_the_probe_fails_loudly_on_a_wrong_password_or_a_second_registration(site_url):
    person = new_person("probe")
    identity = ("--username", person.username, "--email", person.email)
    assert _probe("register", site_url, *identity, password=person.password).returncode == 0
    again = _probe("register", site_url, *identity, password=person.password)
    assert again.returncode == 1 and "register answered 409" in again.stderr
    wrong = _probe("login", site_url, *identity, password=person.password + "x")
    assert wrong.returncode == 1 and "login answered 401" in wrong.stderr


def test_waiting_gives_up_when_the_site_never_becomes_healthy():
    ticks = iter(range(0, 1000, 10))
    with pytest.raises(site_probe.ProbeFailed, match="not healthy after 25s"):
        site_probe.wait_healthy("http://127.0.0.1:9", 25, clock=lambda: next(ticks), sleep=lambda _: None)


@pytest.fixture(scope="module")
def verifying_site_url():
    """A site as production runs it by default: login needs a confirmed address. One worker: it
    serves two requests."""
    with throwaway_stack("probe-verify", workers=1, service_env={"REQUIRE_VERIFIED_EMAIL": "true"}) as stack:
        yield stack.url


def test_the_probe_says_what_to_do_when_the_site_requires_a_confirmed_address(verifying_site_url):
    person = new_person("probe")
    identity = ("--username", person.username, "--email", person.email)
    assert _probe("register", verifying_site_url, *identity, password=person.password).returncode == 0
    refused = _probe("login", verifying_site_url, *identity, password=person.password)
    assert refused.returncode == 1
    assert "login answered 403 email_unverified" in refused.stderr
    assert f"{person.email} was never confirmed" in refused.stderr
    assert "pulumi config set requireVerifiedEmail false --stack <stack>" in refused.stderr
    assert "confirm the address" in refused.stderr
    assert person.password not in refused.stdout + refused.stderr
