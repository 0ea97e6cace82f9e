"""Scheme eligibility and working-day deadlines: pure rules, no database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import SimpleTestCase

from register.rules import term_days
from victims import rules
from victims.rules import ConvictionFacts


def facts(
    title: str,
    *,
    specified: bool = False,
    stalking: bool = False,
    sentence: str = "immediate_custody",
    months: int | None = 12,
    on: dt.date | None = None,
) -> ConvictionFacts:
    return ConvictionFacts(
        offence_title=title,
        specified_violent_or_sexual=specified,
        stalking_or_harassment=stalking,
        sentence_type=sentence,
        sentence_days=term_days(months, "months"),
        sentence_text=f"{months} months" if months is not None else "",
        sentenced_on=on,
        reference=title,
    )


ABH: dict[str, Any] = dict(specified=True)
STALKING: dict[str, Any] = dict(specified=True, stalking=True)  # PHA 1997 s.4A is both
HARASSMENT: dict[str, Any] = dict(stalking=True)  # PHA 1997 s.2


class SchemeWorkedCases(SimpleTestCase):
    """Each case: the facts, the scheme, and words the reason must contain."""

    CASES = [
        (
            "ABH, exactly 12 months' custody",
            facts("ABH", **ABH, months=12),
            rules.STATUTORY_VCS,
            "12 months",
        ),
        (
            "ABH, 11 months' custody",
            facts("ABH", **ABH, months=11),
            rules.DISCRETIONARY,
            "under 12 months",
        ),
        (
            "ABH, 30 months' custody",
            facts("ABH", **ABH, months=30),
            rules.STATUTORY_VCS,
            "30 months",
        ),
        (
            "ABH, suspended 24 months",
            facts("ABH", **ABH, sentence="suspended", months=24),
            rules.DISCRETIONARY,
            "suspended",
        ),
        (
            "Rape, life",
            facts("Rape", specified=True, sentence="life", months=None),
            rules.STATUTORY_VCS,
            "indeterminate",
        ),
        (
            "ABH, hospital order with restriction",
            facts("ABH", **ABH, sentence="hospital_order_restricted", months=None),
            rules.STATUTORY_VCS,
            "hospital order",
        ),
        (
            "Criminal damage, hospital order",
            facts("Criminal damage", sentence="hospital_order", months=None),
            rules.DISCRETIONARY,
            "not a specified",
        ),
        (
            "Stalking with fear of violence, 18 months' custody",
            facts("Stalking", **STALKING, months=18),
            rules.STATUTORY_VCS,
            "Victim Contact Scheme",
        ),
        (
            "Stalking with fear of violence, 8 months' custody",
            facts("Stalking", **STALKING, months=8),
            rules.VICTIM_NOTIFICATION_SCHEME,
            "under 12 months",
        ),
        (
            "Harassment, 6 months' custody",
            facts("Harassment", **HARASSMENT, months=6),
            rules.VICTIM_NOTIFICATION_SCHEME,
            "not a specified",
        ),
        # No custody, no VNS (issue 10, finding 10; VnsCustodyCases below has the sources).
        (
            "Harassment, community order",
            facts("Harassment", **HARASSMENT, sentence="community_order", months=12),
            rules.DISCRETIONARY,
            "no custody, no VNS",
        ),
        (
            "Stalking, suspended",
            facts("Stalking", **STALKING, sentence="suspended", months=12),
            rules.DISCRETIONARY,
            "suspended",
        ),
        (
            "Coercive control not specified, 24 months",
            facts("Coercive control", months=24),
            rules.DISCRETIONARY,
            "not a specified",
        ),
        (
            "Common assault, fine",
            facts("Common assault", sentence="fine", months=None),
            rules.DISCRETIONARY,
            "not custodial",
        ),
        (
            "ABH, custody of unknown length",
            facts("ABH", **ABH, months=None),
            rules.DISCRETIONARY,
            "unknown length",
        ),
    ]

    def test_worked_cases(self) -> None:
        for label, case, scheme, words in self.CASES:
            with self.subTest(label):
                decision = rules.scheme_for(case)
                self.assertEqual(decision.scheme, scheme, decision.reason)
                self.assertIn(words, decision.reason)
                self.assertTrue(decision.reason.endswith("."))

    def test_no_conviction_is_discretionary(self) -> None:
        decision = rules.scheme_for(None)
        self.assertEqual(decision.scheme, rules.DISCRETIONARY)
        self.assertIn("No conviction", decision.reason)
        self.assertEqual(rules.scheme_for_any([]).scheme, rules.DISCRETIONARY)

    def test_the_most_protective_conviction_decides(self) -> None:
        harassment = facts("Harassment", **HARASSMENT, months=6, on=dt.date(2025, 1, 1))
        abh = facts("ABH", **ABH, months=14, on=dt.date(2020, 1, 1))
        fine = facts("Common assault", sentence="fine", months=None, on=dt.date(2026, 1, 1))
        self.assertEqual(
            rules.scheme_for_any([fine, harassment]).scheme, rules.VICTIM_NOTIFICATION_SCHEME
        )
        decision = rules.scheme_for_any([fine, harassment, abh])
        self.assertEqual(decision.scheme, rules.STATUTORY_VCS)
        self.assertEqual(decision.conviction, abh)

    def test_among_equals_the_latest_sentence_decides(self) -> None:
        old = facts("ABH", **ABH, months=14, on=dt.date(2020, 1, 1))
        new = facts("GBH", **ABH, months=40, on=dt.date(2024, 1, 1))
        self.assertEqual(rules.scheme_for_any([old, new]).conviction, new)


class StalkingOrHarassmentTests(SimpleTestCase):
    def test_catalogue_offences(self) -> None:
        pha = "Protection from Harassment Act 1997"
        self.assertTrue(
            rules.is_stalking_or_harassment(specified_stalking=True, statute=pha, title="Stalking")
        )
        self.assertTrue(
            rules.is_stalking_or_harassment(
                specified_stalking=False, statute=pha, title="Harassment", code="PHA1997-s2"
            )
        )
        self.assertTrue(
            rules.is_stalking_or_harassment(
                specified_stalking=False,
                statute="Public Order Act 1986",
                title="Intentional harassment, alarm or distress",
            )
        )
        self.assertFalse(
            rules.is_stalking_or_harassment(
                specified_stalking=False,
                statute=pha,
                title="Breach of a restraining order",
                code="PHA1997-s5-5",
            )
        )
        self.assertFalse(
            rules.is_stalking_or_harassment(
                specified_stalking=False, statute="Theft Act 1968", title="Burglary"
            )
        )


class WorkingDaysTests(SimpleTestCase):
    def test_weekends_and_holidays_are_skipped(self) -> None:
        friday = dt.date(2026, 3, 6)
        self.assertEqual(rules.add_working_days(friday, 1), dt.date(2026, 3, 9))
        self.assertEqual(rules.add_working_days(friday, 0), friday)
        # 20 working days from Monday 2 March 2026 is Monday 30 March
        self.assertEqual(rules.add_working_days(dt.date(2026, 3, 2), 20), dt.date(2026, 3, 30))
        # Good Friday and Easter Monday 2026 as holidays push it on two days
        self.assertEqual(
            rules.add_working_days(
                dt.date(2026, 3, 20), 10, {dt.date(2026, 4, 3), dt.date(2026, 4, 6)}
            ),
            dt.date(2026, 4, 7),
        )
        with self.assertRaises(ValueError):
            rules.add_working_days(friday, -1)

    def test_disclosure_steps(self) -> None:
        steps = rules.disclosure_steps(
            received_on=dt.date(2026, 3, 2),
            initial_checks_on=dt.date(2026, 3, 4),
            face_to_face_on=None,
            completed_on=None,
            target_days=28,
        )
        self.assertEqual(
            [s.due_on for s in steps],
            [dt.date(2026, 3, 3), dt.date(2026, 3, 16), dt.date(2026, 3, 30)],
        )
        self.assertTrue(steps[0].late)
        self.assertFalse(steps[1].late)

    def test_caseload_against_the_guide(self) -> None:
        self.assertEqual(rules.caseload_status(3, 180), "3 victims, 177 under the guide of 180")
        self.assertIn("1 over the guide", rules.caseload_status(181, 180))


# Finding 10 (issue 10): the Victim Notification Scheme and the VCS referral clock -------------

VICTIMS = 'DOMAIN.md "Victims"'
VNS_QUOTE = (
    "Victim Notification Scheme: stalking/harassment victims outside the statutory scheme are "
    "told of release *from custody* and can request licence conditions (no custody, no VNS)."
)
VCS_QUOTE = (
    "Victim Contact Scheme (statutory): victims of specified violent or sexual offences where "
    "the sentence is 12 months+ custody"
)
CLOCK_QUOTE = (
    "Referral to the Victim Contact Scheme within 20 working days of sentence (a practice "
    "setting, not in the seed; the clock needs a sentence date)"
)


class VnsCustodyCases(SimpleTestCase):
    """Each case: its source and the words it follows, the facts, the scheme, words of the
    reason. The VNS is notice of release from custody: without custody there is none."""

    CASES = [
        (
            "harassment, 6 months' custody: told of release",
            VICTIMS,
            VNS_QUOTE,
            facts("Harassment", **HARASSMENT, months=6),
            rules.VICTIM_NOTIFICATION_SCHEME,
            "release from custody",
        ),
        (
            "stalking, 8 months' custody (under the statutory 12): VNS",
            VICTIMS,
            VNS_QUOTE,
            facts("Stalking", **STALKING, months=8),
            rules.VICTIM_NOTIFICATION_SCHEME,
            "8 months",
        ),
        (
            "harassment, imprisonment for public protection: VNS",
            VICTIMS,
            VNS_QUOTE,
            facts("Harassment", **HARASSMENT, sentence="ipp", months=None),
            rules.VICTIM_NOTIFICATION_SCHEME,
            "indeterminate",
        ),
        (
            "harassment, community order: no custody, no VNS",
            VICTIMS,
            VNS_QUOTE,
            facts("Harassment", **HARASSMENT, sentence="community_order", months=12),
            rules.DISCRETIONARY,
            "no custody, no VNS",
        ),
        (
            "stalking, 12 months suspended: no custody, no VNS",
            VICTIMS,
            VNS_QUOTE,
            facts("Stalking", **STALKING, sentence="suspended", months=12),
            rules.DISCRETIONARY,
            "no release to tell of",
        ),
        (
            "harassment, fine: no custody, no VNS",
            VICTIMS,
            VNS_QUOTE,
            facts("Harassment", **HARASSMENT, sentence="fine", months=None),
            rules.DISCRETIONARY,
            "no custody, no VNS",
        ),
        (
            "harassment, conditional discharge: no custody, no VNS",
            VICTIMS,
            VNS_QUOTE,
            facts("Harassment", **HARASSMENT, sentence="conditional_discharge", months=None),
            rules.DISCRETIONARY,
            "no custody, no VNS",
        ),
        (
            "harassment, hospital order (not a specified offence): no custody, no VNS",
            VICTIMS,
            VNS_QUOTE,
            facts("Harassment", **HARASSMENT, sentence="hospital_order", months=None),
            rules.DISCRETIONARY,
            "no custody, no VNS",
        ),
        (
            "stalking, 18 months' custody: the statutory scheme, not the VNS",
            VICTIMS,
            VCS_QUOTE,
            facts("Stalking", **STALKING, months=18),
            rules.STATUTORY_VCS,
            "statutory Victim Contact Scheme applies",
        ),
        (
            "stalking, 24 months suspended, specified: not the statutory scheme either",
            VICTIMS,
            VCS_QUOTE,
            facts("Stalking", **STALKING, sentence="suspended", months=24),
            rules.DISCRETIONARY,
            "suspended",
        ),
    ]

    def test_cases(self) -> None:
        for name, source, quote, case, scheme, words in self.CASES:
            with self.subTest(name):
                self.assertTrue(source and quote)
                decision = rules.scheme_for(case)
                self.assertEqual(decision.scheme, scheme, decision.reason)
                self.assertIn(words, decision.reason)

    def test_custody_on_one_conviction_gives_the_vns_whatever_the_others(self) -> None:
        """DOMAIN.md "Victims" (VNS_QUOTE): the most protective linked conviction decides."""
        community = facts(
            "Harassment", **HARASSMENT, sentence="community_order", on=dt.date(2026, 1, 5)
        )
        custody = facts("Harassment", **HARASSMENT, months=4, on=dt.date(2024, 1, 5))
        self.assertEqual(rules.scheme_for_any([community]).scheme, rules.DISCRETIONARY)
        decision = rules.scheme_for_any([community, custody])
        self.assertEqual(
            (decision.scheme, decision.conviction), (rules.VICTIM_NOTIFICATION_SCHEME, custody)
        )


class ReferralClockCases(SimpleTestCase):
    """DOMAIN.md "Victims" (CLOCK_QUOTE): 20 working days of *sentence*; the number is a
    practice setting (victims.conf.vcs_referral_working_days); England and Wales bank holidays
    are not working days (notifications.rules)."""

    CASES = [
        # name, sentence date, conviction date, working days, due, from sentence, words
        (
            "sentenced Monday 2 March 2026: due Monday 30 March",
            dt.date(2026, 3, 2),
            dt.date(2026, 3, 2),
            20,
            dt.date(2026, 3, 30),
            True,
            "from sentence on 2 March 2026",
        ),
        (
            "convicted in February, sentenced 2 March: the clock starts at sentence",
            dt.date(2026, 3, 2),
            dt.date(2026, 2, 2),
            20,
            dt.date(2026, 3, 30),
            True,
            "20 working days from sentence",
        ),
        (
            "no sentence date recorded: counted from conviction, and said so",
            None,
            dt.date(2026, 3, 2),
            20,
            dt.date(2026, 3, 30),
            False,
            "no sentence date is recorded",
        ),
        (
            "sentenced Friday 6 March 2026: Good Friday and Easter Monday are not working days",
            dt.date(2026, 3, 6),
            dt.date(2026, 1, 12),
            20,
            dt.date(2026, 4, 7),
            True,
            "Due 7 April 2026",
        ),
        (
            "the setting changed to 10 working days (practice, not law)",
            dt.date(2026, 3, 2),
            dt.date(2026, 3, 2),
            10,
            dt.date(2026, 3, 16),
            True,
            "a practice setting",
        ),
    ]

    def test_cases(self) -> None:
        self.assertIn("20 working days of sentence", CLOCK_QUOTE)
        for name, sentence, conviction, days, due, from_sentence, words in self.CASES:
            with self.subTest(name):
                clock = rules.vcs_referral_clock(
                    sentence_date=sentence, conviction_date=conviction, working_days=days
                )
                self.assertEqual(clock.due_on, due)
                self.assertEqual(clock.from_sentence, from_sentence)
                self.assertEqual(clock.starts_on, sentence or conviction)
                self.assertIn(words, clock.explanation)
