"""Reads of notifications, due items, breaches and tasks, scoped to what the user may see.

Everything about a nominal is visible exactly when the nominal is: each read
goes through `register.access.scoped` on Nominal, so a record of a nominal the
user may not see answers 404 like one that does not exist. Tasks are their
owner's own. Every list is loaded with its relations, so pages run a fixed
number of queries however many rows there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from notifications.models import (
    Breach,
    Compartment,
    DueItem,
    DueStatus,
    Notification,
    NotificationPause,
    NotificationPeriod,
    RequirementItem,
    RequirementSet,
    RequirementSetItem,
    SchedulerHeartbeat,
    Task,
    TaskKind,
    TaskStatus,
)
from register import access
from register import selectors as register_selectors
from register.models import Conviction, Decision, Nominal, Registration, Role, StaffUser

if TYPE_CHECKING:
    import uuid

DUE_SOON_DAYS = 7
NOTIFICATIONS_SHOWN = 50
CLOSED_DUE_ITEMS_SHOWN = 20
OPEN_STATUSES = (DueStatus.OPEN, DueStatus.OVERDUE)
_CASEWORK_ROLES = sorted(access.POLICY["register.nominal"]["view"])
APPROVER_ROLES = [Role.SUPERVISOR, Role.MAPPA_COORDINATOR]


def last_heartbeat() -> dt.datetime | None:
    return SchedulerHeartbeat.objects.order_by("-at").values_list("at", flat=True).first()


def visible_nominals(user: StaffUser, action: access.Action = "view") -> QuerySet[Nominal]:
    """The nominals the user may `action`, as a subquery for `nominal__in=`."""
    return access.scoped(Nominal.objects.all(), user, action)


def nominal_get(
    *, user: StaffUser, nominal_id: uuid.UUID | str, action: access.Action = "view"
) -> Nominal:
    """The nominal through the register's gate; a merged record cannot be changed (404)."""
    nominal = register_selectors.nominal_get(user=user, nominal_id=nominal_id, action=action)
    if action != "view" and nominal.merged_into_id:
        raise Http404
    return nominal


def _get_or_404(queryset: QuerySet[Any], **lookup: Any) -> Any:
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        # ValidationError / ValueError: a malformed UUID is just another unknown record.
        raise Http404 from exc


# Tasks ----------------------------------------------------------------------------------


def casework_due_items() -> QuerySet[DueItem]:
    """Due items offender-side pages may show: victim-side work is never among them."""
    return DueItem.objects.filter(compartment=Compartment.CASEWORK)


def tasks_of(*, user: StaffUser) -> QuerySet[Task]:
    """The user's own tasks: casework about nominals the user may still see, and victim-side
    tasks (a VLO's alerts, a disclosure deadline) which are their owner's alone."""
    return Task.objects.filter(
        Q(compartment=Compartment.VICTIM) | Q(nominal__in=visible_nominals(user)), owner=user
    ).select_related("nominal", "due_item")


def task_inbox(
    *,
    user: StaffUser,
    kind: str = "",
    status: str = TaskStatus.OPEN,
    now: dt.datetime | None = None,
) -> QuerySet[Task]:
    """The inbox: overdue first, then due soon, then the rest; done tasks newest first.

    One query for any number of tasks (nominal and due item joined).
    """
    now = now or timezone.now()
    soon = now + dt.timedelta(days=DUE_SOON_DAYS)
    tasks = tasks_of(user=user)
    if kind:
        tasks = tasks.filter(kind=kind)
    if status:
        tasks = tasks.filter(status=status)
    if status == TaskStatus.DONE:
        return tasks.order_by("-done_at", "-created_at", "pk")
    urgency = Case(
        When(
            Q(kind__in=[TaskKind.OVERDUE, TaskKind.ESCALATION])
            | Q(due_item__status=DueStatus.OVERDUE)
            | Q(due_item__status=DueStatus.OPEN, due_item__due_at__lt=now),
            then=Value(0),
        ),
        When(
            Q(kind=TaskKind.DUE_SOON)
            | Q(due_item__status=DueStatus.OPEN, due_item__due_at__lt=soon),
            then=Value(1),
        ),
        default=Value(2),
        output_field=IntegerField(),
    )
    return tasks.annotate(urgency=urgency).order_by(
        "urgency", F("due_item__due_at").asc(nulls_last=True), "-created_at", "pk"
    )


def task_get(*, user: StaffUser, task_id: uuid.UUID | str) -> Task:
    """One of the user's own tasks, or 404 (someone else's task looks like no task)."""
    return _get_or_404(tasks_of(user=user), pk=task_id)  # type: ignore[no-any-return]


def task_unread_count(*, user: StaffUser) -> int:
    """Open tasks the user has not yet seen (for the header's badge). One query."""
    return tasks_of(user=user).filter(status=TaskStatus.OPEN, seen_at__isnull=True).count()


def _count(queryset: QuerySet[Any], group_by: str) -> Coalesce:
    """A correlated COUNT(*) subquery: no join fan-out however many rows each officer has."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def team_workload(*, user: StaffUser, now: dt.datetime | None = None) -> QuerySet[StaffUser]:
    """Each officer of the supervisor's team (or agency) with overdue items, items due in 7
    days and open tasks counted: one aggregate query whatever the caseloads.

    Only items and tasks about nominals the supervisor may see are counted.
    """
    now = now or timezone.now()
    visible = visible_nominals(user)
    officers = StaffUser.objects.filter(
        agency_id=user.agency_id,
        is_active=True,
        is_api_client=False,
        roles__overlap=_CASEWORK_ROLES,
    )
    if user.team_id:
        officers = officers.filter(team_id=user.team_id)
    due = casework_due_items().filter(owner=OuterRef("pk"), nominal__in=visible)
    tasks = Task.objects.filter(owner=OuterRef("pk"), nominal__in=visible, status=TaskStatus.OPEN)
    return (
        officers.select_related(None)
        .annotate(
            overdue=_count(due.filter(status=DueStatus.OVERDUE), "owner"),
            due_soon=_count(
                due.filter(
                    status=DueStatus.OPEN,
                    due_at__lt=now + dt.timedelta(days=DUE_SOON_DAYS),
                ),
                "owner",
            ),
            open_tasks=_count(tasks, "owner"),
        )
        .order_by("-overdue", "last_name", "first_name", "username")
    )


# One nominal's notification requirements -------------------------------------------------


@dataclass
class NominalNotifications:
    """Everything the nominal notifications page shows, loaded in a fixed number of queries."""

    nominal: Nominal
    registration: Registration | None
    requirement_set: RequirementSet | None
    period: NotificationPeriod | None
    set_items: list[RequirementSetItem] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    open_due_items: list[DueItem] = field(default_factory=list)
    closed_due_items: list[DueItem] = field(default_factory=list)
    breaches: list[Breach] = field(default_factory=list)
    item_labels: dict[str, str] = field(default_factory=dict)
    pauses: list[NotificationPause] = field(default_factory=list)


def one_to_one(instance: models.Model, name: str) -> Any:
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def registration_for(nominal: Nominal) -> Registration | None:
    """The current registration, else the latest one that ended; with its set and period."""
    return (
        Registration.objects.filter(nominal=nominal, decision=Decision.REGISTER)
        .select_related("requirement_set", "notification_period__conviction__offence")
        .order_by(F("ended_on").desc(nulls_first=True), "-decided_on", "-created_at")
        .first()
    )


def requirement_set_items(requirement_set: RequirementSet) -> list[RequirementSetItem]:
    return list(
        RequirementSetItem.objects.filter(requirement_set=requirement_set)
        .select_related("item", "approved_by")
        .order_by("-item__in_default_set", "item__label")
    )


def notifications_of(nominal: Nominal) -> QuerySet[Notification]:
    return Notification.objects.filter(nominal=nominal).select_related(
        "received_by", "receiving_agency", "verified_by"
    )


def due_items_of(nominal: Nominal) -> QuerySet[DueItem]:
    return casework_due_items().filter(nominal=nominal).select_related("owner")


def breaches_of(nominal: Nominal) -> QuerySet[Breach]:
    return Breach.objects.filter(nominal=nominal).select_related(
        "requirement", "found_by", "conviction__offence", "due_item"
    )


def item_labels() -> dict[str, str]:
    return dict(RequirementItem.objects.values_list("code", "label"))


def nominal_notifications(*, user: StaffUser, nominal_id: uuid.UUID | str) -> NominalNotifications:
    nominal = nominal_get(user=user, nominal_id=nominal_id)
    registration = registration_for(nominal)
    requirement_set = one_to_one(registration, "requirement_set") if registration else None
    period = one_to_one(registration, "notification_period") if registration else None
    due = due_items_of(nominal)
    return NominalNotifications(
        nominal=nominal,
        registration=registration,
        requirement_set=requirement_set,
        period=period,
        set_items=requirement_set_items(requirement_set) if requirement_set else [],
        notifications=list(notifications_of(nominal)[:NOTIFICATIONS_SHOWN]),
        open_due_items=list(due.filter(status__in=OPEN_STATUSES).order_by("due_at")),
        closed_due_items=list(
            due.exclude(status__in=OPEN_STATUSES).order_by("-met_at", "-due_at")[
                :CLOSED_DUE_ITEMS_SHOWN
            ]
        ),
        breaches=list(breaches_of(nominal).order_by("-found_on", "pk")),
        item_labels=item_labels(),
        pauses=list(pauses_of(nominal)),
    )


def pauses_of(nominal: Nominal) -> QuerySet[NotificationPause]:
    """Time the law disregards in the person's deadlines (custody, hospital, abroad)."""
    return NotificationPause.objects.filter(nominal=nominal).select_related("recorded_by")


def pause_get(
    *,
    user: StaffUser,
    pause_id: uuid.UUID | str,
    nominal_id: uuid.UUID | str | None = None,
    action: access.Action = "view",
) -> NotificationPause:
    return _of_nominal_or_404(  # type: ignore[no-any-return]
        NotificationPause.objects.select_related("nominal", "recorded_by"),
        user=user,
        pk=pause_id,
        nominal_id=nominal_id,
        action=action,
    )


def current_requirement_set(*, nominal: Nominal) -> RequirementSet | None:
    """The requirement set of the nominal's current registration, if it has one."""
    return (
        RequirementSet.objects.filter(
            registration__nominal=nominal,
            registration__decision=Decision.REGISTER,
            registration__ended_on__isnull=True,
        )
        .select_related("registration")
        .first()
    )


def current_registration(*, nominal: Nominal) -> Registration | None:
    return Registration.objects.filter(
        nominal=nominal, decision=Decision.REGISTER, ended_on__isnull=True
    ).first()


def notifiable_items(*, requirement_set: RequirementSet | None) -> QuerySet[RequirementItem]:
    """What the person may notify: the items of their set that apply, else every item."""
    items = RequirementItem.objects.order_by("-in_default_set", "label")
    if requirement_set is None:
        return items
    return items.filter(
        pk__in=RequirementSetItem.objects.filter(requirement_set=requirement_set)
        .exclude(tailoring="dropped")
        .values("item_id")
    )


def requirement_items() -> QuerySet[RequirementItem]:
    return RequirementItem.objects.order_by("-in_default_set", "label")


def approver_choices(*, user: StaffUser) -> QuerySet[StaffUser]:
    """Supervisors and MAPPA coordinators of the user's agency, who may approve tailoring."""
    return (
        StaffUser.objects.filter(
            agency_id=user.agency_id,
            is_active=True,
            is_api_client=False,
            roles__overlap=APPROVER_ROLES,
        )
        .select_related(None)
        .order_by("last_name", "first_name", "username")
    )


def _of_nominal_or_404(
    queryset: QuerySet[Any],
    *,
    user: StaffUser,
    pk: uuid.UUID | str,
    nominal_id: uuid.UUID | str | None,
    action: access.Action,
) -> Any:
    """A record of a nominal, through the nominal's grant, or 404: also when it belongs to
    another nominal than the one in the URL, or (to change) to a merged-away record."""
    record = _get_or_404(queryset, nominal__in=visible_nominals(user, action), pk=pk)
    if nominal_id is not None and str(record.nominal_id) != str(nominal_id):
        raise Http404
    if action != "view" and record.nominal.merged_into_id:
        raise Http404
    return record


def due_item_get(
    *,
    user: StaffUser,
    item_id: uuid.UUID | str,
    nominal_id: uuid.UUID | str | None = None,
    action: access.Action = "view",
) -> DueItem:
    return _of_nominal_or_404(  # type: ignore[no-any-return]
        casework_due_items().select_related("nominal", "owner", "subject_type"),
        user=user,
        pk=item_id,
        nominal_id=nominal_id,
        action=action,
    )


def due_item_subject(item: DueItem) -> models.Model:
    """The record a due item belongs to (services close items by their record)."""
    model = item.subject_type.model_class()
    if model is None:  # pragma: no cover - a model removed from the code
        raise Http404
    return _get_or_404(model._default_manager.all(), pk=item.subject_id)  # type: ignore[no-any-return]


def notification_get(
    *,
    user: StaffUser,
    notification_id: uuid.UUID | str,
    nominal_id: uuid.UUID | str | None = None,
    action: access.Action = "view",
) -> Notification:
    return _of_nominal_or_404(  # type: ignore[no-any-return]
        Notification.objects.select_related("nominal__lead_agency", "received_by", "verified_by"),
        user=user,
        pk=notification_id,
        nominal_id=nominal_id,
        action=action,
    )


def breach_get(
    *,
    user: StaffUser,
    breach_id: uuid.UUID | str,
    nominal_id: uuid.UUID | str | None = None,
    action: access.Action = "view",
) -> Breach:
    return _of_nominal_or_404(  # type: ignore[no-any-return]
        Breach.objects.select_related(
            "nominal__lead_agency", "requirement", "found_by", "conviction__offence"
        ),
        user=user,
        pk=breach_id,
        nominal_id=nominal_id,
        action=action,
    )


def open_due_items_of(*, nominal: Nominal) -> QuerySet[DueItem]:
    return casework_due_items().filter(nominal=nominal, status__in=OPEN_STATUSES).order_by("due_at")


def can_change(*, user: StaffUser, nominal: Nominal) -> bool:
    """Whether to offer the forms: the user's roles allow it and their agency holds the grant.

    One query. The form pages check again through `nominal_get(action="change")`.
    """
    if nominal.merged_into_id or not access.roles_allow(user, Nominal, "change"):
        return False
    return "change" in access.agency_actions(nominal, user.agency_id)


def convictions_of(*, nominal: Nominal) -> QuerySet[Conviction]:
    return (
        Conviction.objects.filter(nominal=nominal)
        .select_related("offence")
        .order_by("-conviction_date")
    )


def indefinite_period(*, nominal: Nominal) -> NotificationPeriod | None:
    """The indefinite notification period of the nominal's current registration, if it has one.
    The caller fetched the nominal through the access gate."""
    return (
        NotificationPeriod.objects.filter(
            registration__nominal=nominal,
            registration__decision=Decision.REGISTER,
            registration__ended_on__isnull=True,
            indefinite=True,
        )
        .select_related("registration__nominal")
        .first()
    )
