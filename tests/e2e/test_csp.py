"""The Content-Security-Policy in a real browser: nothing on the main pages is blocked.

A strict policy that silently broke the pages' JavaScript would pass every header test, so
each persona opens their main pages in Chromium with the policy in force (no bypass) and
the test listens for `securitypolicyviolation` events and CSP console errors, then checks
that GOV.UK Frontend started (js-enabled) and that a component works.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from register.models import Role
from tests import factories
from tests.e2e.test_accessibility import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs, so a violation at load time is caught too.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


class Watch:
    """The CSP problems one browser context met, from events and the console."""

    def __init__(self, context: Any) -> None:
        self.console: list[str] = []
        self.events: list[str] = []
        context.add_init_script(LISTEN_FOR_VIOLATIONS)

    def attach(self, page: Any) -> None:
        page.on(
            "console",
            lambda message: (
                self.console.append(message.text)
                if "Content Security Policy" in message.text
                or "Content-Security-Policy" in message.text
                else None
            ),
        )

    def visit(self, page: Any, url: str) -> None:
        page.goto(url)
        page.wait_for_load_state("load")
        # The module scripts (GOV.UK Frontend) have run once the body says so.
        expect(page.locator("body.js-enabled.govuk-frontend-supported")).to_have_count(1)
        self.events += [f"{url}: {v}" for v in page.evaluate("window.__cspViolations")]


@pytest.fixture
def watched(browser) -> Any:  # type: ignore[no-untyped-def]
    context = browser.new_context()  # bypass_csp stays False: the policy is enforced
    watch = Watch(context)
    page = context.new_page()
    watch.attach(page)
    yield page, watch
    context.close()


def test_main_pages_of_each_persona_run_under_the_policy(watched, live_server) -> None:  # type: ignore[no-untyped-def]
    page, watch = watched
    agency = factories.agency("CSP")
    officer = factories.staff(agency, Role.OFFENDER_MANAGER, Role.SUPERVISOR, username="csp.om")
    factories.staff(agency, Role.VICTIM_LIAISON_OFFICER, username="csp.vlo")
    factories.staff(agency, Role.MAPPA_COORDINATOR, username="csp.mappa")
    factories.staff(agency, Role.AUDITOR, Role.ADMINISTRATOR, username="csp.admin")
    nominal = factories.nominal(officer, family_name="Policy", given_names="Carl")
    base = live_server.url

    watch.visit(page, f"{base}/sign-in/")
    pages = {
        "csp.om": [
            "/",
            "/nominals/",
            f"/nominals/{nominal.pk}/",
            "/nominals/new/",
            "/tasks/",
            "/api/v1/docs/",
        ],
        "csp.vlo": ["/", "/victims/"],
        "csp.mappa": ["/", "/mappa/"],
        "csp.admin": ["/", "/staff/", "/audit/", "/api-clients/"],
    }
    for username, paths in pages.items():
        page.context.clear_cookies()
        sign_in(page, live_server, username)
        for path in paths:
            if path == "/api/v1/docs/":
                # Swagger UI: its start-up script comes from a URL and it draws the operations.
                page.goto(f"{base}{path}")
                expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
                watch.events += page.evaluate("window.__cspViolations")
                continue
            watch.visit(page, f"{base}{path}")

    # A GOV.UK component driven by its JavaScript: the header's skip link moves focus.
    page.goto(f"{base}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()

    assert watch.events == []
    assert watch.console == []


def test_an_inline_script_is_blocked_and_reported(watched, live_server) -> None:  # type: ignore[no-untyped-def]
    """The listener above is not vacuous: an injected inline script fires a violation."""
    page, _ = watched
    page.goto(f"{live_server.url}/sign-in/")
    page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"""
    )
    expect(page.locator("body")).to_have_count(1)
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in page.evaluate("window.__cspViolations"))


def test_api_client_pages_are_accessible_and_show_the_token_once(watched, live_server) -> None:  # type: ignore[no-untyped-def]
    from tests.e2e.conftest import axe_violations

    page, watch = watched
    agency = factories.agency("CSQ")
    factories.staff(agency, Role.ADMINISTRATOR, username="csq.admin")
    factories.api_client(agency, name="Existing system")
    base = live_server.url
    sign_in(page, live_server, "csq.admin")
    found = {}
    watch.visit(page, f"{base}/api-clients/")
    found["list"] = axe_violations(page)
    page.get_by_role("link", name="Add an API client").click()
    page.get_by_role("button", name="Create and show the token").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    found["form with errors"] = axe_violations(page)
    page.get_by_label("Name of the partner system").fill("Prison system")
    page.get_by_label("Offender manager").check()
    page.get_by_label("Read the register (nominals and their details)").check()
    page.get_by_label("Why does this system need access?").fill("Data sharing agreement")
    page.get_by_role("button", name="Create and show the token").click()
    expect(page.get_by_text("This is the only time the token is shown")).to_be_visible()
    found["token"] = axe_violations(page)
    token = page.get_by_label("Token").input_value()
    assert "." in token
    page.goto(f"{base}/api-clients/")
    expect(page.get_by_role("link", name="Revoke Prison system")).to_be_visible()
    assert token not in page.content()
    assert found == {name: [] for name in found}
    assert watch.events == []
