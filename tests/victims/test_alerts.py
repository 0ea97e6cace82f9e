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
from tests import register_factories as rf
from tests.notifications.factories import item
from tests.victims.base import VictimsTestCase, make_victim
from victims import services

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


class RegistrationAlertTests(VictimsTestCase):
    """DOMAIN.md "Victims": "Victims are told (through their VLO) when the person is
    registered, de-registered, or notifies a change that matters to their safety (never the new
    address itself)" (issue 10, finding 10)."""

    def vlo_tasks(self) -> list[Task]:
        return list(Task.objects.filter(owner=self.vlo_a).order_by("created_at"))

    def register(self) -> m.Registration:
        rf.stalking_conviction(self.officer_a, self.nominal, dt.date(2016, 5, 9))
        rf.stalking_conviction(self.officer_a, self.nominal, dt.date(2021, 11, 2))
        return register_services.registration_decide(
            actor=self.officer_a,
            nominal=self.nominal,
            criteria_set=m.CriteriaSet.objects.get(key="broad-convicted"),
            decision=m.Decision.REGISTER,
            rationale="Serial stalking",
            decided_on=timezone.localdate(),
            starts_on=timezone.localdate(),
            review_on=timezone.localdate() + dt.timedelta(days=365),
            start_requirements=False,
        )

    def test_registered_and_deregistered_reach_the_vlo_as_victim_side_tasks(self) -> None:
        registration = self.register()
        [registered] = self.vlo_tasks()
        self.assertEqual(registered.compartment, Compartment.VICTIM)
        self.assertIn("was registered", registered.title)
        self.assertIn(f"{timezone.localdate():%d %b %Y}", registered.detail)
        self.assertEqual(registered.link, reverse("victim-detail", args=[self.victim.pk]))
        self.assertEqual(registered.history.first().history_user, self.officer_a)
        register_services.registration_end(
            actor=self.officer_a,
            registration=registration,
            ended_on=timezone.localdate(),
            end_reason="Quashed on appeal",
        )
        ended = self.vlo_tasks()[-1]
        self.assertIn("Registration ended", ended.title)
        for task in self.vlo_tasks():
            for secret in ("Quillfeather", "QX9 7ZZ"):
                self.assertNotIn(secret, task.title + task.detail)
        # Offender-side users never see the victim-side tasks.
        self.as_user(self.officer_a)
        self.assertNotContains(self.client.get(reverse("task-inbox")), "Registration ended")

    def test_a_decision_not_to_register_tells_no_one(self) -> None:
        register_services.registration_decide(
            actor=self.officer_a,
            nominal=self.nominal,
            criteria_set=m.CriteriaSet.objects.get(key="broad-convicted"),
            decision=m.Decision.DO_NOT_REGISTER,
            rationale="Not serial",
            decided_on=timezone.localdate(),
        )
        self.assertEqual(self.vlo_tasks(), [])


class AggressorReviewAlertTests(VictimsTestCase):
    """DOMAIN.md Safeguard and issue 10: a "victim" outcome tells the linked VLO (a task)."""

    def review(self, outcome: str) -> None:
        register_services.nominal_flag_misidentified(
            actor=self.officer_a,
            nominal=self.nominal,
            misidentification=m.Misidentification.COUNTER_ALLEGATION,
            reason="Counter-allegation at arrest",
        )
        register_services.primary_aggressor_review_record(
            actor=self.supervisor_a,
            nominal=self.nominal,
            outcome=outcome,
            reviewed_on=timezone.localdate(),
            rationale="DA panel",
        )

    def test_a_victim_finding_tells_the_vlos_of_linked_victims_and_of_the_person(self) -> None:
        # The person is also recorded as a victim (of someone else), with their own VLO.
        abuser = rf.person(self.officer_a, "Abuser", "Other")
        own_record = make_victim(self.officer_a, abuser, given_names="Dean", family_name="Harrow")
        services.victim_allocate(actor=self.vlo_a2, victim=own_record, vlo=self.vlo_a2, reason="x")
        services.victim_mark_also_nominal(
            actor=self.officer_a,
            victim=own_record,
            nominal=self.nominal,
            misidentification=m.Misidentification.COUNTER_ALLEGATION,
            reason="Dual arrest",
        )
        self.review(m.AggressorFinding.VICTIM)
        [linked] = Task.objects.filter(owner=self.vlo_a)
        self.assertEqual(linked.compartment, Compartment.VICTIM)
        self.assertIn("the person linked to your victim is the victim", linked.title)
        self.assertEqual(linked.link, reverse("victim-detail", args=[self.victim.pk]))
        [own] = Task.objects.filter(owner=self.vlo_a2, title__contains="Primary-aggressor")
        self.assertIn("your victim was found to be the victim", own.title)
        self.assertEqual(own.link, reverse("victim-detail", args=[own_record.pk]))

    def test_other_findings_tell_no_one(self) -> None:
        for outcome in (m.AggressorFinding.INCONCLUSIVE, m.AggressorFinding.PRIMARY_AGGRESSOR):
            with self.subTest(outcome):
                self.review(outcome)
                self.assertFalse(
                    Task.objects.filter(title__startswith="Primary-aggressor review").exists()
                )
