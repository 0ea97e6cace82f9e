"""What the import tests share: a legacy file, table counts, a run checked and imported."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps

from imports import sample, services
from imports.models import ImportRun
from register.models import StaffUser

# The apps whose tables hold register data (their history tables included).
DATA_APPS = ("register", "notifications", "mappa", "victims", "imports", "core", "partners")


def table_counts() -> dict[str, int]:
    """Rows in every table of the register's data, history tables included (the run itself,
    which a dry run does write, aside)."""
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in DATA_APPS and model is not ImportRun and model._meta.managed:
            counts[model._meta.label] = model._base_manager.count()
    return counts


def legacy_json(nominals: int, *, seed: int = 1, bad: int = 0) -> str:
    return sample.as_json(sample.records(nominals, seed=seed, bad=bad))


def one_record(**overrides: Any) -> dict[str, Any]:
    """One small, valid legacy record (changed by `overrides`)."""
    record: dict[str, Any] = {
        "external_ref": "OLD-1",
        "family_name": "Hartley",
        "given_names": "Dean",
        "date_of_birth": "1984-03-02",
        "sex": "male",
        "pnc_id": "2004/0123456B",
        "names": [{"kind": "alias", "given_names": "Dino", "family_name": "Hart"}],
        "addresses": [
            {
                "kind": "main",
                "line_1": "4 Mill Lane",
                "town": "Leeds",
                "postcode": "LS6 2AB",
                "date_from": "2023-01-05",
            }
        ],
        "convictions": [
            {
                "offence": "PHA1997-s2A",
                "conviction_date": "2022-05-04",
                "sentence_type": "fine",
                "is_domestic_abuse": True,
                "da_flag_source": "prosecutor",
            }
        ],
        "civil_orders": [
            {
                "kind": "restraining",
                "made_on": "2022-05-04",
                "starts_on": "2022-05-04",
                "ends_on": "2025-05-04",
            }
        ],
        "risk_assessments": [
            {
                "tool": "oasys_rosh",
                "assessed_on": "2024-01-10",
                "level": "high",
                "risk_to": ["ex_partner"],
            }
        ],
    }
    record.update(overrides)
    return record


def dumps(records: list[dict[str, Any]]) -> str:
    return json.dumps(records)


def checked_run(
    actor: StaffUser,
    content: str,
    *,
    fmt: str = "json",
    source: str = "LEGACY",
    name: str = "x.json",
) -> ImportRun:
    run = services.import_run_create(
        actor=actor, file_name=name, content=content, format=fmt, source_system=source
    )
    return services.import_run_validate(run_id=run.pk)


def imported_run(actor: StaffUser, content: str, **kwargs: Any) -> ImportRun:
    run = checked_run(actor, content, **kwargs)
    services.import_run_start(actor=actor, run=run)
    return services.import_run_execute(run_id=run.pk)
