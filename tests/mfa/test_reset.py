"""An administrator resets a colleague's second factor: same agency only, with a reason."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa import services
from mfa.models import MfaReset
from register.models import Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase, login_verified


class AdministratorResetTests(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")

    def setUp(self) -> None:
        self.colleague = Client()
        login_verified(self.colleague, self.officer_a)
        services.recovery_codes_generate(user=self.officer_a)
        self.url = reverse("mfa-staff-reset", args=[self.officer_a.pk])

    def devices(self) -> int:
        return (
            TOTPDevice.objects.filter(user=self.officer_a).count()
            + StaticDevice.objects.filter(user=self.officer_a).count()
        )

    def test_reset_removes_the_factors_signs_them_out_and_records_who_and_why(self) -> None:
        self.assertEqual(self.colleague.get(reverse("home")).status_code, 200)
        login_verified(self.client, self.admin_a)
        page = self.client.get(reverse("staff-edit", args=[self.officer_a.pk]))
        self.assertContains(page, self.url)
        self.assertContains(self.client.get(self.url), "reset")
        response = self.client.post(self.url, {"reason": "Lost work phone"})
        self.assertRedirects(response, reverse("staff-list"))
        self.assertEqual(self.devices(), 0)
        reset = MfaReset.objects.get()
        self.assertEqual(
            (reset.member, reset.actor, reset.reason, reset.devices_removed),
            (self.officer_a, self.admin_a, "Lost work phone", 2),
        )
        # Their session has ended; signing in again leads to setting up a new second factor.
        self.assertRedirects(
            self.colleague.get(reverse("home")),
            f"{reverse('login')}?next=/",
            fetch_redirect_response=False,
        )
        self.colleague.post(
            reverse("login"), {"username": "officer.a", "password": factories.PASSWORD}
        )
        response = self.colleague.get(reverse("home"))
        self.assertTrue(response["Location"].startswith(reverse("mfa-setup")))

    def test_a_reason_is_needed_and_nothing_changes_without_one(self) -> None:
        login_verified(self.client, self.admin_a)
        response = self.client.post(self.url, {"reason": "  "})
        self.assertContains(response, "Enter the reason for this change")
        self.assertContains(response, "govuk-error-summary")
        self.assertEqual(self.devices(), 2)
        self.assertFalse(MfaReset.objects.exists())
        self.assertEqual(self.colleague.get(reverse("home")).status_code, 200)

    def test_another_agencys_administrator_and_other_roles_get_not_found(self) -> None:
        for user in (self.admin_b, self.supervisor_a, self.auditor, self.officer_b):
            with self.subTest(user.username):
                login_verified(self.client, user)
                self.assert_not_found(self.client.get(self.url))
                self.assert_not_found(self.client.post(self.url, {"reason": "Lost phone"}))
        self.assertEqual(self.devices(), 2)
        self.assertFalse(MfaReset.objects.exists())
        self.assertEqual(self.colleague.get(reverse("home")).status_code, 200)

    def test_an_administrator_cannot_reset_their_own(self) -> None:
        login_verified(self.client, self.admin_a)
        own = reverse("mfa-staff-reset", args=[self.admin_a.pk])
        response = self.client.post(own, {"reason": "Testing"})
        self.assertContains(response, "Another administrator must reset your own")
        self.assertTrue(TOTPDevice.objects.filter(user=self.admin_a).exists())

    def test_reset_page_runs_a_fixed_number_of_queries(self) -> None:
        login_verified(self.client, self.admin_a)
        self.client.get(self.url)
        with self.assertNumQueries(6):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        # More devices and sessions do not change the page's queries.
        for _ in range(3):
            login_verified(Client(), self.officer_a)
            TOTPDevice.objects.create(user=self.officer_a, name="Spare", confirmed=True)
        with self.assertNumQueries(6):
            self.assertEqual(self.client.get(self.url).status_code, 200)
