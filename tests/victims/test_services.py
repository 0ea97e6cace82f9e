"""Services: scheme worked out from the linked conviction, the VCS referral due item, grants,
contact log, representations, misidentified victims; bad input refused with nothing saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from notifications import rules as deadline_rules
from notifications.models import Compartment, DueItem, DueKind, DueStatus
from register import models as m
from register.errors import DomainError
from tests import register_factories as rf
from tests.victims.base import REASON, VictimsTestCase, make_victim
from victims import rules, services
from victims.models import (
    OfferAnswer,
    Relationship,
    Scheme,
    Victim,
    VictimAccessGrant,
    VictimContact,
    VictimLink,
)


class SchemeTests(VictimsTestCase):
    def test_statutory_from_the_linked_conviction_with_a_referral_due_item(self) -> None:
        victim = self.victim
        self.assertEqual(victim.scheme, Scheme.STATUTORY_VCS)
        self.assertIn("18 months", victim.scheme_reason)
        self.assertEqual(victim.scheme_conviction_id, self.conviction.pk)
        item = DueItem.objects.get(kind=DueKind.VCS_REFERRAL, subject_id=str(victim.pk))
        # 20 working days from Monday 3 November 2025 is Monday 1 December 2025, end of day.
        self.assertEqual(item.due_at, deadline_rules.end_of_day(dt.date(2025, 12, 1)))
        self.assertEqual(item.compartment, Compartment.VICTIM)
        self.assertEqual(item.owner, self.vlo_a)  # moved to the VLO on allocation
        self.assertEqual(item.link, f"/victims/{victim.pk}/")

    def test_offer_meets_the_referral(self) -> None:
        services.scheme_offer_record(
            actor=self.vlo_a,
            victim=self.victim,
            offer_made_on=dt.date(2026, 1, 5),
            offer_answer=OfferAnswer.OPTED_IN,
            answer_on=dt.date(2026, 1, 9),
            contact_level="every_key_stage",
            reason="Offer letter sent",
        )
        item = DueItem.objects.get(kind=DueKind.VCS_REFERRAL, subject_id=str(self.victim.pk))
        self.assertEqual(item.status, DueStatus.MET)

    def test_harassment_victim_is_in_the_notification_scheme(self) -> None:
        other = rf.person(self.officer_a, "Pellow", "Mark")
        harassment = rf.stalking_conviction(
            self.officer_a, other, dt.date(2025, 6, 2), code="PHA1997-s2", sentence_months=6
        )
        victim = make_victim(self.officer_a, other, given_names="Beth", convictions=[harassment])
        self.assertEqual(victim.scheme, Scheme.VICTIM_NOTIFICATION_SCHEME)
        self.assertFalse(DueItem.objects.filter(subject_id=str(victim.pk)).exists())

    def test_no_conviction_is_discretionary_and_a_later_link_can_raise_it(self) -> None:
        other = rf.person(self.officer_a, "Pellow", "Mark")
        victim = make_victim(self.officer_a, other, given_names="Cara")
        self.assertEqual(victim.scheme, Scheme.DISCRETIONARY)
        services.victim_link_add(
            actor=self.officer_a,
            victim=victim,
            nominal=self.nominal,
            relationship=Relationship.STALKING_ACQUAINTANCE,
            convictions=[self.conviction],
            reason=REASON,
        )
        victim.refresh_from_db()
        self.assertEqual(victim.scheme, Scheme.STATUTORY_VCS)
        self.assertEqual(victim.links.count(), 2)
        self.assertEqual(victim.history.first().history_change_reason, REASON)


class BadInputTests(VictimsTestCase):
    def test_victim_refused_without_names_or_with_both_age_and_birth_date(self) -> None:
        before = (Victim.objects.count(), VictimLink.objects.count())
        with self.assertRaises(DomainError) as caught:
            make_victim(self.officer_a, self.nominal, given_names="", family_name="")
        self.assertEqual(caught.exception.field, "family_name")
        with self.assertRaises(DomainError) as caught:
            make_victim(self.officer_a, self.nominal, date_of_birth=dt.date(1990, 1, 1), age=30)
        self.assertEqual(caught.exception.field, "age")
        self.assertEqual((Victim.objects.count(), VictimLink.objects.count()), before)

    def test_convictions_of_another_person_refused(self) -> None:
        other = rf.person(self.officer_a, "Pellow", "Mark")
        with self.assertRaises(DomainError) as caught:
            make_victim(self.officer_a, other, convictions=[self.conviction])
        self.assertEqual(caught.exception.field, "convictions")

    def test_same_link_twice_refused(self) -> None:
        with self.assertRaises(DomainError) as caught:
            services.victim_link_add(
                actor=self.officer_a,
                victim=self.victim,
                nominal=self.nominal,
                relationship=Relationship.PARTNER,
                reason=REASON,
            )
        self.assertEqual(caught.exception.field, "victim")

    def test_only_users_who_may_change_the_nominal_record_victims(self) -> None:
        for user in (self.vlo_a, self.officer_b, self.auditor):
            with self.subTest(user=user.username), self.assertRaises(DomainError):
                make_victim(user, self.nominal)

    def test_contact_log_refuses_future_dates_and_empty_notes(self) -> None:
        before = VictimContact.objects.count()
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        cases: list[tuple[dict[str, Any], str]] = [
            ({"contact_on": tomorrow, "notes": "x"}, "contact_on"),
            ({"contact_on": dt.date(2026, 1, 1), "notes": " "}, "notes"),
            ({"contact_on": dt.date(2026, 1, 1), "notes": "x", "channel": "fax"}, "channel"),
        ]
        for kwargs, field in cases:
            with self.subTest(field=field), self.assertRaises(DomainError) as caught:
                services.contact_record(
                    actor=self.vlo_a,
                    victim=self.victim,
                    shared=[],
                    **{"channel": "phone", **kwargs},
                )
            self.assertEqual(caught.exception.field, field)
        self.assertEqual(VictimContact.objects.count(), before)

    def test_offender_side_users_cannot_write_the_compartment(self) -> None:
        for user in (self.officer_a, self.vlo_b):
            with self.subTest(user=user.username), self.assertRaises(DomainError):
                services.contact_details_set(
                    actor=user, victim=self.victim, reason="x", phone="000"
                )

    def test_opted_in_needs_a_level_and_an_answer_date(self) -> None:
        with self.assertRaises(DomainError) as caught:
            services.scheme_offer_record(
                actor=self.vlo_a,
                victim=self.victim,
                offer_made_on=dt.date(2026, 1, 5),
                offer_answer=OfferAnswer.OPTED_IN,
                answer_on=dt.date(2026, 1, 6),
                reason="x",
            )
        self.assertEqual(caught.exception.field, "contact_level")
        self.victim.refresh_from_db()
        self.assertIsNone(self.victim.offer_made_on)

    def test_allocation_only_to_a_vlo_of_the_owning_agency(self) -> None:
        for vlo in (self.vlo_b, self.officer_a):
            with self.subTest(vlo=vlo.username), self.assertRaises(DomainError) as caught:
                services.victim_allocate(actor=self.vlo_a, victim=self.victim, vlo=vlo, reason="x")
            self.assertEqual(caught.exception.field, "vlo")


class GrantTests(VictimsTestCase):
    def test_grant_and_revocation_are_recorded_in_history(self) -> None:
        grant = services.grant_add(
            actor=self.vlo_a, victim=self.victim, grantee=self.officer_a, reason="Risk planning"
        )
        self.assertTrue(services.has_active_grant(self.officer_a, self.victim))
        services.grant_revoke(actor=self.vlo_a, grant=grant, reason="Plan agreed")
        self.assertFalse(services.has_active_grant(self.officer_a, self.victim))
        history = list(VictimAccessGrant.history.filter(id=grant.pk).order_by("history_date"))
        self.assertEqual([h.history_user for h in history], [self.vlo_a, self.vlo_a])
        self.assertEqual(
            [h.history_change_reason for h in history], ["Risk planning", "Plan agreed"]
        )

    def test_grants_refused_to_auditors_and_by_non_owning_users(self) -> None:
        with self.assertRaises(DomainError) as caught:
            services.grant_add(
                actor=self.vlo_a, victim=self.victim, grantee=self.auditor, reason="x"
            )
        self.assertEqual(caught.exception.field, "grantee")
        with self.assertRaises(DomainError):
            services.grant_add(
                actor=self.vlo_b, victim=self.victim, grantee=self.officer_b, reason="x"
            )
        with self.assertRaises(DomainError) as caught:
            services.grant_add(
                actor=self.vlo_a, victim=self.victim, grantee=self.vlo_a2, reason="x"
            )
        self.assertEqual(caught.exception.field, "grantee")
        self.assertFalse(VictimAccessGrant.objects.exists())


class MisidentifiedTests(VictimsTestCase):
    def test_flags_both_records_and_blocks_registration(self) -> None:
        counter = rf.person(self.officer_a, "Dunmore", "Alice")
        services.victim_mark_also_nominal(
            actor=self.officer_a,
            victim=self.victim,
            nominal=counter,
            misidentification=m.Misidentification.COUNTER_ALLEGATION,
            reason="Dual arrest on 3 Jan; she was defending herself",
        )
        self.victim.refresh_from_db()
        counter.refresh_from_db()
        self.assertEqual(self.victim.also_nominal, counter)
        self.assertEqual(counter.possible_misidentified_victim, "counter_allegation")
        self.assertTrue(counter.misidentification_review_pending)

    def test_cannot_be_the_person_who_harmed_them(self) -> None:
        with self.assertRaises(DomainError) as caught:
            services.victim_mark_also_nominal(
                actor=self.officer_a,
                victim=self.victim,
                nominal=self.nominal,
                misidentification=m.Misidentification.DUAL_ARREST,
                reason="x",
            )
        self.assertEqual(caught.exception.field, "nominal")
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.possible_misidentified_victim, "")


class CaseloadGuideTests(VictimsTestCase):
    def test_guide_is_a_setting(self) -> None:
        from victims import conf

        self.assertEqual(conf.vlo_caseload_guide(), 180)
        with self.settings(VICTIMS_VLO_CASELOAD_GUIDE=1):
            self.assertEqual(conf.vlo_caseload_guide(), 1)
        self.assertIn("under the guide", rules.caseload_status(1, 180))
