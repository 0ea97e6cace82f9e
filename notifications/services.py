"""Every write in notifications: due items, notifications received, requirement sets,
notification periods, breaches and tasks. Keyword-only, atomic, with actor and reason.

Lock order (so concurrent writers for one person wait rather than deadlock or collide): the
nominal's row first (`_lock_nominal`, SELECT ... FOR UPDATE), then its due items, then tasks.
Every service here that creates or closes a person's due items takes the nominal's lock first;
the register's detail services have already locked it (their UPDATE of the nominal's ETag) when
they call notifications.feeds.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from notifications import conf, periods, rules
from notifications.models import (
    NOTIFIED_KINDS,
    Breach,
    BreachOutcome,
    BreachStatus,
    Compartment,
    DueItem,
    DueKind,
    DueStatus,
    IndefiniteReview,
    Notification,
    NotificationPause,
    NotificationPeriod,
    RequirementItem,
    RequirementSet,
    RequirementSetItem,
    ReviewDecision,
    SchedulerHeartbeat,
    Tailoring,
    Task,
    TaskKind,
    TaskStatus,
)
from register import events
from register import rules as register_rules
from register.audit import save_with_history
from register.errors import DomainError
from register.models import (
    CivilOrder,
    Conviction,
    Nominal,
    OrderKind,
    Registration,
    Role,
    StaffUser,
)
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


def _lock_nominal(nominal: Nominal) -> None:
    """The first lock any write to a person's due items takes (see the module docstring)."""
    Nominal.objects.select_for_update().filter(pk=nominal.pk).values_list("pk").first()


def _disregarded(nominal: Nominal) -> list[rules.Disregarded]:
    """Recorded custody, hospital and time abroad (SOA 2003 s.83(6))."""
    return [
        rules.Disregarded(first, last, kind)
        for first, last, kind in NotificationPause.objects.filter(nominal=nominal).values_list(
            "starts_on", "ends_on", "kind"
        )
    ]


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
    event_key: str = "",
    requirement: str = "",
    event_on: dt.date | None = None,
    deadline_rule: str = "",
    deadline_days: int | None = None,
    source: str = "",
) -> DueItem:
    """Create the open due item of this kind for this record (and event), or move the one there is.

    Any app that makes something fall due calls this; the scans do the rest. Victim-side
    work passes compartment=VICTIM (kept off offender-side pages) and the `link` to act on.
    A notifiable event passes its own `event_key` (one open item per event, not per record),
    the `requirement` code a notification must include to meet it, and the deadline's rule,
    start day and `source` (the section it follows, shown with the deadline).
    """
    if timezone.is_naive(due_at):
        raise DomainError("A due time must carry its time zone")
    _lock_nominal(nominal)
    content_type, subject_id = _subject_key(subject)
    item = (
        DueItem.objects.select_for_update()
        .filter(
            kind=kind,
            subject_type=content_type,
            subject_id=subject_id,
            event_key=event_key,
            status__in=[DueStatus.OPEN, DueStatus.OVERDUE],
        )
        .first()
    )
    if item is None:
        item = DueItem(
            kind=kind,
            subject_type=content_type,
            subject_id=subject_id,
            nominal=nominal,
            event_key=event_key,
        )
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
    item.requirement, item.event_on, item.source = requirement, event_on, source
    item.deadline_rule, item.deadline_days = deadline_rule, deadline_days
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


def deadline_schedule(
    *,
    actor: StaffUser,
    kind: str,
    subject: models.Model,
    nominal: Nominal,
    rule_key: str,
    event_on: dt.date,
    title: str,
    reason: str,
    requirement: str = "",
    event_key: str = "",
    days: int | None = None,
) -> DueItem:
    """A notification deadline from its rule (notifications.rules), over recorded custody,
    hospital and time abroad, with its source stored to show beside it."""
    try:
        deadline = rules.compute_deadline(
            rule_key, event_on, days=days, disregarded=_disregarded(nominal)
        )
    except (OverflowError, ValueError) as exc:  # a date at the calendar's end (year 9999)
        raise DomainError(
            f"{event_on:%d %b %Y} is too far ahead to count a notification deadline from"
        ) from exc
    return due_item_schedule(
        actor=actor,
        kind=kind,
        subject=subject,
        nominal=nominal,
        due_at=deadline.due_at,
        title=title,
        owner=_owner_for(nominal),
        reason=reason,
        event_key=event_key,
        requirement=requirement,
        event_on=event_on,
        deadline_rule=rule_key,
        deadline_days=days,
        source=deadline.explanation,
    )


# Registration: requirement set, period and the first items due ----------------------


def index_conviction(
    nominal: Nominal, outcome: register_rules.EligibilityOutcome
) -> Conviction | None:
    """The conviction the notification period runs from: of those the decision relied on, the
    one giving the longest period (DOMAIN.md "Notification requirements"; SOA 2003 s.82), not
    the latest. A record the rule table cannot read (custody with no length) is left out."""
    used = {record_id for check in outcome.checks if check.passed for record_id in check.record_ids}
    candidates = list(
        Conviction.objects.filter(
            nominal=nominal, pk__in=[r for r in used if _is_uuid(r)]
        ).select_related("offence")
    )
    found = periods.governing(nominal, candidates, skip_unreadable=True)
    if found is not None:
        return found[0]
    # Only disposals that give no period (absolute discharge): keep the latest on record.
    return max(candidates, key=lambda c: c.conviction_date, default=None)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


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
        # SOA 2003 s.82 as applied: the period begins with the relevant date (conviction, finding
        # or caution), not registration; consecutive terms are added (notifications.periods).
        try:
            found = periods.governing(nominal, [conviction])
        except ValueError as exc:
            raise DomainError(f"The notification period cannot be worked out: {exc}") from exc
        if found is not None:
            _, period = found
            save_with_history(
                NotificationPeriod(
                    registration=registration,
                    starts_on=period.starts_on,
                    ends_on=period.ends_on,
                    indefinite=period.period.indefinite,
                    # Reviewable only once the initial notification is made (s.91B): see
                    # indefinite_review_schedule.
                    review_on=None,
                    conviction=conviction,
                    rule_key=period.period.rule_key,
                    explanation=period.explanation,
                ),
                actor=actor,
                reason="Notification period from the index conviction",
            )
            if period.ends_on:
                due_item_schedule(
                    actor=actor,
                    kind=DueKind.PERIOD_END,
                    subject=registration,
                    nominal=nominal,
                    due_at=rules.end_of_day(period.ends_on),
                    title="Notification period ends",
                    owner=_owner_for(nominal),
                    reason="Notification period",
                )
    deadline_schedule(
        actor=actor,
        kind=DueKind.INITIAL_NOTIFICATION,
        subject=registration,
        nominal=nominal,
        rule_key="initial",
        event_on=starts_on,
        title="Initial notification",
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
    if requirement_set.registration is None:
        raise DomainError("An order's notification requirements are set by law, not tailored")
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
        notice = rules.travel_notice(received_at, departs_at, conf.travel_notice_days())
        if notice.needs_reason and not late_reason.strip():
            raise DomainError(
                f"{notice.explanation} Enter why {conf.travel_notice_days()} days' notice "
                "was not practicable",
                field="late_reason",
            )
        if not notice.on_time and not late_reason.strip():
            raise DomainError(
                f"{notice.explanation} Enter why the notice was late", field="late_reason"
            )
    # Concurrent notifications for one person queue here (issue 11): each then sees what the
    # last one met and scheduled, so none collides on the one-open-item-per-event constraint.
    _lock_nominal(nominal)
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
        notice = rules.travel_notice(received_at, departs_at, conf.travel_notice_days())
        if not notice.on_time and nominal.responsible_officer_id:
            Task.objects.create(
                kind=TaskKind.ALERT,
                owner_id=nominal.responsible_officer_id,
                nominal=nominal,
                title="Late notice of foreign travel: consider a breach",
                detail=notice.explanation[:500],
                created_at=timezone.now(),
            )

    _meet_covered(actor=actor, nominal=nominal, notification=notification)
    events.announce(
        "notification.recorded",
        actor=actor,
        nominal=nominal,
        subject=notification,
        subject_type="notification",
        data={"items": sorted(items), "channel": channel, "received_at": received_at.isoformat()},
    )
    registration = nominal.registrations.filter(decision="register", ended_on__isnull=True).first()
    if registration is None:
        return notification
    notified = set(items)
    received_on = rules.london_date(received_at)
    full = not rules.full_notification_missing(notified, _applicable_codes(registration))
    # Notice of travel is not a notification of the person's details (SOA 2003 s.86, not
    # ss.83-85), and only a full notification (s.83(5)) restarts the annual clock.
    if full:
        deadline_schedule(
            actor=actor,
            kind=DueKind.ANNUAL_NOTIFICATION,
            subject=registration,
            nominal=nominal,
            rule_key="annual",
            event_on=received_on,
            title="Annual notification",
            reason="Annual re-notification",
        )
    if nominal.no_fixed_abode and (full or "weekly_location" in notified):
        deadline_schedule(
            actor=actor,
            kind=DueKind.WEEKLY_NOTIFICATION,
            subject=registration,
            nominal=nominal,
            rule_key="weekly",
            event_on=received_on,
            title="Weekly notification (no fixed abode)",
            reason="No fixed abode: weekly notification",
            requirement="weekly_location",
        )
    return notification


def _applicable_codes(registration: Registration) -> set[str]:
    """The requirement codes this registration's set applies (the default set when none yet)."""
    rows = RequirementSetItem.objects.filter(requirement_set__registration=registration)
    if not rows.exists():
        return set(
            RequirementItem.objects.filter(in_default_set=True).values_list("code", flat=True)
        )
    return {row.item.code for row in rows.select_related("item") if row.applies}


def covers(item: DueItem, notified: set[str], *, applicable: set[str] | None = None) -> bool:
    """Whether a notification of `notified` item codes meets `item` (and nothing more).

    A change (or its s.84(4)(b) follow-up) is met by notifying its own item; the initial and
    annual notifications by a full notification (SOA 2003 s.83(5)); a civil order's by name(s)
    and home address (SPA 2019 s.9(2), DA Act 2021 s.41(3)); a weekly one by where they can be
    found (or a home address).
    """
    if item.kind in (DueKind.CHANGE_NOTIFICATION, DueKind.ADVANCE_NOT_OCCURRED):
        return item.requirement in notified
    if item.kind == DueKind.WEEKLY_NOTIFICATION:
        return bool(notified & {"weekly_location", "main_address"})
    if item.kind in (DueKind.INITIAL_NOTIFICATION, DueKind.ANNUAL_NOTIFICATION):
        return not rules.full_notification_missing(
            notified, applicable if applicable is not None else set(rules.FULL_NOTIFICATION_ITEMS)
        )
    if item.kind == DueKind.ORDER_NOTIFICATION:
        return not rules.full_notification_missing(notified, set(rules.ORDER_NOTIFICATION_ITEMS))
    return False


def _meet_covered(*, actor: StaffUser, nominal: Nominal, notification: Notification) -> None:
    """Meet the open items this notification covers, as of when it was received (so one
    received after the deadline is recorded as met late)."""
    notified = set(notification.items)
    received_on = rules.london_date(notification.received_at)
    own_events = {f"{c['kind']}:{c['id']}" for c in notification.applied_changes}
    registration = nominal.registrations.filter(decision="register", ended_on__isnull=True).first()
    applicable = _applicable_codes(registration) if registration is not None else None
    items = DueItem.objects.select_for_update().filter(
        nominal=nominal,
        kind__in=NOTIFIED_KINDS,
        status__in=[DueStatus.OPEN, DueStatus.OVERDUE],
    )
    now = timezone.now()
    for item in items:
        # A change that has not happened yet is met in advance only by the notification
        # that gave it (s.84(2)); any other notification covers what happened by then.
        if (
            item.kind == DueKind.CHANGE_NOTIFICATION
            and item.event_on is not None
            and item.event_on > received_on
            and item.event_key.split(":actual")[0] not in own_events
        ):
            continue
        if not covers(item, notified, applicable=applicable):
            continue
        item.status, item.met_at, item.met_by = (
            DueStatus.MET,
            notification.received_at,
            notification,
        )
        save_with_history(item, actor=actor, reason="Notification received")
        Task.objects.filter(due_item=item, status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE,
            done_at=now,
            outcome="Met late: notified after the deadline" if item.met_late else "Met",
        )
        if item.kind == DueKind.INITIAL_NOTIFICATION and registration is not None:
            # An indefinite period is reviewed counting from this notification (s.91B).
            indefinite_review_schedule(
                actor=actor, registration=registration, initial_notification_on=received_on
            )


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


# Notifiable events: each its own due item ----------------------------------------------


# Which requirement a change to the record must be notified as (detail kind -> item code).
def _detail_event(kind: str, detail: Any) -> tuple[str, dt.date, str] | None:
    """(requirement code, the day the event happened, what) for a detail row, or None."""
    today = timezone.localdate()
    if kind == "names":
        code = "dating_profiles" if detail.kind == "dating_profile" else "names"
        return code, detail.used_from or today, f"name {detail}"
    if kind == "addresses":
        if detail.kind == "main":
            return "main_address", detail.date_from, "change of home address"
        if detail.kind == "other":
            # SOA 2003 s.84(1)(c), (6): an address counts once stayed at for 7 days in total in
            # 12 months; a stay still going on is taken to continue.
            last = detail.date_to or detail.date_from + dt.timedelta(days=6)
            counts_on = rules.address_first_counts_on([(detail.date_from, last)])
            if counts_on is None or not rules.address_counts([(detail.date_from, last)], counts_on):
                return None
            return "other_address", counts_on, "address stayed at 7 days in 12 months"
        return None
    if kind == "contact-details":
        code = "phone_numbers" if detail.kind == "phone" else "email_addresses"
        return code, detail.date_from or today, "new phone number or e-mail"
    if kind == "financial-accounts":
        return "bank_accounts", detail.opened_on or today, "new bank account or card"
    if kind == "identity-documents":
        return "identity_documents", today, "new identity document"
    if kind == "household-members":
        return "household_child", today, "household with a child"
    return None


# The civil-order rules for a change (SPA 2019 s.9(3)-(4); DA Act 2021 s.41(4)-(5)).
_ORDER_CHANGE_RULES = {
    (OrderKind.SPO, "names"): "spo_name",
    (OrderKind.SPO, "main_address"): "spo_address",
    (OrderKind.DAPO, "names"): "dapo_name",
    (OrderKind.DAPO, "main_address"): "dapo_address",
}


def detail_notifiable_change(*, actor: StaffUser, kind: str, detail: Any) -> list[DueItem]:
    """A change to the record that the person must notify: its own due item in each regime
    (registration, SPO, DAPO) that requires it. Called by notifications.feeds."""
    event = _detail_event(kind, detail)
    if event is None:
        return []
    code, event_on, what = event
    # Only a row just added is a new event; a later edit (a correction, a verification) moves
    # the event's own open item, or tests an advance notice, but never starts a new deadline.
    new_event = detail.history.count() <= 1
    return change_expected(
        actor=actor,
        nominal=detail.nominal,
        requirement=code,
        event_key=f"{kind}:{detail.pk}",
        event_on=event_on,
        what=what,
        new_event=new_event,
    )


@transaction.atomic
def change_expected(
    *,
    actor: StaffUser,
    nominal: Nominal,
    requirement: str,
    event_key: str,
    event_on: dt.date,
    what: str,
    new_event: bool = True,
) -> list[DueItem]:
    """A change the person must notify: one item per regime, due from the change's own date.

    Registration: SOA 2003 s.84(1) (or the person's tailored deadline). A civil order in force
    with notification requirements: SPA 2019 s.9(3)-(4) or DA Act 2021 s.41(4)-(5). An item
    already met in advance whose date has moved goes through s.84(3)-(4).
    """
    _lock_nominal(nominal)
    scheduled = []
    regimes: list[tuple[models.Model, str, int | None]] = []
    registration = nominal.registrations.filter(decision="register", ended_on__isnull=True).first()
    if registration is not None:
        row = (
            RequirementSetItem.objects.filter(
                requirement_set__registration=registration, item__code=requirement
            )
            .select_related("item")
            .first()
        )
        if row is not None and row.applies:
            days = row.deadline_days if row.tailoring == Tailoring.CHANGED else None
            regimes.append((registration, "change", days))
    for order in CivilOrder.objects.filter(
        nominal=nominal,
        notification_requirements=True,
        requirement_set__isnull=False,
        starts_on__lte=event_on,
    ).exclude(ends_on__lt=event_on):
        rule_key = _ORDER_CHANGE_RULES.get((OrderKind(order.kind), requirement))
        if rule_key:
            regimes.append((order, rule_key, None))
    for subject, rule_key, days in regimes:
        content_type, subject_id = _subject_key(subject)
        existing = (
            DueItem.objects.select_for_update(of=("self",))
            .filter(
                kind=DueKind.CHANGE_NOTIFICATION,
                subject_type=content_type,
                subject_id=subject_id,
                event_key=event_key,
            )
            .select_related("met_by")
            .order_by("-created_at")
            .first()
        )
        if existing is not None and existing.status not in (DueStatus.OPEN, DueStatus.OVERDUE):
            given_in_advance = (
                existing.status == DueStatus.MET
                and existing.met_by is not None
                and existing.event_on is not None
                and rules.london_date(existing.met_by.received_at) < existing.event_on
            )
            if given_in_advance and existing.event_on != event_on and rule_key == "change":
                scheduled += _advance_outcome(actor=actor, item=existing, occurred_on=event_on)
            continue
        if existing is None and not new_event:
            continue
        scheduled.append(
            deadline_schedule(
                actor=actor,
                kind=DueKind.CHANGE_NOTIFICATION,
                subject=subject,
                nominal=nominal,
                rule_key=rule_key,
                event_on=event_on,
                title=f"Notify the {what}",
                reason=f"Change to notify: {what}",
                requirement=requirement,
                event_key=event_key,
                days=days,
            )
        )
    return scheduled


def _advance_outcome(
    *, actor: StaffUser, item: DueItem, occurred_on: dt.date | None
) -> list[DueItem]:
    """SOA 2003 s.84(3)-(4) for a change met in advance whose actual date is now known (or
    that did not happen): the items the person must now notify."""
    assert item.event_on is not None  # noqa: S101 - callers check
    try:
        outcome = rules.advance_notice_outcome(
            item.event_on,
            occurred_on,
            as_of=timezone.localdate(),
            days=item.deadline_days,
            disregarded=_disregarded(item.nominal),
        )
    except (OverflowError, ValueError) as exc:  # a date at the calendar's end (year 9999)
        raise DomainError(
            "The date is too far ahead to count a notification deadline from"
        ) from exc
    subject = item.subject_type.get_object_for_this_type(pk=item.subject_id)
    made = []
    if outcome.not_occurred is not None:
        made.append(
            due_item_schedule(
                actor=actor,
                kind=DueKind.ADVANCE_NOT_OCCURRED,
                subject=subject,
                nominal=item.nominal,
                due_at=outcome.not_occurred.due_at,
                title=f"Notify that it did not happen: {item.title}",
                owner=_owner_for(item.nominal),
                reason=outcome.explanation,
                event_key=item.event_key,
                requirement=item.requirement,
                event_on=item.event_on,
                deadline_rule="advance_not_occurred",
                source=outcome.not_occurred.explanation,
            )
        )
    if outcome.renotify is not None and occurred_on is not None:
        made.append(
            due_item_schedule(
                actor=actor,
                kind=DueKind.CHANGE_NOTIFICATION,
                subject=subject,
                nominal=item.nominal,
                due_at=outcome.renotify.due_at,
                title=f"{item.title} (again: the date given in advance did not hold)",
                owner=_owner_for(item.nominal),
                reason=outcome.explanation,
                event_key=f"{item.event_key}:actual",
                requirement=item.requirement,
                event_on=occurred_on,
                deadline_rule="change",
                deadline_days=item.deadline_days,
                source=outcome.renotify.explanation,
            )
        )
    return made


@transaction.atomic
def advance_change_not_made(*, actor: StaffUser, due_item: DueItem, reason: str) -> list[DueItem]:
    """A change notified in advance did not happen (SOA 2003 s.84(4)): the person must say so."""
    reason = require_reason(reason)
    _lock_nominal(due_item.nominal)
    item = (
        DueItem.objects.select_for_update(of=("self",))
        .select_related("met_by", "nominal")
        .get(pk=due_item.pk)
    )
    if (
        item.kind != DueKind.CHANGE_NOTIFICATION
        or item.status != DueStatus.MET
        or item.met_by is None
        or item.event_on is None
        or rules.london_date(item.met_by.received_at) >= item.event_on
    ):
        raise DomainError("Only a change notified in advance can be recorded as not made")
    outcome = rules.advance_notice_outcome(
        item.event_on, None, as_of=timezone.localdate(), disregarded=_disregarded(item.nominal)
    )
    if outcome.outcome == rules.ADVANCE_PENDING:
        raise DomainError(outcome.explanation)
    return _advance_outcome(actor=actor, item=item, occurred_on=None)


# Civil orders with notification requirements -------------------------------------------------


@transaction.atomic
def civil_order_requirements(*, actor: StaffUser, order: CivilOrder) -> RequirementSet | None:
    """An SPO (always, SPA 2019 s.9) or a DAPO that says so (DA Act 2021 s.41): the order's
    requirement set (name(s) and home address) and its first notification, within 3 days
    beginning with service (SPO) or the day it was made (DAPO). Called by notifications.feeds
    whenever the order is recorded or changed; an order that no longer carries them has its
    open items waived."""
    nominal = order.nominal
    _lock_nominal(nominal)
    requirement_set = RequirementSet.objects.filter(civil_order=order).first()
    if not order.notification_requirements:
        if requirement_set is not None:
            due_items_close(
                actor=actor,
                kinds=[DueKind.ORDER_NOTIFICATION, DueKind.CHANGE_NOTIFICATION],
                subject=order,
                status=DueStatus.WAIVED,
                reason="Order changed",
                waived_reason="The order no longer carries notification requirements",
            )
        return None
    if requirement_set is None:
        requirement_set = save_with_history(
            RequirementSet(civil_order=order),
            actor=actor,
            reason=f"Notification requirements of the {order.get_kind_display()}",
        )
        for item in RequirementItem.objects.filter(code__in=rules.ORDER_NOTIFICATION_ITEMS):
            save_with_history(
                RequirementSetItem(requirement_set=requirement_set, item=item),
                actor=actor,
                reason=f"Notification requirements of the {order.get_kind_display()}",
            )
    content_type, subject_id = _subject_key(order)
    met = DueItem.objects.filter(
        kind=DueKind.ORDER_NOTIFICATION,
        subject_type=content_type,
        subject_id=subject_id,
        status=DueStatus.MET,
    ).exists()
    if not met:
        deadline_schedule(
            actor=actor,
            kind=DueKind.ORDER_NOTIFICATION,
            subject=order,
            nominal=nominal,
            rule_key="spo_initial" if order.kind == OrderKind.SPO else "dapo_initial",
            event_on=order.notification_clock_starts_on,
            title=f"{order.get_kind_display()}: notify name(s) and home address",
            reason="Order with notification requirements",
            requirement="names+main_address",
        )
    return requirement_set


# Time disregarded: custody, hospital, abroad (SOA 2003 s.83(6)) ------------------------------


def _recompute_deadlines(*, actor: StaffUser, nominal: Nominal, reason: str) -> int:
    """Move every open notification deadline of this person over the time now recorded."""
    pauses = _disregarded(nominal)
    moved = 0
    for item in (
        DueItem.objects.select_for_update()
        .filter(
            nominal=nominal,
            status__in=[DueStatus.OPEN, DueStatus.OVERDUE],
            event_on__isnull=False,
        )
        .exclude(deadline_rule="")
    ):
        assert item.event_on is not None  # noqa: S101 - filtered above
        deadline = rules.compute_deadline(
            item.deadline_rule, item.event_on, days=item.deadline_days, disregarded=pauses
        )
        if deadline.due_at == item.due_at and deadline.explanation == item.source:
            continue
        due_item_schedule(
            actor=actor,
            kind=item.kind,
            subject=item.subject_type.get_object_for_this_type(pk=item.subject_id),
            nominal=nominal,
            due_at=deadline.due_at,
            title=item.title,
            owner=item.owner,
            reason=reason,
            compartment=item.compartment,
            link=item.link,
            event_key=item.event_key,
            requirement=item.requirement,
            event_on=item.event_on,
            deadline_rule=item.deadline_rule,
            deadline_days=item.deadline_days,
            source=deadline.explanation,
        )
        moved += 1
    return moved


PAUSE_EARLIEST = dt.date(1900, 1, 1)
PAUSE_LATEST = dt.date(2200, 12, 31)


@transaction.atomic
def notification_pause_record(
    *,
    actor: StaffUser,
    nominal: Nominal,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
    note: str = "",
    reason: str,
) -> NotificationPause:
    """Record time in custody, in hospital or abroad; open deadlines move over it."""
    reason = require_reason(reason)
    if ends_on is None:
        raise DomainError("Enter the last day (expected, or known)", field="ends_on")
    if starts_on is not None and ends_on < starts_on:
        raise DomainError("The last day cannot be before the first", field="ends_on")
    # Dates a person's deadlines can be counted over (and a typing slip cannot make a deadline
    # run past the calendar's end).
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is not None and not PAUSE_EARLIEST <= day <= PAUSE_LATEST:
            raise DomainError(
                f"Enter a date between {PAUSE_EARLIEST.year} and {PAUSE_LATEST.year}", field=field
            )
    _lock_nominal(nominal)
    pause = NotificationPause(
        nominal=nominal,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        recorded_by=actor,
    )
    full_clean(pause)
    save_with_history(pause, actor=actor, reason=reason)
    _recompute_deadlines(actor=actor, nominal=nominal, reason=f"Time disregarded: {pause}")
    return pause


@transaction.atomic
def notification_pause_remove(*, actor: StaffUser, pause: NotificationPause, reason: str) -> None:
    """Remove a period recorded in error; deadlines move back (history keeps the row)."""
    reason = require_reason(reason)
    nominal = pause.nominal
    _lock_nominal(nominal)
    from register.audit import stamp

    stamp(pause, actor=actor, reason=reason)
    pause.delete()
    _recompute_deadlines(
        actor=actor, nominal=nominal, reason=f"Time no longer disregarded: {reason}"
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
    civil_order: CivilOrder | None = None,
) -> Breach:
    if not evidence.strip():
        raise DomainError("Describe the evidence of the breach", field="evidence")
    if found_on > timezone.localdate():
        raise DomainError("The date found cannot be in the future", field="found_on")
    if due_item is not None and due_item.nominal_id != nominal.pk:
        raise DomainError("Choose one of this person's due items", field="due_item")
    if civil_order is not None and civil_order.nominal_id != nominal.pk:
        raise DomainError("Choose one of this person's civil orders", field="civil_order")
    if (
        civil_order is None
        and due_item is not None
        and due_item.subject_type == ContentType.objects.get_for_model(CivilOrder)
    ):
        # A missed SPO or DAPO notification is a breach of that order's requirements.
        civil_order = CivilOrder.objects.filter(pk=due_item.subject_id).first()
    breach = Breach(
        nominal=nominal,
        requirement=requirement,
        found_on=found_on,
        found_by=actor,
        evidence=evidence.strip(),
        due_item=due_item,
        civil_order=civil_order,
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
        subject=breach,
        subject_type="breach",
        data={"requirement": requirement.code, "found_on": found_on.isoformat()},
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


# Review of indefinite notification requirements (SOA 2003 s.91A-F as the model) -------------


def _under_18_on_relevant_date(period: NotificationPeriod) -> bool:
    age = period.registration.nominal.age_on(period.starts_on)
    return age is not None and age < 18


@transaction.atomic
def indefinite_review_schedule(
    *, actor: StaffUser, registration: Registration, initial_notification_on: dt.date
) -> DueItem | None:
    """The first review of an indefinite period: 15 years (8 if under 18 on the relevant date)
    after the initial notification (s.91B), not registration. Once only; None when the period
    is fixed or the review is already set."""
    period = (
        NotificationPeriod.objects.select_for_update()
        .select_related("registration__nominal")
        .filter(registration=registration, indefinite=True, review_on__isnull=True)
        .first()
    )
    if period is None:
        return None
    under_18 = _under_18_on_relevant_date(period)
    due_on = rules.indefinite_review_due(initial_notification_on, under_18=under_18)
    period.review_on = due_on
    save_with_history(period, actor=actor, reason="Initial notification made: review date set")
    nominal = registration.nominal
    return due_item_schedule(
        actor=actor,
        kind=DueKind.INDEFINITE_REVIEW,
        subject=registration,
        nominal=nominal,
        due_at=rules.end_of_day(due_on),
        title="Review of indefinite notification requirements",
        owner=_owner_for(nominal),
        reason="Indefinite notification requirements: review due",
        event_on=initial_notification_on,
        source=rules.indefinite_review_explanation(
            initial_notification_on, under_18=under_18, due_on=due_on
        ),
    )


@transaction.atomic
def indefinite_review_decide(
    *,
    actor: StaffUser,
    registration: Registration,
    decision: str,
    decided_on: dt.date,
    reasons: str,
) -> IndefiniteReview:
    """Record a review decision with its reasons and close the review due item. To continue sets
    the next review 8 years on, as a new due item; to discharge ends the review cycle (ending the
    registration itself is registration_end's, with its own reason)."""
    if decision not in ReviewDecision.values:
        raise DomainError(
            "Choose whether the requirements continue or are discharged", field="decision"
        )
    reasons = reasons.strip()
    if not reasons:
        raise DomainError("Enter the reasons for the decision", field="reasons")
    if decided_on > timezone.localdate():
        raise DomainError("The decision date cannot be in the future", field="decided_on")
    period = (
        NotificationPeriod.objects.select_for_update()
        .filter(registration=registration, indefinite=True)
        .first()
    )
    if period is None or not registration.is_current:
        raise DomainError("Only a current registration with an indefinite period is reviewed")
    if period.review_on is None:
        raise DomainError(
            "No review is due yet: it falls after the initial notification", field="decided_on"
        )
    next_on = rules.further_review_due(decided_on) if decision == ReviewDecision.CONTINUE else None
    review = IndefiniteReview(
        registration=registration,
        decided_on=decided_on,
        decision=decision,
        reasons=reasons,
        decided_by=actor,
        next_review_on=next_on,
    )
    save_with_history(review, actor=actor, reason=reasons)
    due_items_close(
        actor=actor,
        kinds=[DueKind.INDEFINITE_REVIEW],
        subject=registration,
        reason=f"Review decided: {review.get_decision_display().lower()}",
    )
    period.review_on = next_on
    save_with_history(period, actor=actor, reason=f"Review decided on {decided_on:%d %b %Y}")
    if next_on is not None:
        nominal = registration.nominal
        due_item_schedule(
            actor=actor,
            kind=DueKind.INDEFINITE_REVIEW,
            subject=registration,
            nominal=nominal,
            due_at=rules.end_of_day(next_on),
            title="Further review of indefinite notification requirements",
            owner=_owner_for(nominal),
            reason="The requirements continue: next review in 8 years",
            event_on=decided_on,
            source=(
                f"{rules.REVIEW_SOURCE}: a decision to continue on "
                f"{rules.format_date(decided_on)} → next review {rules.format_date(next_on)} "
                "(8 years after the decision)"
            ),
        )
    return review
