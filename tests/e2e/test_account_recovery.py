"""A locked-out officer is unlocked and sent a reset link by their administrator, sets a new
password from the e-mail and signs in again, in a real browser; axe checks each new page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from register.models import Role
from tests import factories
from tests.accounts.helpers import last_link
from tests.e2e.conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-new-long-passphrase-9"


def test_locked_out_officer_is_unlocked_sent_a_link_and_signs_in_again(
    browser, live_server
) -> None:  # type: ignore[no-untyped-def]
    agency = factories.agency("REC")
    factories.staff(agency, Role.ADMINISTRATOR, username="rec.admin")
    officer = factories.staff(agency, Role.OFFENDER_MANAGER, username="rec.officer")
    invited = factories.staff(agency, Role.VICTIM_LIAISON_OFFICER, username="rec.invited")
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    officer_browser = browser.new_context()
    admin_browser = browser.new_context()
    visited: dict[str, object] = {}
    try:
        # The officer gets their password wrong five times and is locked out.
        officer_page = officer_browser.new_page()
        officer_page.goto(f"{live_server.url}/sign-in/")
        for attempt in range(5):
            officer_page.get_by_label("Username").fill("rec.officer")
            officer_page.get_by_label("Password").fill(f"wrong-guess-{attempt}")
            officer_page.get_by_role("button", name="Sign in").click()
            if attempt < 4:
                expect(
                    officer_page.get_by_text("Enter a correct username and password").first
                ).to_be_visible()
        expect(
            officer_page.get_by_role("heading", name="You cannot sign in for 10 minutes")
        ).to_be_visible()
        expect(
            officer_page.get_by_text("ask your agency's administrator to unlock your account")
        ).to_be_visible()
        visited["locked out"] = axe_violations(officer_page)

        # Their administrator unlocks them, with a reason, and sends a reset link.
        admin_page = admin_browser.new_page()
        sign_in(admin_page, live_server, "rec.admin", factories.PASSWORD)
        admin_page.goto(f"{live_server.url}/staff/")
        row = admin_page.get_by_role("row").filter(has_text="rec.officer")
        expect(row.get_by_text("Locked out")).to_be_visible()
        visited["staff list"] = axe_violations(admin_page)
        row.get_by_role("link", name="Unlock").click()
        expect(
            admin_page.get_by_role("heading", name=f"Unlock {officer}'s account?")
        ).to_be_visible()
        visited["unlock"] = axe_violations(admin_page)
        admin_page.get_by_role("button", name="Unlock account").click()
        expect(admin_page.get_by_text("There is a problem")).to_be_visible()
        visited["unlock (no reason)"] = axe_violations(admin_page)
        admin_page.get_by_label("Why are you unlocking this account?").fill(
            "Officer phoned the service desk; identity checked"
        )
        admin_page.get_by_role("button", name="Unlock account").click()
        expect(admin_page.get_by_text("they can sign in again now")).to_be_visible()
        row = admin_page.get_by_role("row").filter(has_text="rec.officer")
        expect(row.get_by_text("Locked out")).to_have_count(0)
        row.get_by_role("link", name="Send reset link").click()
        expect(
            admin_page.get_by_role("heading", name=f"Send a password reset link to {officer}?")
        ).to_be_visible()
        visited["reset link"] = axe_violations(admin_page)
        admin_page.get_by_label("Why are you sending a reset link?").fill("Forgotten password")
        admin_page.get_by_role("button", name="Send reset link").click()
        expect(admin_page.get_by_text("A password reset link was e-mailed")).to_be_visible()
        row = admin_page.get_by_role("row").filter(has_text="rec.officer")
        row.get_by_role("link", name="password and sign-in").click()
        expect(
            admin_page.get_by_text("Officer phoned the service desk; identity checked")
        ).to_be_visible()
        expect(admin_page.get_by_text("Password reset link sent")).to_be_visible()
        visited["password and sign-in"] = axe_violations(admin_page)
        admin_page.goto(f"{live_server.url}/account/staff/{invited.pk}/invitation/")
        visited["invitation again"] = axe_violations(admin_page)

        # The officer follows the e-mailed link (live_server shares this process's outbox).
        link = f"{live_server.url}{last_link(officer.email)}"
        officer_page.goto(link)
        expect(officer_page.get_by_role("heading", name="Reset your password")).to_be_visible()
        assert officer_page.url.endswith("/set-password/")  # the token left the address bar
        visited["set password"] = axe_violations(officer_page)
        officer_page.get_by_label("New password", exact=True).fill("short")
        officer_page.get_by_label("Confirm new password").fill("short")
        officer_page.get_by_role("button", name="Save password").click()
        expect(officer_page.get_by_text("There is a problem")).to_be_visible()
        visited["set password (errors)"] = axe_violations(officer_page)
        officer_page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        officer_page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
        officer_page.get_by_role("button", name="Save password").click()
        expect(officer_page.get_by_role("heading", name="Your password is set")).to_be_visible()
        visited["password set"] = axe_violations(officer_page)

        # The link works once.
        officer_page.goto(link)
        expect(officer_page.get_by_role("heading", name="This link is not valid")).to_be_visible()
        visited["link not valid"] = axe_violations(officer_page)

        # And the officer signs in with the new password, changes it, and signs out.
        sign_in(officer_page, live_server, "rec.officer", NEW_PASSWORD)
        officer_page.goto(f"{live_server.url}/account/password/")
        visited["change password"] = axe_violations(officer_page)
        officer_page.get_by_role("button", name="Sign out").click()
        expect(officer_page.get_by_role("heading", name="You have signed out")).to_be_visible()
        visited["signed out"] = axe_violations(officer_page)
    finally:
        officer_browser.close()
        admin_browser.close()
    assert visited == {name: [] for name in visited}
