"""Django's administration pages work under Lantern's Content Security Policy (the page fixture
fails the test on any blocked inline script or style)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import current_code

pytestmark = pytest.mark.browser


def test_an_administrator_uses_the_admin_without_breaking_the_policy(live_server, db, make_user, page):
    user = make_user("administrator", "admin-csp")
    user.is_staff = user.is_superuser = True  # as `lantern createuser --role administrator` makes them
    user.save()
    page.goto(f"{live_server.url}/admin/")  # the admin signs in through Lantern's pages, both steps
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.plain_password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Six-digit code").fill(current_code(user))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto(f"{live_server.url}/admin/auth/user/")
    expect(page.get_by_role("link", name="admin-csp")).to_be_visible()
    page.get_by_role("link", name="admin-csp").click()
    expect(page.get_by_label("Username")).to_have_value("admin-csp")
    page.goto(f"{live_server.url}/admin/auth/user/add/")
    expect(page.get_by_label("Username")).to_be_visible()
