from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from mfa.totp import current_code
from register.models import StaffUser

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Without these, Chromium on this closed network keeps trying to reach Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Assertions wait for what a click leads to (a form post, a navigation) rather than
# reading the page at once: on a loaded machine the answer can take seconds to arrive.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        # A missing browser is a broken machine, not a reason to skip: .ci/run installs it.
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Run axe-core on the page for WCAG 2.0, 2.1 and 2.2 at A and AA.

    axe is evaluated through the DevTools protocol rather than added as a <script> tag, which
    the pages' Content-Security-Policy (script-src 'self') rightly blocks: the CSP stays in
    force, unweakened, for every page the accessibility tests visit (tests/e2e/test_csp.py).
    """
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']}})"""
    )
    # An axe run that checked nothing would pass vacuously.
    assert len(result["passes"]) > 5, f"axe-core checked almost nothing on {page.url}"
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


# Signing in: password, then the second factor ------------------------------------------------


def authenticator(username: str) -> Any:
    """The user's authenticator-app device, set up with a key the test holds if they have none.

    The test knows the key as the user's phone app would: the code it enters is computed
    from it (mfa.totp), the real second-factor step, not a way round it.
    """
    user = StaffUser.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Browser test app", confirmed=True)


def authenticator_code(device: Any) -> str:
    """A code the device will accept now: never one already used (django-otp refuses replays).

    Two sign-ins within one 30-second step need two codes, so the next step's code is used
    (within the device's tolerance), or the test waits for a fresh step.
    """
    device.refresh_from_db()
    while True:
        now = time.time()
        step_now = int((now - device.t0) // device.step) + device.drift
        step = max(step_now, device.last_t + 1)
        if step <= step_now + device.tolerance:
            return current_code(device, at=now + (step - step_now) * device.step)
        time.sleep(1)


def enter_second_factor(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Security code").fill(authenticator_code(authenticator(username)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_have_count(0)


def sign_in(page, live_server, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the sign-in page and the second-factor page, as a person does."""
    authenticator(username)
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    enter_second_factor(page, username)
    page.wait_for_url(f"{live_server.url}/")
