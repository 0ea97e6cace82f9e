"""The header's unread-task badge, victim-side tasks and due items, and honest scan counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from notifications import scans, services
from notifications.models import Compartment, DueItem, DueKind, DueStatus, Task, TaskKind
from register.errors import DomainError
from register.models import Nominal, StaffUser
from tests import factories
from tests.base import RegisterTestCase

BADGE = 'class="moj-badge moj-badge--red register-nav-badge"'


class HeaderBadgeTests(RegisterTestCase):
    nominal: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Badge")

    def raise_task(self, owner: StaffUser, title: str = "Check the address", **extra: Any) -> Task:
        return services.task_raise(
            actor=self.supervisor_a,
            owner=owner,
            nominal=self.nominal,
            title=title,
            reason="Test",
            **extra,
        )

    def test_badge_counts_unseen_open_tasks_and_the_inbox_clears_it(self) -> None:
        self.raise_task(self.officer_a, "First")
        self.raise_task(self.officer_a, "Second")
        self.as_user(self.officer_a)
        home = self.client.get(reverse("nominal-list")).content.decode()
        self.assertIn(BADGE, home)
        self.assertIn('2<span class="govuk-visually-hidden"> new</span>', home)
        self.client.get(reverse("task-inbox"))
        after = self.client.get(reverse("nominal-list")).content.decode()
        self.assertNotIn(BADGE, after)

    def test_no_badge_without_tasks_and_none_for_other_peoples_tasks(self) -> None:
        self.raise_task(self.supervisor_a)
        self.as_user(self.officer_a)
        self.assertNotIn(BADGE, self.client.get(reverse("nominal-list")).content.decode())

    def test_a_task_about_a_nominal_the_user_can_no_longer_see_is_not_counted(self) -> None:
        other = factories.nominal(self.officer_b, family_name="Elsewhere")
        Task.objects.create(
            kind=TaskKind.ALERT,
            owner=self.officer_a,
            nominal=other,
            title="Stale",
            created_at=timezone.now(),
        )
        self.as_user(self.officer_a)
        self.assertNotIn(BADGE, self.client.get(reverse("nominal-list")).content.decode())

    def test_a_vlo_sees_victim_side_tasks_without_access_to_the_nominal(self) -> None:
        self.raise_task(
            self.vlo_a,
            "Safety update: address changed",
            compartment=Compartment.VICTIM,
            link="/victims/example/",
        )
        self.raise_task(self.vlo_a, "Casework task the VLO may not see")
        self.as_user(self.vlo_a)
        # The VLO cannot open the nominal...
        self.assert_not_found(self.client.get(reverse("nominal-detail", args=[self.nominal.pk])))
        # ...but the victim-side alert is in their inbox, linked to where they can act on it.
        page = self.client.get(reverse("task-inbox")).content.decode()
        self.assertIn("Safety update: address changed", page)
        self.assertIn('href="/victims/example/"', page)
        self.assertNotIn("Casework task the VLO may not see", page)

    def test_a_task_needs_a_title(self) -> None:
        with self.assertRaises(DomainError) as caught:
            self.raise_task(self.officer_a, "  ")
        self.assertEqual(caught.exception.errors, {"title": ["A task needs a title"]})
        self.assertFalse(Task.objects.exists())


class VictimSideDueItemTests(RegisterTestCase):
    """A disclosure deadline or a victim-contact item must not show on offender-side pages."""

    nominal: Nominal
    victim_item: DueItem
    casework_item: DueItem

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Subject")
        cls.victim_item = services.due_item_schedule(
            actor=cls.vlo_a,
            kind=DueKind.DISCLOSURE,
            subject=cls.nominal,
            nominal=cls.nominal,
            due_at=timezone.now() - dt.timedelta(hours=1),
            title="Disclosure decision for an applicant",
            owner=cls.vlo_a,
            reason="Test",
            compartment=Compartment.VICTIM,
            link="/disclosures/example/",
        )
        cls.casework_item = services.due_item_schedule(
            actor=cls.officer_a,
            kind=DueKind.RISK_REVIEW,
            subject=cls.nominal,
            nominal=cls.nominal,
            due_at=timezone.now() + dt.timedelta(days=3),
            title="Risk review",
            owner=cls.officer_a,
            reason="Test",
        )

    def test_offender_side_page_and_api_show_casework_items_only(self) -> None:
        self.as_user(self.officer_a)
        page = self.client.get(reverse("nominal-notifications", args=[self.nominal.pk]))
        self.assertContains(page, "Risk review")
        self.assertNotContains(page, "Disclosure decision")
        api = self.client.get(f"/api/v1/nominals/{self.nominal.pk}/due-items/")
        self.assertEqual(api.status_code, 200)
        titles = [row["title"] for row in api.json()["results"]]
        self.assertEqual(titles, ["Risk review"])

    def test_waive_page_of_a_victim_side_item_is_not_found_to_the_officer(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("due-item-waive", args=[self.nominal.pk, self.victim_item.pk])
        self.assert_not_found(self.client.get(url))

    def test_the_scan_carries_the_compartment_and_link_to_the_task(self) -> None:
        result = scans.scan_overdue(now=timezone.now())
        self.assertEqual((result.items, result.tasks), (1, 1))
        task = Task.objects.get(due_item=self.victim_item)
        self.assertEqual((task.compartment, task.link), ("victim", "/disclosures/example/"))
        self.as_user(self.vlo_a)
        self.assertContains(self.client.get(reverse("task-inbox")), "Disclosure decision")


class ScanCountTests(RegisterTestCase):
    def test_an_item_that_already_has_its_task_open_is_not_counted_again(self) -> None:
        nominal = factories.nominal(self.officer_a, family_name="Counted")
        now = timezone.now()
        item = services.due_item_schedule(
            actor=self.officer_a,
            kind=DueKind.RISK_REVIEW,
            subject=nominal,
            nominal=nominal,
            due_at=now - dt.timedelta(hours=1),
            title="Risk review",
            owner=self.officer_a,
            reason="Test",
        )
        self.assertEqual(scans.scan_overdue(now=now).tasks, 1)
        # Reopened behind the scan's back (as a reschedule into the past would leave it): the
        # task is still open, so a second scan claims the item but raises and counts nothing.
        type(item).objects.filter(pk=item.pk).update(status=DueStatus.OPEN)
        again = scans.scan_overdue(now=now + dt.timedelta(minutes=1))
        self.assertEqual((again.items, again.tasks), (1, 0))
        self.assertEqual(Task.objects.filter(due_item=item).count(), 1)
