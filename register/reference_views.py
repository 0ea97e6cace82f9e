"""Administrators' pages for reference data: offences, criteria sets, RFGV weights."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from register.errors import DomainError
from register.forms import GovukFormMixin, ReasonField
from register.models import CriteriaSet, Offence, Role
from register.policy import figures
from register.requests import StaffRequest
from register.services import reference
from register.views.common import _apply_domain_error as apply_domain_error


def _administrators_only(request: StaffRequest) -> None:
    if not request.user.has_role(Role.ADMINISTRATOR):
        raise Http404


def _form_class(model: type, fields: tuple[str, ...]) -> type[forms.ModelForm[Any]]:
    return forms.modelform_factory(
        model,
        form=type("Form", (GovukFormMixin, forms.ModelForm), {"reason": ReasonField()}),
        fields=fields,
    )


def _edit(
    request: StaffRequest,
    instance: Any,
    fields: tuple[str, ...],
    save: Any,
    template: str,
    back: str,
    **context: Any,
) -> HttpResponse:
    form = _form_class(type(instance), fields)(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in fields}
        try:
            save(data=data, reason=form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Saved")
            return redirect(back)
    return render(request, template, {"form": form, **context})


@require_GET
def offence_list(request: StaffRequest) -> HttpResponse:
    _administrators_only(request)
    page = Paginator(Offence.objects.order_by("statute", "section"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "register/reference/offence_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def offence_edit(request: StaffRequest, offence_id: int) -> HttpResponse:
    _administrators_only(request)
    offence = get_object_or_404(Offence, pk=offence_id)
    # The form must not see the edited instance's unsaved changes on failure.
    original = Offence.objects.get(pk=offence.pk)
    return _edit(
        request,
        offence,
        reference.OFFENCE_FIELDS,
        lambda data, reason: reference.offence_update(
            actor=request.user, offence=original, data=data, reason=reason
        ),
        "register/reference/edit.html",
        "reference-offences",
        title=f"Change {original}",
    )


@require_GET
def criteria_list(request: StaffRequest) -> HttpResponse:
    _administrators_only(request)
    return render(
        request,
        "register/reference/criteria_list.html",
        {"criteria_sets": CriteriaSet.objects.all()},
    )


@require_http_methods(["GET", "POST"])
def criteria_edit(request: StaffRequest, key: str) -> HttpResponse:
    _administrators_only(request)
    criteria = get_object_or_404(CriteriaSet, key=key)
    original = CriteriaSet.objects.get(pk=criteria.pk)
    return _edit(
        request,
        criteria,
        reference.CRITERIA_FIELDS,
        lambda data, reason: reference.criteria_set_update(
            actor=request.user, criteria_set=original, data=data, reason=reason
        ),
        "register/reference/edit.html",
        "reference-criteria",
        title=f"Change {original}",
    )


@require_http_methods(["GET", "POST"])
def priority_weights_edit(request: StaffRequest) -> HttpResponse:
    _administrators_only(request)
    from register.priority import weights_row

    current = weights_row(request.user.agency_id)
    return _edit(
        request,
        current,
        reference.WEIGHT_FIELDS,
        lambda data, reason: reference.priority_weights_set(
            actor=request.user, data=data, reason=reason
        ),
        "register/reference/edit.html",
        "reference-priority-weights",
        title=f"Priority weights for {request.user.agency.name}",
        hint=(
            "Recency, frequency, gravity and victims each score from 0 to 1 and are multiplied "
            "by their weight. Scores on the register follow overnight."
            + (
                ""
                if current.agency_id == request.user.agency_id
                else " Your agency uses the national defaults until you save its own."
            )
        ),
    )


@require_GET
def rule_figures(request: StaffRequest) -> HttpResponse:
    """Every deadline, period and guide the register applies, each marked law or policy.

    Read-only and about no record, so every signed-in member of staff may read it:
    officers are better for knowing which deadlines are statute and which are local.
    """
    areas = [
        (area, [(figure, figure.value()) for figure in group])
        for area, group in groupby(figures(), key=lambda f: f.area)
    ]
    return render(request, "register/reference/rule_figures.html", {"areas": areas})
