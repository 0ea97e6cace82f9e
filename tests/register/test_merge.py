"""Two records of the same person: finding them (without hinting at records the user may not
see) and folding one into the other with both histories kept."""

from __future__ import annotations

import datetime as dt

from register import access, selectors, services
from register import models as m
from register.errors import DomainError
from register.search import nominal_search
from tests import register_factories as rf
from tests.base import RegisterTestCase

MERGE_REASON = "Same person: PNC and fingerprints confirm (IDENT1 ref 26/0412)"


class MergeTests(RegisterTestCase):
    keep: m.Nominal
    duplicate: m.Nominal
    moved: dict[str, object]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.keep = rf.person(cls.officer_a, "Harrow", "Dean", dt.date(1979, 8, 23))
        # Agency B recorded him separately, with the day and month of birth the other way round.
        cls.duplicate = rf.person(
            cls.officer_b,
            "Harrowe",
            "Dean",
            dt.date(1979, 5, 8),
            ni_number="JK 12 34 56 C",
            pnc_id=rf.pnc(456789),
        )
        cls.moved = rf.one_of_each(cls.officer_b, cls.duplicate)

    def merge(self, reason: str = MERGE_REASON) -> m.Nominal:
        keep = m.Nominal.objects.get(pk=self.keep.pk)
        duplicate = m.Nominal.objects.get(pk=self.duplicate.pk)
        return services.nominal_merge(
            actor=self.supervisor_a, keep=keep, duplicate=duplicate, reason=reason
        )

    def test_details_move_to_the_record_kept(self) -> None:
        self.merge()
        for kind, detail in self.moved.items():
            with self.subTest(kind):
                spec = services.DETAIL_KINDS[kind]
                row = spec.model._default_manager.get(pk=detail.pk)  # type: ignore[attr-defined]
                self.assertEqual(spec.nominal_of(row), self.keep)
        self.assertFalse(m.NominalName.objects.filter(nominal=self.duplicate).exists())
        names = {(n.kind, n.family_name) for n in self.keep.names.all()}
        self.assertIn((m.NameKind.CURRENT, "Harrow"), names)
        self.assertIn((m.NameKind.PREVIOUS, "Harrowe"), names)  # the duplicate's current name
        self.assertEqual(self.keep.names.filter(kind=m.NameKind.CURRENT).count(), 1)

    def test_identifiers_and_other_date_of_birth_carry_over(self) -> None:
        keep = self.merge()
        keep.refresh_from_db()
        self.assertEqual((keep.ni_number, keep.pnc_id), ("JK123456C", rf.pnc(456789)))
        self.assertEqual(keep.other_dates_of_birth, [dt.date(1979, 5, 8)])
        self.assertEqual(keep.date_of_birth, dt.date(1979, 8, 23))

    def test_both_histories_are_kept(self) -> None:
        self.merge()
        duplicate = m.Nominal.objects.get(pk=self.duplicate.pk)
        self.assertEqual(duplicate.merged_into_id, self.keep.pk)
        latest = duplicate.history.latest()
        self.assertEqual(latest.history_user, self.supervisor_a)
        self.assertIn(MERGE_REASON, latest.history_change_reason)
        self.assertTrue(latest.history_change_reason.startswith("Merged into HARROW, Dean"))
        self.assertEqual(duplicate.history.earliest().history_change_reason, rf.REASON)
        for kind, detail in self.moved.items():
            with self.subTest(kind):
                rows = list(detail.history.order_by("history_date"))  # type: ignore[attr-defined]
                self.assertEqual(
                    (rows[0].history_user, rows[0].history_change_reason),
                    (self.officer_b, rf.REASON),
                )
                if services.DETAIL_KINDS[kind].parent_field != "nominal":
                    # Conditions and breaches stay on their order, which moved: no change of theirs.
                    self.assertEqual(len(rows), 1)
                    continue
                self.assertEqual(len(rows), 2)
                self.assertEqual(
                    (rows[0].nominal_id, rows[1].nominal_id), (self.duplicate.pk, self.keep.pk)
                )
                self.assertEqual(rows[1].history_user, self.supervisor_a)
                self.assertIn(MERGE_REASON, rows[1].history_change_reason)
                self.assertIn(str(self.duplicate.pk), rows[1].history_change_reason)
        keep_latest = m.Nominal.objects.get(pk=self.keep.pk).history.latest()
        self.assertIn(MERGE_REASON, keep_latest.history_change_reason)

    def test_agencies_that_saw_the_duplicate_can_see_the_merged_record(self) -> None:
        self.assertFalse(selectors.nominal_list(user=self.officer_b).filter(pk=self.keep.pk))
        self.merge()
        self.assertEqual(list(selectors.nominal_list(user=self.officer_b)), [self.keep])
        self.assertEqual(access.agency_actions(self.keep, self.agency_b.pk), {"view"})
        self.assertEqual(
            access.agency_actions(self.keep, self.agency_a.pk), {"view", "change", "share"}
        )
        grant = m.NominalAgencyPermission.history.get(
            group=self.agency_b.group, content_object=self.keep
        )
        self.assertIn(MERGE_REASON, grant.history_change_reason)

    def test_the_duplicate_disappears_from_lists_and_search(self) -> None:
        self.merge()
        self.assertEqual(list(selectors.nominal_list(user=self.officer_a)), [self.keep])
        self.assertNotIn(
            self.duplicate.pk,
            selectors.nominal_list(user=self.officer_b).values_list("pk", flat=True),
        )
        hits = nominal_search(user=self.officer_a, text="Dean Harrowe")
        # Found by the duplicate's name, which now belongs to the record kept.
        self.assertEqual([h.nominal.pk for h in hits], [self.keep.pk])
        self.assertIn("Full previous name matches exactly", hits[0].reasons)
        self.assertEqual(
            [h.nominal.pk for h in nominal_search(user=self.officer_a, text="JK123456C")],
            [self.keep.pk],
        )

    def test_derived_columns_follow_the_moved_details(self) -> None:
        criteria = m.CriteriaSet.objects.get(key="broad-convicted")
        rf.stalking_conviction(self.officer_b, self.duplicate, dt.date(2019, 2, 1))
        services.registration_decide(
            actor=self.officer_b,
            nominal=self.duplicate,
            criteria_set=criteria,
            decision=m.Decision.REGISTER,
            rationale="Two stalking convictions",
            decided_on=dt.date(2025, 1, 6),
            starts_on=dt.date(2025, 1, 6),
            review_on=dt.date(2026, 1, 6),
        )
        self.keep.refresh_from_db()
        self.assertEqual(self.keep.registration_status, m.RegistrationStatus.NOT_DECIDED)
        self.assertEqual(self.keep.priority_score, 0.0)
        self.merge()
        keep = m.Nominal.objects.get(pk=self.keep.pk)
        duplicate = m.Nominal.objects.get(pk=self.duplicate.pk)
        self.assertEqual(keep.registration_status, m.RegistrationStatus.REGISTERED)
        self.assertEqual(keep.current_risk_level, m.RiskLevel.MEDIUM)
        self.assertGreater(keep.priority_score, 0.0)
        self.assertEqual(duplicate.registration_status, m.RegistrationStatus.NOT_DECIDED)
        self.assertEqual((duplicate.priority_score, duplicate.current_risk_level), (0.0, ""))
        # The registration moved with the person: no second one can be made.
        with self.assertRaisesMessage(DomainError, "already registered"):
            services.registration_decide(
                actor=self.officer_a,
                nominal=keep,
                criteria_set=criteria,
                decision=m.Decision.REGISTER,
                rationale="Again",
                decided_on=dt.date(2025, 2, 1),
                starts_on=dt.date(2025, 2, 1),
                review_on=dt.date(2026, 2, 1),
            )

    def test_two_current_registrations_cannot_be_merged(self) -> None:
        criteria = m.CriteriaSet.objects.get(key="broad-convicted")
        for actor, nominal in ((self.officer_a, self.keep), (self.officer_b, self.duplicate)):
            for day in (dt.date(2017, 3, 1), dt.date(2021, 3, 1)):
                rf.stalking_conviction(actor, nominal, day)
            services.registration_decide(
                actor=actor,
                nominal=nominal,
                criteria_set=criteria,
                decision=m.Decision.REGISTER,
                rationale="Serial stalker",
                decided_on=dt.date(2025, 1, 6),
                starts_on=dt.date(2025, 1, 6),
                review_on=dt.date(2026, 1, 6),
            )
        with self.assertRaisesMessage(DomainError, "Both records have a current registration"):
            self.merge()
        self.assertIsNone(m.Nominal.objects.get(pk=self.duplicate.pk).merged_into_id)
        self.assertEqual(self.duplicate.registrations.count(), 1)

    def test_refusals_change_nothing(self) -> None:
        with self.assertRaisesMessage(DomainError, "Enter the reason for this change"):
            self.merge(reason="  ")
        with self.assertRaisesMessage(DomainError, "two different records"):
            services.nominal_merge(
                actor=self.supervisor_a, keep=self.keep, duplicate=self.keep, reason="Same"
            )
        self.assertEqual(m.NominalName.objects.filter(nominal=self.duplicate).count(), 2)
        self.merge()
        third = rf.person(self.officer_a, "Harrow", "D", dt.date(1979, 8, 23))
        with self.assertRaisesMessage(DomainError, "already been merged"):
            services.nominal_merge(
                actor=self.supervisor_a,
                keep=third,
                duplicate=m.Nominal.objects.get(pk=self.duplicate.pk),
                reason="Again",
            )


class PossibleDuplicatesTests(RegisterTestCase):
    existing: m.Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.existing = rf.person(
            cls.officer_a,
            "Kowalski",
            "Piotr",
            dt.date(1985, 4, 6),
            ni_number="JK 12 34 56 C",
            pnc_id=rf.pnc(98765),
        )
        rf.person(cls.officer_a, "Kowalski", "Anna", dt.date(1985, 4, 6))  # his twin sister

    def find(self, user: m.StaffUser | None = None, **person: object) -> list[m.Nominal]:
        hits = services.possible_duplicates(user=user or self.officer_a, **person)  # type: ignore[arg-type]
        return [hit.nominal for hit in hits]

    def test_similar_name_and_the_same_date_of_birth(self) -> None:
        # Same family name and birthday, another given name: his twin, or a brother. Not him.
        hits = services.possible_duplicates(
            user=self.officer_a,
            given_names="Pawel",
            family_name="Kowalsky",
            date_of_birth=dt.date(1985, 4, 6),
        )
        self.assertEqual(hits, [])
        hits = services.possible_duplicates(
            user=self.officer_a,
            given_names="Piotr",
            family_name="Kowalsky",
            date_of_birth=dt.date(1985, 4, 6),
        )
        self.assertEqual([h.nominal for h in hits], [self.existing])
        self.assertEqual(hits[0].reasons, ["Full name sounds alike", "Date of birth matches"])

    def test_similar_name_with_another_date_of_birth_is_not_a_duplicate(self) -> None:
        self.assertEqual(
            self.find(
                given_names="Piotr", family_name="Kowalski", date_of_birth=dt.date(1990, 1, 1)
            ),
            [],
        )

    def test_the_same_ni_number_or_pnc_id(self) -> None:
        for identifiers in ({"ni_number": "jk123456c"}, {"pnc_id": "04/98765" + rf.pnc(98765)[-1]}):
            with self.subTest(identifiers):
                found = self.find(None, given_names="Peter", family_name="Cole", **identifiers)
                self.assertEqual(found, [self.existing])

    def test_never_returns_records_the_user_may_not_see(self) -> None:
        same_person = {
            "given_names": "Piotr",
            "family_name": "Kowalski",
            "date_of_birth": dt.date(1985, 4, 6),
            "ni_number": "JK123456C",
        }
        for persona in (self.officer_b, self.vlo_a, self.admin_b):
            with self.subTest(persona.username):
                self.assertEqual(self.find(persona, **same_person), [])
        services.nominal_share(
            actor=self.officer_a, nominal=self.existing, agency=self.agency_b, reason="Moved area"
        )
        self.assertEqual(self.find(self.officer_b, **same_person), [self.existing])

    def test_merged_records_are_not_offered(self) -> None:
        keep = rf.person(self.officer_a, "Kowalski", "Piotr", dt.date(1985, 4, 6))
        services.nominal_merge(
            actor=self.officer_a, keep=keep, duplicate=self.existing, reason="Same person"
        )
        found = self.find(
            given_names="Piotr", family_name="Kowalski", date_of_birth=dt.date(1985, 4, 6)
        )
        self.assertEqual(found, [keep])
