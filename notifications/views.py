"""Staff pages for tasks, the team view and a nominal's notification requirements. Thin.

Access: the casework roles (register.access.POLICY "register.nominal") open
these pages; everyone else gets 404, as for a record they may not see. A
nominal's page and forms reach it through the access gate; tasks are their
owner's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.forms import BaseForm
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from notifications import conf, rules, selectors, services
from notifications.forms import (
    BreachCloseForm,
    BreachEscalateForm,
    BreachForm,
    IndefiniteReviewForm,
    NotificationForm,
    PauseForm,
    StartRequirementsForm,
    TailorForm,
    TaskDoneForm,
    TaskFilterForm,
    VerifyNotificationForm,
    WaiveForm,
)
from notifications.models import (
    Breach,
    BreachStatus,
    DueItem,
    DueStatus,
    Notification,
    NotificationChannel,
    Task,
    TaskStatus,
)
from register import access
from register.audit import log_page_reads
from register.errors import DomainError
from register.models import Nominal, Role
from register.requests import StaffRequest

PAGE_SIZE = 25


# What every page here shares -------------------------------------------------------------


def casework_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for the casework roles answer 404 to VLOs, auditors and administrators,
    whatever the method (checked before the method is, so a POST gets 404 too)."""

    @wraps(view)
    def gated(request: StaffRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not access.roles_allow(request.user, Nominal, "view"):
            raise Http404
        return view(request, *args, **kwargs)

    return gated


def task_users_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The inbox is for the casework roles and VLOs (whose tasks are victim-side); 404 to others."""

    @wraps(view)
    def gated(request: StaffRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not access.roles_allow(request.user, Task, "view"):
            raise Http404
        return view(request, *args, **kwargs)

    return gated


def _apply_domain_error(form: BaseForm, error: DomainError) -> None:
    """Put each message next to its field (by the form's name for it), the rest on top."""
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(form.field_for(field), message)  # type: ignore[attr-defined]


def _page(request: StaffRequest, queryset: Any) -> Page[Any]:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without(query: QueryDict, *names: str) -> str:
    copy = query.copy()
    for name in names:
        copy.pop(name, None)
    return copy.urlencode()


def _notifications_url(nominal_id: object, anchor: str = "") -> str:
    url = reverse("nominal-notifications", args=[nominal_id])
    return f"{url}#{anchor}" if anchor else url


def _distinct(records: Iterable[Nominal]) -> list[Nominal]:
    return list({record.pk: record for record in records}.values())


def _changeable(request: StaffRequest, nominal_id: str) -> Nominal:
    return selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")


# Tasks -----------------------------------------------------------------------------------


@task_users_only
@require_GET
def task_inbox(request: StaffRequest) -> HttpResponse:
    """The user's tasks: overdue first, then due soon, then the rest. Opening it marks them seen."""
    filters = TaskFilterForm(request.GET or None)
    values = filters.cleaned_or_defaults()
    page = _page(
        request,
        selectors.task_inbox(user=request.user, kind=values["kind"], status=values["status"]),
    )
    tasks = list(page.object_list)  # read before marking seen, so new ones show as new
    if tasks:
        log_page_reads(request, _distinct(t.nominal for t in tasks), "Task inbox")
    services.tasks_mark_seen(actor=request.user)
    return render(
        request,
        "notifications/task_inbox.html",
        {
            "page": page,
            "tasks": tasks,
            "form": filters,
            "status": values["status"],
            "filtered": bool(values["kind"]) or values["status"] != TaskStatus.OPEN,
            "query": _query_without(request.GET, "page"),
            "now": timezone.now(),
            "is_supervisor": request.user.has_role(Role.SUPERVISOR),
        },
    )


@task_users_only
@require_http_methods(["GET", "POST"])
def task_done(request: StaffRequest, task_id: str) -> HttpResponse:
    task = selectors.task_get(user=request.user, task_id=task_id)
    if task.status != TaskStatus.OPEN:
        raise Http404
    form = TaskDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_complete(actor=request.user, task=task, **form.cleaned_data)
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Task marked as done: {task.title}")
            return redirect("task-inbox")
    elif request.method == "GET":
        log_page_reads(request, [task.nominal], "Task opened")
    return render(request, "notifications/task_done.html", {"task": task, "form": form})


@casework_only
@require_GET
def team_view(request: StaffRequest) -> HttpResponse:
    """For supervisors: each officer's overdue items, items due in 7 days and open tasks."""
    if not request.user.has_role(Role.SUPERVISOR):
        raise Http404
    officers = list(selectors.team_workload(user=request.user))
    totals = {
        name: sum(getattr(o, name) for o in officers)
        for name in ("overdue", "due_soon", "open_tasks")
    }
    return render(
        request,
        "notifications/team_view.html",
        {
            "officers": officers,
            "totals": totals,
            "team": request.user.team,
            "due_soon_days": selectors.DUE_SOON_DAYS,
        },
    )


# A nominal's notification requirements ----------------------------------------------------


def _notification_rows(
    notifications: list[Notification], labels: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for notification in notifications:
        notice = (
            rules.travel_notice(
                notification.received_at, notification.departs_at, conf.travel_notice_days()
            )
            if notification.departs_at
            else None
        )
        rows.append(
            {
                "notification": notification,
                "items": [labels.get(code, code) for code in notification.items],
                "notice": notice,
            }
        )
    return rows


@casework_only
@require_GET
def nominal_notifications(request: StaffRequest, nominal_id: str) -> HttpResponse:
    data = selectors.nominal_notifications(user=request.user, nominal_id=nominal_id)
    nominal = data.nominal
    can_change = selectors.can_change(user=request.user, nominal=nominal)
    registration = data.registration
    log_page_reads(request, [nominal], "Notification requirements viewed")
    return render(
        request,
        "notifications/nominal_notifications.html",
        {
            "nominal": nominal,
            "data": data,
            "registration": registration,
            "is_current": registration is not None and registration.is_current,
            "can_change": can_change,
            "notification_rows": _notification_rows(data.notifications, data.item_labels),
            "notifications_capped": len(data.notifications) == selectors.NOTIFICATIONS_SHOWN,
            "now": timezone.now(),
        },
    )


@casework_only
@require_http_methods(["GET", "POST"])
def requirements_start(request: StaffRequest, nominal_id: str) -> HttpResponse:
    """Set up the default requirements and the period of a registration that has none yet."""
    nominal = _changeable(request, nominal_id)
    registration = selectors.current_registration(nominal=nominal)
    if registration is None or selectors.current_requirement_set(nominal=nominal) is not None:
        raise Http404
    form = StartRequirementsForm(
        request.POST or None, convictions=selectors.convictions_of(nominal=nominal)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_start_requirements(
                actor=request.user,
                registration=registration,
                conviction=form.cleaned_data["conviction"],
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, "Notification requirements set up")
            return redirect(_notifications_url(nominal.pk))
    elif request.method == "GET":
        log_page_reads(request, [nominal], "Opened the form to set up notification requirements")
    return render(
        request,
        "notifications/requirements_start.html",
        {"form": form, "nominal": nominal, "registration": registration},
    )


@casework_only
@require_http_methods(["GET", "POST"])
def notification_create(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = _changeable(request, nominal_id)
    requirement_set = selectors.current_requirement_set(nominal=nominal)
    form = NotificationForm(
        request.POST or None, items=selectors.notifiable_items(requirement_set=requirement_set)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_record(
                actor=request.user,
                nominal=nominal,
                channel=NotificationChannel.IN_PERSON,
                **form.service_data(),
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, "Notification recorded")
            return redirect(_notifications_url(nominal.pk, "notifications"))
    elif request.method == "GET":
        log_page_reads(request, [nominal], "Opened the form to record a notification")
    return render(
        request, "notifications/notification_form.html", {"form": form, "nominal": nominal}
    )


@casework_only
@require_http_methods(["GET", "POST"])
def notification_verify(
    request: StaffRequest, nominal_id: str, notification_id: str
) -> HttpResponse:
    """Record that what was notified was checked, e.g. the address on a home visit."""
    notification = selectors.notification_get(
        user=request.user,
        notification_id=notification_id,
        nominal_id=nominal_id,
        action="change",
    )
    if notification.verified_on is not None:
        raise Http404
    nominal = notification.nominal
    form = VerifyNotificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_verify(
                actor=request.user, notification=notification, **form.service_data()
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, "Check recorded")
            return redirect(_notifications_url(nominal.pk, "notifications"))
    elif request.method == "GET":
        log_page_reads(request, [nominal], "Opened a notification to record a check")
    return render(
        request,
        "notifications/notification_verify.html",
        {"form": form, "nominal": nominal, "notification": notification},
    )


@casework_only
@require_http_methods(["GET", "POST"])
def requirement_tailor(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = _changeable(request, nominal_id)
    requirement_set = selectors.current_requirement_set(nominal=nominal)
    if requirement_set is None:
        raise Http404
    form = TailorForm(
        request.POST or None,
        items=selectors.requirement_items(),
        approvers=selectors.approver_choices(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_tailor(
                actor=request.user, requirement_set=requirement_set, **form.cleaned_data
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Requirement tailored: {form.cleaned_data['item']}")
            return redirect(_notifications_url(nominal.pk, "requirements"))
    elif request.method == "GET":
        log_page_reads(request, [nominal], "Opened the form to tailor requirements")
    return render(request, "notifications/tailor_form.html", {"form": form, "nominal": nominal})


@casework_only
@require_http_methods(["GET", "POST"])
def breach_create(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = _changeable(request, nominal_id)
    form = BreachForm(
        request.POST or None,
        requirements=selectors.requirement_items(),
        due_items=selectors.open_due_items_of(nominal=nominal),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_record(actor=request.user, nominal=nominal, **form.cleaned_data)
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, "Suspected breach recorded")
            return redirect(_notifications_url(nominal.pk, "breaches"))
    elif request.method == "GET":
        log_page_reads(request, [nominal], "Opened the form to record a breach")
    return render(request, "notifications/breach_form.html", {"form": form, "nominal": nominal})


def _open_breach(request: StaffRequest, nominal_id: str, breach_id: str) -> Breach:
    breach = selectors.breach_get(
        user=request.user, breach_id=breach_id, nominal_id=nominal_id, action="change"
    )
    if breach.status == BreachStatus.CLOSED:
        raise Http404  # nothing more to do to a closed breach
    return breach


@casework_only
@require_http_methods(["GET", "POST"])
def breach_escalate(request: StaffRequest, nominal_id: str, breach_id: str) -> HttpResponse:
    breach = _open_breach(request, nominal_id, breach_id)
    form = BreachEscalateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_escalate(
                actor=request.user,
                breach=breach,
                urgent_meeting=form.cleaned_data["urgent_meeting"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(
                request,
                "Breach escalated: urgent MAPP meeting requested"
                if form.cleaned_data["urgent_meeting"]
                else "Breach escalated",
            )
            return redirect(_notifications_url(breach.nominal_id, "breaches"))
    elif request.method == "GET":
        log_page_reads(request, [breach.nominal], "Opened a breach to escalate it")
    return render(
        request,
        "notifications/breach_escalate.html",
        {"form": form, "breach": breach, "nominal": breach.nominal},
    )


@casework_only
@require_http_methods(["GET", "POST"])
def breach_close(request: StaffRequest, nominal_id: str, breach_id: str) -> HttpResponse:
    breach = _open_breach(request, nominal_id, breach_id)
    form = BreachCloseForm(
        request.POST or None, convictions=selectors.convictions_of(nominal=breach.nominal)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_close(actor=request.user, breach=breach, **form.cleaned_data)
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Breach closed: {breach.get_outcome_display()}")
            return redirect(_notifications_url(breach.nominal_id, "breaches"))
    elif request.method == "GET":
        log_page_reads(request, [breach.nominal], "Opened a breach to close it")
    return render(
        request,
        "notifications/breach_close.html",
        {"form": form, "breach": breach, "nominal": breach.nominal},
    )


@casework_only
@require_http_methods(["GET", "POST"])
def due_item_waive(request: StaffRequest, nominal_id: str, item_id: str) -> HttpResponse:
    """Confirm, with a reason, that something due is waived (it is no longer flagged)."""
    item: DueItem = selectors.due_item_get(
        user=request.user, item_id=item_id, nominal_id=nominal_id, action="change"
    )
    if item.status not in selectors.OPEN_STATUSES or item.nominal.merged_into_id:
        raise Http404
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            closed = services.due_items_close(
                actor=request.user,
                kinds=[item.kind],
                subject=selectors.due_item_subject(item),
                status=DueStatus.WAIVED,
                reason=reason,
                waived_reason=reason,
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            if closed:
                messages.success(request, f"Waived: {item.title}")
            return redirect(_notifications_url(item.nominal_id, "due-items"))
    elif request.method == "GET":
        log_page_reads(request, [item.nominal], "Opened a due item to waive it")
    return render(
        request,
        "notifications/due_item_waive.html",
        {"form": form, "item": item, "nominal": item.nominal},
    )


@casework_only
@require_http_methods(["GET", "POST"])
def pause_create(request: StaffRequest, nominal_id: str) -> HttpResponse:
    """Record time in custody, in hospital or abroad (SOA 2003 s.83(6))."""
    nominal = _changeable(request, nominal_id)
    form = PauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_pause_record(
                actor=request.user, nominal=nominal, **form.cleaned_data
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, "Time recorded: the deadlines it covers have moved")
            return redirect(_notifications_url(nominal.pk, "pauses"))
    elif request.method == "GET":
        log_page_reads(request, [nominal], "Opened the form to record time disregarded")
    return render(request, "notifications/pause_form.html", {"form": form, "nominal": nominal})


# Review of indefinite notification requirements (SOA 2003 s.91A-F as applied) -------------


@casework_only
@require_http_methods(["GET", "POST"])
def indefinite_review(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = _changeable(request, nominal_id)
    period = selectors.indefinite_period(nominal=nominal)
    if period is None:
        raise Http404
    form = IndefiniteReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.indefinite_review_decide(
                actor=request.user, registration=period.registration, **form.cleaned_data
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, "Review decision recorded")
            return redirect(_notifications_url(nominal.pk, "requirements"))
    elif request.method == "GET":
        log_page_reads(request, [nominal], "Opened the review of indefinite requirements")
    return render(
        request,
        "notifications/indefinite_review_form.html",
        {"form": form, "nominal": nominal, "period": period},
    )
