"""Pages that are easy to forget under a Content-Security-Policy: the API docs (Swagger UI),
the admin, the error pages and the lockout page all work in Chromium with no CSP violation
(the `page` fixture fails the test on any)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_docs_admin_error_and_lockout_pages(page, live_server, login, shot, manager, admin_user, settings):
    login("manager")
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("/api/interactions/import/").first).to_be_visible()
    shot("api_docs")
    page.goto(f"{live_server.url}/rubrics/999999/")
    expect(page.get_by_role("heading", name="There is nothing here")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    shot("error_404")

    page.get_by_role("button", name="Log out").click()
    login("admin")
    page.goto(f"{live_server.url}/admin/axes/accessattempt/")
    expect(page.get_by_role("heading", name="Select access attempt to change")).to_be_visible()
    page.get_by_role("button", name="Log out").click() if page.get_by_role(
        "button", name="Log out"
    ).count() else None

    page.context.clear_cookies()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login("manager", "wrong-password")
    expect(page.get_by_role("heading", name="Too many failed logins")).to_be_visible()
    shot("locked_out")
