"""MAPPA services: the rules enforced in the service and the database, due items, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from mappa import rules, services
from mappa.models import (
    ActionStatus,
    ArchiveDecision,
    CaseStatus,
    Category3Consideration,
    ConsiderationOutcome,
    LevelChange,
    MappaCase,
    MeetingAction,
    MeetingCase,
    PlanKind,
    PlanStatus,
    Referral,
    ReferralStatus,
    RiskManagementPlan,
    TerminationReason,
)
from notifications import rules as due_rules
from notifications import scans
from notifications.models import DueItem, DueKind, DueStatus, Task, TaskStatus
from register import events
from register.errors import DomainError
from tests.mappa.base import REASON, MappaTestCase, today


def due_items(subject: Any, kind: str, status: str | None = None) -> list[DueItem]:
    items = DueItem.objects.filter(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
    )
    if status:
        items = items.filter(status=status)
    return list(items)


def open_due(subject: Any, kind: str) -> DueItem:
    items = [i for i in due_items(subject, kind) if i.status in ("open", "overdue")]
    assert len(items) == 1, items
    return items[0]


class CaseOpenTests(MappaTestCase):
    def test_every_invalid_category_and_level_is_refused_with_a_clear_message(self) -> None:
        cases = [
            (3, 1, "Category 3 cases are managed at Level 2 or 3 only"),
            (0, 1, "Choose a MAPPA category from 1 to 4"),
            (5, 2, "Choose a MAPPA category from 1 to 4"),
            (1, 0, "Choose a MAPPA level from 1 to 3"),
            (2, 4, "Choose a MAPPA level from 1 to 3"),
        ]
        for category, level, message in cases:
            with self.subTest(category=category, level=level):
                with self.assertRaises(DomainError) as caught:
                    self.open_case(category=category, level=level)
                self.assertIn(message, caught.exception.message)
        self.assertFalse(MappaCase.objects.exists())

    def test_the_database_refuses_category_3_at_level_1(self) -> None:
        case = self.open_case(category=1, level=1)
        with self.assertRaises(IntegrityError), transaction.atomic():
            MappaCase.objects.filter(pk=case.pk).update(category=3)
        with self.assertRaises(IntegrityError), transaction.atomic():
            MappaCase.objects.filter(pk=case.pk).update(level=4)

    def test_one_active_case_per_nominal_in_the_service_and_the_database(self) -> None:
        case = self.open_case(category=1, level=1)
        with self.assertRaises(DomainError) as caught:
            self.open_case(category=4, level=1)
        self.assertIn("already has an active MAPPA case", caught.exception.message)
        copy = MappaCase.objects.get(pk=case.pk)
        copy.pk = None
        copy.id = None  # type: ignore[assignment]
        with self.assertRaises(IntegrityError), transaction.atomic():
            MappaCase.objects.bulk_create(
                [
                    MappaCase(
                        **{
                            f.attname: getattr(case, f.attname)
                            for f in MappaCase._meta.concrete_fields
                            if f.attname != "id"
                        }
                    )
                ]
            )

    def test_category_3_only_through_an_accepted_referral(self) -> None:
        with self.assertRaises(DomainError) as caught:
            self.open_case(category=3, level=2)
        self.assertIn("accepting a referral", caught.exception.message)
        self.assertEqual(caught.exception.field, "category")

    def test_category_2_needs_a_specified_offence_with_12_months_custody(self) -> None:
        short = self.person("Short", cat2=False)
        with self.assertRaises(DomainError) as caught:
            self.open_case(short, category=2, level=1)
        self.assertIn("Not eligible for Category 2", caught.exception.message)
        case = self.open_case(category=2, level=1)
        self.assertIn("18 months' custody", case.eligibility_note)

    def test_the_manager_must_be_casework_staff_of_the_lead_agency(self) -> None:
        for manager in (self.officer_b, self.vlo_a):
            with self.subTest(manager.username), self.assertRaises(DomainError) as caught:
                self.open_case(manager=manager)
            self.assertEqual(caught.exception.field, "responsible_manager")

    def test_opening_at_level_2_schedules_the_first_meeting_in_20_working_days(self) -> None:
        start = today() - dt.timedelta(days=3)
        case = self.open_case(start_date=start)
        item = open_due(case, DueKind.MAPPA_MEETING)
        self.assertEqual(item.due_at, due_rules.end_of_day(rules.first_meeting_due(start)))
        self.assertEqual(item.owner, self.officer_a)
        self.assertEqual(open_due(case, DueKind.HOME_VISIT).owner, self.officer_a)

    def test_history_records_who_and_why(self) -> None:
        case = self.open_case()
        record = case.history.latest()  # type: ignore[attr-defined]
        self.assertEqual(record.history_user, self.officer_a)
        self.assertEqual(record.history_change_reason, REASON)


class LevelChangeTests(MappaTestCase):
    def setUp(self) -> None:
        self.heard: list[events.SafetyChange] = []
        events.listen(self.heard.append)
        self.addCleanup(events.stop_listening, self.heard.append)

    def test_records_who_when_why_and_tells_the_listeners(self) -> None:
        case = self.open_case(category=2, level=1)
        self.assertEqual(due_items(case, DueKind.MAPPA_MEETING), [])
        services.case_change_level(actor=self.officer_a, case=case, level=3, reason="Threats")
        change = LevelChange.objects.get(case=case)
        self.assertEqual((change.from_level, change.to_level), (1, 3))
        self.assertEqual((change.changed_by, change.reason), (self.officer_a, "Threats"))
        latest = MappaCase.objects.get(pk=case.pk).history.latest()  # type: ignore[attr-defined]
        self.assertEqual((latest.level, latest.history_user), (3, self.officer_a))
        self.assertEqual(latest.history_change_reason, "Threats")
        [heard] = self.heard
        self.assertEqual(heard.kind, events.SafetyChangeKind.MAPPA_LEVEL)
        self.assertEqual(
            heard.summary, f"MAPPA level changed from 1 to 3 on {timezone.localdate():%d %b %Y}"
        )
        # Level 3: reviewed at least every 8 weeks.
        item = open_due(case, DueKind.MAPPA_MEETING)
        self.assertEqual(item.due_at, due_rules.end_of_day(today() + dt.timedelta(weeks=8)))

    def test_a_sooner_meeting_due_is_not_pushed_back(self) -> None:
        case = self.open_case(category=2, level=2, start_date=today())
        first = open_due(case, DueKind.MAPPA_MEETING).due_at
        services.case_change_level(actor=self.officer_a, case=case, level=3, reason="Threats")
        self.assertEqual(open_due(case, DueKind.MAPPA_MEETING).due_at, first)

    def test_back_to_level_1_closes_the_meeting_due(self) -> None:
        case = self.open_case(category=2, level=2)
        services.case_change_level(actor=self.officer_a, case=case, level=1, reason="Reduced")
        [item] = due_items(case, DueKind.MAPPA_MEETING)
        self.assertEqual(item.status, DueStatus.WAIVED)

    def test_category_3_cannot_go_to_level_1_and_nothing_changes(self) -> None:
        case = self.cat3_case()
        with self.assertRaises(DomainError) as caught:
            services.case_change_level(actor=self.officer_a, case=case, level=1, reason="x")
        self.assertIn("Category 3 cases are managed at Level 2 or 3 only", caught.exception.message)
        self.assertEqual(MappaCase.objects.get(pk=case.pk).level, 2)
        self.assertFalse(LevelChange.objects.exists())
        self.assertEqual(self.heard, [])

    def test_same_level_and_missing_reason_are_refused(self) -> None:
        case = self.open_case(level=2)
        with self.assertRaises(DomainError):
            services.case_change_level(actor=self.officer_a, case=case, level=2, reason="x")
        with self.assertRaises(DomainError) as caught:
            services.case_change_level(actor=self.officer_a, case=case, level=3, reason=" ")
        self.assertEqual(caught.exception.field, "reason")


class ReferralTests(MappaTestCase):
    def test_only_a_coordinator_of_the_agency_addressed_decides(self) -> None:
        referral = self.refer()
        for user in (self.officer_a, self.supervisor_a, self.coordinator_b):
            with self.subTest(user.username), self.assertRaises(DomainError) as caught:
                services.referral_decide(
                    actor=user,
                    referral=referral,
                    accept=True,
                    reason="ok",
                    responsible_manager=self.officer_a,
                )
            self.assertIn("Only a MAPPA coordinator", caught.exception.message)
        self.assertEqual(Referral.objects.get().status, ReferralStatus.PENDING)
        self.assertFalse(MappaCase.objects.exists())

    def test_acceptance_opens_the_case_and_the_first_meeting_falls_due(self) -> None:
        referral = self.refer(self.cat3_person)
        referral = services.referral_decide(
            actor=self.coordinator_a,
            referral=referral,
            accept=True,
            reason="Meets Category 3",
            responsible_manager=self.officer_a,
        )
        case = referral.case
        assert case is not None
        self.assertEqual((case.category, case.level, case.status), (3, 2, CaseStatus.ACTIVE))
        self.assertEqual(referral.decided_by, self.coordinator_a)
        item = open_due(case, DueKind.MAPPA_MEETING)
        self.assertEqual(item.due_at, due_rules.end_of_day(rules.first_meeting_due(today())))

    def test_rejected_referrals_are_kept_with_the_reason(self) -> None:
        referral = self.refer()
        with self.assertRaises(DomainError) as caught:
            services.referral_decide(
                actor=self.coordinator_a, referral=referral, accept=False, reason=""
            )
        self.assertEqual(caught.exception.field, "reason")
        services.referral_decide(
            actor=self.coordinator_a, referral=referral, accept=False, reason="Level 1 suffices"
        )
        kept = Referral.objects.get(pk=referral.pk)
        self.assertEqual(kept.status, ReferralStatus.REJECTED)
        self.assertEqual(kept.decision_reason, "Level 1 suffices")
        self.assertFalse(MappaCase.objects.exists())
        with self.assertRaises(DomainError):
            services.referral_decide(
                actor=self.coordinator_a,
                referral=referral,
                accept=True,
                reason="Changed mind",
                responsible_manager=self.officer_a,
            )

    def test_proposed_category_3_at_level_1_is_refused(self) -> None:
        with self.assertRaises(DomainError) as caught:
            self.refer(proposed_category=3, proposed_level=1)
        self.assertEqual(caught.exception.field, "proposed_level")
        self.assertFalse(Referral.objects.exists())

    def test_a_second_pending_referral_is_refused(self) -> None:
        self.refer()
        with self.assertRaises(DomainError):
            self.refer()


class PlanTests(MappaTestCase):
    def test_a_plan_is_not_in_force_until_approved(self) -> None:
        case = self.open_case()
        plan = self.plan(case, approve=False)
        self.assertEqual(plan.status, PlanStatus.DRAFT)
        self.assertIsNone(services._plan_in_force(case))
        self.assertEqual(due_items(case, DueKind.PLAN_REVIEW), [])
        services.plan_approve(actor=self.supervisor_a, plan=plan, reason="Agreed")
        self.assertEqual(services._plan_in_force(case), plan)
        item = open_due(case, DueKind.PLAN_REVIEW)
        self.assertEqual(item.due_at, due_rules.end_of_day(plan.review_on))

    def test_the_author_cannot_approve_nor_other_roles_or_agencies(self) -> None:
        case = self.open_case()
        plan = self.plan(case, approve=False, author=self.supervisor_a)
        for user in (self.supervisor_a, self.officer_a2, self.coordinator_b):
            with self.subTest(user.username), self.assertRaises(DomainError):
                services.plan_approve(actor=user, plan=plan, reason="ok")
        self.assertEqual(RiskManagementPlan.objects.get().status, PlanStatus.DRAFT)
        services.plan_approve(actor=self.coordinator_a, plan=plan, reason="ok")

    def test_the_database_refuses_an_author_approving(self) -> None:
        plan = self.plan(self.open_case(), approve=False)
        with self.assertRaises(IntegrityError), transaction.atomic():
            RiskManagementPlan.objects.filter(pk=plan.pk).update(
                status=PlanStatus.APPROVED, approved_by=self.officer_a, approved_at=timezone.now()
            )

    def test_a_new_version_supersedes_the_one_in_force(self) -> None:
        case = self.open_case()
        first = self.plan(case)
        second = self.plan(case)
        self.assertEqual(second.version, 2)
        self.assertEqual(RiskManagementPlan.objects.get(pk=first.pk).status, PlanStatus.SUPERSEDED)

    def test_sections_are_required(self) -> None:
        with self.assertRaises(DomainError) as caught:
            self.plan(self.open_case(), approve=False, supervision=" ")
        self.assertEqual(caught.exception.field, "supervision")


class TerminationTests(MappaTestCase):
    def test_refused_without_a_reason_valid_for_the_category(self) -> None:
        case = self.open_case(category=2, level=2)
        self.plan(case, kind=PlanKind.CLOSING)
        for reason in (TerminationReason.NOTIFICATION_ENDED, TerminationReason.MEETING_DECIDED, ""):
            with self.subTest(reason), self.assertRaises(DomainError) as caught:
                services.case_terminate(
                    actor=self.officer_a, case=case, termination_reason=reason, note="Ended"
                )
            self.assertEqual(caught.exception.field, "termination_reason")
        self.assertEqual(MappaCase.objects.get(pk=case.pk).status, CaseStatus.ACTIVE)

    def test_refused_without_an_approved_closing_plan(self) -> None:
        case = self.open_case(category=2, level=1)
        self.end_licence(self.nominal)
        self.plan(case, kind=PlanKind.CLOSING, approve=False)
        with self.assertRaises(DomainError) as caught:
            services.case_terminate(
                actor=self.officer_a,
                case=case,
                termination_reason=TerminationReason.LICENCE_ENDED,
                note="Licence expired",
            )
        self.assertIn("closing risk management plan", caught.exception.message)
        self.assertEqual(MappaCase.objects.get(pk=case.pk).status, CaseStatus.ACTIVE)

    def test_category_3_ends_only_on_a_meeting_that_discussed_it(self) -> None:
        case = self.cat3_case()
        self.plan(case, kind=PlanKind.CLOSING)
        with self.assertRaises(DomainError) as caught:
            services.case_terminate(
                actor=self.officer_a,
                case=case,
                termination_reason=TerminationReason.MEETING_DECIDED,
                note="Reduced",
            )
        self.assertEqual(caught.exception.field, "meeting")
        not_held = self.meeting(case)
        with self.assertRaises(DomainError):
            services.case_terminate(
                actor=self.officer_a,
                case=case,
                meeting=not_held,
                termination_reason=TerminationReason.MEETING_DECIDED,
                note="Reduced",
            )
        held = self.meeting(case, held=True)
        # Regression (issue 10, finding 6): a held meeting that decided nothing about the risk
        # does not end the case; its recorded outcome must say the risk has reduced.
        with self.assertRaises(DomainError) as caught:
            services.case_terminate(
                actor=self.officer_a,
                case=case,
                meeting=held,
                termination_reason=TerminationReason.MEETING_DECIDED,
                note="Reduced",
            )
        self.assertEqual(caught.exception.field, "meeting")
        self.assertIn("does not say the risk has reduced", caught.exception.message)
        services.meeting_case_outcome(
            actor=self.coordinator_a,
            row=MeetingCase.objects.get(meeting=held, case=case),
            plan_agreed="Risk reduced: no longer needs multi-agency management",
            next_review_on=None,
            reason="Agreed at the meeting",
            risk_reduced=True,
        )
        services.case_terminate(
            actor=self.officer_a,
            case=case,
            meeting=held,
            termination_reason=TerminationReason.MEETING_DECIDED,
            note="Risk reduced",
        )
        case.refresh_from_db()
        self.assertEqual(case.status, CaseStatus.TERMINATED)
        self.assertEqual(case.termination_meeting, held)
        self.assertEqual(
            [i.status for i in due_items(case, DueKind.MAPPA_MEETING)].count(DueStatus.WAIVED), 1
        )
        self.assertEqual(due_items(case, DueKind.HOME_VISIT)[-1].status, DueStatus.WAIVED)


class ArchiveTests(MappaTestCase):
    def terminated(self) -> MappaCase:
        case = self.open_case(category=2, level=1)
        self.end_licence(self.nominal)
        self.plan(case, kind=PlanKind.CLOSING)
        return services.case_terminate(
            actor=self.officer_a,
            case=case,
            termination_reason=TerminationReason.LICENCE_ENDED,
            note="Licence expired",
        )

    def test_archive_reviews_at_2_years_then_every_10(self) -> None:
        case = self.terminated()
        with self.assertRaises(DomainError):
            services.case_archive(actor=self.officer_a, case=case, reason="Closed")
        archived_on = today()
        services.case_archive(actor=self.coordinator_a, case=case, reason="Closed")
        first = rules.add_years(archived_on, 2)
        item = open_due(case, DueKind.ARCHIVE_REVIEW)
        self.assertEqual(item.due_at, due_rules.end_of_day(first))
        review = services.archive_review_record(
            actor=self.coordinator_a,
            case=case,
            decision=ArchiveDecision.RETAIN,
            rationale="Still relevant to current risk",
        )
        self.assertEqual((review.number, review.due_on), (1, first))
        # Regression (finding 11): every 10 years from the archive date, not from the review.
        self.assertEqual(review.next_due_on, rules.add_years(archived_on, 10))
        item = open_due(case, DueKind.ARCHIVE_REVIEW)
        self.assertEqual(item.due_at, due_rules.end_of_day(rules.add_years(archived_on, 10)))
        self.assertEqual(len(due_items(case, DueKind.ARCHIVE_REVIEW, DueStatus.MET)), 1)

    def test_leap_day_archive(self) -> None:
        case = self.terminated()
        MappaCase.objects.filter(pk=case.pk).update(terminated_on=dt.date(2024, 2, 29))
        case.refresh_from_db()
        services.case_archive(
            actor=self.coordinator_a, case=case, reason="Closed", archived_on=dt.date(2024, 2, 29)
        )
        item = open_due(case, DueKind.ARCHIVE_REVIEW)
        self.assertEqual(item.due_at, due_rules.end_of_day(dt.date(2026, 2, 28)))
        review = services.archive_review_record(
            actor=self.coordinator_a, case=case, decision=ArchiveDecision.RETAIN, rationale="Keep"
        )
        self.assertEqual(review.next_due_on, dt.date(2034, 2, 28))

    def test_dispose_ends_the_reviews(self) -> None:
        case = self.terminated()
        services.case_archive(actor=self.coordinator_a, case=case, reason="Closed")
        services.archive_review_record(
            actor=self.coordinator_a,
            case=case,
            decision=ArchiveDecision.DISPOSE,
            rationale="No longer needed",
        )
        self.assertEqual(
            [i.status for i in due_items(case, DueKind.ARCHIVE_REVIEW)], [DueStatus.MET]
        )

    def test_only_archived_cases_and_coordinators_review(self) -> None:
        case = self.terminated()
        with self.assertRaises(DomainError):
            services.archive_review_record(
                actor=self.coordinator_a, case=case, decision=ArchiveDecision.RETAIN, rationale="x"
            )
        services.case_archive(actor=self.coordinator_a, case=case, reason="Closed")
        with self.assertRaises(DomainError):
            services.archive_review_record(
                actor=self.supervisor_a, case=case, decision=ArchiveDecision.RETAIN, rationale="x"
            )


class Category3ConsiderationTests(MappaTestCase):
    def test_due_before_a_cat_2_level_2_case_ends_moves_and_closes(self) -> None:
        ends_on = today() + dt.timedelta(days=400)
        case = self.open_case(category=2, level=2, ends_on=ends_on)
        item = open_due(case, DueKind.CATEGORY_3_CONSIDERATION)
        self.assertEqual(item.due_at, due_rules.end_of_day(rules.add_months(ends_on, -3)))
        services.case_change_level(actor=self.officer_a, case=case, level=1, reason="Reduced")
        self.assertEqual(
            [i.status for i in due_items(case, DueKind.CATEGORY_3_CONSIDERATION)],
            [DueStatus.WAIVED],
        )
        services.case_change_level(actor=self.officer_a, case=case, level=2, reason="Raised")
        open_due(case, DueKind.CATEGORY_3_CONSIDERATION)
        referral = self.refer(proposed_category=3, proposed_level=2)
        self.assertEqual(
            sorted(i.status for i in due_items(case, DueKind.CATEGORY_3_CONSIDERATION)),
            [DueStatus.MET, DueStatus.WAIVED],
        )
        # Closed by a recorded decision (finding 6), never silently.
        recorded = Category3Consideration.objects.get(case=case)
        self.assertEqual(
            (recorded.considered, recorded.outcome, recorded.decided_by, recorded.referral),
            (True, ConsiderationOutcome.REFER, self.officer_a, referral),
        )

    def test_none_at_level_1(self) -> None:
        case = self.open_case(category=2, level=1, ends_on=today() + dt.timedelta(days=400))
        self.assertEqual(due_items(case, DueKind.CATEGORY_3_CONSIDERATION), [])


class MeetingActionVisitTests(MappaTestCase):
    def test_action_due_item_appears_and_closes(self) -> None:
        case = self.open_case()
        meeting = self.meeting(case, held=True)
        action = services.action_add(
            actor=self.coordinator_a,
            meeting=meeting,
            case=case,
            description="Check the exclusion zone",
            owner=self.officer_a2,
            due_on=today() + dt.timedelta(days=14),
        )
        item = open_due(action, DueKind.MAPPA_ACTION)
        self.assertEqual(item.owner, self.officer_a2)
        services.action_complete(actor=self.officer_a2, action=action, outcome="Checked")
        self.assertEqual(MeetingAction.objects.get().status, ActionStatus.DONE)
        self.assertEqual(due_items(action, DueKind.MAPPA_ACTION)[0].status, DueStatus.MET)

    def test_minutes_move_the_meeting_due_to_the_cadence(self) -> None:
        case = self.open_case(level=2)
        meeting = self.meeting(case, held=True)
        held_on = timezone.localtime(meeting.scheduled_at).date()
        item = open_due(case, DueKind.MAPPA_MEETING)
        self.assertEqual(item.due_at, due_rules.end_of_day(held_on + dt.timedelta(weeks=16)))
        row = meeting.cases.get()
        with self.assertRaises(DomainError) as caught:
            services.meeting_case_outcome(
                actor=self.coordinator_a,
                row=row,
                plan_agreed="Plan v1",
                next_review_on=held_on + dt.timedelta(weeks=17),
                reason="Agreed",
            )
        self.assertEqual(caught.exception.field, "next_review_on")
        services.meeting_case_outcome(
            actor=self.coordinator_a,
            row=row,
            plan_agreed="Plan v1",
            next_review_on=held_on + dt.timedelta(weeks=6),
            reason="Agreed",
        )
        item = open_due(case, DueKind.MAPPA_MEETING)
        self.assertEqual(item.due_at, due_rules.end_of_day(held_on + dt.timedelta(weeks=6)))

    def test_only_coordinators_schedule_level_2_or_3_meetings(self) -> None:
        with self.assertRaises(DomainError):
            services.meeting_schedule(
                actor=self.officer_a, chair=self.officer_a, scheduled_at=timezone.now(), level=2
            )
        with self.assertRaises(DomainError) as caught:
            services.meeting_schedule(
                actor=self.coordinator_a,
                chair=self.coordinator_a,
                scheduled_at=timezone.now(),
                level=1,
            )
        self.assertEqual(caught.exception.field, "level")

    def test_visit_due_moves_with_each_visit_by_the_plan(self) -> None:
        case = self.open_case()
        self.plan(case, visit_every_days=10)
        visit = services.visit_plan(
            actor=self.officer_a,
            case=case,
            planned_on=today() + dt.timedelta(days=2),
            reason="Planned",
        )
        item = open_due(case, DueKind.HOME_VISIT)
        self.assertEqual(item.due_at, due_rules.end_of_day(visit.planned_on))
        services.visit_record(
            actor=self.officer_a,
            case=case,
            visit=visit,
            visited_on=today(),
            outcome="Seen at home",
            concerns="",
        )
        item = open_due(case, DueKind.HOME_VISIT)
        self.assertEqual(item.due_at, due_rules.end_of_day(today() + dt.timedelta(days=10)))

    def test_overdue_mappa_item_becomes_a_task_in_the_owners_inbox(self) -> None:
        case = self.open_case()
        item = open_due(case, DueKind.MAPPA_MEETING)
        scans.scan_overdue(now=item.due_at + dt.timedelta(minutes=1))
        task = Task.objects.get(due_item=item)
        self.assertEqual((task.owner, task.status), (self.officer_a, TaskStatus.OPEN))
        self.assertEqual(DueItem.objects.get(pk=item.pk).status, DueStatus.OVERDUE)
