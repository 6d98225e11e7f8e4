"""The production-like stack, a real Chromium, and watched browser sessions for the journeys.

Test settings differ from production only where a journey needs it: a 5 s access token so
refreshing is exercised, and a higher nginx auth rate because every browser in the suite
shares 127.0.0.1 and refreshes every few seconds. bcrypt stays at production's 12 rounds.
"""
from __future__ import annotations

from contextlib import ExitStack

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from localplatform.throwaway_stack import create_admin, throwaway_stack
from tests.e2e.accounts import Person, new_person
from tests.e2e.browser_watch import BrowserWatch

ACCESS_TOKEN_TTL = 5
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
EXPECT_TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def site_stack():
    with throwaway_stack(
        "e2e",
        workers=3,
        service_env={"ACCESS_TOKEN_TTL": str(ACCESS_TOKEN_TTL)},
        rate_limits={"auth_rate_per_minute": 600, "auth_burst": 200},
    ) as stack:
        yield stack


@pytest.fixture(scope="package")
def site_url(site_stack) -> str:
    return site_stack.url


@pytest.fixture(scope="package")
def site_admin(site_stack) -> Person:
    """An admin made the operator's way: `python -m service create-admin`."""
    admin = new_person("admin")
    create_admin(site_stack, admin.username, admin.email, admin.password)
    return admin


@pytest.fixture(scope="package")
def browser() -> Browser:
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class BrowserSessions:
    """Fresh, isolated browser profiles (cookies and all), each watched for CSP violations."""

    def __init__(self, browser: Browser, base_url: str, cleanup: ExitStack):
        self._browser = browser
        self._base_url = base_url
        self._cleanup = cleanup
        self.watches: list[BrowserWatch] = []

    def open(self, user_agent: str | None = None):
        """A new profile; `user_agent` tells it apart in a session list (None: Chromium's own)."""
        context = self._browser.new_context(base_url=self._base_url, viewport=VIEWPORT, user_agent=user_agent)
        self._cleanup.callback(context.close)
        watch = BrowserWatch()
        watch.attach(context)
        self.watches.append(watch)
        page = context.new_page()
        page.set_default_timeout(EXPECT_TIMEOUT_MS)
        return page, watch


@pytest.fixture
def sessions(browser, site_url):
    with ExitStack() as cleanup:
        opened = BrowserSessions(browser, site_url, cleanup)
        yield opened
    problems = [problem for watch in opened.watches for problem in watch.problems()]
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(sessions):
    opened, _ = sessions.open()
    return opened
