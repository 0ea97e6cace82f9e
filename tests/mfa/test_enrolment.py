"""Setting up a second factor at first sign-in, verifying with it, and recovery codes."""

from __future__ import annotations

import base64
import re

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa import selectors, services
from mfa.totp import current_code
from tests import factories
from tests.base import RegisterTestCase, login_verified

SETUP_QUERIES = 12
VERIFY_QUERIES = 9
RECOVERY_QUERIES = 7
STEP_UP_QUERIES = 8


class SignInWithSecondFactor(RegisterTestCase):
    def sign_in_with_password(self) -> None:
        response = self.client.post(
            reverse("login"), {"username": "officer.a", "password": factories.PASSWORD}
        )
        self.assertEqual(response.status_code, 302)

    def next_code(self, device: TOTPDevice) -> str:
        """The code the app shows for the next time step: a code is accepted once only."""
        device.refresh_from_db()
        return current_code(device, at=(device.last_t + 1) * device.step + 1)

    def test_first_sign_in_enrols_an_authenticator_app_then_shows_recovery_codes_once(self) -> None:
        self.sign_in_with_password()
        self.assertRedirects(
            self.client.get(reverse("home")),
            f"{reverse('mfa-setup')}?next=%2F",
            fetch_redirect_response=False,
        )
        page = self.client.get(reverse("mfa-setup"), {"next": "/"})
        self.assertContains(page, "<svg")
        self.assertNotContains(page, "style=")  # the CSP allows no inline style
        device = TOTPDevice.objects.get(user=self.officer_a)
        self.assertFalse(device.confirmed)
        # The manual key on the page is the device's key.
        key = re.search(r'data-testid="setup-key">([A-Z2-7 ]+)<', page.content.decode())
        assert key is not None
        typed = key.group(1).replace(" ", "")
        self.assertEqual(base64.b32decode(typed + "=" * (-len(typed) % 8)), device.bin_key)

        wrong = self.client.post(reverse("mfa-setup"), {"token": "000000", "next": "/"})
        self.assertContains(wrong, "The code is not right")
        self.assertContains(wrong, "govuk-error-summary")
        device.refresh_from_db()
        self.assertFalse(device.confirmed)
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

        done = self.client.post(reverse("mfa-setup"), {"token": current_code(device), "next": "/"})
        self.assertRedirects(done, f"{reverse('mfa-enrolled')}?next=%2F", target_status_code=302)
        codes_page = self.client.get(reverse("mfa-enrolled"), {"next": "/"}, follow=True)
        codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", codes_page.content.decode())
        self.assertEqual(len(codes), 10)
        self.assertEqual(
            sorted(codes),
            sorted(
                StaticToken.objects.filter(device__user=self.officer_a).values_list(
                    "token", flat=True
                )
            ),
        )
        # Shown once: the page does not show them again.
        again = self.client.get(reverse("mfa-recovery-codes"))
        self.assertNotContains(again, codes[0])
        self.assertContains(again, "You have 10 unused recovery codes")
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_sign_in_with_the_app(self) -> None:
        device = TOTPDevice.objects.create(user=self.officer_a, name="App", confirmed=True)
        self.sign_in_with_password()
        self.assertRedirects(
            self.client.get(reverse("nominal-list")),
            f"{reverse('mfa-verify')}?next=%2Fnominals%2F",
            fetch_redirect_response=False,
        )
        wrong = self.client.post(reverse("mfa-verify"), {"token": "12345", "next": "/nominals/"})
        self.assertContains(wrong, "Enter the 6 digits your authenticator app shows")
        self.assertEqual(self.client.get(reverse("nominal-list")).status_code, 302)
        right = self.client.post(
            reverse("mfa-verify"), {"token": current_code(device), "next": "/nominals/"}
        )
        self.assertRedirects(right, "/nominals/")
        self.assertEqual(self.client.get(reverse("nominal-list")).status_code, 200)

    def test_a_code_works_once_and_an_offsite_next_is_ignored(self) -> None:
        device = TOTPDevice.objects.create(user=self.officer_a, name="App", confirmed=True)
        self.sign_in_with_password()
        code = current_code(device)
        response = self.client.post(
            reverse("mfa-verify"), {"token": code, "next": "https://elsewhere.example/"}
        )
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.client.post(reverse("logout"))
        self.sign_in_with_password()
        replay = self.client.post(reverse("mfa-verify"), {"token": code})
        self.assertContains(replay, "The code is not right")

    def test_sign_in_with_a_recovery_code_which_then_stops_working(self) -> None:
        TOTPDevice.objects.create(user=self.officer_a, name="App", confirmed=True)
        codes = services.recovery_codes_generate(user=self.officer_a)
        self.sign_in_with_password()
        response = self.client.post(
            reverse("mfa-verify-recovery"), {"token": codes[3].upper(), "next": "/nominals/"}
        )
        self.assertRedirects(response, "/nominals/")
        self.assertEqual(selectors.recovery_codes_left(self.officer_a), 9)
        self.client.post(reverse("logout"))
        self.sign_in_with_password()
        reused = self.client.post(reverse("mfa-verify-recovery"), {"token": codes[3]})
        self.assertContains(reused, "has been used")
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

    def test_new_recovery_codes_replace_the_old_after_a_confirmation(self) -> None:
        old = services.recovery_codes_generate(user=self.officer_a)
        login_verified(self.client, self.officer_a)
        confirm = self.client.get(reverse("mfa-recovery-codes-regenerate"))
        self.assertContains(confirm, "Your current recovery codes will stop working")
        self.assertEqual(
            set(
                StaticToken.objects.filter(device__user=self.officer_a).values_list(
                    "token", flat=True
                )
            ),
            set(old),
        )
        shown = self.client.post(reverse("mfa-recovery-codes-regenerate"), follow=True)
        new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", shown.content.decode())
        self.assertEqual(len(new), 10)
        stored = set(
            StaticToken.objects.filter(device__user=self.officer_a).values_list("token", flat=True)
        )
        self.assertEqual(stored, set(new))
        self.assertFalse(stored & set(old))

    def test_regenerating_codes_needs_a_verified_session(self) -> None:
        TOTPDevice.objects.create(user=self.officer_a, name="App", confirmed=True)
        self.client.force_login(self.officer_a)
        response = self.client.post(reverse("mfa-recovery-codes-regenerate"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("mfa-verify")))
        self.assertFalse(StaticToken.objects.exists())

    def test_pages_run_a_fixed_number_of_queries(self) -> None:
        services.recovery_codes_generate(user=self.officer_a)
        login_verified(self.client, self.officer_a)
        pages = {"mfa-manage": 10, "mfa-recovery-codes": 8, "mfa-recovery-codes-regenerate": 6}
        for name in pages:
            self.client.get(reverse(name))  # warm: content types are cached after first use
        for rows in (1, 4):  # more devices and codes do not change the queries
            for _ in range(rows):
                TOTPDevice.objects.create(user=self.officer_a, name="Spare", confirmed=True)
            for name, queries in pages.items():
                with self.subTest(name=name, rows=rows), self.assertNumQueries(queries):
                    self.assertEqual(self.client.get(reverse(name)).status_code, 200)

    def test_verify_and_set_up_pages_run_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.officer_a)
        self.client.get(reverse("mfa-setup"))  # creates the key being set up
        with self.assertNumQueries(SETUP_QUERIES):
            self.assertEqual(self.client.get(reverse("mfa-setup")).status_code, 200)
        TOTPDevice.objects.filter(user=self.officer_a).update(confirmed=True)
        services.recovery_codes_generate(user=self.officer_a)
        with self.assertNumQueries(VERIFY_QUERIES):
            self.assertEqual(self.client.get(reverse("mfa-verify")).status_code, 200)
        with self.assertNumQueries(RECOVERY_QUERIES):
            self.assertEqual(self.client.get(reverse("mfa-verify-recovery")).status_code, 200)
        login_verified(self.client, self.officer_a)
        self.client.get(reverse("mfa-step-up"))
        with self.assertNumQueries(STEP_UP_QUERIES):
            self.assertEqual(self.client.get(reverse("mfa-step-up")).status_code, 200)
