"""MAPPA rules as pure functions (no database): unit-tested in tests/mappa/test_rules.py.

Each rule that decides something returns the reason with the answer, so a page
can show which rule produced a decision (DOMAIN.md).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from notifications.rules import BANK_HOLIDAYS_ENGLAND_WALES, add_working_days

CATEGORIES = (1, 2, 3, 4)
LEVELS = (1, 2, 3)
MULTI_AGENCY_LEVELS = (2, 3)

CATEGORY_LABELS = {
    1: "Category 1: registered sexual offender",
    2: "Category 2: violent or other sexual offender",
    3: "Category 3: other dangerous offender",
    4: "Category 4: terrorist or terrorist-risk offender",
}
LEVEL_LABELS = {
    1: "Level 1: single-agency management",
    2: "Level 2: multi-agency (MAPP meetings)",
    3: "Level 3: multi-agency, senior oversight (MAPP meetings)",
}


# Category and level -------------------------------------------------------------------------


def level_problem(category: int | None, level: int | None) -> str | None:
    """Why this category and level cannot go together, or None when they can."""
    if category not in CATEGORIES:
        return "Choose a MAPPA category from 1 to 4"
    if level not in LEVELS:
        return "Choose a MAPPA level from 1 to 3"
    if category == 3 and level not in MULTI_AGENCY_LEVELS:
        return (
            "Category 3 cases are managed at Level 2 or 3 only: a Category 3 case needs "
            "multi-agency management"
        )
    return None


def level_valid(category: int | None, level: int | None) -> bool:
    return level_problem(category, level) is None


# Category 2 eligibility ------------------------------------------------------------------

CUSTODY = frozenset({"immediate_custody", "life", "ipp"})
INDETERMINATE = frozenset({"life", "ipp"})
ORDERS = frozenset({"hospital_order", "hospital_order_restricted", "guardianship_order"})
CAT2_MIN_MONTHS = 12


@dataclass(frozen=True)
class ConvictionFacts:
    """What Category 2 needs to know about one conviction (from the register's records)."""

    offence: str
    cat2_specified: bool  # the offence catalogue's "MAPPA Category 2 specified offence" flag
    disposal: str
    sentence_type: str
    sentence_months: int | None


@dataclass(frozen=True)
class Outcome:
    eligible: bool
    explanation: str


def _cat2_reason(c: ConvictionFacts) -> str | None:
    if not c.cat2_specified:
        return None
    if c.sentence_type in INDETERMINATE:
        return f"{c.offence}: an indeterminate custodial sentence"
    if c.sentence_type in CUSTODY and (c.sentence_months or 0) >= CAT2_MIN_MONTHS:
        return f"{c.offence}: {c.sentence_months} months' custody (12 months or more)"
    if c.sentence_type in ORDERS:
        kind = "guardianship order" if c.sentence_type == "guardianship_order" else "hospital order"
        return f"{c.offence}: a {kind}"
    return None


def category_2_eligibility(convictions: Iterable[ConvictionFacts]) -> Outcome:
    """Category 2: murder or a specified offence with 12 months' custody or more, or a
    hospital or guardianship order (suspended sentences and shorter custody do not count)."""
    facts = list(convictions)
    for conviction in facts:
        reason = _cat2_reason(conviction)
        if reason:
            return Outcome(True, f"Eligible for Category 2: {reason}")
    specified = [c for c in facts if c.cat2_specified]
    if not specified:
        return Outcome(
            False,
            "Not eligible for Category 2: no conviction for murder or a Category 2 specified "
            "offence is recorded",
        )
    return Outcome(
        False,
        "Not eligible for Category 2: no specified offence led to 12 months' custody or more, "
        "or to a hospital or guardianship order (suspended sentences do not count)",
    )


# Termination ---------------------------------------------------------------------------

NOTIFICATION_ENDED = "notification_ended"
LICENCE_ENDED = "licence_ended"
MEETING_DECIDED = "meeting_decided"

TERMINATION_REASONS = {
    NOTIFICATION_ENDED: "The notification period has ended",
    LICENCE_ENDED: "The licence or order has ended",
    MEETING_DECIDED: "A Level 2 or 3 meeting decided the risk has reduced",
}
VALID_TERMINATIONS: dict[int, frozenset[str]] = {
    1: frozenset({NOTIFICATION_ENDED}),
    2: frozenset({LICENCE_ENDED}),
    3: frozenset({MEETING_DECIDED}),
    4: frozenset({NOTIFICATION_ENDED, LICENCE_ENDED}),
}


def termination_problem(category: int, reason: str) -> str | None:
    """Why this reason cannot end a case of this category, or None when it can."""
    if reason not in TERMINATION_REASONS:
        return "Choose why the case ends"
    if reason in VALID_TERMINATIONS.get(category, frozenset()):
        return None
    valid = " or ".join(
        TERMINATION_REASONS[r].lower() for r in sorted(VALID_TERMINATIONS.get(category, ()))
    )
    return f"A Category {category} case can end only when {valid}"


# Dates ------------------------------------------------------------------------------------


def first_meeting_due(
    accepted_on: dt.date,
    working_days: int = 20,
    holidays: Collection[dt.date] = BANK_HOLIDAYS_ENGLAND_WALES,
) -> dt.date:
    """First Level 2/3 meeting: within 20 working days of the accepted referral."""
    return add_working_days(accepted_on, working_days, holidays)


def review_interval_weeks(level: int, cadence: dict[int, int] | None = None) -> int | None:
    """Weeks between MAPP meeting reviews (16 at Level 2, 8 at Level 3); None at Level 1."""
    cadence = cadence or {2: 16, 3: 8}
    return cadence.get(level)


def next_review_due(
    last_meeting_on: dt.date, level: int, cadence: dict[int, int] | None = None
) -> dt.date | None:
    weeks = review_interval_weeks(level, cadence)
    return None if weeks is None else last_meeting_on + dt.timedelta(weeks=weeks)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` (either way); a day the month lacks becomes its last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def archive_review_due(
    archived_on: dt.date, number: int, first_years: int = 2, every_years: int = 10
) -> dt.date:
    """The date of the `number`th archive review (1 = the first).

    Counted from the archive date each time (not from the previous review), so a
    29 February archive returns to 29 February in the leap years it can.
    """
    if number < 1:
        raise ValueError("review numbers start at 1")
    return add_years(archived_on, first_years + every_years * (number - 1))


def archive_reviews(
    archived_on: dt.date, count: int, first_years: int = 2, every_years: int = 10
) -> list[dt.date]:
    return [
        archive_review_due(archived_on, n, first_years, every_years) for n in range(1, count + 1)
    ]


def category_3_consideration_due(
    category: int, level: int, ends_on: dt.date | None, months_before: int = 3
) -> dt.date | None:
    """Cat 1, 2 and 4 cases at Level 2/3 nearing their end must be considered for Category 3."""
    if category == 3 or level not in MULTI_AGENCY_LEVELS or ends_on is None:
        return None
    return add_months(ends_on, -months_before)


DEFAULT_VISIT_DAYS = {"very_high": 14, "high": 28, "medium": 56, "low": 91, "": 91}


def visit_interval_days(
    risk_level: str, plan_days: int | None = None, defaults: dict[str, int] | None = None
) -> int:
    """Days between home visits: the plan's frequency when it sets one, else by risk level."""
    if plan_days:
        return plan_days
    defaults = defaults or DEFAULT_VISIT_DAYS
    return defaults.get(risk_level or "", defaults.get("", 91))


def next_visit_due(
    last_visit_on: dt.date,
    risk_level: str,
    plan_days: int | None = None,
    defaults: dict[str, int] | None = None,
) -> dt.date:
    return last_visit_on + dt.timedelta(days=visit_interval_days(risk_level, plan_days, defaults))


# Caseload guides ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideCheck:
    label: str
    count: int
    limit: int
    over: bool


def caseload_checks(
    total: int,
    high: int,
    very_high: int,
    *,
    om_max: int = 60,
    specialist_overall: int = 38,
    specialist_high: int = 10,
    specialist_very_high: int = 6,
) -> list[GuideCheck]:
    """Each caseload guide with this manager's count and whether it is over the guide."""
    rows = [
        ("Cases per offender manager (guide 50 to 60)", total, om_max),
        ("Specialist team: all cases (guide 1:38)", total, specialist_overall),
        ("Specialist team: high risk (guide 1:10)", high, specialist_high),
        ("Specialist team: very high risk (guide 1:6)", very_high, specialist_very_high),
    ]
    return [GuideCheck(label, count, limit, count > limit) for label, count, limit in rows]
