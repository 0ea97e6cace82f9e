"""MAPPA pages: who may open them (404 otherwise, and nothing changes), fixed query counts,
forms with clear errors next to the field, reads logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from mappa import services
from mappa.models import (
    ArchiveReview,
    CaseStatus,
    HomeVisit,
    LevelChange,
    MappaCase,
    Meeting,
    MeetingAction,
    MeetingCase,
    PlanKind,
    PlanStatus,
    Referral,
    ReferralStatus,
    RiskManagementPlan,
    TerminationReason,
)
from notifications.models import DueItem
from register.models import AccessLog, Nominal, Role, StaffUser
from tests import factories
from tests.mappa.base import MappaTestCase, today
from tests.register_factories import stalking_conviction


class PagesTestCase(MappaTestCase):
    case: MappaCase
    meeting_: Meeting
    action: MeetingAction
    draft: RiskManagementPlan
    visit: HomeVisit
    referral: Referral
    ended: MappaCase
    archived: MappaCase
    other: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = cls.open_case(category=2, level=2)
        cls.meeting_ = cls.meeting(cls.case, held=True)
        cls.action = services.action_add(
            actor=cls.coordinator_a,
            meeting=cls.meeting_,
            case=cls.case,
            description="Check the exclusion zone",
            owner=cls.officer_a,
            due_on=today() + dt.timedelta(days=10),
        )
        cls.draft = cls.plan(cls.case, approve=False)
        cls.visit = services.visit_plan(
            actor=cls.officer_a,
            case=cls.case,
            planned_on=today() + dt.timedelta(days=3),
            reason="Planned",
        )
        cls.other = cls.person("Other")
        cls.referral = cls.refer(cls.other)
        ended_person = cls.person("Ended")
        cls.ended = cls.open_case(ended_person, category=2, level=1)
        cls.end_licence(ended_person)
        cls.plan(cls.ended, kind=PlanKind.CLOSING)
        services.case_terminate(
            actor=cls.officer_a,
            case=cls.ended,
            termination_reason=TerminationReason.LICENCE_ENDED,
            note="Licence expired",
        )
        archived_person = cls.person("Archived")
        cls.archived = cls.open_case(archived_person, category=2, level=1)
        cls.end_licence(archived_person)
        cls.plan(cls.archived, kind=PlanKind.CLOSING)
        services.case_terminate(
            actor=cls.officer_a,
            case=cls.archived,
            termination_reason=TerminationReason.LICENCE_ENDED,
            note="Licence expired",
        )
        services.case_archive(actor=cls.coordinator_a, case=cls.archived, reason="Closed")

    def snapshot(self) -> tuple[Any, ...]:
        return (
            MappaCase.objects.filter(status=CaseStatus.ACTIVE).count(),
            sorted(MappaCase.objects.values_list("level", "status")),
            LevelChange.objects.count(),
            Referral.objects.filter(status=ReferralStatus.PENDING).count(),
            Referral.objects.count(),
            RiskManagementPlan.objects.filter(status=PlanStatus.APPROVED).count(),
            RiskManagementPlan.objects.count(),
            HomeVisit.objects.count(),
            Meeting.objects.count(),
            sorted(Meeting.objects.values_list("minutes", flat=True)),
            MeetingCase.objects.count(),
            MeetingAction.objects.filter(status="open").count(),
            MeetingAction.objects.count(),
            ArchiveReview.objects.count(),
            DueItem.objects.count(),
        )


def _post_data() -> dict[str, dict[str, Any]]:
    day = (today() + dt.timedelta(days=20)).isoformat()
    past = today().isoformat()
    return {
        "refer": {"reason": "x", "proposed_category": "3", "proposed_level": "2"},
        "open": {"category": "1", "level": "1", "start_date": past, "reason": "x"},
        "decide": {"decision": "reject", "reason": "No"},
        "level": {"level": "3", "reason": "x"},
        "plan": {
            "kind": "ongoing",
            "supervision": "a",
            "monitoring_and_control": "b",
            "interventions_and_treatment": "c",
            "victim_safety_planning": "d",
            "review_on": day,
        },
        "approve": {"reason": "ok"},
        "visit plan": {"planned_on": day, "reason": "x"},
        "visit record": {"visited_on": past, "outcome": "Seen"},
        "terminate": {"termination_reason": "licence_ended", "note": "x"},
        "archive": {"archived_on": past, "reason": "x"},
        "archive review": {"reviewed_on": past, "decision": "retain", "rationale": "x"},
        "minutes": {"minutes": "Changed", "reason": "x"},
        "agenda": {"case": ""},
        "meeting case": {"plan_agreed": "x", "reason": "x"},
        "action": {"description": "x", "due_on": day},
        "close action": {"status": "done", "outcome": "x"},
        "schedule": {"scheduled_on": day, "scheduled_time": "10:00", "level": "2"},
    }


class AccessTests(PagesTestCase):
    """Every page: other agency and wrong roles get 404, and their POSTs change nothing."""

    def read_urls(self) -> dict[str, str]:
        return {
            "home": reverse("mappa-home"),
            "referrals": reverse("mappa-referrals"),
            "caseload": reverse("mappa-caseload"),
            "meetings": reverse("mappa-meetings"),
            "meeting": reverse("mappa-meeting", args=[self.meeting_.pk]),
            "nominal": reverse("nominal-mappa", args=[self.nominal.pk]),
        }

    def change_urls(self) -> dict[str, str]:
        row = self.meeting_.cases.get()
        return {
            "refer": reverse("mappa-referral-create", args=[self.nominal.pk]),
            "open": reverse("mappa-case-open", args=[self.other.pk]),
            "decide": reverse("mappa-referral-decide", args=[self.referral.pk]),
            "level": reverse("mappa-case-level", args=[self.case.pk]),
            "plan": reverse("mappa-plan-create", args=[self.case.pk]),
            "approve": reverse("mappa-plan-approve", args=[self.draft.pk]),
            "visit plan": reverse("mappa-visit-create", args=[self.case.pk]),
            "visit record": reverse("mappa-visit-record", args=[self.visit.pk]),
            "terminate": reverse("mappa-case-terminate", args=[self.case.pk]),
            "archive": reverse("mappa-case-archive", args=[self.ended.pk]),
            "archive review": reverse("mappa-archive-review", args=[self.archived.pk]),
            "minutes": reverse("mappa-meeting-minutes", args=[self.meeting_.pk]),
            "agenda": reverse("mappa-meeting-agenda", args=[self.meeting_.pk]),
            "meeting case": reverse("mappa-meeting-case", args=[self.meeting_.pk, row.pk]),
            "action": reverse("mappa-action-create", args=[self.meeting_.pk]),
            "close action": reverse("mappa-action-complete", args=[self.action.pk]),
            "schedule": reverse("mappa-meeting-create"),
        }

    def opener(self, name: str) -> StaffUser:
        if name in (
            "decide",
            "archive",
            "archive review",
            "minutes",
            "agenda",
            "meeting case",
            "action",
            "schedule",
            "referrals",
        ):
            return self.coordinator_a
        if name == "approve":
            return self.supervisor_a
        return self.officer_a

    def test_every_page_opens_for_the_right_user(self) -> None:
        for name, url in {**self.read_urls(), **self.change_urls()}.items():
            with self.subTest(name):
                self.as_user(self.opener(name))
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_other_agency_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        before = self.snapshot()
        data = _post_data()
        outsiders = [self.officer_b, self.coordinator_b, self.vlo_a, self.auditor, self.admin_b]
        for user in outsiders:
            self.as_user(user)
            for name, url in self.change_urls().items():
                if name == "schedule" and user == self.coordinator_b:
                    continue  # a coordinator schedules their own agency's meetings
                with self.subTest(user=user.username, page=name):
                    self.assert_not_found(self.client.get(url))
                    self.assert_not_found(self.client.post(url, data[name]))
            for name, url in self.read_urls().items():
                if user.has_role(Role.OFFENDER_MANAGER, Role.MAPPA_COORDINATOR) and name in (
                    "home",
                    "caseload",
                    "meetings",
                    "referrals",
                ):
                    continue  # their own (empty) lists
                with self.subTest(user=user.username, page=name):
                    self.assert_not_found(self.client.get(url))
        self.assertEqual(self.snapshot(), before)

    def test_other_agencys_lists_show_none_of_ours(self) -> None:
        for user in (self.officer_b, self.coordinator_b):
            self.as_user(user)
            for name in ("home", "caseload", "meetings"):
                with self.subTest(user=user.username, page=name):
                    response = self.client.get(self.read_urls()[name])
                    self.assertEqual(response.status_code, 200)
                    self.assertNotContains(response, "HARROW")
                    self.assertNotContains(response, "OTHER")
        self.assertEqual(
            self.client.get(reverse("mappa-meetings") + "?past=1").context["meetings"], []
        )

    def test_only_a_coordinator_of_the_agency_addressed_opens_the_decide_page(self) -> None:
        url = reverse("mappa-referral-decide", args=[self.referral.pk])
        for user in (self.officer_a, self.officer_a2, self.supervisor_a, self.coordinator_b):
            with self.subTest(user.username):
                self.as_user(user)
                self.assert_not_found(self.client.get(url))
                self.assert_not_found(
                    self.client.post(
                        url,
                        {
                            "decision": "accept",
                            "reason": "ok",
                            "responsible_manager": self.officer_a.pk,
                        },
                    )
                )
        self.assertEqual(Referral.objects.get(pk=self.referral.pk).status, ReferralStatus.PENDING)

    def test_the_author_cannot_open_the_approval_page(self) -> None:
        self.as_user(self.officer_a)
        self.assert_not_found(self.client.get(reverse("mappa-plan-approve", args=[self.draft.pk])))
        writer = factories.staff(self.agency_a, Role.SUPERVISOR)
        plan = self.plan(self.case, approve=False, author=writer)
        self.as_user(writer)
        self.assert_not_found(
            self.client.post(reverse("mappa-plan-approve", args=[plan.pk]), {"reason": "x"})
        )
        self.assertEqual(RiskManagementPlan.objects.get(pk=plan.pk).status, PlanStatus.DRAFT)

    def test_an_attending_agency_sees_the_meeting_but_not_cases_it_cannot_see(self) -> None:
        self.meeting_.attending_agencies.add(self.agency_b)
        self.as_user(self.officer_b)
        response = self.client.get(reverse("mappa-meeting", args=[self.meeting_.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"].withheld, 1)
        self.assertEqual(response.context["page"].cases, [])
        self.assertEqual(response.context["page"].actions, [])
        self.assertNotContains(response, "HARROW")
        self.assertContains(response, "1 case on the agenda is about people your agency cannot see")
        # Attending is not chairing: the agenda, minutes and actions stay the chair's.
        self.assert_not_found(
            self.client.post(
                reverse("mappa-meeting-minutes", args=[self.meeting_.pk]),
                {"minutes": "x", "reason": "x"},
            )
        )


class HappyPathTests(PagesTestCase):
    def test_refer_then_the_coordinator_accepts(self) -> None:
        person = self.person("Newman", cat2=False)
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("mappa-referral-create", args=[person.pk]),
            {
                "reason": "Escalating",
                "proposed_category": "3",
                "proposed_level": "2",
                "attachments": "OASys 2026-11\nPolice intel report",
            },
        )
        self.assertRedirects(response, reverse("nominal-mappa", args=[person.pk]) + "#referrals")
        referral = Referral.objects.get(nominal=person)
        self.assertEqual(referral.attachments, ["OASys 2026-11", "Police intel report"])
        self.as_user(self.coordinator_a)
        home = self.client.get(reverse("mappa-home"))
        self.assertIn(referral, home.context["queue"])
        response = self.client.post(
            reverse("mappa-referral-decide", args=[referral.pk]),
            {
                "decision": "accept",
                "reason": "Meets Category 3",
                "responsible_manager": self.officer_a.pk,
            },
        )
        self.assertRedirects(response, reverse("mappa-home"))
        case = MappaCase.objects.get(nominal=person)
        self.assertEqual((case.category, case.level), (3, 2))

    def test_level_change_page_records_it(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("mappa-case-level", args=[self.case.pk]), {"level": "3", "reason": "Threats"}
        )
        self.assertRedirects(response, reverse("nominal-mappa", args=[self.nominal.pk]))
        self.assertEqual(LevelChange.objects.get().reason, "Threats")

    def test_supervisor_approves_and_the_plan_is_in_force(self) -> None:
        self.as_user(self.supervisor_a)
        url = reverse("mappa-plan-approve", args=[self.draft.pk])
        self.assertRedirects(
            self.client.post(url, {"reason": "Agreed"}),
            reverse("nominal-mappa", args=[self.nominal.pk]) + "#plans",
        )
        self.assertEqual(
            RiskManagementPlan.objects.get(pk=self.draft.pk).status, PlanStatus.APPROVED
        )

    def test_meeting_scheduled_and_minuted(self) -> None:
        self.as_user(self.coordinator_a)
        response = self.client.post(
            reverse("mappa-meeting-create"),
            {
                "scheduled_on": (today() + dt.timedelta(days=5)).isoformat(),
                "scheduled_time": "10:00",
                "level": "3",
                "chair": self.coordinator_a.pk,
                "attending_agencies": [self.agency_b.pk],
            },
        )
        meeting = Meeting.objects.exclude(pk=self.meeting_.pk).get()
        self.assertRedirects(response, reverse("mappa-meeting", args=[meeting.pk]))
        self.assertEqual(list(meeting.attending_agencies.all()), [self.agency_b])
        self.assertEqual(meeting.scheduled_at.astimezone(dt.UTC).hour in (9, 10), True)

    def test_action_closed_by_its_owner(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("mappa-action-complete", args=[self.action.pk])
        self.client.post(url, {"status": "done", "outcome": "Checked"})
        self.assertEqual(MeetingAction.objects.get(pk=self.action.pk).status, "done")


class BadInputTests(PagesTestCase):
    def assert_error(self, response: Any, field: str, message: str) -> None:
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        # The message as shown; an ending's refusal goes on to quote its source, so the start
        # of the message is what is compared for those.
        shown = form.errors.get(field, [])
        self.assertTrue(any(e == message or e.startswith(message) for e in shown), form.errors)
        self.assertContains(response, "There is a problem")
        self.assertContains(response, f'id="id_{field}_error"')

    def test_every_form_puts_a_clear_message_next_to_the_field_and_saves_nothing(self) -> None:
        before = self.snapshot()
        row = self.meeting_.cases.get()
        held_on = timezone.localtime(self.meeting_.scheduled_at).date()
        checks: list[tuple[StaffUser, str, dict[str, Any], str, str]] = [
            (
                self.officer_a,
                reverse("mappa-referral-create", args=[self.nominal.pk]),
                {"reason": "x", "proposed_category": "3", "proposed_level": "1"},
                "proposed_level",
                "Category 3 cases are managed at Level 2 or 3 only: a Category 3 case needs multi-agency management",
            ),
            (
                self.officer_a,
                reverse("mappa-referral-create", args=[self.nominal.pk]),
                {"reason": "", "proposed_category": "3", "proposed_level": "2"},
                "reason",
                "Enter why you are referring this person",
            ),
            (
                self.officer_a,
                reverse("mappa-case-open", args=[self.other.pk]),
                {
                    "category": "2",
                    "level": "1",
                    "start_date": today().isoformat(),
                    "reason": "x",
                    "responsible_manager": self.officer_b.pk,
                },
                "responsible_manager",
                "Select one of the options for the responsible manager",
            ),
            (
                self.officer_a,
                reverse("mappa-case-open", args=[self.nominal.pk]),
                {
                    "category": "1",
                    "level": "1",
                    "start_date": today().isoformat(),
                    "reason": "x",
                    "responsible_manager": self.officer_a.pk,
                },
                "category",
                "This person already has an active MAPPA case: change its level instead",
            ),
            (
                self.coordinator_a,
                reverse("mappa-referral-decide", args=[self.referral.pk]),
                {"decision": "accept", "reason": "ok"},
                "responsible_manager",
                "Choose the responsible manager",
            ),
            (
                self.coordinator_a,
                reverse("mappa-referral-decide", args=[self.referral.pk]),
                {
                    "decision": "accept",
                    "reason": "ok",
                    "level": "1",
                    "responsible_manager": self.officer_a.pk,
                },
                "level",
                "Category 3 cases are managed at Level 2 or 3 only: a Category 3 case needs multi-agency management",
            ),
            (
                self.officer_a,
                reverse("mappa-case-level", args=[self.case.pk]),
                {"level": "2", "reason": "x"},
                "level",
                "The case is already at Level 2",
            ),
            (
                self.officer_a,
                reverse("mappa-plan-create", args=[self.case.pk]),
                {
                    "kind": "ongoing",
                    "supervision": "a",
                    "monitoring_and_control": "b",
                    "interventions_and_treatment": "c",
                    "victim_safety_planning": "d",
                    "review_on": today().isoformat(),
                },
                "review_on",
                "The review date must be in the future",
            ),
            (
                self.officer_a,
                reverse("mappa-visit-create", args=[self.case.pk]),
                {"planned_on": "2020-01-01", "reason": "x"},
                "planned_on",
                "The planned date cannot be in the past",
            ),
            (
                self.officer_a,
                reverse("mappa-visit-record", args=[self.visit.pk]),
                {"visited_on": (today() + dt.timedelta(days=1)).isoformat(), "outcome": "x"},
                "visited_on",
                "The date of the visit cannot be in the future",
            ),
            (
                self.officer_a,
                reverse("mappa-case-terminate", args=[self.case.pk]),
                {"termination_reason": "meeting_decided", "note": "x"},
                "termination_reason",
                "A Category 2 case ends only when the licence or order has ended, or on a death, "
                "removal from the UK or transfer. Source: ",
            ),
            (
                self.officer_a,
                reverse("mappa-case-terminate", args=[self.case.pk]),
                {"termination_reason": "licence_ended", "note": "x"},
                "termination_reason",
                'A Category 2 case ends as "the licence or order has ended" only when the records '
                "show it: Stalking: 18 months' custody (12 months or more); no licence or order end "
                "date is recorded on the conviction",
            ),
            (
                self.coordinator_a,
                reverse("mappa-case-archive", args=[self.ended.pk]),
                {"archived_on": (today() + dt.timedelta(days=1)).isoformat(), "reason": "x"},
                "archived_on",
                "The archive date must be between the termination and today",
            ),
            (
                self.coordinator_a,
                reverse("mappa-archive-review", args=[self.archived.pk]),
                {"reviewed_on": today().isoformat(), "decision": "retain", "rationale": ""},
                "rationale",
                "Enter the reasons for the decision",
            ),
            (
                self.coordinator_a,
                reverse("mappa-meeting-minutes", args=[self.meeting_.pk]),
                {"minutes": "", "reason": "x"},
                "minutes",
                "Enter the minutes",
            ),
            (
                self.coordinator_a,
                reverse("mappa-meeting-case", args=[self.meeting_.pk, row.pk]),
                {
                    "plan_agreed": "x",
                    "next_review_on": (held_on + dt.timedelta(weeks=20)).isoformat(),
                    "reason": "x",
                },
                "next_review_on",
                f"At Level 2 the next review must be by {held_on + dt.timedelta(weeks=16):%d %b %Y}",
            ),
            (
                self.coordinator_a,
                reverse("mappa-meeting-agenda", args=[self.meeting_.pk]),
                {"case": ""},
                "case",
                "Select the case",
            ),
            (
                self.coordinator_a,
                reverse("mappa-action-create", args=[self.meeting_.pk]),
                {
                    "case": self.case.pk,
                    "description": "x",
                    "owner": self.officer_a.pk,
                    "due_on": "2001-01-01",
                },
                "due_on",
                "The due date cannot be before the meeting",
            ),
            (
                self.supervisor_a,
                reverse("mappa-plan-approve", args=[self.draft.pk]),
                {"reason": ""},
                "reason",
                "Enter the reason for this change",
            ),
            (
                self.officer_a,
                reverse("mappa-action-complete", args=[self.action.pk]),
                {"status": "done", "outcome": ""},
                "outcome",
                "Enter what was done",
            ),
            (
                self.coordinator_a,
                reverse("mappa-meeting-create"),
                {
                    "scheduled_on": "2026-02-30",
                    "scheduled_time": "10:00",
                    "level": "2",
                    "chair": self.coordinator_a.pk,
                },
                "scheduled_on",
                "Date must be a real date",
            ),
        ]
        for user, url, data, field, message in checks:
            with self.subTest(url=url, field=field):
                self.as_user(user)
                self.assert_error(self.client.post(url, data), field, message)
        self.assertEqual(self.snapshot(), before)


class QueryCountTests(PagesTestCase):
    """Pinned query counts that do not grow with the rows shown."""

    def test_nominal_mappa_page(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("nominal-mappa", args=[self.nominal.pk])
        # session, user, nominal, cases, level changes, plans, visits, meetings, actions,
        # archive reviews, referrals, due items, the Category 3 consideration, eligibility
        # (convictions, registration with its period, active Category 4 case), grant check,
        # access-log insert, task badge, session save in a savepoint
        for rows in (1, 12):
            with self.subTest(rows=rows), self.assertNumQueries(22):
                response = self.client.get(url)
            self.assertEqual(len(response.context["data"].visits), rows)
            if rows == 12:
                break
            for i in range(11):
                services.visit_record(
                    actor=self.officer_a, case=self.case, visited_on=today(), outcome=f"Seen {i}"
                )
                services.case_change_level(
                    actor=self.officer_a,
                    case=self.case,
                    level=3 if i % 2 == 0 else 2,
                    reason=f"r{i}",
                )
                self.plan(self.case, approve=False)
                services.action_add(
                    actor=self.coordinator_a,
                    meeting=self.meeting_,
                    case=self.case,
                    description=f"Action {i}",
                    owner=self.officer_a2,
                    due_on=today(),
                )

    def test_meeting_page(self) -> None:
        self.as_user(self.coordinator_a)
        url = reverse("mappa-meeting", args=[self.meeting_.pk])
        # session, user, meeting, cases (with visibility), actions, attending agencies,
        # access-log insert, task badge, session save in a savepoint
        for rows in (1, 8):
            with self.subTest(rows=rows), self.assertNumQueries(11):
                response = self.client.get(url)
            self.assertEqual(len(response.context["page"].cases), rows)
            if rows == 8:
                break
            for i in range(7):
                person = self.person(f"Many{i}")
                case = self.open_case(person, category=2, level=2)
                services.meeting_add_case(
                    actor=self.coordinator_a, meeting=self.meeting_, case=case, reason="x"
                )
                services.action_add(
                    actor=self.coordinator_a,
                    meeting=self.meeting_,
                    case=case,
                    description=f"A{i}",
                    owner=self.officer_a,
                    due_on=today(),
                )
                self.meeting_.attending_agencies.add(factories.agency())

    def test_caseload_page(self) -> None:
        self.as_user(self.supervisor_a)
        url = reverse("mappa-caseload")
        # session, user, the one aggregate query, task badge, session save in a savepoint
        for rows in (1, 10):
            with self.subTest(rows=rows), self.assertNumQueries(7):
                response = self.client.get(url)
            totals = {r["manager"].username: r["manager"].total for r in response.context["rows"]}
            self.assertEqual(totals["officer.a"], 1 if rows == 1 else 10)
            if rows == 10:
                break
            for i in range(9):
                self.open_case(self.person(f"Load{i}"), category=1, level=1)
                factories.staff(self.agency_a, Role.OFFENDER_MANAGER)

    def test_referral_queue(self) -> None:
        self.as_user(self.coordinator_a)
        url = reverse("mappa-home")
        # session, user, queue, prompts count and page, access-log insert, task badge,
        # session save in a savepoint
        for rows in (1, 10):
            with self.subTest(rows=rows), self.assertNumQueries(10):
                response = self.client.get(url)
            self.assertEqual(len(response.context["queue"]), rows)
            if rows == 10:
                break
            for i in range(9):
                self.refer(self.person(f"Queue{i}"))

    def test_lists_of_referrals_meetings_and_an_officers_own_cases(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        pages = {
            # session, user, decided referrals count and page (with nominal, agencies, people),
            # access-log insert, task badge, session save in a savepoint
            (self.coordinator_a, reverse("mappa-referrals")): 9,
            # session, user, meetings count and page (with chair and cases counted), task badge,
            # session save in a savepoint
            (self.coordinator_a, reverse("mappa-meetings")): 8,
            # session, user, the officer's cases, access-log insert, task badge, session save
            # in a savepoint
            (self.officer_a, reverse("mappa-home")): 8,
        }
        counts: dict[str, list[int]] = {}
        for added in (1, 6):  # one of each, then six more: the counts must not move
            for i in range(added):
                person = self.person(f"List{added}{i}")
                referral = self.refer(person)
                services.referral_decide(
                    actor=self.coordinator_a,
                    referral=referral,
                    accept=False,
                    reason="Single-agency management is enough",
                )
                self.meeting(self.open_case(person, category=2, level=2))
            for user, url in pages:
                self.as_user(user)
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.client.get(url).status_code, 200)
                counts.setdefault(f"{user.username} {url}", []).append(len(queries))
        self.assertEqual(
            counts,
            {f"{u.username} {url}": [n, n] for (u, url), n in pages.items()},
        )


class CaseloadAndPromptTests(PagesTestCase):
    def test_over_the_guide_is_marked(self) -> None:
        self.as_user(self.supervisor_a)
        from django.test import override_settings

        with override_settings(MAPPA_CASELOAD_GUIDE_MAX=0):
            response = self.client.get(reverse("mappa-caseload"))
        row = next(r for r in response.context["rows"] if r["manager"] == self.officer_a)
        self.assertEqual([(c.count, c.limit) for c in row["over"]], [(1, 0)])
        self.assertContains(response, "Over the guide")
        self.as_user(self.officer_a2)
        response = self.client.get(reverse("mappa-caseload"))
        self.assertEqual([r["manager"] for r in response.context["rows"]], [self.officer_a2])

    def test_category_3_prompt_lists_da_and_stalking_nominals_without_an_active_case(self) -> None:
        unmanaged = self.person("Unmanaged")
        no_offence = factories.nominal(self.officer_a, family_name="Clean")
        self.as_user(self.coordinator_a)
        response = self.client.get(reverse("mappa-home"))
        prompts = list(response.context["prompts"].object_list)
        names = {n.family_name for n in prompts}
        self.assertIn(unmanaged.family_name, names)
        self.assertIn("Other", names)  # referred, awaiting a decision: still shown, flagged
        self.assertNotIn(self.nominal.family_name, names)  # Category 2, active
        self.assertNotIn(no_offence.family_name, names)
        self.assertTrue(next(n for n in prompts if n.family_name == "Other").referral_pending)
        self.assertContains(response, "Consider for Category 3")
        stalking_conviction(self.officer_a, no_offence, dt.date(2025, 1, 1))
        self.assertIn(
            "Clean",
            {
                n.family_name
                for n in self.client.get(reverse("mappa-home")).context["prompts"].object_list
            },
        )

    def test_rejected_referrals_are_reportable(self) -> None:
        services.referral_decide(
            actor=self.coordinator_a, referral=self.referral, accept=False, reason="Not enough"
        )
        self.as_user(self.coordinator_a)
        response = self.client.get(reverse("mappa-referrals") + "?status=rejected")
        self.assertEqual([r.pk for r in response.context["referrals"]], [self.referral.pk])
        self.assertContains(response, "Not enough")

    def test_reads_are_logged(self) -> None:
        self.as_user(self.officer_a)
        self.client.get(reverse("nominal-mappa", args=[self.nominal.pk]))
        log = AccessLog.objects.filter(user=self.officer_a, record_id=str(self.nominal.pk)).latest(
            "pk"
        )
        self.assertEqual(log.purpose, "MAPPA section viewed")
        self.as_user(self.coordinator_a)
        self.client.get(reverse("mappa-meeting", args=[self.meeting_.pk]))
        self.assertTrue(
            AccessLog.objects.filter(
                user=self.coordinator_a, purpose="MAPP meeting page", record_id=str(self.nominal.pk)
            ).exists()
        )


class HistoryTests(PagesTestCase):
    def test_every_change_is_in_history_with_who_and_why(self) -> None:
        from django.apps import apps

        services.case_change_level(actor=self.officer_a, case=self.case, level=3, reason="Threats")
        services.archive_review_record(
            actor=self.coordinator_a, case=self.archived, decision="retain", rationale="Keep"
        )
        services.category_3_consideration_record(
            actor=self.supervisor_a,
            case=self.case,
            considered=True,
            outcome="not_needed",
            rationale="Level 1 management will do once the licence ends",
        )
        checked = 0
        for model in apps.get_app_config("mappa").get_models():
            history = getattr(model, "history", None)
            if (
                history is None
                or not hasattr(model, "_meta")
                or model.__name__.startswith("Historical")
            ):
                continue
            rows = list(history.all())
            if model._meta.auto_created:
                continue
            with self.subTest(model.__name__):
                self.assertTrue(rows, f"{model.__name__} has no history")
                self.assertTrue(all(r.history_user_id for r in rows), model.__name__)
                self.assertTrue(all(r.history_change_reason for r in rows), model.__name__)
                checked += 1
        self.assertGreaterEqual(checked, 9)


class SchemaTests(PagesTestCase):
    def test_the_endpoints_are_in_the_openapi_schema(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.get(reverse("api-schema"))
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        for path in (
            "/api/v1/mappa/cases/",
            "/api/v1/mappa/cases/{case_id}/plans/",
            "/api/v1/mappa/cases/{case_id}/visits/",
            "/api/v1/mappa/referrals/{referral_id}/decision/",
            "/api/v1/mappa/meetings/{meeting_id}/actions/",
            "/api/v1/mappa/actions/{action_id}/",
            "/api/v1/mappa/plans/{plan_id}/approval/",
        ):
            with self.subTest(path):
                self.assertIn(path, body)
