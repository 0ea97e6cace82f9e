"""Notifications pages: who may open them, fixed query counts, forms with clear errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import resolve, reverse
from django.utils import timezone

from notifications import scans, services, views
from notifications.models import (
    Breach,
    BreachStatus,
    DueItem,
    DueKind,
    DueStatus,
    Notification,
    NotificationChannel,
    RequirementSet,
    RequirementSetItem,
    Tailoring,
    Task,
    TaskKind,
    TaskStatus,
)
from register.models import AccessLog, Role, StaffUser, Team
from tests import factories
from tests.base import RegisterTestCase
from tests.notifications.factories import Registered, item, register


def _task(owner: Any, nominal: Any, title: str = "Check the address", **fields: Any) -> Task:
    return Task.objects.create(
        kind=fields.pop("kind", TaskKind.ALERT),
        owner=owner,
        nominal=nominal,
        title=title,
        created_at=fields.pop("created_at", timezone.now()),
        **fields,
    )


def _due(person: Registered, kind: str = DueKind.INITIAL_NOTIFICATION) -> DueItem:
    return DueItem.objects.get(kind=kind, subject_id=str(person.registration.pk))


class PagesTestCase(RegisterTestCase):
    coordinator_a: StaffUser
    person: Registered
    breach: Breach
    task: Task

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.coordinator_a = factories.staff(
            cls.agency_a, Role.MAPPA_COORDINATOR, username="coordinator.a"
        )
        cls.person = register(cls.officer_a)
        cls.breach = services.breach_record(
            actor=cls.officer_a,
            nominal=cls.person.nominal,
            requirement=item("main_address"),
            found_on=timezone.localdate(),
            evidence="Seen at an address not notified",
        )
        cls.task = _task(cls.officer_a, cls.person.nominal)

    def notification_data(self, **overrides: Any) -> dict[str, Any]:
        now = timezone.localtime(timezone.now() - dt.timedelta(hours=1))
        data = {
            "received_on": now.date().isoformat(),
            "received_time": now.strftime("%H:%M"),
            "station": "Northmoor Central",
            "identity_checked": "on",
            "items": ["main_address"],
            "details": "Moved to 4 Mill Lane",
        }
        data.update(overrides)
        return data


class AccessTests(PagesTestCase):
    """Every page: other agency and wrong roles get 404, and their POSTs change nothing."""

    def urls(self) -> dict[str, str]:
        nominal = self.person.nominal.pk
        return {
            "inbox": reverse("task-inbox"),
            "team": reverse("task-team"),
            "task done": reverse("task-done", args=[self.task.pk]),
            "nominal page": reverse("nominal-notifications", args=[nominal]),
            "record notification": reverse("notification-create", args=[nominal]),
            "tailor": reverse("requirement-tailor", args=[nominal]),
            "record breach": reverse("breach-create", args=[nominal]),
            "escalate": reverse("breach-escalate", args=[nominal, self.breach.pk]),
            "close": reverse("breach-close", args=[nominal, self.breach.pk]),
            "waive": reverse("due-item-waive", args=[nominal, _due(self.person).pk]),
        }

    def snapshot(self) -> tuple[int, ...]:
        return (
            Notification.objects.count(),
            Breach.objects.count(),
            Breach.objects.filter(status=BreachStatus.SUSPECTED).count(),
            DueItem.objects.filter(status=DueStatus.OPEN).count(),
            Task.objects.filter(status=TaskStatus.OPEN).count(),
            RequirementSetItem.objects.exclude(tailoring=Tailoring.DEFAULT).count(),
        )

    def test_the_pages_open_for_the_officer(self) -> None:
        self.as_user(self.officer_a)
        for name, url in self.urls().items():
            if name == "team":
                continue
            with self.subTest(name):
                self.assertEqual(self.client.get(url).status_code, 200)
        self.as_user(self.supervisor_a)
        self.assertEqual(self.client.get(reverse("task-team")).status_code, 200)

    def test_other_agencies_and_other_roles_get_404_and_change_nothing(self) -> None:
        before = self.snapshot()
        post = {
            **self.notification_data(),
            "reason": "Trying",
            "outcome": "nfa",
            "outcome_on": timezone.localdate().isoformat(),
            "urgent_meeting": "on",
            "requirement": item("main_address").pk,
            "found_on": timezone.localdate().isoformat(),
            "evidence": "x",
            "item": item("household_child").pk,
            "tailoring": "dropped",
            "approved_by": self.supervisor_a.pk,
        }
        read_only = {"inbox", "team", "nominal page"}
        for user in (self.admin_b, self.auditor):
            self.as_user(user)
            for name, url in self.urls().items():
                with self.subTest(user=user.username, page=name):
                    self.assert_not_found(self.client.get(url))
                    self.assert_not_found(self.client.post(url, post))
        # An officer of another agency, and a VLO (whose tasks are victim-side), have an inbox
        # of their own, without agency A's casework tasks; everything else is not found.
        for user in (self.officer_b, self.vlo_a):
            self.as_user(user)
            for name, url in self.urls().items():
                with self.subTest(user=user.username, page=name):
                    if name == "inbox":
                        inbox = self.client.get(url)
                        self.assertEqual(inbox.context["tasks"], [])
                        self.assertNotContains(inbox, str(self.person.nominal))
                        continue
                    self.assert_not_found(self.client.get(url))
                    response = self.client.post(url, post)
                    # A page that only reads refuses the method; the forms do not exist for them.
                    expected = 405 if name in read_only and user == self.officer_b else 404
                    self.assertEqual(response.status_code, expected)
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(AccessLog.objects.filter(user__in=[self.officer_b, self.vlo_a]).exists())

    def test_a_shared_agency_reads_but_cannot_change(self) -> None:
        from register import services as register_services

        register_services.nominal_share(
            actor=self.officer_a, nominal=self.person.nominal, agency=self.agency_b, reason="MAPPA"
        )
        self.as_user(self.officer_b)
        nominal = self.person.nominal.pk
        page = self.client.get(reverse("nominal-notifications", args=[nominal]))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, reverse("notification-create", args=[nominal]))
        self.assert_not_found(
            self.client.post(
                reverse("notification-create", args=[nominal]), self.notification_data()
            )
        )
        self.assertFalse(Notification.objects.exists())

    def test_the_team_view_is_for_supervisors_only(self) -> None:
        self.as_user(self.officer_a)
        self.assert_not_found(self.client.get(reverse("task-team")))

    def test_a_task_is_its_owners_own(self) -> None:
        theirs = _task(self.supervisor_a, self.person.nominal, title="Supervisor's own")
        self.as_user(self.officer_a)
        url = reverse("task-done", args=[theirs.pk])
        self.assert_not_found(self.client.get(url))
        self.assert_not_found(self.client.post(url, {"outcome": "Done it"}))
        self.assertNotContains(self.client.get(reverse("task-inbox")), "Supervisor&#x27;s own")
        theirs.refresh_from_db()
        self.assertEqual(theirs.status, TaskStatus.OPEN)

    def test_a_breach_or_item_of_another_nominal_in_the_url_is_404(self) -> None:
        other = register(self.officer_a, "Other")
        self.as_user(self.officer_a)
        for url in (
            reverse("breach-escalate", args=[other.nominal.pk, self.breach.pk]),
            reverse("due-item-waive", args=[other.nominal.pk, _due(self.person).pk]),
            reverse("breach-close", args=[self.person.nominal.pk, "not-a-uuid"]),
        ):
            with self.subTest(url=url):
                self.assert_not_found(self.client.get(url))

    def test_notification_urls_are_not_caught_by_the_register(self) -> None:
        nominal = self.person.nominal.pk
        for name, view in (
            ("notification-create", views.notification_create),
            ("breach-create", views.breach_create),
        ):
            self.assertIs(resolve(reverse(name, args=[nominal])).func, view)


class InboxTests(PagesTestCase):
    def test_query_count_is_fixed_whatever_the_number_of_tasks(self) -> None:
        Task.objects.all().delete()
        self.as_user(self.officer_a)
        _task(self.officer_a, self.person.nominal)
        # session, user, count, page, access-log insert, mark seen, session save in a savepoint
        for rows in (1, 30):
            with self.subTest(rows=rows), self.assertNumQueries(10):
                response = self.client.get(reverse("task-inbox"))
            self.assertEqual(len(response.context["tasks"]), min(rows, views.PAGE_SIZE))
            if rows == 30:
                break
            for i in range(29):
                person = register(self.officer_a, f"Bulk{i}") if i < 2 else self.person
                _task(self.officer_a, person.nominal, title=f"Task {i}")

    def test_overdue_first_then_due_soon_then_the_rest_and_opening_marks_seen(self) -> None:
        Task.objects.all().delete()
        now = timezone.now()
        nominal = self.person.nominal

        def due(kind: str, due_at: dt.datetime) -> DueItem:
            return services.due_item_schedule(
                actor=self.officer_a,
                kind=kind,
                subject=nominal,
                nominal=nominal,
                due_at=due_at,
                title=kind,
                owner=self.officer_a,
                reason="Test",
            )

        _task(self.officer_a, nominal, title="Plain alert")
        _task(
            self.officer_a,
            nominal,
            title="Soon",
            kind=TaskKind.DUE_SOON,
            due_item=due(DueKind.HOME_VISIT, now + dt.timedelta(days=3)),
        )
        _task(
            self.officer_a,
            nominal,
            title="Late",
            kind=TaskKind.OVERDUE,
            due_item=due(DueKind.RISK_REVIEW, now - dt.timedelta(days=1)),
        )
        self.as_user(self.officer_a)
        response = self.client.get(reverse("task-inbox"))
        self.assertEqual(
            [t.title for t in response.context["tasks"]], ["Late", "Soon", "Plain alert"]
        )
        self.assertContains(response, 'govuk-tag--blue">New', count=3)  # new the first time
        self.assertEqual(Task.objects.filter(seen_at__isnull=True).count(), 0)
        self.assertNotContains(self.client.get(reverse("task-inbox")), "govuk-tag--blue")

    def test_filters_and_pagination(self) -> None:
        _task(self.officer_a, self.person.nominal, title="A breach task", kind=TaskKind.BREACH)
        for i in range(26):
            _task(self.officer_a, self.person.nominal, title=f"Alert {i}")
        self.as_user(self.officer_a)
        first = self.client.get(reverse("task-inbox"))
        self.assertContains(first, "Page 1 of 2")
        breaches = self.client.get(reverse("task-inbox"), {"kind": "breach"})
        self.assertEqual({t.kind for t in breaches.context["tasks"]}, {TaskKind.BREACH})
        done = self.client.get(reverse("task-inbox"), {"status": "done"})
        self.assertContains(done, "You have no done tasks")
        bad = self.client.get(reverse("task-inbox"), {"kind": "nonsense"})
        self.assertContains(bad, "Select one of the options for the type", count=2)

    def test_reads_are_logged(self) -> None:
        self.as_user(self.officer_a)
        self.client.get(reverse("task-inbox"))
        log = AccessLog.objects.get(user=self.officer_a, purpose="Task inbox")
        self.assertEqual(log.record_id, str(self.person.nominal.pk))

    def test_mark_done_needs_an_outcome_and_records_who(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("task-done", args=[self.task.pk])
        response = self.client.post(url, {"outcome": ""})
        self.assertContains(response, "Enter what was done", count=2)
        self.task.refresh_from_db()
        self.assertEqual(self.task.status, TaskStatus.OPEN)
        response = self.client.post(url, {"outcome": "Visited; address confirmed"})
        self.assertRedirects(response, reverse("task-inbox"))
        self.task.refresh_from_db()
        self.assertEqual(
            (self.task.status, self.task.outcome), (TaskStatus.DONE, "Visited; address confirmed")
        )
        history = self.task.history.first()
        self.assertEqual(
            (history.history_user, history.history_change_reason),
            (self.officer_a, "Visited; address confirmed"),
        )
        self.assert_not_found(self.client.get(url))  # done: nothing more to do


class TeamViewTests(PagesTestCase):
    def test_counts_per_officer_in_a_fixed_number_of_queries(self) -> None:
        now = timezone.now()
        self.as_user(self.supervisor_a)
        # session, user, the one aggregate query, session save in a savepoint
        for rows in (1, 30):
            with self.subTest(rows=rows), self.assertNumQueries(7):
                response = self.client.get(reverse("task-team"))
            officers = {o.username: o for o in response.context["officers"]}
            self.assertIn("officer.a", officers)
            self.assertNotIn("vlo.a", officers)
            self.assertNotIn("officer.b", officers)
            if rows == 30:
                break
            for i in range(29):
                factories.staff(self.agency_a, Role.OFFENDER_MANAGER)
                nominal = self.person.nominal
                services.due_item_schedule(
                    actor=self.officer_a,
                    kind=DueKind.HOME_VISIT,
                    subject=_task(self.officer_a, nominal, title=f"T{i}"),
                    nominal=nominal,
                    due_at=now + dt.timedelta(days=2) if i % 2 else now - dt.timedelta(days=1),
                    title=f"Visit {i}",
                    owner=self.officer_a,
                    reason="Test",
                )
        scans.scan_overdue(now=now)
        officer = {
            o.username: o for o in self.client.get(reverse("task-team")).context["officers"]
        }["officer.a"]
        # Initial notification (due in 3 days) + 14 visits due in 2 days; 15 visits overdue.
        self.assertEqual((officer.due_soon, officer.overdue), (15, 15))
        self.assertEqual(
            officer.open_tasks, Task.objects.filter(owner=self.officer_a, status="open").count()
        )

    def test_a_supervisor_with_a_team_sees_that_team(self) -> None:
        team = Team.objects.create(agency=self.agency_a, name="Public protection unit")
        for user in (self.supervisor_a, self.coordinator_a):
            user.team = team
            user.save()
        self.as_user(self.supervisor_a)
        response = self.client.get(reverse("task-team"))
        names = {o.username for o in response.context["officers"]}
        self.assertEqual(names, {"supervisor.a", "coordinator.a"})
        self.assertContains(response, "Public protection unit")


class NominalPageTests(PagesTestCase):
    def url(self) -> str:
        return reverse("nominal-notifications", args=[self.person.nominal.pk])

    def test_shows_requirements_period_due_items_notifications_and_breaches(self) -> None:
        services.requirement_tailor(
            actor=self.officer_a,
            requirement_set=self.person.requirement_set,  # type: ignore[arg-type]
            item=item("dating_profiles"),
            tailoring=Tailoring.ADDED,
            approved_by=self.supervisor_a,
            reason="Met victims through dating sites",
        )
        received_at = timezone.now() - dt.timedelta(hours=1)
        services.notification_record(
            actor=self.officer_a,
            nominal=self.person.nominal,
            received_at=received_at,
            channel=NotificationChannel.IN_PERSON,
            station="Northmoor Central",
            identity_checked=True,
            items=["foreign_travel"],
            details="Flight to Malaga",
            departs_at=received_at + dt.timedelta(hours=30),
            late_reason="Booked at short notice",
        )
        self.as_user(self.officer_a)
        response = self.client.get(self.url())
        for text in (
            "Online dating profiles and dating-site bans",
            "Added for this person",
            "Met victims through dating sites",
            "Rule applied: SOA 2003 s.82 as applied: custody more than 6 months and less than 30 "
            "months → 10 years",
            "Initial notification",
            # Every deadline shows its rule and source.
            "SOA 2003 s.83(1): within 3 days beginning with registration",
            "Foreign travel",
            "Short notice",
            "Booked at short notice",
            "Seen at an address not notified",
            "Suspected",
        ):
            self.assertContains(response, text)
        log = AccessLog.objects.get(user=self.officer_a)
        self.assertEqual(
            (log.record_id, log.purpose),
            (str(self.person.nominal.pk), "Notification requirements viewed"),
        )

    def test_query_count_is_fixed_whatever_the_number_of_rows(self) -> None:
        self.as_user(self.officer_a)
        nominal = self.person.nominal
        # session, user, nominal, registration+set+period, set items, notifications, open and
        # closed due items, breaches, item labels, time disregarded, grant check, access-log
        # insert, session save in a savepoint
        for rows in (1, 30):
            with self.subTest(rows=rows), self.assertNumQueries(17):
                response = self.client.get(self.url())
            self.assertEqual(len(response.context["data"].breaches), rows)
            if rows == 30:
                break
            for i in range(29):
                services.notification_record(
                    actor=self.officer_a,
                    nominal=nominal,
                    received_at=timezone.now() - dt.timedelta(hours=i + 1),
                    channel=NotificationChannel.IN_PERSON,
                    station=f"Station {i}",
                    identity_checked=True,
                    # Full notifications: each meets the annual one and schedules the next.
                    items=["names", "date_of_birth", "ni_number", "main_address"],
                    details=f"Notification {i}",
                )
                services.breach_record(
                    actor=self.supervisor_a,
                    nominal=nominal,
                    requirement=item("bank_accounts"),
                    found_on=timezone.localdate(),
                    evidence=f"Evidence {i}",
                )
        self.assertGreaterEqual(len(response.context["data"].closed_due_items), 20)

    def test_a_person_not_registered(self) -> None:
        nominal = factories.nominal(self.officer_a, family_name="Unregistered")
        self.as_user(self.officer_a)
        response = self.client.get(reverse("nominal-notifications", args=[nominal.pk]))
        self.assertContains(response, "This person is not registered")

    def test_requirements_can_be_set_up_for_a_registration_without_them(self) -> None:
        person = register(self.officer_a, "Later", start=False)
        self.as_user(self.officer_a)
        page = self.client.get(reverse("nominal-notifications", args=[person.nominal.pk]))
        start = reverse("requirements-start", args=[person.nominal.pk])
        self.assertContains(page, start)
        response = self.client.post(start, {"conviction": person.index.pk})
        self.assertRedirects(response, reverse("nominal-notifications", args=[person.nominal.pk]))
        requirement_set = RequirementSet.objects.get(registration=person.registration)
        self.assertEqual(requirement_set.history.get().history_user, self.officer_a)
        self.assert_not_found(self.client.get(start))  # only once


class NotificationFormTests(PagesTestCase):
    def url(self) -> str:
        return reverse("notification-create", args=[self.person.nominal.pk])

    def test_errors_next_to_fields_and_nothing_saved(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            self.url(), {"received_on": "2026-02-30", "received_time": "25:99"}
        )
        self.assertContains(response, "There is a problem")
        for message in (
            "Date received must be a real date",
            "Time received must be a real time, like 14:30",
            "Enter the police station",
            "Select what was notified",
            "Enter what was notified",
        ):
            self.assertContains(response, message, count=2)
        self.assertContains(response, "govuk-input--error")
        self.assertFalse(Notification.objects.exists())

    def test_a_service_refusal_shows_next_to_its_field(self) -> None:
        self.as_user(self.officer_a)
        no_identity = self.notification_data()
        del no_identity["identity_checked"]
        response = self.client.post(self.url(), no_identity)
        self.assertContains(
            response, "Check the person&#x27;s identity before recording a notification", count=2
        )
        departs = timezone.localtime(timezone.now() + dt.timedelta(hours=25))
        travel = self.notification_data(
            items=["foreign_travel"],
            departs_on=departs.date().isoformat(),
            departs_time=departs.strftime("%H:%M"),
        )
        response = self.client.post(self.url(), travel)
        self.assertContains(response, "7 days&#x27; notice was not practicable", count=2)
        self.assertContains(response, 'id="id_late_reason_error"')
        self.assertFalse(Notification.objects.exists())

    def test_recording_meets_what_was_due(self) -> None:
        self.as_user(self.officer_a)
        form = self.client.get(self.url())
        self.assertContains(form, "Online dating profiles", count=0)  # not in the person's set
        self.assertContains(form, "Main address")
        self.assertEqual(
            AccessLog.objects.get(user=self.officer_a).purpose,
            "Opened the form to record a notification",
        )
        # One item notified does not meet the initial notification (SOA 2003 s.83(5))...
        self.client.post(self.url(), self.notification_data())
        self.assertEqual(_due(self.person).status, DueStatus.OPEN)
        # ...the full set does.
        full = ["names", "date_of_birth", "ni_number", "main_address"]
        response = self.client.post(self.url(), self.notification_data(items=full))
        self.assertRedirects(
            response,
            reverse("nominal-notifications", args=[self.person.nominal.pk]) + "#notifications",
            fetch_redirect_response=False,
        )
        notification = Notification.objects.order_by("created_at").last()
        assert notification is not None
        self.assertEqual(notification.channel, NotificationChannel.IN_PERSON)
        self.assertEqual(notification.history.get().history_user, self.officer_a)
        self.assertEqual(_due(self.person).status, DueStatus.MET)


class TailorFormTests(PagesTestCase):
    def url(self) -> str:
        return reverse("requirement-tailor", args=[self.person.nominal.pk])

    def test_needs_a_reason_and_an_approver(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            self.url(), {"item": item("household_child").pk, "tailoring": "dropped"}
        )
        self.assertContains(
            response, "Select the supervisor or MAPPA coordinator who approved the change", count=2
        )
        self.assertContains(response, "Enter why this person&#x27;s requirements differ", count=2)
        # The officer is not offered as an approver, and is refused if sent anyway.
        response = self.client.post(
            self.url(),
            {
                "item": item("household_child").pk,
                "tailoring": "dropped",
                "approved_by": self.officer_a.pk,
                "reason": "No children",
            },
        )
        self.assertContains(response, "Select one of the options for the approved by", count=2)
        self.assertFalse(RequirementSetItem.objects.exclude(tailoring=Tailoring.DEFAULT).exists())

    def test_tailoring_is_kept_with_who_and_why(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            self.url(),
            {
                "item": item("household_child").pk,
                "tailoring": "dropped",
                "approved_by": self.coordinator_a.pk,
                "reason": "Targets adult ex-partners only",
            },
        )
        self.assertEqual(response.status_code, 302)
        row = RequirementSetItem.objects.get(item__code="household_child")
        self.assertEqual((row.tailoring, row.approved_by), (Tailoring.DROPPED, self.coordinator_a))
        history = row.history.first()
        self.assertEqual(
            (history.history_user, history.history_change_reason),
            (self.officer_a, "Targets adult ex-partners only"),
        )

    def test_dropping_what_the_person_does_not_have_is_refused_next_to_the_item(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            self.url(),
            {
                "item": item("dating_profiles").pk,
                "tailoring": "dropped",
                "approved_by": self.supervisor_a.pk,
                "reason": "Not needed",
            },
        )
        self.assertContains(response, "This person does not have that requirement", count=2)
        self.assertContains(response, 'id="id_item_error"')


class BreachFormTests(PagesTestCase):
    def test_record_escalate_and_close(self) -> None:
        nominal = self.person.nominal
        self.as_user(self.officer_a)
        url = reverse("breach-create", args=[nominal.pk])
        bad = self.client.post(url, {"found_on": "2026-13-01"})
        for message in (
            "Select the requirement breached",
            "Date found must be a real date",
            "Describe the evidence of the breach",
        ):
            self.assertContains(bad, message, count=2)
        self.assertEqual(Breach.objects.count(), 1)
        response = self.client.post(
            url,
            {
                "requirement": item("bank_accounts").pk,
                "found_on": timezone.localdate().isoformat(),
                "evidence": "Joint account found on a warrant",
                "due_item": _due(self.person).pk,
            },
        )
        self.assertEqual(response.status_code, 302)
        breach = Breach.objects.get(requirement__code="bank_accounts")
        self.assertEqual(breach.due_item, _due(self.person))

        escalate = reverse("breach-escalate", args=[nominal.pk, breach.pk])
        self.assertContains(
            self.client.post(escalate, {"urgent_meeting": "on"}),
            "Enter why you are escalating the breach",
            count=2,
        )
        self.client.post(escalate, {"urgent_meeting": "on", "reason": "Victim moved nearby"})
        breach.refresh_from_db()
        self.assertEqual(breach.status, BreachStatus.ESCALATED)
        self.assertTrue(Task.objects.filter(owner=self.coordinator_a).exists())
        self.assertEqual(breach.history.first().history_change_reason, "Victim moved nearby")

        close = reverse("breach-close", args=[nominal.pk, breach.pk])
        response = self.client.post(
            close,
            {
                "outcome": "conviction",
                "outcome_on": timezone.localdate().isoformat(),
                "reason": "Convicted",
            },
        )
        self.assertContains(response, "Choose the conviction on the register", count=2)
        self.assertContains(response, 'id="id_conviction_error"')
        response = self.client.post(
            close,
            {
                "outcome": "charge",
                "outcome_on": timezone.localdate().isoformat(),
                "reason": "CPS authorised a charge",
            },
        )
        self.assertEqual(response.status_code, 302)
        breach.refresh_from_db()
        self.assertEqual((breach.status, breach.outcome), (BreachStatus.CLOSED, "charge"))
        history = breach.history.first()
        self.assertEqual(
            (history.history_user, history.history_change_reason),
            (self.officer_a, "CPS authorised a charge"),
        )
        self.assert_not_found(self.client.get(close))  # closed: nothing more to do


class WaiveTests(PagesTestCase):
    def test_waiving_asks_for_confirmation_and_a_reason(self) -> None:
        item_ = _due(self.person)
        url = reverse("due-item-waive", args=[self.person.nominal.pk, item_.pk])
        self.as_user(self.officer_a)
        page = self.client.get(url)
        self.assertContains(page, "Are you sure you want to waive this?")
        self.assertContains(page, "govuk-button--warning")
        self.assertContains(
            self.client.post(url, {"reason": ""}), "Enter why this is waived", count=2
        )
        item_.refresh_from_db()
        self.assertEqual(item_.status, DueStatus.OPEN)
        response = self.client.post(url, {"reason": "Detained in hospital under the MHA"})
        self.assertEqual(response.status_code, 302)
        item_.refresh_from_db()
        self.assertEqual(
            (item_.status, item_.waived_reason),
            (DueStatus.WAIVED, "Detained in hospital under the MHA"),
        )
        history = item_.history.first()
        self.assertEqual(
            (history.history_user, history.history_change_reason),
            (self.officer_a, "Detained in hospital under the MHA"),
        )
        self.assert_not_found(self.client.get(url))  # waived: no longer open
