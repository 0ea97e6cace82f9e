"""Second factors in a real browser: enrolment, the app, a security key, recovery codes, reset.

The security key is Chromium's virtual authenticator (DevTools WebAuthn domain), a real
WebAuthn ceremony against the server; the app codes are computed from the key the page
shows, as a phone would. axe checks every MFA page on the way.
"""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_otp.oath import TOTP
from playwright.sync_api import expect

from mfa import services
from mfa.session import VERIFIED_AT_KEY
from register.models import Role
from tests import factories
from tests.e2e.conftest import authenticator, axe_violations, enter_second_factor, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for_setup_key(key: str) -> str:
    """What an authenticator app shows for the setup key typed in by hand."""
    raw = base64.b32decode(key.replace(" ", "") + "=" * (-len(key.replace(" ", "")) % 8))
    totp = TOTP(raw)
    totp.time = time.time()
    return f"{totp.token():06d}"


def password_step(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def virtual_authenticator(page) -> tuple[Any, str]:  # type: ignore[no-untyped-def]
    """A platform authenticator with user verification, as Chromium's DevTools provide."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def enrol_with_the_app(page) -> list[str]:  # type: ignore[no-untyped-def]
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    assert axe_violations(page) == []
    key = page.get_by_test_id("setup-key").inner_text()
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the 6 digits")
    assert axe_violations(page) == []
    page.get_by_label("Security code").fill(code_for_setup_key(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert axe_violations(page) == []
    codes = page.locator(".mfa-codes code").all_inner_texts()
    page.get_by_role("button", name="I have kept my recovery codes").click()
    return codes


def test_first_sign_in_enrols_the_app_and_shows_recovery_codes(page, live_server) -> None:  # type: ignore[no-untyped-def]
    factories.staff(factories.agency("M1"), Role.OFFENDER_MANAGER, username="mfa.new")
    password_step(page, live_server, "mfa.new")
    codes = enrol_with_the_app(page)
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z0-9]{8}", c) for c in codes)
    expect(page).to_have_url(f"{live_server.url}/")
    # The codes are not shown again.
    page.goto(f"{live_server.url}/mfa/recovery-codes/")
    expect(page.get_by_text("You have 10 unused recovery codes")).to_be_visible()
    assert codes[0] not in page.content()
    page.goto(f"{live_server.url}/mfa/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Get new codes").click()
    expect(
        page.get_by_role("heading", name="Are you sure you want new recovery codes?")
    ).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Get new recovery codes").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert codes[0] not in page.content()  # the old codes were replaced


def test_sign_in_with_the_app(page, live_server) -> None:  # type: ignore[no-untyped-def]
    factories.staff(factories.agency("M2"), Role.OFFENDER_MANAGER, username="mfa.app")
    authenticator("mfa.app")
    password_step(page, live_server, "mfa.app")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/nominals/")  # still asks: no page without the second factor
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    enter_second_factor(page, "mfa.app")
    expect(page).to_have_url(f"{live_server.url}/nominals/")


def test_enrol_and_sign_in_with_a_security_key(page, live_server) -> None:  # type: ignore[no-untyped-def]
    factories.staff(factories.agency("M3"), Role.OFFENDER_MANAGER, username="mfa.key")
    cdp, authenticator_id = virtual_authenticator(page)
    password_step(page, live_server, "mfa.key")
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    page.get_by_role("button", name="Register a security key or passkey").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    page.get_by_role("button", name="I have kept my recovery codes").click()
    expect(page).to_have_url(f"{live_server.url}/")
    sign_out(page)

    password_step(page, live_server, "mfa.key")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    assert page.get_by_label("Security code").count() == 0  # no app: the key alone
    assert axe_violations(page) == []
    page.get_by_role("button", name="Use a security key or passkey").click()
    expect(page).to_have_url(f"{live_server.url}/")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1


def test_sign_in_with_a_recovery_code(page, live_server) -> None:  # type: ignore[no-untyped-def]
    user = factories.staff(factories.agency("M4"), Role.OFFENDER_MANAGER, username="mfa.rc")
    authenticator("mfa.rc")
    codes = services.recovery_codes_generate(user=user)
    password_step(page, live_server, "mfa.rc")
    page.get_by_role("link", name="Use a recovery code").click()
    expect(page.get_by_role("heading", name="Use a recovery code")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You have 9 recovery codes left")).to_be_visible()
    sign_out(page)
    password_step(page, live_server, "mfa.rc")
    page.get_by_role("link", name="Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("has been used")


def test_administrator_resets_a_colleague_who_then_enrols_again(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    agency = factories.agency("M5")
    factories.staff(agency, Role.ADMINISTRATOR, username="mfa.admin")
    colleague = factories.staff(agency, Role.OFFENDER_MANAGER, username="mfa.colleague")
    authenticator("mfa.colleague")
    admin_page = browser.new_context().new_page()
    colleague_page = browser.new_context().new_page()
    sign_in(colleague_page, live_server, "mfa.colleague", factories.PASSWORD)

    sign_in(admin_page, live_server, "mfa.admin", factories.PASSWORD)
    admin_page.goto(f"{live_server.url}/staff/{colleague.pk}/")
    admin_page.get_by_role("button", name="Reset second factor").click()
    expect(
        admin_page.get_by_role("heading", name=re.compile("reset .* second factor"))
    ).to_be_visible()
    assert axe_violations(admin_page) == []
    admin_page.get_by_role("button", name="Reset second factor").click()
    expect(admin_page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    assert axe_violations(admin_page) == []
    admin_page.get_by_label("Why are you resetting their second factor?").fill("Lost phone")
    admin_page.get_by_role("button", name="Reset second factor").click()
    expect(admin_page.get_by_text("Second factor reset for")).to_be_visible()

    # The colleague's session has ended; at their next sign-in they set up a new factor.
    colleague_page.reload()
    expect(colleague_page.get_by_role("heading", name="Sign in")).to_be_visible()
    password_step(colleague_page, live_server, "mfa.colleague")
    enrol_with_the_app(colleague_page)
    expect(colleague_page).to_have_url(f"{live_server.url}/")


def test_step_up_page_before_a_serious_action(page, live_server) -> None:  # type: ignore[no-untyped-def]
    officer = factories.staff(factories.agency("M6"), Role.OFFENDER_MANAGER, username="mfa.up")
    nominal = factories.nominal(officer, family_name="Stepup", given_names="Sam")
    sign_in(page, live_server, "mfa.up", factories.PASSWORD)
    # Twenty minutes pass: the second factor is no longer recent.
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[VERIFIED_AT_KEY] = time.time() - 20 * 60
    session.save()
    page.goto(f"{live_server.url}/nominals/{nominal.pk}/merge/")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    assert axe_violations(page) == []
    enter_second_factor(page, "mfa.up")
    expect(page).to_have_url(f"{live_server.url}/nominals/{nominal.pk}/merge/")
