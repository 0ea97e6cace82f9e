"""Time disregarded in notification deadlines (SOA 2003 s.83(6)): the page, the API, history,
access (another agency and wrong roles get 404 and change nothing) and fixed query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from notifications import rules, services
from notifications.models import DueItem, DueKind, NotificationPause
from register import services as register_services
from register.models import Nominal
from tests.base import RegisterTestCase
from tests.notifications.factories import Registered, register


class PauseTestCase(RegisterTestCase):
    person: Registered
    nominal: Nominal
    today: dt.date

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = register(cls.officer_a)
        cls.nominal = cls.person.nominal
        cls.today = timezone.localdate()
        register_services.nominal_detail_add(
            actor=cls.officer_a,
            nominal=cls.nominal,
            kind="addresses",
            data={
                "kind": "main",
                "line_1": "4 Mill Lane",
                "town": "Northmoor",
                "postcode": "NM1 1AA",
                "date_from": cls.today,
            },
            reason="Seen on patrol",
        )

    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.officer_a)

    def change(self) -> DueItem:
        return DueItem.objects.get(nominal=self.nominal, kind=DueKind.CHANGE_NOTIFICATION)

    def valid(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "kind": "hospital",
            "starts_on": (self.today + dt.timedelta(days=1)).isoformat(),
            "ends_on": (self.today + dt.timedelta(days=2)).isoformat(),
            "note": "Admitted to Northmoor General",
            "reason": "Ward manager confirmed by phone",
        }
        data.update(overrides)
        return data


class PausePageTests(PauseTestCase):
    def test_recording_moves_the_deadline_and_keeps_history(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("pause-create", args=[self.nominal.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, self.valid())
        self.assertEqual(response.status_code, 302)
        pause = NotificationPause.objects.get()
        self.assertEqual(pause.history.get().history_user, self.officer_a)
        self.assertEqual(self.change().due_at, rules.end_of_day(self.today + dt.timedelta(days=4)))
        page = self.client.get(reverse("nominal-notifications", args=[self.nominal.pk]))
        self.assertContains(page, "Detained in hospital")
        self.assertContains(page, "disregarded, detained in hospital (SOA 2003 s.83(6)(c))")

    def test_bad_input_is_shown_next_to_the_field_and_nothing_changes(self) -> None:
        self.as_user(self.officer_a)
        before = self.change().due_at
        response = self.client.post(
            reverse("pause-create", args=[self.nominal.pk]),
            self.valid(kind="", ends_on=self.today.isoformat(), reason=""),
        )
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"kind", "ends_on", "reason"})
        self.assertContains(response, "govuk-error-summary")
        self.assertFalse(NotificationPause.objects.exists())
        self.assertEqual(self.change().due_at, before)

    def test_another_agency_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        for user in (self.officer_b, self.vlo_a, self.admin_b, self.auditor):
            self.as_user(user)
            with self.subTest(user=user.username):
                url = reverse("pause-create", args=[self.nominal.pk])
                self.assert_not_found(self.client.get(url))
                self.assert_not_found(self.client.post(url, self.valid()))
        self.assertFalse(NotificationPause.objects.exists())


class PauseApiTests(PauseTestCase):
    def url(self) -> str:
        return reverse("api-notification-pause-list", args=[self.nominal.pk])

    def test_record_list_and_remove(self) -> None:
        response = self.api.post(self.url(), self.valid(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["kind"], body["recorded_by"]), ("hospital", "officer.a"))
        due = self.api.get(reverse("api-due-item-list", args=[self.nominal.pk])).json()
        [change] = [d for d in due["results"] if d["kind"] == DueKind.CHANGE_NOTIFICATION]
        self.assertIn("SOA 2003 s.84(1)", change["source"])
        self.assertIn("disregarded", change["source"])
        listed = self.api.get(self.url()).json()["results"]
        self.assertEqual([p["id"] for p in listed], [body["id"]])
        removed = self.api.post(
            reverse("api-notification-pause-remove", args=[self.nominal.pk, body["id"]]),
            {"reason": "Recorded against the wrong person"},
            format="json",
        )
        self.assertEqual(removed.status_code, 204)
        self.assertFalse(NotificationPause.objects.exists())
        self.assertEqual(self.change().due_at, rules.end_of_day(self.today + dt.timedelta(days=2)))

    def test_bad_input_gives_field_errors_and_changes_nothing(self) -> None:
        response = self.api.post(
            self.url(),
            self.valid(kind="prison", ends_on=self.today.isoformat(), reason=""),
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertTrue({"kind", "reason"} <= set(response.json()))
        response = self.api.post(
            self.url(),
            self.valid(ends_on=(self.today - dt.timedelta(days=3)).isoformat()),
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("ends_on", response.json())
        # A date at the calendar's end would carry a deadline past it: refused, not a 500.
        response = self.api.post(self.url(), self.valid(ends_on="9999-12-31"), format="json")
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("ends_on", response.json())
        self.assertFalse(NotificationPause.objects.exists())

    def test_another_agency_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        pause = services.notification_pause_record(
            actor=self.officer_a,
            nominal=self.nominal,
            kind="abroad",
            starts_on=self.today,
            ends_on=self.today,
            reason="Flight records",
        )
        remove = reverse("api-notification-pause-remove", args=[self.nominal.pk, pause.pk])
        for user in (self.officer_b, self.vlo_a, self.admin_b, self.auditor):
            self.api.force_authenticate(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.api.get(self.url()).status_code, 404)
                self.assertEqual(
                    self.api.post(self.url(), self.valid(), format="json").status_code, 404
                )
                self.assertEqual(
                    self.api.post(remove, {"reason": "x"}, format="json").status_code, 404
                )
        self.assertEqual(list(NotificationPause.objects.all()), [pause])

    def test_the_list_runs_a_fixed_number_of_queries(self) -> None:
        counts = []
        for rows in (1, 6):
            while NotificationPause.objects.count() < rows:
                services.notification_pause_record(
                    actor=self.officer_a,
                    nominal=self.nominal,
                    kind="abroad",
                    starts_on=self.today - dt.timedelta(days=30 + rows),
                    ends_on=self.today - dt.timedelta(days=30),
                    reason="Flight records",
                )
            with CaptureQueriesContext(connection) as queries:
                response = self.api.get(self.url())
            self.assertEqual(len(response.json()["results"]), rows)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
