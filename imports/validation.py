"""Checking a legacy record with the API's own serializers and the models' own validation.

An import must never hold what the API would refuse, so each record goes through
`NominalInput` and each related row through the API's serializer for its kind
(register.serializers.detail_serializer), then through the same model validation the
services run (`full_clean`), without writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imports.formats import Item, LegacyRecord, row_error
from register import models as m
from register.errors import DomainError
from register.serializers import NominalInput, detail_serializer
from register.services import detail_kind, full_clean
from register.services.details import _apply as apply_detail
from register.services.nominals import _apply as apply_nominal

# The change reason is the import's, given by the service; the serializer needs one to be valid.
_PLACEHOLDER_REASON = "import"
MAX_REF_LENGTH = 100


@dataclass
class ValidItem:
    kind: str
    data: dict[str, Any]


@dataclass
class ValidRecord:
    row: int
    external_ref: str
    nominal: dict[str, Any]
    items: list[ValidItem] = field(default_factory=list)


def _messages(detail: Any) -> list[str]:
    """DRF error detail (a list, a dict or a string) as plain messages."""
    if isinstance(detail, dict):
        return [f"{k}: {msg}" for k, v in detail.items() for msg in _messages(v)]
    if isinstance(detail, list):
        return [msg for v in detail for msg in _messages(v)]
    return [str(detail)]


def _serializer_errors(
    errors: dict[str, Any], *, row: int, prefix: str, ref: str
) -> list[dict[str, Any]]:
    return [
        row_error(row, prefix + ("record" if name == "non_field_errors" else name), message, ref)
        for name, detail in errors.items()
        for message in _messages(detail)
    ]


def _domain_errors(
    error: DomainError, *, row: int, prefix: str, ref: str, default: str
) -> list[dict[str, Any]]:
    return [
        row_error(row, prefix + (name or default), message, ref)
        for name, messages in error.errors.items()
        for message in messages
    ]


def _check_item(
    item: Item, ref: str, *, model_checks: bool, person: m.Nominal | None, user: m.StaffUser
) -> tuple[ValidItem | None, list[dict[str, Any]]]:
    spec = detail_kind(item.kind)
    # The record does not exist yet: staff are named from those the runner's agency (its
    # future lead) offers, as for a record created over the API.
    serializer = detail_serializer(item.kind)(data=item.data, context={"user": user})
    if not serializer.is_valid():
        return None, _serializer_errors(
            serializer.errors, row=item.row, prefix=item.field_prefix, ref=ref
        )
    data = dict(serializer.validated_data)
    if item.kind == "names" and data.get("kind") == m.NameKind.CURRENT:
        # The current name is the person's own family_name and given_names.
        return None, [
            row_error(
                item.row,
                item.field_prefix + "kind",
                "The current name is the record's own family_name and given_names: "
                "give other names as birth, previous, alias, online or dating_profile",
                ref,
            )
        ]
    if not model_checks:
        return ValidItem(item.kind, data), []
    detail = spec.model()
    if person is not None:
        # The unsaved person, so rules across the two (no offence before the age of 10) apply.
        detail.nominal = person  # type: ignore[attr-defined]
    try:
        apply_detail(spec, detail, data)
        # Not the parent (not saved yet) nor the new row's own random id.
        full_clean(detail, exclude=[spec.parent_field, "id"])
    except DomainError as error:
        return None, _domain_errors(
            error, row=item.row, prefix=item.field_prefix, ref=ref, default="record"
        )
    return ValidItem(item.kind, data), []


def check_record(
    record: LegacyRecord, *, agency_id: int, user: m.StaffUser, model_checks: bool = True
) -> tuple[ValidRecord | None, list[dict[str, Any]]]:
    """The record as the services will take it, or every error it has (row and field).

    Without `model_checks` only the serializers run: the import job uses that, since the
    services it calls run the same model validation again (a refusal there rolls it back).
    """
    ref, row = record.external_ref, record.row
    errors: list[dict[str, Any]] = []
    if not ref:
        errors.append(row_error(row, "external_ref", "Enter the legacy system's reference"))
    elif len(ref) > MAX_REF_LENGTH:
        errors.append(
            row_error(row, "external_ref", f"Must be {MAX_REF_LENGTH} characters or fewer", ref)
        )
    serializer = NominalInput(data={**record.data, "reason": _PLACEHOLDER_REASON})
    nominal_data: dict[str, Any] = {}
    person: m.Nominal | None = None
    if serializer.is_valid():
        nominal_data = dict(serializer.validated_data)
        nominal_data.pop("reason", None)
        candidate = m.Nominal(lead_agency_id=agency_id)
        try:
            apply_nominal(candidate, nominal_data)
            if model_checks:
                full_clean(candidate, exclude=["lead_agency", "id"])
            person = candidate
        except DomainError as error:
            errors += _domain_errors(error, row=row, prefix="", ref=ref, default="record")
    else:
        errors += _serializer_errors(serializer.errors, row=row, prefix="", ref=ref)
    items: list[ValidItem] = []
    for item in record.items:
        valid_item, item_errors = _check_item(
            item, ref, model_checks=model_checks, person=person, user=user
        )
        errors += item_errors
        if valid_item is not None:
            items.append(valid_item)
    if errors:
        return None, errors
    return ValidRecord(row, ref, nominal_data, items), []
