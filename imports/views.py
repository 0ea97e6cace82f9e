"""Administrators' pages: upload, watch the check, read the report, import, read the summary.

Every run is read through imports.selectors: another agency's run, or anyone who is not an
administrator, gets 404.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from imports import conf, selectors, services, tasks
from imports.forms import ConfirmForm, UploadForm
from imports.models import ImportRun
from register.errors import DomainError
from register.models import Role
from register.requests import StaffRequest
from register.views.common import _apply_domain_error, _page, _require_role


@require_GET
def run_list(request: StaffRequest) -> HttpResponse:
    _require_role(request, Role.ADMINISTRATOR)
    page = _page(request, selectors.import_runs(user=request.user))
    return render(request, "imports/run_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def run_upload(request: StaffRequest) -> HttpResponse:
    _require_role(request, Role.ADMINISTRATOR)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with transaction.atomic():
                run = services.import_run_create(
                    actor=request.user,
                    file_name=upload.name,
                    content=upload.text,
                    format=form.cleaned_data["format"],
                    source_system=form.cleaned_data["source_system"],
                )
                transaction.on_commit(lambda: tasks.check_import.delay(str(run.pk)))
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Checking {run.file_name}: nothing is imported yet")
            return redirect("import-run", run_id=run.pk)
    return render(request, "imports/run_upload.html", {"form": form})


def _run_context(run: ImportRun) -> dict[str, object]:
    shown = conf.errors_shown()
    return {
        "run": run,
        "errors": run.errors[:shown],
        "more_errors": max(len(run.errors) - shown, 0),
        "progress_url": reverse("import-run-progress", args=[run.pk]),
    }


@require_GET
def run_detail(request: StaffRequest, run_id: str) -> HttpResponse:
    run = selectors.import_run_get(user=request.user, run_id=run_id)
    return render(request, "imports/run_detail.html", _run_context(run))


@require_GET
def run_progress(request: StaffRequest, run_id: str) -> JsonResponse:
    """What the run page polls (static/imports.js) while a job runs."""
    run = selectors.import_run_get(user=request.user, run_id=run_id, with_report=False)
    return JsonResponse(
        {
            "state": run.state,
            "state_label": run.get_state_display(),
            "processed": run.processed,
            "records": run.records,
            "in_progress": run.in_progress,
        }
    )


@require_GET
def run_errors_csv(request: StaffRequest, run_id: str) -> HttpResponse:
    run = selectors.import_run_get(user=request.user, run_id=run_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-errors-{run.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["row", "external_ref", "field", "message"])
    for error in run.errors:
        writer.writerow([error["row"], error["external_ref"], error["field"], error["message"]])
    return response


@require_http_methods(["GET", "POST"])
def run_import(request: StaffRequest, run_id: str) -> HttpResponse:
    """Confirm, then queue the import of a checked run."""
    run = selectors.import_run_get(user=request.user, run_id=run_id)
    if not run.can_import and request.method == "GET":
        raise Http404
    # A POST with the box unticked is empty, and an empty QueryDict is falsy: bind on the method.
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if services.import_run_start(actor=request.user, run=run):
                    transaction.on_commit(lambda: tasks.run_import.delay(str(run.pk)))
        except DomainError as error:
            _apply_domain_error(form, error)
        else:
            messages.success(request, f"Importing {run.to_import:,} records from {run.file_name}")
            return redirect("import-run", run_id=run.pk)
    return render(request, "imports/run_import.html", {"run": run, "form": form})
