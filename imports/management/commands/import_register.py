"""manage.py import_register FILE --user USERNAME [--dry-run] [--format csv|json]
[--source-system NAME]: check a legacy file, then import it as that administrator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports import services
from imports.models import ImportRun, RunState
from register.errors import DomainError
from register.models import StaffUser


class Command(BaseCommand):
    help = "Import nominals from a legacy register file (checked first; all or nothing by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="The administrator the import acts as")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing")
        parser.add_argument("--format", choices=["csv", "json"], default=None)
        parser.add_argument("--source-system", default="LEGACY")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        fmt = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "json")
        try:
            user = StaffUser.objects.get(username=options["user"])
        except StaffUser.DoesNotExist as exc:
            raise CommandError(f"No user {options['user']}") from exc
        try:
            content = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            run = services.import_run_create(
                actor=user,
                file_name=path.name,
                content=content,
                format=fmt,
                source_system=options["source_system"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Run {run.pk}: checking {path.name} ({fmt}, {run.source_system})")
        run = services.import_run_validate(run_id=run.pk, progress=self.stdout.write)
        self._report_check(run)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
            if run.errors:
                raise CommandError(f"{len(run.errors)} errors")
            return
        try:
            services.import_run_start(actor=user, run=run)
        except DomainError as error:
            raise CommandError(f"{error.message}. Nothing was imported.") from error
        run = services.import_run_execute(run_id=run.pk, progress=self.stdout.write)
        self._report_import(run)
        if run.state != RunState.DONE:
            raise CommandError(run.failure or "The import failed")

    def _report_check(self, run: ImportRun) -> None:
        for error in run.errors:
            where = f"row {error['row']}" if error["row"] is not None else "file"
            ref = f" ({error['external_ref']})" if error["external_ref"] else ""
            self.stdout.write(f"  {where}{ref}, {error['field']}: {error['message']}")
        self.stdout.write(
            f"Checked {run.records:,} records ({run.rows:,} rows): {run.valid:,} valid, "
            f"{run.invalid:,} invalid, {run.skipped:,} already imported, {len(run.errors):,} errors"
        )

    def _report_import(self, run: ImportRun) -> None:
        if run.state == RunState.FAILED:
            for error in run.errors:
                self.stdout.write(f"  row {error['row']}, {error['field']}: {error['message']}")
            self.stdout.write(f"Failed: {run.failure}")
            return
        seconds = run.seconds or 0.0
        rate = run.rows / seconds if seconds else 0.0
        per_record = run.created / seconds if seconds else 0.0
        self.stdout.write(
            f"Imported {run.created:,} records, skipped {run.skipped:,} already imported, "
            f"{len(run.errors):,} refused, in {seconds:.1f} s "
            f"({rate:,.0f} rows a second, {per_record:,.1f} records a second)"
        )
