"""Eligibility criteria sets (data), registration decisions, reviews and appeals, priority weights."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from simple_history.models import HistoricalRecords

from register.models.nominal import Nominal, NominalDetail
from register.models.staff import StaffUser


class CriteriaTest(models.TextChoices):
    CONVICTED_SERIAL_OR_HIGH_RISK = (
        "convicted_serial_or_high_risk",
        "Convicted of a specified offence, and serial or high risk",
    )
    NPCC_SERIAL = "npcc_serial", "Reported against two or more victims (NPCC)"


class CriteriaSet(models.Model):
    """One contested definition of who belongs on the register, kept as data with its settings.

    register.rules evaluates a person against each active set; the settings
    here map one-to-one onto rules.CriteriaSettings.
    """

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    test = models.CharField(max_length=40, choices=CriteriaTest.choices)
    custodial_only = models.BooleanField(default=False)
    count_spent = models.BooleanField(default=True)
    count_cautions = models.BooleanField(default=False)
    historic_before = models.DateField(null=True, blank=True)
    count_historic = models.BooleanField(default=True)
    da_min_age = models.PositiveSmallIntegerField(default=16)
    stalking_min_age = models.PositiveSmallIntegerField(default=10)
    risk_tools = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    risk_levels = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    window_years = models.PositiveSmallIntegerField(default=3)
    min_victims = models.PositiveSmallIntegerField(default=2)
    # "Serial" is a contested reading (DOMAIN.md): the set names the one it uses.
    serial_reading = models.CharField(
        'Reading of "serial"',
        max_length=12,
        choices=[
            ("occasions", "Separate occasions"),
            ("offences", "Separate offences"),
            ("either", "Either separate occasions or separate offences"),
        ],
        default="either",
        help_text="A reading of contested wording, not settled law: the explanation names it",
    )
    count_associated = models.BooleanField(
        "Count associated offences",
        default=True,
        help_text="Attempt, conspiracy, aiding and abetting, encouraging or assisting",
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Decision(models.TextChoices):
    REGISTER = "register", "Register"
    DO_NOT_REGISTER = "do_not_register", "Do not register"


class Registration(NominalDetail):
    """A decision whether to register, with the eligibility explanation it rested on."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="registrations")
    decision = models.CharField(max_length=16, choices=Decision.choices)
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    explanation = models.JSONField(
        default=dict, help_text="The eligibility outcome at the time of the decision"
    )
    rationale = models.TextField()
    decided_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()
    starts_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    notice_served_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        constraints = [
            # Nothing is kept without a review date (DOMAIN.md "Data protection").
            models.CheckConstraint(
                condition=~models.Q(decision="register")
                | (models.Q(starts_on__isnull=False) & models.Q(review_on__isnull=False)),
                name="registration_has_start_and_review",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | ~models.Q(end_reason=""),
                name="registration_end_has_reason",
            ),
            # The service checks first (with a lock); this holds whatever writes the row.
            models.UniqueConstraint(
                fields=["nominal"],
                condition=models.Q(decision="register", ended_on__isnull=True),
                name="one_current_registration_per_nominal",
                violation_error_message="This person is already registered: end or review "
                "that registration first",
            ),
        ]
        indexes = [models.Index(fields=["review_on"], name="registration_review_on")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.criteria_set}) {self.decided_on:%d %b %Y}"

    @property
    def is_current(self) -> bool:
        return self.decision == Decision.REGISTER and self.ended_on is None


class ReviewKind(models.TextChoices):
    REVIEW = "review", "Review"
    APPEAL = "appeal", "Appeal"


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    UPHELD = "upheld", "Registration upheld"
    VARIED = "varied", "Requirements varied"
    ENDED = "ended", "Registration ended"


class RegistrationReview(NominalDetail):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=8, choices=ReviewKind.choices)
    requested_on = models.DateField()
    requested_by = models.CharField(max_length=200, help_text="The person or their representative")
    grounds = models.TextField()
    outcome = models.CharField(
        max_length=16, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    outcome_reason = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} requested {self.requested_on:%d %b %Y}"


class PriorityWeights(models.Model):
    """RFGV weights. Forces set their own: one row per agency, and a default row (no agency)
    for agencies that have not."""

    agency = models.OneToOneField(
        "register.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    recency = models.FloatField(default=1.0)
    frequency = models.FloatField(default=1.0)
    gravity = models.FloatField(default=1.0)
    victims = models.FloatField(default=1.0)
    recency_horizon_days = models.PositiveIntegerField(default=3 * 365)
    frequency_cap = models.PositiveIntegerField(default=10)
    gravity_cap = models.FloatField(default=1000.0)
    victims_cap = models.PositiveIntegerField(default=5)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "priority weights"
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                name="one_default_priority_weights",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"R {self.recency} F {self.frequency} G {self.gravity} V {self.victims}"
