"""A member's journeys through nginx in a real browser: register, log out and in, change
password, stay logged in across token expiry, and meet the login throttle."""
from __future__ import annotations

import re
import time

import requests
from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_password, new_person, register_by_api
from tests.e2e.conftest import ACCESS_TOKEN_TTL
from tests.e2e.site import (
    account_detail,
    bearer_tokens_seen,
    fill_login_form,
    fill_register_form,
    log_in_and_land_on_status,
    log_out,
    navigation,
    screenshot,
)

GENERIC_LOGIN_FAILURE = "Invalid email or password."


def test_register_lands_logged_in_and_status_shows_the_account(page: Page, site_url):
    person = new_person()
    page.goto("/")
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    fill_register_form(page, person)
    screenshot(page, "register")
    page.get_by_role("main").get_by_role("button", name="Register").click()

    expect(page).to_have_url(re.compile(r"/status$"))
    expect(page.get_by_text(f"Welcome, {person.username}! Successfully registered.")).to_be_visible()
    expect(account_detail(page, "Username")).to_have_text(person.username)
    expect(account_detail(page, "Email")).to_have_text(person.email)
    expect(account_detail(page, "Active")).to_have_text("Yes")
    expect(account_detail(page, "Admin")).to_have_text("No")
    expect(account_detail(page, "ID")).to_have_text(re.compile(r"^\d+$"))
    expect(navigation(page).get_by_role("button", name="Log out")).to_be_visible()
    screenshot(page, "status")

    navigation(page).get_by_role("link", name="Home").click()
    expect(page.get_by_role("list", name="Members").get_by_text(person.username)).to_be_visible()
    screenshot(page, "home")


def test_log_out_then_a_wrong_password_gets_the_generic_message_then_log_in_again(page: Page, site_url):
    person = new_person()
    register_by_api(site_url, person)
    page.goto("/")
    log_in_and_land_on_status(page, person)

    log_out(page)
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/status")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    assert fill_login_form(page, person.email, "Not-the-right-one-42") == 401
    expect(page.get_by_role("alert")).to_have_text(GENERIC_LOGIN_FAILURE)
    screenshot(page, "login-failed")
    # The same words for an address nobody registered: nothing to learn about who exists.
    assert fill_login_form(page, f"nobody-{person.email}", "Not-the-right-one-42") == 401
    expect(page.get_by_role("alert")).to_have_text(GENERIC_LOGIN_FAILURE)

    fill_login_form(page, person.email, person.password)
    expect(page).to_have_url(re.compile(r"/status$"))
    expect(account_detail(page, "Username")).to_have_text(person.username)


def test_changing_the_password_ends_the_other_session(sessions, site_url):
    person = new_person()
    register_by_api(site_url, person)
    old_page, _ = sessions.open()
    old_tokens = bearer_tokens_seen(old_page)
    old_page.goto("/")
    log_in_and_land_on_status(old_page, person)
    navigation(old_page).get_by_role("link", name="Home").click()
    expect(old_page.get_by_role("list", name="Members")).to_be_visible()
    assert old_tokens, "the app sent no bearer token"

    page, _ = sessions.open()
    page.goto("/")
    log_in_and_land_on_status(page, person)
    password = new_password()
    page.get_by_label("Current password").fill(person.password)
    page.get_by_label("New password").fill(password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()

    # The old session's access token and its refresh cookie are both dead.
    assert requests.get(f"{site_url}/api/v1/auth/status", timeout=10,
                        headers={"Authorization": f"Bearer {old_tokens[-1]}"}).status_code == 401
    old_page.goto("/status")
    expect(old_page.get_by_role("heading", name="Log in")).to_be_visible()
    assert fill_login_form(old_page, person.email, person.password) == 401
    expect(old_page.get_by_role("alert")).to_have_text(GENERIC_LOGIN_FAILURE)
    fill_login_form(old_page, person.email, password)
    expect(old_page).to_have_url(re.compile(r"/status$"))

    # The session that changed the password carries on.
    navigation(page).get_by_role("link", name="Home").click()
    navigation(page).get_by_role("link", name="Status").click()
    expect(account_detail(page, "Email")).to_have_text(person.email)


def test_the_access_token_expires_and_the_refresh_keeps_the_user_logged_in(page: Page, site_url):
    person = new_person()
    register_by_api(site_url, person)
    tokens = bearer_tokens_seen(page)
    refreshes: list[int] = []
    page.on("response", lambda response: response.url.endswith("/api/v1/auth/refresh")
            and refreshes.append(response.status))
    page.goto("/")
    log_in_and_land_on_status(page, person)
    navigation(page).get_by_role("link", name="Home").click()
    expect(page.get_by_role("list", name="Members")).to_be_visible()
    first_token = tokens[-1]

    # Stay on the page for more than two token lifetimes; the app refreshes on its own.
    deadline = time.monotonic() + 2 * ACCESS_TOKEN_TTL + 2
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
    assert refreshes.count(200) >= 2, refreshes
    assert requests.get(f"{site_url}/api/v1/auth/status", timeout=10,
                        headers={"Authorization": f"Bearer {first_token}"}).status_code == 401

    # Still logged in: an authenticated change goes through with the refreshed token.
    navigation(page).get_by_role("link", name="Status").click()
    new_username = f"{person.username}x"
    page.get_by_role("textbox", name="Username", exact=True).fill(new_username)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Profile updated.")).to_be_visible()
    expect(account_detail(page, "Username")).to_have_text(new_username)
    assert tokens[-1] != first_token


def test_throttled_login_attempts_show_the_wait_message(page: Page, site_url):
    person = new_person()
    register_by_api(site_url, person)
    page.goto("/")
    navigation(page).get_by_role("link", name="Log in").click()
    # LOGIN_MAX_FAILURES is 5: five failures, then even the right password must wait.
    for attempt in range(1, 6):
        assert fill_login_form(page, person.email, f"Wrong-password-{attempt}") == 401
        expect(page.get_by_role("alert")).to_have_text(GENERIC_LOGIN_FAILURE)

    assert fill_login_form(page, person.email, person.password) == 429
    expect(page.get_by_role("alert")).to_have_text(re.compile(r"^Too many attempts\. Try again in \d+ seconds?\.$"))
    screenshot(page, "login-throttled")
    expect(page).to_have_url(re.compile(r"/login$"))
