"""Reference data the register starts with: the offence catalogue, criteria sets, default weights.

Loaded by migration 0003 and again by the test suite after a transactional
test has flushed the tables. Idempotent: existing rows are updated by key,
so an administrator's later edits are kept only if the keys differ — run it
on a live database only through the migration.
"""

from __future__ import annotations

from typing import Any

CRITERIA_SETS: list[dict[str, Any]] = [
    {
        "key": "lords-2024",
        "name": "2024 Lords amendment: relevant DA or stalking perpetrator",
        "description": (
            "Convicted of a specified DA or stalking offence (or an associated offence) and "
            "either a relevant serial offender (convicted on more than one occasion of the same "
            "specified offence, or of more than one specified offence) or assessed as a high or "
            "very high risk of serious harm. Applies on release on licence: custodial sentences only."
        ),
        "test": "convicted_serial_or_high_risk",
        "custodial_only": True,
        "risk_tools": ["oasys_rosh"],
        "risk_levels": ["high", "very_high"],
    },
    {
        "key": "broad-convicted",
        "name": "Broad convicted",
        "description": "The 2024 Lords amendment test without the custodial condition.",
        "test": "convicted_serial_or_high_risk",
        "custodial_only": False,
        "risk_tools": ["oasys_rosh"],
        "risk_levels": ["high", "very_high"],
    },
    {
        "key": "npcc-serial",
        "name": "NPCC serial perpetrator",
        "description": (
            "Reported (not necessarily convicted) to have committed or threatened domestic abuse "
            "against two or more victims who are or were intimate partners or family members, "
            "within a rolling three-year window."
        ),
        "test": "npcc_serial",
        "window_years": 3,
        "min_victims": 2,
    },
]


def load(apps: Any = None) -> None:
    """`apps` is the migration's app registry; None means the current models."""
    from register.offence_catalogue import OFFENCES

    get = apps.get_model if apps is not None else _current_model
    offence_model = get("register", "Offence")
    criteria_model = get("register", "CriteriaSet")
    weights_model = get("register", "PriorityWeights")
    for offence in OFFENCES:
        offence_model.objects.update_or_create(code=offence["code"], defaults=offence)
    for criteria in CRITERIA_SETS:
        criteria_model.objects.update_or_create(key=criteria["key"], defaults=criteria)
    # Before migration 0005 the weights had no agency: there was only the one row.
    per_agency = any(f.name == "agency" for f in weights_model._meta.get_fields())
    defaults = (
        weights_model.objects.filter(agency__isnull=True) if per_agency else weights_model.objects
    )
    if not defaults.exists():
        weights_model.objects.create()


def _current_model(app_label: str, model_name: str) -> Any:
    from django.apps import apps

    return apps.get_model(app_label, model_name)
