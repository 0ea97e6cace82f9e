"""Review of indefinite notification requirements (SOA 2003 s.91A-F as applied; issue 10, finding
9): due 15 years after the initial notification (not registration), decided with reasons, and
reviewed again 8 years after a decision to continue. All as due items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from notifications import rules, services
from notifications.models import (
    DueItem,
    DueKind,
    DueStatus,
    IndefiniteReview,
    NotificationChannel,
    NotificationPeriod,
    ReviewDecision,
)
from register.errors import DomainError
from tests.base import RegisterTestCase
from tests.notifications.factories import register

FULL = ["names", "date_of_birth", "ni_number", "main_address"]


class IndefiniteReviewTests(RegisterTestCase):
    def setUp(self) -> None:
        # 30 months' custody: "imprisonment ... for a term of 30 months or more" (s.82(1)).
        self.person = register(self.officer_a, starts_on=dt.date(2026, 1, 10), index_months=30)
        self.registration = self.person.registration

    def notify_initial(self, received_at: dt.datetime) -> None:
        services.notification_record(
            actor=self.officer_a,
            nominal=self.person.nominal,
            received_at=received_at,
            channel=NotificationChannel.IN_PERSON,
            station="Northmoor Central",
            identity_checked=True,
            items=FULL,
            details="Initial notification",
        )

    def reviews(self) -> list[DueItem]:
        return list(
            DueItem.objects.filter(
                kind=DueKind.INDEFINITE_REVIEW, subject_id=str(self.registration.pk)
            ).order_by("due_at")
        )

    def test_regression_the_review_counts_from_the_initial_notification(self) -> None:
        # SOA 2003 s.91B: 15 years "beginning with the date of initial notification"; before it,
        # there is no review date (the old code counted from registration).
        self.assertEqual(self.reviews(), [])
        received_at = timezone.now() - dt.timedelta(hours=3)
        self.notify_initial(received_at)
        received_on = rules.london_date(received_at)
        period = NotificationPeriod.objects.get(registration=self.registration)
        self.assertEqual(period.review_on, rules.add_years(received_on, 15))
        (item,) = self.reviews()
        self.assertEqual(item.due_at, rules.end_of_day(rules.add_years(received_on, 15)))
        self.assertTrue(item.source.startswith("SOA 2003 s.91A-F as applied"))
        # A second notification does not move it.
        self.notify_initial(timezone.now() - dt.timedelta(hours=1))
        self.assertEqual(len(self.reviews()), 1)

    def test_a_decision_to_continue_sets_the_next_review_8_years_on(self) -> None:
        self.notify_initial(timezone.now() - dt.timedelta(hours=3))
        decided_on = timezone.localdate()
        review = services.indefinite_review_decide(
            actor=self.officer_a,
            registration=self.registration,
            decision=ReviewDecision.CONTINUE,
            decided_on=decided_on,
            reasons="Still a high risk of serious harm to a former partner",
        )
        self.assertEqual(review.next_review_on, rules.add_years(decided_on, 8))
        # Decided early here (today), so the next review falls before the first one's date.
        items = {item.status: item for item in self.reviews()}
        self.assertEqual(set(items), {DueStatus.MET, DueStatus.OPEN})
        self.assertEqual(
            items[DueStatus.OPEN].due_at, rules.end_of_day(rules.add_years(decided_on, 8))
        )
        self.assertEqual(review.history.get().history_user, self.officer_a)
        period = NotificationPeriod.objects.get(registration=self.registration)
        self.assertEqual(period.review_on, rules.add_years(decided_on, 8))

    def test_a_discharge_closes_the_review_with_no_further_one(self) -> None:
        self.notify_initial(timezone.now() - dt.timedelta(hours=3))
        services.indefinite_review_decide(
            actor=self.officer_a,
            registration=self.registration,
            decision=ReviewDecision.DISCHARGE,
            decided_on=timezone.localdate(),
            reasons="No longer poses a risk of sexual or violent harm",
        )
        (item,) = self.reviews()
        self.assertEqual(item.status, DueStatus.MET)
        self.assertIsNone(NotificationPeriod.objects.get(registration=self.registration).review_on)

    def test_bad_input_is_refused_field_by_field_and_changes_nothing(self) -> None:
        self.notify_initial(timezone.now() - dt.timedelta(hours=3))
        cases: list[tuple[dict[str, Any], str]] = [
            ({"reasons": "  "}, "reasons"),
            ({"decision": "maybe"}, "decision"),
            ({"decided_on": timezone.localdate() + dt.timedelta(days=1)}, "decided_on"),
        ]
        for change, field in cases:
            values: dict[str, Any] = {
                "decision": ReviewDecision.CONTINUE,
                "decided_on": timezone.localdate(),
                "reasons": "Reasons",
                **change,
            }
            with self.subTest(field), self.assertRaises(DomainError) as caught:
                services.indefinite_review_decide(
                    actor=self.officer_a, registration=self.registration, **values
                )
            self.assertEqual(caught.exception.field, field)
        self.assertFalse(IndefiniteReview.objects.exists())
        self.assertEqual([i.status for i in self.reviews()], [DueStatus.OPEN])

    def test_no_review_before_the_initial_notification(self) -> None:
        with self.assertRaises(DomainError) as caught:
            services.indefinite_review_decide(
                actor=self.officer_a,
                registration=self.registration,
                decision=ReviewDecision.CONTINUE,
                decided_on=timezone.localdate(),
                reasons="Too early",
            )
        self.assertIn("after the initial notification", caught.exception.message)

    def test_a_fixed_period_has_no_review(self) -> None:
        person = register(self.officer_a, "Fenwick", index_months=18)
        services.notification_record(
            actor=self.officer_a,
            nominal=person.nominal,
            received_at=timezone.now() - dt.timedelta(hours=1),
            channel=NotificationChannel.IN_PERSON,
            station="Northmoor Central",
            identity_checked=True,
            items=FULL,
            details="Initial notification",
        )
        self.assertFalse(DueItem.objects.filter(kind=DueKind.INDEFINITE_REVIEW).exists())


class _ReviewFixture(RegisterTestCase):
    def setUp(self) -> None:
        self.person = register(self.officer_a, starts_on=dt.date(2026, 1, 10), index_months=30)
        services.notification_record(
            actor=self.officer_a,
            nominal=self.person.nominal,
            received_at=timezone.now() - dt.timedelta(hours=3),
            channel=NotificationChannel.IN_PERSON,
            station="Northmoor Central",
            identity_checked=True,
            items=FULL,
            details="Initial notification",
        )
        self.url = reverse("indefinite-review", args=[self.person.nominal.pk])

    def data(self, **overrides: str) -> dict[str, str]:
        return {
            "decision": "continue",
            "decided_on": timezone.localdate().isoformat(),
            "reasons": "Risk remains high",
            **overrides,
        }


class IndefiniteReviewPageTests(_ReviewFixture):
    def test_other_agencies_and_other_roles_get_404_and_change_nothing(self) -> None:
        for user in (self.officer_b, self.vlo_a, self.auditor, self.admin_b):
            self.as_user(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(self.url).status_code, 404)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 404)
        self.assertFalse(IndefiniteReview.objects.exists())

    def test_the_officer_records_a_decision_and_the_source_is_on_the_page(self) -> None:
        self.as_user(self.officer_a)
        page = self.client.get(self.url)
        self.assertContains(page, "SOA 2003 s.91A-F as applied")
        self.assertContains(page, "SOA 2003 s.82 as applied: custody 30 months or more")
        response = self.client.post(self.url, self.data())
        self.assertEqual(response.status_code, 302)
        review = IndefiniteReview.objects.get()
        self.assertEqual((review.decision, review.decided_by), ("continue", self.officer_a))

    def test_bad_input_is_shown_next_to_the_field_and_changes_nothing(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(self.url, self.data(reasons="", decision="maybe"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "govuk-error-summary")
        self.assertIn("reasons", response.context["form"].errors)
        self.assertIn("decision", response.context["form"].errors)
        self.assertFalse(IndefiniteReview.objects.exists())

    def test_a_fixed_period_has_no_review_page(self) -> None:
        person = register(self.officer_a, "Fenwick", index_months=18)
        self.as_user(self.officer_a)
        url = reverse("indefinite-review", args=[person.nominal.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_query_count_is_fixed_whatever_the_number_of_reviews(self) -> None:
        self.as_user(self.officer_a)
        self.client.get(self.url)  # warm the session
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(self.url).status_code, 200)
            counts.append(len(queries))
            for i in range(3):
                IndefiniteReview.objects.create(
                    registration=self.person.registration,
                    decided_on=dt.date(2020, 1, 1 + i),
                    decision="continue",
                    reasons="Earlier",
                    decided_by=self.officer_a,
                    next_review_on=dt.date(2028, 1, 1),
                )
        print(f"indefinite review page: {counts[0]} queries")
        self.assertEqual(counts[0], counts[1])


class IndefiniteReviewApiTests(_ReviewFixture):
    def setUp(self) -> None:
        super().setUp()
        self.api_url = reverse("api-indefinite-review", args=[self.person.nominal.pk])

    def post(self, user: Any, data: dict[str, str]) -> Any:
        client = APIClient()
        client.force_authenticate(user)
        return client.post(self.api_url, data, format="json")

    def test_api_other_agencies_and_roles_get_404_and_change_nothing(self) -> None:
        for user in (self.officer_b, self.vlo_a, self.auditor, self.admin_b):
            with self.subTest(user=user.username):
                self.assertEqual(self.post(user, self.data()).status_code, 404)
        self.assertFalse(IndefiniteReview.objects.exists())

    def test_api_records_the_decision_with_its_source(self) -> None:
        response = self.post(self.officer_a, self.data())
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["decision"], body["decided_by"]), ("continue", "officer.a"))
        self.assertTrue(body["source"].startswith("SOA 2003 s.91A-F as applied"))

    def test_api_bad_input_is_refused_field_by_field(self) -> None:
        response = self.post(self.officer_a, {"decision": "maybe", "reasons": ""})
        self.assertEqual(response.status_code, 400)
        body = response.json()
        for field in ("decision", "decided_on", "reasons"):
            self.assertIn(field, str(body))
        self.assertFalse(IndefiniteReview.objects.exists())
