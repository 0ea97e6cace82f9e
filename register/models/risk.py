"""Risk assessments and their results."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from simple_history.models import HistoricalRecords

from register.models.nominal import Nominal, NominalDetail, RiskLevel
from register.models.staff import StaffUser


class RiskTool(models.TextChoices):
    OASYS_ROSH = "oasys_rosh", "OASys risk of serious harm (RoSH)"
    DASH = "dash", "DASH"
    SASH = "sash", "SASH (stalking)"
    SPECSS = "specss", "SPECSS+"
    ARMS = "arms", "ARMS"
    OTHER = "other", "Other"


class RiskTo(models.TextChoices):
    PARTNER = "partner", "Partner"
    EX_PARTNER = "ex_partner", "Ex-partner"
    CHILDREN = "children", "Children"
    KNOWN_ADULT = "known_adult", "Known adult"
    PUBLIC = "public", "Public"
    STAFF = "staff", "Staff"


class RiskAssessment(NominalDetail):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="risk_assessments")
    tool = models.CharField(max_length=16, choices=RiskTool.choices)
    assessed_on = models.DateField()
    assessor = models.ForeignKey(
        StaffUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessor_name = models.CharField(
        max_length=200, blank=True, help_text="When the assessor is not a user of the register"
    )
    level = models.CharField(max_length=16, choices=RiskLevel.choices)
    risk_to = ArrayField(
        models.CharField(max_length=16, choices=RiskTo.choices), default=list, blank=True
    )
    next_review_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        indexes = [models.Index(fields=["next_review_on"], name="risk_next_review")]

    def __str__(self) -> str:
        return f"{self.get_tool_display()} {self.assessed_on:%d %b %Y}: {self.get_level_display()}"
