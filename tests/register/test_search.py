"""Finding a person from one search box: names as they are really spelled, dates of birth as they
are really typed, identifiers in any format, and only among the records the user may see."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.test import SimpleTestCase
from django.urls import reverse
from rest_framework.test import APIClient

from register import models as m
from register import search
from register.search import (
    SearchHit,
    nominal_search,
    normalise_name,
    parse_query,
    phonetic,
    pnc_variants,
    swapped_day_month,
    trigram_available,
)
from register.services import nominal_share
from tests import register_factories as rf
from tests.base import RegisterTestCase


class ParseQueryTests(SimpleTestCase):
    """What the one box understands, without a database."""

    def test_a_name_alone_is_names(self) -> None:
        query = parse_query("  John   Smith ")
        self.assertEqual(query.names, ["John", "Smith"])
        self.assertEqual(query.dates, [])
        self.assertFalse(query.is_empty)

    def test_family_name_first_with_a_comma(self) -> None:
        self.assertEqual(parse_query("SMITH, John").names, ["SMITH", "John"])

    def test_dates_in_british_and_iso_order(self) -> None:
        self.assertEqual(parse_query("Smith 03/12/1984").dates, [dt.date(1984, 12, 3)])
        self.assertEqual(parse_query("Smith 3.12.1984").dates, [dt.date(1984, 12, 3)])
        self.assertEqual(parse_query("Smith 1984-03-12").dates, [dt.date(1984, 3, 12)])
        self.assertEqual(parse_query("Smith 1984-03-12").names, ["Smith"])

    def test_an_impossible_date_is_dropped_not_guessed(self) -> None:
        query = parse_query("Smith 31/02/1984")
        self.assertEqual(query.dates, [])
        self.assertEqual(query.names, ["Smith"])

    def test_pnc_id_is_normalised(self) -> None:
        self.assertEqual(parse_query("04/123456b").pnc_id, "04/0123456B")
        self.assertEqual(parse_query("2004/0123456B").pnc_id, "2004/0123456B")
        self.assertEqual(parse_query("2004/0123456B").names, [])

    def test_ni_number_with_or_without_spaces(self) -> None:
        for text in ("jk 12 34 56 c", "JK123456C", "Jk123456c"):
            with self.subTest(text):
                query = parse_query(text)
                self.assertEqual(query.ni_number, "JK123456C")
                self.assertEqual(query.names, [])

    def test_phone_numbers_in_the_formats_people_type(self) -> None:
        for text in (
            "07700 900123",
            "07700900123",
            "+44 7700 900123",
            "+44 (0)7700 900123",
            "0044 7700 900 123",
            "07700-900-123",
            "(07700) 900123",
            "07700.900.123",
        ):
            with self.subTest(text):
                query = parse_query(text)
                self.assertEqual(query.phone, "07700900123")
                self.assertTrue(query.names == [] and query.registration == "")

    def test_a_foreign_phone_number_keeps_its_country_code(self) -> None:
        self.assertEqual(parse_query("+33 1 23 45 67 89").phone, "+33123456789")

    def test_short_numbers_are_not_phone_numbers(self) -> None:
        self.assertEqual(parse_query("Smith 2004 12").phone, "")

    def test_an_email_address_is_not_read_as_a_name_phone_or_date(self) -> None:
        query = parse_query("Smith jon.smith.1984@mail-box.co.uk")
        self.assertEqual(query.email, "jon.smith.1984@mail-box.co.uk")
        self.assertEqual((query.names, query.phone, query.dates), (["Smith"], "", []))

    def test_vehicle_registration_with_or_without_the_space(self) -> None:
        for text in ("NM64 XYZ", "nm64xyz", "Nm64 xyz"):
            with self.subTest(text):
                self.assertEqual(parse_query(text).registration, "NM64XYZ")
        mixed = parse_query("Y123 ABC Price")
        self.assertEqual((mixed.registration, mixed.names), ("Y123ABC", ["Price"]))

    def test_a_bare_word_is_a_name_not_a_registration(self) -> None:
        query = parse_query("Smith")
        self.assertEqual((query.registration, query.names), ("", ["Smith"]))

    def test_name_date_and_identifier_together(self) -> None:
        query = parse_query("Jon Smyth 12/03/1984 JK 12 34 56 C")
        self.assertEqual(query.names, ["Jon", "Smyth"])
        self.assertEqual(query.dates, [dt.date(1984, 3, 12)])
        self.assertEqual(query.ni_number, "JK123456C")

    def test_punctuation_alone_is_an_empty_query(self) -> None:
        self.assertTrue(parse_query(" , - ").is_empty)


class SearchKeyTests(SimpleTestCase):
    def test_spelling_variants_share_a_phonetic_key(self) -> None:
        for variant, standard in (
            ("Smyth", "Smith"),
            ("Kathryn", "Catherine"),
            ("Mohamed", "Mohammed"),
            ("Muhammad", "Mohammed"),
            ("Jon", "John"),
            ("Philips", "Fillips"),
            ("Thompson", "Thomson"),
            ("Simpson", "Simson"),
            ("Michał", "Michal"),
            ("Søren", "Soren"),
        ):
            with self.subTest(variant):
                self.assertEqual(phonetic(variant), phonetic(standard))

    def test_letters_unicode_leaves_whole_are_folded_to_ascii(self) -> None:
        for written, folded in (
            ("Łukasz Wałęsa", "lukaszwalesa"),
            ("Øyvind Strøm", "oyvindstrom"),
            ("Weiß", "weiss"),
            ("Ægir Þórsson", "aegirthorsson"),
            ("Zoë O'Neill", "zoeoneill"),
        ):
            with self.subTest(written):
                self.assertEqual(normalise_name(written), folded)

    def test_different_names_have_different_keys(self) -> None:
        for one, other in (("Smith", "Jones"), ("Catherine", "Caroline"), ("Smith", "Smitn")):
            with self.subTest(one=one, other=other):
                self.assertNotEqual(phonetic(one), phonetic(other))

    def test_day_and_month_swapped(self) -> None:
        self.assertEqual(swapped_day_month(dt.date(1984, 12, 3)), dt.date(1984, 3, 12))
        self.assertIsNone(swapped_day_month(dt.date(1984, 3, 13)))  # no 13th month
        self.assertIsNone(swapped_day_month(dt.date(1984, 5, 5)))  # the same either way

    def test_pnc_id_written_with_either_year(self) -> None:
        self.assertEqual(pnc_variants("2004/0123456B"), ["2004/0123456B", "04/0123456B"])
        self.assertEqual(
            pnc_variants("04/0123456B"), ["04/0123456B", "1904/0123456B", "2004/0123456B"]
        )


class NominalSearchTests(RegisterTestCase):
    """register.search.nominal_search against a small register of realistic people."""

    john_smith: m.Nominal
    john_smith_older: m.Nominal
    jon_smyth: m.Nominal
    mohammed: m.Nominal
    catherine: m.Nominal
    darren: m.Nominal
    b_john_smith: m.Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a = cls.officer_a
        cls.john_smith = rf.person(
            a,
            "Smith",
            "John Paul",
            dt.date(1984, 3, 12),
            ni_number="JK 12 34 56 C",
            pnc_id=rf.pnc(123456),
        )
        rf.add(a, cls.john_smith, "contact-details", {"kind": "phone", "value": "07700 900123"})
        rf.add(
            a,
            cls.john_smith,
            "contact-details",
            {"kind": "email", "value": "J.P.Smith84@Example.co.uk"},
        )
        rf.add(a, cls.john_smith, "vehicles", {"registration": "nm64 xyz", "description": "Astra"})
        cls.john_smith_older = rf.person(a, "Smith", "John", dt.date(1975, 6, 30))
        cls.jon_smyth = rf.person(a, "Smyth", "Jon", dt.date(1990, 7, 1))
        cls.mohammed = rf.person(a, "Khan", "Mohammed", dt.date(1979, 5, 20))
        cls.catherine = rf.person(a, "Walsh", "Catherine", dt.date(1988, 11, 2))
        cls.darren = rf.person(a, "Price", "Darren", dt.date(1981, 1, 17))
        rf.add(
            a,
            cls.darren,
            "names",
            {"kind": m.NameKind.ALIAS, "given_names": "Lee", "family_name": "Mercer"},
        )
        rf.add(
            a,
            cls.darren,
            "names",
            {"kind": m.NameKind.ONLINE, "family_name": "stormrider88", "platform": "Instagram"},
        )
        # Agency B's own John Smith: same name, another force's record.
        cls.b_john_smith = rf.person(cls.officer_b, "Smith", "John", dt.date(1992, 9, 9))

    def find(self, text: str, user: m.StaffUser | None = None) -> list[SearchHit]:
        return nominal_search(user=user or self.officer_a, text=text)

    def ids(self, text: str, user: m.StaffUser | None = None) -> list[object]:
        return [hit.nominal.pk for hit in self.find(text, user)]

    def hit(self, text: str, nominal: m.Nominal) -> SearchHit:
        for found in self.find(text):
            if found.nominal.pk == nominal.pk:
                return found
        self.fail(f"{text!r} did not find {nominal}")

    # Names ------------------------------------------------------------------------------

    def test_spelling_variants_find_the_person(self) -> None:
        for text, person in (
            ("Smyth", self.john_smith),
            ("Mohamed Khan", self.mohammed),
            ("Muhammad Khan", self.mohammed),
            ("Kathryn Walsh", self.catherine),
            ("Katherine Welsh", self.catherine),
        ):
            with self.subTest(text):
                self.assertIn(person.pk, self.ids(text))

    def test_sound_alike_finds_john_smith_and_says_why(self) -> None:
        hit = self.hit("Jon Smyth", self.john_smith)
        self.assertEqual(hit.score, search.SCORE_NAME_PHONETIC)
        self.assertEqual(hit.reasons, ["Full name sounds alike"])

    def test_exact_hits_rank_above_sound_alikes(self) -> None:
        found = self.ids("John Smith")
        self.assertEqual(set(found[:2]), {self.john_smith.pk, self.john_smith_older.pk})
        self.assertGreater(found.index(self.jon_smyth.pk), 1)
        by_id = {h.nominal.pk: h for h in self.find("John Smith")}
        self.assertEqual(by_id[self.john_smith.pk].score, search.SCORE_NAME_EXACT)
        self.assertEqual(by_id[self.jon_smyth.pk].score, search.SCORE_NAME_PHONETIC)
        # And the other way round: Jon Smyth is the exact hit for "Jon Smyth".
        self.assertEqual(self.ids("Jon Smyth")[0], self.jon_smyth.pk)

    def test_exact_hits_survive_the_candidate_cap(self) -> None:
        for given in ("Adam", "Brian", "Colin", "Derek", "Errol"):
            rf.person(self.officer_a, "Smith", given, dt.date(1970, 1, 1))
        with mock.patch.object(search, "MAX_CANDIDATES", 2):
            found = self.ids("John Smith")
        self.assertEqual(set(found), {self.john_smith.pk, self.john_smith_older.pk})

    def test_alias_and_online_names_find_the_person(self) -> None:
        alias = self.hit("Lee Mercer", self.darren)
        self.assertEqual(alias.reasons, ["Full alias name matches exactly"])
        online = self.hit("stormrider88", self.darren)
        self.assertEqual(online.reasons, ["Family online name matches exactly"])
        self.assertEqual(self.ids("Lee Mercer"), [self.darren.pk])

    def test_given_and_family_names_swapped(self) -> None:
        hit = self.hit("Smith John", self.john_smith_older)
        self.assertEqual(hit.score, search.SCORE_NAME_SWAPPED)
        self.assertEqual(hit.reasons, ["Given and family names swapped"])
        self.assertIn(self.catherine.pk, self.ids("Walsh Kathryn"))

    def test_a_single_word_is_tried_as_either_name(self) -> None:
        self.assertIn(self.darren.pk, self.ids("Darren"))
        self.assertIn(self.darren.pk, self.ids("Price"))

    def test_a_different_name_finds_nobody(self) -> None:
        self.assertEqual(self.ids("Gareth Jones"), [])

    def test_one_letter_typo_by_trigram_when_pg_trgm_is_installed(self) -> None:
        """'Smoth' sounds like Smith (same phonetic key), so it is found either way; 'Smitn'
        (n next to h on the keyboard) has another key and only pg_trgm can catch it."""
        smoth = self.hit("Smoth", self.john_smith)
        self.assertEqual(smoth.reasons, ["Family name sounds alike"])
        typo = {h.nominal.pk: h for h in self.find("Smitn")}
        if trigram_available():
            self.assertIn(self.john_smith.pk, typo)
            self.assertEqual(typo[self.john_smith.pk].reasons, ["Family name is spelled similarly"])
            self.assertLess(typo[self.john_smith.pk].score, smoth.score)
        else:
            # Without pg_trgm only exact and phonetic keys match: no false hits either.
            self.assertEqual(typo, {})

    # Dates of birth --------------------------------------------------------------------

    def test_date_of_birth_picks_the_right_john_smith(self) -> None:
        found = self.find("John Smith 12/03/1984")
        self.assertEqual(found[0].nominal.pk, self.john_smith.pk)
        self.assertEqual(found[0].score, search.SCORE_NAME_EXACT + search.SCORE_DOB_EXACT)
        self.assertIn("Date of birth matches", found[0].reasons)
        self.assertEqual(found[1].score, search.SCORE_NAME_EXACT)

    def test_date_of_birth_with_day_and_month_swapped(self) -> None:
        found = self.find("John Smith 03/12/1984")
        self.assertEqual(found[0].nominal.pk, self.john_smith.pk)
        self.assertEqual(found[0].score, search.SCORE_NAME_EXACT + search.SCORE_DOB_SWAPPED)
        self.assertIn("Date of birth matches with day and month swapped", found[0].reasons)

    def test_a_date_refines_a_name_search_without_adding_strangers(self) -> None:
        self.assertEqual(self.ids("Khan 12/03/1984"), [self.mohammed.pk])
        # Alone, a date of birth finds whoever has it.
        self.assertEqual(self.ids("12/03/1984"), [self.john_smith.pk])

    def test_an_other_date_of_birth_on_record_matches(self) -> None:
        self.catherine.other_dates_of_birth = [dt.date(1988, 2, 11)]
        self.catherine.save()
        self.assertIn("Date of birth matches", self.hit("Walsh 11/02/1988", self.catherine).reasons)

    # Identifiers ----------------------------------------------------------------------

    def test_identifiers_in_any_format(self) -> None:
        for text, reason in (
            ("2004/0123456B", "PNC ID"),
            ("04/123456b", "PNC ID"),
            ("jk 12 34 56 c", "National Insurance number"),
            ("JK123456C", "National Insurance number"),
            ("NM64 XYZ", "Vehicle registration"),
            ("nm64xyz", "Vehicle registration"),
            ("07700 900123", "Phone number"),
            ("+44 7700 900123", "Phone number"),
            ("07700-900-123", "Phone number"),
            ("(07700) 900 123", "Phone number"),
            ("j.p.smith84@example.co.uk", "Email address"),
            ("J.P.Smith84@EXAMPLE.CO.UK", "Email address"),
        ):
            with self.subTest(text):
                found = self.find(text)
                self.assertEqual([h.nominal.pk for h in found], [self.john_smith.pk])
                self.assertEqual(found[0].reasons, [reason])
                self.assertEqual(found[0].score, search.SCORE_IDENTIFIER)

    def test_an_identifier_outranks_any_name(self) -> None:
        found = self.find("Jon Smyth JK123456C")
        self.assertEqual(found[0].nominal.pk, self.john_smith.pk)
        self.assertGreater(found[0].score, search.SCORE_IDENTIFIER)
        self.assertEqual(found[1].nominal.pk, self.jon_smyth.pk)

    def test_the_same_vehicle_twice_counts_once(self) -> None:
        rf.add(
            self.officer_a,
            self.john_smith,
            "vehicles",
            {"registration": "NM64XYZ", "description": "Same car, re-registered keeper"},
        )
        self.assertEqual(self.hit("NM64 XYZ", self.john_smith).score, search.SCORE_IDENTIFIER)

    # Only what the user may see ----------------------------------------------------------

    def test_an_officer_of_another_agency_finds_only_their_own_records(self) -> None:
        for text in ("John Smith", "JK123456C", "2004/0123456B", "07700 900123", "NM64XYZ"):
            with self.subTest(text):
                found = self.ids(text, self.officer_b)
                self.assertNotIn(self.john_smith.pk, found)
                self.assertNotIn(self.john_smith_older.pk, found)
        self.assertEqual(self.ids("John Smith", self.officer_b), [self.b_john_smith.pk])
        self.assertNotIn(self.b_john_smith.pk, self.ids("John Smith"))

    def test_sharing_lets_the_other_agency_find_the_record(self) -> None:
        nominal_share(
            actor=self.officer_a,
            nominal=self.john_smith,
            agency=self.agency_b,
            reason="He has moved to Southdale",
        )
        self.assertEqual(self.ids("JK123456C", self.officer_b), [self.john_smith.pk])
        self.assertIn(self.john_smith.pk, self.ids("John Smith", self.officer_b))

    def test_wrong_roles_find_nothing(self) -> None:
        for persona in (self.vlo_a, self.auditor, self.admin_b):
            with self.subTest(persona.username):
                self.assertEqual(self.ids("John Smith", persona), [])
                self.assertEqual(self.ids("JK123456C", persona), [])

    def test_an_empty_query_finds_nothing(self) -> None:
        self.assertEqual(self.find("   "), [])


class SearchApiTests(RegisterTestCase):
    """GET /api/v1/nominals/search/?q= : the same search, logged, and 404 for wrong roles."""

    nominal: m.Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = rf.person(
            cls.officer_a, "Smith", "John", dt.date(1984, 3, 12), responsible_officer=cls.officer_a
        )
        rf.person(cls.officer_a, "Smyth", "Jon", dt.date(1990, 7, 1))

    def api(self, user: m.StaffUser) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_results_are_ranked_with_score_and_reasons(self) -> None:
        response = self.api(self.officer_a).get(
            reverse("api-nominal-search"), {"q": "Jon Smyth 12/03/1984"}
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        # The matching date of birth lifts the sound-alike above the exact name alone.
        self.assertEqual([r["nominal"]["family_name"] for r in body], ["Smith", "Smyth"])
        smith = body[0]
        self.assertEqual(smith["nominal"]["id"], str(self.nominal.pk))
        self.assertEqual(smith["nominal"]["responsible_officer"], "officer.a")
        self.assertEqual(smith["reasons"], ["Full name sounds alike", "Date of birth matches"])
        self.assertEqual(smith["score"], search.SCORE_NAME_PHONETIC + search.SCORE_DOB_EXACT)
        self.assertEqual(body[1]["score"], search.SCORE_NAME_EXACT)

    def test_missing_query_is_a_field_error(self) -> None:
        response = self.api(self.officer_a).get(reverse("api-nominal-search"), {"q": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()), ["q"])

    def test_every_hit_is_logged_with_the_purpose(self) -> None:
        response = self.api(self.officer_a).get(
            reverse("api-nominal-search"),
            {"q": "John Smith"},
            HTTP_X_PURPOSE="Checking a new referral from children's services",
        )
        self.assertEqual(len(response.json()), 2)
        logs = m.AccessLog.objects.filter(purpose__startswith="Checking a new referral")
        self.assertEqual(logs.count(), 2)
        self.assertEqual(
            {(log.channel, log.user_id, log.recipient_agency_id) for log in logs},
            {(m.AccessChannel.API, self.officer_a.pk, self.agency_a.pk)},
        )

    def test_other_agency_finds_nothing_and_wrong_roles_get_404(self) -> None:
        response = self.api(self.officer_b).get(reverse("api-nominal-search"), {"q": "Smith"})
        self.assertEqual(response.json(), [])
        for persona in (self.vlo_a, self.admin_b):
            with self.subTest(persona.username):
                response = self.api(persona).get(reverse("api-nominal-search"), {"q": "Smith"})
                self.assert_not_found(response)
        self.assertFalse(m.AccessLog.objects.exists())


class FoldedNameTests(RegisterTestCase):
    def test_a_name_with_l_stroke_is_found_as_typed_on_an_english_keyboard(self) -> None:
        walesa = rf.person(self.officer_a, "Wałęsa", "Łukasz", dt.date(1986, 2, 14))
        for text in ("Lukasz Walesa", "Łukasz Wałęsa", "Walesa"):
            with self.subTest(text):
                hits = nominal_search(user=self.officer_a, text=text)
                self.assertEqual([h.nominal.pk for h in hits][:1], [walesa.pk])

    def test_the_migration_refreshes_keys_stored_before_the_folding(self) -> None:
        import importlib

        from django.apps import apps

        thompson = rf.person(self.officer_a, "Thompson", "Michał", dt.date(1970, 1, 1))
        plain = rf.person(self.officer_a, "Brown", "Alan", dt.date(1971, 1, 1))
        # The keys as the old functions stored them.
        m.NominalName.objects.filter(nominal=thompson).update(
            search_given="michal_old", phonetic_family="T512"
        )
        m.NominalName.objects.filter(nominal=plain).update(phonetic_family="UNTOUCHED")
        migration = importlib.import_module("register.migrations.0008_refresh_name_search_keys")
        migration.refresh(apps, None)
        name = m.NominalName.objects.get(nominal=thompson)
        self.assertEqual((name.search_given, name.phonetic_family), ("michal", "T525"))
        # Names that cannot have changed are not rewritten.
        self.assertEqual(m.NominalName.objects.get(nominal=plain).phonetic_family, "UNTOUCHED")
