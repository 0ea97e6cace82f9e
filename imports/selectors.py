"""Reads of import runs, scoped to the user: an agency's administrators see its runs only."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from imports.models import ImportRun
from register.models import Role, StaffUser


def _scoped(user: StaffUser) -> QuerySet[ImportRun]:
    if not (user.is_active and user.has_role(Role.ADMINISTRATOR)):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(agency_id=user.agency_id).select_related("created_by")


def import_runs(*, user: StaffUser) -> QuerySet[ImportRun]:
    """The runs of the user's agency, for its administrators; nothing for anyone else. Lists
    never need the uploaded file or the report, so neither is read."""
    return _scoped(user).defer("content", "errors", "skipped_refs")


def import_run_get(
    *, user: StaffUser, run_id: str | uuid.UUID, with_report: bool = True
) -> ImportRun:
    """One run (with its report unless told not to: progress polls need only the counts), or
    404 whether it is missing or another agency's."""
    runs = _scoped(user).defer("content") if with_report else import_runs(user=user)
    try:
        return runs.get(pk=run_id)
    except (ImportRun.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
