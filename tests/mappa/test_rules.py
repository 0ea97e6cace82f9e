"""mappa.rules: pure functions, tested without a database.

The rule families (Category 2, 1 and 3 eligibility, endings, the Category 3 consideration,
archive reviews) are tables: each case names the source paragraph it follows and quotes
its wording. "Report" is the source report's appendix "MAPPA and ViSOR Overview" (quoted in
DOMAIN.md "MAPPA"). Cases marked "regression" failed on the code before issue 10.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from unittest import TestCase

from mappa import rules
from mappa.rules import ConvictionFacts, EndingFacts, MeetingFacts, NotificationFacts
from register.rules import term_days

D = dt.date
TODAY = D(2026, 11, 28)
LATER = D(2030, 1, 1)

REPORT_CAT1 = "Report, Category 1, termination of status"
REPORT_CAT1_DA = "Report, Category 1 (DA and stalking registrants)"
REPORT_CAT2 = "Report, Category 2 criteria; DOMAIN.md MAPPA"
REPORT_CAT2_END = "Report, Category 2, termination of status"
REPORT_CAT3 = "Report, Category 3 criteria; DOMAIN.md MAPPA"
REPORT_CAT3_END = "Report, Category 3, termination of status"
REPORT_ALL_END = "Report, Termination of MAPPA management - all categories"
DOMAIN_OTHER = "DOMAIN.md MAPPA, other endings"

Q_CAT1_END = "Once the period of notification / registration expires"
Q_CAT2 = (
    "imprisonment for a term of 12 months or more (including indeterminate sentences) ... "
    "Suspended sentences with a term of 12 months or more a hospital order (with or without "
    "restrictions) or guardianship order"
)
Q_CAT2_END = "When the offender's licence expires, they are discharged from the hospital"
Q_CAT3 = (
    "Offenders who do not meet the criteria for Categories 1, 2 or 4 ... a conviction for any "
    "offence ... received a formal caution ... found to be under a disability"
)
Q_CAT3_END = "When a Level 2 or 3 MAPPA meeting decides that the risk of harm has been reduced"
Q_CONSIDER = (
    "All Category 1, 2 and 4 offenders managed at Level 2 or 3 who are coming to the end of "
    "their notification requirements or period of licence must be reviewed and considered"
)
Q_CLOSING = "A closing Risk Management Plan should be created by the Manager and approved"
Q_ARCHIVE = (
    "review the record 2 years following archiving and then every subsequent 10 years from the "
    "archive date"
)
Q_OTHER = "Other endings: death, removal from the UK, transfer"


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    quote: str
    given: Any
    expected: Any


def conviction(
    sentence_type: str = "immediate_custody",
    months: int | None = 12,
    *,
    specified: bool = True,
    disposal: str = "conviction",
    licence_end: dt.date | None = None,
    unit: str = "months",
) -> ConvictionFacts:
    return ConvictionFacts(
        "Stalking",
        specified,
        disposal,
        sentence_type,
        term_days(months, unit),
        licence_end=licence_end,
        sentence_text=f"{months} {unit}" if months is not None else "",
    )


# Category 2 eligibility ----------------------------------------------------------------------

CATEGORY_2 = [
    Case("12 months' custody", REPORT_CAT2, Q_CAT2, [conviction(months=12)], True),
    Case("11 months' custody", REPORT_CAT2, Q_CAT2, [conviction(months=11)], False),
    Case("custody, length unknown", REPORT_CAT2, Q_CAT2, [conviction(months=None)], False),
    Case(
        "52 weeks' custody is less than 12 months",
        REPORT_CAT2,
        Q_CAT2,
        [conviction(months=52, unit="weeks")],
        False,
    ),
    Case(
        "regression: suspended 12 months",
        REPORT_CAT2,
        Q_CAT2,
        [conviction("suspended", 12)],
        True,
    ),
    Case(
        "regression: suspended 24 months",
        REPORT_CAT2,
        Q_CAT2,
        [conviction("suspended", 24)],
        True,
    ),
    Case("suspended 11 months", REPORT_CAT2, Q_CAT2, [conviction("suspended", 11)], False),
    Case("life", REPORT_CAT2, Q_CAT2, [conviction("life", None)], True),
    Case("IPP", REPORT_CAT2, Q_CAT2, [conviction("ipp", None)], True),
    Case("hospital order", REPORT_CAT2, Q_CAT2, [conviction("hospital_order", None)], True),
    Case(
        "restricted hospital order",
        REPORT_CAT2,
        Q_CAT2,
        [conviction("hospital_order_restricted", None)],
        True,
    ),
    Case("guardianship", REPORT_CAT2, Q_CAT2, [conviction("guardianship_order", None)], True),
    Case("community order", REPORT_CAT2, Q_CAT2, [conviction("community_order", None)], False),
    Case(
        "offence not specified",
        REPORT_CAT2,
        "offence specified under Part 1 or Part 2 of Schedule 15",
        [conviction(months=60, specified=False)],
        False,
    ),
    Case(
        "any one qualifying conviction",
        REPORT_CAT2,
        Q_CAT2,
        [conviction(months=6), conviction(months=18)],
        True,
    ),
    Case("nothing recorded", REPORT_CAT2, Q_CAT2, [], False),
]

CATEGORY_2_CURRENT = [
    Case(
        "no licence end recorded: still Category 2",
        REPORT_CAT2_END,
        Q_CAT2_END,
        [conviction(months=18)],
        True,
    ),
    Case(
        "licence ends later",
        REPORT_CAT2_END,
        Q_CAT2_END,
        [conviction(months=18, licence_end=D(2027, 1, 1))],
        True,
    ),
    Case(
        "licence ended",
        REPORT_CAT2_END,
        Q_CAT2_END,
        [conviction(months=18, licence_end=D(2026, 1, 1))],
        False,
    ),
    Case(
        "a consecutive or later licence still running",
        REPORT_CAT2_END,
        "they will remain subject to MAPPA until the whole sentence has expired",
        [
            conviction(months=18, licence_end=D(2025, 1, 1)),
            conviction("suspended", 12, licence_end=D(2027, 6, 1)),
        ],
        True,
    ),
]


# Category 1 ----------------------------------------------------------------------------------


def notified(
    *,
    current: bool = True,
    ended_on: dt.date | None = None,
    ends_on: dt.date | None = LATER,
    indefinite: bool = False,
    recorded: bool = True,
) -> NotificationFacts:
    return NotificationFacts(current, ended_on, recorded, ends_on, indefinite)


CATEGORY_1_CURRENT = [
    Case("never registered", REPORT_CAT1, Q_CAT1_END, None, False),
    Case("registered, period running", REPORT_CAT1, Q_CAT1_END, notified(), True),
    Case(
        "period's last day is today: not yet expired",
        REPORT_CAT1,
        Q_CAT1_END,
        notified(ends_on=TODAY),
        True,
    ),
    Case(
        "period ended yesterday",
        REPORT_CAT1,
        Q_CAT1_END,
        notified(ends_on=TODAY - dt.timedelta(days=1)),
        False,
    ),
    Case(
        "indefinite",
        REPORT_CAT1,
        "offenders could be subject to lifetime notification requirements",
        notified(ends_on=None, indefinite=True),
        True,
    ),
    Case(
        "registration ended",
        REPORT_CAT1,
        Q_CAT1_END,
        notified(current=False, ended_on=D(2026, 6, 1)),
        False,
    ),
]


# Category 3 entry (finding 7) ----------------------------------------------------------------

NOT_1 = rules.Outcome(False, "Not in Category 1")
NOT_2 = rules.Outcome(False, "Not eligible for Category 2")
IN_1 = rules.Outcome(True, "Category 1: registered")
IN_2 = rules.Outcome(True, "Category 2 applies")

CATEGORY_3_ENTRY = [
    Case(
        "regression: nothing on record",
        REPORT_CAT3,
        Q_CAT3,
        rules.Category3Facts((), NOT_1, NOT_2, False),
        (False, "no conviction, caution or finding"),
    ),
    Case(
        "a caution is enough",
        REPORT_CAT3,
        Q_CAT3,
        rules.Category3Facts(("caution",), NOT_1, NOT_2, False),
        (True, "1 conviction, caution or finding"),
    ),
    Case(
        "a finding of disability is enough",
        REPORT_CAT3,
        Q_CAT3,
        rules.Category3Facts(("disability_finding",), NOT_1, NOT_2, False),
        (True, "Eligible for Category 3"),
    ),
    Case(
        "regression: registered (Category 1)",
        REPORT_CAT3,
        Q_CAT3,
        rules.Category3Facts(("conviction",), IN_1, NOT_2, False),
        (False, "Category 1: registered"),
    ),
    Case(
        "regression: Category 2 applies",
        REPORT_CAT3,
        Q_CAT3,
        rules.Category3Facts(("conviction",), NOT_1, IN_2, False),
        (False, "Category 2 applies"),
    ),
    Case(
        "in Category 4",
        REPORT_CAT3,
        Q_CAT3,
        rules.Category3Facts(("conviction",), NOT_1, NOT_2, True),
        (False, "Category 4"),
    ),
    Case(
        "two convictions, no other category",
        REPORT_CAT3,
        Q_CAT3,
        rules.Category3Facts(("conviction", "conviction"), NOT_1, NOT_2, False),
        (True, "2 convictions, cautions or findings"),
    ),
]


# Endings (finding 6) ---------------------------------------------------------------------------

BASE = EndingFacts(
    category=1,
    level=1,
    reason=rules.NOTIFICATION_ENDED,
    on=None,
    today=TODAY,
    started_on=D(2020, 1, 1),
    detail="Details",
    closing_plan_approved=True,
)
YESTERDAY = TODAY - dt.timedelta(days=1)
HELD = MeetingFacts(held=True, level=2, discussed_case=True, risk_reduced=True, held_on=YESTERDAY)


def ending(**changes: Any) -> EndingFacts:
    return replace(BASE, **changes)


def cat2(**changes: Any) -> EndingFacts:
    return ending(category=2, reason=rules.LICENCE_ENDED, **changes)


def cat3(**changes: Any) -> EndingFacts:
    return ending(category=3, level=2, reason=rules.MEETING_DECIDED, **changes)


ENDINGS = [
    Case(
        "regression: Category 1, notification period still running",
        REPORT_CAT1,
        Q_CAT1_END,
        ending(notification=notified(ends_on=D(2030, 1, 1))),
        ("termination_reason", "runs until 1 January 2030"),
    ),
    Case(
        "Category 1 on the period's last day",
        REPORT_CAT1,
        Q_CAT1_END,
        ending(notification=notified(ends_on=TODAY)),
        ("termination_reason", "has not ended"),
    ),
    Case(
        "Category 1 the day after the period's last day",
        REPORT_CAT1,
        Q_CAT1_END,
        ending(notification=notified(ends_on=YESTERDAY)),
        None,
    ),
    Case(
        "Category 1, indefinite period",
        REPORT_CAT1,
        Q_CAT1_END,
        ending(notification=notified(ends_on=None, indefinite=True)),
        ("termination_reason", "indefinite"),
    ),
    Case(
        "Category 1, no period recorded",
        REPORT_CAT1,
        Q_CAT1_END,
        ending(notification=None),
        ("termination_reason", "no notification period is recorded"),
    ),
    Case(
        "Category 1, the registration ended",
        REPORT_CAT1,
        Q_CAT1_END,
        ending(notification=notified(current=False, ended_on=D(2026, 3, 1))),
        None,
    ),
    Case(
        "regression: Category 2, licence still running",
        REPORT_CAT2_END,
        Q_CAT2_END,
        cat2(convictions=(conviction(months=18, licence_end=D(2027, 2, 1)),)),
        ("termination_reason", "ends on 1 February 2027"),
    ),
    Case(
        "Category 2, no licence end recorded",
        REPORT_CAT2_END,
        Q_CAT2_END,
        cat2(convictions=(conviction(months=18),)),
        ("termination_reason", "no licence or order end date is recorded"),
    ),
    Case(
        "Category 2, licence ended",
        REPORT_CAT2_END,
        Q_CAT2_END,
        cat2(convictions=(conviction(months=18, licence_end=D(2026, 1, 1)),)),
        None,
    ),
    Case(
        "Category 2, suspended sentence's order ended",
        REPORT_CAT2_END,
        Q_CAT2_END,
        cat2(convictions=(conviction("suspended", 12, licence_end=D(2026, 1, 1)),)),
        None,
    ),
    Case(
        "Category 2, no qualifying conviction",
        REPORT_CAT2_END,
        Q_CAT2_END,
        cat2(convictions=(conviction(months=6, licence_end=D(2026, 1, 1)),)),
        ("termination_reason", "no conviction that qualifies"),
    ),
    Case(
        "Category 3 without a meeting",
        REPORT_CAT3_END,
        Q_CAT3_END,
        cat3(),
        ("meeting", "choose the Level 2 or 3 meeting"),
    ),
    Case(
        "Category 3, meeting not held",
        REPORT_CAT3_END,
        Q_CAT3_END,
        cat3(meeting=replace(HELD, held=False)),
        ("meeting", "has not been held"),
    ),
    Case(
        "regression: Category 3, meeting held but decided nothing about risk",
        REPORT_CAT3_END,
        Q_CAT3_END,
        cat3(meeting=replace(HELD, risk_reduced=False)),
        ("meeting", "does not say the risk has reduced"),
    ),
    Case(
        "Category 3, meeting decided the risk reduced",
        REPORT_CAT3_END,
        Q_CAT3_END,
        cat3(meeting=HELD),
        None,
    ),
    Case(
        "regression: Category 4 cannot end as the SOA notification period",
        REPORT_ALL_END,
        "coming to the end of their notification requirements or period of licence",
        ending(category=4, reason=rules.NOTIFICATION_ENDED),
        ("termination_reason", "A Category 4 case ends only when"),
    ),
    Case(
        "Category 4, no end recorded on the case",
        REPORT_ALL_END,
        "coming to the end of their notification requirements or period of licence",
        ending(category=4, reason=rules.CATEGORY_4_ENDED),
        ("termination_reason", "no end of the terrorism notification"),
    ),
    Case(
        "Category 4, recorded end passed",
        REPORT_ALL_END,
        "coming to the end of their notification requirements or period of licence",
        ending(category=4, reason=rules.CATEGORY_4_ENDED, case_ends_on=D(2026, 10, 1)),
        None,
    ),
    Case(
        "regression: death needs its date",
        DOMAIN_OTHER,
        Q_OTHER,
        ending(reason=rules.DIED),
        ("terminated_on", "Enter the date of death"),
    ),
    Case(
        "death needs how it was confirmed",
        DOMAIN_OTHER,
        Q_OTHER,
        ending(reason=rules.DIED, on=YESTERDAY, detail=" "),
        ("note", "how the death was confirmed"),
    ),
    Case(
        "death, no closing plan needed",
        DOMAIN_OTHER,
        Q_OTHER,
        ending(reason=rules.DIED, on=YESTERDAY, closing_plan_approved=False),
        None,
    ),
    Case(
        "removal from the UK needs its date",
        DOMAIN_OTHER,
        Q_OTHER,
        ending(category=2, reason=rules.REMOVED_FROM_UK),
        ("terminated_on", "Enter the date of removal"),
    ),
    Case(
        "removal from the UK",
        DOMAIN_OTHER,
        Q_OTHER,
        ending(category=3, level=3, reason=rules.REMOVED_FROM_UK, on=YESTERDAY),
        None,
    ),
    Case(
        "transfer needs the receiving area",
        DOMAIN_OTHER,
        Q_OTHER,
        ending(category=4, reason=rules.TRANSFERRED, on=YESTERDAY, detail=""),
        ("note", "transferred to"),
    ),
    Case(
        "transfer needs a closing plan",
        REPORT_ALL_END,
        Q_CLOSING,
        ending(reason=rules.TRANSFERRED, on=YESTERDAY, closing_plan_approved=False),
        ("termination_reason", "closing risk management plan"),
    ),
    Case(
        "a date in the future",
        DOMAIN_OTHER,
        Q_OTHER,
        ending(reason=rules.DIED, on=TODAY + dt.timedelta(days=1)),
        ("terminated_on", "cannot be in the future"),
    ),
    Case(
        "a date before the case started",
        DOMAIN_OTHER,
        Q_OTHER,
        ending(reason=rules.DIED, on=D(2019, 1, 1)),
        ("terminated_on", "before the case started"),
    ),
    Case(
        "regression: Category 2 Level 2 ending without the Category 3 consideration",
        REPORT_ALL_END,
        Q_CONSIDER,
        cat2(level=2, convictions=(conviction(months=18, licence_end=D(2026, 1, 1)),)),
        ("termination_reason", "Record the Category 3 consideration first"),
    ),
    Case(
        "Category 2 Level 2 ending with the consideration recorded",
        REPORT_ALL_END,
        Q_CONSIDER,
        cat2(
            level=2,
            convictions=(conviction(months=18, licence_end=D(2026, 1, 1)),),
            category_3_recorded=True,
        ),
        None,
    ),
    Case(
        "natural end without an approved closing plan",
        REPORT_ALL_END,
        Q_CLOSING,
        ending(notification=notified(ends_on=YESTERDAY), closing_plan_approved=False),
        ("termination_reason", "closing risk management plan"),
    ),
    Case(
        "no reason chosen",
        REPORT_ALL_END,
        Q_CLOSING,
        ending(reason=""),
        ("termination_reason", "Choose why the case ends"),
    ),
]

CONSIDERATION_REQUIRED = [
    Case(
        "Cat 1 L2 period ends", REPORT_ALL_END, Q_CONSIDER, (1, 2, rules.NOTIFICATION_ENDED), True
    ),
    Case("Cat 2 L3 licence ends", REPORT_ALL_END, Q_CONSIDER, (2, 3, rules.LICENCE_ENDED), True),
    Case("Cat 4 L2", REPORT_ALL_END, Q_CONSIDER, (4, 2, rules.CATEGORY_4_ENDED), True),
    Case("Cat 2 L1", REPORT_ALL_END, Q_CONSIDER, (2, 1, rules.LICENCE_ENDED), False),
    Case("Cat 3", REPORT_ALL_END, Q_CONSIDER, (3, 2, rules.MEETING_DECIDED), False),
    Case("a death", REPORT_ALL_END, Q_CONSIDER, (2, 2, rules.DIED), False),
]


# Archive reviews (finding 11) ----------------------------------------------------------------

ARCHIVE = [
    Case(
        "regression: 2 years, then 10, 20, 30 from the archive date",
        REPORT_ALL_END,
        Q_ARCHIVE,
        D(2026, 3, 14),
        [D(2028, 3, 14), D(2036, 3, 14), D(2046, 3, 14), D(2056, 3, 14)],
    ),
    Case(
        "regression: 29 February falls back to 28 February in common years",
        REPORT_ALL_END,
        Q_ARCHIVE,
        D(2024, 2, 29),
        [D(2026, 2, 28), D(2034, 2, 28), D(2044, 2, 29), D(2054, 2, 28)],
    ),
    Case(
        "31 December",
        REPORT_ALL_END,
        Q_ARCHIVE,
        D(2026, 12, 31),
        [D(2028, 12, 31), D(2036, 12, 31), D(2046, 12, 31), D(2056, 12, 31)],
    ),
]

TABLES = {
    "category 2": CATEGORY_2,
    "category 2 current": CATEGORY_2_CURRENT,
    "category 1 current": CATEGORY_1_CURRENT,
    "category 3 entry": CATEGORY_3_ENTRY,
    "endings": ENDINGS,
    "consideration required": CONSIDERATION_REQUIRED,
    "archive": ARCHIVE,
}


class TableTests(TestCase):
    def test_every_case_names_its_source_and_quotes_it(self) -> None:
        cases = [case for table in TABLES.values() for case in table]
        self.assertGreaterEqual(len(cases), 60)
        for case in cases:
            with self.subTest(case.name):
                self.assertTrue(case.source.strip())
                self.assertTrue(case.quote.strip())
        regressions = [c for c in cases if c.name.startswith("regression")]
        self.assertGreaterEqual(len(regressions), 10)

    def test_the_quotes_are_the_rules_sources(self) -> None:
        """The wording the cases follow is the wording the rules cite (and show)."""
        shown = " ".join(
            str(s)
            for s in (
                rules.CAT1_SOURCE,
                rules.CAT2_SOURCE,
                rules.CAT2_END_SOURCE,
                rules.CAT3_SOURCE,
                rules.CAT3_END_SOURCE,
                rules.CONSIDER_SOURCE,
                rules.CLOSING_PLAN_SOURCE,
                rules.ARCHIVE_SOURCE,
                rules.OTHER_END_SOURCE,
            )
        )
        for quote in (Q_CAT1_END, Q_CAT2, Q_CAT2_END, Q_CAT3_END, Q_CONSIDER, Q_CLOSING):
            with self.subTest(quote):
                self.assertIn(quote, shown)
        for quote in (Q_ARCHIVE, Q_OTHER):
            self.assertIn(quote, shown)


class Category2Tests(TestCase):
    def test_table(self) -> None:
        for case in CATEGORY_2:
            with self.subTest(case.name, source=case.source):
                outcome = rules.category_2_eligibility(case.given)
                self.assertEqual(outcome.eligible, case.expected)
                self.assertIn("CJA 2003 s.327", outcome.source)

    def test_the_explanation_names_the_sentence(self) -> None:
        outcome = rules.category_2_eligibility([conviction("suspended", 18)])
        self.assertEqual(
            outcome.explanation,
            "Eligible for Category 2: Stalking: a suspended sentence of 18 months (a term of "
            "12 months or more)",
        )
        self.assertIn("Suspended sentences with a term of 12 months or more", outcome.shown)
        self.assertIn(
            "12 months' custody", rules.category_2_eligibility([conviction(months=12)]).explanation
        )

    def test_current_table(self) -> None:
        for case in CATEGORY_2_CURRENT:
            with self.subTest(case.name, source=case.source):
                outcome = rules.category_2_current(case.given, TODAY)
                self.assertEqual(outcome.eligible, case.expected)
                self.assertIn("licence expires", outcome.source)


class Category1Tests(TestCase):
    def test_current_table(self) -> None:
        for case in CATEGORY_1_CURRENT:
            with self.subTest(case.name, source=case.source):
                outcome = rules.category_1_current(case.given, TODAY)
                self.assertEqual(outcome.eligible, case.expected)
                self.assertIn(Q_CAT1_END, outcome.source)

    def test_registrants_are_proposed_as_category_1_in_the_reports_words(self) -> None:
        self.assertIn(
            "would be managed in the same way as this category", str(rules.CAT1_DA_SOURCE)
        )


class Category3EntryTests(TestCase):
    def test_table(self) -> None:
        for case in CATEGORY_3_ENTRY:
            with self.subTest(case.name, source=case.source):
                outcome = rules.category_3_entry(case.given)
                eligible, words = case.expected
                self.assertEqual(outcome.eligible, eligible)
                self.assertIn(words, outcome.explanation)
                self.assertIn("do not meet the criteria for Categories 1, 2 or 4", outcome.source)


class LevelValidityTests(TestCase):
    def test_every_combination(self) -> None:
        for category in (1, 2, 3, 4):
            for level in (1, 2, 3):
                with self.subTest(category=category, level=level):
                    expected = not (category == 3 and level == 1)
                    self.assertEqual(rules.level_valid(category, level), expected)

    def test_category_3_level_1_has_a_clear_message(self) -> None:
        # Report, Category 3: "Management for these offenders can take place at Levels 2 and 3".
        self.assertEqual(
            rules.level_problem(3, 1),
            "Category 3 cases are managed at Level 2 or 3 only: a Category 3 case needs "
            "multi-agency management",
        )

    def test_out_of_range_values_are_refused(self) -> None:
        for category, level, message in [
            (0, 1, "Choose a MAPPA category from 1 to 4"),
            (5, 2, "Choose a MAPPA category from 1 to 4"),
            (None, 2, "Choose a MAPPA category from 1 to 4"),
            (1, 0, "Choose a MAPPA level from 1 to 3"),
            (2, 4, "Choose a MAPPA level from 1 to 3"),
            (4, None, "Choose a MAPPA level from 1 to 3"),
        ]:
            with self.subTest(category=category, level=level):
                self.assertEqual(rules.level_problem(category, level), message)


class EndingTests(TestCase):
    def test_table(self) -> None:
        for case in ENDINGS:
            with self.subTest(case.name, source=case.source):
                problem = rules.ending_problem(case.given)
                if case.expected is None:
                    self.assertIsNone(problem)
                else:
                    assert problem is not None
                    field, words = case.expected
                    self.assertEqual(problem.field, field)
                    self.assertIn(words, problem.message)

    def test_refusals_of_the_facts_name_the_rule_and_source(self) -> None:
        problem = rules.ending_problem(ending(notification=notified(ends_on=D(2030, 1, 1))))
        assert problem is not None
        self.assertEqual(
            problem.message,
            'A Category 1 case ends as "the notification period has ended" only when the records '
            "show it: the recorded notification period runs until 1 January 2030, so it has not "
            f"ended on 28 November 2026. Source: {rules.CAT1_SOURCE}",
        )

    def test_reasons_valid_per_category(self) -> None:
        own = {
            (1, rules.NOTIFICATION_ENDED),
            (2, rules.LICENCE_ENDED),
            (3, rules.MEETING_DECIDED),
            (4, rules.CATEGORY_4_ENDED),
        }
        anyone = {rules.DIED, rules.REMOVED_FROM_UK, rules.TRANSFERRED}
        for category in (1, 2, 3, 4):
            for reason in rules.TERMINATION_REASONS:
                with self.subTest(category=category, reason=reason):
                    problem = rules.termination_problem(category, reason)
                    self.assertEqual(problem is None, (category, reason) in own or reason in anyone)

    def test_a_wrong_reason_says_what_would_be_valid(self) -> None:
        self.assertEqual(
            rules.termination_problem(3, rules.LICENCE_ENDED),
            "A Category 3 case ends only when a level 2 or 3 meeting decided the risk has "
            "reduced, or on a death, removal from the UK or transfer. Source: "
            f"{rules.CAT3_END_SOURCE}",
        )

    def test_consideration_required_table(self) -> None:
        for case in CONSIDERATION_REQUIRED:
            with self.subTest(case.name, source=case.source):
                self.assertEqual(
                    rules.category_3_consideration_required(*case.given), case.expected
                )


class WorkingDayTests(TestCase):
    def test_twenty_working_days_skip_weekends(self) -> None:
        # Monday 2 Nov 2026: four whole weeks later, no bank holidays.
        self.assertEqual(rules.first_meeting_due(D(2026, 11, 2)), D(2026, 11, 30))

    def test_bank_holidays_are_skipped(self) -> None:
        # Friday 11 Dec 2026: 25 Dec and the substitute 28 Dec are holidays, 1 Jan too.
        self.assertEqual(rules.first_meeting_due(D(2026, 12, 11)), D(2027, 1, 13))

    def test_easter(self) -> None:
        # Thursday 2 Apr 2026 + 1 working day skips Good Friday, the weekend and Easter Monday.
        self.assertEqual(rules.add_working_days(D(2026, 4, 2), 1), D(2026, 4, 7))

    def test_from_a_weekend(self) -> None:
        self.assertEqual(rules.add_working_days(D(2026, 11, 21), 1), D(2026, 11, 23))
        self.assertEqual(rules.add_working_days(D(2026, 11, 21), 0), D(2026, 11, 21))

    def test_holidays_are_data(self) -> None:
        self.assertEqual(
            rules.add_working_days(D(2026, 11, 23), 1, holidays={D(2026, 11, 24)}), D(2026, 11, 25)
        )


class CadenceTests(TestCase):
    """Meeting cadence is local policy (a setting), not law."""

    def test_review_cadence_by_level(self) -> None:
        self.assertEqual(rules.next_review_due(D(2026, 1, 5), 2), D(2026, 4, 27))  # 16 weeks
        self.assertEqual(rules.next_review_due(D(2026, 1, 5), 3), D(2026, 3, 2))  # 8 weeks
        self.assertIsNone(rules.next_review_due(D(2026, 1, 5), 1))

    def test_cadence_is_a_setting(self) -> None:
        self.assertEqual(rules.next_review_due(D(2026, 1, 5), 2, {2: 12}), D(2026, 3, 30))


class ArchiveReviewTests(TestCase):
    def test_table(self) -> None:
        for case in ARCHIVE:
            with self.subTest(case.name, source=case.source):
                self.assertEqual(rules.archive_reviews(case.given, 4), case.expected)

    def test_never_2_12_22(self) -> None:
        """Regression: reviews fell at 2, 12 and 22 years."""
        archived = D(2026, 3, 14)
        self.assertEqual(rules.archive_review_due(archived, 2), D(2036, 3, 14))
        self.assertNotEqual(rules.archive_review_due(archived, 2), D(2038, 3, 14))
        self.assertEqual(rules.archive_review_due(archived, 3), D(2046, 3, 14))

    def test_month_ends(self) -> None:
        for archived, first in [
            (D(2026, 1, 31), D(2028, 1, 31)),
            (D(2026, 4, 30), D(2028, 4, 30)),
            (D(2027, 2, 28), D(2029, 2, 28)),
        ]:
            with self.subTest(archived=archived):
                self.assertEqual(rules.archive_review_due(archived, 1), first)
                self.assertEqual(
                    rules.archive_review_due(archived, 2), rules.add_years(archived, 10)
                )

    def test_numbers_start_at_one(self) -> None:
        with self.assertRaises(ValueError):
            rules.archive_review_due(D(2026, 1, 1), 0)


class Category3ConsiderationTests(TestCase):
    def test_three_months_before_the_end_for_cat_1_2_4_at_level_2_or_3(self) -> None:
        for category in (1, 2, 4):
            for level in (2, 3):
                with self.subTest(category=category, level=level):
                    self.assertEqual(
                        rules.category_3_consideration_due(category, level, D(2027, 6, 15)),
                        D(2027, 3, 15),
                    )

    def test_none_at_level_1_for_category_3_or_without_an_end(self) -> None:
        self.assertIsNone(rules.category_3_consideration_due(2, 1, D(2027, 6, 15)))
        self.assertIsNone(rules.category_3_consideration_due(3, 2, D(2027, 6, 15)))
        self.assertIsNone(rules.category_3_consideration_due(1, 2, None))

    def test_month_end_clamps(self) -> None:
        self.assertEqual(rules.category_3_consideration_due(2, 2, D(2027, 5, 31)), D(2027, 2, 28))
        self.assertEqual(rules.category_3_consideration_due(2, 2, D(2028, 5, 31)), D(2028, 2, 29))


class VisitFrequencyTests(TestCase):
    """Visit frequency is local policy (a setting), not law."""

    def test_default_by_risk(self) -> None:
        self.assertEqual(rules.visit_interval_days("very_high"), 14)
        self.assertEqual(rules.visit_interval_days("high"), 28)
        self.assertEqual(rules.visit_interval_days("medium"), 56)
        self.assertEqual(rules.visit_interval_days("low"), 91)
        self.assertEqual(rules.visit_interval_days(""), 91)

    def test_the_plan_wins(self) -> None:
        self.assertEqual(rules.visit_interval_days("low", plan_days=7), 7)
        self.assertEqual(rules.next_visit_due(D(2026, 11, 23), "high", 10), D(2026, 12, 3))

    def test_defaults_are_a_setting(self) -> None:
        self.assertEqual(rules.visit_interval_days("high", defaults={"high": 21, "": 90}), 21)


class CaseloadGuideTests(TestCase):
    def test_over_the_guide_is_marked(self) -> None:
        checks = rules.caseload_checks(61, 11, 6)
        self.assertEqual([c.over for c in checks], [True, True, True, False])
        checks = rules.caseload_checks(38, 10, 7)
        self.assertEqual([c.over for c in checks], [False, False, False, True])
