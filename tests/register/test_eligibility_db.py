"""Eligibility evaluated from the database: nominals built through the services, every criteria
set loaded as data, and every outcome naming the records it rests on."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from rest_framework.test import APIClient

from register import models as m
from register import rules, selectors, services
from register.eligibility import evaluate_nominal, outcome_as_json
from register.errors import DomainError
from tests import register_factories as rf
from tests.base import RegisterTestCase

AS_OF = dt.date(2026, 3, 2)


class EligibilityFromTheDatabaseTests(RegisterTestCase):
    def evaluate(self, nominal: m.Nominal) -> dict[str, rules.EligibilityOutcome]:
        loaded = selectors.nominal_for_eligibility(user=self.officer_a, nominal_id=nominal.pk)
        return {c.key: outcome for c, outcome in evaluate_nominal(loaded, as_of=AS_OF)}

    def check(self, outcome: rules.EligibilityOutcome, rule_start: str) -> rules.RuleCheck:
        return next(c for c in outcome.checks if c.rule.startswith(rule_start))

    def test_the_three_criteria_sets_are_data(self) -> None:
        nominal = rf.person(self.officer_a, "Nobody", "Recorded")
        outcomes = self.evaluate(nominal)
        self.assertEqual(set(outcomes), {"lords-2024", "broad-convicted", "npcc-serial"})
        self.assertFalse(any(o.criteria_met for o in outcomes.values()))

    def test_two_stalking_convictions_on_different_dates_meet_the_convicted_sets(self) -> None:
        nominal = rf.person(self.officer_a, "Harrow", "Dean", dt.date(1979, 8, 23))
        first = rf.stalking_conviction(self.officer_a, nominal, dt.date(2016, 5, 9))
        # On licence until 2027: the Lords set needs the qualifying conviction itself to carry
        # custody with a licence (issue 10, finding 8).
        second = rf.stalking_conviction(
            self.officer_a, nominal, dt.date(2021, 11, 2), licence_end=dt.date(2027, 1, 1)
        )
        outcomes = self.evaluate(nominal)
        for key in ("broad-convicted", "lords-2024"):
            with self.subTest(key):
                outcome = outcomes[key]
                self.assertTrue(outcome.criteria_met)
                self.assertTrue(outcome.can_register)
                serial = self.check(outcome, "(a)")
                self.assertTrue(serial.passed)
                self.assertEqual(serial.record_ids, (str(first.pk), str(second.pk)))
                self.assertIn(
                    "Convicted on 2 separate occasions: 9 May 2016 and 2 November 2021.",
                    serial.detail,
                )
                self.assertIn('reads "serial" as either separate occasions', serial.detail)
        self.assertFalse(outcomes["npcc-serial"].criteria_met)

    def test_suspended_sentences_fail_lords_2024_but_meet_broad_convicted(self) -> None:
        nominal = rf.person(self.officer_a, "Marsh", "Kieran", dt.date(1988, 2, 14))
        convictions = [
            rf.stalking_conviction(
                self.officer_a, nominal, day, sentence_type=m.SentenceType.SUSPENDED
            )
            for day in (dt.date(2019, 4, 1), dt.date(2022, 9, 14))
        ]
        outcomes = self.evaluate(nominal)
        lords, broad = outcomes["lords-2024"], outcomes["broad-convicted"]
        self.assertFalse(lords.criteria_met)
        custodial = self.check(lords, "Sentenced to immediate custody")
        self.assertFalse(custodial.passed)
        self.assertIn("a suspended sentence is not custody", custodial.detail)
        self.assertEqual(set(custodial.record_ids), {str(c.pk) for c in convictions})
        self.assertTrue(broad.criteria_met)
        self.assertNotIn(
            "Sentenced to immediate custody", [c.rule for c in broad.checks]
        )  # broad has no custodial condition at all

    def test_one_occasion_is_not_serial_but_a_high_rosh_is_enough(self) -> None:
        nominal = rf.person(self.officer_a, "Price", "Darren", dt.date(1981, 1, 17))
        # Two counts of stalking sentenced on the same day: one occasion.
        for code in ("PHA1997-s2A", "PHA1997-s2A"):
            rf.stalking_conviction(self.officer_a, nominal, dt.date(2023, 6, 20), code=code)
        self.assertFalse(self.evaluate(nominal)["broad-convicted"].criteria_met)
        rosh = rf.add(
            self.officer_a,
            nominal,
            "risk-assessments",
            {
                **rf.service_data("risk-assessments"),
                "assessed_on": dt.date(2025, 11, 3),
                "level": m.RiskLevel.HIGH,
            },
        )
        outcome = self.evaluate(nominal)["broad-convicted"]
        self.assertTrue(outcome.criteria_met)
        self.assertEqual(self.check(outcome, "(b)").record_ids, (str(rosh.pk),))
        self.assertIn(str(rosh.pk), self.check(outcome, "Either").record_ids)

    def test_an_assault_counts_only_when_it_is_flagged_as_domestic_abuse(self) -> None:
        nominal = rf.person(self.officer_a, "Cole", "Ryan", dt.date(1990, 10, 10))
        flagged = rf.stalking_conviction(
            self.officer_a, nominal, dt.date(2018, 1, 15), code="OAPA1861-s47"
        )
        unflagged = rf.add(
            self.officer_a,
            nominal,
            "convictions",
            {
                **rf.service_data("convictions"),
                "offence": rf.offence("OAPA1861-s47"),
                "conviction_date": dt.date(2022, 7, 1),
                "offence_date": dt.date(2022, 4, 1),
                "is_domestic_abuse": False,
                "da_flag_source": "",
            },
        )
        specified = self.check(
            self.evaluate(nominal)["broad-convicted"], "Convicted of a specified"
        )
        self.assertTrue(specified.passed)
        # Regression (issue 10, finding 1): the unflagged assault is explained, never evidence.
        self.assertEqual(specified.record_ids, (str(flagged.pk),))
        self.assertNotIn(str(unflagged.pk), specified.record_ids)
        self.assertIn("not a specified domestic abuse or stalking offence", specified.detail)
        self.assertFalse(self.evaluate(nominal)["broad-convicted"].criteria_met)

    def test_npcc_serial_with_two_intimate_partner_victims_in_three_years(self) -> None:
        nominal = rf.person(self.officer_a, "Walsh", "Gary", dt.date(1983, 3, 3))
        first = rf.incident(self.officer_a, nominal, dt.date(2023, 8, 1), "V-ANNE")
        again = rf.incident(self.officer_a, nominal, dt.date(2024, 1, 9), "v-anne ")
        self.assertFalse(self.evaluate(nominal)["npcc-serial"].criteria_met)  # one victim, twice
        second = rf.incident(
            self.officer_a,
            nominal,
            dt.date(2025, 12, 24),
            "V-BETH",
            m.IncidentRelationship.EX_PARTNER,
        )
        outcome = self.evaluate(nominal)["npcc-serial"]
        self.assertTrue(outcome.criteria_met)
        victims = self.check(outcome, "Against 2 or more different victims")
        self.assertEqual(victims.record_ids, (str(first.pk), str(again.pk), str(second.pk)))
        self.assertIn("2 different victims", victims.detail)
        self.assertFalse(outcome.blocked)

    def test_npcc_serial_ignores_old_incidents_and_strangers(self) -> None:
        nominal = rf.person(self.officer_a, "Walsh", "Gary", dt.date(1983, 3, 3))
        rf.incident(self.officer_a, nominal, dt.date(2025, 6, 1), "V-ANNE")
        old = rf.incident(self.officer_a, nominal, dt.date(2022, 6, 1), "V-CARA")
        stranger = rf.incident(
            self.officer_a, nominal, dt.date(2025, 7, 1), "V-DAN", m.IncidentRelationship.OTHER
        )
        outcome = self.evaluate(nominal)["npcc-serial"]
        self.assertFalse(outcome.criteria_met)
        reported = outcome.checks[0]
        self.assertIn(str(old.pk), reported.record_ids)
        self.assertIn(str(stranger.pk), reported.record_ids)
        self.assertIn("outside the 3-year window", reported.detail)
        self.assertIn("not a partner, ex-partner or family member", reported.detail)

    def test_a_possible_misidentified_victim_is_blocked_until_reviewed(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        services.nominal_flag_misidentified(
            actor=self.officer_a,
            nominal=nominal,
            misidentification=m.Misidentification.VIOLENT_RESISTANCE,
            raised_on=dt.date(2025, 1, 6),
            reason="Injuries consistent with defending herself",
        )
        outcome = self.evaluate(nominal)["broad-convicted"]
        self.assertTrue(outcome.criteria_met)
        self.assertTrue(outcome.blocked)
        self.assertFalse(outcome.can_register)
        # A review that does not find the primary aggressor keeps the block (finding 3).
        services.primary_aggressor_review_record(
            actor=self.supervisor_a,
            nominal=nominal,
            outcome=m.AggressorFinding.INCONCLUSIVE,
            reviewed_on=dt.date(2025, 2, 3),
            rationale="Accounts conflict",
        )
        self.assertTrue(self.evaluate(nominal)["broad-convicted"].blocked)
        services.primary_aggressor_review_record(
            actor=self.supervisor_a,
            nominal=nominal,
            outcome=m.AggressorFinding.PRIMARY_AGGRESSOR,
            reviewed_on=dt.date(2025, 3, 3),
            rationale="His texts show the control",
        )
        self.assertTrue(self.evaluate(nominal)["broad-convicted"].can_register)

    def test_without_a_date_of_birth_age_cannot_be_confirmed(self) -> None:
        nominal = rf.person(self.officer_a, "Unknown", "Age", None)
        rf.stalking_conviction(self.officer_a, nominal, dt.date(2016, 5, 9))
        rf.stalking_conviction(self.officer_a, nominal, dt.date(2021, 11, 2))
        specified = self.check(
            self.evaluate(nominal)["broad-convicted"], "Convicted of a specified"
        )
        self.assertFalse(specified.passed)
        self.assertIn("age at offence unknown", specified.detail)

    def test_changing_a_criteria_set_changes_the_outcome(self) -> None:
        nominal = rf.person(self.officer_a, "Marsh", "Kieran", dt.date(1988, 2, 14))
        for day in (dt.date(2019, 4, 1), dt.date(2022, 9, 14)):
            rf.stalking_conviction(
                self.officer_a, nominal, day, sentence_type=m.SentenceType.SUSPENDED
            )
        self.assertTrue(self.evaluate(nominal)["broad-convicted"].criteria_met)
        m.CriteriaSet.objects.filter(key="broad-convicted").update(custodial_only=True)
        self.assertFalse(self.evaluate(nominal)["broad-convicted"].criteria_met)
        m.CriteriaSet.objects.filter(key="npcc-serial").update(is_active=False)
        self.assertNotIn("npcc-serial", self.evaluate(nominal))

    def test_a_fixed_number_of_queries_however_long_the_history(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        for extra in range(2):
            with self.subTest(convictions=2 + extra * 10), self.assertNumQueries(6):
                # nominal, convictions (with offence), risk assessments, incidents,
                # primary-aggressor reviews, criteria sets
                self.evaluate(nominal)
            for i in range(10):
                rf.stalking_conviction(self.officer_a, nominal, dt.date(2010, 1, 1 + i))
                rf.incident(self.officer_a, nominal, dt.date(2025, 1, 1 + i), f"V-{i}")

    def test_the_snapshot_kept_on_a_decision_is_json(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        snapshot = outcome_as_json(self.evaluate(nominal)["lords-2024"])
        self.assertEqual(snapshot["criteria_key"], "lords-2024")
        self.assertEqual(
            [c["rule"] for c in snapshot["checks"]],  # type: ignore[attr-defined]
            [
                rules.SPECIFIED_RULE,
                rules.CUSTODIAL_RULE,
                rules.serial_rule(rules.SERIAL_EITHER),
                "(b) Latest risk of serious harm assessment (OASys RoSH) rated high or very high",
                rules.EITHER_RULE,
                rules.SAFEGUARD_RULE,
            ],
        )


class EligibilityApiTests(RegisterTestCase):
    def test_every_active_set_explained_with_can_register(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        client = APIClient()
        client.force_authenticate(self.officer_a)
        response = client.get(reverse("api-nominal-eligibility", args=[nominal.pk]))
        self.assertEqual(response.status_code, 200)
        by_key = {o["criteria_key"]: o for o in response.json()}
        self.assertEqual(set(by_key), {"lords-2024", "broad-convicted", "npcc-serial"})
        self.assertTrue(by_key["lords-2024"]["can_register"])
        self.assertFalse(by_key["npcc-serial"]["can_register"])
        ids = {str(pk) for pk in nominal.convictions.values_list("pk", flat=True)}
        serial = next(c for c in by_key["lords-2024"]["checks"] if c["rule"].startswith("(a)"))
        self.assertEqual(set(serial["record_ids"]), ids)


class TermsAndGoverningConvictionTests(RegisterTestCase):
    """Convictions hold a term as entered and in days; consecutive terms add; the conviction
    giving the longest period governs (issue 10, findings 1, 2 and 9)."""

    def custody(
        self, nominal: m.Nominal, day: dt.date, amount: int, unit: str, **more: object
    ) -> m.Conviction:
        return rf.add(
            self.officer_a,
            nominal,
            "convictions",
            {
                **rf.service_data("convictions"),
                "offence": rf.offence("PHA1997-s4A"),
                "conviction_date": day,
                "offence_date": day - dt.timedelta(days=60),
                "sentence_type": m.SentenceType.IMMEDIATE_CUSTODY,
                "sentence_amount": amount,
                "sentence_unit": unit,
                **more,
            },
        )

    def test_a_term_is_kept_as_entered_with_its_days(self) -> None:
        nominal = rf.person(self.officer_a, "Weeks", "Tom", dt.date(1985, 1, 1))
        conviction = self.custody(nominal, dt.date(2024, 1, 10), 28, m.TermUnit.WEEKS)
        conviction.refresh_from_db()
        self.assertEqual((conviction.sentence_amount, conviction.sentence_unit), (28, "weeks"))
        self.assertEqual(conviction.sentence_days, 196)
        self.assertEqual(conviction.term_text, "28 weeks")

    def test_a_length_without_its_unit_is_refused_by_field(self) -> None:
        nominal = rf.person(self.officer_a, "Unit", "Una", dt.date(1985, 1, 1))
        with self.assertRaises(DomainError) as caught:
            self.custody(nominal, dt.date(2024, 1, 10), 12, "")
        self.assertIn("sentence_unit", caught.exception.errors)
        self.assertFalse(nominal.convictions.exists())

    def test_consecutive_terms_add_and_must_be_the_same_persons(self) -> None:
        nominal = rf.person(self.officer_a, "Chain", "Carl", dt.date(1985, 1, 1))
        first = self.custody(nominal, dt.date(2024, 1, 10), 18, m.TermUnit.MONTHS)
        second = self.custody(
            nominal, dt.date(2024, 1, 10), 18, m.TermUnit.MONTHS, consecutive_to=first
        )
        facts = evaluate_nominal_facts(self.officer_a, nominal)
        days = {c.record_id: c.sentence_days for c in facts.convictions}
        self.assertEqual(days[str(first.pk)], days[str(second.pk)])
        self.assertEqual(days[str(first.pk)], 1096)  # 36 months: SOA 2003 s.82(4)(a) aggregate
        other = rf.person(self.officer_a, "Other", "Olly", dt.date(1985, 1, 1))
        with self.assertRaises(DomainError) as caught:
            self.custody(other, dt.date(2024, 1, 10), 6, m.TermUnit.MONTHS, consecutive_to=first)
        self.assertIn("consecutive_to", caught.exception.errors)

    def test_regression_the_longest_period_governs_not_the_latest_conviction(self) -> None:
        # Finding 1: a later, shorter disposal cannot turn an indefinite period into 5 years.
        from notifications.services import index_conviction

        nominal = rf.person(self.officer_a, "Long", "Larry", dt.date(1980, 1, 1))
        long = self.custody(nominal, dt.date(2016, 3, 1), 36, m.TermUnit.MONTHS)
        rf.add(
            self.officer_a,
            nominal,
            "convictions",
            {
                **rf.service_data("convictions"),
                "offence": rf.offence("PHA1997-s2A"),
                "conviction_date": dt.date(2025, 6, 1),
                "offence_date": dt.date(2025, 3, 1),
                "sentence_type": m.SentenceType.FINE,
                "sentence_amount": None,
                "sentence_unit": "",
            },
        )
        loaded = selectors.nominal_for_eligibility(user=self.officer_a, nominal_id=nominal.pk)
        outcome = {c.key: o for c, o in evaluate_nominal(loaded, as_of=AS_OF)}["broad-convicted"]
        self.assertEqual(index_conviction(nominal, outcome), long)


def evaluate_nominal_facts(user: m.StaffUser, nominal: m.Nominal) -> rules.PersonFacts:
    from register.eligibility import person_facts

    loaded = selectors.nominal_for_eligibility(user=user, nominal_id=nominal.pk)
    return person_facts(loaded, AS_OF)


class SerialReadingSettingTests(RegisterTestCase):
    def test_an_administrator_sets_the_reading_and_the_explanation_names_it(self) -> None:
        # DOMAIN.md: "keep it a setting of the set and say which was used".
        from register.services import reference

        nominal = rf.person(self.officer_a, "Sameday", "Sid", dt.date(1985, 1, 1))
        for code in ("PHA1997-s2A", "PHA1997-s4A"):  # two offences, one occasion
            rf.stalking_conviction(self.officer_a, nominal, dt.date(2024, 5, 1), code=code)
        loaded = selectors.nominal_for_eligibility(user=self.officer_a, nominal_id=nominal.pk)

        def serial() -> rules.RuleCheck:
            outcome = {c.key: o for c, o in evaluate_nominal(loaded, as_of=AS_OF)}
            return next(c for c in outcome["broad-convicted"].checks if c.rule.startswith("(a)"))

        self.assertTrue(serial().passed)  # "either", the default
        broad = m.CriteriaSet.objects.get(key="broad-convicted")
        reference.criteria_set_update(
            actor=self.admin_b,
            criteria_set=broad,
            data={"serial_reading": "occasions"},
            reason="Board reads serial as separate occasions",
        )
        self.assertFalse(serial().passed)
        self.assertIn('reads "serial" as separate occasions', serial().detail)
        self.as_user(self.admin_b)
        page = self.client.get(reverse("reference-criteria"))
        self.assertContains(page, 'Reading of "serial"')
        self.assertContains(page, "Separate occasions")
        self.assertContains(page, "not settled law")
