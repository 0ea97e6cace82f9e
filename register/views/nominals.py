"""Nominal pages: the list, search, the profile, adding, changing, sharing and merging."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mfa.decorators import require_recent_authentication
from register import page_helpers, selectors, services
from register.api_conventions import check_page_version, page_version
from register.audit import log_page_reads
from register.errors import DomainError
from register.forms import (
    MergeChooseForm,
    MergeConfirmForm,
    NominalEditForm,
    NominalFilterForm,
    NominalForm,
    SearchForm,
    ShareForm,
)
from register.models import (
    Misidentification,
    Nominal,
    RiskTo,
    Typology,
    Vulnerability,
)
from register.requests import StaffRequest
from register.search import nominal_search
from register.views.common import (
    _apply_domain_error,
    _page,
    _query_without,
    _require_roles_for,
)

# Column sorts offered on the list (selectors.NOMINAL_SORTS): name toggles A-Z and Z-A.
LIST_SORTS = (
    ("name", "Name"),
    ("priority", "Priority"),
    ("risk", "Risk"),
    ("updated", "Last updated"),
)


# The list and search ------------------------------------------------------------------


@require_GET
def nominal_list(request: StaffRequest) -> HttpResponse:
    _require_roles_for(request, Nominal, "view")
    user = request.user
    form = NominalFilterForm(
        request.GET or None,
        officers=list(page_helpers.officer_choices(user=user)),
        teams=list(page_helpers.team_choices(user=user)),
    )
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {
            "officer_id": form.cleaned_data["officer"],
            "team_id": form.cleaned_data["team"],
            "risk_level": form.cleaned_data["risk_level"],
            "registration_status": form.cleaned_data["registration_status"],
        }
    sort = request.GET.get("sort", "name")
    if sort not in selectors.NOMINAL_SORTS:
        sort = "name"
    page = _page(request, selectors.nominal_list_filtered(user=user, sort=sort, **filters))
    log_page_reads(request, page.object_list, "Nominal list viewed")
    filter_query = _query_without(request.GET, "page", "sort")
    sort_links = []
    for key, label in LIST_SORTS:
        active = sort.lstrip("-") == key
        target = "-name" if key == "name" and sort == "name" else key
        separator = "&" if filter_query else ""
        sort_links.append(
            {
                "key": key,
                "label": label,
                "url": f"?{filter_query}{separator}sort={target}",
                "aria_sort": (
                    ("descending" if sort.startswith("-") or key != "name" else "ascending")
                    if active
                    else "none"
                ),
            }
        )
    return render(
        request,
        "register/nominal_list.html",
        {
            "page": page,
            "form": form,
            "filtered": any(filters.values()),
            "sort_links": sort_links,
            "query": _query_without(request.GET, "page"),
            "search_form": SearchForm(),
        },
    )


@require_GET
def nominal_search_page(request: StaffRequest) -> HttpResponse:
    _require_roles_for(request, Nominal, "view")
    form = SearchForm(request.GET or None)
    hits = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        hits = nominal_search(user=request.user, text=form.cleaned_data["q"])
        log_page_reads(
            request, [hit.nominal for hit in hits], f"Search: {form.cleaned_data['q']}"[:300]
        )
    return render(request, "register/nominal_search.html", {"form": form, "hits": hits})


# The profile ------------------------------------------------------------------------


def _profile_context(request: StaffRequest, nominal: Nominal) -> dict[str, Any]:
    actions = page_helpers.nominal_actions(user=request.user, nominal=nominal)
    can_change = "change" in actions and nominal.merged_into_id is None
    registrations = list(nominal.registrations.all())  # type: ignore[attr-defined]
    current = next((r for r in registrations if r.is_current), None)
    risk_assessments = list(nominal.risk_assessments.all())  # type: ignore[attr-defined]
    for assessment in risk_assessments:
        assessment.risk_to_labels = page_helpers.labels(  # type: ignore[attr-defined]
            RiskTo.choices, assessment.risk_to
        )
    names = list(nominal.names.all())  # type: ignore[attr-defined]
    return {
        "nominal": nominal,
        "can_change": can_change,
        "can_share": "share" in actions and nominal.merged_into_id is None,
        "shared_with": list(selectors.nominal_shared_with(nominal=nominal)),
        "history": page_helpers.nominal_history(nominal=nominal),
        "typologies": page_helpers.labels(Typology.choices, nominal.typologies),
        "vulnerabilities": page_helpers.labels(Vulnerability.choices, nominal.vulnerabilities),
        "misidentification": (
            Misidentification(nominal.possible_misidentified_victim).label
            if nominal.possible_misidentified_victim
            else ""
        ),
        "names": names,
        "risk_assessments": risk_assessments,
        "registrations": registrations,
        "current_registration": current,
    }


@require_GET
def nominal_detail(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = selectors.nominal_profile(user=request.user, nominal_id=nominal_id)
    log_page_reads(request, [nominal], "Nominal profile viewed")
    return render(request, "register/nominal_detail.html", _profile_context(request, nominal))


# Adding and changing the person ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def nominal_create(request: StaffRequest) -> HttpResponse:
    """Add a person; if they may already be on the register, say so and ask before saving."""
    _require_roles_for(request, Nominal, "change")
    form = NominalForm(request.POST or None)
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = services.possible_duplicates(
            user=request.user,
            given_names=data["given_names"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
            ni_number=data["ni_number"],
            pnc_id=data["pnc_id"],
        )
        found = sorted(str(d.nominal.pk) for d in duplicates)
        shown = sorted(filter(None, (data.get("duplicates_shown") or "").split(",")))
        # A confirmation counts only for the records the user was actually shown.
        confirmed = data["confirm_different"] and set(found) <= set(shown)
        if duplicates and not confirmed:
            if shown and set(found) <= set(shown):
                form.add_error(
                    "confirm_different",
                    "Confirm this is a different person, or open the existing record",
                )
            shown_again = request.POST.copy()
            shown_again["duplicates_shown"] = ",".join(found)
            shown_again["confirm_different"] = ""
            form.data = shown_again
        else:
            try:
                nominal = services.nominal_create(actor=request.user, **form.record_fields())
            except DomainError as error:
                _apply_domain_error(form, error)
            else:
                messages.success(request, f"{nominal} added to the register")
                return redirect("nominal-detail", nominal_id=nominal.pk)
    if duplicates:
        log_page_reads(request, [d.nominal for d in duplicates], "Possible duplicates shown")
    return render(request, "register/nominal_form.html", {"form": form, "duplicates": duplicates})


@require_http_methods(["GET", "POST"])
def nominal_edit(request: StaffRequest, nominal_id: str) -> HttpResponse:
    nominal = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
    if nominal.merged_into_id:
        raise Http404
    title = str(nominal)  # a refused save may change the instance in memory
    form = NominalEditForm(
        request.POST or None,
        instance=nominal,
        officers=page_helpers.responsible_officer_choices(nominal=nominal),
    )
    version = page_version(request, nominal)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                check_page_version(request.POST.get("version"), nominal)
                services.nominal_update(
                    actor=request.user,
                    nominal=nominal,
                    reason=form.cleaned_data["reason"],
                    **form.service_data(),
                )
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Details of {nominal} updated")
            return redirect("nominal-detail", nominal_id=nominal.pk)
    elif request.method == "GET":
        log_page_reads(request, [nominal], "Nominal opened to change")
    return render(
        request,
        "register/nominal_edit.html",
        {"form": form, "nominal": nominal, "title": title, "version": version},
    )


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


# Merging two records of the same person ------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_recent_authentication()
def nominal_merge(request: StaffRequest, nominal_id: str) -> HttpResponse:
    """Choose the duplicate by register ID, confirm with both records side by side, merge.

    The record on this page is kept; the duplicate's details move to it and the
    duplicate stays, marked as merged, with its history.
    """
    keep = selectors.nominal_get(user=request.user, nominal_id=nominal_id, action="change")
    if keep.merged_into_id:
        raise Http404
    if request.method == "POST":
        confirm = MergeConfirmForm(request.POST)
        duplicate = _merge_candidate(request, keep, request.POST.get("duplicate", ""))
        if duplicate is None:
            raise Http404
        if confirm.is_valid():
            try:
                services.nominal_merge(
                    actor=request.user,
                    keep=keep,
                    duplicate=duplicate,
                    reason=confirm.cleaned_data["reason"],
                )
            except DomainError as error:
                _apply_domain_error(confirm, error)
            else:
                messages.success(request, f"{duplicate} merged into this record")
                return redirect("nominal-detail", nominal_id=keep.pk)
        return _merge_confirm(request, keep, duplicate, confirm)

    choose = MergeChooseForm(request.GET or None)
    if choose.is_bound and choose.is_valid():
        duplicate = _merge_candidate(request, keep, choose.cleaned_data["duplicate"])
        if duplicate is None:
            choose.add_error(
                "duplicate", "There is no other record with that register ID that you can change"
            )
        else:
            confirm = MergeConfirmForm(initial={"duplicate": duplicate.pk})
            return _merge_confirm(request, keep, duplicate, confirm)
    suggestions = [
        d
        for d in services.possible_duplicates(
            user=request.user,
            given_names=keep.given_names,
            family_name=keep.family_name,
            date_of_birth=keep.date_of_birth,
            ni_number=keep.ni_number,
            pnc_id=keep.pnc_id,
        )
        if d.nominal.pk != keep.pk
    ]
    log_page_reads(request, [keep, *(d.nominal for d in suggestions)], "Merge: choosing duplicate")
    return render(
        request,
        "register/nominal_merge.html",
        {"form": choose, "nominal": keep, "suggestions": suggestions},
    )


def _merge_candidate(request: StaffRequest, keep: Nominal, duplicate_id: Any) -> Nominal | None:
    if str(duplicate_id) == str(keep.pk):
        return None
    try:
        duplicate = selectors.nominal_get(
            user=request.user, nominal_id=duplicate_id, action="change"
        )
    except Http404:
        return None
    return None if duplicate.merged_into_id else duplicate


def _merge_confirm(
    request: StaffRequest, keep: Nominal, duplicate: Nominal, form: MergeConfirmForm
) -> HttpResponse:
    log_page_reads(request, [keep, duplicate], "Merge: comparing records")
    return render(
        request,
        "register/nominal_merge_confirm.html",
        {"form": form, "nominal": keep, "duplicate": duplicate},
    )
