"""Generated legacy files for trying and measuring the import (`manage.py make_legacy_file`).

Deterministic for a seed: the same people, rows and identifiers every time. Dates count from a
fixed day, so a file does not change with the day it is made. `bad` records carry one error
each, of a kind the API refuses (a date that does not exist, an unknown offence, a missing
address line, a sex that is not a choice).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from typing import Any

from imports.formats import LIST_FIELDS, LIST_SEPARATOR, csv_columns
from register.synthetic import TOWNS, pick_person
from register.validators import make_pnc_id

BASE_DAY = dt.date(2025, 6, 1)
_STREETS = ("Church", "Station", "Victoria", "Park", "Mill", "Chapel", "High", "Manor", "Oak")
_STREET_KINDS = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way")
_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_OFFENCES = (
    # (code, custodial share): the stalking, coercive control and common DA offences.
    ("PHA1997-s2A", 0.5),
    ("PHA1997-s4A", 0.7),
    ("PHA1997-s2", 0.2),
    ("SCA2015-s76", 0.6),
    ("CJA1988-s39", 0.1),
    ("OAPA1861-s47", 0.4),
    ("CDA1971-s1-1", 0.05),
    ("POA1986-s4A", 0.1),
)
_BAD_KINDS = ("date_of_birth", "offence", "line_1", "sex")


def _day(rng: random.Random, days_back_from: int, days_back_to: int) -> dt.date:
    return BASE_DAY - dt.timedelta(days=rng.randint(days_back_to, days_back_from))


def _postcode(rng: random.Random, area: str, districts: int) -> str:
    return f"{area}{rng.randint(1, districts)} {rng.randint(1, 9)}{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}"


def _address(rng: random.Random, kind: str, since: dt.date) -> dict[str, Any]:
    town, area, districts = rng.choice(TOWNS)
    return {
        "kind": kind,
        "line_1": f"{rng.randint(1, 250)} {rng.choice(_STREETS)} {rng.choice(_STREET_KINDS)}",
        "town": town,
        "postcode": _postcode(rng, area, districts),
        "date_from": since.isoformat(),
    }


def _conviction(rng: random.Random, born: dt.date) -> dict[str, Any]:
    code, custodial = rng.choice(_OFFENCES)
    # Convicted as an adult: 18 or over, within the last ten years.
    adult_days = (BASE_DAY - born).days - 18 * 365 - 1
    convicted = _day(rng, min(3650, adult_days), 60)
    row: dict[str, Any] = {
        "offence": code,
        "offence_date": (convicted - dt.timedelta(days=rng.randint(30, 200))).isoformat(),
        "conviction_date": convicted.isoformat(),
        "court": f"{rng.choice(TOWNS)[0]} Magistrates' Court",
        "disposal": "conviction",
        "is_domestic_abuse": True,
        "da_flag_source": "prosecutor",
    }
    if rng.random() < custodial:
        months = rng.choice((6, 9, 12, 18, 24, 36))
        release = convicted + dt.timedelta(days=months * 15)
        row.update(
            sentence_type="immediate_custody",
            sentence_date=convicted.isoformat(),
            sentence_amount=months,
            sentence_unit="months",
            licence_start=release.isoformat(),
            licence_end=(release + dt.timedelta(days=months * 15)).isoformat(),
        )
    else:
        row.update(sentence_type=rng.choice(("community_order", "fine", "suspended")))
        if row["sentence_type"] == "suspended":
            row.update(sentence_amount=rng.choice((6, 12, 18)), sentence_unit="months")
    return row


def _order(rng: random.Random) -> dict[str, Any]:
    made = _day(rng, 1500, 30)
    kind = rng.choices(("restraining", "non_molestation", "spo"), weights=(6, 3, 1))[0]
    return {
        "kind": kind,
        "made_on": made.isoformat(),
        "made_by": f"{rng.choice(TOWNS)[0]} Crown Court",
        "starts_on": made.isoformat(),
        "ends_on": (made + dt.timedelta(days=rng.choice((365, 730, 1825)))).isoformat(),
        "notification_requirements": kind == "spo",
    }


def _risk(rng: random.Random) -> dict[str, Any]:
    assessed = _day(rng, 700, 10)
    return {
        "tool": rng.choice(("oasys_rosh", "dash", "sash")),
        "assessed_on": assessed.isoformat(),
        "assessor_name": "Legacy register",
        "level": rng.choices(("low", "medium", "high", "very_high"), weights=(3, 4, 2, 1))[0],
        "risk_to": rng.sample(("partner", "ex_partner", "children", "known_adult"), 1),
        "next_review_on": (assessed + dt.timedelta(days=180)).isoformat(),
    }


def _spoil(record: dict[str, Any], how: str) -> None:
    if how == "date_of_birth":
        record["date_of_birth"] = "1980-02-31"
    elif how == "offence":
        record["convictions"][0]["offence"] = "NOT-AN-OFFENCE"
    elif how == "line_1":
        record["addresses"][0]["line_1"] = ""
    else:
        record["sex"] = "unknown"


def records(
    nominals: int, *, seed: int = 1, bad: int = 0, prefix: str = "L"
) -> list[dict[str, Any]]:
    """`nominals` legacy records, of which `bad` (spread through the file) have one error."""
    rng = random.Random(seed)  # noqa: S311 - made-up people, repeatable by seed
    bad_every = nominals // bad if bad else 0
    out = []
    for i in range(nominals):
        person = pick_person(rng)
        born = BASE_DAY - dt.timedelta(days=rng.randint(19 * 365, 65 * 365))
        record: dict[str, Any] = {
            "external_ref": f"{prefix}{seed}-{i + 1:06d}",
            "family_name": person.family_name,
            "given_names": person.given_names,
            "date_of_birth": born.isoformat(),
            "sex": person.sex,
            "pnc_id": make_pnc_id(
                born.year + 18 + rng.randint(0, 10), (seed * 100_000 + i) % 10_000_000
            ),
            "typologies": ["intimate_partner"] if rng.random() < 0.8 else ["stalking_ex_intimate"],
            "names": [],
            "addresses": [_address(rng, "main", _day(rng, 1500, 10))],
            "convictions": [_conviction(rng, born) for _ in range(rng.randint(1, 3))],
            "civil_orders": [_order(rng)] if rng.random() < 0.4 else [],
            "risk_assessments": [_risk(rng)] if rng.random() < 0.6 else [],
        }
        if rng.random() < 0.3:
            alias = pick_person(rng)
            record["names"].append(
                {
                    "kind": "alias",
                    "given_names": alias.given_names,
                    "family_name": person.family_name,
                }
            )
        if rng.random() < 0.2:
            record["addresses"].append(_address(rng, "other", _day(rng, 900, 10)))
        if bad_every and i % bad_every == bad_every - 1 and i // bad_every < bad:
            _spoil(record, _BAD_KINDS[(i // bad_every) % len(_BAD_KINDS)])
        out.append(record)
    return out


def as_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=1)


def _cell(name: str, value: Any) -> str:
    if name in LIST_FIELDS and isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


_CSV_LISTS = {
    "names": "name",
    "addresses": "address",
    "convictions": "conviction",
    "civil_orders": "order",
    "risk_assessments": "risk",
}


def as_csv(rows: list[dict[str, Any]]) -> str:
    """One line per nominal, then one per related row, linked by external_ref."""
    columns = csv_columns()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in rows:
        own = {k: v for k, v in record.items() if k not in _CSV_LISTS}
        writer.writerow({"record_type": "nominal", **{k: _cell(k, v) for k, v in own.items()}})
        for key, record_type in _CSV_LISTS.items():
            for item in record.get(key, []):
                writer.writerow(
                    {
                        "record_type": record_type,
                        "external_ref": record["external_ref"],
                        **{k: _cell(k, v) for k, v in item.items()},
                    }
                )
    return buffer.getvalue()


def render(rows: list[dict[str, Any]], fmt: str) -> str:
    return as_csv(rows) if fmt == "csv" else as_json(rows)
