"""Each app publishes its domain events where the change happens (issue 15, "Domain events, one
mechanism"), with ids and small facts, and notifications does through its subscriptions what
the register used to call it for. Real PostgreSQL; the apps' own listeners stay subscribed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from core import events
from core.events import DomainEvent
from mappa import services as mappa_services
from notifications import scans
from notifications import services as notification_services
from notifications.models import (
    Compartment,
    DueItem,
    DueKind,
    DueStatus,
    NotificationPeriod,
    RequirementSet,
)
from register import models as m
from register import services
from tests import register_factories as rf
from tests.base import RegisterTestCase
from tests.notifications import factories as nf

TODAY = timezone.localdate()


@contextmanager
def heard() -> Iterator[list[DomainEvent]]:
    """Every event published inside the block, in order."""
    got: list[DomainEvent] = []
    events.subscribe(events.ALL, got.append)
    try:
        yield got
    finally:
        events.unsubscribe(events.ALL, got.append)


def of_type(got: list[DomainEvent], event_type: str) -> list[DomainEvent]:
    return [e for e in got if e.type == event_type]


class RegisterEventTests(RegisterTestCase):
    def test_a_nominal_created_then_changed(self) -> None:
        with heard() as got:
            nominal = rf.person(self.officer_a, "Announced", "Dean")
        [created] = of_type(got, "nominal.created")
        self.assertEqual(
            (created.subject_type, created.subject_id, created.nominal_id, created.actor_id),
            ("nominal", str(nominal.pk), str(nominal.pk), self.officer_a.pk),
        )
        self.assertEqual(created.data, {"lead_agency_id": self.agency_a.pk})

        with heard() as got:
            services.nominal_update(
                actor=self.officer_a,
                nominal=nominal,
                reason="Licence varied",
                licence_conditions="Not to enter Northmoor",
            )
        [changed] = got
        self.assertEqual(changed.type, "nominal.changed")
        self.assertEqual(changed.data["fields"], ["licence_conditions"])
        self.assertEqual(changed.data["safety_change"], "licence_conditions")
        self.assertNotIn("Northmoor", str(changed.data))  # what changed, never the new text

    def test_a_detail_added_changed_and_removed_says_which_and_only_watched_fields_are_safety(
        self,
    ) -> None:
        nominal = rf.person(self.officer_a, "Detailed", "Dean")
        with heard() as got:
            address = rf.add(self.officer_a, nominal, "addresses", rf.service_data("addresses"))
            address_id = str(address.pk)  # delete() forgets it
            services.nominal_detail_update(
                actor=self.officer_a,
                kind="addresses",
                detail=address,
                data={"verified_on": TODAY},
                reason="Checked on a visit",
            )
            services.nominal_detail_remove(
                actor=self.officer_a, kind="addresses", detail=address, reason="Wrong person"
            )
        self.assertEqual([e.type for e in got], ["nominal.changed"] * 3)
        self.assertEqual(
            [(e.data["detail"], e.data["change"], e.data.get("safety_change")) for e in got],
            [
                ("addresses", "added", "address"),
                ("addresses", "changed", None),  # verified_on is not a watched field
                ("addresses", "removed", "address"),
            ],
        )
        self.assertTrue(all(e.data["detail_id"] == address_id for e in got))
        self.assertTrue(all(e.subject_id == str(nominal.pk) for e in got))
        line_1 = rf.service_data("addresses")["line_1"]
        self.assertFalse(any(line_1 in str(e.data) for e in got))

    def test_registration_decided_starts_the_requirements_through_notifications(self) -> None:
        nominal = rf.serial_stalker(self.officer_a, "Decided")
        with heard() as got:
            registration = services.registration_decide(
                actor=self.officer_a,
                nominal=nominal,
                criteria_set=m.CriteriaSet.objects.get(key="broad-convicted"),
                decision=m.Decision.REGISTER,
                rationale="Serial stalking",
                decided_on=TODAY,
                starts_on=TODAY,
                review_on=TODAY + dt.timedelta(days=365),
            )
        [decided] = of_type(got, "registration.decided")
        self.assertEqual(
            (decided.subject_type, decided.subject_id, decided.data["decision"]),
            ("registration", str(registration.pk), "register"),
        )
        # The register no longer calls notifications: its listener did this, in the same
        # transaction, from the index conviction of the outcome the decision rested on.
        self.assertTrue(RequirementSet.objects.filter(registration=registration).exists())
        self.assertTrue(
            DueItem.objects.filter(
                nominal=nominal, kind=DueKind.INITIAL_NOTIFICATION, status=DueStatus.OPEN
            ).exists()
        )
        period = NotificationPeriod.objects.get(registration=registration)
        self.assertEqual(period.conviction.nominal_id, nominal.pk)

    def test_a_decision_not_to_register_is_announced_and_starts_nothing(self) -> None:
        nominal = rf.person(self.officer_a, "Declined", "Dean")
        with heard() as got:
            registration = services.registration_decide(
                actor=self.officer_a,
                nominal=nominal,
                criteria_set=m.CriteriaSet.objects.get(key="broad-convicted"),
                decision=m.Decision.DO_NOT_REGISTER,
                rationale="Does not meet the criteria",
                decided_on=TODAY,
            )
        [decided] = of_type(got, "registration.decided")
        self.assertEqual(decided.data["decision"], "do_not_register")
        self.assertFalse(RequirementSet.objects.filter(registration=registration).exists())


class NotificationsEventTests(RegisterTestCase):
    def test_a_notification_and_a_breach_recorded(self) -> None:
        person = nf.register(self.officer_a, "Notifying")
        with heard() as got:
            notification = notification_services.notification_record(
                actor=self.officer_a,
                nominal=person.nominal,
                received_at=timezone.now() - dt.timedelta(hours=1),
                channel="in_person",
                station="Northmoor Central",
                identity_checked=True,
                items=["main_address"],
                details="Moved to 4 Mill Lane",
            )
            breach = notification_services.breach_record(
                actor=self.supervisor_a,
                nominal=person.nominal,
                requirement=nf.item("main_address"),
                found_on=TODAY,
                evidence="Seen living at an address not notified",
            )
        [recorded] = of_type(got, "notification.recorded")
        self.assertEqual(
            (recorded.subject_type, recorded.subject_id, recorded.data["items"]),
            ("notification", str(notification.pk), ["main_address"]),
        )
        self.assertNotIn("Mill Lane", str(recorded.data))
        [found] = of_type(got, "breach.recorded")
        self.assertEqual((found.subject_type, found.subject_id), ("breach", str(breach.pk)))
        self.assertEqual(
            (found.data["requirement"], found.data["safety_change"]), ("main_address", "breach")
        )

    def test_the_overdue_scan_announces_each_item_it_flags_once_and_no_victim_item(self) -> None:
        person = nf.register(self.officer_a, "Overdue", starts_on=TODAY - dt.timedelta(days=30))
        past = timezone.now() - dt.timedelta(days=2)
        victim_side = notification_services.due_item_schedule(
            actor=self.officer_a,
            kind=DueKind.VICTIM_UPDATE,
            subject=person.registration,
            nominal=person.nominal,
            due_at=past,
            title="Update the victim",
            owner=self.vlo_a,
            reason="Victim contact",
            compartment=Compartment.VICTIM,
        )
        with heard() as got:
            result = scans.scan_overdue()
        flagged = DueItem.objects.filter(status=DueStatus.OVERDUE)
        casework = {
            str(pk)
            for pk in flagged.exclude(compartment=Compartment.VICTIM).values_list("pk", flat=True)
        }
        self.assertIn(victim_side.pk, set(flagged.values_list("pk", flat=True)))
        self.assertEqual(result.items, flagged.count())
        self.assertTrue(casework)
        self.assertEqual([e.type for e in got], ["due_item.overdue"] * len(casework))
        self.assertEqual({e.subject_id for e in got}, casework)
        for event in got:
            self.assertEqual((event.nominal_id, event.actor_id), (str(person.nominal.pk), None))
            self.assertIn(event.data["kind"], DueKind.values)
        with heard() as again:
            scans.scan_overdue()
        self.assertEqual(again, [])  # flagged once: a second scan announces nothing


class MappaEventTests(RegisterTestCase):
    def test_a_level_change(self) -> None:
        nominal = rf.person(self.officer_a, "Levelled", "Dean")
        # 18 months' custody for a specified offence: Category 2.
        rf.stalking_conviction(self.officer_a, nominal, dt.date(2024, 5, 1), sentence_months=18)
        case = mappa_services.case_open(
            actor=self.officer_a,
            nominal=nominal,
            category=2,
            level=1,
            responsible_manager=self.officer_a,
            start_date=TODAY - dt.timedelta(days=30),
            reason="Category 2 violent offender",
        )
        with heard() as got:
            mappa_services.case_change_level(
                actor=self.officer_a, case=case, level=3, reason="Threats to the victim"
            )
        [changed] = of_type(got, "mappa.level_changed")
        self.assertEqual(
            (changed.subject_type, changed.subject_id, changed.nominal_id),
            ("mappa_case", str(case.pk), str(nominal.pk)),
        )
        self.assertEqual(
            (changed.data["from_level"], changed.data["to_level"], changed.data["safety_change"]),
            (1, 3, "mappa_level"),
        )
