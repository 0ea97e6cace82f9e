"""mappa.rules: pure functions, tested without a database."""

from __future__ import annotations

import datetime as dt
from unittest import TestCase

from mappa import rules
from mappa.rules import ConvictionFacts

D = dt.date


class LevelValidityTests(TestCase):
    def test_every_combination(self) -> None:
        for category in (1, 2, 3, 4):
            for level in (1, 2, 3):
                with self.subTest(category=category, level=level):
                    expected = not (category == 3 and level == 1)
                    self.assertEqual(rules.level_valid(category, level), expected)

    def test_category_3_level_1_has_a_clear_message(self) -> None:
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


def facts(
    sentence_type: str = "immediate_custody",
    months: int | None = 12,
    specified: bool = True,
) -> ConvictionFacts:
    return ConvictionFacts("Stalking", specified, "conviction", sentence_type, months)


class Category2Tests(TestCase):
    def test_twelve_months_custody_for_a_specified_offence(self) -> None:
        outcome = rules.category_2_eligibility([facts(months=12)])
        self.assertTrue(outcome.eligible)
        self.assertIn("12 months' custody", outcome.explanation)

    def test_eleven_months_is_not_enough(self) -> None:
        outcome = rules.category_2_eligibility([facts(months=11)])
        self.assertFalse(outcome.eligible)
        self.assertIn("12 months' custody or more", outcome.explanation)

    def test_suspended_sentence_does_not_count(self) -> None:
        self.assertFalse(rules.category_2_eligibility([facts("suspended", 24)]).eligible)

    def test_hospital_and_guardianship_orders_and_life(self) -> None:
        for sentence in (
            "hospital_order",
            "hospital_order_restricted",
            "guardianship_order",
            "life",
            "ipp",
        ):
            with self.subTest(sentence):
                self.assertTrue(rules.category_2_eligibility([facts(sentence, None)]).eligible)

    def test_unspecified_offence_never_counts(self) -> None:
        outcome = rules.category_2_eligibility([facts(months=60, specified=False)])
        self.assertFalse(outcome.eligible)
        self.assertIn(
            "no conviction for murder or a Category 2 specified offence", outcome.explanation
        )

    def test_any_one_qualifying_conviction_is_enough(self) -> None:
        outcome = rules.category_2_eligibility([facts(months=6), facts(months=18)])
        self.assertTrue(outcome.eligible)
        self.assertIn("18 months", outcome.explanation)

    def test_no_convictions(self) -> None:
        self.assertFalse(rules.category_2_eligibility([]).eligible)


class TerminationTests(TestCase):
    def test_reasons_valid_per_category(self) -> None:
        valid = {
            (1, rules.NOTIFICATION_ENDED),
            (2, rules.LICENCE_ENDED),
            (3, rules.MEETING_DECIDED),
            (4, rules.NOTIFICATION_ENDED),
            (4, rules.LICENCE_ENDED),
        }
        for category in (1, 2, 3, 4):
            for reason in rules.TERMINATION_REASONS:
                with self.subTest(category=category, reason=reason):
                    problem = rules.termination_problem(category, reason)
                    self.assertEqual(problem is None, (category, reason) in valid)

    def test_messages_say_what_would_be_valid(self) -> None:
        self.assertEqual(
            rules.termination_problem(3, rules.LICENCE_ENDED),
            "A Category 3 case can end only when a level 2 or 3 meeting decided the risk has "
            "reduced",
        )
        self.assertEqual(rules.termination_problem(1, ""), "Choose why the case ends")


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
    def test_review_cadence_by_level(self) -> None:
        self.assertEqual(rules.next_review_due(D(2026, 1, 5), 2), D(2026, 4, 27))  # 16 weeks
        self.assertEqual(rules.next_review_due(D(2026, 1, 5), 3), D(2026, 3, 2))  # 8 weeks
        self.assertIsNone(rules.next_review_due(D(2026, 1, 5), 1))

    def test_cadence_is_a_setting(self) -> None:
        self.assertEqual(rules.next_review_due(D(2026, 1, 5), 2, {2: 12}), D(2026, 3, 30))


class ArchiveReviewTests(TestCase):
    def test_two_years_then_every_ten(self) -> None:
        self.assertEqual(
            rules.archive_reviews(D(2026, 3, 14), 3),
            [D(2028, 3, 14), D(2038, 3, 14), D(2048, 3, 14)],
        )

    def test_leap_day_falls_back_to_28_february_in_common_years(self) -> None:
        # 2026 + 2 = 2028 is a leap year; 2024 + 2 = 2026 is not; 2024 + 12 = 2036 is.
        self.assertEqual(
            rules.archive_reviews(D(2024, 2, 29), 3),
            [D(2026, 2, 28), D(2036, 2, 29), D(2046, 2, 28)],
        )
        self.assertEqual(rules.archive_review_due(D(2028, 2, 29), 1), D(2030, 2, 28))

    def test_month_ends(self) -> None:
        for archived, first in [
            (D(2026, 1, 31), D(2028, 1, 31)),
            (D(2026, 4, 30), D(2028, 4, 30)),
            (D(2026, 12, 31), D(2028, 12, 31)),
            (D(2027, 2, 28), D(2029, 2, 28)),
        ]:
            with self.subTest(archived=archived):
                self.assertEqual(rules.archive_review_due(archived, 1), first)
                self.assertEqual(rules.archive_review_due(archived, 2), rules.add_years(first, 10))

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
