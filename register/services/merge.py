"""Finding and merging two records of the same person."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from register import models as m
from register.audit import save_with_history
from register.errors import DomainError
from register.search import SCORE_DOB_EXACT, SCORE_IDENTIFIER, SCORE_NAME_PHONETIC, nominal_search
from register.services.common import require_reason
from register.services.nominals import _grant
from register.services.registration import registration_status_refresh

# Detail relations moved from the duplicate to the record kept.
_MOVED = (
    "names",
    "addresses",
    "contact_details",
    "vehicles",
    "financial_accounts",
    "identity_documents",
    "photographs",
    "household_members",
    "convictions",
    "incidents",
    "civil_orders",
    "risk_assessments",
    "registrations",
    "primary_aggressor_reviews",
)


@dataclass
class PossibleDuplicate:
    nominal: m.Nominal
    reasons: list[str]


def possible_duplicates(
    *,
    user: m.StaffUser,
    given_names: str,
    family_name: str,
    date_of_birth: object = None,
    ni_number: str = "",
    pnc_id: str = "",
) -> list[PossibleDuplicate]:
    """Likely existing records of this person among those the user may see.

    Similar name with the same date of birth, or the same NI number or PNC ID.
    Records the user may not see are never hinted at: that would reveal them.
    """
    parts = [given_names, family_name]
    if date_of_birth:
        parts.append(date_of_birth.strftime("%d/%m/%Y"))  # type: ignore[attr-defined]
    for identifier in (ni_number, pnc_id):
        if identifier:
            parts.append(identifier)
    hits = nominal_search(user=user, text=" ".join(p for p in parts if p), limit=10)
    threshold = SCORE_NAME_PHONETIC + SCORE_DOB_EXACT if date_of_birth else SCORE_IDENTIFIER
    return [
        PossibleDuplicate(nominal=hit.nominal, reasons=hit.reasons)
        for hit in hits
        if hit.score >= min(threshold, SCORE_IDENTIFIER)
    ]


@transaction.atomic
def nominal_merge(
    *, actor: m.StaffUser, keep: m.Nominal, duplicate: m.Nominal, reason: str
) -> m.Nominal:
    """Fold `duplicate` into `keep`. Both histories stay; the duplicate remains, marked merged.

    The caller fetched both through the gate with 'change'. Every moved row is
    saved one by one so its history records the merge, who did it and why.
    """
    reason = require_reason(reason)
    if keep.pk == duplicate.pk:
        raise DomainError("Choose two different records to merge")
    if duplicate.merged_into_id or keep.merged_into_id:
        raise DomainError("One of these records has already been merged")
    registered = m.Registration.objects.filter(
        nominal__in=[keep.pk, duplicate.pk], decision=m.Decision.REGISTER, ended_on__isnull=True
    ).values_list("nominal_id", flat=True)
    if len(set(registered)) == 2:
        raise DomainError(
            "Both records have a current registration: end one of them before merging"
        )
    note = f"Merged from {duplicate} ({duplicate.pk}): {reason}"
    for relation in _MOVED:
        for detail in getattr(duplicate, relation).all():
            if isinstance(detail, m.NominalName) and detail.kind == m.NameKind.CURRENT:
                detail.kind = (
                    m.NameKind.PREVIOUS
                    if (detail.family_name, detail.given_names)
                    != (keep.family_name, keep.given_names)
                    else m.NameKind.ALIAS
                )
            detail.nominal = keep
            save_with_history(detail, actor=actor, reason=note)
    # Agencies that could see the duplicate can see the merged record.
    grants = (
        m.NominalAgencyPermission.objects.filter(content_object=duplicate)
        .values_list("group_id", flat=True)
        .distinct()
    )
    for group_id in grants:
        _grant(keep, group_id=group_id, actions=("view",), actor=actor, reason=note)
    # The misidentified-victim safeguard follows the person: a flag on either record stays
    # raised on the merged one (merging must not clear it; only a review does).
    if duplicate.possible_misidentified_victim and not keep.possible_misidentified_victim:
        keep.possible_misidentified_victim = duplicate.possible_misidentified_victim
        keep.misidentification_reason = duplicate.misidentification_reason
        keep.misidentification_raised_on = duplicate.misidentification_raised_on
    for field in ("date_of_birth",):
        other = getattr(duplicate, field)
        if other and other != keep.date_of_birth and other not in keep.other_dates_of_birth:
            keep.other_dates_of_birth = [*keep.other_dates_of_birth, other]
    for field in ("ni_number", "pnc_id"):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
            setattr(duplicate, field, "")
    duplicate.merged_into = keep
    save_with_history(duplicate, actor=actor, reason=f"Merged into {keep} ({keep.pk}): {reason}")
    save_with_history(keep, actor=actor, reason=note)
    from register.priority import nominal_refresh_priority
    from register.services.nominals import nominal_refresh_risk_level

    # Derived columns follow the details: the record kept gained them, the duplicate lost them.
    for record in (keep, duplicate):
        nominal_refresh_priority(nominal=record)
        nominal_refresh_risk_level(nominal=record)
        registration_status_refresh(nominal=record)
    return keep
