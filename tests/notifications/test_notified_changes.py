"""What a notification changes on the record (through the register's services) and its check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from notifications import services
from notifications.forms import NotificationForm
from notifications.models import DueStatus, Notification, NotificationChannel
from register.errors import DomainError
from register.models import AccessLog, Address, AddressKind
from tests.base import RegisterTestCase
from tests.notifications.factories import Registered, register

ADDRESS = {
    "kind": AddressKind.MAIN,
    "line_1": "9 Quarry Lane",
    "line_2": "",
    "town": "Northmoor",
    "postcode": "NM4 7QL",
    "date_from": dt.date(2026, 11, 20),
    "date_to": None,
}


class NotifiedChangesTestCase(RegisterTestCase):
    person: Registered

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = register(cls.officer_a)

    def record(self, **overrides: Any) -> Notification:
        values: dict[str, Any] = {
            "actor": self.officer_a,
            "nominal": self.person.nominal,
            "received_at": timezone.now() - dt.timedelta(hours=2),
            "channel": NotificationChannel.IN_PERSON,
            "station": "Northmoor Central",
            "identity_checked": True,
            "items": ["main_address"],
            "details": "Moved to 9 Quarry Lane",
            "changes": [("addresses", ADDRESS)],
        }
        values.update(overrides)
        return services.notification_record(**values)

    def initial_due_status(self) -> str:
        return self.person.nominal.due_items.get(kind="initial_notification").status


class ServiceTests(NotifiedChangesTestCase):
    def test_a_notified_address_is_added_to_the_record_with_history_naming_the_notification(
        self,
    ) -> None:
        notification = self.record()
        address = Address.objects.get(nominal=self.person.nominal, line_1="9 Quarry Lane")
        self.assertEqual(
            notification.applied_changes,
            [
                {
                    "kind": "addresses",
                    "id": str(address.pk),
                    "summary": "Address: 9 Quarry Lane, Northmoor, NM4 7QL",
                }
            ],
        )
        created = address.history.get()
        self.assertEqual(created.history_user, self.officer_a)
        self.assertIn(str(notification.pk), created.history_change_reason)
        self.assertIn("Notified in person on", created.history_change_reason)
        # Issue 10, finding 5: the address notified meets its own change item, and only that:
        # the initial notification needs the full set (SOA 2003 s.83(5)).
        change = self.person.nominal.due_items.get(kind="change_notification")
        self.assertEqual((change.status, change.met_by), (DueStatus.MET, notification))
        self.assertEqual(self.initial_due_status(), DueStatus.OPEN)

    def test_a_change_the_register_refuses_refuses_the_notification_and_saves_nothing(
        self,
    ) -> None:
        bad = {**ADDRESS, "date_from": dt.date(2026, 11, 21), "date_to": dt.date(2026, 11, 1)}
        with self.assertRaises(DomainError) as caught:
            self.record(changes=[("addresses", bad)])
        self.assertTrue(all(str(k).startswith("changes.0.") for k in caught.exception.errors))
        self.assertFalse(Notification.objects.exists())
        self.assertFalse(Address.objects.filter(line_1="9 Quarry Lane").exists())
        self.assertEqual(self.initial_due_status(), DueStatus.OPEN)

    def test_only_details_a_person_notifies_can_be_added(self) -> None:
        with self.assertRaises(DomainError) as caught:
            self.record(changes=[("convictions", {})])
        self.assertEqual(
            caught.exception.errors,
            {"changes.0.kind": ["A notification cannot add 'convictions' to the record"]},
        )
        self.assertFalse(Notification.objects.exists())

    def test_verifying_marks_the_added_address_verified_through_the_register(self) -> None:
        notification = self.record()
        today = timezone.localdate()
        services.notification_verify(
            actor=self.supervisor_a,
            notification=notification,
            verified_on=today,
            note="Home visit: living there",
        )
        notification.refresh_from_db()
        self.assertEqual(
            (notification.verified_on, notification.verified_by), (today, self.supervisor_a)
        )
        address = Address.objects.get(line_1="9 Quarry Lane")
        self.assertEqual(address.verified_on, today)
        latest = address.history.first()
        assert latest is not None
        self.assertEqual(latest.history_user, self.supervisor_a)
        self.assertIn("Home visit: living there", latest.history_change_reason)

    def test_a_check_is_refused_when_future_before_receipt_unexplained_or_repeated(
        self,
    ) -> None:
        notification = self.record()
        today = timezone.localdate()
        cases = [
            (today + dt.timedelta(days=1), "Visited", "verified_on"),
            (today - dt.timedelta(days=30), "Visited", "verified_on"),
            (today, "  ", "note"),
        ]
        for verified_on, note, field in cases:
            with self.subTest(field=field, verified_on=verified_on):
                with self.assertRaises(DomainError) as caught:
                    services.notification_verify(
                        actor=self.officer_a,
                        notification=notification,
                        verified_on=verified_on,
                        note=note,
                    )
                self.assertEqual(list(caught.exception.errors), [field])
        notification.refresh_from_db()
        self.assertIsNone(notification.verified_on)
        services.notification_verify(
            actor=self.officer_a, notification=notification, verified_on=today, note="Visited"
        )
        with self.assertRaises(DomainError):
            services.notification_verify(
                actor=self.officer_a, notification=notification, verified_on=today, note="Again"
            )


class PageTests(NotifiedChangesTestCase):
    def form(self, **overrides: str) -> dict[str, Any]:
        received = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
        data = {
            "received_on": received.date().isoformat(),
            "received_time": received.strftime("%H:%M"),
            "station": "Northmoor Central",
            "identity_checked": "on",
            "items": ["main_address"],
            "details": "Moved",
            "address_kind": "main",
            "address_line_1": "9 Quarry Lane",
            "address_town": "Northmoor",
            "address_postcode": "NM4 7QL",
            "address_from": "2026-11-20",
        }
        data.update(overrides)
        return data

    def test_the_form_adds_the_new_address_and_the_page_lists_it(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("notification-create", args=[self.person.nominal.pk])
        response = self.client.post(url, self.form())
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Address.objects.filter(line_1="9 Quarry Lane").exists())
        page = self.client.get(reverse("nominal-notifications", args=[self.person.nominal.pk]))
        self.assertContains(page, "Added to the record:")
        self.assertContains(page, "Address: 9 Quarry Lane, Northmoor, NM4 7QL")
        self.assertContains(page, "Record a check")

    def test_a_half_entered_address_gets_messages_next_to_its_fields_and_saves_nothing(
        self,
    ) -> None:
        self.as_user(self.officer_a)
        url = reverse("notification-create", args=[self.person.nominal.pk])
        response = self.client.post(url, self.form(address_kind="", address_from=""))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors,
            {
                "address_kind": ["Choose the kind of address"],
                "address_from": ["Enter the date they live there from"],
            },
        )
        self.assertContains(response, 'id="id_address_kind_error"')
        self.assertFalse(Notification.objects.exists())

    def test_the_registers_messages_about_the_address_go_next_to_its_fields(self) -> None:
        form = NotificationForm(items=[])
        for service_field, form_field in {
            "changes.0.line_1": "address_line_1",
            "changes.0.date_from": "address_from",
            "changes.0.non_field_errors": "address_line_1",
            "received_at": "received_on",
        }.items():
            with self.subTest(service_field):
                self.assertEqual(form.field_for(service_field), form_field)

    def test_recording_a_check_on_the_page(self) -> None:
        notification = self.record()
        self.as_user(self.officer_a)
        url = reverse("notification-verify", args=[self.person.nominal.pk, notification.pk])
        self.assertContains(self.client.get(url), "9 Quarry Lane")
        empty = self.client.post(url, {"verified_on": timezone.localdate().isoformat()})
        self.assertEqual(
            empty.context["form"].errors, {"verification_note": ["Enter what was checked and how"]}
        )
        done = self.client.post(
            url,
            {"verified_on": timezone.localdate().isoformat(), "verification_note": "Visited"},
        )
        self.assertEqual(done.status_code, 302)
        notification.refresh_from_db()
        self.assertEqual(notification.verification_note, "Visited")
        # A verified notification has nothing left to check.
        self.assert_not_found(self.client.get(url))

    def test_other_agency_and_wrong_roles_cannot_open_or_post_the_check(self) -> None:
        notification = self.record()
        url = reverse("notification-verify", args=[self.person.nominal.pk, notification.pk])
        post = {"verified_on": timezone.localdate().isoformat(), "verification_note": "x"}
        for user in (self.officer_b, self.vlo_a, self.auditor, self.admin_b):
            self.as_user(user)
            with self.subTest(user=user.username):
                self.assert_not_found(self.client.get(url))
                self.assert_not_found(self.client.post(url, post))
        notification.refresh_from_db()
        self.assertIsNone(notification.verified_on)
        self.assertFalse(AccessLog.objects.filter(user__in=[self.officer_b, self.vlo_a]).exists())

    def test_the_check_page_of_another_nominal_is_not_found(self) -> None:
        notification = self.record()
        other = register(self.officer_a, "Other").nominal
        self.as_user(self.officer_a)
        url = reverse("notification-verify", args=[other.pk, notification.pk])
        self.assert_not_found(self.client.get(url))


class ApiTests(NotifiedChangesTestCase):
    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.officer_a)

    def payload(self, **overrides: Any) -> dict[str, Any]:
        data = {
            "received_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
            "station": "Southshire Police, Eastgate",
            "identity_checked": True,
            "items": ["main_address", "phone_numbers"],
            "details": "New address and phone",
            "changes": [
                {"kind": "addresses", "values": {**ADDRESS, "date_from": "2026-11-20"}},
                {"kind": "contact-details", "values": {"kind": "phone", "value": "07700 900123"}},
            ],
        }
        data.update(overrides)
        return data

    def test_a_partner_force_records_the_changes_it_was_told(self) -> None:
        url = reverse("api-notification-list", args=[self.person.nominal.pk])
        response = self.api.post(url, self.payload(), format="json")
        self.assertEqual(response.status_code, 201, response.content)
        summaries = [c["summary"] for c in response.json()["applied_changes"]]
        self.assertEqual(
            summaries,
            ["Address: 9 Quarry Lane, Northmoor, NM4 7QL", "Phone number or email: 07700 900123"],
        )
        self.assertTrue(self.person.nominal.contact_details.filter(value="07700 900123").exists())

    def test_bad_changes_get_field_by_field_errors_and_nothing_is_saved(self) -> None:
        url = reverse("api-notification-list", args=[self.person.nominal.pk])
        bad = self.payload(
            changes=[
                {"kind": "addresses", "values": {"kind": "main", "date_from": "not a date"}},
                {"kind": "convictions", "values": {}},
            ]
        )
        response = self.api.post(url, bad, format="json")
        self.assertEqual(response.status_code, 400)
        errors = response.json()["changes"]
        # Errors of the n-th change are keyed by its position.
        self.assertEqual(set(errors["0"]["values"]), {"line_1", "date_from"})
        self.assertEqual(errors["1"], {"kind": ['"convictions" is not a valid choice.']})
        self.assertFalse(Notification.objects.exists())

    def test_verify_over_the_api(self) -> None:
        notification = self.record()
        url = reverse("api-notification-verify", args=[self.person.nominal.pk, notification.pk])
        missing = self.api.post(url, {}, format="json")
        self.assertEqual(set(missing.json()), {"verified_on", "note"})
        response = self.api.post(
            url, {"verified_on": timezone.localdate().isoformat(), "note": "Visited"}, format="json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["verified_by"], "officer.a")
        again = self.api.post(
            url, {"verified_on": timezone.localdate().isoformat(), "note": "Again"}, format="json"
        )
        self.assertEqual(again.status_code, 400)

    def test_other_agency_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        notification = self.record()
        url = reverse("api-notification-verify", args=[self.person.nominal.pk, notification.pk])
        for user in (self.officer_b, self.vlo_a, self.auditor, self.admin_b):
            self.api.force_authenticate(user)
            with self.subTest(user=user.username):
                response = self.api.post(
                    url, {"verified_on": timezone.localdate().isoformat(), "note": "x"}
                )
                self.assertEqual(response.status_code, 404)
        notification.refresh_from_db()
        self.assertIsNone(notification.verified_on)
