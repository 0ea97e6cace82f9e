"""Runs of the bulk import from a legacy register, and the external references they created."""

from __future__ import annotations

import uuid

from django.db import models

from register.models import Agency, Nominal, StaffUser


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSON = "json", "JSON"


class RunState(models.TextChoices):
    VALIDATING = "validating", "Checking the file"
    VALIDATED = "validated", "Checked"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """One file: checked first (a dry run writes nothing), then imported on request.

    Records created by the run are led by `agency`, the agency of the person who ran it; only
    that agency's administrators see the run.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=8, choices=ImportFormat.choices)
    source_system = models.CharField(
        max_length=50, help_text="The legacy system the file came from, e.g. LEGACY-NMP"
    )
    # Kept so the job (another process) reads exactly what was checked.
    content = models.TextField()
    dry_run = models.BooleanField(
        default=True, help_text="Only checked: nobody has asked for it to be imported"
    )
    all_or_nothing = models.BooleanField(
        help_text="IMPORTS_ALL_OR_NOTHING when the run was made: any bad row loads nothing"
    )
    state = models.CharField(max_length=16, choices=RunState.choices, default=RunState.VALIDATING)
    rows = models.PositiveIntegerField(
        default=0, help_text="Rows in the file (CSV lines, JSON items)"
    )
    records = models.PositiveIntegerField(
        default=0, help_text="People (nominal records) in the file"
    )
    valid = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="Already imported: left as they are")
    processed = models.PositiveIntegerField(default=0, help_text="Records done in this step")
    errors = models.JSONField(
        default=list, blank=True, help_text="[{row, external_ref, field, message}]"
    )
    skipped_refs = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True, help_text="Why the import stopped, when it failed")
    worker_pid = models.IntegerField(
        null=True, blank=True, help_text="The process running the job, for operators"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "-created_at"], name="importrun_agency_recent")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source_system}, {self.get_state_display().lower()})"

    @property
    def in_progress(self) -> bool:
        return self.state in {RunState.VALIDATING, RunState.IMPORTING}

    @property
    def to_import(self) -> int:
        """Records an import would create: valid ones not already imported."""
        return max(self.valid - self.skipped, 0)

    @property
    def can_import(self) -> bool:
        """Checked, something to create, and no error when any error stops the whole file."""
        return (
            self.state == RunState.VALIDATED
            and self.to_import > 0
            and not (self.all_or_nothing and self.errors)
        )

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def rows_per_second(self) -> float | None:
        seconds = self.seconds
        return self.rows / seconds if seconds else None


class ExternalReference(models.Model):
    """The legacy system's id of an imported person: importing the same record again skips it."""

    source_system = models.CharField(max_length=50)
    external_ref = models.CharField(max_length=100)
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="+")
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="references"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_ref"], name="external_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_system}:{self.external_ref}"
