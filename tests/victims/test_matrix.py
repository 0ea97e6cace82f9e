"""The compartment, field by field, for every page and endpoint that can show a victim or a
nominal: offender manager, probation practitioner, VLO of the owning agency, VLO of another
agency, auditor (and administrator, officer of another force)."""

from __future__ import annotations

from django.urls import reverse

from register.models import AccessChannel, AccessLog
from register.services import DETAIL_KINDS
from tests.victims.base import (
    FORBIDDEN_KEYS,
    SECRETS,
    VictimsTestCase,
    json_keys,
    secrets_in,
)
from victims import services

OFFENDER_SIDE_VICTIM_KEYS = {
    "id",
    "given_names",
    "family_name",
    "sex",
    "age",
    "children_count",
    "compartment",
}


class MatrixTestCase(VictimsTestCase):
    def get(self, user, url: str, **extra):  # type: ignore[no-untyped-def]
        self.as_user(user)
        return self.client.get(url, **extra)

    def offender_side(self):  # type: ignore[no-untyped-def]
        return [self.officer_a, self.pp_a]

    def strangers(self):  # type: ignore[no-untyped-def]
        return [self.vlo_b, self.auditor, self.admin_b, self.officer_b]


class VictimPageMatrix(MatrixTestCase):
    def url(self) -> str:
        return reverse("victim-detail", args=[self.victim.pk])

    def test_owning_vlo_sees_everything(self) -> None:
        response = self.get(self.vlo_a, self.url())
        self.assertEqual(response.status_code, 200)
        for value in SECRETS.values():
            self.assertContains(response, value)
        self.assertContains(response, "Told of the release month")
        self.assertContains(response, "Tamsworth Lane")
        self.assertTrue(response.context["compartment"])

    def test_another_vlo_of_the_owning_agency_sees_everything(self) -> None:
        response = self.get(self.vlo_a2, self.url())
        self.assertContains(response, SECRETS["postcode"])

    def test_offender_side_see_the_victim_exists_but_never_where_they_live(self) -> None:
        for user in self.offender_side():
            with self.subTest(user=user.username):
                response = self.get(user, self.url())
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "DUNMORE, Alice")
                self.assertContains(response, "Ex-partner")
                self.assertContains(response, "No-contact condition")
                self.assertEqual(secrets_in(response.content), [])
                self.assertFalse(response.context["compartment"])
                self.assertIsNone(response.context["data"].contact_details)

    def test_strangers_get_404(self) -> None:
        for user in self.strangers():
            with self.subTest(user=user.username):
                self.assert_not_found(self.get(user, self.url()))

    def test_a_grant_opens_the_compartment_and_revoking_closes_it(self) -> None:
        grant = services.grant_add(
            actor=self.vlo_a, victim=self.victim, grantee=self.vlo_b, reason="Victim moved area"
        )
        self.assertContains(self.get(self.vlo_b, self.url()), SECRETS["address_line_1"])
        services.grant_revoke(actor=self.vlo_a, grant=grant, reason="Handed over")
        self.assert_not_found(self.get(self.vlo_b, self.url()))

    def test_compartment_forms_are_404_to_offender_side_users(self) -> None:
        for name in (
            "victim-contact-details",
            "victim-contact-add",
            "victim-offer",
            "representation-add",
        ):
            for user in [*self.offender_side(), self.vlo_b]:
                with self.subTest(page=name, user=user.username):
                    self.assert_not_found(self.get(user, reverse(name, args=[self.victim.pk])))
        for name in ("victim-allocate", "victim-grant-add"):
            with self.subTest(page=name):
                self.assert_not_found(
                    self.get(self.officer_a, reverse(name, args=[self.victim.pk]))
                )

    def test_reads_are_logged(self) -> None:
        before = AccessLog.objects.filter(record_id=str(self.victim.pk)).count()
        self.get(self.officer_a, self.url())
        self.get(self.vlo_a, self.url())
        logs = AccessLog.objects.filter(record_id=str(self.victim.pk)).order_by("id")
        self.assertEqual(logs.count(), before + 2)
        self.assertEqual(
            [(log.user_id, log.channel) for log in logs][-2:],
            [(self.officer_a.pk, AccessChannel.PAGE), (self.vlo_a.pk, AccessChannel.PAGE)],
        )


class NominalVictimsTabMatrix(MatrixTestCase):
    def url(self) -> str:
        return reverse("nominal-victims", args=[self.nominal.pk])

    def test_offender_side_see_relationship_flags_and_offences_only(self) -> None:
        for user in self.offender_side():
            with self.subTest(user=user.username):
                response = self.get(user, self.url())
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "DUNMORE, Alice")
                self.assertContains(response, "Ex-partner")
                self.assertContains(response, "Children in the household")
                self.assertContains(response, "Assault occasioning actual bodily harm")
                self.assertContains(response, 'aria-current="page">Victims')
                self.assertEqual(secrets_in(response.content), [])

    def test_granted_offender_manager_still_sees_no_address_on_the_tab(self) -> None:
        services.grant_add(actor=self.vlo_a, victim=self.victim, grantee=self.officer_a, reason="x")
        self.assertEqual(secrets_in(self.get(self.officer_a, self.url()).content), [])

    def test_vlos_and_others_who_cannot_see_the_nominal_get_404(self) -> None:
        for user in [self.vlo_a, *self.strangers()]:
            with self.subTest(user=user.username):
                self.assert_not_found(self.get(user, self.url()))


class CaseloadMatrix(MatrixTestCase):
    def test_only_vlos_have_a_caseload_and_it_is_their_own(self) -> None:
        response = self.get(self.vlo_a, reverse("victims-home"))
        self.assertContains(response, "DUNMORE, Alice")
        self.assertContains(response, "1 victims, 179 under the guide of 180")
        self.assertNotContains(self.get(self.vlo_b, reverse("victims-home")), "DUNMORE")
        self.assertNotContains(self.get(self.vlo_a2, reverse("victims-home")), "DUNMORE")
        for user in [*self.offender_side(), self.auditor, self.admin_b]:
            with self.subTest(user=user.username):
                self.assert_not_found(self.get(user, reverse("victims-home")))


class ApiMatrix(MatrixTestCase):
    def assert_offender_side_json(self, data: object) -> None:
        keys = set(json_keys(data))
        self.assertEqual(keys & FORBIDDEN_KEYS, set(), keys)

    def test_victim_detail_serializer_follows_the_selector(self) -> None:
        url = reverse("api-victim-detail", args=[self.victim.pk])
        full = self.get(self.vlo_a, url).json()
        self.assertTrue(full["compartment"])
        self.assertEqual(full["contact_details"]["postcode"], SECRETS["postcode"])
        for user in self.offender_side():
            with self.subTest(user=user.username):
                response = self.get(user, url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(set(response.json()), OFFENDER_SIDE_VICTIM_KEYS)
                self.assertEqual(secrets_in(response.content), [])
        for user in self.strangers():
            with self.subTest(user=user.username):
                self.assert_not_found(self.get(user, url))

    def test_victim_list(self) -> None:
        url = reverse("api-victim-list")
        rows = self.get(self.vlo_a, url).json()["results"]
        self.assertEqual([r["contact_details"]["phone"] for r in rows], [SECRETS["phone"]])
        for user in self.offender_side():
            with self.subTest(user=user.username):
                response = self.get(user, url)
                self.assertEqual(len(response.json()["results"]), 1)
                self.assert_offender_side_json(response.json())
                self.assertEqual(secrets_in(response.content), [])
        self.assertEqual(self.get(self.vlo_b, url).json()["results"], [])
        self.assertEqual(self.get(self.officer_b, url).json()["results"], [])
        self.assert_not_found(self.get(self.auditor, url))

    def test_links_contacts_and_representations(self) -> None:
        links = reverse("api-victim-links", args=[self.victim.pk])
        for user in self.offender_side():
            with self.subTest(user=user.username):
                response = self.get(user, links)
                self.assertEqual(response.json()[0]["relationship"], "ex_partner")
                self.assert_offender_side_json(response.json())
        for name in ("api-victim-contacts", "api-victim-representations"):
            url = reverse(name, args=[self.victim.pk])
            self.assertEqual(self.get(self.vlo_a, url).status_code, 200)
            for user in [*self.offender_side(), *self.strangers()]:
                with self.subTest(endpoint=name, user=user.username):
                    self.assert_not_found(self.get(user, url))

    def test_nominal_victims_endpoint(self) -> None:
        url = reverse("api-nominal-victims", args=[self.nominal.pk])
        for user in self.offender_side():
            with self.subTest(user=user.username):
                response = self.get(user, url, HTTP_X_PURPOSE="Risk review")
                row = response.json()[0]
                self.assertEqual(set(row["victim"]), OFFENDER_SIDE_VICTIM_KEYS - {"compartment"})
                self.assertEqual(row["link"]["safety_flags"], ["children", "no_contact"])
                self.assert_offender_side_json(response.json())
                self.assertEqual(secrets_in(response.content), [])
        log = AccessLog.objects.filter(record_id=str(self.victim.pk), channel="api").latest("id")
        self.assertEqual(log.purpose, "Risk review")
        for user in [self.vlo_a, *self.strangers()]:
            with self.subTest(user=user.username):
                self.assert_not_found(self.get(user, url))


class RegisterResponsesNeverCarryTheAddress(MatrixTestCase):
    """The register's own pages and API (list, search, profile, every detail kind, exports
    via /api/v1/nominals/...) for an offender manager and a probation practitioner."""

    def urls(self) -> list[str]:
        n = self.nominal.pk
        pages = [
            reverse("nominal-list"),
            reverse("nominal-search") + "?q=Harrow",
            reverse("nominal-search") + "?q=Dunmore",
            reverse("nominal-detail", args=[n]),
            reverse("nominal-eligibility", args=[n]),
            reverse("nominal-notifications", args=[n]),
            reverse("priority-list"),
            reverse("task-inbox"),
            reverse("home"),
        ]
        api = [
            reverse("api-nominal-list"),
            reverse("api-nominal-search") + "?q=Harrow",
            reverse("api-nominal-detail", args=[n]),
            reverse("api-nominal-eligibility", args=[n]),
            *[reverse(f"api-{kind}-list", args=[n]) for kind in DETAIL_KINDS],
            reverse("api-due-item-list", args=[n]),
            reverse("api-task-list"),
        ]
        return pages + api

    def test_no_victim_contact_detail_anywhere(self) -> None:
        for user in self.offender_side():
            for url in self.urls():
                with self.subTest(user=user.username, url=url):
                    response = self.get(user, url)
                    self.assertEqual(response.status_code, 200, url)
                    self.assertEqual(secrets_in(response.content), [])
        # The check can fail: the VLO's own page does carry them.
        self.assertNotEqual(
            secrets_in(
                self.get(self.vlo_a, reverse("victim-detail", args=[self.victim.pk])).content
            ),
            [],
        )
