"""Sign-in, home, accessibility, staff administration and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from register import selectors, services
from register.errors import DomainError
from register.forms import (
    AccessLogSearchForm,
    DeactivateForm,
    SignInForm,
    StaffUserForm,
)
from register.models import Role
from register.requests import StaffRequest
from register.views.common import _apply_domain_error, _page, _require_role


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
            invited = f": an invitation was e-mailed to {user.email}"
            if user.has_usable_password():
                invited = ""
            messages.success(request, f"Account created for {user}{invited}")
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
    if not request.user.has_role(Role.AUDITOR, Role.NATIONAL_AUDITOR):
        raise Http404
    form = AccessLogSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    logs = selectors.access_log_search(user=request.user, **filters)
    page = _page(request, logs, per_page=50) if not form.errors else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "register/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
