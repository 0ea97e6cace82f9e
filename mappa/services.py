"""Every write in MAPPA: keyword-only, atomic, recording who acted and why.

Dates the app creates become due items through notifications.services (no scheduler
of our own): the next meeting, each action, the plan review, the next home visit,
the archive review and the Category 3 consideration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from mappa import conf, rules
from mappa.models import (
    ActionStatus,
    ArchiveDecision,
    ArchiveReview,
    CaseStatus,
    Category3Consideration,
    ConsiderationOutcome,
    HomeVisit,
    LevelChange,
    MappaCase,
    Meeting,
    MeetingAction,
    MeetingCase,
    MeetingStatus,
    PlanKind,
    PlanStatus,
    Referral,
    ReferralStatus,
    RiskManagementPlan,
    VisitStatus,
)
from notifications import rules as due_rules
from notifications import services as due
from notifications.models import DueItem, DueKind, DueStatus
from register import access, events
from register import rules as register_rules
from register.audit import save_with_history, system_actor
from register.errors import DomainError
from register.models import Agency, Conviction, Decision, Nominal, Registration, Role, StaffUser
from register.services.common import full_clean, require_reason

APPROVER_ROLES = (Role.SUPERVISOR, Role.MAPPA_COORDINATOR)


def _today() -> dt.date:
    return timezone.localdate()


def _case_link(case: MappaCase) -> str:
    return reverse("nominal-mappa", args=[case.nominal_id])


def _save(instance: object, *, actor: StaffUser, reason: str, exclude: Sequence[str] = ()) -> None:
    full_clean(instance, exclude=exclude)
    save_with_history(instance, actor=actor, reason=reason)  # type: ignore[type-var]


def _require_casework(user: StaffUser | None, field: str, what: str) -> StaffUser:
    if (
        user is None
        or not user.is_active
        or user.is_api_client
        or not any(r in access.CASEWORK_ROLES for r in user.roles)
    ):
        raise DomainError(f"Choose a member of staff who can be {what}", field=field)
    return user


def is_coordinator_of(user: StaffUser, agency_id: int) -> bool:
    return user.has_role(Role.MAPPA_COORDINATOR) and user.agency_id == agency_id


# Category and level -------------------------------------------------------------------


def _check_level(category: int | None, level: int | None, field: str = "level") -> None:
    problem = rules.level_problem(category, level)
    if problem:
        bad_field = "category" if category not in rules.CATEGORIES else field
        raise DomainError(problem, field=bad_field)


def conviction_facts(nominal: Nominal) -> list[rules.ConvictionFacts]:
    """The register's convictions, cautions and findings as the MAPPA rules read them."""
    rows = list(Conviction.objects.filter(nominal=nominal).select_related("offence"))
    # Consecutive terms count as one term of their total, as the register reads them.
    terms = register_rules.aggregate_terms(
        {
            str(c.pk): (c.sentence_days, str(c.consecutive_to_id) if c.consecutive_to_id else None)
            for c in rows
        }
    )
    return [
        rules.ConvictionFacts(
            offence=c.offence.title,
            cat2_specified=c.offence.mappa_cat2_specified,
            disposal=c.disposal,
            sentence_type=c.sentence_type,
            sentence_days=terms[str(c.pk)],
            licence_end=c.licence_end,
            sentence_text=c.term_text,
        )
        for c in rows
    ]


def category_2_outcome(nominal: Nominal) -> rules.Outcome:
    """Category 2 eligibility from the offence catalogue flags and the sentences recorded."""
    return rules.category_2_eligibility(conviction_facts(nominal))


def notification_facts(nominal: Nominal) -> rules.NotificationFacts | None:
    """The current registration (else the latest that ended) and its notification period."""
    registration = (
        Registration.objects.filter(nominal=nominal, decision=Decision.REGISTER)
        .select_related("notification_period")
        .order_by(F("ended_on").desc(nulls_first=True), "-decided_on", "-created_at")
        .first()
    )
    if registration is None:
        return None
    period = getattr(registration, "notification_period", None)
    return rules.NotificationFacts(
        registration_current=registration.is_current,
        registration_ended_on=registration.ended_on,
        period_recorded=period is not None,
        period_ends_on=period.ends_on if period else None,
        period_indefinite=bool(period and period.indefinite),
    )


def category_3_outcome(
    nominal: Nominal,
    on: dt.date | None = None,
    convictions: list[rules.ConvictionFacts] | None = None,
) -> rules.Outcome:
    """Whether Category 3 is open to this person on `on`: a conviction, caution or finding on
    record and no Category 1, 2 or 4 (rules.category_3_entry)."""
    on = on or _today()
    if convictions is None:
        convictions = conviction_facts(nominal)
    return rules.category_3_entry(
        rules.Category3Facts(
            disposals=tuple(c.disposal for c in convictions),
            category_1=rules.category_1_current(notification_facts(nominal), on),
            category_2=rules.category_2_current(convictions, on),
            category_4=MappaCase.objects.filter(
                nominal=nominal, status=CaseStatus.ACTIVE, category=4
            ).exists(),
        )
    )


def _schedule_case_dates(*, actor: StaffUser, case: MappaCase, reason: str) -> None:
    """The Category 3 consideration before a Cat 1/2/4 Level 2/3 case ends (or none)."""
    considered = rules.category_3_consideration_due(
        case.category, case.level, case.ends_on, conf.get("CATEGORY_3_MONTHS_BEFORE_END")
    )
    recorded = Category3Consideration.objects.filter(case=case).exists()
    if considered is not None and case.status == CaseStatus.ACTIVE and not recorded:
        due.due_item_schedule(
            actor=actor,
            kind=DueKind.CATEGORY_3_CONSIDERATION,
            subject=case,
            nominal=case.nominal,
            due_at=due_rules.end_of_day(considered),
            title=f"Consider for MAPPA Category 3 before the case ends on {case.ends_on:%d %b %Y}",
            owner=case.responsible_manager,
            reason=reason,
            link=_case_link(case),
        )
    elif not recorded and case.status == CaseStatus.ACTIVE:
        # Only while the case is active: an ended case's item closes by a recorded decision.
        due.due_items_close(
            actor=actor,
            kinds=[DueKind.CATEGORY_3_CONSIDERATION],
            subject=case,
            status=DueStatus.WAIVED,
            reason=reason,
            waived_reason="No longer needed: the case is at Level 1 or has no end date",
        )


def _schedule_meeting(
    *, actor: StaffUser, case: MappaCase, on: dt.date | None, reason: str
) -> None:
    if case.level in rules.MULTI_AGENCY_LEVELS and on is not None:
        due.due_item_schedule(
            actor=actor,
            kind=DueKind.MAPPA_MEETING,
            subject=case,
            nominal=case.nominal,
            due_at=due_rules.end_of_day(on),
            title=f"Level {case.level} MAPP meeting",
            owner=case.responsible_manager,
            reason=reason,
            link=_case_link(case),
        )
    elif case.level not in rules.MULTI_AGENCY_LEVELS:
        due.due_items_close(
            actor=actor,
            kinds=[DueKind.MAPPA_MEETING],
            subject=case,
            status=DueStatus.WAIVED,
            reason=reason,
            waived_reason="Level 1: managed by a single agency, no MAPP meeting",
        )


def _plan_in_force(case: MappaCase) -> RiskManagementPlan | None:
    return RiskManagementPlan.objects.filter(case=case, status=PlanStatus.APPROVED).first()


def _schedule_visit(*, actor: StaffUser, case: MappaCase, after: dt.date, reason: str) -> dt.date:
    plan = _plan_in_force(case)
    on = rules.next_visit_due(
        after,
        case.nominal.current_risk_level,
        plan.visit_every_days if plan else None,
        conf.get("VISIT_DAYS_BY_RISK"),
    )
    due.due_item_schedule(
        actor=actor,
        kind=DueKind.HOME_VISIT,
        subject=case,
        nominal=case.nominal,
        due_at=due_rules.end_of_day(on),
        title="MAPPA home visit",
        owner=case.responsible_manager,
        reason=reason,
        link=_case_link(case),
    )
    return on


@transaction.atomic
def case_open(
    *,
    actor: StaffUser,
    nominal: Nominal,
    category: int,
    level: int,
    responsible_manager: StaffUser | None,
    start_date: dt.date,
    reason: str,
    visor_reference: str = "",
    ends_on: dt.date | None = None,
    referral: Referral | None = None,
) -> MappaCase:
    """Open a MAPPA case. Category 3 comes only through a referral a coordinator accepted."""
    reason = require_reason(reason)
    _check_level(category, level)
    if category == 3 and referral is None:
        raise DomainError(
            "Category 3 cases are opened by a MAPPA coordinator accepting a referral: refer "
            "the person instead",
            field="category",
        )
    note = ""
    if category == 2:
        outcome = rules.category_2_current(conviction_facts(nominal), start_date)
        if not outcome.eligible:
            raise DomainError(outcome.shown, field="category")
        note = rules.category_2_eligibility(conviction_facts(nominal)).shown
    if category == 3:
        outcome = category_3_outcome(nominal, start_date)
        if not outcome.eligible:
            raise DomainError(outcome.shown, field="category")
        note = outcome.shown
    manager = _require_casework(responsible_manager, "responsible_manager", "responsible manager")
    if manager.agency_id != nominal.lead_agency_id:
        raise DomainError(
            "The responsible manager must work for the lead agency", field="responsible_manager"
        )
    if start_date > _today():
        raise DomainError("The start date cannot be in the future", field="start_date")
    if ends_on is not None and ends_on < start_date:
        raise DomainError("The end date must be after the start date", field="ends_on")
    if MappaCase.objects.filter(nominal=nominal, status=CaseStatus.ACTIVE).exists():
        raise DomainError(
            "This person already has an active MAPPA case: change its level instead",
            field="category",
        )
    case = MappaCase(
        nominal=nominal,
        category=category,
        level=level,
        lead_agency_id=nominal.lead_agency_id,
        responsible_manager=manager,
        start_date=start_date,
        visor_reference=visor_reference.strip(),
        ends_on=ends_on,
        eligibility_note=note,
    )
    full_clean(case)
    try:
        with transaction.atomic():
            save_with_history(case, actor=actor, reason=reason)
    except IntegrityError as exc:  # a case opened at the same moment
        raise DomainError("This person already has an active MAPPA case", field="category") from exc
    if level in rules.MULTI_AGENCY_LEVELS:
        _schedule_meeting(
            actor=actor,
            case=case,
            on=rules.first_meeting_due(
                start_date, conf.get("FIRST_MEETING_WORKING_DAYS"), conf.get("BANK_HOLIDAYS")
            ),
            reason="First MAPP meeting within 20 working days",
        )
    _schedule_case_dates(actor=actor, case=case, reason=reason)
    _schedule_visit(actor=actor, case=case, after=start_date, reason="First home visit")
    return case


@transaction.atomic
def case_change_level(*, actor: StaffUser, case: MappaCase, level: int, reason: str) -> MappaCase:
    """Change the level, recording who, when and why, and tell the victims app."""
    reason = require_reason(reason)
    case = MappaCase.objects.select_for_update().select_related("nominal").get(pk=case.pk)
    if case.status != CaseStatus.ACTIVE:
        raise DomainError("Only an active case can change level")
    _check_level(case.category, level)
    if level == case.level:
        raise DomainError(f"The case is already at Level {level}", field="level")
    old = case.level
    case.level = level
    full_clean(case)
    save_with_history(case, actor=actor, reason=reason)
    now = timezone.now()
    change = LevelChange(
        case=case, from_level=old, to_level=level, changed_by=actor, changed_at=now, reason=reason
    )
    _save(change, actor=actor, reason=reason)
    # Into multi-agency management: a meeting is due by the level's cadence, or sooner if one
    # already is (a first meeting after referral is not pushed back by a level change).
    next_on = rules.next_review_due(_today(), level, conf.get("REVIEW_WEEKS"))
    already = (
        DueItem.objects.filter(
            kind=DueKind.MAPPA_MEETING,
            subject_type=ContentType.objects.get_for_model(MappaCase),
            subject_id=str(case.pk),
            status__in=[DueStatus.OPEN, DueStatus.OVERDUE],
        )
        .values_list("due_at", flat=True)
        .first()
    )
    if already is not None and next_on is not None:
        next_on = min(next_on, due_rules.london_date(already))
    _schedule_meeting(actor=actor, case=case, on=next_on, reason=reason)
    _schedule_case_dates(actor=actor, case=case, reason=reason)
    events.safety_change(
        actor=actor,
        nominal=case.nominal,
        kind=events.SafetyChangeKind.MAPPA_LEVEL,
        summary=f"MAPPA level changed from {old} to {level} on "
        f"{timezone.localtime(now).date():%d %b %Y}",
        at=now,
        subject=case,
        subject_type="mappa_case",
        data={"from_level": old, "to_level": level, "category": case.category},
    )
    return case


# Referrals ---------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    actor: StaffUser,
    nominal: Nominal,
    reason: str,
    proposed_category: int,
    proposed_level: int,
    attachments: Iterable[str] = (),
    addressed_to: Agency | None = None,
) -> Referral:
    """Any agency may refer; the coordinator of the agency addressed (the lead agency) decides."""
    if not (reason or "").strip():
        raise DomainError("Enter why the person is referred", field="reason")
    _check_level(proposed_category, proposed_level, field="proposed_level")
    if Referral.objects.filter(nominal=nominal, status=ReferralStatus.PENDING).exists():
        raise DomainError(
            "A referral for this person is already awaiting a decision", field="reason"
        )
    target = addressed_to or nominal.lead_agency
    if target.pk != nominal.lead_agency_id and "view" not in access.agency_actions(
        nominal, target.pk
    ):
        raise DomainError("Choose an agency that holds this person's record", field="addressed_to")
    referral = Referral(
        nominal=nominal,
        referring_agency_id=actor.agency_id,
        referred_by=actor,
        addressed_to=target,
        reason=reason.strip(),
        proposed_category=proposed_category,
        proposed_level=proposed_level,
        attachments=[a.strip() for a in attachments if a and a.strip()],
    )
    _save(referral, actor=actor, reason="MAPPA referral made")
    if proposed_category == 3:
        active = MappaCase.objects.filter(nominal=nominal, status=CaseStatus.ACTIVE).first()
        if (
            active is not None
            and active.category != 3
            and active.level in rules.MULTI_AGENCY_LEVELS
            and not Category3Consideration.objects.filter(case=active).exists()
        ):
            # Referring is itself the decision: it is recorded, with the referral's reasons.
            _record_consideration(
                actor=actor,
                case=active,
                considered=True,
                outcome=ConsiderationOutcome.REFER,
                rationale=referral.reason,
                decided_on=_today(),
                referral=referral,
            )
    return referral


@transaction.atomic
def referral_decide(
    *,
    actor: StaffUser,
    referral: Referral,
    accept: bool,
    reason: str,
    responsible_manager: StaffUser | None = None,
    category: int | None = None,
    level: int | None = None,
    visor_reference: str = "",
    ends_on: dt.date | None = None,
) -> Referral:
    """A MAPPA coordinator of the agency addressed accepts (opening the case) or rejects."""
    if not is_coordinator_of(actor, referral.addressed_to_id):
        raise DomainError("Only a MAPPA coordinator of the agency addressed can decide a referral")
    referral = Referral.objects.select_for_update().select_related("nominal").get(pk=referral.pk)
    if referral.status != ReferralStatus.PENDING:
        raise DomainError("This referral has already been decided")
    if not (reason or "").strip():
        raise DomainError(
            "Enter why the referral is accepted"
            if accept
            else "Enter why the referral is rejected",
            field="reason",
        )
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.REJECTED
    referral.decided_by, referral.decided_at = actor, timezone.now()
    referral.decision_reason = reason.strip()
    if accept:
        referral.case = case_open(
            actor=actor,
            nominal=referral.nominal,
            category=category or referral.proposed_category,
            level=level or referral.proposed_level,
            responsible_manager=responsible_manager,
            start_date=_today(),
            visor_reference=visor_reference,
            ends_on=ends_on,
            reason=f"Referral accepted: {reason.strip()}",
            referral=referral,
        )
    _save(referral, actor=actor, reason=f"Referral {referral.get_status_display().lower()}")
    return referral


# Meetings and actions ---------------------------------------------------------------------


def _meeting_case_ok(case: MappaCase) -> None:
    if case.status != CaseStatus.ACTIVE or case.level not in rules.MULTI_AGENCY_LEVELS:
        raise DomainError(
            "Only active Level 2 or 3 cases are discussed at MAPP meetings", field="case"
        )


@transaction.atomic
def meeting_schedule(
    *,
    actor: StaffUser,
    chair: StaffUser | None,
    scheduled_at: dt.datetime,
    level: int,
    attending_agencies: Iterable[Agency] = (),
    cases: Iterable[MappaCase] = (),
    reason: str = "MAPP meeting scheduled",
) -> Meeting:
    """Coordinators schedule Level 2/3 meetings, chaired by their agency."""
    if not actor.has_role(Role.MAPPA_COORDINATOR):
        raise DomainError("Only a MAPPA coordinator can schedule a MAPP meeting")
    if level not in rules.MULTI_AGENCY_LEVELS:
        raise DomainError("MAPP meetings are for Level 2 or 3", field="level")
    if timezone.is_naive(scheduled_at):
        raise DomainError("Enter the time with its time zone", field="scheduled_at")
    chair = _require_casework(chair, "chair", "the chair")
    if chair.agency_id != actor.agency_id:
        raise DomainError("The chair must work for your agency", field="chair")
    meeting = Meeting(
        chair_agency_id=actor.agency_id, chair=chair, scheduled_at=scheduled_at, level=level
    )
    _save(meeting, actor=actor, reason=require_reason(reason))
    agencies = [a for a in attending_agencies if a.pk != actor.agency_id]
    if agencies:
        meeting.attending_agencies.set(agencies)
    for case in cases:
        meeting_add_case(actor=actor, meeting=meeting, case=case, reason="Case on the agenda")
    return meeting


@transaction.atomic
def meeting_add_case(
    *, actor: StaffUser, meeting: Meeting, case: MappaCase, reason: str
) -> MeetingCase:
    _meeting_case_ok(case)
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError("This meeting was cancelled")
    if MeetingCase.objects.filter(meeting=meeting, case=case).exists():
        raise DomainError("This case is already on the agenda", field="case")
    row = MeetingCase(meeting=meeting, case=case)
    _save(row, actor=actor, reason=require_reason(reason))
    return row


@transaction.atomic
def meeting_record(*, actor: StaffUser, meeting: Meeting, minutes: str, reason: str) -> Meeting:
    """Record the minutes: the meeting is held, and each case's next review falls due."""
    if not (minutes or "").strip():
        raise DomainError("Enter the minutes of the meeting", field="minutes")
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError("This meeting was cancelled")
    if meeting.scheduled_at > timezone.now():
        raise DomainError(
            "Minutes can be recorded once the meeting has taken place", field="minutes"
        )
    meeting.minutes, meeting.status = minutes.strip(), MeetingStatus.HELD
    _save(meeting, actor=actor, reason=require_reason(reason))
    held_on = timezone.localtime(meeting.scheduled_at).date()
    for row in MeetingCase.objects.filter(meeting=meeting).select_related(
        "case__nominal", "case__responsible_manager"
    ):
        if row.next_review_on is None:
            row.next_review_on = rules.next_review_due(
                held_on, row.case.level, conf.get("REVIEW_WEEKS")
            )
            _save(row, actor=actor, reason="Next review by the level's cadence")
        _schedule_meeting(
            actor=actor, case=row.case, on=row.next_review_on, reason="Next MAPP meeting review"
        )
    return meeting


@transaction.atomic
def meeting_case_outcome(
    *,
    actor: StaffUser,
    row: MeetingCase,
    plan_agreed: str,
    next_review_on: dt.date | None,
    reason: str,
    risk_reduced: bool = False,
) -> MeetingCase:
    """The plan the meeting agreed for one case and its next review (at most the cadence), or
    its decision that the risk has reduced (what ends a Category 3 case: rules.CAT3_END_SOURCE)."""
    held_on = timezone.localtime(row.meeting.scheduled_at).date()
    latest = rules.next_review_due(held_on, row.case.level, conf.get("REVIEW_WEEKS"))
    if next_review_on is not None:
        if next_review_on <= held_on:
            raise DomainError("The next review must be after the meeting", field="next_review_on")
        if latest is not None and next_review_on > latest:
            raise DomainError(
                f"At Level {row.case.level} the next review must be by {latest:%d %b %Y}",
                field="next_review_on",
            )
    if risk_reduced and row.meeting.status != MeetingStatus.HELD:
        raise DomainError(
            "Record the minutes first: only a meeting that has been held decides",
            field="risk_reduced",
        )
    row.plan_agreed, row.next_review_on = plan_agreed.strip(), next_review_on or latest
    row.risk_reduced = bool(risk_reduced)
    _save(row, actor=actor, reason=require_reason(reason))
    if row.meeting.status == MeetingStatus.HELD:
        _schedule_meeting(
            actor=actor, case=row.case, on=row.next_review_on, reason="Next MAPP meeting review"
        )
    return row


@transaction.atomic
def action_add(
    *,
    actor: StaffUser,
    meeting: Meeting,
    case: MappaCase,
    description: str,
    owner: StaffUser | None,
    due_on: dt.date,
    reason: str = "Action set by the MAPP meeting",
) -> MeetingAction:
    if not (description or "").strip():
        raise DomainError("Enter what must be done", field="description")
    if not MeetingCase.objects.filter(meeting=meeting, case=case).exists():
        raise DomainError("Choose a case discussed at this meeting", field="case")
    owner = _require_casework(owner, "owner", "the action's owner")
    if due_on < timezone.localtime(meeting.scheduled_at).date():
        raise DomainError("The due date cannot be before the meeting", field="due_on")
    action = MeetingAction(
        meeting=meeting, case=case, description=description.strip(), owner=owner, due_on=due_on
    )
    _save(action, actor=actor, reason=require_reason(reason))
    due.due_item_schedule(
        actor=actor,
        kind=DueKind.MAPPA_ACTION,
        subject=action,
        nominal=case.nominal,
        due_at=due_rules.end_of_day(due_on),
        title=f"MAPP meeting action: {action.description[:200]}",
        owner=owner,
        reason=reason,
        link=reverse("mappa-meeting", args=[meeting.pk]),
    )
    return action


@transaction.atomic
def action_complete(
    *, actor: StaffUser, action: MeetingAction, outcome: str, status: str = ActionStatus.DONE
) -> MeetingAction:
    if action.status != ActionStatus.OPEN:
        raise DomainError("This action is already closed")
    if status not in (ActionStatus.DONE, ActionStatus.CANCELLED):
        raise DomainError("Choose done or cancelled", field="status")
    if not (outcome or "").strip():
        raise DomainError("Enter what was done", field="outcome")
    action.status, action.outcome, action.completed_at = status, outcome.strip(), timezone.now()
    _save(action, actor=actor, reason=outcome.strip())
    due.due_items_close(
        actor=actor,
        kinds=[DueKind.MAPPA_ACTION],
        subject=action,
        status=DueStatus.MET if status == ActionStatus.DONE else DueStatus.WAIVED,
        waived_reason="" if status == ActionStatus.DONE else outcome.strip(),
        reason="Action closed",
    )
    return action


# Risk management plans ------------------------------------------------------------------


@transaction.atomic
def plan_write(
    *,
    actor: StaffUser,
    case: MappaCase,
    supervision: str,
    monitoring_and_control: str,
    interventions_and_treatment: str,
    victim_safety_planning: str,
    review_on: dt.date,
    kind: str = PlanKind.ONGOING,
    visit_every_days: int | None = None,
    reason: str = "Risk management plan written",
) -> RiskManagementPlan:
    """A new version, awaiting approval: it is not in force until a supervisor approves it."""
    if case.status != CaseStatus.ACTIVE:
        raise DomainError("Plans are written for active cases")
    if review_on <= _today():
        raise DomainError("The review date must be in the future", field="review_on")
    last = RiskManagementPlan.objects.filter(case=case).aggregate(v=Max("version"))["v"] or 0
    plan = RiskManagementPlan(
        case=case,
        version=last + 1,
        kind=kind,
        supervision=(supervision or "").strip(),
        monitoring_and_control=(monitoring_and_control or "").strip(),
        interventions_and_treatment=(interventions_and_treatment or "").strip(),
        victim_safety_planning=(victim_safety_planning or "").strip(),
        review_on=review_on,
        visit_every_days=visit_every_days,
        author=actor,
    )
    _save(plan, actor=actor, reason=require_reason(reason))
    return plan


@transaction.atomic
def plan_approve(*, actor: StaffUser, plan: RiskManagementPlan, reason: str) -> RiskManagementPlan:
    """A supervisor or coordinator of the manager's agency, never the author, puts it in force."""
    reason = require_reason(reason)
    plan = (
        RiskManagementPlan.objects.select_for_update()
        .select_related("case__nominal", "case__responsible_manager")
        .get(pk=plan.pk)
    )
    case = plan.case
    if not actor.has_role(*APPROVER_ROLES) or actor.agency_id != case.responsible_manager.agency_id:
        raise DomainError(
            "A plan is approved by a supervisor or MAPPA coordinator of the manager's agency"
        )
    if plan.author_id == actor.pk:
        raise DomainError("You wrote this plan: another supervisor must approve it")
    if plan.status != PlanStatus.DRAFT:
        raise DomainError("This plan is not awaiting approval")
    if case.status != CaseStatus.ACTIVE:
        raise DomainError("The case has ended")
    for old in RiskManagementPlan.objects.filter(case=case, status=PlanStatus.APPROVED):
        old.status = PlanStatus.SUPERSEDED
        save_with_history(old, actor=actor, reason=f"Superseded by version {plan.version}")
    plan.status, plan.approved_by, plan.approved_at = PlanStatus.APPROVED, actor, timezone.now()
    _save(plan, actor=actor, reason=reason)
    due.due_item_schedule(
        actor=actor,
        kind=DueKind.PLAN_REVIEW,
        subject=case,
        nominal=case.nominal,
        due_at=due_rules.end_of_day(plan.review_on),
        title="Review the MAPPA risk management plan",
        owner=case.responsible_manager,
        reason="Plan approved: review date",
        link=_case_link(case),
    )
    if plan.visit_every_days:
        last = HomeVisit.objects.filter(case=case, status=VisitStatus.DONE).aggregate(
            d=Max("visited_on")
        )["d"]
        if not HomeVisit.objects.filter(case=case, status=VisitStatus.PLANNED).exists():
            _schedule_visit(
                actor=actor, case=case, after=last or _today(), reason="Plan's visit frequency"
            )
    return plan


# Home visits ------------------------------------------------------------------------------


@transaction.atomic
def visit_plan(*, actor: StaffUser, case: MappaCase, planned_on: dt.date, reason: str) -> HomeVisit:
    if case.status != CaseStatus.ACTIVE:
        raise DomainError("Visits are planned for active cases")
    if planned_on < _today():
        raise DomainError("The planned date cannot be in the past", field="planned_on")
    visit = HomeVisit(case=case, planned_on=planned_on)
    _save(visit, actor=actor, reason=require_reason(reason))
    due.due_item_schedule(
        actor=actor,
        kind=DueKind.HOME_VISIT,
        subject=case,
        nominal=case.nominal,
        due_at=due_rules.end_of_day(planned_on),
        title="MAPPA home visit (planned)",
        owner=case.responsible_manager,
        reason="Home visit planned",
        link=_case_link(case),
    )
    return visit


@transaction.atomic
def visit_record(
    *,
    actor: StaffUser,
    case: MappaCase,
    visited_on: dt.date,
    outcome: str,
    concerns: str = "",
    visit: HomeVisit | None = None,
    reason: str = "Home visit recorded",
) -> HomeVisit:
    """A visit done (a planned one, or unplanned): the next one falls due by the plan or risk."""
    if case.status != CaseStatus.ACTIVE:
        raise DomainError("Visits are recorded for active cases")
    if visited_on > _today():
        raise DomainError("The date of the visit cannot be in the future", field="visited_on")
    if not (outcome or "").strip():
        raise DomainError("Enter the outcome of the visit", field="outcome")
    if visit is not None and (visit.case_id != case.pk or visit.status != VisitStatus.PLANNED):
        raise DomainError("Choose a planned visit of this case", field="visit")
    visit = visit or HomeVisit(case=case, planned_on=visited_on)
    visit.status, visit.visited_on, visit.visited_by = VisitStatus.DONE, visited_on, actor
    visit.outcome, visit.concerns = outcome.strip(), (concerns or "").strip()
    _save(visit, actor=actor, reason=require_reason(reason))
    due.due_items_close(
        actor=actor, kinds=[DueKind.HOME_VISIT], subject=case, reason="Home visit done"
    )
    _schedule_visit(actor=actor, case=case, after=visited_on, reason="Next home visit")
    return visit


# Termination, archive and archive reviews --------------------------------------------------


def ending_facts(
    case: MappaCase,
    *,
    termination_reason: str,
    note: str,
    terminated_on: dt.date | None,
    meeting: Meeting | None,
) -> rules.EndingFacts:
    """What the ending rules need, read from the case and the register's records."""
    meeting_facts = None
    if meeting is not None:
        row = MeetingCase.objects.filter(meeting=meeting, case=case).first()
        meeting_facts = rules.MeetingFacts(
            held=meeting.status == MeetingStatus.HELD,
            level=meeting.level,
            discussed_case=row is not None,
            risk_reduced=bool(row and row.risk_reduced),
            held_on=timezone.localtime(meeting.scheduled_at).date(),
        )
    return rules.EndingFacts(
        category=case.category,
        level=case.level,
        reason=termination_reason,
        on=terminated_on,
        today=_today(),
        started_on=case.start_date,
        detail=note or "",
        notification=notification_facts(case.nominal) if case.category == 1 else None,
        convictions=tuple(conviction_facts(case.nominal)) if case.category == 2 else (),
        case_ends_on=case.ends_on,
        meeting=meeting_facts,
        closing_plan_approved=RiskManagementPlan.objects.filter(
            case=case, kind=PlanKind.CLOSING, status=PlanStatus.APPROVED
        ).exists(),
        category_3_recorded=Category3Consideration.objects.filter(case=case).exists(),
    )


@transaction.atomic
def case_terminate(
    *,
    actor: StaffUser,
    case: MappaCase,
    termination_reason: str,
    note: str,
    meeting: Meeting | None = None,
    terminated_on: dt.date | None = None,
) -> MappaCase:
    """End a case only when the records show its ending (rules.ending_problem: the category's
    own end checked against the recorded dates or meeting outcome, the Category 3
    consideration recorded, an approved closing plan), or on a death, removal or transfer."""
    case = MappaCase.objects.select_for_update().select_related("nominal").get(pk=case.pk)
    if case.status != CaseStatus.ACTIVE:
        raise DomainError("This case has already ended")
    facts = ending_facts(
        case,
        termination_reason=termination_reason,
        note=note,
        terminated_on=terminated_on,
        meeting=meeting,
    )
    problem = rules.ending_problem(facts)
    if problem:
        raise DomainError(problem.message, field=problem.field)
    ending = rules.ENDINGS[termination_reason]
    ended = terminated_on or _today()
    case.status, case.termination_reason = CaseStatus.TERMINATED, termination_reason
    case.termination_note, case.terminated_on = note.strip(), ended
    case.termination_meeting = meeting if termination_reason == rules.MEETING_DECIDED else None
    _save(case, actor=actor, reason=f"Case terminated ({ending.label.lower()}): {note.strip()}")
    due.due_items_close(
        actor=actor,
        kinds=[DueKind.MAPPA_MEETING, DueKind.PLAN_REVIEW, DueKind.HOME_VISIT],
        subject=case,
        status=DueStatus.WAIVED,
        waived_reason="The MAPPA case ended",
        reason="Case terminated",
    )
    if (
        not ending.natural
        and case.category != 3
        and not Category3Consideration.objects.filter(case=case).exists()
    ):
        # A death, removal or transfer leaves nothing to consider: that is recorded, not assumed.
        _record_consideration(
            actor=actor,
            case=case,
            considered=False,
            outcome="",
            rationale=f"Not considered: {ending.label.lower()} on {ended:%d %b %Y} "
            f"({note.strip()})",
            decided_on=ended,
        )
    return case


# The Category 3 consideration ----------------------------------------------------------------


def _record_consideration(
    *,
    actor: StaffUser,
    case: MappaCase,
    considered: bool,
    outcome: str,
    rationale: str,
    decided_on: dt.date,
    referral: Referral | None = None,
) -> Category3Consideration:
    record = Category3Consideration(
        case=case,
        considered=considered,
        outcome=outcome if considered else "",
        rationale=rationale.strip(),
        decided_by=actor,
        decided_on=decided_on,
        referral=referral,
    )
    _save(record, actor=actor, reason=rationale.strip())
    due.due_items_close(
        actor=actor,
        kinds=[DueKind.CATEGORY_3_CONSIDERATION],
        subject=case,
        reason=f"Category 3 consideration recorded: {record}",
    )
    return record


def consideration_allowed(case: MappaCase) -> bool:
    """Cat 1, 2 and 4 cases, active or ended, not yet considered."""
    return case.category != 3 and case.status in (CaseStatus.ACTIVE, CaseStatus.TERMINATED)


@transaction.atomic
def category_3_consideration_record(
    *,
    actor: StaffUser,
    case: MappaCase,
    considered: bool | None,
    outcome: str,
    rationale: str,
    decided_on: dt.date | None = None,
    proposed_level: int | None = None,
) -> Category3Consideration:
    """Record whether this Cat 1, 2 or 4 case was considered for Category 3, the outcome, by
    whom, when and why (rules.CONSIDER_SOURCE). "Refer" sends a Category 3 referral to the lead
    agency's coordinator, who decides. The "consider for Category 3" item closes only here."""
    case = MappaCase.objects.select_for_update().select_related("nominal").get(pk=case.pk)
    errors: dict[str | None, list[str]] = {}
    if case.category == 3:
        raise DomainError("A Category 3 case is not considered for Category 3")
    if case.status == CaseStatus.ARCHIVED:
        raise DomainError("The case is archived")
    existing = Category3Consideration.objects.filter(case=case).select_related("decided_by").first()
    if existing is not None:
        raise DomainError(
            f"The Category 3 consideration was already recorded on "
            f"{existing.decided_on:%d %b %Y} by {existing.decided_by}"
        )
    if considered is None:
        errors.setdefault("considered", []).append("Choose whether the case was considered")
    if considered and outcome not in ConsiderationOutcome.values:
        errors.setdefault("outcome", []).append("Choose the outcome of the consideration")
    if considered is False and outcome:
        errors.setdefault("outcome", []).append(
            "Leave the outcome empty when the case was not considered"
        )
    if not (rationale or "").strip():
        errors.setdefault("rationale", []).append(
            "Enter the reasons for the decision"
            if considered is not False
            else "Enter why the case was not considered"
        )
    on = decided_on or _today()
    if on > _today():
        errors.setdefault("decided_on", []).append("The date cannot be in the future")
    refer = considered and outcome == ConsiderationOutcome.REFER
    if refer and proposed_level not in rules.MULTI_AGENCY_LEVELS:
        errors.setdefault("proposed_level", []).append(
            "Choose Level 2 or 3: Category 3 cases are managed at Level 2 or 3 only"
        )
    if errors:
        first = next(iter(errors))
        raise DomainError(errors[first][0], field=first, errors=errors)
    referral = None
    if refer:
        assert proposed_level is not None  # noqa: S101 - checked above
        if Referral.objects.filter(nominal=case.nominal, status=ReferralStatus.PENDING).exists():
            raise DomainError(
                "A referral for this person is already awaiting a decision: record the "
                "consideration once it is decided, or choose the other outcome",
                field="outcome",
            )
        referral = Referral(
            nominal=case.nominal,
            referring_agency_id=actor.agency_id,
            referred_by=actor,
            addressed_to_id=case.lead_agency_id,
            reason=f"Considered for Category 3 as the Category {case.category} case reaches "
            f"its end: {rationale.strip()}",
            proposed_category=3,
            proposed_level=proposed_level,
        )
        _save(referral, actor=actor, reason="Referred on the Category 3 consideration")
    return _record_consideration(
        actor=actor,
        case=case,
        considered=bool(considered),
        outcome=outcome if considered else "",
        rationale=rationale,
        decided_on=on,
        referral=referral,
    )


# Proposals on registration -------------------------------------------------------------------


def on_registration(event: events.RegistrationEvent) -> None:
    """The listener (mappa.apps): a proposal on registering, a withdrawal on ending."""
    propose_on_registration(event)


def propose_on_registration(event: events.RegistrationEvent) -> Referral | None:
    """Registering a DA or stalking offender proposes a MAPPA case to the lead agency's
    coordinator: registrants "would be managed in the same way as" Category 1
    (rules.CAT1_DA_SOURCE). Once per registration; never when a case is active or a referral
    is awaiting a decision. The coordinator decides, as for any referral."""
    if event.kind == events.RegistrationEventKind.DEREGISTERED:
        _withdraw_proposal(event)
        return None
    if event.kind != events.RegistrationEventKind.REGISTERED:
        return None
    nominal = event.nominal
    registration = event.registration
    if Referral.objects.filter(registration=registration).exists():
        return None
    if MappaCase.objects.filter(nominal=nominal, status=CaseStatus.ACTIVE).exists():
        return None
    if Referral.objects.filter(nominal=nominal, status=ReferralStatus.PENDING).exists():
        return None
    system = system_actor()
    starts = registration.starts_on or timezone.localtime(event.at).date()
    referral = Referral(
        nominal=nominal,
        referring_agency_id=system.agency_id,
        referred_by=system,
        addressed_to_id=nominal.lead_agency_id,
        reason=f"Registered on {starts:%d %b %Y} by {event.actor}. Proposed by the register: "
        f"{rules.CAT1_DA_SOURCE}. Accept to manage the person as Category 1, or reject with "
        "the reasons.",
        proposed_category=1,
        proposed_level=1,
        registration=registration,
    )
    full_clean(referral)
    try:
        with transaction.atomic():
            save_with_history(
                referral, actor=system, reason=f"Proposed on registration by {event.actor}"
            )
    except IntegrityError:  # the same event heard twice at once: one proposal is enough
        return None
    return referral


def _withdraw_proposal(event: events.RegistrationEvent) -> None:
    system = system_actor()
    ended = event.registration.ended_on or timezone.localtime(event.at).date()
    for referral in Referral.objects.filter(
        registration=event.registration, status=ReferralStatus.PENDING
    ):
        referral.status = ReferralStatus.REJECTED
        referral.decided_by, referral.decided_at = system, event.at
        referral.decision_reason = (
            f"Withdrawn by the register: the registration ended on {ended:%d %b %Y} before a "
            "decision"
        )
        save_with_history(referral, actor=system, reason=referral.decision_reason)


@transaction.atomic
def case_archive(
    *, actor: StaffUser, case: MappaCase, reason: str, archived_on: dt.date | None = None
) -> MappaCase:
    """A coordinator archives a terminated case; its first review falls due 2 years on."""
    reason = require_reason(reason)
    case = MappaCase.objects.select_for_update().select_related("nominal").get(pk=case.pk)
    if not is_coordinator_of(actor, case.lead_agency_id):
        raise DomainError("Only a MAPPA coordinator of the lead agency can archive a case")
    if case.status != CaseStatus.TERMINATED:
        raise DomainError("Only a terminated case can be archived")
    on = archived_on or _today()
    if on > _today() or (case.terminated_on and on < case.terminated_on):
        raise DomainError(
            "The archive date must be between the termination and today", field="archived_on"
        )
    case.status, case.archived_on = CaseStatus.ARCHIVED, on
    _save(case, actor=actor, reason=reason)
    _schedule_archive_review(actor=actor, case=case, number=1)
    return case


def archive_review_due_on(case: MappaCase, number: int) -> dt.date:
    assert case.archived_on is not None  # noqa: S101 - only archived cases are reviewed
    return rules.archive_review_due(
        case.archived_on,
        number,
        conf.get("ARCHIVE_FIRST_REVIEW_YEARS"),
        conf.get("ARCHIVE_REVIEW_EVERY_YEARS"),
    )


def _schedule_archive_review(*, actor: StaffUser, case: MappaCase, number: int) -> None:
    on = archive_review_due_on(case, number)
    due.due_item_schedule(
        actor=actor,
        kind=DueKind.ARCHIVE_REVIEW,
        subject=case,
        nominal=case.nominal,
        due_at=due_rules.end_of_day(on),
        title=f"MAPPA archive review {number}",
        owner=case.responsible_manager,
        reason=f"Archive review {number} due",
        link=_case_link(case),
    )


@transaction.atomic
def archive_review_record(
    *,
    actor: StaffUser,
    case: MappaCase,
    decision: str,
    rationale: str,
    reviewed_on: dt.date | None = None,
) -> ArchiveReview:
    case = MappaCase.objects.select_for_update().select_related("nominal").get(pk=case.pk)
    if not is_coordinator_of(actor, case.lead_agency_id):
        raise DomainError("Only a MAPPA coordinator of the lead agency can review an archive")
    if case.status != CaseStatus.ARCHIVED:
        raise DomainError("Only an archived case has archive reviews")
    if decision not in ArchiveDecision.values:
        raise DomainError("Choose the decision", field="decision")
    if not (rationale or "").strip():
        raise DomainError("Enter the reasons for the decision", field="rationale")
    done = ArchiveReview.objects.filter(case=case)
    if done.filter(decision=ArchiveDecision.DISPOSE).exists():
        raise DomainError("The record was already found no longer needed")
    on = reviewed_on or _today()
    if on > _today():
        raise DomainError("The review date cannot be in the future", field="reviewed_on")
    number = done.count() + 1
    review = ArchiveReview(
        case=case,
        number=number,
        due_on=archive_review_due_on(case, number),
        reviewed_on=on,
        reviewed_by=actor,
        decision=decision,
        rationale=rationale.strip(),
        next_due_on=(
            archive_review_due_on(case, number + 1) if decision == ArchiveDecision.RETAIN else None
        ),
    )
    _save(review, actor=actor, reason=rationale.strip())
    due.due_items_close(
        actor=actor, kinds=[DueKind.ARCHIVE_REVIEW], subject=case, reason="Archive reviewed"
    )
    if decision == ArchiveDecision.RETAIN:
        _schedule_archive_review(actor=actor, case=case, number=number + 1)
    return review
