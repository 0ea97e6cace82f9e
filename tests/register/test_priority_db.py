"""RFGV priority from the database: the score and its parts are stored on the nominal, recent,
grave and many-victim histories rank higher, and the weights administrators set change the order."""

from __future__ import annotations

import datetime as dt

from register import models as m
from register import selectors
from register.priority import current_weights, nominal_refresh_priority, refresh_all_priorities
from tests import register_factories as rf
from tests.base import RegisterTestCase

AS_OF = dt.date(2026, 3, 2)


def days_ago(days: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days)


class PriorityTests(RegisterTestCase):
    def person(self, family_name: str) -> m.Nominal:
        return rf.person(self.officer_a, family_name, "Test", dt.date(1980, 6, 1))

    def score(self, nominal: m.Nominal) -> float:
        nominal_refresh_priority(nominal=nominal, as_of=AS_OF)
        return m.Nominal.objects.values_list("priority_score", flat=True).get(pk=nominal.pk)

    def test_the_score_and_its_parts_are_stored(self) -> None:
        nominal = self.person("Stored")
        rf.incident(self.officer_a, nominal, days_ago(73), "V-1", gravity=30)
        rf.incident(self.officer_a, nominal, days_ago(438), "V-2", gravity=20)
        rf.incident(self.officer_a, nominal, AS_OF + dt.timedelta(days=5), "V-3")  # not yet
        result = nominal_refresh_priority(nominal=nominal, as_of=AS_OF)
        stored = m.Nominal.objects.get(pk=nominal.pk)
        self.assertAlmostEqual(stored.priority_score, result.total)
        parts = stored.priority_parts
        self.assertEqual(set(parts), {"recency", "frequency", "gravity", "victims", "explanation"})
        self.assertAlmostEqual(parts["recency"], 1 - 73 / 1095)
        self.assertAlmostEqual(parts["frequency"], 2 / 10)
        self.assertAlmostEqual(parts["gravity"], 50 / 1000)
        self.assertAlmostEqual(parts["victims"], 2 / 5)
        self.assertAlmostEqual(
            stored.priority_score,
            parts["recency"] + parts["frequency"] + parts["gravity"] + parts["victims"],
        )
        self.assertIn(
            "the latest event was on 19 December 2025, 73 days before 2 March 2026",
            parts["explanation"][1],
        )
        self.assertIn("1 event dated after 2 March 2026 ignored.", parts["explanation"])

    def test_a_more_recent_history_ranks_higher(self) -> None:
        recent, old = self.person("Recent"), self.person("Old")
        rf.incident(self.officer_a, recent, days_ago(12), "V-1")
        rf.incident(self.officer_a, old, days_ago(700), "V-1")
        self.assertGreater(self.score(recent), self.score(old))
        recent.refresh_from_db()
        old.refresh_from_db()
        self.assertGreater(recent.priority_parts["recency"], old.priority_parts["recency"])
        for part in ("frequency", "gravity", "victims"):
            self.assertEqual(recent.priority_parts[part], old.priority_parts[part], part)

    def test_a_graver_history_ranks_higher(self) -> None:
        grave, lesser = self.person("Grave"), self.person("Lesser")
        rf.stalking_conviction(self.officer_a, grave, days_ago(200), code="OAPA1861-s18")
        rf.stalking_conviction(self.officer_a, lesser, days_ago(200), code="OAPA1861-s47")
        self.assertGreater(self.score(grave), self.score(lesser))
        grave.refresh_from_db()
        self.assertEqual(grave.priority_parts["gravity"], 1.0)  # 1825 days, capped at 1000

    def test_a_recorded_gravity_overrides_the_offence_default(self) -> None:
        nominal = self.person("Override")
        rf.stalking_conviction(self.officer_a, nominal, days_ago(200), gravity=500)
        self.score(nominal)
        nominal.refresh_from_db()
        self.assertAlmostEqual(nominal.priority_parts["gravity"], 0.5)

    def test_more_victims_rank_higher(self) -> None:
        many, one = self.person("Many"), self.person("One")
        for days, victim in ((30, "V-A"), (90, "V-B"), (150, "V-C")):
            rf.incident(self.officer_a, many, days_ago(days), victim)
            rf.incident(self.officer_a, one, days_ago(days), "V-A")
        self.assertGreater(self.score(many), self.score(one))
        many.refresh_from_db()
        one.refresh_from_db()
        self.assertAlmostEqual(many.priority_parts["victims"], 3 / 5)
        self.assertAlmostEqual(one.priority_parts["victims"], 1 / 5)
        self.assertEqual(many.priority_parts["frequency"], one.priority_parts["frequency"])

    def ranked(self) -> list[str]:
        return list(
            selectors.nominal_list_filtered(user=self.officer_a, sort="priority").values_list(
                "family_name", flat=True
            )
        )

    def make_recent_and_grave(self) -> tuple[m.Nominal, m.Nominal]:
        """Recent DA against two partners, and one grave conviction two and a half years ago."""
        recent, grave = self.person("Recent"), self.person("Grave")
        rf.incident(self.officer_a, recent, days_ago(10), "V-1")
        rf.incident(self.officer_a, recent, days_ago(40), "V-2")
        rf.stalking_conviction(self.officer_a, grave, days_ago(900), code="OAPA1861-s18")
        return recent, grave

    def test_weights_change_the_order(self) -> None:
        recent, grave = self.make_recent_and_grave()
        self.score(recent), self.score(grave)
        self.assertEqual(self.ranked(), ["Recent", "Grave"])
        # The force decides gravity matters three times as much.
        m.PriorityWeights.objects.filter(agency__isnull=True).update(gravity=3.0)
        self.assertEqual(current_weights(self.agency_a.pk).gravity, 3.0)
        self.score(recent), self.score(grave)
        self.assertEqual(self.ranked(), ["Grave", "Recent"])
        grave.refresh_from_db()
        self.assertAlmostEqual(grave.priority_parts["gravity"], 3.0)
        self.assertIn("weight 3", grave.priority_parts["explanation"][3])

    def test_an_agencys_own_weights_apply_to_its_records_only(self) -> None:
        m.PriorityWeights.objects.filter(agency__isnull=True).update(gravity=3.0)
        m.PriorityWeights.objects.create(agency=self.agency_b, gravity=0.0)
        self.assertEqual(current_weights(self.agency_a.pk).gravity, 3.0)  # the default row
        self.assertEqual(current_weights(self.agency_b.pk).gravity, 0.0)
        self.assertEqual(current_weights(None).gravity, 3.0)
        theirs = rf.person(self.officer_b, "Theirs", "Test", dt.date(1980, 6, 1))
        rf.stalking_conviction(self.officer_b, theirs, days_ago(900), code="OAPA1861-s18")
        self.score(theirs)
        theirs.refresh_from_db()
        self.assertEqual(theirs.priority_parts["gravity"], 0.0)

    def test_the_nightly_refresh_applies_new_weights_to_everyone(self) -> None:
        recent, _ = self.make_recent_and_grave()
        refresh_all_priorities(as_of=AS_OF)
        self.assertEqual(self.ranked(), ["Recent", "Grave"])
        m.PriorityWeights.objects.filter(agency__isnull=True).update(gravity=3.0, recency=0.5)
        self.assertEqual(refresh_all_priorities(as_of=AS_OF), 2)
        self.assertEqual(self.ranked(), ["Grave", "Recent"])
        stored = m.Nominal.objects.get(pk=recent.pk).priority_score
        self.assertAlmostEqual(stored, nominal_refresh_priority(nominal=recent, as_of=AS_OF).total)

    def test_no_history_scores_nothing(self) -> None:
        nominal = self.person("Clean")
        self.assertEqual(self.score(nominal), 0.0)
        nominal.refresh_from_db()
        self.assertIn("No incidents or convictions", nominal.priority_parts["explanation"][0])
