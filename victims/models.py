"""Victims, their links to nominals, the victim compartment, the Victim Contact Scheme,
the VLO contact log, representations, and the disclosure scheme (Clare's Law).

The compartment: a victim's contact details (`VictimContactDetails`), contact log and
representations are seen only by the victim liaison officers of the owning agency and
by users holding an active `VictimAccessGrant`. Offender-side users see that a victim
exists, the relationship and the safety flags (victims.selectors decides, once).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from register.models import (
    Agency,
    CivilOrder,
    Conviction,
    Misidentification,
    Nominal,
    Sex,
    StaffUser,
)


class Relationship(models.TextChoices):
    """The victim's relationship to the nominal (what the nominal is to the victim)."""

    PARTNER = "partner", "Partner"
    EX_PARTNER = "ex_partner", "Ex-partner"
    FAMILY_PARENT = "family_parent", "Family member: parent of the nominal"
    FAMILY_SIBLING = "family_sibling", "Family member: brother or sister"
    FAMILY_CHILD = "family_child", "Family member: child of the nominal"
    FAMILY_OTHER = "family_other", "Family member: other relative"
    CHILD_TO_PARENT = "child_to_parent", "Child-to-parent abuse (the victim is the parent)"
    STALKING_EX_INTIMATE = "stalking_ex_intimate", "Stalking: ex-intimate"
    STALKING_ACQUAINTANCE = "stalking_acquaintance", "Stalking: acquaintance"
    STALKING_STRANGER = "stalking_stranger", "Stalking: stranger"


class SafetyFlag(models.TextChoices):
    """What an offender manager needs to know to keep the victim safe (never where they live)."""

    NO_CONTACT_CONDITION = "no_contact", "No-contact condition"
    EXCLUSION_ZONE = "exclusion_zone", "Exclusion zone"
    PREGNANT = "pregnant", "Pregnant"
    CHILDREN_IN_HOUSEHOLD = "children", "Children in the household"
    DISABILITY = "disability", "Disability or additional needs"
    MARAC = "marac", "Heard at MARAC"
    FEARS_SERIOUS_HARM = "fears_harm", "Fears serious harm"


class Scheme(models.TextChoices):
    STATUTORY_VCS = "statutory_vcs", "Victim Contact Scheme (statutory)"
    VICTIM_NOTIFICATION_SCHEME = "vns", "Victim Notification Scheme"
    DISCRETIONARY = "discretionary", "Discretionary (good practice)"


class OfferAnswer(models.TextChoices):
    OPTED_IN = "opted_in", "Opted in"
    OPTED_OUT = "opted_out", "Opted out"
    LATER = "later", "Will decide later"


class ContactLevel(models.TextChoices):
    RELEASE_MONTH = "release_month", "Release month only"
    ANNUAL_LETTER = "annual_letter", "An annual letter"
    EVERY_KEY_STAGE = "every_key_stage", "Every key stage"


class Victim(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The owning agency: its VLOs hold the compartment.",
    )
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="When the date of birth is not known"
    )
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.NOT_KNOWN)
    children_count = models.PositiveSmallIntegerField("Number of children", default=0)
    children_notes = models.TextField(blank=True)
    vlo = models.ForeignKey(
        StaffUser,
        verbose_name="Allocated VLO",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="victim_caseload",
    )
    scheme = models.CharField(max_length=16, choices=Scheme.choices, blank=True)
    scheme_reason = models.TextField(blank=True)
    scheme_conviction = models.ForeignKey(
        Conviction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offer_made_on = models.DateField(null=True, blank=True)
    offer_answer = models.CharField(max_length=16, choices=OfferAnswer.choices, blank=True)
    answer_on = models.DateField(null=True, blank=True)
    contact_level = models.CharField(max_length=16, choices=ContactLevel.choices, blank=True)
    next_contact_on = models.DateField(null=True, blank=True)
    also_nominal = models.ForeignKey(
        Nominal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_as_victim",
        help_text="A misidentified victim: this person is also recorded as a nominal.",
    )
    misidentification = models.CharField(
        max_length=32, choices=Misidentification.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_names", "id"]
        indexes = [models.Index(fields=["vlo", "family_name"], name="victim_caseload")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offer_answer="") | models.Q(offer_made_on__isnull=False),
                name="victim_answer_needs_offer",
            ),
            models.CheckConstraint(
                condition=models.Q(also_nominal__isnull=True) | ~models.Q(misidentification=""),
                name="victim_also_nominal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_name.upper()}, {self.given_names}"

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return self.age

    @property
    def age_now(self) -> int | None:
        return self.age_on(timezone.localdate())


class VictimContactDetails(models.Model):
    """The compartment: where the victim lives and how to reach them safely."""

    victim = models.OneToOneField(
        Victim, on_delete=models.CASCADE, primary_key=True, related_name="contact_details"
    )
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    safe_contact_times = models.CharField(max_length=300, blank=True)
    safe_words = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "victim contact details"

    def __str__(self) -> str:
        return f"Contact details of victim {self.victim_id}"


class VictimLink(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="links")
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="victim_links")
    relationship = models.CharField(max_length=32, choices=Relationship.choices)
    convictions = models.ManyToManyField(Conviction, blank=True, related_name="+")
    civil_orders = models.ManyToManyField(CivilOrder, blank=True, related_name="+")
    safety_flags = ArrayField(
        models.CharField(max_length=16, choices=SafetyFlag.choices), default=list, blank=True
    )
    safety_notes = models.CharField(
        max_length=300,
        blank=True,
        help_text="Short, for offender-side staff. Never where the victim lives.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[convictions, civil_orders])

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["victim", "nominal"], name="victim_link_once"),
            models.CheckConstraint(
                condition=models.Q(
                    safety_flags__contained_by=[f.value for f in SafetyFlag]  # type: ignore[attr-defined]
                ),
                name="victim_link_flags_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_relationship_display()} of {self.nominal_id}"

    @property
    def safety_flag_labels(self) -> list[str]:
        return [SafetyFlag(f).label for f in self.safety_flags if f in SafetyFlag.values]


class VictimAccessGrant(models.Model):
    """An explicit grant of one victim's compartment to one user, with who granted it and why."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="grants")
    grantee = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["victim", "grantee"],
                condition=models.Q(revoked_at__isnull=True),
                name="victim_grant_once_active",
            )
        ]

    def __str__(self) -> str:
        return f"Grant of victim {self.victim_id} to {self.grantee_id}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"


class SharedInformation(models.TextChoices):
    RELEASE = "release", "Release"
    LICENCE = "licence", "Licence conditions"
    RECALL = "recall", "Recall"
    PAROLE = "parole", "Parole"
    TRANSFER = "transfer", "Transfer"
    OTHER = "other", "Other"


class VictimContact(models.Model):
    """One entry of the VLO contact log."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="contacts")
    contact_on = models.DateField("Date of contact")
    channel = models.CharField(max_length=16, choices=ContactChannel.choices)
    shared = ArrayField(
        models.CharField(max_length=16, choices=SharedInformation.choices),
        default=list,
        blank=True,
    )
    notes = models.TextField()
    recorded_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-contact_on", "-created_at"]

    def __str__(self) -> str:
        return f"Contact {self.contact_on:%d %b %Y} ({self.get_channel_display()})"

    @property
    def shared_labels(self) -> list[str]:
        return [SharedInformation(s).label for s in self.shared if s in SharedInformation.values]


class ConditionRequested(models.TextChoices):
    EXCLUSION_ZONE = "exclusion_zone", "Exclusion zone"
    NO_CONTACT = "no_contact", "No contact"
    OTHER = "other", "Other condition"


class RepresentationOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    PARTLY_ACCEPTED = "partly", "Partly accepted"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Representation(models.Model):
    """A victim's representation about licence conditions, and what became of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    victim = models.ForeignKey(Victim, on_delete=models.CASCADE, related_name="representations")
    link = models.ForeignKey(VictimLink, on_delete=models.CASCADE, related_name="representations")
    condition = models.CharField(max_length=16, choices=ConditionRequested.choices)
    requested = models.TextField(help_text="What the victim asked for, in their words")
    made_on = models.DateField()
    outcome = models.CharField(
        max_length=16,
        choices=RepresentationOutcome.choices,
        default=RepresentationOutcome.PENDING,
    )
    outcome_on = models.DateField(null=True, blank=True)
    outcome_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-made_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="pending") | models.Q(outcome_on__isnull=False),
                name="representation_outcome_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_condition_display()} ({self.get_outcome_display()})"


# The disclosure scheme (Clare's Law) -----------------------------------------------------


class DisclosureRoute(models.TextChoices):
    RIGHT_TO_ASK = "right_to_ask", "Right to ask"
    RIGHT_TO_KNOW = "right_to_know", "Right to know"


class DisclosureStatus(models.TextChoices):
    OPEN = "open", "In progress"
    COMPLETED = "completed", "Completed"


class DisclosureRisk(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class DisclosureDecision(models.TextChoices):
    DISCLOSE = "disclose", "Disclose"
    NOT_DISCLOSE = "not_disclose", "Do not disclose"


class DisclosureOutcome(models.TextChoices):
    DISCLOSED = "disclosed", "Disclosure made"
    DECLINED = "declined", "Declined"


class DisclosureCase(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=16, choices=DisclosureRoute.choices)
    subject = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(help_text="Application received, or the concern raised")
    case_officer = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    # The applicant and the person at risk: compartmented like a victim's details.
    applicant_name = models.CharField(max_length=200)
    applicant_relationship = models.CharField(
        "Applicant's relationship to the subject", max_length=200
    )
    applicant_is_person_at_risk = models.BooleanField(default=True)
    person_at_risk_name = models.CharField(max_length=200, blank=True)
    applicant_contact = models.CharField(
        "How to contact the applicant safely", max_length=300, blank=True
    )
    status = models.CharField(
        max_length=16, choices=DisclosureStatus.choices, default=DisclosureStatus.OPEN
    )
    # Checks
    initial_checks_on = models.DateField(null=True, blank=True)
    checks_notes = models.TextField(blank=True)
    face_to_face_on = models.DateField(null=True, blank=True)
    risk_level = models.CharField(max_length=16, choices=DisclosureRisk.choices, blank=True)
    # Multi-agency decision
    decision = models.CharField(max_length=16, choices=DisclosureDecision.choices, blank=True)
    decision_on = models.DateField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)
    decision_agencies = models.CharField(max_length=300, blank=True)
    # Disclosure made or declined, and the safety plan
    outcome = models.CharField(max_length=16, choices=DisclosureOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    disclosed_to = models.CharField(max_length=200, blank=True)
    in_person = models.BooleanField(default=False)
    what_was_said = models.TextField(blank=True)
    declined_reason = models.TextField(blank=True)
    safety_plan = models.TextField(blank=True)
    marac_referred_on = models.DateField(null=True, blank=True)
    idva_referred_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "created_at"]
        indexes = [
            models.Index(fields=["agency", "status", "received_on"], name="disclosure_queue")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(completed_on__isnull=False),
                name="disclosure_completed_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()} about {self.subject}"
