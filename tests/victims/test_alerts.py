"""Safety-relevant changes to a linked nominal reach the VLO's /tasks/ inbox, end to end,
saying what changed and when but never the new address; the VLO still cannot open the nominal."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from notifications import services as notification_services
from notifications.models import Compartment, Task
from register import models as m
from register import services as register_services
from tests.notifications.factories import item
from tests.victims.base import VictimsTestCase

NEW_ADDRESS = {
    "kind": m.AddressKind.MAIN,
    "line_1": "88 Zephyrine Crescent",
    "town": "Oldhaven",
    "postcode": "ZZ1 4QQ",
    "date_from": dt.date(2026, 2, 1),
    "date_to": None,
}


class AlertTests(VictimsTestCase):
    def vlo_tasks(self) -> list[Task]:
        return list(Task.objects.filter(owner=self.vlo_a).order_by("created_at"))

    def test_address_change_reaches_the_vlo_inbox_without_the_address(self) -> None:
        register_services.nominal_detail_add(
            actor=self.officer_a,
            nominal=self.nominal,
            kind="addresses",
            data=NEW_ADDRESS,
            reason="Notified in person",
        )
        [task] = self.vlo_tasks()
        self.assertEqual(task.compartment, Compartment.VICTIM)
        self.assertTrue(task.title.startswith("Safety update: An address"))
        self.assertEqual(task.link, reverse("victim-detail", args=[self.victim.pk]))
        self.assertEqual(task.history.first().history_user, self.officer_a)
        self.as_user(self.vlo_a)
        response = self.client.get(reverse("task-inbox"))
        self.assertContains(response, "Safety update: An address")
        self.assertContains(response, f"{timezone.localdate():%d %b %Y}")
        self.assertContains(response, task.link)
        for text in ("Zephyrine", "Oldhaven", "ZZ1 4QQ"):
            self.assertNotContains(response, text)
            self.assertNotIn(text, task.title + task.detail)
        # The VLO is told without being able to open the nominal's record.
        self.assert_not_found(self.client.get(reverse("nominal-detail", args=[self.nominal.pk])))
        # ... and the offender manager's inbox does not show the victim-side task.
        self.as_user(self.officer_a)
        self.assertNotContains(self.client.get(reverse("task-inbox")), "Safety update")

    def test_licence_conditions_change(self) -> None:
        register_services.nominal_update(
            actor=self.pp_a,
            nominal=self.nominal,
            reason="Parole board decision",
            licence_conditions="No contact with the victim; exclusion zone",
        )
        [task] = self.vlo_tasks()
        self.assertIn("Licence conditions changed", task.title)

    def test_breach(self) -> None:
        notification_services.breach_record(
            actor=self.officer_a,
            nominal=self.nominal,
            requirement=item("main_address"),
            found_on=timezone.localdate(),
            evidence="Seen at an address not notified",
        )
        [task] = self.vlo_tasks()
        self.assertIn("Suspected breach", task.title)

    def test_no_task_without_an_allocated_vlo_and_one_per_victim(self) -> None:
        from tests.victims.base import make_victim
        from victims import services

        unallocated = make_victim(self.officer_a, self.nominal, given_names="Dora")
        second = make_victim(self.officer_a, self.nominal, given_names="Edie")
        services.victim_allocate(actor=self.vlo_a2, victim=second, vlo=self.vlo_a2, reason="x")
        register_services.nominal_update(
            actor=self.officer_a, nominal=self.nominal, reason="x", licence_conditions="Curfew"
        )
        self.assertEqual(len(self.vlo_tasks()), 1)
        self.assertEqual(Task.objects.filter(owner=self.vlo_a2).count(), 1)
        self.assertIsNone(unallocated.vlo)

    def test_unrelated_change_raises_nothing(self) -> None:
        register_services.nominal_update(
            actor=self.officer_a, nominal=self.nominal, reason="Seen", hair="Grey"
        )
        self.assertEqual(self.vlo_tasks(), [])
