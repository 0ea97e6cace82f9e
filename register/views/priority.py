"""The RFGV priority ranking: who to focus on first, for a team or the whole agency."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from register import page_helpers, selectors
from register.audit import log_page_reads
from register.forms import PriorityFilterForm
from register.models import Nominal
from register.requests import StaffRequest
from register.views.common import _page, _query_without, _require_roles_for

PARTS = ("recency", "frequency", "gravity", "victims")


@require_GET
def priority_list(request: StaffRequest) -> HttpResponse:
    _require_roles_for(request, Nominal, "view")
    form = PriorityFilterForm(
        request.GET or None, teams=list(page_helpers.team_choices(user=request.user))
    )
    team_id = form.cleaned_data["team"] if form.is_bound and form.is_valid() else None
    page = _page(
        request,
        selectors.nominal_list_filtered(user=request.user, team_id=team_id, sort="priority"),
    )
    log_page_reads(request, page.object_list, "Priority list viewed")
    rows = []
    for offset, nominal in enumerate(page.object_list):
        parts = nominal.priority_parts or {}
        rows.append(
            {
                "rank": page.start_index() + offset,
                "nominal": nominal,
                "parts": [(name.capitalize(), parts.get(name, 0.0)) for name in PARTS],
                "explanation": parts.get("explanation", []),
            }
        )
    return render(
        request,
        "register/priority_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "team_id": team_id,
            "query": _query_without(request.GET, "page"),
        },
    )
