"""/api/v1/ for notifications: the gate, logged reads, field-by-field errors, If-Match."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from notifications import services
from notifications.models import (
    Breach,
    BreachStatus,
    DueItem,
    DueKind,
    DueStatus,
    Notification,
    NotificationChannel,
    Tailoring,
    Task,
    TaskKind,
    TaskStatus,
)
from register.models import AccessChannel, AccessLog, Nominal, Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase
from tests.notifications.factories import Registered, conviction, item, register

# A full notification (SOA 2003 s.83(5)) meets the initial one; one item alone does not.
FULL = ["names", "date_of_birth", "ni_number", "main_address"]


class ApiTestCase(RegisterTestCase):
    coordinator_a: StaffUser
    person: Registered
    nominal: Nominal
    breach: Breach
    task: Task

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.coordinator_a = factories.staff(
            cls.agency_a, Role.MAPPA_COORDINATOR, username="coordinator.a"
        )
        cls.person = register(cls.officer_a)
        cls.nominal = cls.person.nominal
        cls.breach = services.breach_record(
            actor=cls.officer_a,
            nominal=cls.nominal,
            requirement=item("main_address"),
            found_on=timezone.localdate() - dt.timedelta(days=1),
            evidence="Seen at an address not notified",
        )
        cls.task = Task.objects.create(
            kind=TaskKind.ALERT,
            owner=cls.officer_a,
            nominal=cls.nominal,
            title="Check the address",
            created_at=timezone.now(),
        )

    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.officer_a)

    def as_api_user(self, user: Any) -> None:
        self.api.force_authenticate(user)

    def notification(self, **overrides: Any) -> dict[str, Any]:
        received_at = timezone.now() - dt.timedelta(hours=1)
        data = {
            "received_at": received_at.isoformat(),
            "station": "Southshire Police, Eastgate station",
            "identity_checked": True,
            "items": ["main_address"],
            "details": "New address: 9 Church View",
        }
        data.update(overrides)
        return data


class GateTests(ApiTestCase):
    def endpoints(self) -> list[tuple[str, str, dict[str, Any]]]:
        nominal = self.nominal.pk
        close = {"action": "close", "outcome": "nfa", "outcome_on": "2026-01-01", "reason": "x"}
        return [
            ("get", reverse("api-requirement-set", args=[nominal]), {}),
            ("get", reverse("api-notification-list", args=[nominal]), {}),
            ("post", reverse("api-notification-list", args=[nominal]), self.notification()),
            ("get", reverse("api-due-item-list", args=[nominal]), {}),
            ("get", reverse("api-breach-list", args=[nominal]), {}),
            (
                "post",
                reverse("api-breach-list", args=[nominal]),
                {"requirement": "names", "found_on": "2026-01-01", "evidence": "x"},
            ),
            ("get", reverse("api-breach-detail", args=[self.breach.pk]), {}),
            ("patch", reverse("api-breach-detail", args=[self.breach.pk]), close),
            ("post", reverse("api-task-complete", args=[self.task.pk]), {"outcome": "Done"}),
        ]

    def snapshot(self) -> tuple[int, ...]:
        return (
            Notification.objects.count(),
            Breach.objects.count(),
            Breach.objects.filter(status=BreachStatus.SUSPECTED).count(),
            Task.objects.filter(status=TaskStatus.OPEN).count(),
            DueItem.objects.filter(status=DueStatus.OPEN).count(),
        )

    def test_other_agency_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        before = self.snapshot()
        for user in (self.officer_b, self.vlo_a, self.admin_b, self.auditor):
            self.as_api_user(user)
            for method, url, data in self.endpoints():
                with self.subTest(user=user.username, method=method, url=url):
                    response = getattr(self.api, method)(
                        url, data, format="json", HTTP_IF_MATCH="*"
                    )
                    self.assertEqual(response.status_code, 404, response.content)
                    self.assertEqual(response.json(), {"detail": "Not found."})
            with self.subTest(user=user.username, url="tasks"):
                tasks = self.api.get(reverse("api-task-list"))
                if user in (self.officer_b, self.vlo_a):  # their own list, without A's casework
                    self.assertEqual(tasks.json()["results"], [])
                else:
                    self.assertEqual(tasks.status_code, 404)
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(AccessLog.objects.exists())

    def test_unauthenticated_is_refused(self) -> None:
        self.api.force_authenticate(None)
        response = self.api.get(reverse("api-task-list"))
        self.assertIn(response.status_code, (401, 403))

    def test_the_schema_documents_every_endpoint(self) -> None:
        schema = self.api.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
        paths = schema.json()["paths"]
        for path, methods in {
            "/api/v1/nominals/{nominal_id}/requirement-set/": {"get"},
            "/api/v1/nominals/{nominal_id}/notifications/": {"get", "post"},
            "/api/v1/nominals/{nominal_id}/notifications/{notification_id}/verify/": {"post"},
            "/api/v1/nominals/{nominal_id}/due-items/": {"get"},
            "/api/v1/nominals/{nominal_id}/notification-pauses/": {"get", "post"},
            "/api/v1/nominals/{nominal_id}/notification-pauses/{pause_id}/remove/": {"post"},
            "/api/v1/nominals/{nominal_id}/breaches/": {"get", "post"},
            "/api/v1/breaches/{breach_id}/": {"get", "patch"},
            "/api/v1/tasks/": {"get"},
            "/api/v1/tasks/{task_id}/complete/": {"post"},
        }.items():
            with self.subTest(path=path):
                self.assertLessEqual(methods, set(paths[path]))


class RequirementSetApiTests(ApiTestCase):
    def test_the_set_with_tailoring_and_the_period_read_logged_with_its_purpose(self) -> None:
        services.requirement_tailor(
            actor=self.officer_a,
            requirement_set=self.person.requirement_set,  # type: ignore[arg-type]
            item=item("household_child"),
            tailoring=Tailoring.DROPPED,
            approved_by=self.supervisor_a,
            reason="Targets adult ex-partners only",
        )
        response = self.api.get(
            reverse("api-requirement-set", args=[self.nominal.pk]),
            HTTP_X_PURPOSE="MAPPA meeting preparation",
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["period"]["rule_key"], "custody_over_6_under_30_months")
        self.assertTrue(body["registration_current"])
        rows = {row["item"]["code"]: row for row in body["items"]}
        self.assertFalse(rows["household_child"]["applies"])
        self.assertEqual(rows["household_child"]["approved_by"], "supervisor.a")
        self.assertEqual(
            rows["household_child"]["tailoring_reason"], "Targets adult ex-partners only"
        )
        log = AccessLog.objects.get()
        self.assertEqual(
            (log.record_id, log.channel, log.purpose, log.recipient_agency_id),
            (
                str(self.nominal.pk),
                AccessChannel.API,
                "MAPPA meeting preparation",
                self.agency_a.pk,
            ),
        )

    def test_a_person_without_requirements_is_404(self) -> None:
        nominal = factories.nominal(self.officer_a, family_name="Unregistered")
        response = self.api.get(reverse("api-requirement-set", args=[nominal.pk]))
        self.assertEqual(response.status_code, 404)


class NotificationApiTests(ApiTestCase):
    def url(self) -> str:
        return reverse("api-notification-list", args=[self.nominal.pk])

    def test_a_partner_force_records_a_notification(self) -> None:
        received_at = dt.datetime(2026, 3, 2, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
        response = self.api.post(
            self.url(),
            self.notification(received_at=received_at.isoformat(), items=FULL),
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["channel"], NotificationChannel.PARTNER_FORCE)
        self.assertEqual(body["station"], "Southshire Police, Eastgate station")
        self.assertEqual(body["received_by"], "officer.a")
        notification = Notification.objects.get()
        self.assertEqual(notification.received_at, received_at)
        self.assertEqual(notification.history.get().history_user, self.officer_a)
        initial = DueItem.objects.get(kind=DueKind.INITIAL_NOTIFICATION)
        self.assertEqual(initial.status, DueStatus.MET)

    def test_bad_input_is_refused_field_by_field_and_saves_nothing(self) -> None:
        response = self.api.post(
            self.url(),
            {"received_at": "2026-03-02T14:30:00", "items": ["no_such_item"], "station": ""},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        errors = response.json()
        self.assertEqual(
            set(errors), {"received_at", "items", "station", "identity_checked", "details"}
        )
        self.assertIn("UTC offset", errors["received_at"][0])

        received_at = timezone.now() - dt.timedelta(minutes=5)
        late = self.api.post(
            self.url(),
            self.notification(
                received_at=received_at.isoformat(),
                items=["foreign_travel"],
                departs_at=(received_at + dt.timedelta(hours=25)).isoformat(),
            ),
            format="json",
        )
        self.assertEqual(late.status_code, 400)
        self.assertEqual(list(late.json()), ["late_reason"])
        self.assertIn("7 days' notice was not practicable", late.json()["late_reason"][0])
        self.assertFalse(Notification.objects.exists())

    def test_list_is_cursor_paginated_logged_and_fixed_in_queries(self) -> None:
        for i in range(3):
            services.notification_record(
                actor=self.officer_a,
                nominal=self.nominal,
                received_at=timezone.now() - dt.timedelta(hours=i + 1),
                channel=NotificationChannel.IN_PERSON,
                station=f"Station {i}",
                identity_checked=True,
                items=["main_address"],
                details="x",
            )
        first = self.api.get(self.url(), {"page_size": 2}).json()
        self.assertEqual([n["station"] for n in first["results"]], ["Station 0", "Station 1"])
        second = self.api.get(first["next"]).json()
        self.assertEqual([n["station"] for n in second["results"]], ["Station 2"])
        self.assertEqual(AccessLog.objects.filter(channel=AccessChannel.API).count(), 2)
        # nominal (gate), page, access-log insert
        with self.assertNumQueries(3):
            self.api.get(self.url())


class DueItemApiTests(ApiTestCase):
    def test_due_items_soonest_first_with_a_status_filter(self) -> None:
        url = reverse("api-due-item-list", args=[self.nominal.pk])
        kinds = [d["kind"] for d in self.api.get(url).json()["results"]]
        self.assertEqual(kinds[0], DueKind.INITIAL_NOTIFICATION)
        self.assertIn(DueKind.REGISTRATION_REVIEW, kinds)
        self.assertEqual(self.api.get(url, {"status": "met"}).json()["results"], [])
        bad = self.api.get(url, {"status": "nonsense"})
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(list(bad.json()), ["status"])


class BreachApiTests(ApiTestCase):
    def test_record_a_breach(self) -> None:
        url = reverse("api-breach-list", args=[self.nominal.pk])
        bad = self.api.post(url, {"requirement": "nope", "found_on": "2026-02-30"}, format="json")
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(set(bad.json()), {"requirement", "found_on", "evidence"})
        other = register(self.officer_a, "Other")
        foreign = DueItem.objects.get(
            kind=DueKind.INITIAL_NOTIFICATION, subject_id=str(other.registration.pk)
        )
        data = {
            "requirement": "bank_accounts",
            "found_on": timezone.localdate().isoformat(),
            "evidence": "Joint account found",
            "due_item": str(foreign.pk),
        }
        wrong = self.api.post(url, data, format="json")
        self.assertEqual(wrong.status_code, 400)
        self.assertEqual(list(wrong.json()), ["due_item"])
        self.assertEqual(Breach.objects.count(), 1)
        del data["due_item"]
        created = self.api.post(url, data, format="json")
        self.assertEqual(created.status_code, 201, created.content)
        self.assertTrue(created["ETag"])
        self.assertEqual(created.json()["found_by"], "officer.a")
        listed = self.api.get(url).json()["results"]
        self.assertEqual(len(listed), 2)

    def test_escalate_and_close_need_the_current_etag(self) -> None:
        url = reverse("api-breach-detail", args=[self.breach.pk])
        etag = self.api.get(url)["ETag"]
        escalate = {"action": "escalate", "urgent_meeting": True, "reason": "Victim at risk"}

        self.assertEqual(self.api.patch(url, escalate, format="json").status_code, 428)
        ok = self.api.patch(url, escalate, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(ok.status_code, 200, ok.content)
        self.assertEqual(ok.json()["status"], BreachStatus.ESCALATED)
        self.assertNotEqual(ok["ETag"], etag)
        self.assertTrue(Task.objects.filter(owner=self.coordinator_a).exists())

        stale = self.api.patch(
            url,
            {"action": "close", "outcome": "nfa", "outcome_on": "2026-01-01", "reason": "x"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        self.assertEqual(stale.status_code, 412)

        current = ok["ETag"]
        missing = self.api.patch(
            url, {"action": "close", "reason": "x"}, format="json", HTTP_IF_MATCH=current
        )
        self.assertEqual(missing.status_code, 400)
        self.assertEqual(set(missing.json()), {"outcome", "outcome_on"})
        today = timezone.localdate().isoformat()
        no_conviction = self.api.patch(
            url,
            {"action": "close", "outcome": "conviction", "outcome_on": today, "reason": "x"},
            format="json",
            HTTP_IF_MATCH=current,
        )
        self.assertEqual(no_conviction.status_code, 400)
        self.assertEqual(list(no_conviction.json()), ["conviction"])
        self.breach.refresh_from_db()
        self.assertEqual(self.breach.status, BreachStatus.ESCALATED)

        own = conviction(self.officer_a, self.nominal, timezone.localdate(), code="PHA1997-s2")
        closed = self.api.patch(
            url,
            {
                "action": "close",
                "outcome": "conviction",
                "outcome_on": today,
                "conviction": str(own.pk),
                "reason": "Convicted at Northmoor",
            },
            format="json",
            HTTP_IF_MATCH=current,
        )
        self.assertEqual(closed.status_code, 200, closed.content)
        self.breach.refresh_from_db()
        self.assertEqual((self.breach.status, self.breach.conviction), (BreachStatus.CLOSED, own))
        history = self.breach.history.first()
        self.assertEqual(
            (history.history_user, history.history_change_reason),
            (self.officer_a, "Convicted at Northmoor"),
        )


class TaskApiTests(ApiTestCase):
    def test_own_tasks_only_and_complete_with_an_outcome(self) -> None:
        theirs = Task.objects.create(
            kind=TaskKind.ALERT,
            owner=self.supervisor_a,
            nominal=self.nominal,
            title="Supervisor's",
            created_at=timezone.now(),
        )
        listed = self.api.get(reverse("api-task-list"), HTTP_X_PURPOSE="Daily review").json()
        self.assertEqual([t["id"] for t in listed["results"]], [str(self.task.pk)])
        self.assertEqual(AccessLog.objects.get().purpose, "Daily review")
        self.assertEqual(
            self.api.post(
                reverse("api-task-complete", args=[theirs.pk]), {"outcome": "x"}, format="json"
            ).status_code,
            404,
        )
        url = reverse("api-task-complete", args=[self.task.pk])
        empty = self.api.post(url, {"outcome": ""}, format="json")
        self.assertEqual(empty.status_code, 400)
        self.assertEqual(list(empty.json()), ["outcome"])
        done = self.api.post(url, {"outcome": "Address confirmed"}, format="json")
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["status"], TaskStatus.DONE)
        self.task.refresh_from_db()
        self.assertEqual(self.task.history.first().history_user, self.officer_a)
        again = self.api.post(url, {"outcome": "Again"}, format="json")
        self.assertEqual(again.status_code, 400)
        self.assertEqual(
            [
                t["id"]
                for t in self.api.get(reverse("api-task-list"), {"status": "open"}).json()[
                    "results"
                ]
            ],
            [],
        )
        theirs.refresh_from_db()
        self.assertEqual(theirs.status, TaskStatus.OPEN)
