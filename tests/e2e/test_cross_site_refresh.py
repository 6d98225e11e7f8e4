"""A page on another site cannot log a visitor out of ours by posting a form to /auth/refresh.

The form's POST carries no refresh cookie (SameSite=Strict), but it is a top-level navigation, so
Chromium applies whatever Set-Cookie the answer holds: a clearing one would end the session."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.accounts import new_person, register_by_api
from tests.e2e.site import log_in_and_land_on_status, navigation

ATTACKER = "http://attacker.test"


def refresh_cookies(page) -> list[dict]:
    return [cookie for cookie in page.context.cookies() if cookie["name"].endswith("refresh_token")]


def test_a_cross_site_form_post_to_refresh_leaves_the_session_alone(sessions, site_url):
    person = new_person()
    register_by_api(site_url, person)
    page, _ = sessions.open()
    page.goto("/")
    log_in_and_land_on_status(page, person)
    [before] = refresh_cookies(page)

    # The attacker's page: one button that posts an empty form to our refresh route.
    page.route(f"{ATTACKER}/**", lambda route: route.fulfill(content_type="text/html", body=(
        f'<!doctype html><title>Prize</title><form method="post" action="{site_url}/api/v1/auth/refresh">'
        f'<button>Claim your prize</button></form>')))
    page.goto(f"{ATTACKER}/")
    with page.expect_navigation(url=f"{site_url}/api/v1/auth/refresh") as navigated:
        page.get_by_role("button", name="Claim your prize").click()
    answer = navigated.value
    assert answer.request.all_headers()["origin"] == ATTACKER  # sent from the other site

    assert refresh_cookies(page) == [before]
    page.goto("/status")  # a fresh load: the session comes back from the refresh cookie alone
    expect(page).to_have_url(re.compile(r"/status$"))
    expect(page.get_by_role("heading", name="My account", exact=True)).to_be_visible()
    expect(navigation(page).get_by_role("button", name="Log out")).to_be_visible()
    # Why: the form's POST was refused before any cookie work, and its answer set no cookie.
    assert answer.status == 415
    assert "set-cookie" not in answer.headers
