"""Administrators keep the offence catalogue, criteria sets and priority weights as data."""

from __future__ import annotations

from django.urls import reverse

from register.models import CriteriaSet, Offence, PriorityWeights, Role, StaffUser
from register.priority import current_weights
from tests import factories
from tests.base import RegisterTestCase


class ReferenceDataPageTests(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")

    def test_catalogue_is_loaded_with_the_specified_offences(self) -> None:
        self.assertGreaterEqual(Offence.objects.count(), 40)
        self.assertEqual(
            set(Offence.objects.filter(specified_stalking=True).values_list("code", flat=True)),
            {"PHA1997-s2A", "PHA1997-s4A"},
        )
        self.assertEqual(
            set(CriteriaSet.objects.values_list("key", flat=True)),
            {"lords-2024", "broad-convicted", "npcc-serial"},
        )

    def test_administrator_changes_gravity_with_a_reason_kept_in_history(self) -> None:
        offence = Offence.objects.get(code="OAPA1861-s47")
        self.as_user(self.admin_b)
        url = reverse("reference-offence-edit", args=[offence.pk])
        data = {
            "title": offence.title,
            "default_gravity": 45,
            "is_active": "on",
            "violent": "on",
            "reason": "Force harm index review 2026",
        }
        self.assertRedirects(self.client.post(url, data), reverse("reference-offences"))
        offence.refresh_from_db()
        self.assertEqual(offence.default_gravity, 45)
        latest = offence.history.first()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason),
            (self.admin_b, "Force harm index review 2026"),
        )

    def test_bad_input_is_explained_and_changes_nothing(self) -> None:
        offence = Offence.objects.get(code="OAPA1861-s47")
        before = offence.default_gravity
        self.as_user(self.admin_b)
        response = self.client.post(
            reverse("reference-offence-edit", args=[offence.pk]),
            {"title": "", "default_gravity": -3, "reason": ""},
        )
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "Enter the reason for this change")
        self.assertContains(response, "greater than or equal to 0")
        offence.refresh_from_db()
        self.assertEqual(offence.default_gravity, before)

    def test_other_roles_get_404_and_change_nothing(self) -> None:
        offence = Offence.objects.get(code="OAPA1861-s47")
        lists = [reverse("reference-offences"), reverse("reference-criteria")]
        edits = [
            reverse("reference-offence-edit", args=[offence.pk]),
            reverse("reference-criteria-edit", args=["lords-2024"]),
            reverse("reference-priority-weights"),
        ]
        for persona in (self.officer_a, self.supervisor_a, self.vlo_a, self.auditor):
            self.as_user(persona)
            for url in lists + edits:
                with self.subTest(persona=persona.username, url=url):
                    self.assert_not_found(self.client.get(url))
            for url in edits:
                with self.subTest(persona=persona.username, url=url, method="POST"):
                    post = self.client.post(
                        url, {"reason": "x", "default_gravity": 1, "recency": 9}
                    )
                    self.assert_not_found(post)
        offence.refresh_from_db()
        self.assertNotEqual(offence.default_gravity, 1)
        self.assertFalse(PriorityWeights.objects.exclude(agency__isnull=True).exists())

    def test_each_agency_sets_its_own_weights(self) -> None:
        self.as_user(self.admin_b)
        data = {
            "recency": 3,
            "frequency": 1,
            "gravity": 1,
            "victims": 2,
            "recency_horizon_days": 1095,
            "frequency_cap": 10,
            "gravity_cap": 1000,
            "victims_cap": 5,
            "reason": "Force weights agreed at DA board",
        }
        response = self.client.post(reverse("reference-priority-weights"), data)
        self.assertRedirects(response, reverse("reference-priority-weights"))
        self.assertEqual(current_weights(self.agency_b.pk).recency, 3)
        self.assertEqual(current_weights(self.agency_a.pk).recency, 1)  # still the defaults
        self.assertEqual(PriorityWeights.objects.filter(agency__isnull=True).count(), 1)

    def test_negative_weights_are_refused(self) -> None:
        self.as_user(self.admin_b)
        response = self.client.post(
            reverse("reference-priority-weights"),
            {
                "recency": -1,
                "frequency": 1,
                "gravity": 1,
                "victims": 1,
                "recency_horizon_days": 1095,
                "frequency_cap": 10,
                "gravity_cap": 1000,
                "victims_cap": 5,
                "reason": "Typo",
            },
        )
        self.assertContains(response, "Weights and caps cannot be negative")
        self.assertFalse(PriorityWeights.objects.filter(agency=self.agency_b).exists())

    def test_offence_list_query_count_is_fixed(self) -> None:
        self.as_user(self.admin_b)
        with self.assertNumQueries(7):
            response = self.client.get(reverse("reference-offences"))
        self.assertContains(response, "Controlling or coercive behaviour")
        with self.assertNumQueries(7):
            self.client.get(reverse("reference-offences"), {"page": 2})
