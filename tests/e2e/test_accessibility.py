"""Accessibility of the real site through nginx: axe-core's WCAG 2 A/AA rules (labels, colour
contrast, names, landmarks), keyboard-only use, and a 375-pixel-wide screen."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from localplatform.stack import REPO_ROOT
from tests.e2e.accounts import new_person, register_by_api
from tests.e2e.conftest import VIEWPORT
from tests.e2e.site import log_in_and_land_on_status

AXE = REPO_ROOT / "client" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A reset link's page shows its form only with a token in the fragment (any will do until sent).
PUBLIC_PAGES = ["/", "/about", "/register", "/login", "/forgot-password", f"/reset-password#token={'A' * 43}",
                "/reset-password", "/no-such-page"]


@pytest.fixture
def audited_page(browser, site_url):
    # axe is injected as a script, which the site's CSP rightly forbids; this context alone
    # bypasses CSP. The site's own CSP compliance is checked by test_front_security.
    context = browser.new_context(base_url=site_url, viewport=VIEWPORT, bypass_csp=True)
    yield context.new_page()
    context.close()


def violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(result => result.violations)", WCAG_AA)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})" for v in found]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_pass_wcag_aa(audited_page, path):
    audited_page.goto(path)
    expect(audited_page.get_by_role("main")).to_be_visible()
    audited_page.wait_for_load_state("networkidle")
    assert violations(audited_page) == []


def test_signed_in_pages_pass_wcag_aa(audited_page, site_url, site_admin):
    audited_page.goto("/")
    log_in_and_land_on_status(audited_page, site_admin)
    audited_page.wait_for_load_state("networkidle")
    assert violations(audited_page) == [], "status page"
    audited_page.get_by_role("button", name="Delete my account").click()
    # Focus moves to the field once the dialog has faded in; audited earlier, it is half transparent.
    expect(audited_page.get_by_role("dialog", name="Delete your account?").get_by_label("Password")).to_be_focused()
    assert violations(audited_page) == [], "delete my account dialog"
    audited_page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(audited_page.get_by_role("dialog")).to_have_count(0)
    audited_page.get_by_role("navigation").get_by_role("link", name="Admin").click()
    expect(audited_page.get_by_role("heading", name="Admin")).to_be_visible()
    audited_page.wait_for_load_state("networkidle")
    assert violations(audited_page) == [], "admin page"


def test_an_unconfirmed_members_banner_and_the_confirm_page_pass_wcag_aa(audited_page, site_url):
    person = new_person()
    register_by_api(site_url, person)
    audited_page.goto("/")
    log_in_and_land_on_status(audited_page, person)
    expect(audited_page.get_by_role("region", name="Email confirmation")).to_be_visible()
    audited_page.wait_for_load_state("networkidle")
    assert violations(audited_page) == [], "status page with the confirmation banner"
    audited_page.goto(f"/verify-email#token={'A' * 43}")
    confirm = audited_page.get_by_role("main").get_by_role("button", name="Confirm my email address")
    expect(confirm).to_be_visible()
    audited_page.wait_for_load_state("networkidle")
    assert violations(audited_page) == [], "a confirmation link waiting for its button"
    confirm.click()  # refused: the page offers a new link
    expect(audited_page.get_by_role("button", name="Send a new link")).to_be_visible()
    audited_page.wait_for_load_state("networkidle")
    assert violations(audited_page) == [], "a refused confirmation link"


def test_log_in_by_keyboard_alone(page, site_url):
    person = new_person()
    register_by_api(site_url, person)
    page.goto("/")
    expect(page.get_by_role("main")).to_be_visible()
    log_in_link = page.get_by_role("navigation").get_by_role("link", name="Log in")
    for _ in range(20):  # Tab through the page until the link has focus
        page.keyboard.press("Tab")
        if log_in_link.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the Log in link never received keyboard focus")
    page.keyboard.press("Enter")
    email = page.get_by_label("Email")
    expect(email).to_be_visible()
    email.focus()
    page.keyboard.type(person.email)
    page.keyboard.press("Tab")
    page.keyboard.type(person.password)
    page.keyboard.press("Enter")  # submits the form
    expect(page).to_have_url(re.compile(r"/status$"))
    expect(page.get_by_role("heading", name="My account", exact=True)).to_be_visible()


@pytest.mark.parametrize("path", ["/", "/about", "/register", "/login"])
def test_a_375_pixel_screen_needs_no_sideways_scrolling(browser, site_url, path):
    context = browser.new_context(base_url=site_url, viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        page.goto(path)
        expect(page.get_by_role("main")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        toggle = page.get_by_role("button", name=re.compile("navigation", re.IGNORECASE))
        expect(toggle).to_be_visible()  # the navbar collapses behind a toggle
    finally:
        context.close()


def test_every_page_has_a_language_and_a_title(page):
    page.goto("/")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page).to_have_title(re.compile(r"\S"))


def test_the_audit_catches_a_planted_violation(audited_page):
    """Guards the guard: an unlabelled input and grey-on-white text must be reported."""
    audited_page.goto("/login")
    expect(audited_page.get_by_role("main")).to_be_visible()
    audited_page.evaluate("""() => {
        const input = document.createElement('input');
        const faint = document.createElement('p');
        faint.textContent = 'barely visible';
        faint.setAttribute('style', 'color: #eee; background: #fff');
        document.querySelector('main').append(input, faint);
    }""")
    found = " ".join(violations(audited_page))
    assert "label" in found and "color-contrast" in found
