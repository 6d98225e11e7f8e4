"""What a person does on the site, by role, label and visible text."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from localplatform.stack import REPO_ROOT
from tests.e2e.accounts import Person

SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"


def navigation(page: Page):
    return page.get_by_role("navigation")


def fill_register_form(page: Page, person: Person) -> None:
    navigation(page).get_by_role("link", name="Register").click()
    expect(page.get_by_role("heading", name="Register")).to_be_visible()
    page.get_by_label("Username").fill(person.username)
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password", exact=True).fill(person.password)
    expect(page.get_by_role("main").get_by_role("button", name="Register")).to_be_enabled()


def log_in(page: Page, email: str, password: str) -> None:
    navigation(page).get_by_role("link", name="Log in").click()
    fill_login_form(page, email, password)


def fill_login_form(page: Page, email: str, password: str) -> int:
    """Submit the Log in form and wait for the API's answer; returns its status."""
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_response(lambda response: response.url.endswith("/api/v1/auth/login")) as answer:
        page.get_by_role("main").get_by_role("button", name="Log in").click()
    return answer.value.status


def log_in_and_land_on_status(page: Page, person: Person) -> None:
    log_in(page, person.email, person.password)
    expect(page).to_have_url(re.compile(r"/status$"))
    expect(page.get_by_role("heading", name="My account", exact=True)).to_be_visible()


def log_out(page: Page) -> None:
    navigation(page).get_by_role("button", name="Log out").click()
    expect(page.get_by_text("Successfully logged out.")).to_be_visible()
    expect(navigation(page).get_by_role("link", name="Log in")).to_be_visible()


def account_detail(page: Page, term: str):
    """The value next to a term in the account card (a <dl>)."""
    return page.locator("dt", has_text=re.compile(f"^{re.escape(term)}$")).locator("xpath=following-sibling::dd[1]")


def bearer_tokens_seen(page: Page) -> list[str]:
    """Access tokens the app sends, collected from its own API requests."""
    tokens: list[str] = []

    def collect(request) -> None:
        authorization = request.headers.get("authorization", "")
        if authorization.startswith("Bearer "):
            tokens.append(authorization.removeprefix("Bearer "))

    page.on("request", collect)
    return tokens


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Key pages read best from the top, whatever the journey scrolled to.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=path)
    return path
