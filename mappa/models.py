"""MAPPA: cases (category, level), referrals, meetings and their actions, risk management
plans, home visits, termination, archive and archive reviews.

Everything about a nominal is visible exactly when the nominal is (register.access);
a meeting belongs to its chairing agency and the agencies attending. The rules the
database can hold are constraints here; the rest are in mappa.rules and mappa.services.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from simple_history.models import HistoricalRecords

from register.models import Agency, Nominal, Registration, StaffUser


class Category(models.IntegerChoices):
    ONE = 1, "Category 1: registered sexual offender"
    TWO = 2, "Category 2: violent or other sexual offender"
    THREE = 3, "Category 3: other dangerous offender"
    FOUR = 4, "Category 4: terrorist or terrorist-risk offender"


class Level(models.IntegerChoices):
    ONE = 1, "Level 1: single-agency management"
    TWO = 2, "Level 2: multi-agency"
    THREE = 3, "Level 3: multi-agency, senior oversight"


class CaseStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    TERMINATED = "terminated", "Terminated"
    ARCHIVED = "archived", "Archived"


class TerminationReason(models.TextChoices):
    NOTIFICATION_ENDED = "notification_ended", "The notification period has ended"
    LICENCE_ENDED = "licence_ended", "The licence or order has ended"
    MEETING_DECIDED = "meeting_decided", "A Level 2 or 3 meeting decided the risk has reduced"
    CATEGORY_4_ENDED = (
        "category_4_ended",
        "The terrorism notification requirements or licence have ended",
    )
    DIED = "died", "The person has died"
    REMOVED_FROM_UK = "removed_from_uk", "The person has been removed from the UK"
    TRANSFERRED = "transferred", "The case was transferred to another MAPPA area"


CATEGORY_LEVEL_OK = (
    models.Q(category__gte=1, category__lte=4)
    & models.Q(level__gte=1, level__lte=3)
    & (~models.Q(category=3) | models.Q(level__in=[2, 3]))
)


class MappaCase(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="mappa_cases")
    category = models.PositiveSmallIntegerField(choices=Category.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    responsible_manager = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, related_name="mappa_cases"
    )
    start_date = models.DateField()
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    visor_reference = models.CharField("ViSOR reference", max_length=40, blank=True)
    ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the notification period, licence or order ends (Categories 1, 2, 4)",
    )
    eligibility_note = models.TextField(blank=True, help_text="Which rule made the case eligible")
    termination_reason = models.CharField(
        max_length=24, choices=TerminationReason.choices, blank=True
    )
    termination_note = models.TextField(blank=True)
    terminated_on = models.DateField(null=True, blank=True)
    termination_meeting = models.ForeignKey(
        "Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The Level 2/3 meeting that decided the risk had reduced (Category 3)",
    )
    archived_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "id"]
        indexes = [
            models.Index(fields=["responsible_manager", "status"], name="mappa_case_manager"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=CATEGORY_LEVEL_OK,
                name="mappa_case_category_level_valid",
                violation_error_message="Category 3 cases are managed at Level 2 or 3 only",
            ),
            models.UniqueConstraint(
                fields=["nominal"],
                condition=models.Q(status="active"),
                name="mappa_one_active_case_per_nominal",
                violation_error_message="This person already has an active MAPPA case",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active")
                | (~models.Q(termination_reason="") & models.Q(terminated_on__isnull=False)),
                name="mappa_case_ended_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="archived") | models.Q(archived_on__isnull=False),
                name="mappa_case_archived_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"MAPPA Category {self.category} Level {self.level} ({self.get_status_display()})"


class LevelChange(models.Model):
    """Who changed a case's level, when and why (the case's history holds it too)."""

    case = models.ForeignKey(MappaCase, on_delete=models.CASCADE, related_name="level_changes")
    from_level = models.PositiveSmallIntegerField()
    to_level = models.PositiveSmallIntegerField()
    changed_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    reason = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-changed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_level=models.F("to_level")) & ~models.Q(reason=""),
                name="mappa_level_change_real_with_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Level {self.from_level} to {self.to_level}"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="mappa_referrals")
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    addressed_to = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", help_text="Whose coordinator decides"
    )
    reason = models.TextField()
    proposed_category = models.PositiveSmallIntegerField(choices=Category.choices)
    proposed_level = models.PositiveSmallIntegerField(choices=Level.choices)
    attachments = ArrayField(
        models.CharField(max_length=300),
        default=list,
        blank=True,
        help_text="Documents sent with the referral (references or file names)",
    )
    status = models.CharField(
        max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    decided_by = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    case = models.ForeignKey(
        MappaCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when the register proposed this case because the person was registered",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["addressed_to", "status"], name="mappa_referral_queue")]
        constraints = [
            # One proposal per registration, however often the event is heard.
            models.UniqueConstraint(
                fields=["registration"], name="mappa_one_proposal_per_registration"
            ),
            models.CheckConstraint(
                condition=models.Q(proposed_category__gte=1, proposed_category__lte=4)
                & models.Q(proposed_level__gte=1, proposed_level__lte=3)
                & (~models.Q(proposed_category=3) | models.Q(proposed_level__in=[2, 3])),
                name="mappa_referral_category_level_valid",
                violation_error_message="Category 3 cases are managed at Level 2 or 3 only",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | (~models.Q(decision_reason="") & models.Q(decided_by__isnull=False)),
                name="mappa_referral_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"MAPPA referral ({self.get_status_display()})"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """A Level 2/3 MAPP meeting. It belongs to the chairing agency and those attending."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chair_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    chair = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField()
    level = models.PositiveSmallIntegerField(choices=[(2, "Level 2"), (3, "Level 3")])
    attending_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    minutes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[attending_agencies])

    class Meta:
        ordering = ["scheduled_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[2, 3]), name="mappa_meeting_level_2_or_3"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="held") | ~models.Q(minutes=""),
                name="mappa_meeting_held_has_minutes",
            ),
        ]

    def __str__(self) -> str:
        return f"Level {self.level} MAPP meeting {self.scheduled_at:%d %b %Y}"


class MeetingCase(models.Model):
    """A case discussed at a meeting: the plan agreed and the next review date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey(MappaCase, on_delete=models.CASCADE, related_name="meetings")
    plan_agreed = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    risk_reduced = models.BooleanField(
        default=False,
        help_text="The meeting decided the risk has reduced so the case no longer needs "
        "multi-agency management (ends a Category 3 case)",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="mappa_case_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.case} at {self.meeting}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class MeetingAction(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    case = models.ForeignKey(MappaCase, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="mappa_actions")
    due_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    outcome = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(outcome=""),
                name="mappa_action_closed_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]


class PlanKind(models.TextChoices):
    ONGOING = "ongoing", "Risk management plan"
    CLOSING = "closing", "Closing risk management plan"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Awaiting approval"
    APPROVED = "approved", "Approved (in force)"
    SUPERSEDED = "superseded", "Superseded"


class RiskManagementPlan(models.Model):
    """One version of a case's plan. Not in force until a supervisor approves it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(MappaCase, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=PlanKind.choices, default=PlanKind.ONGOING)
    supervision = models.TextField()
    monitoring_and_control = models.TextField()
    interventions_and_treatment = models.TextField()
    victim_safety_planning = models.TextField()
    review_on = models.DateField()
    visit_every_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Home visit frequency; blank for the default by risk"
    )
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    author = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="mappa_plan_version_unique"),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("author")),
                name="mappa_plan_approver_not_author",
                violation_error_message="A plan cannot be approved by its author",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (models.Q(approved_by__isnull=False) & models.Q(approved_at__isnull=False)),
                name="mappa_plan_in_force_is_approved",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="approved"),
                name="mappa_one_plan_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} version {self.version} ({self.get_status_display()})"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Done"


class HomeVisit(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(MappaCase, on_delete=models.CASCADE, related_name="visits")
    planned_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    visited_on = models.DateField(null=True, blank=True)
    visited_by = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(blank=True)
    concerns = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-planned_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="planned")
                | (
                    models.Q(visited_on__isnull=False)
                    & models.Q(visited_by__isnull=False)
                    & ~models.Q(outcome="")
                ),
                name="mappa_visit_done_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"Home visit {self.planned_on:%d %b %Y} ({self.get_status_display()})"


class ArchiveDecision(models.TextChoices):
    RETAIN = "retain", "Keep the archived record; review it again"
    DISPOSE = "dispose", "No longer needed: dispose under the retention policy"


class ArchiveReview(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(MappaCase, on_delete=models.CASCADE, related_name="archive_reviews")
    number = models.PositiveSmallIntegerField(help_text="1 for the first review")
    due_on = models.DateField()
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=16, choices=ArchiveDecision.choices)
    rationale = models.TextField()
    next_due_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="mappa_archive_review_once"),
        ]

    def __str__(self) -> str:
        return f"Archive review {self.number} ({self.get_decision_display()})"


class ConsiderationOutcome(models.TextChoices):
    REFER = "refer", "Meets the Category 3 criteria and needs multi-agency management: referred"
    NOT_NEEDED = (
        "not_needed",
        "Not for Category 3: the criteria are not met or multi-agency management is not needed",
    )


class Category3Consideration(models.Model):
    """The recorded decision on whether a Cat 1, 2 or 4 case reaching its end goes to Category 3
    (rules.CONSIDER_SOURCE). It closes the "consider for Category 3" item; nothing else does."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(
        MappaCase, on_delete=models.CASCADE, related_name="category_3_consideration"
    )
    considered = models.BooleanField(
        help_text="No when the case ended (death, removal, transfer) before it could be"
    )
    outcome = models.CharField(max_length=16, choices=ConsiderationOutcome.choices, blank=True)
    rationale = models.TextField()
    decided_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()
    referral = models.ForeignKey(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(considered=True) & ~models.Q(outcome=""))
                | (models.Q(considered=False) & models.Q(outcome="")),
                name="mappa_consideration_outcome_when_considered",
                violation_error_message="Choose the outcome of the consideration",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""), name="mappa_consideration_has_rationale"
            ),
        ]

    def __str__(self) -> str:
        if not self.considered:
            return "Category 3 not considered"
        return f"Category 3 considered: {self.get_outcome_display()}"
