"""Administrators manage their own agency's partner systems: create, scopes, rotate, revoke.

A token is shown once, on the page that answers the create or rotate, and never again:
only its hash is stored, so it is never put in the session, a message or a URL. Another
agency's client, or any of these pages for someone who is not an administrator, is 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from register import services
from register.errors import DomainError
from register.forms import GovukFormMixin, ReasonField
from register.models import ApiClient, ApiClientKey, ApiScope, Role
from register.requests import StaffRequest
from register.views.common import _apply_domain_error, _require_role

# What a partner system may act as: never an administrator or auditor of the agency.
CLIENT_ROLES = [
    (r.value, r.label)
    for r in Role
    if r not in (Role.ADMINISTRATOR, Role.AUDITOR, Role.NATIONAL_AUDITOR, Role.SUPERVISOR)
]


def api_clients_of(user: Any) -> QuerySet[ApiClient]:
    """The partner systems of the administrator's own agency, with their keys."""
    return (
        ApiClient.objects.filter(user__agency_id=user.agency_id)
        .select_related("user")
        .prefetch_related(Prefetch("keys", queryset=ApiClientKey.objects.order_by("-created_at")))
        .order_by("name", "pk")
    )


def _client(request: StaffRequest, client_id: int) -> ApiClient:
    _require_role(request, Role.ADMINISTRATOR)
    return get_object_or_404(api_clients_of(request.user), pk=client_id)


class ScopesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", ApiScope.choices)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "Only what the system needs. Its roles and your agency's access still apply.",
        )
        super().__init__(**kwargs)


class RateField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Requests allowed (optional)")
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "For example 600/min. Leave blank for the usual rate.")
        super().__init__(**kwargs)


class ApiClientCreateForm(GovukFormMixin, forms.Form):
    name = forms.CharField(
        label="Name of the partner system",
        max_length=200,
        error_messages={"required": "Enter the name of the partner system"},
    )
    roles = forms.MultipleChoiceField(
        label="Acts as",
        choices=CLIENT_ROLES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role"},
    )
    scopes = ScopesField()
    days = forms.IntegerField(
        label="Days the key works (optional)",
        required=False,
        min_value=1,
        max_value=366,
        help_text="Leave blank for the usual period.",
        error_messages={
            "min_value": "Enter a number of days from 1 to 366",
            "max_value": "Enter a number of days from 1 to 366",
            "invalid": "Enter a number of days from 1 to 366",
        },
    )
    rate = RateField()
    reason = ReasonField(label="Why does this system need access?")


class ApiClientEditForm(GovukFormMixin, forms.Form):
    scopes = ScopesField()
    rate = RateField()
    reason = ReasonField()


class ApiClientConfirmForm(GovukFormMixin, forms.Form):
    reason = ReasonField(label="Reason")


@require_GET
def api_client_list(request: StaffRequest) -> HttpResponse:
    _require_role(request, Role.ADMINISTRATOR)
    clients = list(api_clients_of(request.user))
    return render(
        request,
        "register/api_clients/list.html",
        {"clients": clients, "now": timezone.now()},
    )


def _token_page(request: StaffRequest, client: ApiClient, key: ApiClientKey, token: str) -> Any:
    return render(
        request, "register/api_clients/token.html", {"client": client, "key": key, "token": token}
    )


@require_http_methods(["GET", "POST"])
def api_client_create(request: StaffRequest) -> HttpResponse:
    _require_role(request, Role.ADMINISTRATOR)
    form = ApiClientCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client, token = services.api_client_create(
                actor=request.user,
                agency=request.user.agency,
                name=data["name"],
                roles=data["roles"],
                scopes=data["scopes"],
                days=data["days"],
                rate=data["rate"],
                reason=data["reason"],
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            return _token_page(request, client, client.keys.get(), token)
    return render(request, "register/api_clients/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def api_client_detail(request: StaffRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    form = ApiClientEditForm(
        request.POST or None, initial={"scopes": client.scopes, "rate": client.rate}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.api_client_update(
                actor=request.user,
                client=client,
                scopes=form.cleaned_data["scopes"],
                rate=form.cleaned_data["rate"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Scopes of {client.name} saved")
            return redirect("api-client-list")
    history = client.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "register/api_clients/form.html",
        {"form": form, "client": client, "history": history, "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
def api_client_rotate(request: StaffRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    form = ApiClientConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, token = services.api_client_rotate(
                actor=request.user, client=client, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            return _token_page(request, client, key, token)
    return render(
        request,
        "register/api_clients/confirm.html",
        {
            "form": form,
            "client": client,
            "action": "rotate",
            "overlap_hours": f"{settings.API_CLIENT_ROTATION_OVERLAP_HOURS} hours",
        },
    )


@require_http_methods(["GET", "POST"])
def api_client_revoke(request: StaffRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    form = ApiClientConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.api_client_revoke(
                actor=request.user, client=client, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"{client.name} revoked: its keys no longer work")
            return redirect("api-client-list")
    return render(
        request,
        "register/api_clients/confirm.html",
        {"form": form, "client": client, "action": "revoke"},
    )
