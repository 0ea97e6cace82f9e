"""The record pages in a real browser, each checked with axe-core: zero WCAG 2.2 A/AA violations.

The profile is filled in every section, so every table, summary card and link is checked.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from register import services
from register.models import Role
from tests import factories
from tests.e2e.conftest import axe_violations
from tests.e2e.test_accessibility import sign_in
from tests.register.test_record_pages import populate, register_decision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_pages_have_no_accessibility_violations(page, live_server) -> None:  # type: ignore[no-untyped-def]
    agency = factories.agency("E2R")
    officer = factories.staff(
        agency, Role.OFFENDER_MANAGER, Role.SUPERVISOR, username="e2e.records"
    )
    nominal = factories.nominal(officer, family_name="Axe", given_names="Tess")
    populate(officer, nominal, 2)
    services.nominal_update(
        actor=officer,
        nominal=nominal,
        responsible_officer=officer,
        typologies=["stalking_ex_intimate"],
        reason="Browser test",
    )
    services.nominal_flag_misidentified(
        actor=officer,
        nominal=nominal,
        misidentification="counter_allegation",
        raised_on=nominal.created_at.date(),
        reason="Browser test",
    )
    services.primary_aggressor_review_record(
        actor=officer,
        nominal=nominal,
        reviewed_on=nominal.created_at.date(),
        outcome="primary_aggressor",
        rationale="Browser test",
    )
    registration = register_decision(officer, nominal)
    services.registration_review_request(
        actor=officer,
        registration=registration,
        kind="appeal",
        requested_on=registration.decided_on,
        requested_by="Their solicitor",
        grounds="Browser test",
    )
    flagged = factories.nominal(officer, family_name="Flagged", given_names="Fran")
    services.nominal_flag_misidentified(
        actor=officer, nominal=flagged, misidentification="dual_arrest", reason="Browser test"
    )
    duplicate = factories.nominal(officer, family_name="Axe", given_names="Tessa")
    address = nominal.addresses.get(line_1="0 High Street")

    sign_in(page, live_server, "e2e.records")
    visited = {}
    for path in (
        f"/nominals/{nominal.pk}/",
        f"/nominals/{flagged.pk}/",
        "/nominals/?risk_level=high&sort=priority",
        "/nominals/search/",
        "/nominals/search/?q=Tess+Axe+01/01/1980",
        f"/nominals/{nominal.pk}/edit/",
        f"/nominals/{nominal.pk}/eligibility/",
        f"/nominals/{flagged.pk}/eligibility/",
        f"/nominals/{flagged.pk}/registration/new/",
        f"/nominals/{flagged.pk}/primary-aggressor-review/",
        f"/nominals/{duplicate.pk}/misidentification/",
        f"/nominals/{nominal.pk}/merge/",
        f"/nominals/{nominal.pk}/merge/?duplicate={duplicate.pk}",
        f"/nominals/{nominal.pk}/risk-assessments/new/",
        f"/nominals/{nominal.pk}/addresses/{address.pk}/edit/",
        f"/nominals/{nominal.pk}/addresses/{address.pk}/remove/",
        f"/registrations/{registration.pk}/notice/",
        f"/registrations/{registration.pk}/reviews/new/",
        "/priority/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, path
        visited[path] = axe_violations(page)

    # A detail form with errors: the summary and the messages next to the fields.
    page.goto(f"{live_server.url}/nominals/{nominal.pk}/addresses/new/")
    page.get_by_label("Address line 1").fill("1 Moor Lane")
    page.get_by_label("Start date").fill("2024-05-01")
    page.get_by_label("End date (optional)").fill("2024-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visited["address form with errors"] = axe_violations(page)

    # Radios with errors (registration decision) and the duplicate warning on create.
    page.goto(f"{live_server.url}/nominals/{nominal.pk}/registration/new/")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    visited["decision form with errors"] = axe_violations(page)

    page.goto(f"{live_server.url}/nominals/new/")
    page.get_by_label("Given names").fill("Tess")
    page.get_by_label("Family name").fill("Axe")
    page.get_by_label("Date of birth").fill("1980-01-01")
    page.get_by_label("Why are you adding this person?").fill("Browser test")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("This person may already be on the register")).to_be_visible()
    visited["create with duplicates"] = axe_violations(page)

    assert visited == {path: [] for path in visited}
