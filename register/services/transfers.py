"""Transfer of a record between agencies: request, withdraw, accept, reject, and the end of
the sending agency's read-only period.

The person moves area; the lead agency asks another agency to take the record over, and a
supervisor of the receiving agency decides. Before acceptance nothing moves. Acceptance, in
one transaction, makes the receiving agency the lead with full grants, cuts the sending
agency to view-only until `sending_read_until` (REGISTER_TRANSFER_READ_DAYS, a policy
setting), sets or clears the responsible officer, and announces `transfer.accepted`: the
notifications app moves the open casework tasks and due items, MAPPA moves the case it leads
(they subscribe; the register imports neither). Victims are not touched: they stay with
their VLO's agency.

Races: every decision locks the nominal, then the transfer row (the lock order of
register.api_conventions), and checks the state under the lock, so of two supervisors
accepting at once one wins and the other is told it was already decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.events import DomainEvent, publish
from register import access, policy
from register.audit import save_with_history, stamp
from register.errors import DomainError
from register.models import (
    Agency,
    Nominal,
    NominalTransfer,
    Role,
    StaffUser,
    TransferState,
)
from register.services.common import full_clean

# What the sending agency gives up at acceptance; it keeps "view" for the read-only period.
SENDING_LOSES: tuple[access.Action, ...] = ("change", "share")


def read_days() -> int:
    """Days the sending agency may still read a transferred record (default 28). Setting:
    REGISTER_TRANSFER_READ_DAYS. Local policy, not law."""
    return int(getattr(settings, "REGISTER_TRANSFER_READ_DAYS", 28))


def declare_figures() -> None:
    """The read-only period on /reference/rules/, as the policy choice it is."""
    policy.declare(
        policy.RuleFigure(
            key="REGISTER_TRANSFER_READ_DAYS",
            label="After a transfer, the sending agency may still read (not change) the record",
            value=lambda: f"{read_days()} days",
            basis="policy",
            source="Local policy: the setting REGISTER_TRANSFER_READ_DAYS (config/settings.py), "
            "not law",
            area="Transfers between agencies",
        )
    )


def may_request(user: StaffUser) -> bool:
    """The lead agency's roles that may share a record may also ask to transfer it."""
    return access.roles_allow(user, Nominal, "share")


def may_decide(user: StaffUser) -> bool:
    return user.is_active and user.has_role(Role.SUPERVISOR)


def officer_choices(*, agency_id: int) -> QuerySet[StaffUser]:
    """Who a receiving supervisor may make responsible: their own agency's active caseworkers."""
    return (
        StaffUser.objects.filter(
            agency_id=agency_id,
            is_active=True,
            is_api_client=False,
            roles__overlap=list(access.CASEWORK_ROLES),
        )
        .select_related(None)
        .order_by("last_name", "first_name", "username")
    )


def _event(kind: str, transfer: NominalTransfer, *, actor: StaffUser, at: dt.datetime) -> None:
    data: dict[str, object] = {
        "from_agency": transfer.from_agency.code,
        "to_agency": transfer.to_agency.code,
        "state": transfer.state,
    }
    if transfer.sending_read_until is not None:
        data["sending_read_until"] = transfer.sending_read_until.isoformat()
    publish(
        DomainEvent(
            type=kind,
            subject_type="transfer",
            subject_id=str(transfer.pk),
            nominal_id=str(transfer.nominal_id),
            actor_id=actor.pk,
            at=at,
            data=data,
            obj=transfer,
        )
    )


def _lock(transfer: NominalTransfer) -> NominalTransfer:
    """Lock the nominal, then the transfer (the register's lock order), and reload both.

    Returns the transfer as it is now, its nominal and agencies loaded.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Lock a transfer inside the transaction that decides it")
    list(
        Nominal.objects.select_for_update()
        .filter(pk=transfer.nominal_id)
        .values_list("pk", flat=True)
    )
    return (
        NominalTransfer.objects.select_for_update(of=("self",))
        .select_related("nominal", "from_agency", "to_agency", "requested_by", "decided_by")
        .get(pk=transfer.pk)
    )


def _already_decided(transfer: NominalTransfer) -> DomainError:
    who = f" by {transfer.decided_by}" if transfer.decided_by else ""
    when = (
        f" on {timezone.localtime(transfer.decided_at):%d %b %Y at %H:%M}"
        if (transfer.decided_at)
        else ""
    )
    return DomainError(
        f"This transfer was already {transfer.get_state_display().lower()}{who}{when}: "
        "nothing was changed"
    )


def _required_text(
    errors: dict[str | None, list[str]], field: str, value: str, message: str
) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [message]
    return value


def _raise(errors: dict[str | None, list[str]]) -> None:
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=field, errors=errors)


@transaction.atomic
def transfer_request(
    *,
    actor: StaffUser,
    nominal: Nominal,
    to_agency: Agency | None,
    new_area: str,
    reason: str,
) -> NominalTransfer:
    """Ask `to_agency` to take the record over. The caller fetched `nominal` through the gate
    with "share": only the lead agency holds that grant."""
    if not may_request(actor) or nominal.lead_agency_id != actor.agency_id:
        raise DomainError(
            "Only the lead agency's offender managers and supervisors can ask to "
            "transfer this record"
        )
    if nominal.merged_into_id:
        raise DomainError("This record was merged: transfer the record it was merged into")
    errors: dict[str | None, list[str]] = {}
    if to_agency is None:
        errors["to_agency"] = ["Choose the agency to transfer the record to"]
    elif to_agency.pk == nominal.lead_agency_id:
        errors["to_agency"] = ["Choose an agency other than the one leading the record"]
    elif to_agency.code == "system":
        errors["to_agency"] = ["Choose an agency that manages cases"]
    new_area = _required_text(
        errors, "new_area", new_area, "Enter the area the person has moved to"
    )
    reason = _required_text(errors, "reason", reason, "Enter why the record should move")
    _raise(errors)
    assert to_agency is not None  # noqa: S101 - checked above
    # The nominal's lock makes two requests at once take turns: the second sees the first.
    lead = (
        Nominal.objects.select_for_update()
        .filter(pk=nominal.pk)
        .values_list("lead_agency_id", flat=True)
        .first()
    )
    if lead != actor.agency_id:
        raise DomainError("This record is no longer led by your agency: nothing was changed")
    waiting = (
        NominalTransfer.objects.filter(nominal=nominal, state=TransferState.REQUESTED)
        .select_related("to_agency")
        .first()
    )
    if waiting is not None:
        raise DomainError(
            f"A transfer of this record to {waiting.to_agency.name} is already waiting for a "
            "decision: withdraw it first",
            field="to_agency",
        )
    now = timezone.now()
    transfer = NominalTransfer(
        nominal=nominal,
        from_agency_id=nominal.lead_agency_id,
        to_agency=to_agency,
        new_area=new_area,
        reason=reason,
        requested_by=actor,
        requested_at=now,
    )
    full_clean(transfer)
    save_with_history(transfer, actor=actor, reason=f"Transfer requested: {reason}")
    _event("transfer.requested", transfer, actor=actor, at=now)
    return transfer


def _decide(
    transfer: NominalTransfer, *, actor: StaffUser, state: str, reason: str, now: dt.datetime
) -> None:
    transfer.state = state
    transfer.decided_by = actor
    transfer.decided_at = now
    transfer.decision_reason = reason


@transaction.atomic
def transfer_withdraw(
    *, actor: StaffUser, transfer: NominalTransfer, reason: str
) -> NominalTransfer:
    """The sending agency takes its request back. The caller fetched `transfer` through
    `transfer_selectors` as outgoing."""
    errors: dict[str | None, list[str]] = {}
    reason = _required_text(errors, "reason", reason, "Enter why the request is withdrawn")
    _raise(errors)
    transfer = _lock(transfer)
    if not may_request(actor) or transfer.from_agency_id != actor.agency_id:
        raise DomainError("Only the agency that asked for the transfer can withdraw it")
    if not transfer.is_open:
        raise _already_decided(transfer)
    now = timezone.now()
    _decide(transfer, actor=actor, state=TransferState.WITHDRAWN, reason=reason, now=now)
    save_with_history(transfer, actor=actor, reason=f"Transfer withdrawn: {reason}")
    return transfer


@transaction.atomic
def transfer_reject(*, actor: StaffUser, transfer: NominalTransfer, reason: str) -> NominalTransfer:
    """A receiving supervisor declines; the record stays where it is."""
    errors: dict[str | None, list[str]] = {}
    reason = _required_text(errors, "reason", reason, "Enter why the transfer is rejected")
    _raise(errors)
    transfer = _lock(transfer)
    _check_decider(actor, transfer)
    if not transfer.is_open:
        raise _already_decided(transfer)
    now = timezone.now()
    _decide(transfer, actor=actor, state=TransferState.REJECTED, reason=reason, now=now)
    save_with_history(transfer, actor=actor, reason=f"Transfer rejected: {reason}")
    _event("transfer.rejected", transfer, actor=actor, at=now)
    return transfer


def _check_decider(actor: StaffUser, transfer: NominalTransfer) -> None:
    if not may_decide(actor) or transfer.to_agency_id != actor.agency_id:
        raise DomainError("Only a supervisor of the receiving agency can decide this transfer")


@transaction.atomic
def transfer_accept(
    *,
    actor: StaffUser,
    transfer: NominalTransfer,
    responsible_officer: StaffUser | None,
    reason: str = "",
) -> NominalTransfer:
    """The receiving agency takes the record over (see the module's description)."""
    reason = (reason or "").strip()
    transfer = _lock(transfer)
    _check_decider(actor, transfer)
    if not transfer.is_open:
        raise _already_decided(transfer)
    nominal = transfer.nominal
    if nominal.lead_agency_id != transfer.from_agency_id or nominal.merged_into_id:
        raise DomainError(
            "The record changed since the transfer was asked for (it has another lead agency or "
            "was merged): reject this request and ask the lead agency to send a new one"
        )
    if responsible_officer is not None and not (
        officer_choices(agency_id=transfer.to_agency_id).filter(pk=responsible_officer.pk).exists()
    ):
        raise DomainError(
            f"Choose an officer of {transfer.to_agency.name}, or nobody for now",
            field="responsible_officer",
        )
    now = timezone.now()
    read_until = now + dt.timedelta(days=read_days())
    why = f"Transferred from {transfer.from_agency.name} to {transfer.to_agency.name}" + (
        f": {reason}" if reason else ""
    )

    nominal.lead_agency = transfer.to_agency
    nominal.responsible_officer = responsible_officer
    save_with_history(nominal, actor=actor, reason=why)

    _grant(
        nominal, agency=transfer.to_agency, actions=access.GRANTS_FOR_LEAD, actor=actor, reason=why
    )
    # The sending agency keeps (or is given) view, and loses change and share, so the gate
    # answers "view" and refuses "change" for its staff until the period ends.
    _grant(nominal, agency=transfer.from_agency, actions=("view",), actor=actor, reason=why)
    _revoke(
        nominal,
        group_ids=[transfer.from_agency.group_id],
        actions=SENDING_LOSES,
        actor=actor,
        reason=f"{why}: read-only until {timezone.localtime(read_until):%d %b %Y}",
    )

    _decide(transfer, actor=actor, state=TransferState.ACCEPTED, reason=reason, now=now)
    transfer.new_officer = responsible_officer
    transfer.sending_read_until = read_until
    full_clean(transfer)
    save_with_history(transfer, actor=actor, reason=why)
    # Tasks, due items and the MAPPA case move in the listeners, inside this transaction.
    _event("transfer.accepted", transfer, actor=actor, at=now)
    return transfer


def _grant(
    nominal: Nominal,
    *,
    agency: Agency,
    actions: Sequence[access.Action],
    actor: StaffUser,
    reason: str,
) -> None:
    for row in access.missing_grant_rows(nominal, agency.group_id, actions):
        save_with_history(row, actor=actor, reason=reason)


def _revoke(
    nominal: Nominal,
    *,
    group_ids: Sequence[int],
    actions: Sequence[access.Action],
    actor: StaffUser,
    reason: str,
) -> int:
    """Remove grants one row at a time, so history records who removed each and why."""
    rows = access.grant_model(nominal).objects.filter(
        content_object=nominal,
        group_id__in=group_ids,
        permission__codename__in=[access.permission_codename(Nominal, a) for a in actions],
    )
    count = 0
    for row in rows:
        stamp(row, actor=actor, reason=reason)
        row.delete()
        count += 1
    return count


# The end of the read-only period (the scheduled job) --------------------------------------


def transfers_end_sending_access(
    *, actor: StaffUser, now: dt.datetime | None = None, batch_size: int = 200
) -> int:
    """Remove the sending agency's remaining grants on every record whose read-only period has
    passed; return how many transfers were closed.

    Set-based and idempotent: it reads only accepted transfers whose sending access has not
    ended (a partial index), claims a batch with FOR UPDATE SKIP LOCKED so two runs never
    take the same one, and in the batch's one transaction deletes the grants (each with its
    history row) and stamps `sending_access_ended_at`. A run killed midway rolls its
    batch back; the next run does it again. A second run finds nothing.

    The sending agency keeps its grants where it leads the record again (it was transferred
    back) or a later transfer from it is still inside its own read-only period.
    """
    now = now or timezone.now()
    closed = 0
    while True:
        with transaction.atomic():
            count = _end_batch(actor=actor, now=now, batch_size=batch_size)
        closed += count
        if count < batch_size:
            return closed


def _end_batch(*, actor: StaffUser, now: dt.datetime, batch_size: int) -> int:
    due = list(
        NominalTransfer.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            state=TransferState.ACCEPTED,
            sending_access_ended_at__isnull=True,
            sending_read_until__lte=now,
        )
        .select_related("from_agency")
        .order_by("sending_read_until", "pk")[:batch_size]
    )
    if not due:
        return 0
    # The nominals next, in key order, so an acceptance that moves one back to the sending
    # agency commits before (or waits until after) this batch decides whose grants go.
    leads = dict(
        Nominal.objects.select_for_update()
        .filter(pk__in={t.nominal_id for t in due})
        .order_by("pk")
        .values_list("pk", "lead_agency_id")
    )
    later_period = NominalTransfer.objects.filter(
        nominal_id=OuterRef("nominal_id"),
        from_agency_id=OuterRef("from_agency_id"),
        state=TransferState.ACCEPTED,
        sending_access_ended_at__isnull=True,
        sending_read_until__gt=now,
    )
    still_reading = set(
        NominalTransfer.objects.filter(pk__in=[t.pk for t in due])
        .filter(Exists(later_period))
        .values_list("pk", flat=True)
    )
    pairs = [
        (t.nominal_id, t.from_agency.group_id)
        for t in due
        if leads.get(t.nominal_id) != t.from_agency_id and t.pk not in still_reading
    ]
    if pairs:
        _delete_grants(pairs, actor=actor)
    for transfer in due:
        transfer.sending_access_ended_at = now
        transfer.updated_at = now
    NominalTransfer.objects.bulk_update(due, ["sending_access_ended_at", "updated_at"])
    NominalTransfer.history.bulk_history_create(  # type: ignore[attr-defined]
        due,
        update=True,
        default_user=actor,
        default_change_reason="The sending agency's read-only period ended: its access removed",
        default_date=now,
    )
    return len(due)


def _delete_grants(pairs: Sequence[tuple[object, int]], *, actor: StaffUser) -> None:
    """Delete the grants of these (nominal, agency group) pairs, each row stamped so its
    history names the scheduler and why. The rows are few (an agency holds at most three
    grants on a record, one after acceptance): it is the choice of transfers that is
    set-based, not this."""
    perm_model = access.grant_model(Nominal)
    match = Q()
    for nominal_id, group_id in pairs:
        match |= Q(content_object_id=nominal_id, group_id=group_id)
    for row in perm_model.objects.filter(match).order_by("pk"):
        stamp(
            row,
            actor=actor,
            reason="The sending agency's read-only period after a transfer ended",
        )
        row.delete()
