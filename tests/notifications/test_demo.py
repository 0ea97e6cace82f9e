"""The demo gives a new user's inbox something to show: overdue, due soon, met, tailored, breach."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from notifications import rules
from notifications.models import (
    Breach,
    DueItem,
    DueKind,
    DueStatus,
    Notification,
    NotificationPeriod,
    RequirementSet,
    RequirementSetItem,
    Tailoring,
    TaskKind,
)
from notifications.rules import add_months_rolling
from register.models import CivilOrder, StaffUser
from tests.base import login_verified


class NotificationsDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo_data", stdout=io.StringIO())

    def test_the_northmoor_officer_has_overdue_and_due_soon_work_on_first_sign_in(self) -> None:
        officer = StaffUser.objects.get(username="om.nmp")
        login_verified(self.client, officer)
        inbox = self.client.get(reverse("task-inbox"))
        kinds = sorted(t.kind for t in inbox.context["tasks"])
        self.assertIn(TaskKind.OVERDUE, kinds)
        self.assertIn(TaskKind.DUE_SOON, kinds)
        self.assertContains(inbox, "Overdue: Initial notification")
        self.assertContains(inbox, "Due soon: Annual notification")

    def test_met_notifications_a_tailored_set_and_a_breach(self) -> None:
        smith = Notification.objects.get(items__contains=["names"]).nominal
        self.assertEqual(smith.family_name, "Smith")
        statuses = dict(smith.due_items.values_list("kind", "status"))
        self.assertEqual(statuses[DueKind.INITIAL_NOTIFICATION], DueStatus.MET)
        self.assertEqual(statuses[DueKind.ANNUAL_NOTIFICATION], DueStatus.OPEN)
        tailored = RequirementSetItem.objects.exclude(tailoring=Tailoring.DEFAULT).get()
        self.assertEqual(
            (tailored.item.code, tailored.tailoring, tailored.approved_by.username),  # type: ignore[union-attr]
            ("household_child", Tailoring.DROPPED, "sup.nmp"),
        )
        self.assertEqual(Breach.objects.get().nominal, smith)
        self.assertTrue(smith.addresses.filter(line_1="27 Beck Road", verified_on__isnull=False))

    def test_the_probation_officer_sees_ashworths_overdue_initial_notification(self) -> None:
        login_verified(self.client, StaffUser.objects.get(username="om.nep"))
        self.assertContains(self.client.get(reverse("task-inbox")), "Overdue: Initial notification")

    def test_bellamy_harts_suspended_sentence_gives_10_years_from_his_conviction(self) -> None:
        # Issue 10, finding 2: 12 months suspended is imprisonment of its term (Sentencing Act
        # 2020 s.286(1)): SOA 2003 s.82(1) "more than 6 months but less than 30 months".
        period = NotificationPeriod.objects.get(registration__nominal__family_name="Bellamy-Hart")
        self.assertEqual(period.rule_key, "custody_over_6_under_30_months")
        self.assertEqual(period.starts_on, period.conviction.conviction_date)
        self.assertEqual(
            period.ends_on, add_months_rolling(period.starts_on, 120) - dt.timedelta(days=1)
        )
        self.assertIn("a suspended sentence of 12 months", period.explanation)


class NotificationLawDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo_data", stdout=io.StringIO())

    def test_a_change_notified_late_by_one_day_is_recorded_as_met_late(self) -> None:
        late = DueItem.objects.get(kind=DueKind.CHANGE_NOTIFICATION, requirement="bank_accounts")
        self.assertEqual(late.status, DueStatus.MET)
        self.assertTrue(late.met_late)
        assert late.met_at is not None
        days_late = rules.london_date(late.met_at) - rules.london_date(late.due_at)
        self.assertEqual(days_late, dt.timedelta(days=1))
        self.assertTrue(late.source.startswith("SOA 2003 s.84(1)"))

    def test_an_spo_with_its_notification_requirements(self) -> None:
        spo = CivilOrder.objects.get(kind="spo")
        self.assertTrue(spo.notification_requirements)
        requirement_set = RequirementSet.objects.get(civil_order=spo)
        self.assertEqual(
            sorted(requirement_set.items.values_list("item__code", flat=True)),
            ["main_address", "names"],
        )
        due = DueItem.objects.get(kind=DueKind.ORDER_NOTIFICATION, subject_id=str(spo.pk))
        self.assertIn("Stalking Protection Act 2019 s.9(1)", due.source)
        self.assertTrue(
            DueItem.objects.filter(kind=DueKind.CONDITION_REVIEW, nominal=spo.nominal).exists()
        )
