"""Reading a legacy file (CSV or JSON) into one record per person with their related rows.

Only the shape is checked here (is it a list, does every row belong to a person); what the
values may be is checked by the API's own serializers and the models (imports.validation).
docs/import.md documents both formats.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from register.services import NOMINAL_FIELDS, detail_kind

# record_type in CSV / list key in JSON -> the register's kind of detail (services.DETAIL_KINDS).
CSV_TYPES = {
    "name": "names",
    "address": "addresses",
    "conviction": "convictions",
    "order": "civil-orders",
    "risk": "risk-assessments",
}
JSON_LISTS = {
    "names": "names",
    "addresses": "addresses",
    "convictions": "convictions",
    "civil_orders": "civil-orders",
    "risk_assessments": "risk-assessments",
}
# A conviction's consecutive_to names another conviction by the register's id, which a legacy
# file cannot know; it is set on the record after the import.
NOT_IMPORTED = {"convictions": {"consecutive_to"}}
# Lists in one CSV cell are separated by semicolons.
LIST_FIELDS = {"other_dates_of_birth", "typologies", "vulnerabilities", "risk_to"}
LIST_SEPARATOR = ";"


def importable_fields(kind: str) -> tuple[str, ...]:
    excluded = NOT_IMPORTED.get(kind, set())
    return tuple(f for f in detail_kind(kind).fields if f not in excluded)


NOMINAL_IMPORT_FIELDS = tuple(NOMINAL_FIELDS)


def csv_columns() -> list[str]:
    """Every column a CSV file may have, in a stable order."""
    columns = ["record_type", "external_ref", *NOMINAL_IMPORT_FIELDS]
    for kind in CSV_TYPES.values():
        columns += [f for f in importable_fields(kind) if f not in columns]
    return columns


@dataclass
class Item:
    """One related row: a name, address, conviction, order or risk assessment."""

    kind: str
    row: int
    field_prefix: str  # "addresses[0]." in JSON; CSV rows are their own line
    data: dict[str, Any]


@dataclass
class LegacyRecord:
    row: int
    external_ref: str
    data: dict[str, Any]
    items: list[Item] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return 1 + len(self.items)


@dataclass
class Parsed:
    records: list[LegacyRecord]
    rows: int
    errors: list[dict[str, Any]]


def row_error(row: int | None, field: str | None, message: str, ref: str = "") -> dict[str, Any]:
    return {"row": row, "external_ref": ref, "field": field or "", "message": message}


def parse(content: str, fmt: str) -> Parsed:
    return parse_json(content) if fmt == "json" else parse_csv(content)


def parse_json(content: str) -> Parsed:
    try:
        loaded = json.loads(content)
    except json.JSONDecodeError as exc:
        return Parsed(
            [], 0, [row_error(exc.lineno, "file", f"The file is not valid JSON: {exc.msg}")]
        )
    if not isinstance(loaded, list):
        return Parsed([], 0, [row_error(None, "file", "The file must be a JSON list of records")])
    records: list[LegacyRecord] = []
    errors: list[dict[str, Any]] = []
    rows = 0
    allowed = {"external_ref", *NOMINAL_IMPORT_FIELDS, *JSON_LISTS}
    for index, obj in enumerate(loaded, start=1):
        rows += 1
        if not isinstance(obj, dict):
            errors.append(row_error(index, "record", "Each record must be a JSON object"))
            continue
        ref = str(obj.get("external_ref") or "").strip()
        for key in sorted(set(obj) - allowed):
            errors.append(row_error(index, key, "Not a field of a legacy record", ref))
        record = LegacyRecord(
            index, ref, {k: v for k, v in obj.items() if k in NOMINAL_IMPORT_FIELDS}
        )
        for key, kind in JSON_LISTS.items():
            value = obj.get(key) or []
            if not isinstance(value, list):
                errors.append(row_error(index, key, "Must be a list of objects", ref))
                continue
            for position, item in enumerate(value):
                rows += 1
                prefix = f"{key}[{position}]."
                if not isinstance(item, dict):
                    errors.append(row_error(index, prefix[:-1], "Must be an object", ref))
                    continue
                fields = set(importable_fields(kind))
                for name in sorted(set(item) - fields):
                    errors.append(row_error(index, prefix + name, "Not a field of this row", ref))
                data = {k: v for k, v in item.items() if k in fields}
                record.items.append(Item(kind, index, prefix, data))
        records.append(record)
    return Parsed(records, rows, errors)


def _cell(name: str, value: str) -> Any:
    if name in LIST_FIELDS:
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    return value


def parse_csv(content: str) -> Parsed:
    reader = csv.reader(io.StringIO(content))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return Parsed([], 0, [row_error(1, "file", "The file is empty")])
    known = set(csv_columns())
    errors = [
        row_error(1, column, "Not a column of the legacy format")
        for column in header
        if column not in known
    ]
    for required in ("record_type", "external_ref"):
        if required not in header:
            errors.append(row_error(1, required, f"The file needs a {required} column"))
    if errors:
        return Parsed([], 0, errors)
    by_ref: dict[str, LegacyRecord] = {}
    records: list[LegacyRecord] = []
    orphans: list[tuple[int, str, Item]] = []
    rows = 0
    nominal_fields = set(NOMINAL_IMPORT_FIELDS)
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        rows += 1
        if len(values) != len(header):
            errors.append(
                row_error(line, "row", f"Has {len(values)} cells; the header has {len(header)}")
            )
            continue
        cells = {h: v.strip() for h, v in zip(header, values, strict=True) if v.strip()}
        record_type = cells.pop("record_type", "")
        ref = cells.pop("external_ref", "")
        if record_type == "nominal":
            fields = nominal_fields
        elif record_type in CSV_TYPES:
            fields = set(importable_fields(CSV_TYPES[record_type]))
        else:
            choices = ", ".join(["nominal", *CSV_TYPES])
            errors.append(row_error(line, "record_type", f"Enter one of {choices}", ref))
            continue
        for name in sorted(set(cells) - fields):
            errors.append(row_error(line, name, f"Not a field of a {record_type} row", ref))
        data = {k: _cell(k, v) for k, v in cells.items() if k in fields}
        if record_type == "nominal":
            if ref in by_ref:
                errors.append(
                    row_error(line, "external_ref", f"Also on row {by_ref[ref].row}", ref)
                )
                continue
            record = LegacyRecord(line, ref, data)
            records.append(record)
            if ref:
                by_ref[ref] = record
        else:
            orphans.append((line, ref, Item(CSV_TYPES[record_type], line, "", data)))
    for line, ref, item in orphans:
        owner = by_ref.get(ref)
        if owner is None:
            errors.append(
                row_error(
                    line, "external_ref", "No nominal row in the file has this external_ref", ref
                )
            )
        else:
            owner.items.append(item)
    return Parsed(records, rows, errors)
