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
    AggressorFinding,
    Misidentification,
    NameKind,
    Nominal,
    NominalName,
    PrimaryAggressorReview,
    RiskAssessment,
    Role,
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
)

# The misidentified-victim safeguard is not an editable field: the flag is raised with a reason
# (nominal_flag_misidentified) and cleared only by a review that finds the primary aggressor
# (primary_aggressor_review_record). DOMAIN.md "Offences and the eligibility question".
SAFEGUARD_FIELDS = (
    "possible_misidentified_victim",
    "misidentification_reason",
    "misidentification_raised_on",
)
SAFEGUARD_FIELD_MESSAGE = (
    "The possible misidentified victim flag cannot be edited: raise it with a reason, and only "
    "a supervisor's primary-aggressor review that finds the primary aggressor clears it"
)


def _apply(nominal: Nominal, data: Mapping[str, Any]) -> None:
    for name in SAFEGUARD_FIELDS:
        if name in data:
            raise DomainError(SAFEGUARD_FIELD_MESSAGE, field=name)
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
    events.announce(
        "nominal.created", actor=actor, nominal=nominal, data={"lead_agency_id": actor.agency_id}
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
    data: dict[str, Any] = {"fields": sorted(changes)}
    if nominal.licence_conditions != conditions_before:
        summary = f"Licence conditions changed on {timezone.localdate():%d %b %Y}"
        data.update(events.safety_data(events.SafetyChangeKind.LICENCE_CONDITIONS, summary))
    events.announce("nominal.changed", actor=actor, nominal=nominal, data=data)
    return nominal


@transaction.atomic
def nominal_flag_misidentified(
    *,
    actor: StaffUser,
    nominal: Nominal,
    misidentification: str,
    reason: str,
    raised_on: dt.date | None = None,
) -> Nominal:
    """Flag the person as a possible misidentified victim (a counter-allegation, a dual arrest,
    violent resistance), saying why. Registration is then blocked until a supervisor's
    primary-aggressor review finds them the primary aggressor (DOMAIN.md, Safeguard).

    The caller fetched `nominal` through the gate with 'change'. Raising the flag again with
    another reason keeps it raised; it is never cleared here.
    """
    if nominal.merged_into_id:
        raise DomainError("This record was merged: flag the record it was merged into")
    errors: dict[str | None, list[str]] = {}
    if misidentification not in Misidentification.values:
        errors["misidentification"] = ["Choose why this person may be a misidentified victim"]
    if not (reason or "").strip():
        errors["reason"] = ["Enter why this person may be a misidentified victim"]
    raised_on = raised_on or timezone.localdate()
    if raised_on > timezone.localdate():
        errors["raised_on"] = ["The date the flag was raised must be today or in the past"]
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=field, errors=errors)
    reason = reason.strip()
    if (
        nominal.possible_misidentified_victim == misidentification
        and nominal.misidentification_reason == reason
    ):
        return nominal
    nominal.possible_misidentified_victim = misidentification
    nominal.misidentification_reason = reason
    nominal.misidentification_raised_on = raised_on
    return save_with_history(
        nominal,
        actor=actor,
        reason=f"Flagged as a possible misidentified victim "
        f"({Misidentification(misidentification).label.lower()}): {reason}",
    )


@transaction.atomic
def primary_aggressor_review_record(
    *,
    actor: StaffUser,
    nominal: Nominal,
    outcome: str,
    reviewed_on: dt.date | None,
    rationale: str,
) -> PrimaryAggressorReview:
    """Record a supervisor's primary-aggressor review of a flagged person.

    Only a "primary aggressor" finding lifts the block: it clears the flag. "Victim" and
    "inconclusive" keep it; a "victim" finding is announced (register.events) so the victims
    app can tell the linked victim liaison officers. The caller fetched `nominal` through the
    gate with 'change'.
    """
    if not actor.has_role(Role.SUPERVISOR):
        raise DomainError(
            "Only a supervisor can record a primary-aggressor review: ask a supervisor of "
            "the lead agency to record it"
        )
    # Lock the person: a review and a registration decided at once must not pass each other.
    flag = (
        Nominal.objects.select_for_update()
        .filter(pk=nominal.pk)
        .values_list("possible_misidentified_victim", flat=True)
        .first()
    )
    if not flag or nominal.merged_into_id:
        raise DomainError("This person is not flagged as a possible misidentified victim")
    today = timezone.localdate()
    latest = nominal.primary_aggressor_reviews.order_by(  # type: ignore[attr-defined]
        "-reviewed_on", "-created_at"
    ).first()
    errors: dict[str | None, list[str]] = {}
    if outcome not in AggressorFinding.values:
        errors["outcome"] = ["Choose what the review found"]
    if reviewed_on is None:
        errors["reviewed_on"] = ["Enter the date of the review"]
    elif reviewed_on > today:
        errors["reviewed_on"] = ["The date of the review must be today or in the past"]
    elif nominal.misidentification_raised_on and reviewed_on < nominal.misidentification_raised_on:
        errors["reviewed_on"] = [
            "The review cannot be before the flag was raised on "
            f"{nominal.misidentification_raised_on:%d %b %Y}"
        ]
    elif latest is not None and reviewed_on < latest.reviewed_on:
        errors["reviewed_on"] = [
            f"The review cannot be before the last review, on {latest.reviewed_on:%d %b %Y}"
        ]
    if not (rationale or "").strip():
        errors["rationale"] = ["Enter the rationale: what the review considered and why"]
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(messages[0], field=field, errors=errors)
    assert reviewed_on is not None  # noqa: S101 - checked above
    review = PrimaryAggressorReview(
        nominal=nominal,
        misidentification=flag,
        outcome=outcome,
        reviewed_by=actor,
        reviewed_on=reviewed_on,
        rationale=rationale.strip(),
    )
    full_clean(review)
    save_with_history(review, actor=actor, reason=rationale.strip())
    if review.lifts_block:
        nominal.possible_misidentified_victim = ""
        nominal.misidentification_reason = ""
        nominal.misidentification_raised_on = None
        save_with_history(
            nominal,
            actor=actor,
            reason=f"Primary-aggressor review of {reviewed_on:%d %b %Y} found the primary "
            "aggressor: the possible misidentified victim flag is lifted",
        )
    events.aggressor_review_event(actor=actor, review=review)
    return review


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
