"""The primary-aggressor review: the record that decides the misidentified-victim safeguard.

A person flagged as a possible misidentified victim (a counter-allegation, a dual arrest,
violent resistance) cannot be registered until a supervisor's review *finds* that they are the
primary aggressor (DOMAIN.md "Offences and the eligibility question", "Safeguard"). Every
review is kept, whatever it found: a "victim" or "inconclusive" outcome keeps the block, and
only a "primary aggressor" outcome clears the flag (register.services.nominals).
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from register.models.nominal import Misidentification, Nominal, NominalDetail
from register.models.staff import StaffUser


class AggressorFinding(models.TextChoices):
    """What the review found. Only the first lifts the block."""

    PRIMARY_AGGRESSOR = "primary_aggressor", "Primary aggressor"
    VICTIM = "victim", "Victim"
    INCONCLUSIVE = "inconclusive", "Inconclusive"


class PrimaryAggressorReview(NominalDetail):
    nominal = models.ForeignKey(
        Nominal, on_delete=models.CASCADE, related_name="primary_aggressor_reviews"
    )
    misidentification = models.CharField(
        "Why the review was needed",
        max_length=32,
        choices=Misidentification.choices,
        help_text="The flag the review answered (as it stood when reviewed)",
    )
    outcome = models.CharField(max_length=20, choices=AggressorFinding.choices)
    # Required by the service (a supervisor); null only on reviews carried over from the
    # old free-text fields where no reviewer had been recorded (migration 0010).
    reviewed_by = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_on = models.DateField()
    rationale = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["nominal", "-reviewed_on", "-created_at"], name="aggressor_review_latest"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=AggressorFinding.values),
                name="aggressor_review_outcome_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""), name="aggressor_review_has_rationale"
            ),
        ]

    def __str__(self) -> str:
        return f"Primary-aggressor review {self.reviewed_on:%d %b %Y}: {self.get_outcome_display()}"

    @property
    def lifts_block(self) -> bool:
        return self.outcome == AggressorFinding.PRIMARY_AGGRESSOR
