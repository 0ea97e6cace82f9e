"""A real browser walks the demo as its users would and checks every page with axe-core.

The demo data gives each page something to show (cases at every level, a meeting with
minutes and actions, referrals), so the check covers full pages, not empty states.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mappa.models import CaseStatus, MappaCase, Meeting
from register import demo
from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import sign_in as e2e_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    e2e_sign_in(page, live_server, username, demo.DEMO_PASSWORD)


def check(page, live_server, paths: list[str]) -> dict[str, list[dict[str, object]]]:  # type: ignore[no-untyped-def]
    found = {}
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        found[path] = axe_violations(page)
    return found


def test_mappa_pages_of_the_demo_have_no_accessibility_violations(page, live_server) -> None:  # type: ignore[no-untyped-def]
    call_command("load_demo_data", stdout=io.StringIO())
    n1 = uuid.uuid5(demo.DEMO_NAMESPACE, "n1")
    case = MappaCase.objects.get(nominal_id=n1, status=CaseStatus.ACTIVE)
    meeting = Meeting.objects.filter(chair_agency__code="NMP").order_by("scheduled_at").first()
    assert meeting is not None

    sign_in(page, live_server, "mappa.nmp")
    visited = check(
        page,
        live_server,
        [
            "/mappa/",
            "/mappa/referrals/",
            "/mappa/caseload/",
            "/mappa/meetings/",
            f"/mappa/meetings/{meeting.pk}/",
            f"/nominals/{n1}/mappa/",
            f"/mappa/cases/{case.pk}/level/",
            f"/mappa/cases/{case.pk}/plans/new/",
            f"/mappa/cases/{case.pk}/visits/new/",
        ],
    )
    # A form sent empty: the error summary and the messages by the fields.
    page.goto(f"{live_server.url}/mappa/cases/{case.pk}/level/")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visited["level change (errors)"] = axe_violations(page)
    assert visited == {path: [] for path in visited}


def test_victim_and_disclosure_pages_of_the_demo_have_no_accessibility_violations(  # type: ignore[no-untyped-def]
    page, live_server
) -> None:
    from victims.models import DisclosureCase, Victim

    call_command("load_demo_data", stdout=io.StringIO())
    n1 = uuid.uuid5(demo.DEMO_NAMESPACE, "n1")
    victim = Victim.objects.filter(vlo__username="vlo.nmp").order_by("pk").first()
    case = DisclosureCase.objects.filter(agency__code="NMP").first()
    assert victim is not None and case is not None

    sign_in(page, live_server, "vlo.nmp")
    visited = check(
        page,
        live_server,
        [
            "/victims/",
            f"/victims/{victim.pk}/",
            f"/victims/{victim.pk}/contact-details/",
            f"/victims/{victim.pk}/contacts/new/",
            f"/victims/{victim.pk}/representations/new/",
            f"/victims/{victim.pk}/grants/new/",
            "/tasks/",
            "/disclosures/",
            f"/disclosures/{case.pk}/",
        ],
    )
    page.goto(f"{live_server.url}/victims/{victim.pk}/contacts/new/")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visited["contact log form (errors)"] = axe_violations(page)

    # The offender side: the nominal's victims tab shows what an officer may see.
    page.context.clear_cookies()
    sign_in(page, live_server, "om.nmp")
    visited.update(
        check(page, live_server, [f"/nominals/{n1}/victims/", f"/disclosures/{case.pk}/checks/"])
    )
    assert visited == {path: [] for path in visited}
