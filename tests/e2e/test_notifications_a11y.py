"""A real browser checks the notifications pages with axe-core: zero WCAG 2.2 A/AA violations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications import scans, services
from notifications.models import Task, TaskKind
from register.models import Role
from tests import factories
from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import sign_in as e2e_sign_in
from tests.notifications.factories import item, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    e2e_sign_in(page, live_server, username, factories.PASSWORD)


def test_notifications_pages_have_no_accessibility_violations(page, live_server) -> None:  # type: ignore[no-untyped-def]
    agency = factories.agency("E2N")
    officer = factories.staff(agency, Role.OFFENDER_MANAGER, Role.SUPERVISOR, username="e2e.notify")
    factories.staff(agency, Role.MAPPA_COORDINATOR, username="e2e.coordinator")
    person = register(officer, "Browser")
    nominal = person.nominal
    now = timezone.now()
    # Something overdue (a task from the scan), a breach, a notification and plain tasks.
    services.due_item_schedule(
        actor=officer,
        kind="risk_review",
        subject=nominal,
        nominal=nominal,
        due_at=now - dt.timedelta(days=1),
        title="Risk assessment review",
        owner=officer,
        reason="Test",
    )
    scans.scan_overdue(now=now)
    scans.scan_due_soon(now=now)
    services.breach_record(
        actor=officer,
        nominal=nominal,
        requirement=item("main_address"),
        found_on=timezone.localdate(),
        evidence="Seen at an address not notified",
    )
    notification = services.notification_record(
        actor=officer,
        nominal=nominal,
        received_at=now - dt.timedelta(hours=2),
        channel="in_person",
        station="Northmoor Central",
        identity_checked=True,
        items=["foreign_travel"],
        details="Flight to Malaga",
        departs_at=now + dt.timedelta(days=2),
        late_reason="Booked at short notice",
    )
    Task.objects.create(
        kind=TaskKind.ALERT, owner=officer, nominal=nominal, title="Call back", created_at=now
    )

    sign_in(page, live_server, "e2e.notify")
    # The header's badge counts the unseen tasks (checked by axe on the first page too).
    expect(page.locator(".register-nav-badge").first).to_be_visible()
    visited = {"/ (with the task badge)": axe_violations(page)}
    for path in (
        "/tasks/",
        "/tasks/?status=done",
        "/tasks/team/",
        f"/nominals/{nominal.pk}/notifications/",
        f"/nominals/{nominal.pk}/notifications/new/",
        f"/nominals/{nominal.pk}/requirements/tailor/",
        f"/nominals/{nominal.pk}/breaches/new/",
        f"/nominals/{nominal.pk}/notifications/{notification.pk}/verify/",
    ):
        page.goto(f"{live_server.url}{path}")
        visited[path] = axe_violations(page)
    expect(page.get_by_role("heading", name="Record a check of a notification")).to_be_visible()

    # The notification form with errors: the summary and the messages by the fields.
    page.goto(f"{live_server.url}/nominals/{nominal.pk}/notifications/new/")
    page.get_by_label("Police station").fill("")
    page.get_by_role("button", name="Record notification").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator("#id_items_error")).to_be_visible()
    visited["notification form (errors)"] = axe_violations(page)

    # The waive confirmation, and the inbox once a task is done.
    page.goto(f"{live_server.url}/nominals/{nominal.pk}/notifications/")
    page.get_by_role("link", name="Waive Risk assessment review").click()
    expect(page.get_by_role("heading", name="Are you sure you want to waive this?")).to_be_visible()
    visited["waive"] = axe_violations(page)
    assert visited == {path: [] for path in visited}
