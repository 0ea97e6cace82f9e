"""Add, change and remove the detail rows recorded about a nominal.

One set of functions for every kind of detail (names, addresses, convictions,
orders...), driven by DETAIL_KINDS: each kind names its model, the fields a
user may set, and what must follow a change (search keys, the current risk
level, the priority score). The caller has fetched the nominal through the
access gate with the "change" action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from register import events
from register import models as m
from register.audit import save_with_history, stamp
from register.errors import DomainError
from register.search import name_keys
from register.services.common import full_clean, require_reason
from register.validators import normalise_phone, normalise_vehicle_registration, validate_phone


def _name_keys(detail: m.NominalName) -> None:
    for column, value in name_keys(detail.given_names, detail.family_name).items():
        setattr(detail, column, value)


def _contact_keys(detail: m.ContactDetail) -> None:
    if detail.kind == m.ContactKind.PHONE:
        # ContactDetail.clean() would report a bad number against no field; say which one.
        try:
            validate_phone(detail.value)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="value") from exc
        detail.search_value = normalise_phone(detail.value)
    else:
        detail.search_value = detail.value.strip().lower()


def _vehicle_keys(detail: m.Vehicle) -> None:
    detail.registration = normalise_vehicle_registration(detail.registration)


def _refresh_risk(nominal: m.Nominal) -> None:
    from register.services.nominals import nominal_refresh_risk_level

    nominal_refresh_risk_level(nominal=nominal)


def _refresh_priority(nominal: m.Nominal) -> None:
    from register.priority import nominal_refresh_priority

    nominal_refresh_priority(nominal=nominal)


@dataclass(frozen=True)
class DetailKind:
    slug: str
    model: type[models.Model]
    label: str
    fields: tuple[str, ...]
    # Details of a civil order hang off the order; everything else off the nominal.
    parent_field: str = "nominal"
    prepare: Callable[[Any], None] | None = None
    after_change: Callable[[m.Nominal], None] | None = None

    def nominal_of(self, detail: models.Model) -> m.Nominal:
        if self.parent_field == "nominal":
            return detail.nominal  # type: ignore[attr-defined,no-any-return]
        return getattr(detail, self.parent_field).nominal  # type: ignore[no-any-return]

    @property
    def nominal_lookup(self) -> str:
        return "nominal" if self.parent_field == "nominal" else f"{self.parent_field}__nominal"


DETAIL_KINDS: dict[str, DetailKind] = {
    kind.slug: kind
    for kind in [
        DetailKind(
            "names",
            m.NominalName,
            "name",
            ("kind", "given_names", "family_name", "platform", "used_from", "used_to"),
            prepare=_name_keys,
        ),
        DetailKind(
            "addresses",
            m.Address,
            "address",
            (
                "kind",
                "line_1",
                "line_2",
                "town",
                "postcode",
                "date_from",
                "date_to",
                "verified_on",
                "notes",
            ),
        ),
        DetailKind(
            "contact-details",
            m.ContactDetail,
            "phone number or email",
            ("kind", "value", "date_from", "date_to"),
            prepare=_contact_keys,
        ),
        DetailKind(
            "vehicles",
            m.Vehicle,
            "vehicle",
            ("registration", "description", "date_from", "date_to"),
            prepare=_vehicle_keys,
        ),
        DetailKind(
            "financial-accounts",
            m.FinancialAccount,
            "bank account or card",
            ("kind", "provider", "last_four", "joint", "opened_on", "closed_on"),
        ),
        DetailKind(
            "identity-documents",
            m.IdentityDocument,
            "identity document",
            ("kind", "number", "issuing_country", "expires_on"),
        ),
        DetailKind(
            "household-members",
            m.HouseholdMember,
            "household member",
            ("relationship", "name", "date_of_birth", "lives_with", "notes"),
        ),
        DetailKind(
            "convictions",
            m.Conviction,
            "conviction or caution",
            (
                "offence",
                "offence_date",
                "conviction_date",
                "court",
                "disposal",
                "associated_form",
                "sentence_type",
                "sentence_date",
                "sentence_amount",
                "sentence_unit",
                "consecutive_to",
                "licence_start",
                "licence_end",
                "victim_age",
                "is_domestic_abuse",
                "da_flag_source",
                "spent_on",
                "gravity",
            ),
            after_change=_refresh_priority,
        ),
        DetailKind(
            "incidents",
            m.ReportedIncident,
            "reported incident",
            (
                "occurred_on",
                "crime_reference",
                "victim_reference",
                "victim_relationship",
                "threatened_only",
                "description",
                "gravity",
            ),
            after_change=_refresh_priority,
        ),
        DetailKind(
            "civil-orders",
            m.CivilOrder,
            "civil order",
            (
                "kind",
                "interim",
                "made_on",
                "made_by",
                "served_on",
                "starts_on",
                "ends_on",
                "notification_requirements",
                "notes",
            ),
        ),
        DetailKind(
            "order-conditions",
            m.OrderCondition,
            "order condition",
            (
                "kind",
                "text",
                "compliance_officer",
                "compliance_reporter",
                "review_on",
                "provider",
                "starts_on",
                "ends_on",
            ),
            parent_field="order",
        ),
        DetailKind(
            "order-breaches",
            m.OrderBreach,
            "order breach",
            ("occurred_on", "description", "reported_by", "outcome", "outcome_on", "conviction"),
            parent_field="order",
        ),
        DetailKind(
            "risk-assessments",
            m.RiskAssessment,
            "risk assessment",
            (
                "tool",
                "assessed_on",
                "assessor",
                "assessor_name",
                "level",
                "risk_to",
                "next_review_on",
                "summary",
            ),
            after_change=_refresh_risk,
        ),
    ]
}


def detail_kind(slug: str) -> DetailKind:
    try:
        return DETAIL_KINDS[slug]
    except KeyError:
        raise DomainError(f"Unknown kind of detail: {slug}") from None


def _apply(kind: DetailKind, detail: models.Model, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(kind.fields)
    if unknown:
        raise DomainError(f"Cannot set {', '.join(sorted(unknown))} on a {kind.label}")
    for name, value in data.items():
        setattr(detail, name, value.strip() if isinstance(value, str) else value)
    if kind.prepare:
        kind.prepare(detail)


def _check_parent_belongs(kind: DetailKind, detail: models.Model, nominal: m.Nominal) -> None:
    """An order condition or breach must hang off an order of the same nominal."""
    if kind.parent_field != "nominal":
        parent = getattr(detail, kind.parent_field, None)
        if parent is None or parent.nominal_id != nominal.pk:
            raise DomainError(
                f"Choose one of this person's {kind.parent_field}s", field=kind.parent_field
            )
    for name in ("conviction", "consecutive_to"):
        linked = getattr(detail, name, None) if name in kind.fields else None
        if linked is not None and linked.nominal_id != nominal.pk:
            raise DomainError("Choose one of this person's convictions", field=name)


@transaction.atomic
def nominal_detail_add(
    *,
    actor: m.StaffUser,
    nominal: m.Nominal,
    kind: str,
    data: Mapping[str, Any],
    reason: str,
    parent: models.Model | None = None,
) -> models.Model:
    spec = detail_kind(kind)
    reason = require_reason(reason)
    detail = spec.model(**({"nominal": nominal} if spec.parent_field == "nominal" else {}))
    if parent is not None:
        setattr(detail, spec.parent_field, parent)
    _apply(spec, detail, data)
    _check_parent_belongs(spec, detail, nominal)
    full_clean(detail)
    save_with_history(detail, actor=actor, reason=reason)
    _after(spec, nominal)
    safety = _safety_values(spec, detail) != _safety_values(spec, None)
    _announce(spec, nominal, detail, actor=actor, change="added", safety=safety)
    if isinstance(detail, m.OrderBreach):
        # A breach of a civil order is a breach too, for whoever follows breaches.
        events.announce(
            "breach.recorded",
            actor=actor,
            nominal=nominal,
            subject=detail,
            subject_type="order_breach",
            data={"civil_order_id": str(detail.order_id), "found_on": str(detail.occurred_on)},
        )
    return detail


@transaction.atomic
def nominal_detail_update(
    *, actor: m.StaffUser, kind: str, detail: models.Model, data: Mapping[str, Any], reason: str
) -> models.Model:
    spec = detail_kind(kind)
    reason = require_reason(reason)
    nominal = spec.nominal_of(detail)
    before = _safety_values(spec, detail)
    _apply(spec, detail, data)
    _check_parent_belongs(spec, detail, nominal)
    full_clean(detail)
    save_with_history(detail, actor=actor, reason=reason)
    _after(spec, nominal)
    safety = before != _safety_values(spec, detail)
    _announce(spec, nominal, detail, actor=actor, change="changed", safety=safety)
    return detail


@transaction.atomic
def nominal_detail_remove(
    *, actor: m.StaffUser, kind: str, detail: models.Model, reason: str
) -> None:
    """Delete the row; its history keeps every version, and the deletion, with who and why."""
    spec = detail_kind(kind)
    reason = require_reason(reason)
    nominal = spec.nominal_of(detail)
    if isinstance(detail, m.NominalName) and detail.kind == m.NameKind.CURRENT:
        raise DomainError("Change the current name instead of removing it")
    # Announced before the delete: the row's key identifies what belonged to it (the due items
    # notifications closes), and delete() forgets it.
    gone = _safety_values(spec, detail) != _safety_values(spec, None)
    _announce(spec, nominal, detail, actor=actor, change="removed", safety=gone)
    stamp(detail, actor=actor, reason=reason)
    detail.delete()
    _after(spec, nominal)


def _after(spec: DetailKind, nominal: m.Nominal) -> None:
    """What follows any change here: the nominal's ETag moves and derived columns refresh.
    (Dates that fall due reach the due-item model through the nominal.changed listener.)"""
    _touch(nominal)
    if spec.after_change:
        spec.after_change(nominal)


# The details whose changes a victim's VLO must hear of (register.events), and the
# fields that matter: an address moving, a release (licence start) or licence end.
SAFETY_FIELDS: dict[str, tuple[events.SafetyChangeKind, tuple[str, ...]]] = {
    "addresses": (
        events.SafetyChangeKind.ADDRESS,
        ("line_1", "line_2", "town", "postcode", "kind", "date_from", "date_to"),
    ),
    "convictions": (events.SafetyChangeKind.RELEASE, ("licence_start", "licence_end")),
}


def _safety_values(spec: DetailKind, detail: models.Model | None) -> tuple[Any, ...] | None:
    watched = SAFETY_FIELDS.get(spec.slug)
    if watched is None:
        return None
    return tuple(getattr(detail, f, None) if detail else None for f in watched[1])


_VERBS = {"added": "recorded", "changed": "changed", "removed": "removed"}


def _announce(
    spec: DetailKind,
    nominal: m.Nominal,
    detail: models.Model,
    *,
    actor: m.StaffUser,
    change: str,
    safety: bool,
) -> None:
    """nominal.changed for every detail change (notifications moves its due dates, partners
    hear of it), marked safety-relevant when a watched field moved (a VLO is told)."""
    data: dict[str, Any] = {"detail": spec.slug, "detail_id": str(detail.pk), "change": change}
    if safety:
        kind = SAFETY_FIELDS[spec.slug][0]
        what = (
            "An address" if kind == events.SafetyChangeKind.ADDRESS else "Release or licence dates"
        )
        summary = f"{what} {_VERBS[change]} on {timezone.localdate():%d %b %Y}"
        data.update(events.safety_data(kind, summary))
    # The subject is the nominal (a partner follows the link to the record); the detail row
    # rides in the context for listeners here.
    events.announce(
        "nominal.changed", actor=actor, nominal=nominal, data=data, context={"detail": detail}
    )


def _touch(nominal: m.Nominal) -> None:
    """Move the nominal's updated_at (its ETag) on without a history row of its own.

    A change to any detail must invalidate an API client's copy of the
    record; the detail's own history already says who changed what and why.
    """
    now = timezone.now()
    m.Nominal.objects.filter(pk=nominal.pk).update(updated_at=now)
    nominal.updated_at = now
