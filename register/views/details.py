"""Add, change and remove every kind of detail recorded about a nominal (services.DETAIL_KINDS).

One set of pages for names, addresses, convictions, civil orders and the
rest: the form is built from the kind's model and fields, and every write
goes through services.nominal_detail_add / _update / _remove.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from register import page_helpers, selectors, services
from register.api_conventions import check_page_version, page_version
from register.audit import log_page_reads
from register.errors import DomainError
from register.forms import RemoveForm, detail_form_class
from register.models import CivilOrder, Nominal
from register.requests import StaffRequest
from register.services.details import DetailKind
from register.views.common import _apply_domain_error

# Where each kind of detail is shown on the profile page.
PROFILE_SECTIONS = {
    "names": "names",
    "addresses": "addresses",
    "contact-details": "contact-details",
    "vehicles": "vehicles",
    "financial-accounts": "financial",
    "identity-documents": "identity-documents",
    "household-members": "household",
    "convictions": "offences",
    "incidents": "incidents",
    "civil-orders": "civil-orders",
    "order-conditions": "civil-orders",
    "order-breaches": "civil-orders",
    "risk-assessments": "risk",
}


def _spec(kind: str) -> DetailKind:
    if kind not in services.DETAIL_KINDS:
        raise Http404
    return services.DETAIL_KINDS[kind]


def _with_article(label: str) -> str:
    return f"{'an' if label[:1] in 'aeiou' else 'a'} {label}"


def _profile_url(nominal: Nominal, kind: str) -> str:
    return f"{reverse('nominal-detail', args=[nominal.pk])}#{PROFILE_SECTIONS[kind]}"


def _changeable_nominal(request: StaffRequest, nominal_id: str) -> Nominal:
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
    if nominal.merged_into_id:
        raise Http404  # a merged record is kept as it was; change the record it was merged into
    return nominal


def _changeable_detail(
    request: StaffRequest, spec: DetailKind, nominal_id: str, detail_id: str
) -> tuple[Any, Nominal]:
    """The detail through its nominal's grant, and that it belongs to the nominal in the URL."""
    detail = selectors.nominal_detail_get(
        user=request.user, kind=spec.slug, detail_id=detail_id, action="change"
    )
    nominal = spec.nominal_of(detail)
    if str(nominal.pk) != str(nominal_id) or nominal.merged_into_id:
        raise Http404
    return detail, nominal


def _form_kwargs(
    request: StaffRequest, spec: DetailKind, nominal: Nominal, detail: Any = None
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if "offence" in spec.fields:
        kwargs["offences"] = page_helpers.offence_choices(
            current_id=getattr(detail, "offence_id", None)
        )
    if "conviction" in spec.fields or "consecutive_to" in spec.fields:
        convictions = page_helpers.nominal_convictions(nominal=nominal)
        # A sentence cannot run consecutively to itself.
        kwargs["convictions"] = convictions.exclude(pk=detail.pk) if detail else convictions
    if "assessor" in spec.fields or "compliance_officer" in spec.fields:
        kwargs["assessors"] = page_helpers.assessor_choices(nominal=nominal)
    if spec.parent_field != "nominal" and detail is None:
        kwargs["orders"] = page_helpers.nominal_orders(nominal=nominal)
    return kwargs


def _render_form(
    request: StaffRequest, spec: DetailKind, nominal: Nominal, form: Any, detail: Any = None
) -> HttpResponse:
    heading = (
        f"Change {_with_article(spec.label)}"
        if detail is not None
        else f"Add {_with_article(spec.label)}"
    )
    return render(
        request,
        "register/detail_form.html",
        {
            "form": form,
            "nominal": nominal,
            "spec": spec,
            "detail": detail,
            "heading": heading[:1].upper() + heading[1:],
            "parent": getattr(detail, spec.parent_field, None)
            if detail is not None and spec.parent_field != "nominal"
            else None,
            "back_url": _profile_url(nominal, spec.slug),
            "version": page_version(request, detail) if detail is not None else "",
        },
    )


@require_http_methods(["GET", "POST"])
def detail_add(request: StaffRequest, nominal_id: str, kind: str) -> HttpResponse:
    spec = _spec(kind)
    nominal = _changeable_nominal(request, nominal_id)
    initial = {"order": request.GET.get("order")} if spec.parent_field != "nominal" else {}
    form = detail_form_class(kind)(
        request.POST or None, initial=initial, **_form_kwargs(request, spec, nominal)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.nominal_detail_add(
                actor=request.user,
                nominal=nominal,
                kind=kind,
                data=form.service_data(),
                reason=form.cleaned_data["reason"],
                parent=form.cleaned_data.get("order") if spec.parent_field != "nominal" else None,
            )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"{spec.label[:1].upper()}{spec.label[1:]} added")
            return redirect(_profile_url(nominal, kind))
    return _render_form(request, spec, nominal, form)


@require_http_methods(["GET", "POST"])
def detail_edit(request: StaffRequest, nominal_id: str, kind: str, detail_id: str) -> HttpResponse:
    spec = _spec(kind)
    detail, nominal = _changeable_detail(request, spec, nominal_id, detail_id)
    form = detail_form_class(kind)(
        request.POST or None, instance=detail, **_form_kwargs(request, spec, nominal, detail)
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                check_page_version(request.POST.get("version"), detail, first=[nominal])
                services.nominal_detail_update(
                    actor=request.user,
                    kind=kind,
                    detail=detail,
                    data=form.service_data(),
                    reason=form.cleaned_data["reason"],
                )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"{spec.label[:1].upper()}{spec.label[1:]} updated")
            return redirect(_profile_url(nominal, kind))
    elif request.method == "GET":
        log_page_reads(request, [nominal], f"Opened a {spec.label} to change")
    return _render_form(request, spec, nominal, form, detail)


@require_http_methods(["GET", "POST"])
def detail_remove(
    request: StaffRequest, nominal_id: str, kind: str, detail_id: str
) -> HttpResponse:
    """A confirmation page with a reason: nothing is removed by following a link."""
    spec = _spec(kind)
    detail, nominal = _changeable_detail(request, spec, nominal_id, detail_id)
    description = str(detail)
    version = page_version(request, detail)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                check_page_version(request.POST.get("version"), detail, first=[nominal])
                services.nominal_detail_remove(
                    actor=request.user,
                    kind=kind,
                    detail=detail,
                    reason=form.cleaned_data["reason"],
                )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"{spec.label[:1].upper()}{spec.label[1:]} removed")
            return redirect(_profile_url(nominal, kind))
    elif request.method == "GET":
        log_page_reads(request, [nominal], f"Opened a {spec.label} to remove")
    also_removed: list[str] = []
    if isinstance(detail, CivilOrder):
        conditions, breaches = detail.conditions.count(), detail.breaches.count()
        if conditions:
            also_removed.append(f"{conditions} condition{'s' if conditions != 1 else ''}")
        if breaches:
            also_removed.append(f"{breaches} breach{'es' if breaches != 1 else ''}")
    return render(
        request,
        "register/detail_remove.html",
        {
            "form": form,
            "nominal": nominal,
            "spec": spec,
            "description": description,
            "label_with_article": _with_article(spec.label),
            "also_removed": also_removed,
            "back_url": _profile_url(nominal, kind),
            "version": version,
        },
    )
