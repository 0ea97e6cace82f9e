"""Nominals: create, change, share, merge duplicates, and keep derived columns current."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from register import access, events
from register.audit import save_with_history
from register.errors import DomainError
from register.models import (
    Agency,
    NameKind,
    Nominal,
    NominalName,
    RiskAssessment,
    StaffUser,
)
from register.search import name_keys
from register.services.common import full_clean, require_reason
from register.validators import normalise_ni_number, normalise_pnc_id

# What a user may set on the nominal itself (details have their own services).
NOMINAL_FIELDS = (
    "family_name",
    "given_names",
    "date_of_birth",
    "other_dates_of_birth",
    "sex",
    "ni_number",
    "pnc_id",
    "height_cm",
    "build",
    "hair",
    "eyes",
    "distinguishing_marks",
    "typologies",
    "modus_operandi",
    "offending_area",
    "vulnerabilities",
    "vulnerability_notes",
    "licence_conditions",
    "perpetrator_programmes",
    "no_fixed_abode",
    "fingerprint_ref",
    "dna_ref",
    "responsible_officer",
    "possible_misidentified_victim",
)


def _apply(nominal: Nominal, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(NOMINAL_FIELDS)
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))} here")
    for name, value in data.items():
        setattr(nominal, name, value.strip() if isinstance(value, str) else value)
    if nominal.ni_number:
        nominal.ni_number = normalise_ni_number(nominal.ni_number)
    if nominal.pnc_id:
        nominal.pnc_id = normalise_pnc_id(nominal.pnc_id)
    officer = nominal.responsible_officer
    if officer is not None and officer.agency_id != nominal.lead_agency_id:
        raise DomainError(
            "The responsible officer must work for the lead agency", field="responsible_officer"
        )


def _sync_current_name(nominal: Nominal, *, actor: StaffUser, reason: str) -> None:
    """The current name lives on the nominal and is mirrored as a NominalName for search."""
    current = nominal.names.filter(kind=NameKind.CURRENT).first()
    if current is None:
        current = NominalName(nominal=nominal, kind=NameKind.CURRENT)
    elif (current.given_names, current.family_name) == (nominal.given_names, nominal.family_name):
        return
    current.given_names, current.family_name = nominal.given_names, nominal.family_name
    for column, value in name_keys(nominal.given_names, nominal.family_name).items():
        setattr(current, column, value)
    save_with_history(current, actor=actor, reason=reason)


@transaction.atomic
def nominal_create(
    *,
    actor: StaffUser,
    family_name: str,
    given_names: str,
    reason: str,
    date_of_birth: dt.date | None = None,
    nominal_id: uuid.UUID | None = None,
    **details: Any,
) -> Nominal:
    """Add a person, led by the actor's agency. `nominal_id` keeps an id given by an import."""
    if not access.roles_allow(actor, Nominal, "change"):
        raise DomainError("Your role cannot create records on the register")
    reason = require_reason(reason)
    nominal = Nominal(id=nominal_id or uuid.uuid4(), lead_agency_id=actor.agency_id)
    _apply(
        nominal,
        {
            "family_name": family_name,
            "given_names": given_names,
            "date_of_birth": date_of_birth,
            **details,
        },
    )
    full_clean(nominal)
    save_with_history(nominal, actor=actor, reason=reason)
    _sync_current_name(nominal, actor=actor, reason=reason)
    _grant(
        nominal,
        group_id=actor.agency.group_id,
        actions=access.GRANTS_FOR_LEAD,
        actor=actor,
        reason="Lead agency",
    )
    return nominal


@transaction.atomic
def nominal_update(*, actor: StaffUser, nominal: Nominal, reason: str, **changes: Any) -> Nominal:
    """Change the person's own fields. The caller fetched `nominal` through the gate with 'change'."""
    reason = require_reason(reason)
    conditions_before = nominal.licence_conditions
    _apply(nominal, changes)
    full_clean(nominal)
    save_with_history(nominal, actor=actor, reason=reason)
    _sync_current_name(nominal, actor=actor, reason=reason)
    if nominal.licence_conditions != conditions_before:
        events.safety_change(
            actor=actor,
            nominal=nominal,
            kind=events.SafetyChangeKind.LICENCE_CONDITIONS,
            summary=f"Licence conditions changed on {timezone.localdate():%d %b %Y}",
        )
    return nominal


@transaction.atomic
def nominal_record_primary_aggressor_review(
    *, actor: StaffUser, nominal: Nominal, reviewed_on: dt.date, outcome: str, reason: str
) -> Nominal:
    """Record the review that lifts the misidentified-victim safeguard."""
    if not nominal.possible_misidentified_victim:
        raise DomainError("This person is not flagged as a possible misidentified victim")
    if not outcome.strip():
        raise DomainError("Enter the outcome of the primary-aggressor review", field="outcome")
    if reviewed_on > timezone.localdate():
        raise DomainError("The review date must be today or in the past", field="reviewed_on")
    nominal.primary_aggressor_review_on = reviewed_on
    nominal.primary_aggressor_review_by = actor
    nominal.primary_aggressor_review_outcome = outcome.strip()
    return save_with_history(nominal, actor=actor, reason=require_reason(reason))


@transaction.atomic
def nominal_share(*, actor: StaffUser, nominal: Nominal, agency: Agency, reason: str) -> None:
    """Let another agency see the nominal. The caller fetched `nominal` through the gate."""
    if not access.roles_allow(actor, Nominal, "share"):
        raise DomainError("Your role cannot share records")
    if agency.pk == nominal.lead_agency_id:
        raise DomainError("The lead agency already has this record", field="agency")
    _grant(
        nominal,
        group_id=agency.group_id,
        actions=access.GRANTS_FOR_SHARED,
        actor=actor,
        reason=require_reason(reason),
    )


def _grant(
    record: Nominal,
    *,
    group_id: int,
    actions: Sequence[access.Action],
    actor: StaffUser,
    reason: str,
) -> None:
    for row in access.missing_grant_rows(record, group_id, actions):
        save_with_history(row, actor=actor, reason=reason)


def nominal_refresh_risk_level(*, nominal: Nominal) -> None:
    """The current risk level is the latest assessment's, whatever the tool."""
    latest = (
        RiskAssessment.objects.filter(nominal=nominal, assessed_on__lte=timezone.localdate())
        .order_by("-assessed_on", "-created_at")
        .values_list("level", flat=True)
        .first()
    )
    Nominal.objects.filter(pk=nominal.pk).update(current_risk_level=latest or "")
    nominal.current_risk_level = latest or ""
