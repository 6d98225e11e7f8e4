"""An admin manages a member through the Admin page; a member gets no admin powers; both
pages survive a full reload (SPA fallback plus the refresh cookie)."""
from __future__ import annotations

import re

import requests
from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_person, register_by_api
from tests.e2e.site import account_detail, bearer_tokens_seen, log_in_and_land_on_status, navigation, screenshot

TIMEOUT = 10
# A user row's cells; the username is the row's header, not a cell.
EMAIL, VERIFIED, ADMIN = 1, 2, 4


def open_admin_page(page: Page) -> None:
    navigation(page).get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Admin", exact=True)).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()


def test_admin_adds_deactivates_promotes_demotes_and_deletes_a_user(sessions, site_url, site_admin):
    admin_page, _ = sessions.open()
    admin_page.goto("/")
    log_in_and_land_on_status(admin_page, site_admin)
    open_admin_page(admin_page)

    member = new_person()
    add_form = admin_page.get_by_role("form", name="Add a user")
    add_form.get_by_label("Username").fill(member.username)
    add_form.get_by_label("Email").fill(member.email)
    add_form.get_by_label("Password", exact=True).fill(member.password)
    add_form.get_by_role("button", name="Add user").click()
    expect(admin_page.get_by_text(f"User created. ({member.username})")).to_be_visible()
    row = admin_page.get_by_role("row").filter(has=admin_page.get_by_role("rowheader", name=member.username))
    expect(row.get_by_role("cell").nth(EMAIL)).to_have_text(member.email)
    expect(row.get_by_role("cell").nth(VERIFIED)).to_have_text("No")  # until the member confirms it
    screenshot(admin_page, "admin")

    # The new member logs in elsewhere.
    member_page, _ = sessions.open()
    member_tokens = bearer_tokens_seen(member_page)
    member_page.goto("/")
    log_in_and_land_on_status(member_page, member)
    navigation(member_page).get_by_role("link", name="Home").click()
    expect(member_page.get_by_role("list", name="Members")).to_be_visible()

    admin_page.get_by_role("button", name=f"Deactivate {member.username}").click()
    expect(admin_page.get_by_text(f"{member.username} is now inactive.")).to_be_visible()
    expect(admin_page.get_by_role("button", name=f"Activate {member.username}")).to_be_visible()

    # The member's session is dead: its token is refused and the page sends them to Log in.
    assert requests.get(f"{site_url}/api/v1/auth/status", timeout=TIMEOUT,
                        headers={"Authorization": f"Bearer {member_tokens[-1]}"}).status_code == 401
    member_page.goto("/status")
    expect(member_page.get_by_role("heading", name="Log in")).to_be_visible()

    admin_page.get_by_role("button", name=f"Promote {member.username}").click()
    expect(admin_page.get_by_text(f"{member.username} is now an admin.")).to_be_visible()
    expect(row.get_by_role("cell").nth(ADMIN)).to_have_text("Yes")
    admin_page.get_by_role("button", name=f"Demote {member.username}").click()
    expect(admin_page.get_by_text(f"{member.username} is no longer an admin.")).to_be_visible()
    expect(row.get_by_role("cell").nth(ADMIN)).to_have_text("No")

    admin_page.get_by_role("button", name=f"Delete {member.username}").click()
    dialog = admin_page.get_by_role("dialog", name=f"Delete {member.username}?")
    expect(dialog).to_be_visible()
    screenshot(admin_page, "admin-delete")
    dialog.get_by_role("button", name=f"Delete {member.username}").click()
    expect(admin_page.get_by_text(f"{member.username} was deleted.")).to_be_visible()
    expect(admin_page.get_by_role("rowheader", name=member.username)).to_have_count(0)
    listed = requests.get(f"{site_url}/api/v1/users?limit=100", timeout=TIMEOUT).json()["data"]["users"]
    assert member.username not in {user["username"] for user in listed}


def test_a_member_sees_no_admin_link_and_the_api_refuses_them(page: Page, site_url):
    member = new_person()
    member_id = register_by_api(site_url, member)["id"]
    other_id = register_by_api(site_url, new_person())["id"]
    tokens = bearer_tokens_seen(page)
    page.goto("/")
    log_in_and_land_on_status(page, member)
    navigation(page).get_by_role("link", name="Home").click()
    expect(page.get_by_role("list", name="Members")).to_be_visible()

    expect(navigation(page).get_by_role("link", name="Admin")).to_have_count(0)
    page.goto("/admin")
    expect(page.get_by_role("heading", name="Admins only")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)

    bearer = {"Authorization": f"Bearer {tokens[-1]}"}
    refusals = [
        requests.post(f"{site_url}/api/v1/users", headers=bearer, timeout=TIMEOUT,
                      json={"username": "sneaky_admin", "email": "sneaky@example.com",
                            "password": "Lantern-sneaky-orbit-quartz", "admin": True}),
        requests.patch(f"{site_url}/api/v1/users/{member_id}", headers=bearer, timeout=TIMEOUT, json={"admin": True}),
        requests.delete(f"{site_url}/api/v1/users/{other_id}", headers=bearer, timeout=TIMEOUT),
    ]
    for reply in refusals:
        assert reply.status_code == 403, (reply.request.method, reply.request.url, reply.text)
        assert reply.json()["status"] == "fail"
    # Lists show a member only public fields of others.
    listed = requests.get(f"{site_url}/api/v1/users?limit=100", headers=bearer, timeout=TIMEOUT).json()
    assert all(set(user) == {"id", "username", "created_at"} for user in listed["data"]["users"])

    page.goto("/status")
    expect(account_detail(page, "Admin")).to_have_text("No")


def test_a_full_reload_on_status_and_admin_keeps_the_page_and_the_session(page: Page, site_admin):
    page.goto("/")
    log_in_and_land_on_status(page, site_admin)

    for path, heading in [("/admin", "Admin"), ("/status", "My account")]:
        document = page.goto(path)
        assert document.status == 200
        assert document.headers["cache-control"] == "no-cache"
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        page.reload()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page).to_have_url(re.compile(f"{path}$"))
    expect(account_detail(page, "Username")).to_have_text(site_admin.username)
    expect(account_detail(page, "Admin")).to_have_text("Yes")
