"""The import's jobs. Thin: each calls a service that is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from imports import services
from imports.models import ImportRun, RunState

logger = logging.getLogger(__name__)


def _mark_failed(run_id: str, state: str, exc: Exception) -> None:
    ImportRun.objects.filter(pk=run_id, state=state).update(
        state=RunState.FAILED,
        failure=f"The job stopped on an unexpected error ({type(exc).__name__}). An "
        "all-or-nothing import kept nothing. Tell the service desk.",
        finished_at=timezone.now(),
    )


@shared_task
def check_import(run_id: str) -> None:
    """The dry run: check every record; writes nothing of the register."""
    try:
        services.import_run_validate(run_id=run_id)
    except Exception as exc:
        logger.exception("Checking import run %s failed", run_id)
        _mark_failed(run_id, RunState.VALIDATING, exc)
        raise


@shared_task
def run_import(run_id: str) -> None:
    """Import a run someone started. A redelivered message (the worker died) starts again: the
    dead job's transaction was rolled back, or its committed batches are skipped."""
    try:
        services.import_run_execute(run_id=run_id)
    except Exception as exc:
        logger.exception("Import run %s failed", run_id)
        _mark_failed(run_id, RunState.IMPORTING, exc)
        raise
