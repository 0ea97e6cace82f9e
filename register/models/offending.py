"""Offences (a catalogue kept as data), convictions and cautions, reported incidents, civil orders."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from register.models.nominal import Nominal, NominalDetail
from register.rules import describe_term, term_days
from register.validators import validate_offence_date


class Offence(models.Model):
    """One offence in the catalogue. Loaded by migration from register/offence_catalogue.py;
    administrators edit it (e.g. gravity) rather than developers."""

    code = models.CharField(max_length=40, unique=True)
    statute = models.CharField(max_length=200)
    section = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    specified_stalking = models.BooleanField(default=False)
    coercive_control = models.BooleanField(default=False)
    mappa_cat2_specified = models.BooleanField("MAPPA Category 2 specified offence", default=False)
    sexual = models.BooleanField(default=False)
    violent = models.BooleanField(default=False)
    default_gravity = models.PositiveIntegerField(
        help_text="Crime-harm weight (days of recommended custody for a first offender)"
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["statute", "section"]

    def __str__(self) -> str:
        if self.section.strip("- "):
            return f"{self.title} ({self.statute_short} {self.section})"
        return f"{self.title} ({self.statute_short})"

    @property
    def statute_short(self) -> str:
        """'Protection from Harassment Act 1997' -> 'PHA 1997'."""
        words = self.statute.split()
        year = words[-1] if words and words[-1].isdigit() else ""
        initials = "".join(w[0] for w in words[:-1] if w[0].isupper()) if year else self.statute
        return f"{initials} {year}".strip()


class Disposal(models.TextChoices):
    CONVICTION = "conviction", "Conviction"
    CAUTION = "caution", "Caution"
    NOT_GUILTY_INSANITY = "not_guilty_insanity", "Not guilty by reason of insanity"
    DISABILITY_FINDING = "disability_finding", "Found under a disability (did the act)"


class SentenceType(models.TextChoices):
    IMMEDIATE_CUSTODY = "immediate_custody", "Immediate custody"
    LIFE = "life", "Life imprisonment"
    IPP = "ipp", "Imprisonment for public protection"
    SUSPENDED = "suspended", "Suspended sentence"
    COMMUNITY_ORDER = "community_order", "Community order"
    FINE = "fine", "Fine"
    CONDITIONAL_DISCHARGE = "conditional_discharge", "Conditional discharge"
    ABSOLUTE_DISCHARGE = "absolute_discharge", "Absolute discharge"
    HOSPITAL_ORDER_RESTRICTED = "hospital_order_restricted", "Hospital order with restriction"
    HOSPITAL_ORDER = "hospital_order", "Hospital order without restriction"
    GUARDIANSHIP_ORDER = "guardianship_order", "Guardianship order"
    NONE = "none", "No sentence (caution)"
    OTHER = "other", "Other"


CUSTODIAL_SENTENCES = frozenset(
    {SentenceType.IMMEDIATE_CUSTODY, SentenceType.LIFE, SentenceType.IPP}
)


# A suspended sentence is a sentence of imprisonment for every enactment (Sentencing Act 2020
# s.286; DOMAIN.md "Notification requirements"), so it counts wherever a term of imprisonment
# does; CUSTODIAL_SENTENCES above stays "immediate custody" (a licence follows release).
IMPRISONMENT_SENTENCES = CUSTODIAL_SENTENCES | {SentenceType.SUSPENDED}


class TermUnit(models.TextChoices):
    """The unit a sentence term was given in; kept as entered (register.rules.term_days)."""

    DAYS = "days", "Days"
    WEEKS = "weeks", "Weeks"
    MONTHS = "months", "Months"
    YEARS = "years", "Years"


class AssociatedForm(models.TextChoices):
    """Convicted of the offence itself or of an associated (inchoate or secondary) form of it."""

    SUBSTANTIVE = "", "The offence itself"
    ATTEMPT = "attempt", "Attempt"
    CONSPIRACY = "conspiracy", "Conspiracy"
    AIDING_ABETTING = "aiding_abetting", "Aiding, abetting, counselling or procuring"
    ENCOURAGING = "encouraging", "Encouraging or assisting"


class DaFlagSource(models.TextChoices):
    PROSECUTOR = "prosecutor", "Prosecutor's DA flag"
    POLICE = "police", "Police DA flag"
    COURT = "court", "Court finding"
    PROBATION = "probation", "Probation assessment"
    OTHER = "other", "Other"


class Conviction(NominalDetail):
    """A conviction, caution or equivalent finding for one offence.

    Whether it was domestic abuse is a recorded judgement with its source,
    not a property of the offence type (DOMAIN.md).
    """

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="convictions")
    offence = models.ForeignKey(Offence, on_delete=models.PROTECT, related_name="+")
    offence_date = models.DateField(null=True, blank=True)
    conviction_date = models.DateField(help_text="Date of conviction, caution or finding")
    court = models.CharField(max_length=200, blank=True)
    disposal = models.CharField(
        max_length=24, choices=Disposal.choices, default=Disposal.CONVICTION
    )
    sentence_type = models.CharField(max_length=32, choices=SentenceType.choices)
    sentence_date = models.DateField(
        null=True, blank=True, help_text="Date of sentence (blank on older records)"
    )
    sentence_amount = models.PositiveIntegerField(
        "Sentence length",
        null=True,
        blank=True,
        help_text=(
            "As the court gave it, in days, weeks, months or years; for a conditional discharge, "
            "its length. Blank for a fine, a caution or an absolute discharge"
        ),
    )
    sentence_unit = models.CharField(
        "Unit of the sentence length", max_length=8, choices=TermUnit.choices, blank=True
    )
    sentence_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The length in days, derived by register.rules.term_days",
    )
    consecutive_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consecutive_terms",
        help_text="Another of this person's convictions this term runs after (terms then add)",
    )
    associated_form = models.CharField(
        "Offence form",
        max_length=16,
        choices=AssociatedForm.choices,
        blank=True,
        default=AssociatedForm.SUBSTANTIVE,
    )
    victim_age = models.PositiveSmallIntegerField(
        "Victim's age at the offence",
        null=True,
        blank=True,
        help_text="Leave blank if unknown. Domestic Abuse Act 2021 s.1 needs both people 16 or over",
    )
    licence_start = models.DateField(null=True, blank=True)
    licence_end = models.DateField(null=True, blank=True)
    is_domestic_abuse = models.BooleanField("Domestic abuse", default=False)
    da_flag_source = models.CharField(
        "Source of the DA flag", max_length=16, choices=DaFlagSource.choices, blank=True
    )
    spent_on = models.DateField(
        null=True, blank=True, help_text="When it becomes spent (Rehabilitation of Offenders Act)"
    )
    gravity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Leave blank to use the offence's default gravity"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-conviction_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_domestic_abuse=False) | ~models.Q(da_flag_source=""),
                name="conviction_da_flag_has_source",
            ),
            models.CheckConstraint(
                condition=models.Q(licence_end__isnull=True)
                | models.Q(licence_start__isnull=True)
                | models.Q(licence_end__gte=models.F("licence_start")),
                name="conviction_licence_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(sentence_amount__isnull=True, sentence_unit="")
                | (models.Q(sentence_amount__isnull=False) & ~models.Q(sentence_unit="")),
                name="conviction_term_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offence.title}, {self.get_disposal_display().lower()} {self.conviction_date:%d %b %Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.sentence_amount is not None and not self.sentence_unit:
            errors["sentence_unit"] = "Select the unit of the sentence length"
        if self.sentence_unit and self.sentence_amount is None:
            errors["sentence_amount"] = "Enter the sentence length, or clear its unit"
        if self.consecutive_to_id is not None and self.consecutive_to_id == self.pk:
            errors["consecutive_to"] = "A sentence cannot run consecutively to itself"
        born = self.nominal.date_of_birth if self.nominal_id else None
        # The offence date, or the conviction's when the offence date is unknown.
        for name in ("offence_date", "conviction_date"):
            day = getattr(self, name)
            if day is not None:
                try:
                    validate_offence_date(day, born)
                except ValidationError as exc:
                    errors[name] = exc.messages[0]
                break
        if errors:
            raise ValidationError(errors)
        self.sentence_days = term_days(self.sentence_amount, self.sentence_unit)

    def save(self, *args: object, **kwargs: object) -> None:
        # Derived here too, so every path (services, demo, fixtures) keeps it in step.
        self.sentence_days = term_days(self.sentence_amount, self.sentence_unit or None)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def custodial(self) -> bool:
        return self.sentence_type in CUSTODIAL_SENTENCES

    @property
    def imprisonment(self) -> bool:
        """A sentence of imprisonment, suspended or not (Sentencing Act 2020 s.286)."""
        return self.sentence_type in IMPRISONMENT_SENTENCES

    @property
    def term_text(self) -> str:
        """'28 weeks', as entered; empty when no length is recorded."""
        if self.sentence_amount is None:
            return ""
        return describe_term(self.sentence_amount, self.sentence_unit)

    @property
    def age_at_offence(self) -> int | None:
        return self.nominal.age_on(self.offence_date) if self.offence_date else None


class IncidentRelationship(models.TextChoices):
    INTIMATE_PARTNER = "intimate_partner", "Intimate partner"
    EX_PARTNER = "ex_partner", "Ex-partner"
    FAMILY_MEMBER = "family_member", "Family member"
    OTHER = "other", "Other"


class ReportedIncident(NominalDetail):
    """A reported DA incident, convicted or not: the NPCC serial test and priority use these."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="incidents")
    occurred_on = models.DateField()
    crime_reference = models.CharField(max_length=50, blank=True)
    victim_reference = models.CharField(
        max_length=100, help_text="Who was harmed: the same reference means the same person"
    )
    victim_relationship = models.CharField(max_length=24, choices=IncidentRelationship.choices)
    threatened_only = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    gravity = models.PositiveIntegerField(default=10)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"Incident {self.occurred_on:%d %b %Y} ({self.crime_reference or 'no crime ref'})"


class OrderKind(models.TextChoices):
    SPO = "spo", "Stalking Protection Order"
    DAPO = "dapo", "Domestic Abuse Protection Order"
    DVPN = "dvpn", "Domestic Violence Protection Notice"
    DVPO = "dvpo", "Domestic Violence Protection Order"
    NON_MOLESTATION = "non_molestation", "Non-molestation order"
    RESTRAINING = "restraining", "Restraining order"


# Orders that never carry notification requirements (only an SPO or a DAPO does).
NO_NOTIFICATION_KINDS = ["dvpn", "dvpo", "non_molestation", "restraining"]


class CivilOrder(NominalDetail):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="civil_orders")
    kind = models.CharField(max_length=16, choices=OrderKind.choices)
    interim = models.BooleanField(default=False)
    made_on = models.DateField()
    made_by = models.CharField(max_length=200, blank=True, help_text="Court or authorising officer")
    starts_on = models.DateField()
    ends_on = models.DateField(
        null=True, blank=True, help_text="Leave blank if until further order"
    )
    served_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the order was served on the person (an SPO's notification clock starts "
        "then, SPA 2019 s.9(1)); blank means served the day it was made",
    )
    notification_requirements = models.BooleanField(
        "Notification requirements",
        default=False,
        help_text="A Stalking Protection Order always has them (SPA 2019 s.9). For a DAPO, tick "
        "when the person must notify name and home address (DA Act 2021 s.41), i.e. unless "
        "s.41(8) applies (already under another DAPO's, the sex offender or an SPO's "
        "requirements)",
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="order_dates_in_order",
            ),
            # Only an SPO or a DAPO carries notification requirements, and an SPO always does.
            models.CheckConstraint(
                condition=models.Q(notification_requirements=False, kind__in=NO_NOTIFICATION_KINDS)
                | models.Q(notification_requirements=True, kind="spo")
                | models.Q(kind="dapo"),
                name="order_notification_requirements_by_kind",
            ),
        ]
        indexes = [models.Index(fields=["ends_on"], name="order_ends_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts_on:%d %b %Y}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == OrderKind.SPO:
            self.notification_requirements = True  # SPA 2019 s.9: by law, not by the order
        elif self.kind != OrderKind.DAPO and self.notification_requirements:
            errors["notification_requirements"] = (
                "Only a Stalking Protection Order or a DAPO carries notification requirements"
            )
        if self.served_on and self.made_on and self.served_on < self.made_on:
            errors["served_on"] = "The order cannot be served before it was made"
        if errors:
            raise ValidationError(errors)

    @property
    def notification_clock_starts_on(self) -> datetime.date:
        """SPO: service of the order (SPA 2019 s.9(1)); DAPO: the day it is made (s.41(2))."""
        if self.kind == OrderKind.SPO:
            return self.served_on or self.made_on
        return self.made_on


class ConditionKind(models.TextChoices):
    PROHIBITION = "prohibition", "Prohibition"
    POSITIVE_REQUIREMENT = "positive_requirement", "Positive requirement"
    NOTIFICATION_REQUIREMENT = "notification_requirement", "Notification requirement"
    ELECTRONIC_MONITORING = "electronic_monitoring", "Electronic monitoring"


class OrderCondition(NominalDetail):
    order = models.ForeignKey(CivilOrder, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(max_length=32, choices=ConditionKind.choices)
    text = models.TextField()
    # A positive requirement names who reports compliance (DA Act 2021 Part 3: the order names a
    # person responsible for supervising it), a staff user or someone outside the register, and
    # when compliance is next reviewed (a due item).
    compliance_officer = models.ForeignKey(
        "register.StaffUser",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Positive requirement: the officer who reports compliance",
    )
    compliance_reporter = models.CharField(
        "Named supervisor",
        max_length=200,
        blank=True,
        help_text="Positive requirement: the named supervisor outside the register (e.g. the "
        "programme provider), when not an officer",
    )
    review_on = models.DateField(
        "Compliance review date", null=True, blank=True, help_text="Positive requirement"
    )
    # Electronic monitoring (DA Act 2021 Part 3): who monitors, and from when to when.
    provider = models.CharField(
        "Monitoring provider", max_length=200, blank=True, help_text="Electronic monitoring"
    )
    starts_on = models.DateField(null=True, blank=True, help_text="Electronic monitoring")
    ends_on = models.DateField(null=True, blank=True, help_text="Electronic monitoring")
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="condition_monitoring_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        positive = self.kind == ConditionKind.POSITIVE_REQUIREMENT
        monitoring = self.kind == ConditionKind.ELECTRONIC_MONITORING
        if positive:
            if self.compliance_officer_id is None and not self.compliance_reporter.strip():
                errors["compliance_reporter"] = (
                    "Name who reports compliance: choose an officer or enter the named supervisor"
                )
            if self.review_on is None:
                errors["review_on"] = "Enter when compliance is next reviewed"
        else:
            for name, label in (
                ("compliance_officer", "an officer who reports compliance"),
                ("compliance_reporter", "a named supervisor"),
                ("review_on", "a compliance review date"),
            ):
                if getattr(self, name if name != "compliance_officer" else "compliance_officer_id"):
                    errors[name] = f"Only a positive requirement has {label}"
        if monitoring:
            if not self.provider.strip():
                errors["provider"] = "Enter the monitoring provider"
            if self.starts_on is None:
                errors["starts_on"] = "Enter when monitoring starts"
        else:
            for name in ("provider", "starts_on", "ends_on"):
                if getattr(self, name):
                    errors[name] = "Only electronic monitoring has a provider and dates"
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "Monitoring cannot end before it starts"
        if errors:
            raise ValidationError(errors)


class BreachOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    NO_FURTHER_ACTION = "nfa", "No further action"
    CAUTION = "caution", "Caution"
    CHARGE = "charge", "Charge"
    CONVICTION = "conviction", "Conviction"


class OrderBreach(NominalDetail):
    """A breach of a civil order is itself an offence; its outcome may be a conviction on the register."""

    order = models.ForeignKey(CivilOrder, on_delete=models.CASCADE, related_name="breaches")
    occurred_on = models.DateField()
    description = models.TextField()
    reported_by = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(
        max_length=16, choices=BreachOutcome.choices, default=BreachOutcome.PENDING
    )
    outcome_on = models.DateField(null=True, blank=True)
    conviction = models.ForeignKey(
        Conviction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"Breach {self.occurred_on:%d %b %Y}: {self.get_outcome_display()}"
