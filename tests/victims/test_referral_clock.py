"""The Victim Contact Scheme referral falls due 20 working days after *sentence* (issue 10,
finding 10; DOMAIN.md "Victims": "Referral to the Victim Contact Scheme within 20 working days
of sentence (a practice setting ...; the clock needs a sentence date)"). With no sentence date
recorded the due item counts from conviction and says so."""

from __future__ import annotations

import datetime as dt

from notifications.models import DueItem, DueKind, DueStatus
from register import services as register_services
from tests.victims.base import VictimsTestCase
from victims import conf, rules, services


class ReferralClockTests(VictimsTestCase):
    def referral(self) -> DueItem:
        return DueItem.objects.get(
            kind=DueKind.VCS_REFERRAL, subject_id=str(self.victim.pk), status=DueStatus.OPEN
        )

    def test_counted_from_sentence_or_from_conviction_saying_so(self) -> None:
        self.assertEqual(self.victim.scheme, "statutory_vcs")
        conviction_on = self.conviction.conviction_date
        item = self.referral()
        self.assertIn("no sentence date: counted from conviction", item.title)
        self.assertIn("no sentence date is recorded", item.source)
        expected = rules.add_working_days(
            conviction_on, conf.vcs_referral_working_days(), conf.bank_holidays()
        )
        self.assertEqual(item.due_at.date(), expected)

        sentenced_on = conviction_on + dt.timedelta(days=28)
        register_services.nominal_detail_update(
            actor=self.officer_a,
            kind="convictions",
            detail=self.conviction,
            data={"sentence_date": sentenced_on},
            reason="Sentence date from the court record",
        )
        self.victim.refresh_from_db()
        services.scheme_work_out(actor=self.vlo_a, victim=self.victim, reason="Sentence recorded")
        item = self.referral()
        self.assertNotIn("no sentence date", item.title)
        self.assertIn("from sentence on", item.source)
        self.assertEqual(
            item.due_at.date(),
            rules.add_working_days(
                sentenced_on, conf.vcs_referral_working_days(), conf.bank_holidays()
            ),
        )
