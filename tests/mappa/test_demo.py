"""The MAPPA demo: each category and level, a minuted meeting with actions, plans approved and
awaiting approval, a home visit, referrals pending and rejected, an archived case due review.
Loading twice adds nothing."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from mappa.models import (
    CaseStatus,
    Category3Consideration,
    HomeVisit,
    MappaCase,
    Meeting,
    MeetingAction,
    MeetingStatus,
    PlanStatus,
    Referral,
    ReferralStatus,
    RiskManagementPlan,
)
from notifications.models import DueItem, DueKind, Task, TaskKind
from register.models import StaffUser
from tests.base import login_verified


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            MappaCase,
            Referral,
            Meeting,
            MeetingAction,
            RiskManagementPlan,
            HomeVisit,
            DueItem,
            Task,
        )
    )


class MappaDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo_data", stdout=io.StringIO())

    def test_cases_at_each_category_and_level(self) -> None:
        pairs = set(MappaCase.objects.values_list("category", "level"))
        self.assertEqual({c for c, _ in pairs}, {1, 2, 3, 4})
        self.assertEqual({level for _, level in pairs}, {1, 2, 3})
        self.assertTrue({(1, 3), (2, 2), (3, 2), (4, 1)} <= pairs)

    def test_registration_proposals_decided_and_the_rules_shown(self) -> None:
        proposals = Referral.objects.filter(registration__isnull=False)
        self.assertEqual(
            sorted(proposals.values_list("nominal__family_name", "status")),
            [
                ("Ashworth", ReferralStatus.REJECTED),
                ("Bellamy-Hart", ReferralStatus.ACCEPTED),
                ("Smith", ReferralStatus.REJECTED),
            ],
        )
        accepted = proposals.get(status=ReferralStatus.ACCEPTED).case
        assert accepted is not None
        self.assertEqual((accepted.category, accepted.level), (1, 3))
        login_verified(self.client, StaffUser.objects.get(username="om.nmp"))
        page = self.client.get(reverse("nominal-mappa", args=[accepted.nominal_id]))
        self.assertContains(page, "a suspended sentence of 12 months")
        self.assertContains(page, "Not eligible for Category 3: Category 1: registered")
        # O'NEILL's referral: the coordinator sees why Category 3 is refused.
        login_verified(self.client, StaffUser.objects.get(username="mappa.nmp"))
        pending = Referral.objects.get(status=ReferralStatus.PENDING, addressed_to__code="NMP")
        decide = self.client.get(reverse("mappa-referral-decide", args=[pending.pk]))
        self.assertContains(decide, "Category 3 refused")
        self.assertContains(decide, "no conviction, caution or finding")

    def test_transferred_case_has_its_consideration_recorded(self) -> None:
        case = MappaCase.objects.get(status=CaseStatus.ARCHIVED)
        self.assertEqual(case.termination_reason, "transferred")
        record = Category3Consideration.objects.get(case=case)
        self.assertFalse(record.considered)
        self.assertIn("transferred", record.rationale)

    def test_meeting_with_minutes_and_actions_and_plans(self) -> None:
        held = Meeting.objects.get(status=MeetingStatus.HELD)
        self.assertTrue(held.minutes)
        self.assertEqual(held.actions.count(), 2)
        statuses = set(RiskManagementPlan.objects.values_list("status", flat=True))
        self.assertTrue({PlanStatus.APPROVED, PlanStatus.DRAFT} <= statuses)
        self.assertTrue(HomeVisit.objects.filter(status="done").exists())

    def test_referrals_pending_for_the_coordinator_and_rejected(self) -> None:
        coordinator = StaffUser.objects.get(username="mappa.nmp")
        login_verified(self.client, coordinator)
        home = self.client.get(reverse("mappa-home"))
        self.assertEqual(len(home.context["queue"]), 1)
        self.assertTrue(Referral.objects.filter(status=ReferralStatus.REJECTED).exists())

    def test_archived_case_with_its_review_due(self) -> None:
        case = MappaCase.objects.get(status=CaseStatus.ARCHIVED)
        item = DueItem.objects.get(
            kind=DueKind.ARCHIVE_REVIEW, subject_id=str(case.pk), status="open"
        )
        self.assertEqual(item.owner, case.responsible_manager)

    def test_the_overdue_action_is_in_its_owners_inbox(self) -> None:
        task = Task.objects.get(kind=TaskKind.OVERDUE, due_item__kind=DueKind.MAPPA_ACTION)
        self.assertEqual(task.owner.username, "pp.nep")

    def test_loading_again_adds_nothing(self) -> None:
        before = counts()
        call_command("load_demo_data", stdout=io.StringIO())
        self.assertEqual(counts(), before)

    def test_the_pages_open_for_the_demo_users(self) -> None:
        for username in ("om.nmp", "mappa.nmp", "sup.nmp", "pp.nep"):
            login_verified(self.client, StaffUser.objects.get(username=username))
            for url in (
                reverse("mappa-home"),
                reverse("mappa-caseload"),
                reverse("mappa-meetings"),
            ):
                with self.subTest(username=username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)
        login_verified(self.client, StaffUser.objects.get(username="om.nmp"))
        case = MappaCase.objects.get(category=2)
        self.assertContains(
            self.client.get(reverse("nominal-mappa", args=[case.nominal_id])), "In force"
        )
        meeting = Meeting.objects.get(status=MeetingStatus.HELD)
        login_verified(self.client, StaffUser.objects.get(username="mappa.nmp"))
        self.assertContains(
            self.client.get(reverse("mappa-meeting", args=[meeting.pk])), "stalking intervention"
        )
