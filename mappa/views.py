"""MAPPA staff pages: the landing page (coordinator's referral queue and Category 3 prompts,
or the user's cases), the MAPPA section of a nominal's record, meetings, the caseload, and
the forms behind them. Thin: selectors read, services write, 404 for what the user may not
open (whatever the method), reads of nominals logged."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from mappa import conf, forms, rules, selectors, services
from mappa.models import (
    ActionStatus,
    CaseStatus,
    MappaCase,
    MeetingStatus,
    PlanStatus,
    ReferralStatus,
    VisitStatus,
)
from register.audit import log_page_reads
from register.models import Role
from register.requests import StaffRequest
from register.views.common import _page, _query_without, form_page

FORM = "mappa/form.html"


def casework_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """404 to VLOs, auditors and administrators, whatever the method."""

    @wraps(view)
    def gated(request: StaffRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.roles_allow(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return gated


def _mappa_url(nominal_id: object, anchor: str = "") -> str:
    url = reverse("nominal-mappa", args=[nominal_id])
    return f"{url}#{anchor}" if anchor else url


def _form_page(
    request: StaffRequest,
    form: Any,
    *,
    save: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
    success: str,
    context: dict[str, Any],
    read: list[Any],
    purpose: str,
    versioned: Any = None,
) -> HttpResponse:
    return form_page(
        request,
        form,
        save=save,
        done=done,
        success=success,
        template=FORM,
        context=context,
        read=read,
        purpose=purpose,
        versioned=versioned,
    )


def _changeable_case(request: StaffRequest, case_id: str, *, active: bool = True) -> MappaCase:
    case = selectors.case_get(user=request.user, case_id=case_id, action="change")
    if active and case.status != CaseStatus.ACTIVE:
        raise Http404
    return case


# Landing, queue, caseload ------------------------------------------------------------------


@casework_only
@require_GET
def home(request: StaffRequest) -> HttpResponse:
    user = request.user
    if user.has_role(Role.MAPPA_COORDINATOR):
        queue = list(
            selectors.referral_queue(user=user)
            .select_related(None)
            .select_related("nominal", "referring_agency", "referred_by")
        )
        prompts = _page(request, selectors.category_3_prompts(user=user))
        records = [r.nominal for r in queue] + list(prompts.object_list)
        if records:
            log_page_reads(
                request, list({n.pk: n for n in records}.values()), "MAPPA referral queue"
            )
        return render(
            request,
            "mappa/queue.html",
            {
                "queue": queue,
                "prompts": prompts,
                "page": prompts,
                "query": _query_without(request.GET, "page"),
            },
        )
    cases = list(selectors.my_cases(user=user))
    if cases:
        log_page_reads(request, [c.nominal for c in cases], "MAPPA cases")
    return render(request, "mappa/my_cases.html", {"cases": cases})


@casework_only
@require_GET
def referral_list(request: StaffRequest) -> HttpResponse:
    """Decided referrals addressed to the coordinator's agency (rejections are reported)."""
    if not request.user.has_role(Role.MAPPA_COORDINATOR):
        raise Http404
    status = request.GET.get("status", ReferralStatus.REJECTED)
    if status not in ReferralStatus.values:
        status = ReferralStatus.REJECTED
    page = _page(request, selectors.referral_queue(user=request.user, status=status))
    referrals = list(page.object_list)
    if referrals:
        log_page_reads(
            request, list({r.nominal_id: r.nominal for r in referrals}.values()), "MAPPA referrals"
        )
    return render(
        request,
        "mappa/referrals.html",
        {
            "page": page,
            "referrals": referrals,
            "status": status,
            "statuses": ReferralStatus.choices,
            "query": _query_without(request.GET, "page"),
        },
    )


@casework_only
@require_GET
def caseload(request: StaffRequest) -> HttpResponse:
    managers = list(selectors.caseload(user=request.user))
    rows: list[dict[str, Any]] = [
        {
            "manager": m,
            "checks": rules.caseload_checks(
                m.total,  # type: ignore[attr-defined]
                m.risk_high,  # type: ignore[attr-defined]
                m.risk_very_high,  # type: ignore[attr-defined]
                om_max=conf.get("CASELOAD_GUIDE_MAX"),
                specialist_overall=conf.get("SPECIALIST_GUIDE_OVERALL"),
                specialist_high=conf.get("SPECIALIST_GUIDE_HIGH"),
                specialist_very_high=conf.get("SPECIALIST_GUIDE_VERY_HIGH"),
            ),
        }
        for m in managers
    ]
    for row in rows:
        row["over"] = [c for c in row["checks"] if c.over]
    return render(
        request,
        "mappa/caseload.html",
        {
            "rows": rows,
            "guide_min": conf.get("CASELOAD_GUIDE_MIN"),
            "guide_max": conf.get("CASELOAD_GUIDE_MAX"),
        },
    )


# The MAPPA section of a nominal's record ----------------------------------------------------


@casework_only
@require_GET
def nominal_mappa(request: StaffRequest, nominal_id: str) -> HttpResponse:
    data = selectors.nominal_mappa(user=request.user, nominal_id=nominal_id)
    nominal = data.nominal
    can_change = selectors.can_change(user=request.user, nominal=nominal)
    log_page_reads(request, [nominal], "MAPPA section viewed")
    current = data.current
    user = request.user
    return render(
        request,
        "mappa/nominal_mappa.html",
        {
            "nominal": nominal,
            "data": data,
            "case": current,
            "can_change": can_change,
            "active": current is not None and current.status == CaseStatus.ACTIVE,
            "is_coordinator": user.has_role(Role.MAPPA_COORDINATOR)
            and current is not None
            and current.lead_agency_id == user.agency_id,
            "can_approve": user.has_role(*services.APPROVER_ROLES),
            "pending_referral": any(r.status == ReferralStatus.PENDING for r in data.referrals),
            "now": timezone.now(),
            "can_consider": current is not None
            and data.consideration is None
            and services.consideration_allowed(current),
            "consider_source": str(rules.CONSIDER_SOURCE),
            "archive_source": str(rules.ARCHIVE_SOURCE),
            "termination_source": str(rules.ENDINGS[current.termination_reason].source)
            if current is not None and current.termination_reason in rules.ENDINGS
            else "",
        },
    )


@casework_only
@require_http_methods(["GET", "POST"])
def referral_create(request: StaffRequest, nominal_id: str) -> HttpResponse:
    """Any agency that holds the record may refer (a view grant is enough)."""
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id)
    if nominal.merged_into_id:
        raise Http404
    form = forms.ReferralForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda d: services.referral_create(actor=request.user, nominal=nominal, **d),
        done=lambda r: _mappa_url(nominal.pk, "referrals"),
        success="Referral sent to the MAPPA coordinator",
        context={"nominal": nominal, "title": "Refer to MAPPA", "button": "Send referral"},
        read=[nominal],
        purpose="Opened the MAPPA referral form",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def case_open(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
    form = forms.CaseOpenForm(
        request.POST or None,
        managers=selectors.manager_choices(nominal=nominal),
        initial={"start_date": timezone.localdate()},
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.case_open(actor=request.user, nominal=nominal, **d),
        done=lambda c: _mappa_url(nominal.pk),
        success="MAPPA case opened",
        context={"nominal": nominal, "title": "Open a MAPPA case", "button": "Open case"},
        read=[nominal],
        purpose="Opened the form to open a MAPPA case",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def referral_decide(request: StaffRequest, referral_id: str) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, referral_id=referral_id, decide=True)
    nominal = referral.nominal
    form = forms.DecideForm(
        request.POST or None, managers=selectors.manager_choices(nominal=nominal)
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.referral_decide(actor=request.user, referral=referral, **d),
        done=lambda r: reverse("mappa-home"),
        success="Referral decided",
        context={
            "nominal": nominal,
            "referral": referral,
            "eligibility": selectors.eligibility(nominal),
            "title": "Decide the referral",
            "button": "Record decision",
            "back": reverse("mappa-home"),
        },
        read=[nominal],
        purpose="Opened a MAPPA referral to decide it",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def case_level(request: StaffRequest, case_id: str) -> HttpResponse:
    case = _changeable_case(request, case_id)
    form = forms.LevelForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda d: services.case_change_level(actor=request.user, case=case, **d),
        done=lambda c: _mappa_url(case.nominal_id),
        success="MAPPA level changed",
        context={"nominal": case.nominal, "case": case, "title": "Change the MAPPA level"},
        read=[case.nominal],
        purpose="Opened the form to change the MAPPA level",
        versioned=case,
    )


@casework_only
@require_http_methods(["GET", "POST"])
def plan_create(request: StaffRequest, case_id: str) -> HttpResponse:
    case = _changeable_case(request, case_id)
    form = forms.PlanForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda d: services.plan_write(actor=request.user, case=case, **d),
        done=lambda p: _mappa_url(case.nominal_id, "plans"),
        success="Plan saved: it is not in force until a supervisor approves it",
        context={"nominal": case.nominal, "case": case, "title": "Write a risk management plan"},
        read=[case.nominal],
        purpose="Opened the form to write a risk management plan",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def plan_approve(request: StaffRequest, plan_id: str) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id, action="change")
    if (
        plan.status != PlanStatus.DRAFT
        or plan.author_id == user.pk
        or not user.has_role(*services.APPROVER_ROLES)
        or plan.case.responsible_manager.agency_id != user.agency_id
    ):
        raise Http404
    form = forms.ApproveForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda d: services.plan_approve(actor=user, plan=plan, **d),
        done=lambda p: _mappa_url(plan.case.nominal_id, "plans"),
        success="Plan approved: it is now in force",
        context={
            "nominal": plan.case.nominal,
            "plan": plan,
            "title": f"Approve version {plan.version} of the plan",
            "button": "Approve plan",
        },
        read=[plan.case.nominal],
        purpose="Opened a risk management plan to approve it",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def visit_create(request: StaffRequest, case_id: str) -> HttpResponse:
    case = _changeable_case(request, case_id)
    if request.GET.get("done") or request.POST.get("visited_on") is not None:
        form: Any = forms.VisitRecordForm(
            request.POST or None, initial={"visited_on": timezone.localdate()}
        )

        def save(d: dict[str, Any]) -> Any:
            return services.visit_record(actor=request.user, case=case, **d)

        title, success = "Record a home visit", "Home visit recorded"
    else:
        form = forms.VisitPlanForm(request.POST or None)

        def save(d: dict[str, Any]) -> Any:
            return services.visit_plan(actor=request.user, case=case, **d)

        title, success = "Plan a home visit", "Home visit planned"
    return _form_page(
        request,
        form,
        save=save,
        done=lambda v: _mappa_url(case.nominal_id, "visits"),
        success=success,
        context={"nominal": case.nominal, "case": case, "title": title},
        read=[case.nominal],
        purpose="Opened the home visit form",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def visit_record(request: StaffRequest, visit_id: str) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, visit_id=visit_id, action="change")
    case = visit.case
    if visit.status != VisitStatus.PLANNED or case.status != CaseStatus.ACTIVE:
        raise Http404
    form = forms.VisitRecordForm(request.POST or None, initial={"visited_on": visit.planned_on})
    return _form_page(
        request,
        form,
        save=lambda d: services.visit_record(actor=request.user, case=case, visit=visit, **d),
        done=lambda v: _mappa_url(case.nominal_id, "visits"),
        success="Home visit recorded",
        context={"nominal": case.nominal, "case": case, "title": "Record the home visit"},
        read=[case.nominal],
        purpose="Opened a planned home visit to record it",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def case_terminate(request: StaffRequest, case_id: str) -> HttpResponse:
    case = _changeable_case(request, case_id)
    meetings = selectors.meetings_for(request.user).filter(
        cases__case=case, status=MeetingStatus.HELD
    )
    form = forms.TerminateForm(request.POST or None, meetings=meetings)
    endings = [
        {"label": e.label, "source": str(e.source)}
        for e in rules.ENDINGS.values()
        if case.category in e.categories
    ]
    return _form_page(
        request,
        form,
        save=lambda d: services.case_terminate(actor=request.user, case=case, **d),
        done=lambda c: _mappa_url(case.nominal_id),
        success="MAPPA case terminated",
        context={
            "nominal": case.nominal,
            "case": case,
            "title": "End the MAPPA case",
            "button": "End case",
            "endings": endings,
            "rules_note": "Each ending is checked against the records: the notification period "
            "or licence end dates, the meeting's recorded outcome, the Category 3 consideration "
            "(Categories 1, 2 and 4 at Level 2 or 3) and an approved closing plan.",
        },
        read=[case.nominal],
        purpose="Opened the form to end a MAPPA case",
        versioned=case,
    )


@casework_only
@require_http_methods(["GET", "POST"])
def category_3_consideration(request: StaffRequest, case_id: str) -> HttpResponse:
    """Record the Category 3 consideration of a Cat 1, 2 or 4 case (once)."""
    case = _changeable_case(request, case_id, active=False)
    if not services.consideration_allowed(case) or selectors.consideration_of(case) is not None:
        raise Http404
    form = forms.ConsiderationForm(
        request.POST or None, initial={"decided_on": timezone.localdate()}
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.category_3_consideration_record(actor=request.user, case=case, **d),
        done=lambda c: _mappa_url(case.nominal_id, "category-3"),
        success="Category 3 consideration recorded",
        context={
            "nominal": case.nominal,
            "case": case,
            "title": "Record the Category 3 consideration",
            "button": "Record decision",
            "rules_note": f"Source: {rules.CONSIDER_SOURCE}. Referring sends a Category 3 "
            "referral to the lead agency's MAPPA coordinator, who decides.",
        },
        read=[case.nominal],
        purpose="Opened the form to record a Category 3 consideration",
    )


@casework_only
@require_GET
def rules_page(request: StaffRequest) -> HttpResponse:
    """The MAPPA rules with their sources, and the settings that are local policy, not law."""
    return render(
        request,
        "mappa/rules.html",
        {"sources": _rule_sources(), "settings": conf.policy_settings()},
    )


def _rule_sources() -> list[tuple[str, str]]:
    return [
        (
            "Category 1 (and DA/stalking registrants, proposed on registration)",
            str(rules.CAT1_DA_SOURCE),
        ),
        ("Category 1 ends", str(rules.CAT1_SOURCE)),
        ("Category 2 eligibility", str(rules.CAT2_SOURCE)),
        ("Category 2 ends", str(rules.CAT2_END_SOURCE)),
        ("Category 3 entry", str(rules.CAT3_SOURCE)),
        ("Category 3 levels", str(rules.CAT3_LEVEL_SOURCE)),
        ("Category 3 ends", str(rules.CAT3_END_SOURCE)),
        ("Category 4 ends", str(rules.CAT4_END_SOURCE)),
        ("Death, removal from the UK, transfer", str(rules.OTHER_END_SOURCE)),
        ("Closing risk management plan", str(rules.CLOSING_PLAN_SOURCE)),
        ("Category 3 consideration", str(rules.CONSIDER_SOURCE)),
        ("Archive reviews", str(rules.ARCHIVE_SOURCE)),
    ]


def _coordinator_case(request: StaffRequest, case_id: str, status: str) -> MappaCase:
    case = _changeable_case(request, case_id, active=False)
    if case.status != status or not services.is_coordinator_of(request.user, case.lead_agency_id):
        raise Http404
    return case


@casework_only
@require_http_methods(["GET", "POST"])
def case_archive(request: StaffRequest, case_id: str) -> HttpResponse:
    case = _coordinator_case(request, case_id, CaseStatus.TERMINATED)
    form = forms.ArchiveForm(request.POST or None, initial={"archived_on": timezone.localdate()})
    return _form_page(
        request,
        form,
        save=lambda d: services.case_archive(actor=request.user, case=case, **d),
        done=lambda c: _mappa_url(case.nominal_id),
        success="Case archived: its first review is due in 2 years, then every 10 years from "
        "the archive date",
        context={
            "nominal": case.nominal,
            "case": case,
            "title": "Archive the MAPPA case",
            "button": "Archive",
        },
        read=[case.nominal],
        purpose="Opened the form to archive a MAPPA case",
        versioned=case,
    )


@casework_only
@require_http_methods(["GET", "POST"])
def archive_review(request: StaffRequest, case_id: str) -> HttpResponse:
    case = _coordinator_case(request, case_id, CaseStatus.ARCHIVED)
    form = forms.ArchiveReviewForm(
        request.POST or None, initial={"reviewed_on": timezone.localdate()}
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.archive_review_record(actor=request.user, case=case, **d),
        done=lambda r: _mappa_url(case.nominal_id, "archive"),
        success="Archive review recorded",
        context={"nominal": case.nominal, "case": case, "title": "Record an archive review"},
        read=[case.nominal],
        purpose="Opened the form to record an archive review",
    )


# Meetings ---------------------------------------------------------------------------------


@casework_only
@require_GET
def meeting_list(request: StaffRequest) -> HttpResponse:
    """The meeting calendar: upcoming first; ?past=1 for those held."""
    past = request.GET.get("past") == "1"
    now = timezone.now()
    meetings = selectors.meetings_for(request.user)
    if past:
        meetings = meetings.filter(Q(scheduled_at__lt=now) | Q(status=MeetingStatus.HELD)).order_by(
            "-scheduled_at"
        )
    else:
        meetings = (
            meetings.filter(scheduled_at__gte=now)
            .exclude(status=MeetingStatus.HELD)
            .order_by("scheduled_at")
        )
    page = _page(request, meetings)
    return render(
        request,
        "mappa/meeting_list.html",
        {
            "page": page,
            "meetings": list(page.object_list),
            "past": past,
            "query": _query_without(request.GET, "page"),
            "can_schedule": request.user.has_role(Role.MAPPA_COORDINATOR),
        },
    )


@casework_only
@require_http_methods(["GET", "POST"])
def meeting_create(request: StaffRequest) -> HttpResponse:
    if not request.user.has_role(Role.MAPPA_COORDINATOR):
        raise Http404
    form = forms.MeetingForm(
        request.POST or None,
        chairs=selectors.staff_choices(user=request.user),
        agencies=selectors.agency_choices(user=request.user),
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.meeting_schedule(actor=request.user, **d),
        done=lambda m: reverse("mappa-meeting", args=[m.pk]),
        success="Meeting scheduled",
        context={"title": "Schedule a MAPP meeting", "back": reverse("mappa-meetings")},
        read=[],
        purpose="",
    )


@casework_only
@require_GET
def meeting_detail(request: StaffRequest, meeting_id: str) -> HttpResponse:
    page = selectors.meeting_page(user=request.user, meeting_id=meeting_id)
    nominals = [row.case.nominal for row in page.cases]
    if nominals:
        log_page_reads(request, nominals, "MAPP meeting page")
    meeting = page.meeting
    chairing = meeting.chair_agency_id == request.user.agency_id
    return render(
        request,
        "mappa/meeting.html",
        {
            "page": page,
            "meeting": meeting,
            "chairing": chairing,
            "can_minute": chairing
            and meeting.status != MeetingStatus.CANCELLED
            and meeting.scheduled_at <= timezone.now(),
            "user_id": request.user.pk,
            "open_status": ActionStatus.OPEN,
        },
    )


def _chaired(request: StaffRequest, meeting_id: str) -> Any:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id, change=True)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Http404
    return meeting


def _meeting_url(meeting: Any) -> str:
    return reverse("mappa-meeting", args=[meeting.pk])


@casework_only
@require_http_methods(["GET", "POST"])
def meeting_minutes(request: StaffRequest, meeting_id: str) -> HttpResponse:
    meeting = _chaired(request, meeting_id)
    form = forms.MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    return _form_page(
        request,
        form,
        save=lambda d: services.meeting_record(actor=request.user, meeting=meeting, **d),
        done=lambda m: _meeting_url(meeting),
        success="Minutes recorded",
        context={"meeting": meeting, "title": "Record the minutes", "back": _meeting_url(meeting)},
        read=[],
        purpose="",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def meeting_agenda(request: StaffRequest, meeting_id: str) -> HttpResponse:
    meeting = _chaired(request, meeting_id)
    form = forms.AgendaForm(
        request.POST or None, cases=selectors.agenda_choices(user=request.user, meeting=meeting)
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.meeting_add_case(
            actor=request.user, meeting=meeting, reason="Case on the agenda", **d
        ),
        done=lambda r: _meeting_url(meeting),
        success="Case added to the agenda",
        context={
            "meeting": meeting,
            "title": "Add a case to the agenda",
            "back": _meeting_url(meeting),
        },
        read=[],
        purpose="",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def meeting_case(request: StaffRequest, meeting_id: str, row_id: str) -> HttpResponse:
    meeting = _chaired(request, meeting_id)
    row = selectors.meeting_case_get(meeting=meeting, user=request.user, row_id=row_id)
    form = forms.MeetingCaseForm(
        request.POST or None,
        initial={
            "plan_agreed": row.plan_agreed,
            "next_review_on": row.next_review_on,
            "risk_reduced": row.risk_reduced,
        },
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.meeting_case_outcome(actor=request.user, row=row, **d),
        done=lambda r: _meeting_url(meeting),
        success="Outcome recorded",
        context={
            "meeting": meeting,
            "nominal": row.case.nominal,
            "title": "Plan agreed and next review",
            "back": _meeting_url(meeting),
        },
        read=[row.case.nominal],
        purpose="Recorded a MAPP meeting outcome",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def action_create(request: StaffRequest, meeting_id: str) -> HttpResponse:
    meeting = _chaired(request, meeting_id)
    form = forms.ActionForm(
        request.POST or None,
        cases=selectors.cases_for(request.user, "change").filter(meetings__meeting=meeting),
        owners=selectors.action_owner_choices(meeting=meeting),
    )
    return _form_page(
        request,
        form,
        save=lambda d: services.action_add(actor=request.user, meeting=meeting, **d),
        done=lambda a: _meeting_url(meeting) + "#actions",
        success="Action added",
        context={"meeting": meeting, "title": "Add an action", "back": _meeting_url(meeting)},
        read=[],
        purpose="",
    )


@casework_only
@require_http_methods(["GET", "POST"])
def action_complete(request: StaffRequest, action_id: str) -> HttpResponse:
    action = selectors.action_get(user=request.user, action_id=action_id)
    if action.status != ActionStatus.OPEN:
        raise Http404
    form = forms.ActionCompleteForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda d: services.action_complete(actor=request.user, action=action, **d),
        done=lambda a: _meeting_url(action.meeting) + "#actions",
        success="Action closed",
        context={
            "nominal": action.case.nominal,
            "title": "Close the action",
            "intro": action.description,
            "back": _meeting_url(action.meeting),
        },
        read=[action.case.nominal],
        purpose="Opened a MAPP meeting action to close it",
    )
