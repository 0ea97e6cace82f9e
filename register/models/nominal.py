"""The person on the register ("nominal") and the ViSOR-style details recorded about them.

Every detail row hangs off a nominal and is reached only through it: the
access gate grants nominals, never their details, so a detail is visible
exactly when its nominal is.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from guardian.models import GroupObjectPermissionBase
from simple_history.models import HistoricalRecords

from register.models.staff import Agency, StaffUser
from register.validators import (
    name_errors,
    validate_date_of_birth,
    validate_date_of_birth_against_offences,
    validate_handle,
    validate_ni_number,
    validate_phone,
    validate_pnc_id,
    validate_vehicle_registration,
)


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Typology(models.TextChoices):
    INTIMATE_PARTNER = "intimate_partner", "Intimate partner abuse"
    CHILD_TO_PARENT = "child_to_parent", "Child-to-parent abuse"
    HONOUR_BASED = "honour_based", "Honour-based abuse"
    FAMILY = "family", "Other family abuse"
    STALKING_EX_INTIMATE = "stalking_ex_intimate", "Stalking: ex-intimate"
    STALKING_ACQUAINTANCE = "stalking_acquaintance", "Stalking: acquaintance"
    STALKING_STRANGER = "stalking_stranger", "Stalking: stranger"


class Vulnerability(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "Mental health"
    DRUGS = "drugs", "Drugs"
    ALCOHOL = "alcohol", "Alcohol"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    OTHER = "other", "Other"


class Misidentification(models.TextChoices):
    """Why this person might be a victim wrongly recorded as a perpetrator."""

    COUNTER_ALLEGATION = "counter_allegation", "Counter-allegation"
    DUAL_ARREST = "dual_arrest", "Dual arrest"
    VIOLENT_RESISTANCE = "violent_resistance", "Violent resistance"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class RegistrationStatus(models.TextChoices):
    NOT_DECIDED = "not_decided", "Not decided"
    REGISTERED = "registered", "Registered"
    NOT_REGISTERED = "not_registered", "Decided not to register"
    ENDED = "ended", "Registration ended"


class Nominal(models.Model):
    """The person. Names beyond the current one, addresses and the rest are detail rows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family_name = models.CharField(max_length=100, help_text="Current family name")
    given_names = models.CharField(max_length=200, help_text="Current given names")
    date_of_birth = models.DateField(null=True, blank=True)
    other_dates_of_birth = ArrayField(models.DateField(), default=list, blank=True)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.NOT_KNOWN)
    ni_number = models.CharField(
        "National Insurance number",
        max_length=9,
        blank=True,
        validators=[validate_ni_number],
        db_index=True,
    )
    pnc_id = models.CharField(
        "PNC ID", max_length=14, blank=True, validators=[validate_pnc_id], db_index=True
    )
    # Physical description
    height_cm = models.PositiveSmallIntegerField(null=True, blank=True)
    build = models.CharField(max_length=50, blank=True)
    hair = models.CharField(max_length=50, blank=True)
    eyes = models.CharField(max_length=50, blank=True)
    distinguishing_marks = models.TextField(blank=True)
    # Offending pattern and needs
    typologies = ArrayField(
        models.CharField(max_length=32, choices=Typology.choices), default=list, blank=True
    )
    modus_operandi = models.TextField(blank=True)
    offending_area = models.CharField("Geographic area of offending", max_length=200, blank=True)
    vulnerabilities = ArrayField(
        models.CharField(max_length=32, choices=Vulnerability.choices), default=list, blank=True
    )
    vulnerability_notes = models.TextField(blank=True)
    licence_conditions = models.TextField(blank=True)
    perpetrator_programmes = models.TextField(
        blank=True, help_text="Programmes attended and their outcomes"
    )
    no_fixed_abode = models.BooleanField(default=False)
    # References only: the biometrics themselves live in IDENT1 and the DNA database.
    fingerprint_ref = models.CharField("Fingerprint reference", max_length=50, blank=True)
    dna_ref = models.CharField("DNA reference", max_length=50, blank=True)
    responsible_officer = models.ForeignKey(
        StaffUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # The misidentified-victim safeguard (DOMAIN.md "Offences and the eligibility question").
    # Raised with a reason by services.nominal_flag_misidentified, cleared only by a
    # PrimaryAggressorReview finding the primary aggressor (register/models/review.py); never
    # an editable field of the record.
    possible_misidentified_victim = models.CharField(
        max_length=32, choices=Misidentification.choices, blank=True, editable=False
    )
    misidentification_reason = models.TextField(blank=True, editable=False)
    misidentification_raised_on = models.DateField(null=True, blank=True, editable=False)
    # Kept up to date by the services that change their inputs, so lists can
    # filter and sort on them with an index instead of recomputing per row.
    current_risk_level = models.CharField(max_length=16, choices=RiskLevel.choices, blank=True)
    registration_status = models.CharField(
        max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.NOT_DECIDED
    )
    priority_score = models.FloatField(default=0.0)
    priority_parts = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        help_text="Set when this record was found to be a duplicate and merged.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_names", "id"]
        permissions = [("share_nominal", "Can share the nominal with another agency")]
        indexes = [
            models.Index(fields=["family_name", "given_names"], name="nominal_name"),
            models.Index(fields=["-priority_score"], name="nominal_priority"),
            models.Index(fields=["current_risk_level"], name="nominal_risk"),
            models.Index(fields=["registration_status"], name="nominal_registration"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name.upper()}, {self.given_names}"

    def clean(self) -> None:
        """Names and dates of birth (register.validators: the rules pages and API share)."""
        errors = name_errors(self, ("family_name", "given_names"))
        for name, days in (
            ("date_of_birth", [self.date_of_birth] if self.date_of_birth else []),
            ("other_dates_of_birth", self.other_dates_of_birth or []),
        ):
            try:
                for day in days:
                    validate_date_of_birth(day)
            except ValidationError as exc:
                errors[name] = exc.messages
        if self.date_of_birth and "date_of_birth" not in errors and not self._state.adding:
            # An offence is dated by its offence date, or its conviction when that is unknown.
            offences = [
                offence_on or convicted_on
                for offence_on, convicted_on in self.convictions.values_list(  # type: ignore[attr-defined]
                    "offence_date", "conviction_date"
                )
            ]
            try:
                validate_date_of_birth_against_offences(self.date_of_birth, offences)
            except ValidationError as exc:
                errors["date_of_birth"] = exc.messages
        if errors:
            raise ValidationError(errors)

    def age_on(self, day: dt.date) -> int | None:
        if not self.date_of_birth:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def misidentification_review_pending(self) -> bool:
        """Flagged: registration is blocked until a review finds the primary aggressor."""
        return bool(self.possible_misidentified_victim)


class NominalAgencyPermission(GroupObjectPermissionBase):
    """django-guardian's direct foreign-key table for nominals.

    Guardian's generic tables join on a text object id, which makes scoped
    list queries slow at register scale; this one joins on the UUID key.
    """

    content_object = models.ForeignKey(Nominal, on_delete=models.CASCADE)
    history = HistoricalRecords()

    class Meta(GroupObjectPermissionBase.Meta):
        # guardian's unique_together (group, permission, content_object) is the
        # index the access gate's EXISTS subquery uses.
        pass


class NominalDetail(models.Model):
    """What every detail row shares: a UUID, its nominal, and its own history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class NameKind(models.TextChoices):
    BIRTH = "birth", "Birth name"
    CURRENT = "current", "Current name"
    PREVIOUS = "previous", "Previous name"
    ALIAS = "alias", "Alias"
    ONLINE = "online", "Online name"
    DATING_PROFILE = "dating_profile", "Dating profile"


class NominalName(NominalDetail):
    """A name the person uses or used. The current name is mirrored here so search sees one table."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=16, choices=NameKind.choices)
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    platform = models.CharField(
        max_length=100,
        blank=True,
        help_text="For online names and dating profiles: the site or app",
    )
    used_from = models.DateField(null=True, blank=True)
    used_to = models.DateField(null=True, blank=True)
    # Search keys, written by register.search.name_keys() whenever the name is saved.
    search_given = models.CharField(max_length=100, blank=True)
    search_family = models.CharField(max_length=100, blank=True)
    phonetic_given = models.CharField(max_length=16, blank=True)
    phonetic_family = models.CharField(max_length=16, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "family_name", "given_names"]
        indexes = [
            models.Index(fields=["phonetic_family", "phonetic_given"], name="name_phonetic"),
            models.Index(fields=["phonetic_given", "phonetic_family"], name="name_phonetic_swap"),
            models.Index(fields=["search_family", "search_given"], name="name_exact"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(given_names="", family_name=""), name="name_not_empty"
            )
        ]

    def __str__(self) -> str:
        name = " ".join(p for p in (self.given_names, self.family_name) if p)
        return f"{name} ({self.platform})" if self.platform else name

    def clean(self) -> None:
        # An online name or dating profile is a handle ("user_1984"), not a person's name.
        handle = self.kind in (NameKind.ONLINE, NameKind.DATING_PROFILE)
        fields = ("given_names", "family_name")
        errors = name_errors(self, fields, validate_handle) if handle else name_errors(self, fields)
        if errors:
            raise ValidationError(errors)


class AddressKind(models.TextChoices):
    MAIN = "main", "Main address"
    OTHER = "other", "Other address (7 days or more in 12 months)"
    WEEKLY_LOCATION = "weekly_location", "Weekly location (no fixed abode)"


class Address(NominalDetail):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(max_length=16, choices=AddressKind.choices)
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    date_from = models.DateField()
    date_to = models.DateField(null=True, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_to__isnull=True)
                | models.Q(date_to__gte=models.F("date_from")),
                name="address_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)


class ContactKind(models.TextChoices):
    PHONE = "phone", "Phone number"
    EMAIL = "email", "Email address"


class ContactDetail(NominalDetail):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="contact_details")
    kind = models.CharField(max_length=8, choices=ContactKind.choices)
    value = models.CharField(max_length=254)
    search_value = models.CharField(max_length=254, blank=True, db_index=True)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "value"]

    def __str__(self) -> str:
        return self.value

    def clean(self) -> None:
        if self.kind == ContactKind.PHONE:
            validate_phone(self.value)


class Vehicle(NominalDetail):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="vehicles")
    registration = models.CharField(
        max_length=10, validators=[validate_vehicle_registration], db_index=True
    )
    description = models.CharField(max_length=200, blank=True, help_text="Make, model, colour")
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["registration"]

    def __str__(self) -> str:
        return f"{self.registration} {self.description}".strip()


class FinancialKind(models.TextChoices):
    BANK_ACCOUNT = "bank_account", "Bank account"
    CREDIT_CARD = "credit_card", "Credit or debit card"


class FinancialAccount(NominalDetail):
    """Only the last four digits are kept: enough to recognise it, useless to misuse."""

    nominal = models.ForeignKey(
        Nominal, on_delete=models.CASCADE, related_name="financial_accounts"
    )
    kind = models.CharField(max_length=16, choices=FinancialKind.choices)
    provider = models.CharField(max_length=100)
    last_four = models.CharField(max_length=4, blank=True)
    joint = models.BooleanField(default=False, help_text="Held jointly with someone else")
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "provider"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_four__regex=r"^([0-9]{4})?$"),
                name="financial_last_four_digits",
            )
        ]

    def __str__(self) -> str:
        ending = f" ending {self.last_four}" if self.last_four else ""
        return f"{self.get_kind_display()}: {self.provider}{ending}"


class DocumentKind(models.TextChoices):
    PASSPORT = "passport", "Passport"
    DRIVING_LICENCE = "driving_licence", "Driving licence"
    NATIONAL_ID = "national_id", "National identity card"
    OTHER = "other", "Other identity document"


class IdentityDocument(NominalDetail):
    nominal = models.ForeignKey(
        Nominal, on_delete=models.CASCADE, related_name="identity_documents"
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    number = models.CharField(max_length=50)
    issuing_country = models.CharField(max_length=100, default="United Kingdom")
    expires_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "number"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


def _photo_path(instance: Photograph, filename: str) -> str:
    return f"photographs/{instance.nominal_id}/{instance.id}.jpg"


def _thumbnail_path(instance: Photograph, filename: str) -> str:
    return f"photographs/{instance.nominal_id}/{instance.id}-thumb.jpg"


class Photograph(NominalDetail):
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="photographs")
    image = models.ImageField(upload_to=_photo_path)
    thumbnail = models.ImageField(upload_to=_thumbnail_path, blank=True)
    taken_on = models.DateField(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-taken_on", "-created_at"]

    def __str__(self) -> str:
        return self.description or f"Photograph {self.taken_on or ''}".strip()


class HouseholdRelationship(models.TextChoices):
    CHILD = "child", "Child"
    STEPCHILD = "stepchild", "Stepchild"
    PARTNER = "partner", "Partner"
    OTHER_CHILD = "other_child", "Other child in the household"
    OTHER_ADULT = "other_adult", "Other adult in the household"


class HouseholdMember(NominalDetail):
    """Children and others the person lives with or stays with (child safeguarding)."""

    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="household_members")
    relationship = models.CharField(max_length=16, choices=HouseholdRelationship.choices)
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    lives_with = models.BooleanField(default=True, help_text="Lives in the same household")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["relationship", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"

    def clean(self) -> None:
        errors = name_errors(self, ("name",))
        if errors:
            raise ValidationError(errors)

    def is_child_on(self, day: dt.date) -> bool:
        if self.date_of_birth is None:
            return self.relationship in {"child", "stepchild", "other_child"}
        eighteenth = (
            self.date_of_birth.replace(year=self.date_of_birth.year + 18)
            if not (self.date_of_birth.month == 2 and self.date_of_birth.day == 29)
            else dt.date(self.date_of_birth.year + 18, 3, 1)
        )
        return day < eighteenth
