"""The one access gate: other agencies and wrong roles get 404 and change nothing."""

from __future__ import annotations

import uuid

from django.urls import reverse
from rest_framework.test import APIClient

from register import access, selectors
from register.models import Nominal, NominalAgencyPermission, Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase


class NominalGateTests(RegisterTestCase):
    nominal: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Gatekeeper")

    def test_lead_agency_officer_sees_the_record(self) -> None:
        self.assertEqual(list(selectors.nominal_list(user=self.officer_a)), [self.nominal])
        self.as_user(self.officer_a)
        response = self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        self.assertContains(response, "GATEKEEPER")

    def test_other_agency_gets_404_on_every_page(self) -> None:
        self.as_user(self.officer_b)
        for name in ("nominal-detail", "nominal-share"):
            with self.subTest(name):
                self.assert_not_found(self.client.get(reverse(name, args=[self.nominal.pk])))
        list_page = self.client.get(reverse("nominal-list"))
        self.assertNotContains(list_page, "GATEKEEPER")

    def test_wrong_roles_get_404_even_in_the_lead_agency(self) -> None:
        for persona in (self.vlo_a, self.auditor):
            with self.subTest(persona.username):
                self.as_user(persona)
                self.assert_not_found(
                    self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
                )
                self.assert_not_found(self.client.get(reverse("nominal-list")))
                self.assert_not_found(self.client.get(reverse("nominal-create")))

    def test_missing_and_malformed_ids_look_the_same_as_forbidden(self) -> None:
        self.as_user(self.officer_a)
        for bad in (uuid.uuid4(), "not-a-uuid"):
            self.assert_not_found(self.client.get(reverse("nominal-detail", args=[bad])))

    def test_other_agency_cannot_share_the_record(self) -> None:
        self.as_user(self.officer_b)
        grants_before = NominalAgencyPermission.objects.count()
        response = self.client.post(
            reverse("nominal-share", args=[self.nominal.pk]),
            {"agency": self.agency_b.pk, "reason": "Trying my luck"},
        )
        self.assert_not_found(response)
        self.assertEqual(NominalAgencyPermission.objects.count(), grants_before)

    def test_sharing_opens_view_but_not_change_to_the_other_agency(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("nominal-share", args=[self.nominal.pk]),
            {"agency": self.agency_b.pk, "reason": "Moved to their area"},
        )
        self.assertRedirects(response, reverse("nominal-detail", args=[self.nominal.pk]))
        self.assertEqual(list(selectors.nominal_list(user=self.officer_b)), [self.nominal])
        self.assertFalse(access.scoped(Nominal.objects.all(), self.officer_b, "change").exists())
        grant = NominalAgencyPermission.history.filter(group=self.agency_b.group).get()
        self.assertEqual(grant.history_user, self.officer_a)
        self.assertEqual(grant.history_change_reason, "Moved to their area")

    def test_share_form_refuses_missing_reason_and_changes_nothing(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("nominal-share", args=[self.nominal.pk]), {"agency": self.agency_b.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter the reason for this change")
        self.assertContains(response, "govuk-error-summary")
        self.assertFalse(selectors.nominal_list(user=self.officer_b).exists())


class NominalApiGateTests(RegisterTestCase):
    nominal: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Apigate")

    def api(self, user: StaffUser) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_other_agency_and_wrong_role_get_404_from_the_api(self) -> None:
        url = reverse("api-nominal-detail", args=[self.nominal.pk])
        for persona in (self.officer_b, self.vlo_a, self.admin_b):
            with self.subTest(persona.username):
                client = self.api(persona)
                self.assertEqual(client.get(url).status_code, 404)
                response = client.patch(
                    url, {"family_name": "Changed", "reason": "x"}, format="json", HTTP_IF_MATCH="*"
                )
                self.assertEqual(response.status_code, 404)
                listing = client.get(reverse("api-nominal-list"))
                if persona is self.officer_b:
                    self.assertEqual(listing.json()["results"], [])
                else:
                    self.assertEqual(listing.status_code, 404)
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.family_name, "Apigate")

    def test_wrong_role_cannot_create_through_the_api(self) -> None:
        response = self.api(self.vlo_a).post(
            reverse("api-nominal-list"),
            {"family_name": "New", "given_names": "Person", "reason": "Test"},
            format="json",
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Nominal.objects.filter(family_name="New").exists())

    def test_anonymous_gets_401_not_a_redirect(self) -> None:
        response = APIClient().get(reverse("api-nominal-detail", args=[self.nominal.pk]))
        self.assertEqual(response.status_code, 401)


class PolicyTests(RegisterTestCase):
    def test_every_protected_model_has_a_direct_permission_table(self) -> None:
        from django.apps import apps

        self.assertLessEqual(access.GRANTED_PER_RECORD, set(access.POLICY))
        for label in access.GRANTED_PER_RECORD:
            perm_model = access.grant_model(apps.get_model(label))
            with self.subTest(label):
                self.assertFalse(
                    perm_model.objects.is_generic(), f"{label} uses guardian's generic table"
                )

    def test_roles_are_necessary_not_sufficient(self) -> None:
        self.assertTrue(access.roles_allow(self.officer_b, Nominal, "view"))
        nominal = factories.nominal(self.officer_a)
        self.assertFalse(
            access.scoped(Nominal.objects.filter(pk=nominal.pk), self.officer_b).exists()
        )

    def test_a_disabled_account_sees_nothing(self) -> None:
        nominal = factories.nominal(self.officer_a)
        self.officer_a.is_active = False
        self.assertFalse(
            access.scoped(Nominal.objects.filter(pk=nominal.pk), self.officer_a).exists()
        )
        self.assertEqual(Role.OFFENDER_MANAGER, self.officer_a.roles[0])
