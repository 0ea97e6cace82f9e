"""When a record is transferred, the MAPPA case its sending agency leads moves with it.

Subscribed to `transfer.accepted` (register.services.transfers) and run inside the accepting
transaction. A case led by a third agency (probation leading where the police led the
record) stays where it is: the transfer is between the record's two agencies only.
"""

from __future__ import annotations

from core.events import DomainEvent
from mappa.models import CaseStatus, MappaCase
from register.audit import save_with_history
from register.models import NominalTransfer


def on_transfer_accepted(event: DomainEvent) -> None:
    transfer: NominalTransfer = event.obj
    manager = transfer.new_officer or transfer.decided_by
    cases = (
        MappaCase.objects.select_for_update()
        .filter(
            nominal_id=transfer.nominal_id,
            status=CaseStatus.ACTIVE,
            lead_agency_id=transfer.from_agency_id,
        )
        .order_by("pk")
    )
    for case in cases:
        case.lead_agency_id = transfer.to_agency_id
        case.responsible_manager = manager  # type: ignore[assignment]
        save_with_history(
            case,
            actor=transfer.decided_by,  # type: ignore[arg-type]
            reason=f"Moved with the record's transfer to {transfer.to_agency.name}",
        )
