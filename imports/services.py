"""Every write of the bulk import: make a run, check it (dry run), import it.

The register's data is written only by `import_run_execute`, through the register's services
(history and change reason on every row, the lead agency's grants, due items and events),
acting as the administrator who ran the import. Two modes (docs/import.md):

- all-or-nothing (IMPORTS_ALL_OR_NOTHING, the default): the whole import is ONE transaction.
  Any bad record, or any refusal by a service, rolls everything back. A worker killed mid-way
  leaves nothing (PostgreSQL rolls the open transaction back); the redelivered job starts again.
- otherwise: resumable batches of IMPORTS_BATCH_SIZE records, each committed on its own; a bad
  record is reported and left out; a rerun skips what an earlier attempt committed.

Either way an ExternalReference, unique on (source system, reference), is written with each
person, so the same record is never imported twice.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone

from imports import conf
from imports.formats import Parsed, parse, row_error
from imports.models import ExternalReference, ImportFormat, ImportRun, RunState
from imports.validation import ValidRecord, check_record
from register import access, events
from register.audit import save_with_history
from register.errors import DomainError
from register.models import Nominal, Role, StaffUser
from register.services import full_clean, nominal_detail_add
from register.services.nominals import _apply as apply_nominal
from register.services.nominals import _grant, _sync_current_name

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]
PROGRESS_EVERY = 100


def _progress_every(total: int) -> int:
    """Progress is written every 5% of the records, and at least every 100."""
    return max(1, min(PROGRESS_EVERY, total // 20))


MAX_SOURCE_SYSTEM = 50


def _require_administrator(actor: StaffUser) -> None:
    if not (actor.is_active and actor.has_role(Role.ADMINISTRATOR)):
        raise DomainError("Only an administrator can import records from a legacy register")


def import_run_create(
    *,
    actor: StaffUser,
    file_name: str,
    content: str,
    format: str,
    source_system: str,
) -> ImportRun:
    """A run to check: nothing of the register is written until someone asks to import it."""
    _require_administrator(actor)
    errors: dict[str | None, list[str]] = {}
    if format not in ImportFormat.values:
        errors["format"] = ["Choose CSV or JSON"]
    source_system = (source_system or "").strip().upper()
    if not source_system:
        errors["source_system"] = ["Enter the name of the legacy system, like LEGACY-NMP"]
    elif len(source_system) > MAX_SOURCE_SYSTEM:
        errors["source_system"] = [f"Must be {MAX_SOURCE_SYSTEM} characters or fewer"]
    if not content.strip():
        errors["file"] = ["The file is empty"]
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=field, errors=errors)
    return ImportRun.objects.create(
        created_by=actor,
        agency_id=actor.agency_id,
        file_name=file_name[:255],
        format=format,
        source_system=source_system,
        content=content,
        all_or_nothing=conf.all_or_nothing(),
    )


def change_reason(run: ImportRun) -> str:
    """What every history row the import writes says."""
    return f"Imported from {run.source_system} file {run.file_name}, run {run.pk}"


def _existing_refs(source_system: str, refs: Iterable[str]) -> set[str]:
    """The references already imported, one query per thousand."""
    refs = [r for r in refs if r]
    found: set[str] = set()
    for start in range(0, len(refs), 1000):
        found.update(
            ExternalReference.objects.filter(
                source_system=source_system, external_ref__in=refs[start : start + 1000]
            ).values_list("external_ref", flat=True)
        )
    return found


class _Checked:
    """The outcome of checking every record of a file."""

    def __init__(self, parsed: Parsed) -> None:
        self.rows = parsed.rows
        self.records = len(parsed.records)
        self.errors: list[dict[str, Any]] = list(parsed.errors)
        self.valid: list[ValidRecord] = []
        self.invalid = 0
        self.already: list[str] = []


def _check_all(
    run: ImportRun,
    parsed: Parsed,
    *,
    tick: Callable[[int], None] | None = None,
    model_checks: bool = True,
) -> _Checked:
    checked = _Checked(parsed)
    seen: dict[str, int] = {}
    existing = _existing_refs(run.source_system, (r.external_ref for r in parsed.records))
    every = _progress_every(len(parsed.records))
    for done, record in enumerate(parsed.records, start=1):
        valid, errors = check_record(
            record, agency_id=run.agency_id, user=run.created_by, model_checks=model_checks
        )
        ref = record.external_ref
        if ref and ref in seen:
            errors.append(row_error(record.row, "external_ref", f"Also on row {seen[ref]}", ref))
            valid = None
        elif ref:
            seen[ref] = record.row
        if valid is None:
            checked.invalid += 1
            checked.errors += errors
        else:
            checked.valid.append(valid)
            if ref in existing:
                checked.already.append(ref)
        if tick is not None and done % every == 0:
            tick(done)
    checked.errors.sort(key=lambda e: (e["row"] is not None, e["row"] or 0))
    return checked


def import_run_validate(*, run_id: uuid.UUID | str, progress: Progress | None = None) -> ImportRun:
    """The dry run: check every record and store what was found. Writes nothing of the register."""
    run = ImportRun.objects.get(pk=run_id)
    if run.state != RunState.VALIDATING:
        return run  # a repeated message: the check is done
    ImportRun.objects.filter(pk=run.pk).update(processed=0, worker_pid=os.getpid())
    parsed = parse(run.content, run.format)
    ImportRun.objects.filter(pk=run.pk).update(rows=parsed.rows, records=len(parsed.records))

    def tick(done: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(processed=done)
        if progress:
            progress(f"Checked {done:,} of {len(parsed.records):,} records")

    checked = _check_all(run, parsed, tick=tick)
    ImportRun.objects.filter(pk=run.pk, state=RunState.VALIDATING).update(
        state=RunState.VALIDATED,
        rows=checked.rows,
        records=checked.records,
        valid=len(checked.valid),
        invalid=checked.invalid,
        skipped=len(checked.already),
        skipped_refs=checked.already,
        errors=checked.errors,
        processed=checked.records,
        validated_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def import_run_start(*, actor: StaffUser, run: ImportRun) -> bool:
    """Ask for a checked run to be imported. Of two people (or clicks) at once, one starts it:
    the change of state is one conditional UPDATE. The caller queues the job when True."""
    _require_administrator(actor)
    if run.agency_id != actor.agency_id:
        raise DomainError("This import belongs to another agency")
    if not run.can_import:
        if run.state != RunState.VALIDATED:
            raise DomainError("This file is not ready to import: it must be checked first")
        if run.all_or_nothing and run.errors:
            raise DomainError(
                "The file has errors and nothing is imported while any row is bad: correct the "
                "file and check it again"
            )
        raise DomainError("Nothing to import: every record is already on the register")
    started = ImportRun.objects.filter(pk=run.pk, state=RunState.VALIDATED).update(
        state=RunState.IMPORTING, dry_run=False, processed=0, started_at=timezone.now()
    )
    return started == 1


class _ProgressConnection:
    """Progress written on a connection of its own, so the page sees it while the import's one
    long transaction is still open (only committed rows are visible to others)."""

    def __init__(self, run_id: uuid.UUID) -> None:
        self.run_id = run_id
        self.conn = connections.create_connection(DEFAULT_DB_ALIAS)

    def write(self, processed: int) -> None:
        with self.conn.cursor() as cursor:
            cursor.execute(
                "UPDATE imports_importrun SET processed = %s WHERE id = %s",
                [processed, self.run_id],
            )

    def close(self) -> None:
        self.conn.close()


def _create_nominal(*, actor: StaffUser, reason: str, data: dict[str, Any]) -> Nominal:
    """register.services.nominals.nominal_create's steps, for an administrator.

    nominal_create lets only casework roles add people; importing a legacy register is an
    administrator's job, so its role check is the import's own (_require_administrator) and
    the rest is the service's: the same field rules, validation, history, current-name
    mirror, lead-agency grants and "nominal.created" event. Keep in step with nominal_create.
    """
    nominal = Nominal(id=uuid.uuid4(), lead_agency_id=actor.agency_id)
    apply_nominal(nominal, data)
    full_clean(nominal)
    save_with_history(nominal, actor=actor, reason=reason)
    _sync_current_name(nominal, actor=actor, reason=reason)
    _grant(
        nominal,
        group_id=actor.agency.group_id,
        actions=access.GRANTS_FOR_LEAD,
        actor=actor,
        reason=reason,
    )
    # As nominal_create announces it: partners and the apps above hear of the new person.
    events.announce(
        "nominal.created", actor=actor, nominal=nominal, data={"lead_agency_id": actor.agency_id}
    )
    return nominal


def _write_record(*, run: ImportRun, actor: StaffUser, record: ValidRecord, reason: str) -> None:
    nominal = _create_nominal(actor=actor, reason=reason, data=dict(record.nominal))
    for item in record.items:
        nominal_detail_add(
            actor=actor, nominal=nominal, kind=item.kind, data=dict(item.data), reason=reason
        )
    ExternalReference.objects.create(
        source_system=run.source_system,
        external_ref=record.external_ref,
        nominal=nominal,
        import_run=run,
    )


def _service_error(record: ValidRecord, error: DomainError) -> list[dict[str, Any]]:
    return [
        row_error(record.row, name or "record", message, record.external_ref)
        for name, messages in error.errors.items()
        for message in messages
    ]


def _finish(run: ImportRun, **fields: Any) -> ImportRun:
    ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **fields)
    run.refresh_from_db()
    return run


def import_run_execute(*, run_id: uuid.UUID | str, progress: Progress | None = None) -> ImportRun:
    """The job: import a run someone started. Safe to run again (a redelivered message): a run
    that is done or failed is left alone, and references already imported are skipped."""
    run = ImportRun.objects.select_related("created_by__agency").get(pk=run_id)
    if run.state != RunState.IMPORTING:
        return run
    ImportRun.objects.filter(pk=run.pk).update(worker_pid=os.getpid(), processed=0)
    actor = run.created_by
    try:
        _require_administrator(actor)
    except DomainError as error:
        return _finish(run, state=RunState.FAILED, failure=error.message)
    parsed = parse(run.content, run.format)
    if run.all_or_nothing:
        return _execute_all_or_nothing(run, actor, parsed, progress)
    return _execute_in_batches(run, actor, parsed, progress)


def _say(progress: Progress | None, done: int, total: int, started: float) -> None:
    if progress:
        rate = done / max(time.monotonic() - started, 1e-9)
        progress(f"Imported {done:,} of {total:,} records ({rate:,.1f} records a second)")


class _Refused(Exception):
    """Leaves the import's transaction (rolling it back) with what to report."""

    def __init__(self, failure: str, errors: list[dict[str, Any]], **counts: int) -> None:
        super().__init__(failure)
        self.failure, self.errors, self.counts = failure, errors, counts


def _execute_all_or_nothing(
    run: ImportRun, actor: StaffUser, parsed: Parsed, progress: Progress | None
) -> ImportRun:
    reason = change_reason(run)
    writer = _ProgressConnection(run.pk)
    started = time.monotonic()
    try:
        with transaction.atomic():
            # One job at a time per run: a second message for the same run (redelivered while
            # the first still runs) finds the lock taken and leaves the run to the first.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_lock_key(run.pk)])
                if not cursor.fetchone()[0]:
                    return run
            # Checked again in the job (the register may have changed since the dry run) with
            # the API's serializers; the services run the model validation as they write.
            checked = _check_all(run, parsed, model_checks=False)
            if checked.errors:
                raise _Refused(
                    "The file has errors: nothing was imported",
                    checked.errors,
                    valid=len(checked.valid),
                    invalid=checked.invalid,
                )
            already = set(checked.already)
            created = 0
            every = _progress_every(len(checked.valid))
            for done, record in enumerate(checked.valid, start=1):
                if record.external_ref not in already:
                    try:
                        with transaction.atomic():
                            _write_record(run=run, actor=actor, record=record, reason=reason)
                    except DomainError as error:
                        raise _Refused(
                            f"Row {record.row} ({record.external_ref}) was refused by the "
                            "register: nothing was imported",
                            _service_error(record, error),
                        ) from error
                    except IntegrityError as error:
                        raise _Refused(
                            f"Row {record.row} ({record.external_ref}) was imported by another "
                            "run meanwhile: nothing was imported; import the file again to skip it",
                            [],
                        ) from error
                    created += 1
                if done % every == 0:
                    writer.write(done)
                    _say(progress, done, len(checked.valid), started)
            # The run's own row last: the progress connection must not wait on this transaction.
            return _finish(
                run,
                state=RunState.DONE,
                rows=checked.rows,
                records=checked.records,
                valid=len(checked.valid),
                invalid=0,
                created=created,
                skipped=len(already),
                skipped_refs=sorted(already),
                processed=len(checked.valid),
                errors=[],
            )
    except _Refused as refused:
        return _finish(
            run,
            state=RunState.FAILED,
            failure=refused.failure,
            errors=refused.errors,
            **refused.counts,
        )
    finally:
        writer.close()


def _lock_key(run_id: uuid.UUID) -> int:
    """A 63-bit key for PostgreSQL's advisory lock, from the run's id."""
    return int(run_id.hex[:15], 16)


def _execute_in_batches(
    run: ImportRun, actor: StaffUser, parsed: Parsed, progress: Progress | None
) -> ImportRun:
    reason = change_reason(run)
    started = time.monotonic()
    checked = _check_all(run, parsed, model_checks=False)
    already = set(checked.already)
    errors = list(checked.errors)
    created = 0
    skipped = set(already)
    size = conf.batch_size()
    valid = checked.valid
    for start in range(0, len(valid), size):
        batch = [r for r in valid[start : start + size] if r.external_ref not in already]
        # Another attempt of this run (or another run) may have imported some since.
        taken = _existing_refs(run.source_system, (r.external_ref for r in batch))
        skipped |= taken
        with transaction.atomic():
            for record in batch:
                if record.external_ref in taken:
                    continue
                try:
                    with transaction.atomic():
                        _write_record(run=run, actor=actor, record=record, reason=reason)
                except DomainError as error:
                    errors += _service_error(record, error)
                except IntegrityError:
                    # Imported by someone else since this batch looked: the reference is unique.
                    skipped.add(record.external_ref)
                else:
                    created += 1
        done = min(start + size, len(valid))
        ImportRun.objects.filter(pk=run.pk).update(processed=done)
        _say(progress, done, len(valid), started)
    errors.sort(key=lambda e: (e["row"] is not None, e["row"] or 0))
    return _finish(
        run,
        state=RunState.DONE,
        rows=checked.rows,
        records=checked.records,
        valid=len(checked.valid),
        invalid=checked.invalid,
        created=created,
        skipped=len(skipped),
        skipped_refs=sorted(skipped),
        processed=len(valid),
        errors=errors,
    )
