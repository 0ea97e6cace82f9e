"""Dates the register creates reach the due-item model, so the scans see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from notifications.models import (
    DueItem,
    DueKind,
    DueStatus,
    NotificationPeriod,
    RequirementSet,
)
from register.models import CriteriaSet, Offence
from register.services import nominal_detail_add, nominal_detail_remove, nominal_detail_update
from register.services.registration import registration_decide
from tests import factories
from tests.base import RegisterTestCase


class FeedTests(RegisterTestCase):
    def setUp(self) -> None:
        self.nominal = factories.nominal(self.officer_a, family_name="Feeds")
        self.nominal.responsible_officer = self.officer_a
        self.nominal.save()

    def add(self, detail_kind: str, **data: object) -> Any:
        return nominal_detail_add(
            actor=self.officer_a, nominal=self.nominal, kind=detail_kind, data=data, reason="Test"
        )

    def test_risk_review_date_becomes_a_due_item_that_moves_and_closes(self) -> None:
        review_on = timezone.localdate() + dt.timedelta(days=10)
        assessment = self.add(
            "risk-assessments",
            tool="oasys_rosh",
            level="high",
            assessed_on=timezone.localdate(),
            next_review_on=review_on,
        )
        item = DueItem.objects.get(kind=DueKind.RISK_REVIEW)
        self.assertEqual(
            (item.owner, timezone.localtime(item.due_at).date()), (self.officer_a, review_on)
        )
        later = review_on + dt.timedelta(days=20)
        nominal_detail_update(
            actor=self.officer_a,
            kind="risk-assessments",
            detail=assessment,
            data={"next_review_on": later},
            reason="Rescheduled",
        )
        item = DueItem.objects.get(kind=DueKind.RISK_REVIEW)
        self.assertEqual(timezone.localtime(item.due_at).date(), later)
        nominal_detail_remove(
            actor=self.officer_a,
            kind="risk-assessments",
            detail=assessment,
            reason="Entered on the wrong person",
        )
        self.assertEqual(DueItem.objects.get(kind=DueKind.RISK_REVIEW).status, DueStatus.WAIVED)

    def test_order_and_licence_ends_become_due_items(self) -> None:
        today = timezone.localdate()
        self.add(
            "civil-orders",
            kind="spo",
            made_on=today,
            starts_on=today,
            ends_on=today + dt.timedelta(days=300),
        )
        self.add(
            "convictions",
            offence=Offence.objects.get(code="PHA1997-s4A"),
            conviction_date=today - dt.timedelta(days=400),
            sentence_type="immediate_custody",
            sentence_amount=12,
            sentence_unit="months",
            licence_start=today - dt.timedelta(days=100),
            licence_end=today + dt.timedelta(days=80),
        )
        self.assertEqual(
            set(DueItem.objects.values_list("kind", flat=True)),
            # An SPO also carries notification requirements (SPA 2019 s.9).
            {DueKind.ORDER_EXPIRY, DueKind.LICENCE_EXPIRY, DueKind.ORDER_NOTIFICATION},
        )

    def test_registering_starts_requirements_period_and_first_notification(self) -> None:
        today = timezone.localdate()
        for code, years in (("PHA1997-s2A", 4), ("PHA1997-s4A", 2)):
            self.add(
                "convictions",
                offence=Offence.objects.get(code=code),
                offence_date=today - dt.timedelta(days=365 * years),
                conviction_date=today - dt.timedelta(days=365 * years - 30),
                sentence_type="immediate_custody",
                sentence_amount=18,
                sentence_unit="months",
                is_domestic_abuse=True,
                da_flag_source="prosecutor",
            )
        registration = registration_decide(
            actor=self.officer_a,
            nominal=self.nominal,
            criteria_set=CriteriaSet.objects.get(key="broad-convicted"),
            decision="register",
            rationale="Serial stalking",
            decided_on=today,
            starts_on=today,
            review_on=today + dt.timedelta(days=365),
        )
        requirement_set = RequirementSet.objects.get(registration=registration)
        self.assertGreaterEqual(requirement_set.items.count(), 10)
        period = NotificationPeriod.objects.get(registration=registration)
        self.assertEqual(period.rule_key, "custody_over_6_under_30_months")
        initial = DueItem.objects.get(kind=DueKind.INITIAL_NOTIFICATION)
        # SOA 2003 s.83(1): 3 days beginning with registration (today is day 1).
        self.assertEqual(timezone.localtime(initial.due_at).date(), today + dt.timedelta(days=2))
        self.assertTrue(DueItem.objects.filter(kind=DueKind.REGISTRATION_REVIEW).exists())
