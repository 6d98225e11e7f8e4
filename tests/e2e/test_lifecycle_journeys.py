"""The account lifecycle in a real browser, with the real mail the stack's worker delivered to its
SMTP sink: confirming the address, forgot password, ending a session from another browser,
deleting your own account."""
from __future__ import annotations

import re

import requests
from playwright.sync_api import Page, expect

from localplatform.mail_sink import link_in, text_of
from tests.e2e.accounts import new_password, new_person, register_by_api
from tests.e2e.site import (
    account_detail,
    bearer_tokens_seen,
    fill_login_form,
    fill_register_form,
    log_in_and_land_on_status,
    navigation,
    screenshot,
)

TIMEOUT = 10
CONFIRM_MAIL = "Confirm your email address"
RESET_MAIL = "Reset your password"
PASSWORD_CHANGED_MAIL = "Your password was changed"
ACCOUNT_DELETED_MAIL = "Your account has been deleted"
NEW_DEVICE_MAIL = "New sign-in to your account"
INVALID_CONFIRM_LINK = "This link is invalid or has expired."
INVALID_RESET_LINK = "This reset link is invalid or has expired. Ask for a new one."
SESSION_EXPIRED = "Your session has expired. Please log in again."
ACCOUNT_DELETED = "Your account was deleted, and you are signed out everywhere."
GENERIC_LOGIN_FAILURE = "Invalid email or password."
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
LAPTOP_DEVICE = "Firefox 128 on Linux"


def refused(site_url: str, access_token: str) -> bool:
    answer = requests.get(f"{site_url}/api/v1/auth/status", timeout=TIMEOUT,
                          headers={"Authorization": f"Bearer {access_token}"})
    return answer.status_code == 401


def ask_for_a_reset_link(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("Email").fill(email)
    with page.expect_response(lambda response: response.url.endswith("/api/v1/auth/password-reset")) as answer:
        page.get_by_role("button", name="Send reset link").click()
    assert answer.value.status == 202
    expect(page.get_by_role("status")).to_contain_text("Send another link")
    screenshot(page, "forgot-password")


def confirm_button(page: Page):
    return page.get_by_role("main").get_by_role("button", name="Confirm my email address")


def confirm_requests(page: Page) -> list[str]:
    """The confirmation requests the page sends from now on."""
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url)
            if request.url.endswith("/api/v1/auth/verify-email") else None)
    return sent


def set_new_password(page: Page, password: str) -> None:
    page.get_by_label("New password").fill(password)
    page.get_by_role("button", name="Set new password").click()


def test_the_address_is_confirmed_from_the_mail_after_a_resend_from_the_banner(page: Page, site_stack, site_url):
    person = new_person()
    mailbox = site_stack.mail.mailbox
    page.goto("/")
    fill_register_form(page, person)
    page.get_by_role("main").get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/status$"))
    banner = page.get_by_role("region", name="Email confirmation")
    expect(banner).to_contain_text(f"Please confirm your email address, {person.email}")
    expect(account_detail(page, "Email confirmed")).to_have_text("Not yet")
    first = link_in(mailbox.wait_for(person.email, CONFIRM_MAIL), f"{site_url}/verify-email#token=")

    banner.get_by_role("button", name=f"Send a new link to {person.email}").click()
    expect(banner.get_by_role("status")).to_have_text("If that address needs confirming, a new link is on its way.")
    screenshot(page, "confirm-banner")
    newest = link_in(mailbox.wait_for(person.email, CONFIRM_MAIL, count=2), f"{site_url}/verify-email#token=")
    assert newest != first

    confirms = confirm_requests(page)
    page.goto(first)  # the resend retired it
    # Loading a link (as a mail scanner that runs scripts does) confirms nothing: the person presses.
    page.wait_for_load_state("networkidle")
    assert confirms == [], "the page confirmed on load"
    confirm_button(page).click()
    expect(page.get_by_text(INVALID_CONFIRM_LINK)).to_be_visible()
    page.goto("about:blank")  # a link from a mail loads the page anew; same-page, only the fragment would change
    document = page.goto(newest)
    assert document.headers["referrer-policy"] == "no-referrer"
    expect(page).to_have_url(f"{site_url}/verify-email")  # the token left the address bar
    expect(confirm_button(page)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert len(confirms) == 1, "the page confirmed on load"
    confirm_button(page).click()
    confirmed = page.get_by_role("main").get_by_role("status").filter(has_text="Your email address is confirmed.")
    expect(confirmed).to_be_visible()
    assert confirms == [f"{site_url}/api/v1/auth/verify-email"] * 2
    page.get_by_role("link", name="Go to my account").click()
    expect(account_detail(page, "Email confirmed")).not_to_have_text("Not yet")
    expect(page.get_by_role("region", name="Email confirmation")).to_have_count(0)


def test_forgot_password_by_mail_ends_the_old_sessions_and_the_link_works_once(sessions, site_stack, site_url):
    person = new_person()
    register_by_api(site_url, person)
    mailbox = site_stack.mail.mailbox
    old_page, _ = sessions.open()
    old_tokens = bearer_tokens_seen(old_page)
    old_page.goto("/")
    log_in_and_land_on_status(old_page, person)

    page, _ = sessions.open()
    ask_for_a_reset_link(page, person.email)
    link = link_in(mailbox.wait_for(person.email, RESET_MAIL), f"{site_url}/reset-password#token=")
    token = link.split("#token=", 1)[1]

    document = page.goto(link)
    # Reset pages send no Referer anywhere; the token is only in the fragment, which the browser
    # keeps to itself, and the page takes it out of the address bar and the history.
    assert document.headers["referrer-policy"] == "no-referrer"
    expect(page).to_have_url(f"{site_url}/reset-password")
    screenshot(page, "reset-password")
    password = new_password()
    set_new_password(page, password)
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Password changed. Log in with your new password.")).to_be_visible()
    mailbox.wait_for(person.email, PASSWORD_CHANGED_MAIL)

    # Every session of the account ended: the old browser's token and refresh cookie are refused.
    assert refused(site_url, old_tokens[-1])
    old_page.goto("/status")
    expect(old_page.get_by_role("heading", name="Log in")).to_be_visible()
    assert fill_login_form(old_page, person.email, password) == 200
    expect(old_page).to_have_url(re.compile(r"/status$"))

    # The link works once.
    page.goto(link)
    set_new_password(page, new_password())
    expect(page.get_by_text(INVALID_RESET_LINK)).to_be_visible()
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()

    # The token reached the service only in a POST body: in no request line nginx or the service logged.
    logs = [site_stack.config.state_dir / "nginx" / "access.log", site_stack.config.state_dir / "service.log"]
    access_log = logs[0].read_text()
    assert "GET /reset-password HTTP" in access_log and "POST /api/v1/auth/password-reset/confirm" in access_log
    assert not [path for path in logs if token in path.read_text()]


def test_a_session_ended_from_another_browser_is_refused_on_its_next_request(sessions, site_stack, site_url):
    person = new_person()
    register_by_api(site_url, person)
    laptop, _ = sessions.open(user_agent=LAPTOP)
    laptop_tokens = bearer_tokens_seen(laptop)
    laptop.goto("/")
    log_in_and_land_on_status(laptop, person)

    # The sign-in from a device the account had not used mails a notice, whose link leads to
    # the session list (after logging in there).
    notice = text_of(site_stack.mail.mailbox.wait_for(person.email, NEW_DEVICE_MAIL))
    assert f"{LAPTOP_DEVICE}, from 127.0.0.1" in notice
    sessions_link = re.search(r"end that session at\s+(\S+)", notice).group(1)
    phone, _ = sessions.open()
    phone.goto(sessions_link)
    assert fill_login_form(phone, person.email, person.password) == 200
    expect(phone).to_have_url(sessions_link)
    your_sessions = phone.get_by_role("table", name="Your sessions")
    expect(your_sessions.get_by_role("row", name=re.compile(r"This device"))).to_have_count(1)
    your_sessions.get_by_role("button", name=f"End the session on {LAPTOP_DEVICE} from 127.0.0.1").click()
    expect(phone.get_by_text(f"Signed out of {LAPTOP_DEVICE}.")).to_be_visible()
    expect(your_sessions.get_by_text(LAPTOP_DEVICE)).to_have_count(0)

    assert refused(site_url, laptop_tokens[-1])
    # The laptop's next request is refused, its refresh too: it ends up signed out.
    navigation(laptop).get_by_role("link", name="Home").click()
    expect(laptop.get_by_role("heading", name="Log in")).to_be_visible()
    expect(laptop.get_by_text(SESSION_EXPIRED)).to_be_visible()
    expect(navigation(laptop).get_by_role("link", name="Log in")).to_be_visible()


def test_deleting_my_account_through_the_modal_mails_a_confirmation_and_kills_its_credentials(sessions, site_stack,
                                                                                               site_url):
    person = new_person()
    register_by_api(site_url, person)
    page, _ = sessions.open()
    tokens = bearer_tokens_seen(page)
    page.goto("/")
    log_in_and_land_on_status(page, person)
    [refresh_cookie] = [c for c in page.context.cookies() if c["name"] == "refresh_token"]

    page.get_by_role("button", name="Delete my account").click()
    dialog = page.get_by_role("dialog", name="Delete your account?")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Password")).to_be_focused()
    dialog.get_by_label("Password").fill(person.password)
    dialog.get_by_role("button", name="Delete your account").click()

    expect(page.get_by_text(ACCOUNT_DELETED)).to_be_visible()
    expect(page).to_have_url(f"{site_url}/")
    expect(navigation(page).get_by_role("link", name="Log in")).to_be_visible()
    site_stack.mail.mailbox.wait_for(person.email, ACCOUNT_DELETED_MAIL)

    assert refused(site_url, tokens[-1])
    refresh = requests.post(f"{site_url}/api/v1/auth/refresh", timeout=TIMEOUT,
                            cookies={"refresh_token": refresh_cookie["value"]},
                            headers={"Content-Type": "application/json"})
    assert refresh.status_code == 401
    page.goto("/login")
    assert fill_login_form(page, person.email, person.password) == 401
    expect(page.get_by_role("alert")).to_have_text(GENERIC_LOGIN_FAILURE)
