"""Reference data that policy owns, not code: the offence catalogue, criteria sets, RFGV weights.

Administrators change it; every change keeps history with who and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction

from register.audit import save_with_history
from register.errors import DomainError
from register.models import CriteriaSet, Offence, PriorityWeights, Role, StaffUser
from register.services.common import full_clean, require_reason

OFFENCE_FIELDS = (
    "title",
    "specified_stalking",
    "coercive_control",
    "mappa_cat2_specified",
    "sexual",
    "violent",
    "default_gravity",
    "is_active",
)
CRITERIA_FIELDS = (
    "name",
    "description",
    "custodial_only",
    "count_spent",
    "count_cautions",
    "historic_before",
    "count_historic",
    "da_min_age",
    "stalking_min_age",
    "risk_tools",
    "risk_levels",
    "window_years",
    "min_victims",
    "serial_reading",
    "count_associated",
    "is_active",
)
WEIGHT_FIELDS = (
    "recency",
    "frequency",
    "gravity",
    "victims",
    "recency_horizon_days",
    "frequency_cap",
    "gravity_cap",
    "victims_cap",
)


def _require_administrator(actor: StaffUser) -> None:
    if not actor.has_role(Role.ADMINISTRATOR):
        raise DomainError("Only an administrator can change reference data")


def _update(
    instance: models.Model,
    allowed: tuple[str, ...],
    data: Mapping[str, Any],
    *,
    actor: StaffUser,
    reason: str,
) -> Any:
    _require_administrator(actor)
    reason = require_reason(reason)
    unknown = set(data) - set(allowed)
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))} here")
    for name, value in data.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    full_clean(instance)
    return save_with_history(instance, actor=actor, reason=reason)


@transaction.atomic
def offence_update(
    *, actor: StaffUser, offence: Offence, data: Mapping[str, Any], reason: str
) -> Offence:
    return _update(offence, OFFENCE_FIELDS, data, actor=actor, reason=reason)  # type: ignore[no-any-return]


@transaction.atomic
def criteria_set_update(
    *, actor: StaffUser, criteria_set: CriteriaSet, data: Mapping[str, Any], reason: str
) -> CriteriaSet:
    return _update(criteria_set, CRITERIA_FIELDS, data, actor=actor, reason=reason)  # type: ignore[no-any-return]


@transaction.atomic
def priority_weights_set(
    *, actor: StaffUser, data: Mapping[str, Any], reason: str
) -> PriorityWeights:
    """Set the actor's agency's own weights (created from the defaults on first change).

    Stored scores follow at the nightly refresh, or at once for a record that changes.
    """
    from register.priority import weights_row

    current = weights_row(actor.agency_id)
    own = (
        current
        if current.agency_id == actor.agency_id
        else PriorityWeights(
            agency_id=actor.agency_id, **{f: getattr(current, f) for f in WEIGHT_FIELDS}
        )
    )
    for name, value in data.items():
        if name in WEIGHT_FIELDS and isinstance(value, (int, float)) and value < 0:
            raise DomainError("Weights and caps cannot be negative", field=name)
    return _update(own, WEIGHT_FIELDS, data, actor=actor, reason=reason)  # type: ignore[no-any-return]
