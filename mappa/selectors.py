"""Reads of MAPPA records, scoped to what the user may see.

Cases, referrals, plans, visits and archive reviews hang off a nominal and are
visible exactly when the nominal is (`register.access.scoped` on Nominal). A
meeting belongs to its chairing agency and the agencies attending; on a meeting
page, cases about nominals the viewer may not see are withheld (and counted).
Every list is loaded with its relations, so pages run a fixed number of queries.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from mappa import rules
from mappa.models import (
    ArchiveReview,
    CaseStatus,
    Category3Consideration,
    HomeVisit,
    LevelChange,
    MappaCase,
    Meeting,
    MeetingAction,
    MeetingCase,
    PlanStatus,
    Referral,
    ReferralStatus,
    RiskManagementPlan,
)
from notifications.models import Compartment, DueItem, DueStatus
from register import access
from register import selectors as register_selectors
from register.models import Agency, Conviction, Nominal, Role, StaffUser

OPEN_DUE = (DueStatus.OPEN, DueStatus.OVERDUE)


def _get_or_404(queryset: QuerySet[Any], **lookup: Any) -> Any:
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def visible_nominals(user: StaffUser, action: access.Action = "view") -> QuerySet[Nominal]:
    return access.scoped(Nominal.objects.all(), user, action)


def roles_allow(user: StaffUser, action: access.Action = "view") -> bool:
    return access.roles_allow(user, MappaCase, action)


def nominal_get(
    *, user: StaffUser, nominal_id: uuid.UUID | str, action: access.Action = "view"
) -> Nominal:
    nominal = register_selectors.nominal_get(user=user, nominal_id=nominal_id, action=action)
    if action != "view" and nominal.merged_into_id:
        raise Http404
    return nominal


def can_change(*, user: StaffUser, nominal: Nominal) -> bool:
    """Whether to offer the forms (one query); the form pages check again."""
    if nominal.merged_into_id or not roles_allow(user, "change"):
        return False
    return "change" in access.agency_actions(nominal, user.agency_id)


# Cases ---------------------------------------------------------------------------------


def cases_for(user: StaffUser, action: access.Action = "view") -> QuerySet[MappaCase]:
    if not roles_allow(user, action):
        return MappaCase.objects.none()
    return MappaCase.objects.filter(nominal__in=visible_nominals(user, action)).select_related(
        "nominal", "lead_agency", "responsible_manager"
    )


def case_get(
    *, user: StaffUser, case_id: uuid.UUID | str, action: access.Action = "view"
) -> MappaCase:
    case: MappaCase = _get_or_404(cases_for(user, action), pk=case_id)
    if action != "view" and case.nominal.merged_into_id:
        raise Http404
    return case


@dataclass
class NominalMappa:
    """Everything the MAPPA section of a nominal's record shows, in a fixed number of queries."""

    nominal: Nominal
    cases: list[MappaCase]
    current: MappaCase | None
    level_changes: list[LevelChange] = field(default_factory=list)
    plans: list[RiskManagementPlan] = field(default_factory=list)
    visits: list[HomeVisit] = field(default_factory=list)
    meetings: list[MeetingCase] = field(default_factory=list)
    actions: list[MeetingAction] = field(default_factory=list)
    archive_reviews: list[ArchiveReview] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    due_items: list[DueItem] = field(default_factory=list)
    consideration: Category3Consideration | None = None
    eligibility: Eligibility | None = None

    @property
    def plan_in_force(self) -> RiskManagementPlan | None:
        return next((p for p in self.plans if p.status == PlanStatus.APPROVED), None)


@dataclass(frozen=True)
class Eligibility:
    """Category 2 (the criteria, and whether it still applies) and Category 3 for one person
    today, each with its rule and source."""

    category_2: rules.Outcome
    category_2_current: rules.Outcome
    category_3: rules.Outcome


def eligibility(nominal: Nominal) -> Eligibility:
    """Three queries whatever the number of convictions (mappa.services builds the facts)."""
    from mappa import services

    convictions = services.conviction_facts(nominal)
    today = timezone.localdate()
    return Eligibility(
        category_2=rules.category_2_eligibility(convictions),
        category_2_current=rules.category_2_current(convictions, today),
        category_3=services.category_3_outcome(nominal, today, convictions),
    )


def nominal_mappa(*, user: StaffUser, nominal_id: uuid.UUID | str) -> NominalMappa:
    nominal = nominal_get(user=user, nominal_id=nominal_id)
    cases = list(
        MappaCase.objects.filter(nominal=nominal)
        .select_related("lead_agency", "responsible_manager")
        .order_by("-start_date", "-created_at")
    )
    current = cases[0] if cases else None
    if current is None:
        return NominalMappa(
            nominal=nominal,
            cases=cases,
            current=None,
            referrals=list(_referrals().filter(nominal=nominal)),
            eligibility=eligibility(nominal),
        )
    return NominalMappa(
        nominal=nominal,
        cases=cases,
        current=current,
        level_changes=list(LevelChange.objects.filter(case=current).select_related("changed_by")),
        plans=list(
            RiskManagementPlan.objects.filter(case=current).select_related("author", "approved_by")
        ),
        visits=list(HomeVisit.objects.filter(case=current).select_related("visited_by")),
        meetings=list(
            MeetingCase.objects.filter(case=current)
            .select_related("meeting__chair_agency")
            .order_by("-meeting__scheduled_at")
        ),
        actions=list(MeetingAction.objects.filter(case=current).select_related("owner", "meeting")),
        archive_reviews=list(
            ArchiveReview.objects.filter(case=current).select_related("reviewed_by")
        ),
        referrals=list(_referrals().filter(nominal=nominal)),
        due_items=list(
            DueItem.objects.filter(
                nominal=nominal,
                compartment=Compartment.CASEWORK,
                status__in=OPEN_DUE,
                kind__in=MAPPA_DUE_KINDS,
            )
            .select_related("owner")
            .order_by("due_at")
        ),
        consideration=Category3Consideration.objects.filter(case=current)
        .select_related("decided_by", "referral")
        .first(),
        eligibility=eligibility(nominal),
    )


MAPPA_DUE_KINDS = (
    "mappa_meeting",
    "mappa_action",
    "plan_review",
    "home_visit",
    "archive_review",
    "category_3",
)


def consideration_of(case: MappaCase) -> Category3Consideration | None:
    return Category3Consideration.objects.filter(case=case).first()


def plan_get(
    *, user: StaffUser, plan_id: uuid.UUID | str, action: access.Action = "view"
) -> RiskManagementPlan:
    plan: RiskManagementPlan = _get_or_404(
        RiskManagementPlan.objects.select_related(
            "case__nominal", "case__responsible_manager", "author", "approved_by"
        ).filter(case__nominal__in=visible_nominals(user, action)),
        pk=plan_id,
    )
    return plan


def visit_get(
    *, user: StaffUser, visit_id: uuid.UUID | str, action: access.Action = "view"
) -> HomeVisit:
    visit: HomeVisit = _get_or_404(
        HomeVisit.objects.select_related("case__nominal", "visited_by").filter(
            case__nominal__in=visible_nominals(user, action)
        ),
        pk=visit_id,
    )
    return visit


def plans_of(case: MappaCase) -> QuerySet[RiskManagementPlan]:
    return RiskManagementPlan.objects.filter(case=case).select_related("author", "approved_by")


def visits_of(case: MappaCase) -> QuerySet[HomeVisit]:
    return HomeVisit.objects.filter(case=case).select_related("visited_by")


def manager_choices(*, nominal: Nominal) -> QuerySet[StaffUser]:
    """Casework staff of the lead agency, who may be a case's responsible manager."""
    return (
        StaffUser.objects.filter(
            agency_id=nominal.lead_agency_id,
            is_active=True,
            is_api_client=False,
            roles__overlap=sorted(access.CASEWORK_ROLES),
        )
        .select_related(None)
        .order_by("last_name", "first_name", "username")
    )


def staff_choices(*, user: StaffUser) -> QuerySet[StaffUser]:
    return (
        StaffUser.objects.filter(
            agency_id=user.agency_id,
            is_active=True,
            is_api_client=False,
            roles__overlap=sorted(access.CASEWORK_ROLES),
        )
        .select_related(None)
        .order_by("last_name", "first_name", "username")
    )


def agency_choices(*, user: StaffUser) -> QuerySet[Agency]:
    return Agency.objects.exclude(pk=user.agency_id).exclude(code="system").order_by("name")


# Referrals ----------------------------------------------------------------------------


def _referrals() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "nominal", "referring_agency", "referred_by", "addressed_to", "decided_by"
    )


def referrals_for(user: StaffUser) -> QuerySet[Referral]:
    if not roles_allow(user):
        return Referral.objects.none()
    return _referrals().filter(nominal__in=visible_nominals(user))


def referral_queue(*, user: StaffUser, status: str = ReferralStatus.PENDING) -> QuerySet[Referral]:
    """Referrals addressed to the coordinator's agency (pending oldest first; decided newest)."""
    referrals = referrals_for(user).filter(addressed_to_id=user.agency_id, status=status)
    if status == ReferralStatus.PENDING:
        return referrals.order_by("created_at", "pk")
    return referrals.order_by("-decided_at", "pk")


def referral_get(
    *, user: StaffUser, referral_id: uuid.UUID | str, decide: bool = False
) -> Referral:
    """A referral through its nominal; to decide, only a coordinator of the agency addressed."""
    referrals = referrals_for(user)
    if decide:
        if not user.has_role(Role.MAPPA_COORDINATOR):
            raise Http404
        referrals = referrals.filter(addressed_to_id=user.agency_id, status=ReferralStatus.PENDING)
    referral: Referral = _get_or_404(referrals, pk=referral_id)
    return referral


def category_3_prompts(*, user: StaffUser) -> QuerySet[Nominal]:
    """DA/stalking nominals of the coordinator's agency not managed under MAPPA (so not in
    Categories 1, 2 or 4): each should be considered for Category 3. One query."""
    convictions = Conviction.objects.filter(nominal=OuterRef("pk")).filter(
        Q(is_domestic_abuse=True)
        | Q(offence__specified_stalking=True)
        | Q(offence__coercive_control=True)
    )
    active = MappaCase.objects.filter(nominal=OuterRef("pk"), status=CaseStatus.ACTIVE)
    pending = Referral.objects.filter(nominal=OuterRef("pk"), status=ReferralStatus.PENDING)
    rejected = Referral.objects.filter(nominal=OuterRef("pk"), status=ReferralStatus.REJECTED)
    return (
        visible_nominals(user)
        .filter(lead_agency_id=user.agency_id, merged_into__isnull=True)
        .filter(Exists(convictions) | ~Q(typologies=[]))
        .exclude(Exists(active))
        .annotate(referral_pending=Exists(pending), referral_rejected=Exists(rejected))
        .select_related("responsible_officer")
        .order_by("-priority_score", "family_name", "given_names", "id")
    )


# Meetings ---------------------------------------------------------------------------------


def meetings_for(user: StaffUser) -> QuerySet[Meeting]:
    """Meetings chaired by the user's agency or that it attends (casework roles only)."""
    if not access.roles_allow(user, Meeting, "view"):
        return Meeting.objects.none()
    attending = Meeting.attending_agencies.through.objects.filter(
        meeting_id=OuterRef("pk"), agency_id=user.agency_id
    )
    return (
        Meeting.objects.filter(Q(chair_agency_id=user.agency_id) | Exists(attending))
        .select_related("chair_agency", "chair")
        .annotate(case_count=Count("cases", distinct=True))
    )


def meeting_get(*, user: StaffUser, meeting_id: uuid.UUID | str, change: bool = False) -> Meeting:
    """A meeting; changing it (agenda, minutes, actions) is for the chairing agency."""
    meetings = meetings_for(user)
    if change:
        if not access.roles_allow(user, Meeting, "change"):
            raise Http404
        meetings = meetings.filter(chair_agency_id=user.agency_id)
    meeting: Meeting = _get_or_404(meetings, pk=meeting_id)
    return meeting


@dataclass
class MeetingPage:
    meeting: Meeting
    attending: list[Agency]
    cases: list[MeetingCase]
    withheld: int
    actions: list[MeetingAction]


def meeting_page(*, user: StaffUser, meeting_id: uuid.UUID | str) -> MeetingPage:
    """The meeting, its visible cases and their actions; cases the viewer may not see are
    counted, not shown. Four queries whatever the number of cases, actions and attendees."""
    meeting = meeting_get(user=user, meeting_id=meeting_id)
    visible = visible_nominals(user)
    rows = list(
        MeetingCase.objects.filter(meeting=meeting)
        .select_related("case__nominal", "case__responsible_manager")
        .annotate(visible=Exists(visible.filter(pk=OuterRef("case__nominal_id"))))
        .order_by("pk")
    )
    shown: list[MeetingCase] = [r for r in rows if getattr(r, "visible", False)]
    actions = list(
        MeetingAction.objects.filter(meeting=meeting, case__nominal__in=visible)
        .select_related("owner", "case__nominal")
        .order_by("due_on", "created_at")
    )
    return MeetingPage(
        meeting=meeting,
        attending=list(meeting.attending_agencies.order_by("name")),
        cases=shown,
        withheld=len(rows) - len(shown),
        actions=actions,
    )


def action_get(*, user: StaffUser, action_id: uuid.UUID | str) -> MeetingAction:
    """An action the user may close: its case's nominal is changeable by them, and they own
    it or their agency chairs the meeting."""
    actions = MeetingAction.objects.select_related("meeting", "case__nominal", "owner").filter(
        case__nominal__in=visible_nominals(user, "change")
    )
    action: MeetingAction = _get_or_404(actions, pk=action_id)
    if action.owner_id != user.pk and action.meeting.chair_agency_id != user.agency_id:
        raise Http404
    return action


def meeting_case_get(*, meeting: Meeting, user: StaffUser, row_id: str) -> MeetingCase:
    row: MeetingCase = _get_or_404(
        MeetingCase.objects.select_related("case__nominal", "meeting").filter(
            meeting=meeting, case__nominal__in=visible_nominals(user, "change")
        ),
        pk=row_id,
    )
    return row


def agenda_choices(*, user: StaffUser, meeting: Meeting) -> QuerySet[MappaCase]:
    """Active Level 2/3 cases the user may change, not yet on this meeting's agenda."""
    return (
        cases_for(user, "change")
        .filter(status=CaseStatus.ACTIVE, level__in=[2, 3])
        .exclude(meetings__meeting=meeting)
        .order_by("nominal__family_name", "nominal__given_names")
    )


# Caseload ------------------------------------------------------------------------------------


def caseload(*, user: StaffUser) -> QuerySet[StaffUser]:
    """Active cases per manager by category, level and risk: one aggregate query.

    Supervisors and coordinators see every manager of their agency (or team); others
    see their own row. Only cases about nominals the viewer may see are counted.
    """
    managers = StaffUser.objects.filter(
        agency_id=user.agency_id,
        is_api_client=False,
        roles__overlap=sorted(access.CASEWORK_ROLES),
    ).select_related(None)
    if not user.has_role(Role.SUPERVISOR, Role.MAPPA_COORDINATOR):
        managers = managers.filter(pk=user.pk)
    elif user.team_id:
        managers = managers.filter(team_id=user.team_id)
    visible_ids = visible_nominals(user).values("pk")
    active = Q(mappa_cases__status=CaseStatus.ACTIVE, mappa_cases__nominal__in=visible_ids)

    def count(**extra: Any) -> Count:
        condition = active
        for key, value in extra.items():
            condition &= Q(**{f"mappa_cases__{key}": value})
        return Count("mappa_cases", filter=condition)

    return (
        managers.annotate(
            total=count(),
            cat1=count(category=1),
            cat2=count(category=2),
            cat3=count(category=3),
            cat4=count(category=4),
            level1=count(level=1),
            level2=count(level=2),
            level3=count(level=3),
            risk_very_high=count(nominal__current_risk_level="very_high"),
            risk_high=count(nominal__current_risk_level="high"),
            risk_medium=count(nominal__current_risk_level="medium"),
            risk_low=count(nominal__current_risk_level="low"),
            risk_none=count(nominal__current_risk_level=""),
        )
        .filter(
            Q(total__gt=0)
            | Q(pk=user.pk)
            | Q(roles__overlap=["offender_manager", "probation_practitioner"])
        )
        .order_by("-total", "last_name", "first_name", "username")
    )


def my_cases(*, user: StaffUser) -> QuerySet[MappaCase]:
    return (
        cases_for(user)
        .filter(responsible_manager=user, status=CaseStatus.ACTIVE)
        .order_by("-level", "nominal__family_name", "nominal__given_names")
    )


def action_owner_choices(*, meeting: Meeting) -> QuerySet[StaffUser]:
    """Casework staff of the chairing agency and of the agencies attending."""
    agencies = [meeting.chair_agency_id, *meeting.attending_agencies.values_list("pk", flat=True)]
    return (
        StaffUser.objects.filter(
            agency_id__in=agencies,
            is_active=True,
            is_api_client=False,
            roles__overlap=sorted(access.CASEWORK_ROLES),
        )
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name", "username")
    )
