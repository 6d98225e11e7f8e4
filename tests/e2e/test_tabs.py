"""Two tabs of one browser share the refresh cookie: refreshing at the same moment must not log
either out. The refreshes are held at the network and released together, so without the
cross-tab lock they would reach the service with the same cookie at once."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_person, register_by_api
from tests.e2e.site import log_in_and_land_on_status

REFRESH = "**/api/v1/auth/refresh"
ROUNDS = 3


class HeldRefreshes:
    """Holds every refresh request until the test releases it, so concurrent ones go out together."""

    def __init__(self):
        self._held = []
        self.answers: list[int] = []

    def hold(self, route) -> None:
        self._held.append(route)

    def release(self) -> None:
        held, self._held = self._held, []
        for route in held:
            route.continue_()

    def record(self, response) -> None:
        if response.url.endswith("/api/v1/auth/refresh"):
            self.answers.append(response.status)


def test_two_tabs_refreshing_at_once_both_stay_logged_in(page: Page, site_url):
    person = new_person()
    register_by_api(site_url, person)
    page.goto("/")
    log_in_and_land_on_status(page, person)
    second = page.context.new_page()  # a second tab: same profile, same cookie jar

    refreshes = HeldRefreshes()
    page.context.route(REFRESH, refreshes.hold)
    page.context.on("response", refreshes.record)
    for _ in range(ROUNDS):
        # Both tabs load the site and ask for a session, then the held requests go out together.
        page.goto("/status", wait_until="commit")
        second.goto("/status", wait_until="commit")
        for _ in range(6):
            page.wait_for_timeout(250)
            refreshes.release()
        for tab in (page, second):
            expect(tab.get_by_role("heading", name="My account", exact=True)).to_be_visible()
            expect(tab).to_have_url(re.compile(r"/status$"))

    page.context.unroute(REFRESH)
    assert refreshes.answers and set(refreshes.answers) == {200}, refreshes.answers
    # The cookie the browser kept is the live one: a fresh load still signs in.
    page.reload()
    expect(page.get_by_role("heading", name="My account", exact=True)).to_be_visible()
