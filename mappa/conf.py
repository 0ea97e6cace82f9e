"""MAPPA settings, each with its default (override in Django settings as MAPPA_<NAME>).

Policy choices that may change are kept here rather than as code constants
(DOMAIN.md): the meeting cadence, the archive review intervals, the home visit
frequency per risk level and how early a Category 3 consideration falls due.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from mappa import rules

DEFAULTS: dict[str, Any] = {
    # Working days skip weekends and these (England and Wales bank holidays, as data).
    "BANK_HOLIDAYS": rules.BANK_HOLIDAYS_ENGLAND_WALES,
    # First Level 2/3 meeting within this many working days of an accepted referral.
    "FIRST_MEETING_WORKING_DAYS": 20,
    # Reviews at least every N weeks, by level.
    "REVIEW_WEEKS": {2: 16, 3: 8},
    # Archive reviews: this many years after archiving, then every N years from the archive date
    # (the source's figures, rules.ARCHIVE_SOURCE; a setting only so that a change is data).
    "ARCHIVE_FIRST_REVIEW_YEARS": 2,
    "ARCHIVE_REVIEW_EVERY_YEARS": 10,
    # Home visits: days between visits by the nominal's current risk level (a plan may set its own).
    "VISIT_DAYS_BY_RISK": {"very_high": 14, "high": 28, "medium": 56, "low": 91, "": 91},
    # Cat 1/2/4 cases at Level 2/3: consider for Category 3 this many months before they end.
    "CATEGORY_3_MONTHS_BEFORE_END": 3,
    # Caseload guides (DOMAIN.md "Who uses it").
    "CASELOAD_GUIDE_MAX": 60,
    "CASELOAD_GUIDE_MIN": 50,
    "SPECIALIST_GUIDE_OVERALL": 38,
    "SPECIALIST_GUIDE_HIGH": 10,
    "SPECIALIST_GUIDE_VERY_HIGH": 6,
}


def get(name: str) -> Any:
    return getattr(settings, f"MAPPA_{name}", DEFAULTS[name])


# What each policy setting is, for the MAPPA rules page: local policy, not law.
POLICY_LABELS: dict[str, str] = {
    "FIRST_MEETING_WORKING_DAYS": "First Level 2/3 meeting after an accepted referral (working days)",
    "REVIEW_WEEKS": "Longest gap between MAPP meeting reviews (weeks, by level)",
    "VISIT_DAYS_BY_RISK": "Home visit frequency by risk level (days; a plan may set its own)",
    "CATEGORY_3_MONTHS_BEFORE_END": "Consider for Category 3 this many months before the end",
    "CASELOAD_GUIDE_MAX": "Caseload guide: most cases per offender manager",
    "CASELOAD_GUIDE_MIN": "Caseload guide: fewest cases per offender manager",
    "SPECIALIST_GUIDE_OVERALL": "Specialist team guide: cases per officer",
    "SPECIALIST_GUIDE_HIGH": "Specialist team guide: high-risk cases per officer",
    "SPECIALIST_GUIDE_VERY_HIGH": "Specialist team guide: very high-risk cases per officer",
}


def policy_settings() -> list[tuple[str, str, Any]]:
    """(label, setting name, value) for each policy setting, as configured now."""
    return [(label, f"MAPPA_{name}", get(name)) for name, label in POLICY_LABELS.items()]


def declare_figures() -> None:
    """MAPPA's figures on the register's reference page (/reference/rules/): the source's own
    figures as law or guidance, the settings above as local policy."""
    from register import policy

    def shown(name: str) -> Any:
        return lambda: str(get(name))

    policy.declare(
        *[
            policy.RuleFigure(
                key=f"MAPPA_{name}",
                label=label,
                value=shown(name),
                basis="policy",
                source=f"Local policy: the setting MAPPA_{name} (mappa/conf.py), not law",
                area="MAPPA",
            )
            for name, label in POLICY_LABELS.items()
        ],
        policy.RuleFigure(
            key="mappa.category_2_term",
            label="Category 2: custody or a suspended sentence of 12 months or more",
            value=lambda: "12 months",
            basis="law",
            source=str(rules.CAT2_SOURCE),
            area="MAPPA",
        ),
        policy.RuleFigure(
            key="mappa.archive_reviews",
            label="Archive reviews: 2 years after archiving, then every 10 years from the "
            "archive date",
            value=lambda: (
                f"{get('ARCHIVE_FIRST_REVIEW_YEARS')} years, then every "
                f"{get('ARCHIVE_REVIEW_EVERY_YEARS')} years"
            ),
            basis="law",
            source=str(rules.ARCHIVE_SOURCE),
            area="MAPPA",
        ),
        policy.RuleFigure(
            key="mappa.category_3_levels",
            label="Category 3 is managed at Level 2 or 3 only",
            value=lambda: "Levels 2 and 3",
            basis="law",
            source=str(rules.CAT3_LEVEL_SOURCE),
            area="MAPPA",
        ),
    )
