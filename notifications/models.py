"""Notification requirements, notifications received, due items, tasks and breaches.

DueItem is the one model for everything that falls due in any app: each app
creates and closes its due items through notifications.services, and the
scans in notifications.tasks flag what is overdue. No app runs a scheduler
of its own.
"""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from simple_history.models import HistoricalRecords

from register.models import Agency, CivilOrder, Conviction, Nominal, Registration, StaffUser


class SchedulerHeartbeat(models.Model):
    """One row per beat tick; `/health/` reports the newest. Old rows are pruned by the task."""

    at = models.DateTimeField(db_index=True)
    worker = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.worker}"


class DeadlineRule(models.TextChoices):
    WITHIN_3_DAYS = "within_3_days", "Within 3 days of the change"
    TRAVEL = "travel", "7 days before travel (at least 24 hours)"
    WEEKLY = "weekly", "Every 7 days (no fixed abode)"
    ANNUAL = "annual", "Every year"


class RequirementItem(models.Model):
    """One thing a registered person may have to notify (kept as data, loaded by migration)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    deadline_rule = models.CharField(max_length=16, choices=DeadlineRule.choices)
    deadline_days = models.PositiveSmallIntegerField(default=3)
    in_default_set = models.BooleanField(
        default=True, help_text="Part of the statutory default set; otherwise an optional item"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-in_default_set", "label"]

    def __str__(self) -> str:
        return self.label


class RequirementSet(models.Model):
    """What this person must notify: the default set, tailored with reasons.

    Either a registration's (the register's own requirements) or a civil order's (a Stalking
    Protection Order always, SPA 2019 s.9; a DAPO when the order says so, DA Act 2021 s.41).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="requirement_set",
        null=True,
        blank=True,
    )
    civil_order = models.OneToOneField(
        CivilOrder,
        on_delete=models.CASCADE,
        related_name="requirement_set",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration__isnull=False, civil_order__isnull=True)
                | models.Q(registration__isnull=True, civil_order__isnull=False),
                name="requirement_set_of_registration_or_order",
            )
        ]

    def __str__(self) -> str:
        if self.civil_order_id:
            return f"Requirements of {self.civil_order}"
        return f"Requirements for {self.registration.nominal}"  # type: ignore[union-attr]


class Tailoring(models.TextChoices):
    DEFAULT = "default", "Default"
    ADDED = "added", "Added for this person"
    DROPPED = "dropped", "Dropped for this person"
    CHANGED = "changed", "Deadline changed for this person"


class RequirementSetItem(models.Model):
    requirement_set = models.ForeignKey(
        RequirementSet, on_delete=models.CASCADE, related_name="items"
    )
    item = models.ForeignKey(RequirementItem, on_delete=models.PROTECT, related_name="+")
    tailoring = models.CharField(
        max_length=16, choices=Tailoring.choices, default=Tailoring.DEFAULT
    )
    deadline_days = models.PositiveSmallIntegerField(null=True, blank=True)
    tailoring_reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["requirement_set", "item"], name="requirement_once_per_set"
            ),
            # Tailoring is the report's answer to the blanket model: it must say why and who agreed.
            models.CheckConstraint(
                condition=models.Q(tailoring="default")
                | (~models.Q(tailoring_reason="") & models.Q(approved_by__isnull=False)),
                name="tailoring_has_reason_and_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.get_tailoring_display()})"

    @property
    def applies(self) -> bool:
        return self.tailoring != Tailoring.DROPPED


class NotificationPeriod(models.Model):
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="notification_period"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Blank when indefinite")
    indefinite = models.BooleanField(default=False)
    review_on = models.DateField(null=True, blank=True)
    conviction = models.ForeignKey(Conviction, on_delete=models.PROTECT, related_name="+")
    rule_key = models.CharField(max_length=40)
    explanation = models.TextField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return "Indefinite" if self.indefinite else f"{self.starts_on} to {self.ends_on}"


class NotificationChannel(models.TextChoices):
    IN_PERSON = "in_person", "In person at a police station"
    PARTNER_FORCE = "partner_force", "Received by another force (API)"


class Notification(models.Model):
    """A notification received from the registered person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="notifications")
    received_at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=NotificationChannel.choices)
    station = models.CharField(max_length=200)
    received_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    receiving_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    identity_checked = models.BooleanField(default=False)
    items = ArrayField(models.CharField(max_length=40), help_text="Requirement item codes notified")
    details = models.TextField(help_text="What was notified, in the person's words where possible")
    departs_at = models.DateTimeField(null=True, blank=True, help_text="Foreign travel: departure")
    late_reason = models.TextField(blank=True, help_text="Why notice was short or late")
    applied_changes = models.JSONField(
        default=list,
        blank=True,
        help_text="The register records this notification added: [{kind, id, summary}]",
    )
    verified_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verification_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Notification {self.received_at:%d %b %Y %H:%M}"


class DueKind(models.TextChoices):
    INITIAL_NOTIFICATION = "initial_notification", "Initial notification"
    CHANGE_NOTIFICATION = "change_notification", "Notification of a change"
    ANNUAL_NOTIFICATION = "annual_notification", "Annual notification"
    WEEKLY_NOTIFICATION = "weekly_notification", "Weekly notification (no fixed abode)"
    TRAVEL_NOTICE = "travel_notice", "Foreign travel notice"
    RISK_REVIEW = "risk_review", "Risk assessment review"
    PLAN_REVIEW = "plan_review", "Risk management plan review"
    MAPPA_MEETING = "mappa_meeting", "MAPPA meeting"
    MAPPA_ACTION = "mappa_action", "MAPPA meeting action"
    HOME_VISIT = "home_visit", "Home visit"
    ORDER_EXPIRY = "order_expiry", "Civil order expiry"
    LICENCE_EXPIRY = "licence_expiry", "Licence expiry"
    PERIOD_END = "period_end", "End of notification period"
    REGISTRATION_REVIEW = "registration_review", "Registration review"
    ARCHIVE_REVIEW = "archive_review", "Archive review"
    CATEGORY_3_CONSIDERATION = "category_3", "Consider for MAPPA Category 3"
    DISCLOSURE = "disclosure", "Disclosure scheme deadline"
    VICTIM_UPDATE = "victim_update", "Victim update"
    VCS_REFERRAL = "vcs_referral", "Victim Contact Scheme referral"
    ORDER_NOTIFICATION = "order_notification", "Civil order: initial notification"
    ADVANCE_NOT_OCCURRED = (
        "advance_not_occurred",
        "Notify that a change given in advance did not happen",
    )
    CONDITION_REVIEW = "condition_review", "Order requirement: compliance review"
    MONITORING_END = "monitoring_end", "Electronic monitoring ends"
    INDEFINITE_REVIEW = "indefinite_review", "Review of indefinite notification requirements"


# The kinds a notification from the person can meet (each only when it covers the item).
NOTIFIED_KINDS = frozenset(
    {
        DueKind.INITIAL_NOTIFICATION,
        DueKind.CHANGE_NOTIFICATION,
        DueKind.ANNUAL_NOTIFICATION,
        DueKind.WEEKLY_NOTIFICATION,
        DueKind.ORDER_NOTIFICATION,
        DueKind.ADVANCE_NOT_OCCURRED,
    }
)


class Compartment(models.TextChoices):
    """Who may see a due item or task besides its owner.

    Casework items are visible with the nominal. Victim items (disclosure deadlines,
    victim-contact work, alerts to a VLO) are their owner's alone and never appear on
    offender-side pages: they would reveal that a victim or an applicant exists.
    """

    CASEWORK = "casework", "Casework"
    VICTIM = "victim", "Victim"


class DueStatus(models.TextChoices):
    OPEN = "open", "Open"
    OVERDUE = "overdue", "Overdue"
    MET = "met", "Met"
    WAIVED = "waived", "Waived"


class DueItem(models.Model):
    """Something that falls due, in any app, and the record it belongs to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32, choices=DueKind.choices)
    title = models.CharField(max_length=300)
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="due_items")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    owner = models.ForeignKey(
        StaffUser, on_delete=models.PROTECT, null=True, blank=True, related_name="due_items"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=DueStatus.choices, default=DueStatus.OPEN)
    compartment = models.CharField(
        max_length=8, choices=Compartment.choices, default=Compartment.CASEWORK
    )
    link = models.CharField(
        max_length=300, blank=True, help_text="Where to act on it, when not the nominal's page"
    )
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        "Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="met_items",
        help_text="The notification that covered it",
    )
    waived_reason = models.TextField(blank=True)
    # A notifiable event (a change of address, a new name, an order served...) is its own item:
    # event_key names the event, requirement the item code that covers it, event_on the day the
    # clock starts, source the rule and section the deadline follows, as shown to users.
    event_key = models.CharField(max_length=100, blank=True, default="")
    requirement = models.CharField(max_length=40, blank=True, default="")
    event_on = models.DateField(null=True, blank=True)
    deadline_rule = models.CharField(max_length=32, blank=True, default="")
    deadline_days = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.TextField(blank=True, default="")
    flagged_overdue_at = models.DateTimeField(null=True, blank=True)
    warned_due_soon_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # The scans read only open items by due time: their cost follows the items
            # due, not the size of the register.
            models.Index(
                fields=["due_at"], condition=models.Q(status="open"), name="due_open_by_time"
            ),
            models.Index(fields=["owner", "status", "due_at"], name="due_owner_status"),
            models.Index(fields=["subject_type", "subject_id"], name="due_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="waived") | ~models.Q(waived_reason=""),
                name="due_waived_has_reason",
            ),
            # One open item per event of a kind per record: re-scheduling moves it rather than
            # adding another, and a second change (another event_key) has its own item.
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "event_key"],
                condition=models.Q(status__in=["open", "overdue"]),
                name="due_one_open_per_subject_kind_event",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} due {self.due_at:%d %b %Y %H:%M}"

    @property
    def met_late(self) -> bool:
        """Met after its deadline (the notification's own time, not when it was recorded)."""
        return (
            self.status == DueStatus.MET and self.met_at is not None and self.met_at > self.due_at
        )


class TaskKind(models.TextChoices):
    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    ESCALATION = "escalation", "Escalated: still overdue"
    BREACH = "breach", "Suspected breach"
    ALERT = "alert", "Alert"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class Task(models.Model):
    """An officer's to-do, raised by a scan or a service. Scans never raise the same one twice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=TaskKind.choices)
    owner = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="tasks")
    nominal = models.ForeignKey(Nominal, on_delete=models.CASCADE, related_name="tasks")
    due_item = models.ForeignKey(
        DueItem, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    compartment = models.CharField(
        max_length=8, choices=Compartment.choices, default=Compartment.CASEWORK
    )
    link = models.CharField(
        max_length=300, blank=True, help_text="Where to act on it, when not the nominal's page"
    )
    status = models.CharField(max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    outcome = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["owner", "status", "created_at"], name="task_inbox"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="open", kind="overdue", escalated_at__isnull=True),
                name="task_unescalated_overdue",
            ),
        ]
        constraints = [
            # One open task per item, kind and owner. Done tasks do not count: an item moved to a
            # new time and overdue again must raise a new task.
            models.UniqueConstraint(
                fields=["due_item", "kind", "owner"],
                condition=models.Q(due_item__isnull=False, status="open"),
                name="task_once_open_per_due_item_kind_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(outcome=""),
                name="task_done_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BreachStatus(models.TextChoices):
    SUSPECTED = "suspected", "Suspected"
    ESCALATED = "escalated", "Escalated"
    CLOSED = "closed", "Closed"


class BreachOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    CAUTION = "caution", "Caution"
    CHARGE = "charge", "Charge"
    CONVICTION = "conviction", "Conviction"


class PauseKind(models.TextChoices):
    CUSTODY = "custody", "In custody (remanded or serving a sentence)"
    HOSPITAL = "hospital", "Detained in hospital"
    ABROAD = "abroad", "Outside the United Kingdom"


class NotificationPause(models.Model):
    """Time the law disregards when counting a notification deadline (SOA 2003 s.83(6), applied
    to changes by s.84(5) and to annual and weekly notifications by s.85(3)-(4)).

    Deadlines that run over these days move later by them; `ends_on` is the last day, expected
    or known (change it when it moves).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nominal = models.ForeignKey(
        Nominal, on_delete=models.CASCADE, related_name="notification_pauses"
    )
    kind = models.CharField(max_length=16, choices=PauseKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day (expected, or known)")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="pause_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y}"


class Breach(models.Model):
    """A suspected failure to notify, or false information: a criminal offence."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nominal = models.ForeignKey(
        Nominal, on_delete=models.CASCADE, related_name="notification_breaches"
    )
    requirement = models.ForeignKey(RequirementItem, on_delete=models.PROTECT, related_name="+")
    due_item = models.ForeignKey(
        DueItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    civil_order = models.ForeignKey(
        CivilOrder,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The order whose notification requirements were breached (failing to notify is "
        "an offence: SPA 2019 s.11; a DAPO's, a breach of the order)",
    )
    found_on = models.DateField()
    found_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    evidence = models.TextField()
    status = models.CharField(
        max_length=16, choices=BreachStatus.choices, default=BreachStatus.SUSPECTED
    )
    urgent_meeting_requested = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=BreachOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    conviction = models.ForeignKey(
        Conviction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-found_on"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(outcome=""),
                name="breach_closed_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"Suspected breach {self.found_on:%d %b %Y}: {self.requirement}"


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "The requirements continue"
    DISCHARGE = "discharge", "Discharged from the requirements"


class IndefiniteReview(models.Model):
    """A decision on a review of indefinite notification requirements (SOA 2003 s.91A-F as the
    model): continue, with the next review 8 years on, or discharge; always with reasons."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="indefinite_reviews"
    )
    decided_on = models.DateField()
    decision = models.CharField(max_length=12, choices=ReviewDecision.choices)
    reasons = models.TextField()
    decided_by = models.ForeignKey(StaffUser, on_delete=models.PROTECT, related_name="+")
    next_review_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reasons=""), name="indefinite_review_has_reasons"
            ),
            models.CheckConstraint(
                condition=models.Q(decision="discharge", next_review_on__isnull=True)
                | models.Q(decision="continue", next_review_on__isnull=False),
                name="indefinite_review_next_only_when_continuing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.decided_on:%d %b %Y}"
