"""Moving a record to another agency when the person moves area.

The lead agency asks; a supervisor of the receiving agency accepts or rejects. Until
then nothing moves (register.services.transfers). Once accepted, the sending agency keeps
read-only access until `sending_read_until`, then the scheduled job
(register.tasks.end_transferred_access) removes what it has left and stamps
`sending_access_ended_at`, which is how the job knows a transfer is done with.
"""

from __future__ import annotations

import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from register.models.nominal import Nominal
from register.models.staff import Agency, StaffUser


class TransferState(models.TextChoices):
    REQUESTED = "requested", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class NominalTransfer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="transfers")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(help_text="Why the record should move")
    new_area = models.CharField(
        max_length=200, help_text="Where the person now lives or is managed, in words"
    )
    requested_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    state = models.CharField(
        max_length=12, choices=TransferState.choices, default=TransferState.REQUESTED
    )
    decided_by = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    new_officer = models.ForeignKey(
        StaffUser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The receiving agency's officer the supervisor made responsible, if any",
    )
    sending_read_until = models.DateTimeField(null=True, blank=True)
    sending_access_ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["to_agency", "state", "requested_at"], name="transfer_incoming"),
            models.Index(fields=["from_agency", "state", "requested_at"], name="transfer_outgoing"),
            # The expiry job reads only transfers whose sending access has not yet ended.
            models.Index(
                fields=["sending_read_until"],
                condition=models.Q(state="accepted", sending_access_ended_at__isnull=True),
                name="transfer_sending_access_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nominal"],
                condition=models.Q(state="requested"),
                name="transfer_one_open_per_nominal",
                violation_error_message="A transfer of this record is already waiting for a "
                "decision",
            ),
            models.CheckConstraint(
                condition=~models.Q(to_agency=models.F("from_agency")),
                name="transfer_to_another_agency",
                violation_error_message="Choose an agency other than the one leading the record",
            ),
            models.CheckConstraint(
                condition=models.Q(state="requested")
                | (models.Q(decided_by__isnull=False) & models.Q(decided_at__isnull=False)),
                name="transfer_decided_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="accepted") | models.Q(sending_read_until__isnull=False),
                name="transfer_accepted_has_read_period",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer of {self.nominal} to {self.to_agency.name}"

    @property
    def is_open(self) -> bool:
        return self.state == TransferState.REQUESTED
