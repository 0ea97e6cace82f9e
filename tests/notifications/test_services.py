"""The notifications services: requirements on registration, notifications, tailoring, breaches."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from notifications import rules, scans, services
from notifications.models import (
    Breach,
    BreachStatus,
    DueItem,
    DueKind,
    DueStatus,
    Notification,
    NotificationChannel,
    NotificationPeriod,
    RequirementItem,
    RequirementSetItem,
    Tailoring,
    Task,
    TaskKind,
    TaskStatus,
)
from register.errors import DomainError
from register.models import Disposal, Role, SentenceType, StaffUser
from tests import factories
from tests.base import RegisterTestCase
from tests.notifications.factories import conviction, item, register


def _due(registration: object, kind: str) -> DueItem:
    return DueItem.objects.get(kind=kind, subject_id=str(registration.pk))  # type: ignore[attr-defined]


class ServiceTestCase(RegisterTestCase):
    coordinator_a: StaffUser
    supervisor_b: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.coordinator_a = factories.staff(
            cls.agency_a, Role.MAPPA_COORDINATOR, username="coordinator.a"
        )
        cls.supervisor_b = factories.staff(cls.agency_b, Role.SUPERVISOR, username="supervisor.b")

    def record(self, nominal: object, **overrides: object) -> Notification:
        values: dict[str, object] = {
            "actor": self.officer_a,
            "nominal": nominal,
            "received_at": timezone.now() - dt.timedelta(hours=1),
            "channel": NotificationChannel.IN_PERSON,
            "station": "Northmoor Central",
            "identity_checked": True,
            "items": ["main_address"],
            "details": "Moved to 4 Mill Lane",
        }
        values.update(overrides)
        return services.notification_record(**values)  # type: ignore[arg-type]


FULL = ["names", "date_of_birth", "ni_number", "main_address"]


class RegistrationStartTests(ServiceTestCase):
    def test_default_set_period_and_initial_notification_due_within_3_days(self) -> None:
        starts_on = dt.date(2026, 3, 2)
        person = register(self.officer_a, starts_on=starts_on, index_months=18)

        defaults = set(
            RequirementItem.objects.filter(in_default_set=True).values_list("code", flat=True)
        )
        rows = RequirementSetItem.objects.filter(requirement_set=person.requirement_set)
        self.assertEqual({r.item.code for r in rows}, defaults)
        self.assertEqual({r.tailoring for r in rows}, {Tailoring.DEFAULT})
        self.assertNotIn("dating_profiles", defaults)

        period = NotificationPeriod.objects.get(registration=person.registration)
        self.assertEqual(period.rule_key, "custody_over_6_under_30_months")
        self.assertFalse(period.indefinite)
        # Regression (issue 10, finding 1): SOA 2003 s.82(1) "beginning with the relevant date",
        # the conviction on 2 November 2021 (s.82(6)), not registration on 2 March 2026.
        self.assertEqual(period.starts_on, dt.date(2021, 11, 2))
        self.assertEqual(period.ends_on, dt.date(2031, 11, 1))  # 10 years, the start day included
        self.assertEqual(period.conviction, person.index)
        self.assertIn("18 months", period.explanation)
        self.assertIn("SOA 2003 s.82 as applied: custody more than 6 months", period.explanation)

        initial = _due(person.registration, DueKind.INITIAL_NOTIFICATION)
        # SOA 2003 s.83(1): "within the period of 3 days beginning with" registration on Monday
        # 2 March: Monday is day 1, so the end of Wednesday 4 March (regression: was Thursday).
        self.assertEqual(initial.due_at, rules.end_of_day(dt.date(2026, 3, 4)))
        self.assertIn("SOA 2003 s.83(1)", initial.source)
        self.assertEqual(initial.status, DueStatus.OPEN)
        self.assertEqual(initial.owner, self.officer_a)
        self.assertEqual(initial.agency, self.agency_a)
        self.assertEqual(initial.history.first().history_user, self.officer_a)
        self.assertEqual(
            _due(person.registration, DueKind.PERIOD_END).due_at,
            rules.end_of_day(dt.date(2031, 11, 1)),
        )
        self.assertEqual(
            _due(person.registration, DueKind.REGISTRATION_REVIEW).due_at.date(),
            person.registration.review_on,
        )

    def test_a_caution_gives_two_years(self) -> None:
        starts_on = dt.date(2026, 1, 10)
        person = register(
            self.officer_a,
            starts_on=starts_on,
            index_disposal=Disposal.CAUTION,
            index_sentence=SentenceType.NONE,
            index_months=None,
        )
        period = NotificationPeriod.objects.get(registration=person.registration)
        self.assertEqual(period.rule_key, "caution")
        # 2 years beginning with the caution on 1 June 2023 (s.82(6)(c)), not registration.
        self.assertEqual(period.ends_on, dt.date(2025, 5, 31))

    def test_thirty_months_custody_is_indefinite_with_a_review(self) -> None:
        person = register(self.officer_a, starts_on=dt.date(2026, 1, 10), index_months=30)
        period = NotificationPeriod.objects.get(registration=person.registration)
        self.assertEqual(period.rule_key, "custody_30_months_plus")
        self.assertTrue(period.indefinite)
        self.assertIsNone(period.ends_on)
        # Reviewable 15 years after the initial notification (s.91B), not registration: no
        # review date until that notification is made.
        self.assertIsNone(period.review_on)
        self.assertIn("15 years after the initial notification", period.explanation)
        self.assertFalse(DueItem.objects.filter(kind=DueKind.PERIOD_END).exists())

    def test_requirements_start_once_and_only_from_the_persons_conviction(self) -> None:
        person = register(self.officer_a)
        with self.assertRaisesMessage(DomainError, "already has its notification requirements"):
            services.registration_start_requirements(
                actor=self.officer_a, registration=person.registration, conviction=person.index
            )
        other = register(self.officer_a, "Other", start=False)
        with self.assertRaisesMessage(DomainError, "this person's convictions"):
            services.registration_start_requirements(
                actor=self.officer_a, registration=other.registration, conviction=person.index
            )
        self.assertFalse(DueItem.objects.filter(subject_id=str(other.registration.pk)).exists())


class NotificationRecordTests(ServiceTestCase):
    def test_meets_the_initial_notification_and_schedules_the_annual_one(self) -> None:
        person = register(self.officer_a)
        received_at = timezone.now() - dt.timedelta(hours=2)
        notification = self.record(person.nominal, received_at=received_at, items=FULL)

        initial = _due(person.registration, DueKind.INITIAL_NOTIFICATION)
        self.assertEqual(initial.status, DueStatus.MET)
        self.assertIsNotNone(initial.met_at)
        annual = DueItem.objects.get(
            kind=DueKind.ANNUAL_NOTIFICATION, status=DueStatus.OPEN, nominal=person.nominal
        )
        received_on = timezone.localtime(received_at, rules.LONDON).date()
        self.assertEqual(annual.due_at, rules.end_of_day(rules.annual_due(received_on)))
        self.assertEqual(notification.received_by, self.officer_a)
        self.assertEqual(notification.receiving_agency, self.agency_a)
        record = notification.history.get()
        self.assertEqual(record.history_user, self.officer_a)
        self.assertEqual(record.history_change_reason, "Notification received")

    def test_the_next_notification_meets_the_annual_one_and_schedules_another(self) -> None:
        person = register(self.officer_a)
        self.record(person.nominal, received_at=timezone.now() - dt.timedelta(days=2), items=FULL)
        annual = DueItem.objects.filter(kind=DueKind.ANNUAL_NOTIFICATION, nominal=person.nominal)
        # Regression (issue 10, finding 5): one optional item no longer meets the annual one.
        self.record(person.nominal, items=["bank_accounts"], details="New current account")
        self.assertEqual(list(annual.values_list("status", flat=True)), [DueStatus.OPEN])
        self.record(person.nominal, items=FULL, details="Annual: all details confirmed")
        self.assertEqual(
            sorted(annual.values_list("status", flat=True)), [DueStatus.MET, DueStatus.OPEN]
        )

    def test_travel_with_23_hours_notice_is_late_and_needs_the_reason(self) -> None:
        person = register(self.officer_a, officer=self.supervisor_a)
        received_at = timezone.now() - dt.timedelta(minutes=10)
        travel = {
            "received_at": received_at,
            "items": ["foreign_travel"],
            "departs_at": received_at + dt.timedelta(hours=23),
            "details": "Flight to Malaga",
        }
        with self.assertRaises(DomainError) as refused:
            self.record(person.nominal, **travel)
        self.assertEqual(refused.exception.field, "late_reason")
        self.assertIn("23 hours' notice", refused.exception.message)
        self.assertIn("Under 24 hours' notice is always late", refused.exception.message)
        self.assertFalse(Notification.objects.exists())

        self.record(person.nominal, late_reason="Family funeral abroad", **travel)
        alert = Task.objects.get(kind=TaskKind.ALERT)
        self.assertEqual(alert.owner, self.supervisor_a)
        self.assertIn("consider a breach", alert.title)
        # Notice of travel is not a notification of details: the initial one is still due.
        self.assertEqual(
            _due(person.registration, DueKind.INITIAL_NOTIFICATION).status, DueStatus.OPEN
        )

    def test_travel_with_25_hours_notice_needs_a_reason_why_7_days_was_not_practicable(
        self,
    ) -> None:
        person = register(self.officer_a)
        received_at = timezone.now() - dt.timedelta(minutes=10)
        travel = {
            "received_at": received_at,
            "items": ["foreign_travel"],
            "departs_at": received_at + dt.timedelta(hours=25),
        }
        with self.assertRaises(DomainError) as refused:
            self.record(person.nominal, **travel)
        self.assertEqual(refused.exception.field, "late_reason")
        self.assertIn("7 days' notice was not practicable", refused.exception.message)
        self.assertFalse(Notification.objects.exists())

        notification = self.record(person.nominal, late_reason="Booked at short notice", **travel)
        self.assertEqual(notification.late_reason, "Booked at short notice")
        self.assertFalse(Task.objects.filter(kind=TaskKind.ALERT).exists())

    def test_travel_with_7_days_notice_needs_no_reason(self) -> None:
        person = register(self.officer_a)
        received_at = timezone.now() - dt.timedelta(minutes=10)
        self.record(
            person.nominal,
            received_at=received_at,
            items=["foreign_travel"],
            departs_at=received_at + dt.timedelta(days=8),
        )
        self.assertEqual(Notification.objects.count(), 1)

    def test_travel_needs_a_departure_and_a_departure_needs_travel(self) -> None:
        person = register(self.officer_a)
        with self.assertRaises(DomainError) as no_departure:
            self.record(person.nominal, items=["foreign_travel"])
        self.assertEqual(no_departure.exception.field, "departs_at")
        with self.assertRaises(DomainError) as no_travel:
            self.record(person.nominal, departs_at=timezone.now() + dt.timedelta(days=9))
        self.assertEqual(no_travel.exception.field, "departs_at")
        self.assertFalse(Notification.objects.exists())

    def test_no_fixed_abode_schedules_the_weekly_notification(self) -> None:
        person = register(self.officer_a, no_fixed_abode=True)
        received_at = timezone.now() - dt.timedelta(hours=1)
        self.record(person.nominal, received_at=received_at, items=["weekly_location"])
        weekly = DueItem.objects.get(kind=DueKind.WEEKLY_NOTIFICATION, status=DueStatus.OPEN)
        self.assertEqual(weekly.due_at, rules.weekly_due(received_at))
        self.record(person.nominal, items=["weekly_location"], details="Sleeping at the shelter")
        self.assertEqual(
            DueItem.objects.filter(kind=DueKind.WEEKLY_NOTIFICATION, status=DueStatus.MET).count(),
            1,
        )

    def test_refusals_save_nothing(self) -> None:
        person = register(self.officer_a)
        cases: list[tuple[dict[str, Any], str]] = [
            ({"identity_checked": False}, "identity_checked"),
            ({"items": []}, "items"),
            ({"items": ["no_such_item"]}, "items"),
            ({"received_at": timezone.now() + dt.timedelta(hours=2)}, "received_at"),
            ({"received_at": dt.datetime(2026, 1, 1, 10, 0)}, "received_at"),  # noqa: DTZ001
        ]
        for overrides, field in cases:
            with self.subTest(field=field), self.assertRaises(DomainError) as refused:
                self.record(person.nominal, **overrides)
            self.assertEqual(refused.exception.field, field)
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(
            _due(person.registration, DueKind.INITIAL_NOTIFICATION).status, DueStatus.OPEN
        )


class TailoringTests(ServiceTestCase):
    def test_tailoring_needs_a_reason_and_a_supervisor_of_the_agency(self) -> None:
        person = register(self.officer_a)
        assert person.requirement_set is not None
        row = RequirementSetItem.objects.get(
            requirement_set=person.requirement_set, item__code="household_child"
        )
        history_before = row.history.count()
        refusals = [
            ({"approved_by": self.supervisor_a, "reason": "  "}, "reason"),
            ({"approved_by": self.officer_a, "reason": "No children in family"}, "approved_by"),
            ({"approved_by": self.vlo_a, "reason": "No children in family"}, "approved_by"),
            ({"approved_by": self.supervisor_b, "reason": "No children in family"}, "approved_by"),
        ]
        for kwargs, field in refusals:
            with self.subTest(field=field), self.assertRaises(DomainError) as refused:
                services.requirement_tailor(
                    actor=self.officer_a,
                    requirement_set=person.requirement_set,
                    item=item("household_child"),
                    tailoring=Tailoring.DROPPED,
                    **kwargs,  # type: ignore[arg-type]
                )
            self.assertEqual(refused.exception.field, field)
        row.refresh_from_db()
        self.assertEqual(row.tailoring, Tailoring.DEFAULT)
        self.assertEqual(row.history.count(), history_before)

        services.requirement_tailor(
            actor=self.officer_a,
            requirement_set=person.requirement_set,
            item=item("household_child"),
            tailoring=Tailoring.DROPPED,
            approved_by=self.supervisor_a,
            reason="Stalking of adult strangers; no contact with children",
        )
        row.refresh_from_db()
        self.assertEqual(
            (row.tailoring, row.approved_by, row.approved_on),
            (Tailoring.DROPPED, self.supervisor_a, timezone.localdate()),
        )
        self.assertFalse(row.applies)
        latest = row.history.first()
        self.assertEqual(latest.history_user, self.officer_a)
        self.assertEqual(
            latest.history_change_reason, "Stalking of adult strangers; no contact with children"
        )
        with self.assertRaisesMessage(DomainError, "does not have that requirement"):
            services.requirement_tailor(
                actor=self.officer_a,
                requirement_set=person.requirement_set,
                item=item("household_child"),
                tailoring=Tailoring.DROPPED,
                approved_by=self.supervisor_a,
                reason="Again",
            )

    def test_add_an_optional_item_and_change_a_deadline(self) -> None:
        person = register(self.officer_a)
        assert person.requirement_set is not None
        added = services.requirement_tailor(
            actor=self.officer_a,
            requirement_set=person.requirement_set,
            item=item("dating_profiles"),
            tailoring=Tailoring.ADDED,
            approved_by=self.coordinator_a,
            reason="Met victims through dating sites",
        )
        self.assertEqual(added.tailoring, Tailoring.ADDED)
        with self.assertRaises(DomainError) as no_days:
            services.requirement_tailor(
                actor=self.officer_a,
                requirement_set=person.requirement_set,
                item=item("phone_numbers"),
                tailoring=Tailoring.CHANGED,
                approved_by=self.supervisor_a,
                reason="Uses burner phones",
            )
        self.assertEqual(no_days.exception.field, "deadline_days")
        changed = services.requirement_tailor(
            actor=self.officer_a,
            requirement_set=person.requirement_set,
            item=item("bank_accounts"),
            tailoring=Tailoring.CHANGED,
            approved_by=self.supervisor_a,
            reason="Financial abuse: changes matter within a day",
            deadline_days=1,
        )
        self.assertEqual(changed.deadline_days, 1)


class BreachTests(ServiceTestCase):
    def breach(self, person: object) -> Breach:
        return services.breach_record(
            actor=self.supervisor_a,
            nominal=person.nominal,  # type: ignore[attr-defined]
            requirement=item("main_address"),
            found_on=timezone.localdate(),
            evidence="Seen living at an address not notified",
        )

    def test_record_tells_the_responsible_officer(self) -> None:
        person = register(self.officer_a)
        breach = self.breach(person)
        self.assertEqual(breach.status, BreachStatus.SUSPECTED)
        task = Task.objects.get(kind=TaskKind.BREACH)
        self.assertEqual((task.owner, task.nominal), (self.officer_a, person.nominal))
        self.assertEqual(breach.history.get().history_user, self.supervisor_a)

    def test_record_refuses_no_evidence_a_future_date_and_another_persons_due_item(
        self,
    ) -> None:
        person, other = register(self.officer_a), register(self.officer_a, "Other")
        cases: list[tuple[dict[str, Any], str]] = [
            ({"evidence": " "}, "evidence"),
            ({"found_on": timezone.localdate() + dt.timedelta(days=1)}, "found_on"),
            ({"due_item": _due(other.registration, DueKind.INITIAL_NOTIFICATION)}, "due_item"),
        ]
        for overrides, field in cases:
            values = {
                "actor": self.officer_a,
                "nominal": person.nominal,
                "requirement": item("main_address"),
                "found_on": timezone.localdate(),
                "evidence": "Not notified",
                **overrides,
            }
            with self.subTest(field=field), self.assertRaises(DomainError) as refused:
                services.breach_record(**values)  # type: ignore[arg-type]
            self.assertEqual(refused.exception.field, field)
        self.assertFalse(Breach.objects.exists())

    def test_escalation_with_an_urgent_meeting_tasks_the_mappa_coordinator_once(self) -> None:
        person = register(self.officer_a)
        breach = self.breach(person)
        services.breach_escalate(
            actor=self.officer_a, breach=breach, urgent_meeting=True, reason="Victim at risk"
        )
        breach.refresh_from_db()
        self.assertEqual(breach.status, BreachStatus.ESCALATED)
        self.assertTrue(breach.urgent_meeting_requested)
        meeting = Task.objects.get(owner=self.coordinator_a)
        self.assertIn("Urgent MAPP meeting", meeting.title)
        self.assertEqual(breach.history.first().history_change_reason, "Victim at risk")
        services.breach_escalate(
            actor=self.officer_a, breach=breach, urgent_meeting=True, reason="Still at risk"
        )
        self.assertEqual(Task.objects.filter(owner=self.coordinator_a).count(), 1)

    def test_escalation_needs_a_reason(self) -> None:
        breach = self.breach(register(self.officer_a))
        with self.assertRaises(DomainError) as refused:
            services.breach_escalate(
                actor=self.officer_a, breach=breach, urgent_meeting=True, reason=""
            )
        self.assertEqual(refused.exception.field, "reason")
        breach.refresh_from_db()
        self.assertEqual(breach.status, BreachStatus.SUSPECTED)
        self.assertFalse(Task.objects.filter(owner=self.coordinator_a).exists())

    def test_a_conviction_outcome_needs_a_conviction_of_this_person(self) -> None:
        person, other = register(self.officer_a), register(self.officer_a, "Other")
        breach = self.breach(person)
        today = timezone.localdate()
        close = {"actor": self.officer_a, "breach": breach, "outcome_on": today, "reason": "Court"}
        with self.assertRaises(DomainError) as missing:
            services.breach_close(outcome="conviction", **close)  # type: ignore[arg-type]
        self.assertEqual(missing.exception.field, "conviction")
        with self.assertRaises(DomainError) as wrong:
            services.breach_close(outcome="conviction", conviction=other.index, **close)  # type: ignore[arg-type]
        self.assertEqual(wrong.exception.field, "conviction")
        breach.refresh_from_db()
        self.assertEqual(breach.status, BreachStatus.SUSPECTED)

        own = conviction(self.officer_a, person.nominal, today, code="PHA1997-s2")
        services.breach_close(outcome="conviction", conviction=own, **close)  # type: ignore[arg-type]
        breach.refresh_from_db()
        self.assertEqual((breach.status, breach.conviction), (BreachStatus.CLOSED, own))
        self.assertEqual(breach.history.first().history_user, self.officer_a)
        with self.assertRaisesMessage(DomainError, "already closed"):
            services.breach_close(outcome="nfa", **close)  # type: ignore[arg-type]
        with self.assertRaisesMessage(DomainError, "This breach is closed"):
            services.breach_escalate(
                actor=self.officer_a, breach=breach, urgent_meeting=False, reason="x"
            )

    def test_an_outcome_cannot_be_dated_in_the_future_or_before_the_breach(self) -> None:
        breach = self.breach(register(self.officer_a))
        for day in (
            timezone.localdate() + dt.timedelta(days=1),
            timezone.localdate() - dt.timedelta(days=1),
        ):
            with self.subTest(day=day), self.assertRaises(DomainError) as refused:
                services.breach_close(
                    actor=self.officer_a, breach=breach, outcome="nfa", outcome_on=day, reason="x"
                )
            self.assertEqual(refused.exception.field, "outcome_on")


class DueItemTests(ServiceTestCase):
    def test_waiving_needs_a_reason(self) -> None:
        person = register(self.officer_a)
        with self.assertRaises(DomainError) as refused:
            services.due_items_close(
                actor=self.officer_a,
                kinds=[DueKind.INITIAL_NOTIFICATION],
                subject=person.registration,
                status=DueStatus.WAIVED,
                reason="Waived",
            )
        self.assertEqual(refused.exception.field, "waived_reason")
        closed = services.due_items_close(
            actor=self.officer_a,
            kinds=[DueKind.INITIAL_NOTIFICATION],
            subject=person.registration,
            status=DueStatus.WAIVED,
            reason="In hospital",
            waived_reason="In hospital",
        )
        self.assertEqual(closed, 1)
        initial = _due(person.registration, DueKind.INITIAL_NOTIFICATION)
        self.assertEqual((initial.status, initial.waived_reason), (DueStatus.WAIVED, "In hospital"))

    def test_an_item_moved_and_overdue_again_raises_a_new_task(self) -> None:
        """Rescheduling closes the old warnings, so the scans can raise new ones (bug fix)."""
        nominal = factories.nominal(self.officer_a)
        now = timezone.now()

        def schedule(due_at: dt.datetime) -> DueItem:
            return services.due_item_schedule(
                actor=self.officer_a,
                kind=DueKind.RISK_REVIEW,
                subject=nominal,
                nominal=nominal,
                due_at=due_at,
                title="Risk review",
                owner=self.officer_a,
                reason="Test",
            )

        schedule(now - dt.timedelta(days=2))
        scans.scan_overdue(now=now - dt.timedelta(days=1))
        first = Task.objects.get(kind=TaskKind.OVERDUE)
        schedule(now + dt.timedelta(hours=1))  # moved: the old warning is closed
        first.refresh_from_db()
        self.assertEqual(first.status, TaskStatus.DONE)
        self.assertIn("Rescheduled", first.outcome)
        self.assertEqual(scans.scan_overdue(now=now + dt.timedelta(hours=2)).items, 1)
        self.assertEqual(
            Task.objects.filter(kind=TaskKind.OVERDUE, status=TaskStatus.OPEN).count(), 1
        )
