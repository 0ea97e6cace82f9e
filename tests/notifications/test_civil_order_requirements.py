"""Civil orders carry notification requirements (issue 10): an SPO always (Stalking Protection
Act 2019 s.9), a DAPO when the order says so (Domestic Abuse Act 2021 s.41), with their own
3-day deadlines, change items, breaches, and positive requirements and monitoring dated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications import rules, services
from notifications.models import Breach, DueItem, DueKind, DueStatus, RequirementSet
from register import services as register_services
from register.errors import DomainError
from register.models import CivilOrder, OrderKind
from tests.base import RegisterTestCase
from tests.notifications.factories import item, person

REASON = "Order received from the court"


class CivilOrderRequirementTests(RegisterTestCase):
    def order(self, nominal: Any, kind: str, **fields: Any) -> CivilOrder:
        today = timezone.localdate()
        data = {"kind": kind, "made_on": today, "starts_on": today, **fields}
        return register_services.nominal_detail_add(  # type: ignore[return-value]
            actor=self.officer_a, nominal=nominal, kind="civil-orders", data=data, reason=REASON
        )

    def items_of(self, order: CivilOrder) -> Any:
        return DueItem.objects.filter(
            subject_type=ContentType.objects.get_for_model(CivilOrder), subject_id=str(order.pk)
        )

    def test_an_spo_recorded_today_needs_name_and_address_within_3_days(self) -> None:
        # SPA 2019 s.9(1): "within the period of 3 days beginning with the date of service".
        nominal = person(self.officer_a)
        order = self.order(nominal, OrderKind.SPO)
        order.refresh_from_db()
        self.assertTrue(order.notification_requirements)  # by law, not by the order
        requirement_set = RequirementSet.objects.get(civil_order=order)
        self.assertEqual(
            sorted(requirement_set.items.values_list("item__code", flat=True)),
            ["main_address", "names"],
        )
        due = self.items_of(order).get(kind=DueKind.ORDER_NOTIFICATION)
        today = timezone.localdate()
        self.assertEqual(due.due_at, rules.end_of_day(today + dt.timedelta(days=2)))
        self.assertTrue(due.source.startswith("Stalking Protection Act 2019 s.9(1)"))

    def test_an_spo_served_later_counts_from_service(self) -> None:
        nominal = person(self.officer_a)
        today = timezone.localdate()
        order = self.order(
            nominal, OrderKind.SPO, made_on=today - dt.timedelta(days=5), served_on=today
        )
        due = self.items_of(order).get(kind=DueKind.ORDER_NOTIFICATION)
        self.assertEqual(due.due_at, rules.end_of_day(today + dt.timedelta(days=2)))

    def test_a_dapo_with_notification_requirements_needs_them_too(self) -> None:
        # DA Act 2021 s.41(2): "within the period of three days beginning with the day on which
        # the order is made".
        nominal = person(self.officer_a)
        order = self.order(nominal, OrderKind.DAPO, notification_requirements=True)
        due = self.items_of(order).get(kind=DueKind.ORDER_NOTIFICATION)
        self.assertEqual(due.due_at, rules.end_of_day(timezone.localdate() + dt.timedelta(days=2)))
        self.assertTrue(due.source.startswith("Domestic Abuse Act 2021 s.41(2)"))

    def test_a_dapo_without_notification_requirements_does_not(self) -> None:
        nominal = person(self.officer_a)
        order = self.order(nominal, OrderKind.DAPO)
        self.assertFalse(RequirementSet.objects.filter(civil_order=order).exists())
        self.assertFalse(self.items_of(order).filter(kind=DueKind.ORDER_NOTIFICATION).exists())

    def test_other_orders_cannot_carry_notification_requirements(self) -> None:
        nominal = person(self.officer_a)
        with self.assertRaises(DomainError) as caught:
            self.order(nominal, OrderKind.RESTRAINING, notification_requirements=True)
        self.assertIn("notification_requirements", caught.exception.errors)
        self.assertFalse(CivilOrder.objects.filter(nominal=nominal).exists())

    def test_name_and_address_notified_meets_the_order_item_and_a_change_is_its_own(self) -> None:
        nominal = person(self.officer_a)
        order = self.order(nominal, OrderKind.SPO)
        services.notification_record(
            actor=self.officer_a,
            nominal=nominal,
            received_at=timezone.now(),
            channel="in_person",
            station="Central",
            identity_checked=True,
            items=["names"],
            details="Name only",
        )
        due = self.items_of(order).get(kind=DueKind.ORDER_NOTIFICATION)
        self.assertEqual(due.status, DueStatus.OPEN)  # s.9(2): name(s) AND home address
        services.notification_record(
            actor=self.officer_a,
            nominal=nominal,
            received_at=timezone.now(),
            channel="in_person",
            station="Central",
            identity_checked=True,
            items=["names", "main_address"],
            details="Name and address",
        )
        due.refresh_from_db()
        self.assertEqual(due.status, DueStatus.MET)
        # SPA 2019 s.9(4): a change of home address is due within 3 days beginning with it.
        moved_on = timezone.localdate()
        register_services.nominal_detail_add(
            actor=self.officer_a,
            nominal=nominal,
            kind="addresses",
            data={
                "kind": "main",
                "line_1": "4 Mill Lane",
                "town": "Northmoor",
                "postcode": "NM1 1AA",
                "date_from": moved_on,
            },
            reason="Seen on patrol",
        )
        change = self.items_of(order).get(kind=DueKind.CHANGE_NOTIFICATION)
        self.assertEqual(change.requirement, "main_address")
        self.assertEqual(change.due_at, rules.end_of_day(moved_on + dt.timedelta(days=2)))
        self.assertTrue(change.source.startswith("Stalking Protection Act 2019 s.9(4)"))
        # A missed order notification is a breach of that order's requirements.
        breach = services.breach_record(
            actor=self.officer_a,
            nominal=nominal,
            requirement=item("main_address"),
            found_on=timezone.localdate(),
            evidence="Not notified",
            due_item=change,
        )
        self.assertEqual(Breach.objects.get(pk=breach.pk).civil_order_id, order.pk)

    def test_a_positive_requirement_names_who_reports_and_is_reviewed(self) -> None:
        nominal = person(self.officer_a)
        order = self.order(nominal, OrderKind.DAPO)
        review_on = timezone.localdate() + dt.timedelta(days=30)
        with self.assertRaises(DomainError) as caught:
            register_services.nominal_detail_add(
                actor=self.officer_a,
                nominal=nominal,
                kind="order-conditions",
                data={"kind": "positive_requirement", "text": "Attend a programme"},
                reason=REASON,
                parent=order,
            )
        self.assertEqual(set(caught.exception.errors), {"compliance_reporter", "review_on"})
        condition = register_services.nominal_detail_add(
            actor=self.officer_a,
            nominal=nominal,
            kind="order-conditions",
            data={
                "kind": "positive_requirement",
                "text": "Attend a programme",
                "compliance_officer": self.supervisor_a,
                "review_on": review_on,
            },
            reason=REASON,
            parent=order,
        )
        review = DueItem.objects.get(kind=DueKind.CONDITION_REVIEW, subject_id=str(condition.pk))
        self.assertEqual(review.owner, self.supervisor_a)
        self.assertEqual(review.due_at, rules.end_of_day(review_on))

    def test_electronic_monitoring_records_provider_and_dates(self) -> None:
        nominal = person(self.officer_a)
        order = self.order(nominal, OrderKind.DAPO)
        today = timezone.localdate()
        with self.assertRaises(DomainError) as caught:
            register_services.nominal_detail_add(
                actor=self.officer_a,
                nominal=nominal,
                kind="order-conditions",
                data={
                    "kind": "electronic_monitoring",
                    "text": "Tag",
                    "starts_on": today,
                    "ends_on": today - dt.timedelta(days=1),
                },
                reason=REASON,
                parent=order,
            )
        self.assertIn("provider", caught.exception.errors)
        condition = register_services.nominal_detail_add(
            actor=self.officer_a,
            nominal=nominal,
            kind="order-conditions",
            data={
                "kind": "electronic_monitoring",
                "text": "Location monitoring",
                "provider": "EMS North",
                "starts_on": today,
                "ends_on": today + dt.timedelta(days=90),
            },
            reason=REASON,
            parent=order,
        )
        end = DueItem.objects.get(kind=DueKind.MONITORING_END, subject_id=str(condition.pk))
        self.assertEqual(end.due_at, rules.end_of_day(today + dt.timedelta(days=90)))
