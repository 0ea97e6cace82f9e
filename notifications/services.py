"""Every write in notifications: due items, notifications received, requirement sets,
notification periods, breaches and tasks. Keyword-only, atomic, with actor and reason."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from notifications import rules
from notifications.models import (
    Breach,
    BreachOutcome,
    BreachStatus,
    Compartment,
    DueItem,
    DueKind,
    DueStatus,
    Notification,
    NotificationPeriod,
    RequirementItem,
    RequirementSet,
    RequirementSetItem,
    SchedulerHeartbeat,
    Tailoring,
    Task,
    TaskKind,
    TaskStatus,
)
from register import events
from register.audit import save_with_history
from register.errors import DomainError
from register.models import Conviction, Nominal, Registration, Role, StaffUser
from register.services.common import full_clean, require_reason

logger = logging.getLogger(__name__)

HEARTBEAT_KEEP = dt.timedelta(days=2)


@transaction.atomic
def scheduler_heartbeat_record(
    *, worker: str, now: dt.datetime | None = None
) -> SchedulerHeartbeat:
    now = now or timezone.now()
    beat = SchedulerHeartbeat.objects.create(at=now, worker=worker[:200])
    SchedulerHeartbeat.objects.filter(at__lt=now - HEARTBEAT_KEEP).delete()
    logger.info("Scheduler heartbeat recorded at %s by %s", now.isoformat(), worker)
    return beat


# Due items -----------------------------------------------------------------------


def _subject_key(subject: models.Model) -> tuple[ContentType, str]:
    return ContentType.objects.get_for_model(subject), str(subject.pk)


@transaction.atomic
def due_item_schedule(
    *,
    actor: StaffUser,
    kind: str,
    subject: models.Model,
    nominal: Nominal,
    due_at: dt.datetime,
    title: str,
    owner: StaffUser | None,
    reason: str,
    compartment: str = Compartment.CASEWORK,
    link: str = "",
) -> DueItem:
    """Create the open due item of this kind for this record, or move the one there is.

    Any app that makes something fall due calls this; the scans do the rest. Victim-side
    work passes compartment=VICTIM (kept off offender-side pages) and the `link` to act on.
    """
    if timezone.is_naive(due_at):
        raise DomainError("A due time must carry its time zone")
    content_type, subject_id = _subject_key(subject)
    item = (
        DueItem.objects.select_for_update()
        .filter(
            kind=kind,
            subject_type=content_type,
            subject_id=subject_id,
            status__in=[DueStatus.OPEN, DueStatus.OVERDUE],
        )
        .first()
    )
    if item is None:
        item = DueItem(kind=kind, subject_type=content_type, subject_id=subject_id, nominal=nominal)
    elif item.due_at != due_at:
        # A new time means a new warning, and an overdue item moved into the future reopens.
        item.warned_due_soon_at = None
        if due_at > timezone.now():
            item.status, item.flagged_overdue_at = DueStatus.OPEN, None
        # The warnings about the old time no longer hold: close them, so the scans can raise
        # new ones for the new time (one open task per item, kind and owner).
        Task.objects.filter(
            due_item=item,
            status=TaskStatus.OPEN,
            kind__in=[TaskKind.OVERDUE, TaskKind.DUE_SOON, TaskKind.ESCALATION],
        ).update(
            status=TaskStatus.DONE,
            done_at=timezone.now(),
            outcome=f"Rescheduled: now due {rules.format_london(due_at)}",
        )
    item.due_at, item.title = due_at, title[:300]
    item.compartment, item.link = compartment, link
    item.owner = owner
    item.agency_id = nominal.lead_agency_id
    return save_with_history(item, actor=actor, reason=require_reason(reason))


@transaction.atomic
def due_items_close(
    *,
    actor: StaffUser,
    kinds: Iterable[str],
    subject: models.Model,
    status: str = DueStatus.MET,
    reason: str,
    waived_reason: str = "",
) -> int:
    """Mark the open items of these kinds for this record met (or waived, with a reason)."""
    if status not in (DueStatus.MET, DueStatus.WAIVED):
        raise DomainError("A due item can only be closed as met or waived", field="status")
    if status == DueStatus.WAIVED and not waived_reason.strip():
        raise DomainError("Enter why this is waived", field="waived_reason")
    content_type, subject_id = _subject_key(subject)
    items = DueItem.objects.select_for_update().filter(
        kind__in=list(kinds),
        subject_type=content_type,
        subject_id=subject_id,
        status__in=[DueStatus.OPEN, DueStatus.OVERDUE],
    )
    count = 0
    now = timezone.now()
    for item in items:
        item.status, item.met_at, item.waived_reason = status, now, waived_reason.strip()
        save_with_history(item, actor=actor, reason=require_reason(reason))
        Task.objects.filter(due_item=item, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, done_at=now, outcome=f"Closed: {item.get_status_display()}"
        )
        count += 1
    return count


def _owner_for(nominal: Nominal) -> StaffUser | None:
    return nominal.responsible_officer


# Registration: requirement set, period and the first items due ----------------------


@transaction.atomic
def registration_start_requirements(
    *, actor: StaffUser, registration: Registration, conviction: Conviction | None
) -> RequirementSet:
    """The default requirement set, the notification period and the first notification due.

    Called when a person is registered. The period is worked out from the
    index conviction with the rule table in notifications.rules.
    """
    if not registration.is_current:
        raise DomainError("Only a current registration has notification requirements")
    if RequirementSet.objects.filter(registration=registration).exists():
        raise DomainError("This registration already has its notification requirements")
    if conviction is not None and conviction.nominal_id != registration.nominal_id:
        raise DomainError("Choose one of this person's convictions", field="conviction")
    requirement_set = RequirementSet(registration=registration)
    save_with_history(requirement_set, actor=actor, reason="Default requirements on registration")
    for item in RequirementItem.objects.filter(in_default_set=True):
        save_with_history(
            RequirementSetItem(requirement_set=requirement_set, item=item),
            actor=actor,
            reason="Default requirements on registration",
        )
    nominal = registration.nominal
    starts_on = registration.starts_on or timezone.localdate()
    if conviction is not None:
        age = nominal.age_on(conviction.conviction_date)
        # Whole months until the period table reads terms in days (issue 10).
        months = (
            round(conviction.sentence_days * 48 / 1461)
            if conviction.sentence_days is not None
            else None
        )
        try:
            period = rules.notification_period(
                disposal=conviction.disposal,
                sentence_type=conviction.sentence_type,
                sentence_months=months,
                under_18_at_conviction=age is not None and age < 18,
                discharge_months=months,
            )
        except ValueError as exc:
            raise DomainError(f"The notification period cannot be worked out: {exc}") from exc
        ends_on = rules.period_end(starts_on, period)
        review_on = (
            rules.add_years(starts_on, period.review_after_years)
            if period.indefinite and period.review_after_years
            else None
        )
        save_with_history(
            NotificationPeriod(
                registration=registration,
                starts_on=starts_on,
                ends_on=ends_on,
                indefinite=period.indefinite,
                review_on=review_on,
                conviction=conviction,
                rule_key=period.rule_key,
                explanation=period.explanation,
            ),
            actor=actor,
            reason="Notification period from the index conviction",
        )
        if ends_on:
            due_item_schedule(
                actor=actor,
                kind=DueKind.PERIOD_END,
                subject=registration,
                nominal=nominal,
                due_at=rules.end_of_day(ends_on),
                title="Notification period ends",
                owner=_owner_for(nominal),
                reason="Notification period",
            )
    start_at = timezone.make_aware(dt.datetime.combine(starts_on, dt.time(9)), rules.LONDON)
    due_item_schedule(
        actor=actor,
        kind=DueKind.INITIAL_NOTIFICATION,
        subject=registration,
        nominal=nominal,
        due_at=rules.within_days(start_at, 3),
        title="Initial notification",
        owner=_owner_for(nominal),
        reason="Registered: initial notification within 3 days",
    )
    if registration.review_on:
        due_item_schedule(
            actor=actor,
            kind=DueKind.REGISTRATION_REVIEW,
            subject=registration,
            nominal=nominal,
            due_at=rules.end_of_day(registration.review_on),
            title="Registration review",
            owner=_owner_for(nominal),
            reason="Registration review date",
        )
    return requirement_set


@transaction.atomic
def requirement_tailor(
    *,
    actor: StaffUser,
    requirement_set: RequirementSet,
    item: RequirementItem,
    tailoring: str,
    reason: str,
    approved_by: StaffUser,
    deadline_days: int | None = None,
) -> RequirementSetItem:
    """Add, drop or change one requirement for this person, with a reason and an approver."""
    if tailoring == Tailoring.DEFAULT:
        raise DomainError("Choose how the requirement is tailored", field="tailoring")
    if tailoring not in Tailoring.values:
        raise DomainError("Choose how the requirement is tailored", field="tailoring")
    if (
        not approved_by.has_role(Role.SUPERVISOR, Role.MAPPA_COORDINATOR)
        or not approved_by.is_active
        or approved_by.is_api_client
    ):
        raise DomainError(
            "The approver must be a supervisor or MAPPA coordinator", field="approved_by"
        )
    if approved_by.agency_id != actor.agency_id:
        raise DomainError("The approver must work for your agency", field="approved_by")
    if not requirement_set.registration.is_current:
        raise DomainError("The registration has ended: its requirements cannot change")
    if tailoring == Tailoring.CHANGED and not deadline_days:
        raise DomainError("Enter the deadline in days for this person", field="deadline_days")
    row = RequirementSetItem.objects.filter(requirement_set=requirement_set, item=item).first()
    if tailoring == Tailoring.ADDED and row is not None and row.applies:
        raise DomainError("This person already has that requirement", field="item")
    if tailoring in (Tailoring.DROPPED, Tailoring.CHANGED) and (row is None or not row.applies):
        raise DomainError("This person does not have that requirement", field="item")
    row = row or RequirementSetItem(requirement_set=requirement_set, item=item)
    row.tailoring, row.tailoring_reason = tailoring, require_reason(reason)
    row.deadline_days = deadline_days if tailoring == Tailoring.CHANGED else None
    row.approved_by, row.approved_on = approved_by, timezone.localdate()
    full_clean(row)
    return save_with_history(row, actor=actor, reason=row.tailoring_reason)


# Notifications received -------------------------------------------------------------


@transaction.atomic
def notification_record(
    *,
    actor: StaffUser,
    nominal: Nominal,
    received_at: dt.datetime,
    channel: str,
    station: str,
    identity_checked: bool,
    items: list[str],
    details: str,
    departs_at: dt.datetime | None = None,
    late_reason: str = "",
    changes: Sequence[tuple[str, Mapping[str, Any]]] = (),
) -> Notification:
    """Record what the person notified; meet what was due; schedule what falls due next.

    `changes` are the new details the person notified, as (detail kind, data) for the
    register's detail services (e.g. ("addresses", {...})): each is added to the nominal's
    record through them, so the record's history shows the change and who made it, and the
    notification lists what it added. A change the register refuses refuses the whole
    notification, its messages keyed "changes.<n>.<field>".
    """
    if timezone.is_naive(received_at):
        raise DomainError("Enter the time with its time zone", field="received_at")
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError("The notification cannot be in the future", field="received_at")
    known = set(RequirementItem.objects.filter(code__in=items).values_list("code", flat=True))
    if not items or known != set(items):
        raise DomainError("Choose what was notified", field="items")
    if not identity_checked:
        raise DomainError(
            "Check the person's identity before recording a notification", field="identity_checked"
        )
    if departs_at is not None and timezone.is_naive(departs_at):
        raise DomainError("Enter the departure time with its time zone", field="departs_at")
    if departs_at is not None and "foreign_travel" not in items:
        raise DomainError(
            "Select foreign travel as notified, or leave the departure blank", field="departs_at"
        )
    if "foreign_travel" in items:
        if departs_at is None:
            raise DomainError("Enter the departure date and time", field="departs_at")
        notice = rules.travel_notice(received_at, departs_at)
        if notice.needs_reason and not late_reason.strip():
            raise DomainError(
                f"{notice.explanation} Enter why 7 days' notice was not practicable",
                field="late_reason",
            )
        if not notice.on_time and not late_reason.strip():
            raise DomainError(
                f"{notice.explanation} Enter why the notice was late", field="late_reason"
            )
    notification = Notification(
        nominal=nominal,
        received_at=received_at,
        channel=channel,
        station=station.strip(),
        received_by=actor,
        receiving_agency_id=actor.agency_id,
        identity_checked=identity_checked,
        items=sorted(items),
        details=details.strip(),
        departs_at=departs_at,
        late_reason=late_reason.strip(),
    )
    full_clean(notification)
    save_with_history(notification, actor=actor, reason="Notification received")
    if changes:
        notification.applied_changes = _apply_notified_changes(
            actor=actor, nominal=nominal, notification=notification, changes=changes
        )
        save_with_history(notification, actor=actor, reason="Notified changes recorded")

    if "foreign_travel" in items and departs_at is not None:
        notice = rules.travel_notice(received_at, departs_at)
        if not notice.on_time and nominal.responsible_officer_id:
            Task.objects.create(
                kind=TaskKind.ALERT,
                owner_id=nominal.responsible_officer_id,
                nominal=nominal,
                title="Late notice of foreign travel: consider a breach",
                detail=notice.explanation[:500],
                created_at=timezone.now(),
            )

    registration = nominal.registrations.filter(decision="register", ended_on__isnull=True).first()
    # Notice of travel is not a notification of the person's details (SOA 2003 s.86, not
    # ss.83-85): it neither meets what is due nor restarts the annual clock.
    if registration is not None and set(items) != {"foreign_travel"}:
        due_items_close(
            actor=actor,
            subject=registration,
            reason="Notification received",
            kinds=[
                DueKind.INITIAL_NOTIFICATION,
                DueKind.ANNUAL_NOTIFICATION,
                DueKind.CHANGE_NOTIFICATION,
                DueKind.WEEKLY_NOTIFICATION,
            ],
        )
        received_on = timezone.localtime(received_at, rules.LONDON).date()
        due_item_schedule(
            actor=actor,
            kind=DueKind.ANNUAL_NOTIFICATION,
            subject=registration,
            nominal=nominal,
            due_at=rules.end_of_day(rules.annual_due(received_on)),
            title="Annual notification",
            owner=_owner_for(nominal),
            reason="Annual re-notification",
        )
        if nominal.no_fixed_abode:
            due_item_schedule(
                actor=actor,
                kind=DueKind.WEEKLY_NOTIFICATION,
                subject=registration,
                nominal=nominal,
                due_at=rules.weekly_due(received_at),
                title="Weekly notification (no fixed abode)",
                owner=_owner_for(nominal),
                reason="No fixed abode: weekly notification",
            )
    return notification


# The register's detail kinds a notification can add to the record.
NOTIFIABLE_DETAILS = {
    "names": "Name",
    "addresses": "Address",
    "contact-details": "Phone number or email",
    "financial-accounts": "Bank account or card",
    "identity-documents": "Identity document",
    "household-members": "Household member",
    "vehicles": "Vehicle",
}


def _apply_notified_changes(
    *,
    actor: StaffUser,
    nominal: Nominal,
    notification: Notification,
    changes: Sequence[tuple[str, Mapping[str, Any]]],
) -> list[dict[str, str]]:
    from register.services import details

    received_on = timezone.localtime(notification.received_at, rules.LONDON).date()
    reason = f"Notified in person on {received_on:%d %b %Y} (notification {notification.pk})"
    applied = []
    for n, (kind, data) in enumerate(changes):
        if kind not in NOTIFIABLE_DETAILS:
            raise DomainError(
                f"A notification cannot add {kind!r} to the record", field=f"changes.{n}.kind"
            )
        try:
            detail = details.nominal_detail_add(
                actor=actor, nominal=nominal, kind=kind, data=data, reason=reason
            )
        except DomainError as error:
            raise DomainError(
                error.message,
                errors={
                    f"changes.{n}.{field or 'non_field_errors'}": messages
                    for field, messages in error.errors.items()
                },
            ) from error
        applied.append(
            {"kind": kind, "id": str(detail.pk), "summary": f"{NOTIFIABLE_DETAILS[kind]}: {detail}"}
        )
    return applied


@transaction.atomic
def notification_verify(
    *, actor: StaffUser, notification: Notification, verified_on: dt.date, note: str
) -> Notification:
    """Record that what was notified was checked (e.g. the address, on a home visit).

    Addresses the notification added are marked verified on the same day, through the
    register's services, so the address's own history shows the check.
    """
    if notification.verified_on is not None:
        raise DomainError(
            f"This notification was already verified on {notification.verified_on:%d %b %Y}"
        )
    if verified_on > timezone.localdate():
        raise DomainError("The date checked cannot be in the future", field="verified_on")
    received_on = timezone.localtime(notification.received_at, rules.LONDON).date()
    if verified_on < received_on:
        raise DomainError(
            "The date checked cannot be before the notification was received",
            field="verified_on",
        )
    if not note.strip():
        raise DomainError("Enter what was checked and how", field="note")
    notification.verified_on, notification.verified_by = verified_on, actor
    notification.verification_note = note.strip()
    save_with_history(notification, actor=actor, reason=f"Verified: {note.strip()}")
    from register.models import Address
    from register.services import details

    address_ids = [c["id"] for c in notification.applied_changes if c["kind"] == "addresses"]
    for address in Address.objects.filter(pk__in=address_ids, verified_on__isnull=True):
        details.nominal_detail_update(
            actor=actor,
            kind="addresses",
            detail=address,
            data={"verified_on": verified_on},
            reason=f"Verified with the notification of {received_on:%d %b %Y}: {note.strip()}",
        )
    return notification


def change_expected(
    *,
    actor: StaffUser,
    nominal: Nominal,
    registration: Registration,
    changed_at: dt.datetime,
    what: str,
) -> DueItem:
    """A change the person must notify (learned of another way): due within 3 days."""
    return due_item_schedule(
        actor=actor,
        kind=DueKind.CHANGE_NOTIFICATION,
        subject=registration,
        nominal=nominal,
        due_at=rules.change_due(changed_at),
        title=f"Notification of change: {what}",
        owner=_owner_for(nominal),
        reason=f"Change to notify: {what}",
    )


# Breaches -----------------------------------------------------------------------------


@transaction.atomic
def breach_record(
    *,
    actor: StaffUser,
    nominal: Nominal,
    requirement: RequirementItem,
    found_on: dt.date,
    evidence: str,
    due_item: DueItem | None = None,
) -> Breach:
    if not evidence.strip():
        raise DomainError("Describe the evidence of the breach", field="evidence")
    if found_on > timezone.localdate():
        raise DomainError("The date found cannot be in the future", field="found_on")
    if due_item is not None and due_item.nominal_id != nominal.pk:
        raise DomainError("Choose one of this person's due items", field="due_item")
    breach = Breach(
        nominal=nominal,
        requirement=requirement,
        found_on=found_on,
        found_by=actor,
        evidence=evidence.strip(),
        due_item=due_item,
    )
    full_clean(breach)
    save_with_history(breach, actor=actor, reason="Suspected breach recorded")
    if nominal.responsible_officer_id and nominal.responsible_officer_id != actor.pk:
        Task.objects.create(
            kind=TaskKind.BREACH,
            owner_id=nominal.responsible_officer_id,
            nominal=nominal,
            title=f"Suspected breach: {requirement}",
            detail=evidence.strip()[:500],
            created_at=timezone.now(),
        )
    events.safety_change(
        actor=actor,
        nominal=nominal,
        kind=events.SafetyChangeKind.BREACH,
        summary=f"Suspected breach of the notification requirements found on {found_on:%d %b %Y}",
    )
    return breach


@transaction.atomic
def breach_escalate(
    *, actor: StaffUser, breach: Breach, urgent_meeting: bool, reason: str
) -> Breach:
    """Escalate a suspected breach; an urgent MAPP meeting request reaches the MAPPA coordinators."""
    if breach.status == BreachStatus.CLOSED:
        raise DomainError("This breach is closed")
    reason = require_reason(reason)
    # The coordinators are asked once: escalating again does not raise the request again.
    newly_requested = urgent_meeting and not breach.urgent_meeting_requested
    breach.status, breach.escalated_at = BreachStatus.ESCALATED, timezone.now()
    breach.urgent_meeting_requested = breach.urgent_meeting_requested or urgent_meeting
    save_with_history(breach, actor=actor, reason=reason)
    if newly_requested:
        coordinators = StaffUser.objects.filter(
            agency_id=breach.nominal.lead_agency_id,
            roles__contains=[Role.MAPPA_COORDINATOR],
            is_active=True,
            is_api_client=False,
        )
        Task.objects.bulk_create(
            [
                Task(
                    kind=TaskKind.BREACH,
                    owner=c,
                    nominal=breach.nominal,
                    title=f"Urgent MAPP meeting requested: breach of {breach.requirement}",
                    detail=reason.strip()[:500],
                    created_at=timezone.now(),
                )
                for c in coordinators
            ]
        )
    return breach


@transaction.atomic
def breach_close(
    *,
    actor: StaffUser,
    breach: Breach,
    outcome: str,
    outcome_on: dt.date,
    conviction: Conviction | None = None,
    reason: str,
) -> Breach:
    if breach.status == BreachStatus.CLOSED:
        raise DomainError("This breach is already closed")
    if outcome not in BreachOutcome.values:
        raise DomainError("Choose the outcome", field="outcome")
    if outcome_on > timezone.localdate():
        raise DomainError("The date of the outcome cannot be in the future", field="outcome_on")
    if outcome_on < breach.found_on:
        raise DomainError(
            "The date of the outcome cannot be before the breach was found", field="outcome_on"
        )
    if outcome == BreachOutcome.CONVICTION and conviction is None:
        raise DomainError("Choose the conviction on the register", field="conviction")
    if conviction is not None and conviction.nominal_id != breach.nominal_id:
        raise DomainError("Choose one of this person's convictions", field="conviction")
    breach.status, breach.outcome, breach.outcome_on = BreachStatus.CLOSED, outcome, outcome_on
    breach.conviction = conviction
    full_clean(breach)
    return save_with_history(breach, actor=actor, reason=require_reason(reason))


# Tasks ----------------------------------------------------------------------------------


@transaction.atomic
def task_raise(
    *,
    actor: StaffUser,
    owner: StaffUser,
    nominal: Nominal,
    title: str,
    detail: str = "",
    kind: str = TaskKind.ALERT,
    compartment: str = Compartment.CASEWORK,
    link: str = "",
    reason: str,
    now: dt.datetime | None = None,
) -> Task:
    """A task for one officer raised by a service (an alert), not by a scan."""
    if not title.strip():
        raise DomainError("A task needs a title", field="title")
    task = Task(
        kind=kind,
        owner=owner,
        nominal=nominal,
        title=title.strip()[:300],
        detail=detail.strip(),
        compartment=compartment,
        link=link,
        created_at=now or timezone.now(),
    )
    full_clean(task)
    return save_with_history(task, actor=actor, reason=require_reason(reason))


@transaction.atomic
def task_complete(*, actor: StaffUser, task: Task, outcome: str) -> Task:
    if task.owner_id != actor.pk:
        raise DomainError("Only the task's owner can complete it")
    if task.status == TaskStatus.DONE:
        raise DomainError("This task is already done")
    if not outcome.strip():
        raise DomainError("Enter what was done", field="outcome")
    task.status, task.outcome, task.done_at = TaskStatus.DONE, outcome.strip(), timezone.now()
    task.seen_at = task.seen_at or task.done_at
    return save_with_history(task, actor=actor, reason=outcome.strip())


def tasks_mark_seen(*, actor: StaffUser) -> int:
    """Opening the inbox clears the unread count (not a change of record: no history)."""
    return Task.objects.filter(owner=actor, seen_at__isnull=True).update(seen_at=timezone.now())
