"""What the front promises a browser: security headers on every kind of response, a CSP the
built site lives with (no violation on any page), and API docs that never leave the origin."""
from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.e2e.site import log_in_and_land_on_status, screenshot

REQUIRED_CSP = ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]
SITE_PAGES = ["/", "/about", "/register", "/login", "/forgot-password", "/reset-password", "/verify-email",
              "/status", "/admin", "/no-such-page"]


def assert_security_headers(headers: dict[str, str], where: str) -> None:
    policy = headers.get("content-security-policy", "")
    for directive in REQUIRED_CSP:
        assert directive in policy, f"{where}: CSP lacks {directive!r}: {policy!r}"
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy"), where
    assert headers.get("permissions-policy"), where
    assert headers.get("server") == "nginx", f"{where}: server version leaked: {headers.get('server')}"


def test_every_page_carries_the_security_headers_and_breaks_no_csp_rule(sessions, site_url, site_admin):
    page, watch = sessions.open()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto("/")
    log_in_and_land_on_status(page, site_admin)

    for path in SITE_PAGES:
        document = page.goto(path)
        page.wait_for_load_state("networkidle")
        assert_security_headers(document.headers, path)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()

    kinds = {
        "asset": [r for r in responses if "/assets/" in r.url],
        "api": [r for r in responses if "/api/v1/" in r.url],
    }
    for kind, seen in kinds.items():
        assert seen, f"no {kind} response seen"
        for response in seen:
            assert_security_headers(response.all_headers(), response.url)
    assert watch.problems() == []

    # The watch is real: an inline script, which the CSP forbids, is reported.
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__inlineRan = true";
        document.body.appendChild(script);
    }""")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__inlineRan === undefined")
    assert [violation["directive"] for violation in watch.csp_violations] == ["script-src-elem"]
    watch.csp_violations.clear()
    watch.csp_console_messages.clear()


def test_the_api_docs_load_without_a_request_to_another_origin(sessions, site_url):
    page, watch = sessions.open()
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/api/v1/auth/login", exact=True)).to_be_visible()
    expect(page.get_by_text("/api/v1/users/{id}", exact=True).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, "docs")

    origin = urlsplit(site_url)
    elsewhere = [url for url in watch.requests
                 if urlsplit(url).scheme not in ("data", "blob")
                 and (urlsplit(url).scheme, urlsplit(url).netloc) != (origin.scheme, origin.netloc)]
    assert watch.requests and not elsewhere, elsewhere
