"""Compliance as the law reads (issue 10, finding 5), through the services and the database.

Each notifiable event is its own due item with its own deadline; a notification meets only the
items it covers; a tailored deadline applies; recorded custody moves a deadline (s.83(6)); an
advance notice that does not happen reopens the item (s.84(4)).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from notifications import rules, services
from notifications.models import DueItem, DueKind, DueStatus, NotificationPause, Tailoring
from register import services as register_services
from register.errors import DomainError
from tests.base import RegisterTestCase
from tests.notifications.factories import item, register

FULL = ["names", "date_of_birth", "ni_number", "main_address"]


class ComplianceTests(RegisterTestCase):
    def setUp(self) -> None:
        self.person = register(self.officer_a)
        self.nominal = self.person.nominal

    def notify(self, items: list[str], **extra: Any) -> Any:
        return services.notification_record(
            actor=self.officer_a,
            nominal=self.nominal,
            received_at=extra.pop("received_at", timezone.now()),
            channel="in_person",
            station="Central",
            identity_checked=True,
            items=items,
            details="Notified",
            **extra,
        )

    def address(self, moved_on: dt.date, line_1: str = "4 Mill Lane") -> Any:
        return register_services.nominal_detail_add(
            actor=self.officer_a,
            nominal=self.nominal,
            kind="addresses",
            data={
                "kind": "main",
                "line_1": line_1,
                "town": "Northmoor",
                "postcode": "NM1 1AA",
                "date_from": moved_on,
            },
            reason="Seen on patrol",
        )

    def changes(self) -> Any:
        return DueItem.objects.filter(nominal=self.nominal, kind=DueKind.CHANGE_NOTIFICATION)

    def test_a_one_item_notification_leaves_the_other_items_open(self) -> None:
        # Regression: any notification closed every open initial, annual, change and weekly item.
        self.address(timezone.localdate())
        self.notify(["phone_numbers"])
        initial = DueItem.objects.get(nominal=self.nominal, kind=DueKind.INITIAL_NOTIFICATION)
        self.assertEqual(initial.status, DueStatus.OPEN)
        self.assertEqual(self.changes().get().status, DueStatus.OPEN)
        self.notify(["main_address"])
        self.assertEqual(self.changes().get().status, DueStatus.MET)
        initial.refresh_from_db()
        self.assertEqual(initial.status, DueStatus.OPEN)  # s.83(5): the full set
        self.notify(FULL)
        initial.refresh_from_db()
        self.assertEqual(initial.status, DueStatus.MET)

    def test_a_second_change_keeps_the_first_changes_deadline(self) -> None:
        # Regression: one item per registration, so a second change moved the first's deadline.
        today = timezone.localdate()
        first = self.address(today - dt.timedelta(days=1), "1 First Street")
        self.address(today, "2 Second Street")
        items = {i.event_key: i for i in self.changes()}
        self.assertEqual(len(items), 2)
        first_item = items[f"addresses:{first.pk}"]
        self.assertEqual(first_item.due_at, rules.end_of_day(today + dt.timedelta(days=1)))
        self.assertTrue(first_item.source.startswith("SOA 2003 s.84(1)"))

    def test_nothing_created_a_change_deadline_now_a_new_account_does(self) -> None:
        register_services.nominal_detail_add(
            actor=self.officer_a,
            nominal=self.nominal,
            kind="financial-accounts",
            data={"kind": "bank_account", "provider": "Northern", "last_four": "1234"},
            reason="Bank information",
        )
        account = self.changes().get()
        self.assertEqual(account.requirement, "bank_accounts")
        self.assertEqual(
            account.due_at, rules.end_of_day(timezone.localdate() + dt.timedelta(days=2))
        )

    def test_a_change_notified_a_day_late_is_recorded_as_met_late(self) -> None:
        moved_on = timezone.localdate() - dt.timedelta(days=5)
        self.address(moved_on)
        received_at = dt.datetime.combine(
            moved_on + dt.timedelta(days=3), dt.time(10), tzinfo=rules.LONDON
        )
        self.notify(["main_address"], received_at=received_at)
        change = self.changes().get()
        self.assertEqual(change.status, DueStatus.MET)
        self.assertTrue(change.met_late)

    def test_a_tailored_deadline_applies(self) -> None:
        assert self.person.requirement_set is not None
        services.requirement_tailor(
            actor=self.officer_a,
            requirement_set=self.person.requirement_set,
            item=item("main_address"),
            tailoring=Tailoring.CHANGED,
            approved_by=self.supervisor_a,
            deadline_days=1,
            reason="High risk: same-day notification agreed",
        )
        moved_on = timezone.localdate()
        self.address(moved_on)
        change = self.changes().get()
        self.assertEqual(change.due_at, rules.end_of_day(moved_on))
        self.assertIn("tailored for this person", change.source)

    def test_recorded_custody_moves_an_open_deadline_and_removing_it_moves_it_back(self) -> None:
        moved_on = timezone.localdate()
        self.address(moved_on)
        change = self.changes().get()
        pause = services.notification_pause_record(
            actor=self.officer_a,
            nominal=self.nominal,
            kind="custody",
            starts_on=moved_on + dt.timedelta(days=1),
            ends_on=moved_on + dt.timedelta(days=4),
            reason="Remanded in custody",
        )
        change.refresh_from_db()
        self.assertEqual(change.due_at, rules.end_of_day(moved_on + dt.timedelta(days=6)))
        self.assertIn("disregarded, in custody", change.source)
        self.assertEqual(pause.history.get().history_user, self.officer_a)
        with self.assertRaises(DomainError):
            services.notification_pause_record(
                actor=self.officer_a,
                nominal=self.nominal,
                kind="abroad",
                starts_on=moved_on,
                ends_on=moved_on - dt.timedelta(days=1),
                reason="Holiday",
            )
        services.notification_pause_remove(
            actor=self.officer_a, pause=pause, reason="Recorded against the wrong person"
        )
        change.refresh_from_db()
        self.assertEqual(change.due_at, rules.end_of_day(moved_on + dt.timedelta(days=2)))
        self.assertFalse(NotificationPause.objects.exists())

    def test_an_advance_notice_that_does_not_happen_reopens_the_item(self) -> None:
        today = timezone.localdate()
        specified = today - dt.timedelta(days=4)
        received_at = dt.datetime.combine(
            specified - dt.timedelta(days=3), dt.time(10), tzinfo=rules.LONDON
        )
        notification = self.notify(
            ["main_address"],
            received_at=received_at,
            changes=[
                (
                    "addresses",
                    {
                        "kind": "main",
                        "line_1": "9 Church View",
                        "town": "Northmoor",
                        "postcode": "NM1 2BB",
                        "date_from": specified,
                    },
                )
            ],
        )
        change = self.changes().get()
        self.assertEqual(change.status, DueStatus.MET)
        self.assertEqual(change.met_by, notification)
        made = services.advance_change_not_made(
            actor=self.officer_a, due_item=change, reason="Landlord says he never moved in"
        )
        [not_occurred] = made
        self.assertEqual(not_occurred.kind, DueKind.ADVANCE_NOT_OCCURRED)
        # SOA 2003 s.84(4)(b): within 6 days beginning with the date specified.
        self.assertEqual(not_occurred.due_at, rules.end_of_day(specified + dt.timedelta(days=5)))
        self.assertEqual(not_occurred.status, DueStatus.OPEN)

    def test_editing_a_detail_is_not_a_new_change(self) -> None:
        address = self.address(timezone.localdate())
        self.notify(["main_address"])
        register_services.nominal_detail_update(
            actor=self.officer_a,
            kind="addresses",
            detail=address,
            data={"verified_on": timezone.localdate()},
            reason="Seen at home on a visit",
        )
        self.assertEqual(list(self.changes().values_list("status", flat=True)), [DueStatus.MET])


class AdvanceChangeNotMadeApiTests(RegisterTestCase):
    """POST /nominals/<id>/due-items/<item>/not-made/: SOA 2003 s.84(4) over the API."""

    def test_the_person_must_say_it_did_not_happen_and_strangers_get_404(self) -> None:
        from rest_framework.test import APIClient

        person = register(self.officer_a)
        specified = timezone.localdate() - dt.timedelta(days=4)
        services.notification_record(
            actor=self.officer_a,
            nominal=person.nominal,
            received_at=dt.datetime.combine(
                specified - dt.timedelta(days=3), dt.time(10), tzinfo=rules.LONDON
            ),
            channel="in_person",
            station="Central",
            identity_checked=True,
            items=["main_address"],
            details="Moving next week",
            changes=[
                (
                    "addresses",
                    {
                        "kind": "main",
                        "line_1": "9 Church View",
                        "town": "Northmoor",
                        "postcode": "NM1 2BB",
                        "date_from": specified,
                    },
                )
            ],
        )
        change = DueItem.objects.get(nominal=person.nominal, kind=DueKind.CHANGE_NOTIFICATION)
        url = reverse("api-advance-change-not-made", args=[person.nominal.pk, change.pk])
        api = APIClient()
        for user in (self.officer_b, self.vlo_a, self.auditor):
            api.force_authenticate(user)
            response = api.post(url, {"reason": "x"}, format="json")
            self.assertEqual(response.status_code, 404, user.username)
        self.assertFalse(DueItem.objects.filter(kind=DueKind.ADVANCE_NOT_OCCURRED).exists())
        api.force_authenticate(self.officer_a)
        self.assertEqual(api.post(url, {}, format="json").status_code, 400)
        response = api.post(url, {"reason": "Landlord says he never moved in"}, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        [made] = response.json()
        self.assertEqual(made["kind"], DueKind.ADVANCE_NOT_OCCURRED)
        self.assertTrue(made["source"].startswith("SOA 2003 s.84(4)(b)"))
        # An item not notified in advance cannot be recorded as not made.
        initial = DueItem.objects.get(nominal=person.nominal, kind=DueKind.INITIAL_NOTIFICATION)
        refused = api.post(
            reverse("api-advance-change-not-made", args=[person.nominal.pk, initial.pk]),
            {"reason": "x"},
            format="json",
        )
        self.assertEqual(refused.status_code, 400, refused.content)
