"""A real browser signs in and checks each page it visits with axe-core.

Every page must have zero WCAG 2.2 A/AA violations.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from register.models import Role
from tests import factories
from tests.e2e.conftest import authenticator, axe_violations, enter_second_factor
from tests.e2e.conftest import sign_in as e2e_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/sign-in/")
    assert axe_violations(page) == []
    e2e_sign_in(page, live_server, username, factories.PASSWORD)


def test_officer_journey_has_no_accessibility_violations(page, live_server) -> None:  # type: ignore[no-untyped-def]
    agency = factories.agency("E2E")
    officer = factories.staff(
        agency, Role.OFFENDER_MANAGER, Role.SUPERVISOR, username="e2e.officer"
    )
    factories.agency("OTHER")
    nominal = factories.nominal(officer, family_name="Browser", given_names="Tess")

    sign_in(page, live_server, "e2e.officer")
    expect(page.get_by_text("Signed in as")).to_be_visible()
    visited = {}
    for path in (
        "/",
        "/nominals/",
        f"/nominals/{nominal.pk}/",
        "/nominals/new/",
        f"/nominals/{nominal.pk}/share/",
        "/accessibility/",
        "/no-such-page/",
    ):
        page.goto(f"{live_server.url}{path}")
        visited[path] = axe_violations(page)
    # A form with errors: the error summary and messages must be accessible too.
    page.goto(f"{live_server.url}/nominals/new/")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visited["/nominals/new/ (errors)"] = axe_violations(page)
    assert visited == {path: [] for path in visited}


def test_auditor_and_administrator_pages_have_no_violations(page, live_server) -> None:  # type: ignore[no-untyped-def]
    agency = factories.agency("E2F")
    factories.staff(agency, Role.AUDITOR, Role.ADMINISTRATOR, username="e2e.admin")
    sign_in(page, live_server, "e2e.admin")
    visited = {}
    for path in ("/audit/", "/audit/?date_from=2026-02-30", "/staff/", "/staff/new/"):
        page.goto(f"{live_server.url}{path}")
        visited[path] = axe_violations(page)
    assert visited == {path: [] for path in visited}


def test_pages_work_without_javascript(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    agency = factories.agency("E2G")
    factories.staff(agency, Role.OFFENDER_MANAGER, username="e2e.nojs")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("e2e.nojs")
    page.get_by_label("Password").fill(factories.PASSWORD)
    authenticator("e2e.nojs")
    page.get_by_role("button", name="Sign in").click()
    enter_second_factor(page, "e2e.nojs")
    page.goto(f"{live_server.url}/nominals/new/")
    page.get_by_label("Given names").fill("No")
    page.get_by_label("Family name").fill("Script")
    page.get_by_label("Why are you adding this person?").fill("Tested without JavaScript")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", name="SCRIPT, No")).to_be_visible()
    context.close()
