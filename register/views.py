"""Staff pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.db import connection
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from register import access, selectors, services
from register.audit import log_page_reads
from register.errors import DomainError
from register.forms import (
    AccessLogSearchForm,
    DeactivateForm,
    NominalForm,
    ShareForm,
    SignInForm,
    StaffUserForm,
)
from register.models import Nominal, Role
from register.requests import StaffRequest

PAGE_SIZE = 25


def _apply_domain_error(form: Form, error: DomainError) -> None:
    """Put each message next to its field; messages for fields the form lacks go on top."""
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _require_role(request: StaffRequest, role: str) -> None:
    """Pages for one role answer 404 to everyone else, like a forbidden record."""
    if not request.user.has_role(role):
        raise Http404


def _require_roles_for(request: StaffRequest, model: type, action: access.Action) -> None:
    """A section the user's roles do not open answers 404, like a forbidden record."""
    if not access.roles_allow(request.user, model, action):
        raise Http404


def _page(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> Any:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and `make run`: the database answers and the scheduler is alive."""
    from notifications.selectors import last_heartbeat

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = last_heartbeat()
    return JsonResponse(
        {
            "database": "ok",
            "scheduler_last_ran": beat.isoformat() if beat else None,
            "checked_at": timezone.now().isoformat(),
        }
    )


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "register/accessibility.html")


class SignInView(LoginView):
    template_name = "registration/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@require_GET
def home(request: StaffRequest) -> HttpResponse:
    return render(request, "register/home.html")


# Nominals --------------------------------------------------------------------


@require_GET
def nominal_list(request: StaffRequest) -> HttpResponse:
    _require_roles_for(request, Nominal, "view")
    page = _page(request, selectors.nominal_list(user=request.user))
    log_page_reads(request, page.object_list, "Nominal list viewed")
    return render(request, "register/nominal_list.html", {"page": page})


@require_GET
def nominal_detail(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id)
    log_page_reads(request, [nominal], "Nominal profile viewed")
    shared_with = list(selectors.nominal_shared_with(nominal=nominal))
    history = list(
        nominal.history.select_related("history_user").order_by("-history_date")[:20]  # type: ignore[attr-defined]
    )
    return render(
        request,
        "register/nominal_detail.html",
        {"nominal": nominal, "shared_with": shared_with, "history": history},
    )


@require_http_methods(["GET", "POST"])
def nominal_create(request: StaffRequest) -> HttpResponse:
    _require_roles_for(request, Nominal, "change")
    form = NominalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            nominal = services.nominal_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"{nominal} added to the register")
            return redirect("nominal-detail", nominal_id=nominal.pk)
    return render(request, "register/nominal_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def nominal_share(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="share")
    form = ShareForm(
        request.POST or None, agencies=selectors.agencies_to_share_with(nominal=nominal)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.nominal_share(actor=request.user, nominal=nominal, **form.cleaned_data)
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Shared with {form.cleaned_data['agency'].name}")
            return redirect("nominal-detail", nominal_id=nominal.pk)
    return render(request, "register/nominal_share.html", {"form": form, "nominal": nominal})


# Staff (administrators, own agency only) ---------------------------------------


@require_GET
def staff_list(request: StaffRequest) -> HttpResponse:
    _require_role(request, Role.ADMINISTRATOR)
    page = _page(request, selectors.staff_list(user=request.user).filter(is_api_client=False))
    return render(request, "register/staff_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def staff_create(request: StaffRequest) -> HttpResponse:
    _require_role(request, Role.ADMINISTRATOR)
    form = StaffUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.staff_user_create(
                actor=request.user,
                agency=request.user.agency,
                **form.cleaned_data,
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Account created for {user}")
            return redirect("staff-list")
    return render(request, "register/staff_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def staff_edit(request: StaffRequest, staff_id: int) -> HttpResponse:
    member = selectors.staff_get(user=request.user, staff_id=staff_id)
    initial = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "roles": member.roles,
    }
    form = StaffUserForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_user_update(actor=request.user, user=member, **form.cleaned_data)
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Account updated for {member}")
            return redirect("staff-list")
    return render(request, "register/staff_form.html", {"form": form, "member": member})


@require_http_methods(["GET", "POST"])
def staff_set_active(request: StaffRequest, staff_id: int) -> HttpResponse:
    """Confirm, then disable or re-enable an account."""
    member = selectors.staff_get(user=request.user, staff_id=staff_id)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_user_set_active(
                actor=request.user,
                user=member,
                active=not member.is_active,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            state = "enabled" if member.is_active else "disabled"
            messages.success(request, f"Account {state} for {member}")
            return redirect("staff-list")
    return render(request, "register/staff_confirm_active.html", {"form": form, "member": member})


# Audit ---------------------------------------------------------------------------


@require_GET
def audit_log(request: StaffRequest) -> HttpResponse:
    _require_role(request, Role.AUDITOR)
    form = AccessLogSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    logs = selectors.access_log_search(user=request.user, **filters)
    page = _page(request, logs, per_page=50) if not form.errors else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "register/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
