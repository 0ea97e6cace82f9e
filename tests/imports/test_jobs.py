"""The import's jobs on a real Celery worker: the page flow end to end, two starts at once,
and a worker killed mid-import."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from config.celery import app
from imports import sample, services
from imports.models import ExternalReference, ImportRun, RunState
from register.models import Nominal, NominalName, Role
from tests import factories
from tests.base import login_verified
from tests.conftest import wait_for
from tests.core import processes
from tests.imports.helpers import checked_run, dumps, one_record, table_counts

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _run_state(run_id: Any) -> str:
    return ImportRun.objects.values_list("state", flat=True).get(pk=run_id)


def test_the_page_flow_checks_then_imports_with_the_worker(celery_worker_process: Any) -> None:
    agency = factories.agency("PF")
    admin = factories.staff(agency, Role.ADMINISTRATOR, username="admin.pf")
    client = Client()
    login_verified(client, admin)
    records = [one_record(external_ref=f"P{i}", pnc_id="") for i in range(4)]
    before = table_counts()

    response = client.post(
        reverse("import-upload"),
        {
            "file": SimpleUploadedFile("north.json", dumps(records).encode()),
            "format": "json",
            "source_system": "LEGACY",
        },
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    wait_for(lambda: _run_state(run.pk) == RunState.VALIDATED, 120, log=celery_worker_process)
    assert table_counts() == before  # the dry run wrote nothing
    report = client.get(reverse("import-run", args=[run.pk])).content.decode()
    assert "Import 4 records" in report

    confirm = client.get(reverse("import-run-import", args=[run.pk]))
    assert "4 people will be added to the register" in confirm.content.decode()
    refused = client.post(reverse("import-run-import", args=[run.pk]), {})
    assert "Confirm that you want to import these records" in refused.content.decode()
    assert _run_state(run.pk) == RunState.VALIDATED
    client.post(reverse("import-run-import", args=[run.pk]), {"confirm": "on"})
    wait_for(lambda: _run_state(run.pk) == RunState.DONE, 300, log=celery_worker_process)

    summary = client.get(reverse("import-run", args=[run.pk])).content.decode()
    assert "4 records imported" in summary
    assert "rows a second" in summary
    assert Nominal.objects.filter(lead_agency=agency).count() == 4
    assert "run_import" in celery_worker_process.log


def test_two_starts_at_once_queue_one_import() -> None:
    """Two administrators (or a double click) confirm together: one conditional UPDATE wins."""
    agency = factories.agency("TW")
    admin = factories.staff(agency, Role.ADMINISTRATOR, username="admin.tw")
    run = checked_run(admin, dumps([one_record(pnc_id="")]))
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def start() -> None:
        try:
            mine = ImportRun.objects.get(pk=run.pk)
            barrier.wait()
            results.append(services.import_run_start(actor=admin, run=mine))
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False, True]
    assert _run_state(run.pk) == RunState.IMPORTING


def test_a_worker_killed_mid_import_leaves_nothing_and_the_redelivered_job_finishes() -> None:
    """All-or-nothing is one transaction: the killed job's is rolled back by PostgreSQL; the
    message, acknowledged late, comes back to a new pool process, which imports everything."""
    agency = factories.agency("KL")
    admin = factories.staff(agency, Role.ADMINISTRATOR, username="admin.kl")
    total = 120
    run = checked_run(admin, sample.as_json(sample.records(total, seed=5)))
    assert run.can_import
    services.import_run_start(actor=admin, run=run)
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-import-kill"
    with processes.worker(
        queue=queue, env=processes.app_env(), pool="prefork", concurrency=1
    ) as worker:
        app.send_task("imports.tasks.run_import", args=[str(run.pk)], queue=queue)
        # Progress comes on its own connection (every 5% of the file) from inside the transaction.
        processes.wait_until(
            lambda: ImportRun.objects.get(pk=run.pk).processed >= total // 10,
            300,
            "a tenth of the records",
            worker,
        )
        pool_pid = ImportRun.objects.get(pk=run.pk).worker_pid
        assert pool_pid and pool_pid != worker.proc.pid
        os.kill(pool_pid, signal.SIGKILL)
        # Nothing of the killed transaction is left.
        processes.wait_until(
            lambda: ImportRun.objects.get(pk=run.pk).worker_pid != pool_pid,
            60,
            "redelivery",
            worker,
        )
        assert Nominal.objects.count() == 0 or _run_state(run.pk) == RunState.DONE
        processes.wait_until(
            lambda: _run_state(run.pk) == RunState.DONE, 600, "the import to finish", worker
        )
        assert "WorkerLostError" in worker.log
    run.refresh_from_db()
    assert (run.created, run.skipped) == (total, 0)
    assert Nominal.objects.count() == total
    assert ExternalReference.objects.filter(import_run=run).count() == total
    assert NominalName.objects.filter(kind="current").count() == total  # no half records
