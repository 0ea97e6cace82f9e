"""When a record is transferred, its open casework work moves to the receiving agency.

The register announces `transfer.accepted` (register.services.transfers); this listener runs
inside the accepting transaction, so the work moves exactly when the record does. Victim
compartment items and tasks are not touched: victims stay with their VLO's agency.
"""

from __future__ import annotations

from core.events import DomainEvent
from notifications.models import Compartment, DueItem, DueStatus, Task, TaskStatus
from register.audit import save_with_history
from register.models import NominalTransfer, StaffUser


def on_transfer_accepted(event: DomainEvent) -> None:
    transfer: NominalTransfer = event.obj
    # The chosen officer, else the supervisor who accepted: the work must be someone's.
    owner: StaffUser = transfer.new_officer or transfer.decided_by  # type: ignore[assignment]
    why = f"Moved with the record's transfer to {transfer.to_agency.name}"
    # Due items before tasks: the register's lock order (register.api_conventions).
    items = (
        DueItem.objects.select_for_update(of=("self",))
        .filter(
            nominal_id=transfer.nominal_id,
            agency_id=transfer.from_agency_id,
            compartment=Compartment.CASEWORK,
            status__in=[DueStatus.OPEN, DueStatus.OVERDUE],
        )
        .select_related("owner")
        .order_by("pk")
    )
    for item in items:
        item.agency_id = transfer.to_agency_id
        if item.owner is not None and item.owner.agency_id == transfer.from_agency_id:
            item.owner = owner
        save_with_history(item, actor=transfer.decided_by, reason=why)  # type: ignore[arg-type]

    tasks = (
        Task.objects.select_for_update(of=("self",))
        .filter(
            nominal_id=transfer.nominal_id,
            status=TaskStatus.OPEN,
            compartment=Compartment.CASEWORK,
            owner__agency_id=transfer.from_agency_id,
        )
        .order_by("pk")
    )
    taken: set[tuple[object, str]] = set(
        Task.objects.filter(
            nominal_id=transfer.nominal_id, status=TaskStatus.OPEN, owner=owner
        ).values_list("due_item_id", "kind")
    )
    for task in tasks:
        key = (task.due_item_id, task.kind)
        if task.due_item_id is not None and key in taken:
            # The new owner already has this one (one open task per item, kind and owner).
            task.status = TaskStatus.DONE
            task.outcome = f"{why}: {owner} already has the same task"
            task.done_at = event.at
        else:
            task.owner = owner
            taken.add(key)
        save_with_history(task, actor=transfer.decided_by, reason=why)  # type: ignore[arg-type]
