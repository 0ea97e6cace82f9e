"""The scans that notice what is overdue. Set-based, idempotent, safe to run concurrently.

Each scan is one conditional UPDATE ... RETURNING over the partial index of
open items by due time: a row changes state once, so of two scans running at
once exactly one sees it, and the tasks it raises are inserted with
ON CONFLICT DO NOTHING against a unique constraint as a second guard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import events
from notifications.models import Compartment, DueStatus, Task, TaskKind, TaskStatus
from register.models import Role, StaffUser


@dataclass
class ScanResult:
    name: str
    items: int
    tasks: int


def _raise_tasks(rows: Iterable[tuple[Any, ...]], kind: str, now: dt.datetime, title: str) -> int:
    """rows as the scans' RETURNING gives them. Owner-less items have no task.

    Returns how many tasks were inserted: a conflicting row (the task is already open)
    is skipped by ON CONFLICT DO NOTHING and not counted.
    """
    tasks = [
        Task(
            kind=kind,
            owner_id=owner_id,
            nominal_id=nominal_id,
            due_item_id=due_item_id,
            title=f"{title}: {item_title}",
            detail=f"Due {timezone.localtime(due_at):%d %b %Y %H:%M}",
            compartment=compartment,
            link=link,
            created_at=now,
        )
        for due_item_id, nominal_id, owner_id, item_title, due_at, compartment, link in rows
        if owner_id is not None
    ]
    return _insert_new(tasks)


def _insert_new(tasks: list[Task]) -> int:
    """Insert the tasks not already open; return how many that was.

    The rows a scan claims are its own (the conditional UPDATE), but an item can already
    have an open task of this kind, e.g. raised before it was rescheduled: those are
    left out before inserting, and ON CONFLICT DO NOTHING against the unique constraint
    still guards the insert. (bulk_create with ignore_conflicts returns every object it
    was given, so its result cannot be the count.)
    """
    if not tasks:
        return 0
    already_open = set(
        Task.objects.filter(
            status=TaskStatus.OPEN,
            due_item_id__in={t.due_item_id for t in tasks},
            kind__in={t.kind for t in tasks},
        ).values_list("due_item_id", "kind", "owner_id")
    )
    new = [t for t in tasks if (t.due_item_id, t.kind, t.owner_id) not in already_open]
    Task.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def scan_overdue(*, now: dt.datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE notifications_dueitem
               SET status = %s, flagged_overdue_at = %s
             WHERE status = %s AND due_at < %s
         RETURNING id, nominal_id, owner_id, title, due_at, compartment, link, kind
            """,
            [DueStatus.OVERDUE, now, DueStatus.OPEN, now],
        )
        rows = cursor.fetchall()
    tasks = _raise_tasks((row[:7] for row in rows), TaskKind.OVERDUE, now, "Overdue")
    _queue_follow_up(tasks, now)
    _announce_overdue(rows, now)
    return ScanResult("overdue", len(rows), tasks)


def _announce_overdue(rows: Iterable[tuple[Any, ...]], now: dt.datetime) -> None:
    """due_item.overdue for each item this scan flagged (the UPDATE's own rows: an item is
    announced once, however many scans run). Victim-compartment items are not announced:
    their existence would reveal that a victim or an applicant exists."""
    for due_item_id, nominal_id, _, _, due_at, compartment, _, kind in rows:
        if compartment == Compartment.VICTIM:
            continue
        events.publish(
            events.DomainEvent(
                type="due_item.overdue",
                subject_type="due_item",
                subject_id=str(due_item_id),
                nominal_id=str(nominal_id),
                actor_id=None,
                at=now,
                data={"kind": kind, "due_at": due_at.isoformat()},
            )
        )


@transaction.atomic
def scan_due_soon(*, now: dt.datetime | None = None, days: int = 7) -> ScanResult:
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE notifications_dueitem
               SET warned_due_soon_at = %s
             WHERE status = %s AND due_at >= %s AND due_at < %s AND warned_due_soon_at IS NULL
         RETURNING id, nominal_id, owner_id, title, due_at, compartment, link
            """,
            [now, DueStatus.OPEN, now, now + dt.timedelta(days=days)],
        )
        rows = cursor.fetchall()
    return ScanResult("due_soon", len(rows), _raise_tasks(rows, TaskKind.DUE_SOON, now, "Due soon"))


def _supervisors(agency_ids: set[int]) -> dict[tuple[int, int | None], set[int]]:
    """Supervisors by (agency, team), and by (agency, None) for the whole agency."""
    found: dict[tuple[int, int | None], set[int]] = {}
    for pk, agency_id, team_id in StaffUser.objects.filter(
        agency_id__in=agency_ids, roles__contains=[Role.SUPERVISOR], is_active=True
    ).values_list("pk", "agency_id", "team_id"):
        found.setdefault((agency_id, team_id), set()).add(pk)
        found.setdefault((agency_id, None), set()).add(pk)
    return found


@transaction.atomic
def scan_escalations(
    *, now: dt.datetime | None = None, after_days: int | None = None
) -> ScanResult:
    """An overdue task still open N days later goes to the owner's supervisor as well."""
    now = now or timezone.now()
    after_days = after_days if after_days is not None else settings.ESCALATE_AFTER_DAYS
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE notifications_task
               SET escalated_at = %s
             WHERE status = 'open' AND kind = 'overdue' AND escalated_at IS NULL
               AND created_at < %s
         RETURNING id, due_item_id, nominal_id, owner_id, title, compartment, link
            """,
            [now, now - dt.timedelta(days=after_days)],
        )
        rows = cursor.fetchall()
    owners = {
        pk: (agency_id, team_id)
        for pk, agency_id, team_id in StaffUser.objects.filter(
            pk__in={r[3] for r in rows}
        ).values_list("pk", "agency_id", "team_id")
    }
    supervisors = _supervisors({a for a, _ in owners.values()})
    escalations = []
    for _task_id, due_item_id, nominal_id, owner_id, title, compartment, link in rows:
        agency_id, team_id = owners[owner_id]
        team_supervisors = supervisors.get((agency_id, team_id)) or supervisors.get(
            (agency_id, None), set()
        )
        for supervisor_id in team_supervisors:
            if supervisor_id == owner_id:
                continue
            escalations.append(
                Task(
                    kind=TaskKind.ESCALATION,
                    owner_id=supervisor_id,
                    nominal_id=nominal_id,
                    due_item_id=due_item_id,
                    title=f"Escalated ({after_days} days): {title}",
                    detail=f"Still open for the responsible officer after {after_days} days.",
                    compartment=compartment,
                    link=link,
                    created_at=now,
                )
            )
    return ScanResult("escalations", len(rows), _insert_new(escalations))


def _queue_follow_up(count: int, now: dt.datetime) -> None:
    """E-mails go into the outbox in the scan's transaction: none if it rolls back, and
    none lost if the broker is down when it commits (core.outbox)."""
    if count:
        from notifications.digest import queue_overdue_notices

        queue_overdue_notices(now=now)
