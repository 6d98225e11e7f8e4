"""Drive the built site against the real service in headless Chromium.

Walks what a person does (register, reload, change password, log out, log in, admin actions),
under the production CSP, and reports what the budgets and the README need:
  - first render of the home page (member list on screen), median of cold loads;
  - CSP violations, requests to other origins, tokens in storage or readable cookies;
  - horizontal overflow at 375 px;
  - docs/screenshots/home.png and docs/screenshots/admin.png.

Needs Playwright (Python) and Debian's chromium. With the service on BASE (e.g. `make run`) and an
admin created by `python -m service create-admin`:
  ADMIN_EMAIL=... ADMIN_PASSWORD=... python client/scripts/site_check.py http://127.0.0.1:8080
"""
from __future__ import annotations

import json
import os
import re
import secrets
import statistics
import sys
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page, expect, sync_playwright

CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ACCEPTED = re.compile("^✓ Hard enough to guess$")
# Records when the member list first shows, in page time (ms since navigation start).
RENDER_PROBE = """
new MutationObserver((_, observer) => {
  if (document.querySelector('ul[aria-label=Members] li')) {
    window.__membersAt = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true});
"""


def with_csp(route):
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})


def first_render_ms(browser, base: str, runs: int = 7) -> dict:
    rendered, painted = [], []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.add_init_script(RENDER_PROBE)
        page.goto(base + "/")
        page.wait_for_selector("ul[aria-label=Members] li")
        rendered.append(page.evaluate("window.__membersAt"))
        painted.append(page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime"))
        context.close()
    return {"members_rendered_median": round(statistics.median(rendered)),
            "members_rendered": [round(t) for t in rendered],
            "first_contentful_paint_median": round(statistics.median(painted))}


def log_in(page: Page, email: str, password: str) -> None:
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("Successfully logged out.")).to_be_visible()


def walk_as_member(page: Page, name: str) -> dict:
    first, second = f"{name}-quiet-marble-58", f"{name}-copper-orbit-71"
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Username").fill(name)
    page.get_by_label("Email").fill(f"{name}@example.com")
    page.get_by_label("Password").fill(first)
    expect(page.get_by_text(ACCEPTED)).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text(f"Welcome, {name}!")).to_be_visible()

    page.reload()  # the HttpOnly refresh cookie brings the session back
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    seen_by_script = {"cookies": page.evaluate("document.cookie"),
                      "storage_items": page.evaluate("localStorage.length + sessionStorage.length")}

    form = page.get_by_role("form", name="Change password")
    form.get_by_label("Current password").fill(first)
    form.get_by_label("New password").fill(second)
    expect(form.get_by_text(ACCEPTED)).to_be_visible(timeout=15_000)
    form.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()
    log_out(page)

    log_in(page, f"{name}@example.com", "not-the-password")
    expect(page.get_by_text("Invalid email or password.")).to_be_visible()
    page.get_by_label("Password").fill(second)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    log_out(page)
    return seen_by_script


def walk_as_admin(page: Page, name: str, email: str, password: str) -> None:
    log_in(page, email, password)
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("table", name="All users")).to_be_visible()
    page.get_by_role("button", name=f"Promote {name}").click()
    expect(page.get_by_text(f"{name} is now an admin.")).to_be_visible()
    page.get_by_role("button", name=f"Demote {name}").click()
    expect(page.get_by_text(f"{name} is no longer an admin.")).to_be_visible()

    helper = f"{name}_h"
    form = page.get_by_role("form", name="Add a user")
    form.get_by_label("Username").fill(helper)
    form.get_by_label("Email").fill(f"{helper}@example.com")
    form.get_by_label("Password").fill(f"{helper}-saffron-pivot-33")
    form.get_by_label("Administrator").check()
    expect(form.get_by_text(ACCEPTED)).to_be_visible(timeout=15_000)
    form.get_by_role("button", name="Add user").click()
    expect(page.get_by_text(f"({helper})")).to_be_visible()
    page.get_by_role("button", name=f"Delete {helper}").click()
    page.get_by_role("dialog", name=f"Delete {helper}?").get_by_role("button", name=f"Delete {helper}").click()
    expect(page.get_by_text(f"{helper} was deleted.")).to_be_visible()


def main(base: str) -> dict:
    name = "visitor_" + secrets.token_hex(3)
    origin = urlparse(base).netloc
    report: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        report["home_first_render_ms"] = first_render_ms(browser, base)

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", with_csp)
        page = context.new_page()
        foreign, problems = [], []
        page.on("request", lambda request: urlparse(request.url).netloc != origin and foreign.append(request.url))
        # Chromium reports CSP violations on the console; failed API calls (401s) are expected.
        page.on("console", lambda message: message.type == "error" and "status of 401" not in message.text
                and problems.append(message.text))

        page.goto(base + "/")
        expect(page.get_by_role("list", name="Members")).to_be_visible()
        report["title"] = page.title()
        report["lang"] = page.locator("html").get_attribute("lang")
        report["seen_by_script"] = walk_as_member(page, name)
        walk_as_admin(page, name, os.environ["ADMIN_EMAIL"], os.environ["ADMIN_PASSWORD"])

        page.goto(base + "/admin")  # a client route loads on a full reload
        expect(page.get_by_role("table", name="All users")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "admin.png"))
        page.goto(base + "/about")
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("list", name="Members")).to_be_visible()
        page.mouse.move(640, 880)  # no hover highlight in the picture
        page.wait_for_timeout(6_500)  # the flash message goes by itself
        page.screenshot(path=str(SCREENSHOTS / "home.png"))

        page.set_viewport_size({"width": 375, "height": 800})
        report["overflow_px_at_375"] = {}
        for path in ("/", "/about", "/register", "/login"):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            report["overflow_px_at_375"][path] = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        report["requests_to_other_origins"] = foreign
        report["console_errors"] = problems
        browser.close()
    return report


if __name__ == "__main__":
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(json.dumps(main(sys.argv[1].rstrip("/")), indent=2))
