"""Which transfer requests a user may see.

A transfer is seen by the two agencies it is between, and within them only by the roles
that act on it: a supervisor of the receiving agency (incoming, to decide) and the sending
agency's roles that may share a record (outgoing, to follow or withdraw). Everyone else —
another agency, a VLO, an auditor, an administrator — is told it does not exist (404), as
the access gate does for records.

Seeing a transfer is not access to the record: before acceptance the receiving agency
holds no grant on the nominal, and its pages and endpoints still answer 404 to them. The
request shows the receiving supervisor only the person's name and date of birth, and each
such read is written to the access log by the pages and endpoints.
"""

from __future__ import annotations

import uuid
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from register.models import NominalTransfer, StaffUser
from register.services.transfers import may_decide, may_request

Direction = Literal["incoming", "outgoing"]
DIRECTIONS: tuple[Direction, ...] = ("incoming", "outgoing")


def visible_directions(user: StaffUser) -> list[Direction]:
    directions: list[Direction] = []
    if may_decide(user):
        directions.append("incoming")
    if may_request(user):
        directions.append("outgoing")
    return directions


def transfers_for(
    *, user: StaffUser, direction: Direction | None = None
) -> QuerySet[NominalTransfer]:
    """The user's agency's transfers they may see, newest first, loaded for a list or a page."""
    allowed = visible_directions(user)
    wanted = [d for d in allowed if direction in (None, d)]
    if not user.is_authenticated or not wanted:
        return NominalTransfer.objects.none()
    match = Q()
    if "incoming" in wanted:
        match |= Q(to_agency_id=user.agency_id)
    if "outgoing" in wanted:
        match |= Q(from_agency_id=user.agency_id)
    return (
        NominalTransfer.objects.filter(match)
        .select_related(
            "nominal",
            "from_agency",
            "to_agency",
            "requested_by",
            "decided_by",
            "new_officer",
        )
        .order_by("-requested_at", "pk")
    )


def transfer_get(
    *, user: StaffUser, transfer_id: uuid.UUID | str, direction: Direction | None = None
) -> NominalTransfer:
    """The transfer, or Http404 whether it is missing or not the user's to see."""
    try:
        return transfers_for(user=user, direction=direction).get(pk=transfer_id)
    except (NominalTransfer.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def direction_of(transfer: NominalTransfer, user: StaffUser) -> Direction:
    return "incoming" if transfer.to_agency_id == user.agency_id else "outgoing"
