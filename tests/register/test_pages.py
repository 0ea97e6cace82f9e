"""Pages: query counts that do not grow with rows, forms with clear errors, empty states."""

from __future__ import annotations

from django.urls import reverse

from register import services
from register.models import Nominal
from tests import factories
from tests.base import RegisterTestCase


class NominalPageTests(RegisterTestCase):
    def test_list_page_query_count_is_fixed(self) -> None:
        self.as_user(self.officer_a)
        factories.nominal(self.officer_a)
        for _ in range(2):
            # session, user+agency, officer and team filter choices, count, page,
            # access-log insert, savepoint, session save, release
            with self.assertNumQueries(11):
                self.client.get(reverse("nominal-list"))
            for i in range(30):
                factories.nominal(self.officer_a, family_name=f"Bulk{i}")

    def test_list_is_paginated(self) -> None:
        for i in range(27):
            factories.nominal(self.officer_a, family_name=f"P{i:02d}")
        self.as_user(self.officer_a)
        first = self.client.get(reverse("nominal-list"))
        self.assertContains(first, "Page 1 of 2")
        second = self.client.get(reverse("nominal-list"), {"page": 2})
        self.assertContains(second, "P26")

    def test_empty_state(self) -> None:
        self.as_user(self.officer_b)
        self.assertContains(
            self.client.get(reverse("nominal-list")),
            "There are no people on the register that your agency can see.",
        )

    def test_profile_query_count_does_not_grow_with_history_or_sharing(self) -> None:
        nominal = factories.nominal(self.officer_a)
        self.as_user(self.officer_a)
        url = reverse("nominal-detail", args=[nominal.pk])
        # One query per profile section; 23 with no civil orders or registrations.
        with self.assertNumQueries(24):
            self.client.get(url)
        services.nominal_share(
            actor=self.officer_a, nominal=nominal, agency=self.agency_b, reason="x"
        )
        for i in range(25):
            services.nominal_update(
                actor=self.officer_a, nominal=nominal, given_names=f"G{i}", reason="x"
            )
        with self.assertNumQueries(24):
            response = self.client.get(url)
        self.assertContains(response, "Agency B")

    def test_create_form_shows_errors_next_to_fields_and_saves_nothing(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("nominal-create"),
            {"given_names": "", "family_name": "", "date_of_birth": "31/02/1990"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")
        for message in (
            "Enter the given names",
            "Enter the family name",
            "Date of birth must be a real date",
        ):
            self.assertContains(response, message, count=2)
        self.assertContains(response, "govuk-input--error")
        self.assertFalse(Nominal.objects.exists())

    def test_create_form_adds_the_person_led_by_the_users_agency(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("nominal-create"),
            {
                "given_names": "New",
                "family_name": "Person",
                "date_of_birth": "1991-04-05",
                "reason": "MARAC",
            },
        )
        nominal = Nominal.objects.get()
        self.assertRedirects(response, reverse("nominal-detail", args=[nominal.pk]))
        self.assertEqual(nominal.lead_agency, self.agency_a)


class HomeAndHealthTests(RegisterTestCase):
    def test_navigation_follows_roles(self) -> None:
        sections = {"Nominals", "MAPPA", "Victims", "Disclosures", "Tasks", "Audit", "Staff"}
        expected = {
            self.officer_a: {"Nominals", "MAPPA", "Disclosures", "Tasks"},
            self.vlo_a: {"Victims", "Disclosures", "Tasks"},
            self.auditor: {"Audit"},
            self.admin_b: {"Staff"},
        }
        cases = {user: (shown, sections - shown) for user, shown in expected.items()}
        for persona, (present, absent) in cases.items():
            with self.subTest(persona.username):
                self.as_user(persona)
                labels = {
                    i["label"]
                    for i in self.client.get(reverse("home")).context["primary_navigation"]
                }
                self.assertTrue(present <= labels, labels)
                self.assertFalse(absent & labels, labels)
                home = self.client.get(reverse("home")).content.decode()
                for label in present:  # each section the user has is described on Home
                    self.assertRegex(home, rf">{label}</a></h2>\s*<p class=\"govuk-body\">\s*\w")

    def test_health_is_open_and_reports_the_database(self) -> None:
        body = self.client.get(reverse("health")).json()
        self.assertEqual(body["database"], "ok")
        self.assertIn("scheduler_last_ran", body)

    def test_unknown_page_is_a_gov_uk_404(self) -> None:
        self.as_user(self.officer_a)
        self.assertContains(self.client.get("/no-such-page/"), "Page not found", status_code=404)
