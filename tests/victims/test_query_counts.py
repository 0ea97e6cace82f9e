"""Pinned query counts: the same with one row as with many, on every list and detail page and
endpoint (each signed-in page for a casework or VLO user includes the header's task badge)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse

from tests import register_factories as rf
from tests.victims.base import REASON, VictimsTestCase, make_victim
from tests.victims.test_disclosures import DisclosureTestCase
from victims import services


class QueryCountTests(VictimsTestCase):
    def grow(self, n: int) -> None:
        """n more victims of the nominal (allocated to vlo.a, with details, contacts, a grant,
        offences), and n more contacts, representations and links for the first victim."""
        for i in range(n):
            conviction = rf.stalking_conviction(
                self.officer_a, self.nominal, dt.date(2024, 1, 1) + dt.timedelta(days=i)
            )
            victim = make_victim(
                self.officer_a, self.nominal, given_names=f"Extra{i}", convictions=[conviction]
            )
            services.victim_allocate(actor=self.vlo_a, victim=victim, vlo=self.vlo_a, reason=REASON)
            services.contact_details_set(
                actor=self.vlo_a, victim=victim, reason=REASON, phone=f"0{i}"
            )
            services.contact_record(
                actor=self.vlo_a,
                victim=self.victim,
                contact_on=dt.date(2026, 1, 1),
                channel="phone",
                shared=["release"],
                notes=f"Call {i}",
            )
            services.representation_record(
                actor=self.vlo_a,
                victim=self.victim,
                link=self.link,
                condition="no_contact",
                requested=f"Ask {i}",
                made_on=dt.date(2026, 1, 1),
            )
            other = rf.person(self.officer_a, f"Other{i}", "X")
            for linked in (victim, self.victim):
                services.victim_link_add(
                    actor=self.officer_a,
                    victim=linked,
                    nominal=other,
                    relationship="partner",
                    reason=REASON,
                )
        services.grant_add(
            actor=self.vlo_a, victim=self.victim, grantee=self.officer_b, reason=REASON
        )

    def pin(
        self, user, url: str, expected: int, check: Callable[[object], None] | None = None
    ) -> None:  # type: ignore[no-untyped-def]
        self.as_user(user)
        for rows in ("few", "many"):
            with self.subTest(url=url, rows=rows), self.assertNumQueries(expected):
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            if check:
                check(response)
            if rows == "few":
                self.grow(6)

    # Pages: session, user, the selector's reads, access-log insert, header badge, session
    # save in a savepoint. API: session/token auth, the role gate, the selector's reads (one
    # query for the victim and its compartment decision), access-log insert. Measured with
    # one victim and then with six more (with contacts, representations, links, a grant).
    def test_caseload(self) -> None:
        self.pin(self.vlo_a, reverse("victims-home"), 9)

    def test_victim_page_vlo(self) -> None:
        self.pin(self.vlo_a, reverse("victim-detail", args=[self.victim.pk]), 15)

    def test_victim_page_offender_manager(self) -> None:
        self.pin(self.officer_a, reverse("victim-detail", args=[self.victim.pk]), 11)

    def test_nominal_victims_tab(self) -> None:
        self.pin(self.officer_a, reverse("nominal-victims", args=[self.nominal.pk]), 13)

    def test_api_victim_list(self) -> None:
        self.pin(self.vlo_a, reverse("api-victim-list"), 7)

    def test_api_victim_list_offender_side(self) -> None:
        self.pin(self.officer_a, reverse("api-victim-list"), 7)

    def test_api_victim_detail(self) -> None:
        self.pin(self.vlo_a, reverse("api-victim-detail", args=[self.victim.pk]), 8)

    def test_api_nominal_victims(self) -> None:
        self.pin(self.officer_a, reverse("api-nominal-victims", args=[self.nominal.pk]), 10)

    def test_api_links(self) -> None:
        self.pin(self.vlo_a, reverse("api-victim-links", args=[self.victim.pk]), 10)

    def test_api_representations(self) -> None:
        self.pin(self.vlo_a, reverse("api-victim-representations", args=[self.victim.pk]), 8)

    def test_api_grants(self) -> None:
        services.grant_add(actor=self.vlo_a, victim=self.victim, grantee=self.pp_a, reason=REASON)
        self.pin(self.vlo_a, reverse("api-victim-grants", args=[self.victim.pk]), 8)

    def test_api_contacts(self) -> None:
        self.pin(self.vlo_a, reverse("api-victim-contacts", args=[self.victim.pk]), 8)


class DisclosureQueryCountTests(DisclosureTestCase):
    def test_queue_and_case(self) -> None:
        case = self.open_case()
        self.as_user(self.officer_a)
        for rows in ("few", "many"):
            with self.subTest(rows=rows), self.assertNumQueries(9):
                self.client.get(reverse("disclosure-list"))
            with self.subTest(rows=rows), self.assertNumQueries(8):
                self.client.get(reverse("disclosure-detail", args=[case.pk]))
            with self.subTest(rows=rows), self.assertNumQueries(7):
                self.client.get(reverse("api-disclosure-list"))
            for i in range(8):
                self.open_case(applicant_name=f"Applicant {i}")
