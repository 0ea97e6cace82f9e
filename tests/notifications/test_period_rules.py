"""Notification periods, case by case (SOA 2003 s.82 as applied; issue 10, findings 1, 2 and 9).

Pure rules, no database. Each case names the provision it follows and quotes its words; the
quotation is what the expected outcome is read from.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from notifications.rules import (
    PERIOD_RULES,
    NotificationPeriod,
    PeriodCase,
    further_review_due,
    governing_period,
    indefinite_review_due,
    indefinite_review_explanation,
    notification_period,
    period_end,
)
from register.rules import aggregate_terms, term_at_least, term_days, term_more_than

D = dt.date
S82 = "SOA 2003 s.82(1)"
S82_2 = "SOA 2003 s.82(2)"
S286 = "Sentencing Act 2020 s.286(1)"
TERMS = "DOMAIN.md, Notification requirements"


def period(
    sentence_type: str,
    amount: int | None = None,
    unit: str = "months",
    *,
    disposal: str = "conviction",
    under_18: bool = False,
    discharge: tuple[int, str] | None = None,
) -> NotificationPeriod:
    return notification_period(
        disposal=disposal,
        sentence_type=sentence_type,
        sentence_days=term_days(amount, unit),
        under_18_on_relevant_date=under_18,
        discharge=discharge,
        term_text=f"{amount} {unit}" if amount is not None else "",
    )


# (id, section, wording, the case, rule key, years: None = indefinite, "none" = no period)
TABLE: list[tuple[str, str, str, dict[str, Any], str, float | str | None]] = [
    (
        "custody-30-months",
        S82,
        "imprisonment for life or for a term of 30 months or more",
        {"sentence_type": "immediate_custody", "amount": 30},
        "custody_30_months_plus",
        None,
    ),
    (
        "custody-10-years",
        S82,
        "for a term of 30 months or more",
        {"sentence_type": "immediate_custody", "amount": 10, "unit": "years"},
        "custody_30_months_plus",
        None,
    ),
    (
        "custody-130-weeks",
        S82,
        "more than 6 months but less than 30 months",
        {"sentence_type": "immediate_custody", "amount": 130, "unit": "weeks"},
        "custody_over_6_under_30_months",
        10,
    ),
    ("life", S82, "imprisonment for life", {"sentence_type": "life"}, "life", None),
    ("ipp", S82, "imprisonment for public protection", {"sentence_type": "ipp"}, "ipp", None),
    (
        "restricted-hospital-order",
        S82,
        "admitted to a hospital subject to a restriction order",
        {"sentence_type": "hospital_order_restricted", "disposal": "not_guilty_insanity"},
        "hospital_order_restricted",
        None,
    ),
    (
        "custody-29-months",
        S82,
        "more than 6 months but less than 30 months",
        {"sentence_type": "immediate_custody", "amount": 29},
        "custody_over_6_under_30_months",
        10,
    ),
    (
        "custody-7-months",
        S82,
        "more than 6 months but less than 30 months",
        {"sentence_type": "immediate_custody", "amount": 7},
        "custody_over_6_under_30_months",
        10,
    ),
    (
        "custody-28-weeks",
        TERMS,
        "28 weeks is over 6 months",
        {"sentence_type": "immediate_custody", "amount": 28, "unit": "weeks"},
        "custody_over_6_under_30_months",
        10,
    ),
    (
        "custody-27-weeks",
        S82,
        "more than 6 months",
        {"sentence_type": "immediate_custody", "amount": 27, "unit": "weeks"},
        "custody_over_6_under_30_months",
        10,
    ),
    (
        "custody-26-weeks",
        S82,
        "a term of 6 months or less",
        {"sentence_type": "immediate_custody", "amount": 26, "unit": "weeks"},
        "custody_6_months_or_less",
        7,
    ),
    (
        "custody-6-months",
        S82,
        "a term of 6 months or less",
        {"sentence_type": "immediate_custody", "amount": 6},
        "custody_6_months_or_less",
        7,
    ),
    (
        "custody-183-days",
        S82,
        "a term of 6 months or less",
        {"sentence_type": "immediate_custody", "amount": 183, "unit": "days"},
        "custody_6_months_or_less",
        7,
    ),
    (
        "custody-184-days",
        S82,
        "more than 6 months",
        {"sentence_type": "immediate_custody", "amount": 184, "unit": "days"},
        "custody_over_6_under_30_months",
        10,
    ),
    (
        "custody-1-month",
        S82,
        "a term of 6 months or less",
        {"sentence_type": "immediate_custody", "amount": 1},
        "custody_6_months_or_less",
        7,
    ),
    (
        "hospital-order",
        S82,
        "admitted to a hospital without being subject to a restriction order",
        {"sentence_type": "hospital_order", "disposal": "disability_finding"},
        "hospital_order",
        7,
    ),
    (
        "caution",
        S82,
        "a person within section 80(1)(d): 2 years",
        {"sentence_type": "none", "disposal": "caution"},
        "caution",
        2,
    ),
    (
        "conditional-discharge-18-months",
        S82,
        "the period of conditional discharge",
        {"sentence_type": "conditional_discharge", "discharge": (18, "months")},
        "conditional_discharge",
        1.5,
    ),
    (
        "suspended-12-months",
        S286,
        "to be treated as a sentence of imprisonment ... for the purposes of all enactments",
        {"sentence_type": "suspended", "amount": 12},
        "custody_over_6_under_30_months",
        10,
    ),
    (
        "suspended-24-months",
        S286,
        "for the purposes of all enactments",
        {"sentence_type": "suspended", "amount": 24},
        "custody_over_6_under_30_months",
        10,
    ),
    (
        "suspended-6-months",
        S286,
        "for the purposes of all enactments",
        {"sentence_type": "suspended", "amount": 6},
        "custody_6_months_or_less",
        7,
    ),
    (
        "community-order",
        S82,
        "a person of any other description",
        {"sentence_type": "community_order"},
        "other_disposal",
        5,
    ),
    (
        "fine",
        S82,
        "a person of any other description",
        {"sentence_type": "fine"},
        "other_disposal",
        5,
    ),
    (
        "absolute-discharge",
        "Sentencing Act 2020 s.82(2)",
        "is to be deemed not to be a conviction for any purpose",
        {"sentence_type": "absolute_discharge"},
        "absolute_discharge",
        "none",
    ),
    (
        "absolute-discharge-after-insanity",
        "SOA 2003 s.80(1)(b)",
        "found not guilty of such an offence by reason of insanity",
        {"sentence_type": "absolute_discharge", "disposal": "not_guilty_insanity"},
        "other_disposal",
        5,
    ),
    (
        "guardianship-finding",
        S82,
        "a person of any other description",
        {"sentence_type": "guardianship_order", "disposal": "disability_finding"},
        "other_disposal",
        5,
    ),
    (
        "under-18-custody-12-months",
        S82_2,
        "one-half of that period",
        {"sentence_type": "immediate_custody", "amount": 12, "under_18": True},
        "custody_over_6_under_30_months",
        5,
    ),
    (
        "under-18-custody-6-months",
        S82_2,
        "one-half of that period",
        {"sentence_type": "immediate_custody", "amount": 6, "under_18": True},
        "custody_6_months_or_less",
        3.5,
    ),
    (
        "under-18-hospital-order",
        S82_2,
        "one-half of that period",
        {"sentence_type": "hospital_order", "under_18": True},
        "hospital_order",
        3.5,
    ),
    (
        "under-18-caution",
        S82_2,
        "a reference to a period of ... 2 years ... one-half",
        {"sentence_type": "none", "disposal": "caution", "under_18": True},
        "caution",
        1,
    ),
    (
        "under-18-suspended-12-months",
        S82_2,
        "a reference to a period of 10 years ... one-half",
        {"sentence_type": "suspended", "amount": 12, "under_18": True},
        "custody_over_6_under_30_months",
        5,
    ),
    (
        "under-18-fine",
        S82_2,
        "a reference to a period of ... 5 years ... one-half",
        {"sentence_type": "fine", "under_18": True},
        "other_disposal",
        2.5,
    ),
    (
        "under-18-conditional-discharge",
        S82_2,
        "any reference to a period of 10 years, 7 years, 5 years or 2 years (not a discharge)",
        {"sentence_type": "conditional_discharge", "discharge": (18, "months"), "under_18": True},
        "conditional_discharge",
        1.5,
    ),
    (
        "under-18-indefinite",
        S82_2,
        "halves fixed periods only: an indefinite period stays",
        {"sentence_type": "life", "under_18": True},
        "life",
        None,
    ),
]


@pytest.mark.parametrize(
    ("section", "wording", "kwargs", "rule_key", "years"),
    [pytest.param(*case[1:], id=case[0]) for case in TABLE],
)
def test_each_row_of_the_period_table(
    section: str, wording: str, kwargs: dict[str, Any], rule_key: str, years: float | str | None
) -> None:
    case = period(**kwargs)
    assert case.rule_key == rule_key
    if years == "none":
        assert (case.applies, case.indefinite, case.years) == (False, False, None)
        assert "no notification requirements" in case.explanation
    else:
        assert case.applies
        assert case.indefinite is (years is None)
        assert case.years == years
    # Sources on screen: each outcome names its rule and source.
    assert case.rule.startswith("SOA 2003 s.82 as applied: ")
    assert case.rule in case.explanation
    if (
        kwargs.get("under_18")
        and isinstance(years, float | int)
        and rule_key != "conditional_discharge"
    ):
        assert "halved" in case.explanation and "s.82(2)" in case.explanation
    assert section and wording


def test_the_rule_names_itself_as_the_issue_asks() -> None:
    # Issue 10, "Sources on screen": e.g. "SOA 2003 s.82 as applied: custody 30 months or more
    # → indefinite".
    assert period("immediate_custody", 30).rule.startswith(
        "SOA 2003 s.82 as applied: custody 30 months or more → indefinite"
    )


def test_every_row_of_the_table_is_reachable_and_keys_are_unique() -> None:
    keys = [rule.key for rule in PERIOD_RULES]
    assert len(keys) == len(set(keys))
    reached = {period(**case[3]).rule_key for case in TABLE}
    assert reached == set(keys)


def test_regression_a_suspended_sentence_of_12_months_gives_10_years_not_5() -> None:
    # Finding 2: Sentencing Act 2020 s.286(1), a suspended sentence "is to be treated as a
    # sentence of imprisonment ... for the purposes of all enactments". The old table gave
    # "other disposal, 5 years".
    suspended = period("suspended", 12)
    assert (suspended.years, suspended.rule_key) == (10, "custody_over_6_under_30_months")
    assert "a suspended sentence of 12 months" in suspended.explanation


def test_regression_an_absolute_discharge_gives_no_period() -> None:
    # Finding 9: "is to be deemed not to be a conviction" (Sentencing Act 2020 s.82(2)).
    assert period("absolute_discharge").applies is False
    assert period_end(D(2026, 1, 1), period("absolute_discharge")) is None


# --- Terms in days (the one rule in register.rules) ------------------------------------------

TERM_CASES: list[tuple[str, int, str, int, bool, bool]] = [
    # (id, amount, unit, days, more than 6 months, 12 months or more)
    ("26-weeks", 26, "weeks", 182, False, False),
    ("28-weeks", 28, "weeks", 196, True, False),
    ("6-months", 6, "months", 183, False, False),
    ("12-months", 12, "months", 365, True, True),
    ("52-weeks", 52, "weeks", 364, True, False),
    ("1-year", 1, "years", 365, True, True),
    ("365-days", 365, "days", 365, True, True),
]


@pytest.mark.parametrize(
    ("amount", "unit", "days", "over_6", "twelve"),
    [pytest.param(*case[1:], id=case[0]) for case in TERM_CASES],
)
def test_terms_are_compared_in_days_by_one_rule(
    amount: int, unit: str, days: int, over_6: bool, twelve: bool
) -> None:
    # DOMAIN.md: "sentence lengths are held in days or weeks where given so (28 weeks is over 6
    # months)"; a month is 365.25 / 12 days, rounded half up.
    assert term_days(amount, unit) == days
    assert term_more_than(days, 6) is over_6
    assert term_at_least(days, 12) is twelve


def test_n_years_is_always_12n_months() -> None:
    for years in range(1, 40):
        assert term_days(years, "years") == term_days(12 * years, "months")


# --- Consecutive terms (s.82(3)-(4)) ---------------------------------------------------------

CONSECUTIVE: list[tuple[str, dict[str, tuple[int | None, str | None]], str, str]] = [
    # (id, terms {id: (days, consecutive to)}, the record asked about, rule key)
    (
        "18-plus-18-months-consecutive",
        {"a": (term_days(18, "months"), None), "b": (term_days(18, "months"), "a")},
        "a",
        "custody_30_months_plus",
    ),
    (
        "4-plus-3-months-consecutive",
        {"a": (term_days(4, "months"), None), "b": (term_days(3, "months"), "a")},
        "b",
        "custody_over_6_under_30_months",
    ),
    (
        "18-and-18-concurrent",
        {"a": (term_days(18, "months"), None), "b": (term_days(18, "months"), None)},
        "a",
        "custody_over_6_under_30_months",
    ),
    (
        "chain-of-three",
        {"a": (300, None), "b": (300, "a"), "c": (400, "b")},
        "c",
        "custody_30_months_plus",
    ),
]


@pytest.mark.parametrize(
    ("terms", "asked", "rule_key"), [pytest.param(*c[1:], id=c[0]) for c in CONSECUTIVE]
)
def test_consecutive_terms_add(
    terms: dict[str, tuple[int | None, str | None]], asked: str, rule_key: str
) -> None:
    # SOA 2003 s.82(4)(a): "in the case of consecutive terms, is equal to the aggregate of those
    # terms".
    total = aggregate_terms(terms)[asked]
    result = notification_period(
        disposal="conviction",
        sentence_type="immediate_custody",
        sentence_days=total,
        under_18_on_relevant_date=False,
    )
    assert result.rule_key == rule_key


def test_a_loop_of_consecutive_terms_does_not_hang() -> None:
    assert aggregate_terms({"a": (10, "b"), "b": (20, "a")}) == {"a": 30, "b": 30}


# --- period_end --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "case", "end"),
    [
        (D(2020, 1, 1), period("fine"), D(2024, 12, 31)),
        (D(2026, 3, 15), period("immediate_custody", 6, under_18=True), D(2029, 9, 14)),
        (D(2026, 8, 31), period("fine", under_18=True), D(2029, 2, 28)),
        (D(2027, 8, 31), period("fine", under_18=True), D(2030, 2, 28)),
        (D(2028, 2, 29), period("none", disposal="caution", under_18=True), D(2029, 2, 28)),
        (D(2028, 2, 29), period("none", disposal="caution"), D(2030, 2, 28)),
        (D(2028, 2, 29), period("fine"), D(2033, 2, 28)),
        (D(2027, 3, 1), period("immediate_custody", 12), D(2037, 2, 28)),
        (D(2025, 8, 31), period("none", disposal="caution", under_18=True), D(2026, 8, 30)),
        (D(2026, 1, 5), period("conditional_discharge", discharge=(10, "weeks")), D(2026, 3, 15)),
        (D(2026, 1, 10), period("conditional_discharge", discharge=(7, "months")), D(2026, 8, 9)),
    ],
)
def test_period_end_is_the_last_day_of_the_period(
    start: dt.date, case: NotificationPeriod, end: dt.date
) -> None:
    # s.82(1): "beginning with the relevant date": the start day is day 1 of the period.
    assert period_end(start, case) == end


def test_period_end_over_a_leap_year_runs_to_29_february() -> None:
    assert period_end(D(2025, 8, 31), period("fine", under_18=True)) == D(2028, 2, 29)


def test_indefinite_periods_have_no_end() -> None:
    assert period_end(D(2026, 1, 1), period("life")) is None


def test_a_period_that_is_not_whole_months_is_rejected() -> None:
    odd = NotificationPeriod(
        indefinite=False, years=1.3, review_after_years=None, rule_key="x", explanation=""
    )
    with pytest.raises(ValueError, match="whole number of months"):
        period_end(D(2026, 1, 1), odd)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sentence_type": "fine", "disposal": "acquittal"}, "unknown disposal"),
        ({"sentence_type": "birching"}, "unknown sentence type"),
        ({"sentence_type": "immediate_custody"}, "needs its length"),
        ({"sentence_type": "suspended"}, "needs its length"),
        ({"sentence_type": "conditional_discharge"}, "needs its length"),
        ({"sentence_type": "fine", "disposal": "caution"}, "caution carries no sentence"),
        ({"sentence_type": "life", "disposal": "not_guilty_insanity"}, "only follow a conviction"),
    ],
)
def test_inconsistent_cases_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        period(**kwargs)


# --- Which conviction governs, from which date (finding 1) -------------------------------------


def case(
    record_id: str,
    on: dt.date,
    sentence_type: str,
    months: int | None = None,
    *,
    disposal: str = "conviction",
    under_18: bool = False,
) -> PeriodCase:
    return PeriodCase(
        record_id=record_id,
        disposal=disposal,
        sentence_type=sentence_type,
        relevant_date=on,
        under_18_on_relevant_date=under_18,
        sentence_days=term_days(months, "months"),
        term_text=f"{months} months" if months else "",
        description=f"Record {record_id}",
    )


GOVERNING: list[tuple[str, str, str, list[PeriodCase], str, dt.date | None]] = [
    # (id, section, wording, cases, governing record, period end: None = indefinite)
    (
        "indefinite-then-later-fine",
        "DOMAIN.md, Notification requirements",
        "where several convictions qualify the one giving the longest period governs",
        [
            case("custody", D(2020, 5, 1), "immediate_custody", 36),
            case("fine", D(2024, 1, 10), "fine"),
        ],
        "custody",
        None,
    ),
    (
        "ten-years-then-later-fine",
        "DOMAIN.md, Notification requirements",
        "the one giving the longest period governs",
        [
            case("custody", D(2020, 5, 1), "immediate_custody", 12),
            case("fine", D(2024, 1, 10), "fine"),
        ],
        "custody",
        D(2030, 4, 30),
    ),
    (
        "old-custody-ends-before-new-fine",
        "SOA 2003 s.82(1)",
        "beginning with the relevant date",
        [
            case("custody", D(2010, 5, 1), "immediate_custody", 7),
            case("fine", D(2022, 1, 10), "fine"),
        ],
        "fine",
        D(2027, 1, 9),
    ),
    (
        "absolute-discharge-never-governs",
        "Sentencing Act 2020 s.82(2)",
        "deemed not to be a conviction",
        [
            case("abs", D(2025, 1, 1), "absolute_discharge"),
            case("caution", D(2024, 6, 1), "none", disposal="caution"),
        ],
        "caution",
        D(2026, 5, 31),
    ),
    (
        "suspended-beats-community-order",
        "Sentencing Act 2020 s.286(1)",
        "for the purposes of all enactments",
        [case("so", D(2023, 3, 1), "suspended", 12), case("co", D(2024, 3, 1), "community_order")],
        "so",
        D(2033, 2, 28),
    ),
]


@pytest.mark.parametrize(
    ("section", "wording", "cases", "record_id", "ends_on"),
    [pytest.param(*g[1:], id=g[0]) for g in GOVERNING],
)
def test_the_longest_period_governs_from_its_relevant_date(
    section: str, wording: str, cases: list[PeriodCase], record_id: str, ends_on: dt.date | None
) -> None:
    chosen = governing_period(cases)
    assert chosen is not None
    assert chosen.case.record_id == record_id
    assert chosen.ends_on == ends_on
    assert chosen.period.indefinite is (ends_on is None)
    # s.82(6): the relevant date is the date of conviction, finding or caution.
    assert chosen.starts_on == chosen.case.relevant_date
    assert "relevant date" in chosen.explanation
    assert section and wording


def test_regression_a_later_fine_does_not_turn_indefinite_into_5_years() -> None:
    # Finding 1: the latest conviction used to be taken; "the one giving the longest period
    # governs".
    cases = [
        case("custody", D(2015, 5, 1), "immediate_custody", 30),
        case("fine", D(2025, 1, 10), "fine"),
    ]
    chosen = governing_period(cases)
    assert chosen is not None and chosen.period.indefinite
    assert "Record fine: other disposal" in chosen.explanation


def test_only_an_absolute_discharge_gives_no_governing_period() -> None:
    assert governing_period([case("abs", D(2025, 1, 1), "absolute_discharge")]) is None


# --- Review of indefinite requirements (SOA 2003 s.91A-F as applied) -----------------------------

REVIEWS: list[tuple[str, str, str, dt.date, bool, dt.date]] = [
    (
        "adult",
        "SOA 2003 s.91B",
        "15 years beginning with the date of initial notification",
        D(2026, 3, 10),
        False,
        D(2041, 3, 10),
    ),
    (
        "under-18",
        "SOA 2003 s.91B",
        "8 years ... under 18 on the relevant date",
        D(2026, 3, 10),
        True,
        D(2034, 3, 10),
    ),
    (
        "leap-day-adult",
        "SOA 2003 s.91B",
        "15 years (29 February falls on 28 February)",
        D(2028, 2, 29),
        False,
        D(2043, 2, 28),
    ),
    (
        "leap-day-under-18",
        "SOA 2003 s.91B",
        "8 years (29 February falls on 29 February)",
        D(2028, 2, 29),
        True,
        D(2036, 2, 29),
    ),
]


@pytest.mark.parametrize(
    ("section", "wording", "initial", "under_18", "due"),
    [pytest.param(*r[1:], id=r[0]) for r in REVIEWS],
)
def test_an_indefinite_period_is_reviewed_after_the_initial_notification(
    section: str, wording: str, initial: dt.date, under_18: bool, due: dt.date
) -> None:
    assert indefinite_review_due(initial, under_18=under_18) == due
    text = indefinite_review_explanation(initial, under_18=under_18, due_on=due)
    assert text.startswith("SOA 2003 s.91A-F as applied")
    assert section and wording


@pytest.mark.parametrize(
    ("decided", "next_due"),
    [
        (D(2041, 6, 1), D(2049, 6, 1)),
        (D(2040, 2, 29), D(2048, 2, 29)),
        (D(2044, 2, 29), D(2052, 2, 29)),
        (D(2043, 2, 28), D(2051, 2, 28)),
    ],
)
def test_a_decision_to_continue_is_reviewed_again_8_years_on(
    decided: dt.date, next_due: dt.date
) -> None:
    # DOMAIN.md: "then 8 years after each review decision (s.91A-F)".
    assert further_review_due(decided) == next_due


def test_regression_review_counts_from_initial_notification_not_registration() -> None:
    # Finding 9: registered 1 March 2026, initial notification made 3 March 2026.
    assert indefinite_review_due(D(2026, 3, 3), under_18=False) == D(2041, 3, 3)
    assert indefinite_review_due(D(2026, 3, 3), under_18=False) != D(2041, 3, 1)
