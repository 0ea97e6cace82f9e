"""Serious actions ask for the second factor again unless it was given in the last minutes.

Each of the four (a disclosure decision or disclosure, granting access to a victim's
details, merging records, ending a registration): without a recent second factor the user is
sent to confirm it is them and the form they posted is carried out on their return; with one,
the page is used as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlparse

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa.totp import current_code
from register.models import Nominal, StaffUser
from tests import factories
from tests.base import login_verified
from tests.register.test_record_pages import populate, register_decision
from tests.victims.base import VictimsTestCase
from victims import services as victim_services
from victims.models import DisclosureCase, VictimAccessGrant

TODAY = timezone.localdate()


class StepUpTests(VictimsTestCase):
    def stale(self, user: StaffUser) -> None:
        """Signed in with a second factor, but 20 minutes ago (the policy is 15)."""
        login_verified(self.client, user, verified_minutes_ago=20)

    def step_up_then_replay(self, user: StaffUser, url: str, data: dict[str, str]) -> Any:
        """Post without a recent second factor, confirm it, and follow the way back."""
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        location = urlparse(response["Location"])
        self.assertEqual(location.path, reverse("mfa-step-up"))
        back = parse_qs(location.query)["next"][0]
        self.assertTrue(back.startswith(f"{url}?mfa_replay="), back)
        page = self.client.get(response["Location"])
        self.assertContains(page, "Confirm it is you")
        device = TOTPDevice.objects.get(user=user)
        confirmed = self.client.post(
            reverse("mfa-step-up"), {"token": current_code(device), "next": back}
        )
        self.assertRedirects(confirmed, back, fetch_redirect_response=False)
        return self.client.get(back)

    def assert_asks_to_step_up(self, url: str) -> None:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302, url)
        self.assertTrue(response["Location"].startswith(reverse("mfa-step-up")), url)

    def test_granting_access_to_a_victim(self) -> None:
        url = reverse("victim-grant-add", args=[self.victim.pk])
        self.stale(self.vlo_a)
        self.assert_asks_to_step_up(url)
        data = {"grantee": str(self.officer_a.pk), "reason": "MAPPA plan"}
        done = self.step_up_then_replay(self.vlo_a, url, data)
        self.assertRedirects(done, reverse("victim-detail", args=[self.victim.pk]) + "#grants")
        self.assertTrue(VictimAccessGrant.objects.filter(grantee=self.officer_a).exists())
        # Now recent: the page opens straight away.
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_disclosure_decision_and_the_disclosure_but_not_routine_checks(self) -> None:
        case = victim_services.disclosure_create(
            actor=self.officer_a,
            route="right_to_ask",
            subject=self.nominal,
            received_on=TODAY - dt.timedelta(days=3),
            applicant_name="Fiona Ashcombe",
            applicant_relationship="New partner",
            applicant_contact="Mobile",
        )
        self.stale(self.officer_a)
        checks = reverse("disclosure-step", args=[case.pk, "checks"])
        self.assertEqual(self.client.get(checks).status_code, 200)
        self.client.post(
            checks,
            {"initial_checks_on": str(TODAY), "checks_notes": "Checks", "risk_level": "standard"},
        )
        decision = reverse("disclosure-step", args=[case.pk, "decision"])
        self.assert_asks_to_step_up(decision)
        self.assert_asks_to_step_up(reverse("disclosure-step", args=[case.pk, "outcome"]))
        data = {
            "decision": "disclose",
            "decision_on": str(TODAY),
            "decision_reasons": "Need",
            "decision_agencies": "Police",
        }
        done = self.step_up_then_replay(self.officer_a, decision, data)
        self.assertRedirects(done, reverse("disclosure-detail", args=[case.pk]))
        self.assertEqual(DisclosureCase.objects.get(pk=case.pk).decision, "disclose")

    def test_ending_a_registration(self) -> None:
        nominal = factories.nominal(self.officer_a, family_name="Ender", given_names="Eve")
        populate(self.officer_a, nominal, 2)
        registration = register_decision(self.officer_a, nominal)
        url = reverse("registration-end", args=[registration.pk])
        self.stale(self.officer_a)
        self.assert_asks_to_step_up(url)
        data = {"ended_on": str(TODAY), "end_reason": "Review date reached"}
        done = self.step_up_then_replay(self.officer_a, url, data)
        self.assertEqual(done.status_code, 302)
        registration.refresh_from_db()
        self.assertEqual(registration.ended_on, TODAY)

    def test_merging_two_records(self) -> None:
        keep = factories.nominal(self.officer_a, family_name="Smith", given_names="John")
        duplicate = factories.nominal(self.officer_a, family_name="Smyth", given_names="Jon")
        url = reverse("nominal-merge", args=[keep.pk])
        self.stale(self.officer_a)
        self.assert_asks_to_step_up(url)
        data = {"duplicate": str(duplicate.pk), "reason": "Same PNC record"}
        done = self.step_up_then_replay(self.officer_a, url, data)
        self.assertRedirects(done, reverse("nominal-detail", args=[keep.pk]))
        self.assertEqual(Nominal.objects.get(pk=duplicate.pk).merged_into_id, keep.pk)

    def test_a_kept_form_is_replayed_only_with_its_token_and_only_once(self) -> None:
        keep = factories.nominal(self.officer_a, family_name="Smith", given_names="John")
        duplicate = factories.nominal(self.officer_a, family_name="Smyth", given_names="Jon")
        url = reverse("nominal-merge", args=[keep.pk])
        self.stale(self.officer_a)
        response = self.client.post(url, {"duplicate": str(duplicate.pk), "reason": "Same"})
        back = parse_qs(urlparse(response["Location"]).query)["next"][0]
        # Another session with the link (a forged or shared link) cannot trigger the kept form.
        other = Client()
        login_verified(other, self.officer_a)
        self.assertEqual(other.get(back).status_code, 200)
        self.assertIsNone(Nominal.objects.get(pk=duplicate.pk).merged_into_id)
        # In the session itself, a wrong token discards the kept form; it is not tried again.
        login_verified(self.client, self.officer_a)
        self.assertEqual(self.client.get(f"{url}?mfa_replay=guess").status_code, 200)
        self.assertEqual(self.client.get(back).status_code, 200)
        self.assertIsNone(Nominal.objects.get(pk=duplicate.pk).merged_into_id)

    def test_a_wrong_code_is_refused_next_to_the_field_and_nothing_is_done(self) -> None:
        url = reverse("victim-grant-add", args=[self.victim.pk])
        self.stale(self.vlo_a)
        response = self.client.post(url, {"grantee": str(self.officer_a.pk), "reason": "Plan"})
        back = parse_qs(urlparse(response["Location"]).query)["next"][0]
        wrong = self.client.post(reverse("mfa-step-up"), {"token": "000000", "next": back})
        self.assertContains(wrong, "The code is not right")
        self.assertContains(wrong, "govuk-error-summary")
        self.assert_asks_to_step_up(back)
        self.assertFalse(VictimAccessGrant.objects.exists())

    @override_settings(MFA_STEP_UP_MINUTES=30)
    def test_the_window_is_a_setting(self) -> None:
        self.stale(self.vlo_a)  # 20 minutes ago is recent under a 30-minute policy
        url = reverse("victim-grant-add", args=[self.victim.pk])
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_other_agency_and_wrong_role_still_get_not_found_after_stepping_up(self) -> None:
        url = reverse("victim-grant-add", args=[self.victim.pk])
        for user in (self.vlo_b, self.officer_a):
            with self.subTest(user.username):
                login_verified(self.client, user)
                self.assert_not_found(self.client.get(url))
                self.assert_not_found(
                    self.client.post(url, {"grantee": str(user.pk), "reason": "x"})
                )
        self.assertFalse(VictimAccessGrant.objects.exists())
