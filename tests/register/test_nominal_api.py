"""/api/v1/nominals/...: every endpoint behind the one gate, ETag/If-Match on every detail,
field-by-field errors that change nothing, a fixed number of queries, and every read logged."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import connection
from django.db.models import Model
from django.urls import reverse
from rest_framework.test import APIClient

from register import models as m
from register import selectors, services
from register.search import trigram_available
from register.services import DETAIL_KINDS
from tests import register_factories as rf
from tests.base import RegisterTestCase

OUTSIDERS = ("officer_b", "vlo_a", "admin_b")


def api(user: m.StaffUser | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def list_url(nominal: m.Nominal, kind: str) -> str:
    return reverse(f"api-{kind}-list", args=[nominal.pk])


def item_url(nominal: m.Nominal, kind: str, detail: Model) -> str:
    return reverse(f"api-{kind}-detail", args=[nominal.pk, detail.pk])


def register_state() -> tuple[object, ...]:
    """Rows, history rows and latest change of nominals, grants and every kind of detail.

    One query, so it can be taken before and after every refused request.
    """
    models: list[type[Model]] = [
        m.Nominal,
        m.NominalAgencyPermission,
        *(k.model for k in DETAIL_KINDS.values()),
    ]
    parts = []
    for model in models:
        table = connection.ops.quote_name(model._meta.db_table)
        history = connection.ops.quote_name(model.history.model._meta.db_table)  # type: ignore[attr-defined]
        latest = (
            f"(SELECT max(updated_at)::text FROM {table})"  # noqa: S608 - names from the models
            if hasattr(model, "updated_at")
            else "NULL"
        )
        parts.append(
            f"(SELECT count(*) FROM {table}), (SELECT count(*) FROM {history}), {latest}"  # noqa: S608
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


class ApiTestCase(RegisterTestCase):
    nominal: m.Nominal
    details: dict[str, Any]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = rf.serial_stalker(cls.officer_a, "Harrow")
        cls.details = rf.one_of_each(cls.officer_a, cls.nominal)

    def payload(self, kind: str, n: int = 1) -> dict[str, Any]:
        links = {"order": self.details["civil-orders"]} if kind.startswith("order-") else {}
        return {**rf.api_payload(kind, n, **links), "reason": "Reported by the offender manager"}


class EveryEndpointIsGatedTests(ApiTestCase):
    """Other agencies and wrong roles get 404 from every endpoint and change nothing."""

    def record_endpoints(self) -> list[tuple[str, str, dict[str, Any] | None]]:
        """(method, url, body) for every endpoint that names this nominal."""
        n = self.nominal
        endpoints: list[tuple[str, str, dict[str, Any] | None]] = [
            ("get", reverse("api-nominal-detail", args=[n.pk]), None),
            (
                "patch",
                reverse("api-nominal-detail", args=[n.pk]),
                {"family_name": "Changed", "reason": "Trying my luck"},
            ),
            ("get", reverse("api-nominal-eligibility", args=[n.pk]), None),
        ]
        for kind, detail in self.details.items():
            field, value = rf.PATCHES[kind]
            endpoints += [
                ("get", list_url(n, kind), None),
                ("post", list_url(n, kind), self.payload(kind)),
                ("get", item_url(n, kind, detail), None),
                ("patch", item_url(n, kind, detail), {field: value, "reason": "Trying my luck"}),
                ("delete", item_url(n, kind, detail), {"reason": "Trying my luck"}),
            ]
        return endpoints

    def test_every_detail_kind_has_list_and_item_routes(self) -> None:
        self.assertEqual(set(self.details), set(DETAIL_KINDS))
        self.assertEqual(len(self.record_endpoints()), 3 + 5 * len(DETAIL_KINDS))

    def test_outsiders_get_404_from_every_record_endpoint_and_change_nothing(self) -> None:
        before = register_state()
        for persona in OUTSIDERS:
            client = api(getattr(self, persona))
            for method, url, body in self.record_endpoints():
                with self.subTest(persona=persona, method=method, url=url):
                    response = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH="*")
                    self.assert_not_found(response)
                    self.assertEqual(response.json(), {"detail": "Not found."})
        self.assertEqual(register_state(), before)
        self.assertFalse(m.AccessLog.objects.exists())

    def test_anonymous_gets_401_from_every_endpoint(self) -> None:
        client = api(None)
        endpoints = [
            *self.record_endpoints(),
            ("get", reverse("api-nominal-list"), None),
            ("post", reverse("api-nominal-list"), {"family_name": "X", "given_names": "Y"}),
            ("get", reverse("api-nominal-search") + "?q=Harrow", None),
            ("get", reverse("api-offence-list"), None),
        ]
        before = register_state()
        for method, url, body in endpoints:
            with self.subTest(method=method, url=url):
                response = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH="*")
                self.assertEqual(response.status_code, 401)
        self.assertEqual(register_state(), before)

    def test_a_shared_agency_may_read_but_not_write(self) -> None:
        services.nominal_share(
            actor=self.officer_a,
            nominal=self.nominal,
            agency=self.agency_b,
            reason="Moved to Southdale",
        )
        client = api(self.officer_b)
        before = register_state()
        for method, url, body in self.record_endpoints():
            with self.subTest(method=method, url=url):
                response = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH="*")
                if method == "get":
                    self.assertEqual(response.status_code, 200, response.content[:300])
                else:
                    self.assert_not_found(response)
        after = register_state()
        self.assertEqual(after, before)

    def test_the_lead_agency_can_use_every_record_endpoint(self) -> None:
        client = api(self.officer_a)
        n = self.nominal
        self.assertEqual(client.get(reverse("api-nominal-detail", args=[n.pk])).status_code, 200)
        self.assertEqual(
            client.get(reverse("api-nominal-eligibility", args=[n.pk])).status_code, 200
        )
        for kind in DETAIL_KINDS:
            with self.subTest(kind):
                listing = client.get(list_url(n, kind))
                self.assertEqual(listing.status_code, 200)
                self.assertIn(str(self.details[kind].pk), [row["id"] for row in listing.json()])

                created = client.post(list_url(n, kind), self.payload(kind), format="json")
                self.assertEqual(created.status_code, 201, created.content)
                detail = DETAIL_KINDS[kind].model._default_manager.get(pk=created.json()["id"])
                self.assertEqual(DETAIL_KINDS[kind].nominal_of(detail), n)

                read = client.get(item_url(n, kind, detail))
                self.assertEqual(read.status_code, 200)
                self.assertEqual(read.json()["id"], str(detail.pk))

                field, value = rf.PATCHES[kind]
                changed = client.patch(
                    item_url(n, kind, detail),
                    {field: value, "reason": "Corrected from the court register"},
                    format="json",
                    HTTP_IF_MATCH=read["ETag"],
                )
                self.assertEqual(changed.status_code, 200, changed.content)
                self.assertEqual(changed.json()[field], value)
                self.assertNotEqual(changed["ETag"], read["ETag"])

                removed = client.delete(
                    item_url(n, kind, detail),
                    {"reason": "Entered on the wrong record"},
                    format="json",
                    HTTP_IF_MATCH=changed["ETag"],
                )
                self.assertEqual(removed.status_code, 204, removed.content)
                self.assertFalse(type(detail)._default_manager.filter(pk=detail.pk).exists())

    def test_other_roles_of_the_lead_agency_with_casework_succeed(self) -> None:
        client = api(self.supervisor_a)
        response = client.post(
            list_url(self.nominal, "addresses"), self.payload("addresses"), format="json"
        )
        self.assertEqual(response.status_code, 201, response.content)

    def test_a_detail_is_not_reachable_under_another_nominal(self) -> None:
        other = rf.person(self.officer_a, "Other", "Person")
        client = api(self.officer_a)
        address = self.details["addresses"]
        self.assert_not_found(client.get(item_url(other, "addresses", address)))
        response = client.delete(
            item_url(other, "addresses", address), {"reason": "x"}, format="json", HTTP_IF_MATCH="*"
        )
        self.assert_not_found(response)
        self.assertTrue(m.Address.objects.filter(pk=address.pk).exists())
        # Nor under the wrong kind, nor with a malformed id.
        self.assert_not_found(client.get(item_url(self.nominal, "vehicles", address)))
        self.assert_not_found(
            client.get(reverse("api-addresses-detail", args=[self.nominal.pk, "not-a-uuid"]))
        )

    def test_nominal_list_shows_only_what_the_user_may_see(self) -> None:
        rf.person(self.officer_b, "Bravo", "Record")
        own = api(self.officer_a).get(reverse("api-nominal-list")).json()["results"]
        self.assertEqual([r["family_name"] for r in own], ["Harrow"])
        other = api(self.officer_b).get(reverse("api-nominal-list")).json()["results"]
        self.assertEqual([r["family_name"] for r in other], ["Bravo"])
        for persona in ("vlo_a", "admin_b"):
            with self.subTest(persona):
                self.assert_not_found(api(getattr(self, persona)).get(reverse("api-nominal-list")))

    def test_only_casework_roles_create_nominals_each_for_their_own_agency(self) -> None:
        body = {"family_name": "Okafor", "given_names": "Chidi", "reason": "Referral from MARAC"}
        for persona in ("vlo_a", "admin_b"):
            with self.subTest(persona):
                response = api(getattr(self, persona)).post(
                    reverse("api-nominal-list"), body, format="json"
                )
                self.assert_not_found(response)
        self.assertFalse(m.Nominal.objects.filter(family_name="Okafor").exists())
        for persona, agency in (("officer_a", self.agency_a), ("officer_b", self.agency_b)):
            with self.subTest(persona):
                response = api(getattr(self, persona)).post(
                    reverse("api-nominal-list"), body, format="json"
                )
                self.assertEqual(response.status_code, 201)
                created = m.Nominal.objects.get(pk=response.json()["id"])
                self.assertEqual(created.lead_agency, agency)

    def test_search_is_gated_like_the_rest(self) -> None:
        url = reverse("api-nominal-search")
        self.assertEqual(
            [h["nominal"]["id"] for h in api(self.officer_a).get(url, {"q": "Harrow"}).json()],
            [str(self.nominal.pk)],
        )
        self.assertEqual(api(self.officer_b).get(url, {"q": "Harrow"}).json(), [])
        for persona in ("vlo_a", "admin_b"):
            with self.subTest(persona):
                self.assert_not_found(api(getattr(self, persona)).get(url, {"q": "Harrow"}))

    def test_offence_catalogue_is_reference_data_for_every_signed_in_user(self) -> None:
        """It names offences, never people: every role may read it to choose offence codes."""
        for persona in ("officer_a", "officer_b", "vlo_a", "admin_b"):
            with self.subTest(persona):
                response = api(getattr(self, persona)).get(reverse("api-offence-list"))
                self.assertEqual(response.status_code, 200)
                self.assertIn("PHA1997-s2A", [o["code"] for o in response.json()])
        self.assertFalse(m.AccessLog.objects.exists())


class IfMatchTests(ApiTestCase):
    """Two editors of the same detail never silently overwrite each other."""

    def test_stale_etag_is_refused_with_412_and_changes_nothing(self) -> None:
        client = api(self.officer_a)
        address = self.details["addresses"]
        url = item_url(self.nominal, "addresses", address)
        etag = client.get(url)["ETag"]
        first = client.patch(
            url, {"town": "Southdale", "reason": "Moved"}, format="json", HTTP_IF_MATCH=etag
        )
        self.assertEqual(first.status_code, 200)
        history = address.history.count()
        stale = client.patch(
            url, {"town": "Eastbury", "reason": "Late edit"}, format="json", HTTP_IF_MATCH=etag
        )
        self.assertEqual(stale.status_code, 412)
        self.assertIn("changed since you read it", stale.json()["detail"])
        address.refresh_from_db()
        self.assertEqual(address.town, "Southdale")
        self.assertEqual(address.history.count(), history)

    def test_missing_if_match_gets_428_for_every_kind(self) -> None:
        client = api(self.officer_a)
        before = register_state()
        for kind, detail in self.details.items():
            field, value = rf.PATCHES[kind]
            with self.subTest(kind):
                response = client.patch(
                    item_url(self.nominal, kind, detail),
                    {field: value, "reason": "No ETag sent"},
                    format="json",
                )
                self.assertEqual(response.status_code, 428)
                response = client.delete(
                    item_url(self.nominal, kind, detail), {"reason": "No ETag"}, format="json"
                )
                self.assertEqual(response.status_code, 428)
        self.assertEqual(register_state(), before)

    def test_delete_needs_a_current_etag_and_a_reason(self) -> None:
        client = api(self.officer_a)
        vehicle = self.details["vehicles"]
        url = item_url(self.nominal, "vehicles", vehicle)
        etag = client.get(url)["ETag"]
        no_reason = client.delete(url, {}, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(no_reason.status_code, 400)
        self.assertEqual(list(no_reason.json()), ["reason"])
        blank_reason = client.delete(url, {"reason": "  "}, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(blank_reason.status_code, 400)
        client.patch(
            url, {"description": "Resprayed red", "reason": "Seen by ANPR"}, HTTP_IF_MATCH=etag
        )
        stale = client.delete(url, {"reason": "Sold"}, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(stale.status_code, 412)
        self.assertTrue(m.Vehicle.objects.filter(pk=vehicle.pk).exists())
        fresh = client.get(url)["ETag"]
        gone = client.delete(url, {"reason": "Sold, V5C seen"}, format="json", HTTP_IF_MATCH=fresh)
        self.assertEqual(gone.status_code, 204)
        deleted = m.Vehicle.history.filter(id=vehicle.pk, history_type="-").get()
        self.assertEqual(
            (deleted.history_user, deleted.history_change_reason),
            (self.officer_a, "Sold, V5C seen"),
        )

    def test_a_detail_change_moves_the_nominal_etag_on(self) -> None:
        client = api(self.officer_a)
        nominal_url = reverse("api-nominal-detail", args=[self.nominal.pk])
        before = client.get(nominal_url)["ETag"]
        client.post(list_url(self.nominal, "vehicles"), self.payload("vehicles"), format="json")
        self.assertNotEqual(client.get(nominal_url)["ETag"], before)
        stale = client.patch(
            nominal_url,
            {"family_name": "Harrowe", "reason": "Spelling"},
            format="json",
            HTTP_IF_MATCH=before,
        )
        self.assertEqual(stale.status_code, 412)

    def test_the_current_name_cannot_be_deleted(self) -> None:
        client = api(self.officer_a)
        current = self.nominal.names.get(kind=m.NameKind.CURRENT)
        url = item_url(self.nominal, "names", current)
        response = client.delete(
            url, {"reason": "Tidy"}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"]
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Change the current name", response.json()["non_field_errors"][0])
        self.assertTrue(m.NominalName.objects.filter(pk=current.pk).exists())


class FieldErrorTests(ApiTestCase):
    """Bad input gets a message against each field, and nothing is saved."""

    def post_refused(self, kind: str, body: dict[str, Any]) -> dict[str, list[str]]:
        before = register_state()
        response = api(self.officer_a).post(list_url(self.nominal, kind), body, format="json")
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(register_state(), before)
        errors: dict[str, list[str]] = response.json()
        for field, messages in errors.items():
            self.assertIsInstance(messages, list, field)
            self.assertTrue(all(isinstance(text, str) and text for text in messages), field)
        return errors

    def test_nominal_create_reports_every_bad_field_and_saves_nothing(self) -> None:
        before = register_state()
        response = api(self.officer_a).post(
            reverse("api-nominal-list"),
            {
                "family_name": "Okafor",
                "given_names": "",
                "date_of_birth": "31/02/1990",
                "ni_number": "QQ 12 34 56 C",
                "pnc_id": "2004/0123456C",
                "sex": "unknown",
                "typologies": ["intimate_partner", "cyber"],
            },
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        errors = response.json()
        self.assertEqual(
            set(errors),
            {"given_names", "date_of_birth", "ni_number", "pnc_id", "sex", "typologies", "reason"},
        )
        self.assertIn("National Insurance number", errors["ni_number"][0])
        self.assertEqual(errors["pnc_id"], ["The PNC ID check letter is wrong: check the number"])
        self.assertEqual(errors["reason"], ["This field is required."])
        self.assertEqual(register_state(), before)

    def test_nominal_create_refuses_an_officer_of_another_agency(self) -> None:
        before = register_state()
        response = api(self.officer_a).post(
            reverse("api-nominal-list"),
            {
                "family_name": "Okafor",
                "given_names": "Chidi",
                "responsible_officer": "officer.b",
                "reason": "Referral",
            },
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()), ["responsible_officer"])
        self.assertEqual(register_state(), before)

    def test_address_ending_before_it_starts(self) -> None:
        body = {**self.payload("addresses"), "date_from": "2023-05-01", "date_to": "2023-04-30"}
        errors = self.post_refused("addresses", body)
        self.assertEqual(
            errors, {"date_to": ["The end date must be the same as or after the start date"]}
        )

    def test_invalid_vehicle_registration(self) -> None:
        errors = self.post_refused(
            "vehicles", {**self.payload("vehicles"), "registration": "NM64 XY!"}
        )
        self.assertEqual(list(errors), ["registration"])
        self.assertIn("vehicle registration", errors["registration"][0])

    def test_conviction_with_unknown_offence_code(self) -> None:
        errors = self.post_refused(
            "convictions", {**self.payload("convictions"), "offence": "PHA1997-s99"}
        )
        self.assertEqual(list(errors), ["offence"])

    def test_conviction_flagged_da_without_a_source(self) -> None:
        errors = self.post_refused(
            "convictions", {**self.payload("convictions"), "da_flag_source": ""}
        )
        self.assertEqual(
            errors, {"da_flag_source": ["Select the source of the domestic abuse flag"]}
        )

    def test_bad_phone_number(self) -> None:
        errors = self.post_refused(
            "contact-details", {"kind": "phone", "value": "ring his mum", "reason": "Intel"}
        )
        self.assertEqual(list(errors), ["value"])
        self.assertIn("Enter a phone number", errors["value"][0])

    def test_card_ending_that_is_not_four_digits(self) -> None:
        errors = self.post_refused(
            "financial-accounts", {**self.payload("financial-accounts"), "last_four": "48a1"}
        )
        self.assertEqual(list(errors), ["last_four"])

    def test_risk_level_and_order_dates(self) -> None:
        errors = self.post_refused(
            "risk-assessments", {**self.payload("risk-assessments"), "level": "extreme"}
        )
        self.assertEqual(list(errors), ["level"])
        errors = self.post_refused(
            "civil-orders",
            {**self.payload("civil-orders"), "starts_on": "2024-01-10", "ends_on": "2023-01-10"},
        )
        self.assertEqual(list(errors), ["ends_on"])

    def test_name_with_neither_given_nor_family_name(self) -> None:
        errors = self.post_refused(
            "names", {"kind": "alias", "given_names": "", "family_name": "", "reason": "Intel"}
        )
        self.assertEqual(errors, {"family_name": ["Enter a given name or a family name"]})

    def test_order_condition_on_another_persons_order(self) -> None:
        other = rf.person(self.officer_a, "Other", "Person")
        their_order = rf.add(self.officer_a, other, "civil-orders", rf.service_data("civil-orders"))
        body = {**self.payload("order-conditions"), "order": str(their_order.pk)}
        errors = self.post_refused("order-conditions", body)
        self.assertEqual(errors, {"order": ["Choose one of this person's orders"]})

    def test_missing_reason_for_every_kind_is_reported_with_other_errors(self) -> None:
        for kind in DETAIL_KINDS:
            with self.subTest(kind):
                body = self.payload(kind)
                del body["reason"]
                self.assertEqual(
                    self.post_refused(kind, body), {"reason": ["This field is required."]}
                )
        errors = self.post_refused("vehicles", {"registration": "!!"})
        self.assertEqual(set(errors), {"registration", "reason"})

    def test_a_bad_change_is_refused_and_the_detail_is_unchanged(self) -> None:
        client = api(self.officer_a)
        address = self.details["addresses"]
        url = item_url(self.nominal, "addresses", address)
        before = register_state()
        response = client.patch(
            url,
            {"date_to": "2000-01-01", "kind": "castle"},
            format="json",
            HTTP_IF_MATCH=client.get(url)["ETag"],
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()), {"kind", "reason"})
        response = client.patch(
            url,
            {"date_to": "2000-01-01", "reason": "Left in 2000"},
            format="json",
            HTTP_IF_MATCH=client.get(url)["ETag"],
        )
        self.assertEqual(list(response.json()), ["date_to"])
        self.assertEqual(register_state(), before)
        address.refresh_from_db()
        self.assertIsNone(address.date_to)


class HistoryAndAccessLogTests(ApiTestCase):
    """Every API write keeps who and why; every API read is logged with the partner's purpose."""

    def test_every_api_write_keeps_the_acting_user_and_reason(self) -> None:
        client = api(self.officer_a)
        for kind in ("names", "addresses", "convictions", "civil-orders", "risk-assessments"):
            with self.subTest(kind):
                created = client.post(
                    list_url(self.nominal, kind),
                    {**self.payload(kind), "reason": f"Added {kind} from the PNC"},
                    format="json",
                )
                detail = DETAIL_KINDS[kind].model._default_manager.get(pk=created.json()["id"])
                field, value = rf.PATCHES[kind]
                client.patch(
                    item_url(self.nominal, kind, detail),
                    {field: value, "reason": f"Corrected {kind}"},
                    format="json",
                    HTTP_IF_MATCH=created["ETag"],
                )
                rows = detail.history.order_by("history_date")  # type: ignore[attr-defined]
                self.assertEqual(
                    [(r.history_type, r.history_user, r.history_change_reason) for r in rows],
                    [
                        ("+", self.officer_a, f"Added {kind} from the PNC"),
                        ("~", self.officer_a, f"Corrected {kind}"),
                    ],
                )

    def test_every_read_is_logged_with_channel_purpose_and_recipient(self) -> None:
        client = api(self.officer_a)
        n = self.nominal
        reads = [
            reverse("api-nominal-detail", args=[n.pk]),
            reverse("api-nominal-eligibility", args=[n.pk]),
            reverse("api-nominal-list"),
            reverse("api-nominal-search") + "?q=Harrow",
        ]
        for kind, detail in self.details.items():
            reads += [list_url(n, kind), item_url(n, kind, detail)]
        for number, url in enumerate(reads):
            with self.subTest(url):
                purpose = f"MARAC research request {number}"
                response = client.get(url, HTTP_X_PURPOSE=purpose)
                self.assertEqual(response.status_code, 200)
                log = m.AccessLog.objects.get(purpose=purpose)
                self.assertEqual(
                    (
                        log.channel,
                        log.user,
                        log.agency,
                        log.recipient_agency,
                        log.record_type,
                        log.record_id,
                    ),
                    (
                        m.AccessChannel.API,
                        self.officer_a,
                        self.agency_a,
                        self.agency_a,
                        "register.nominal",
                        str(n.pk),
                    ),
                )
                self.assertEqual(log.record_label, "HARROW, Dean")

    def test_a_read_without_a_purpose_says_what_was_read(self) -> None:
        api(self.officer_a).get(list_url(self.nominal, "vehicles"))
        self.assertEqual(m.AccessLog.objects.get().purpose, "Partner system read of vehicles")

    def test_a_refused_read_is_not_logged_as_a_read(self) -> None:
        api(self.officer_b).get(reverse("api-nominal-detail", args=[self.nominal.pk]))
        self.assertFalse(m.AccessLog.objects.exists())


class QueryCountTests(RegisterTestCase):
    """Reads cost the same number of queries for a thin record and for a thick one."""

    thin: m.Nominal
    thick: m.Nominal

    # Pinned: nominal (+ lead agency, officer, merged, reviewer), one per kind of detail (13),
    # order conditions, order breaches, registration reviews.
    PROFILE_QUERIES = 17
    # The profile, plus the access-log insert.
    DETAIL_API_QUERIES = PROFILE_QUERIES + 1
    # The page (with lead agency and officer), the access-log insert.
    LIST_API_QUERIES = 2
    # Name candidates, date-of-birth refinement, the hits (with agency and officer), access log.
    SEARCH_API_QUERIES = 4
    # The nominal through the gate, its details (with offence or assessor), the access log.
    DETAIL_LIST_API_QUERIES = 3

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.thin = rf.person(cls.officer_a, "Thin", "Record", responsible_officer=cls.officer_a)
        rf.full_profile(cls.officer_a, cls.thin, 1)
        cls.thick = rf.person(cls.officer_a, "Thick", "Record", responsible_officer=cls.officer_a)
        # The same shape fifty times over, written in bulk: this class tests reads, not writes.
        rf.bulk_profile(cls.officer_a, cls.thick, 50)

    def test_the_thick_record_really_has_fifty_of_everything(self) -> None:
        counts = {
            kind: spec.model._default_manager.filter(**{spec.nominal_lookup: self.thick}).count()
            for kind, spec in DETAIL_KINDS.items()
        }
        self.assertEqual(counts.pop("names"), 51)  # and the current name
        self.assertEqual(set(counts.values()), {50})
        self.assertEqual(self.thick.registrations.count(), 50)
        self.assertEqual(
            m.RegistrationReview.objects.filter(registration__nominal=self.thick).count(), 50
        )

    def walk_profile(self, nominal_id: uuid.UUID) -> int:
        """Load the profile and touch every section a page shows; return the rows seen."""
        profile = selectors.nominal_profile(user=self.officer_a, nominal_id=nominal_id)
        seen = 0
        for relation in (
            "names",
            "addresses",
            "contact_details",
            "vehicles",
            "financial_accounts",
            "identity_documents",
            "photographs",
            "household_members",
            "incidents",
        ):
            seen += len(getattr(profile, relation).all())
        for conviction in profile.convictions.all():
            seen += bool(conviction.offence.title)
        for order in profile.civil_orders.all():
            seen += len(order.conditions.all())
            seen += sum(
                bool(b.conviction and b.conviction.offence.code) for b in order.breaches.all()
            )
        for risk in profile.risk_assessments.all():
            seen += bool(risk.assessor and risk.assessor.username)
        for registration in profile.registrations.all():
            seen += bool(registration.criteria_set.name and registration.decided_by.username)
            seen += len(registration.reviews.all())
        seen += bool(profile.lead_agency.code and profile.responsible_officer)
        return seen

    def test_nominal_profile_selector(self) -> None:
        for nominal, n in ((self.thin, 1), (self.thick, 50)):
            with self.subTest(nominal.family_name):
                with self.assertNumQueries(self.PROFILE_QUERIES):
                    seen = self.walk_profile(nominal.pk)
                # The current name, the agency, and 14 rows for each of the n sets of details.
                self.assertEqual(seen, 2 + 14 * n)

    def test_nominal_detail_api(self) -> None:
        client = api(self.officer_a)
        for nominal, rows in ((self.thin, 1), (self.thick, 50)):
            with self.subTest(nominal.family_name):
                with self.assertNumQueries(self.DETAIL_API_QUERIES):
                    response = client.get(reverse("api-nominal-detail", args=[nominal.pk]))
                body = response.json()
                self.assertEqual(len(body["convictions"]), rows)
                self.assertEqual(len(body["risk_assessments"]), rows)
                self.assertEqual(body["risk_assessments"][0]["assessor"], "officer.a")

    def test_detail_list_api_for_every_kind(self) -> None:
        client = api(self.officer_a)
        for kind in DETAIL_KINDS:
            for nominal, rows in ((self.thin, 1), (self.thick, 50)):
                with self.subTest(kind=kind, nominal=nominal.family_name):
                    with self.assertNumQueries(self.DETAIL_LIST_API_QUERIES):
                        response = client.get(list_url(nominal, kind))
                    self.assertGreaterEqual(len(response.json()), rows)

    def test_nominal_list_api_with_one_and_fifty_nominals(self) -> None:
        client = api(self.officer_b)
        rf.person(self.officer_b, "Solo", "Record", responsible_officer=self.officer_b)
        for expected in (1, 50):
            with self.subTest(expected):
                while m.Nominal.objects.filter(lead_agency=self.agency_b).count() < expected:
                    rf.person(self.officer_b, "Many", "Record", responsible_officer=self.officer_b)
                with self.assertNumQueries(self.LIST_API_QUERIES):
                    response = client.get(reverse("api-nominal-list"))
                results = response.json()["results"]
                self.assertEqual(len(results), expected)
                self.assertEqual({r["responsible_officer"] for r in results}, {"officer.b"})

    def test_search_api_with_one_and_fifty_hits(self) -> None:
        client = api(self.officer_b)
        trigram_available()  # cached per process: not part of any one search
        for expected in (1, 50):
            with self.subTest(expected):
                while m.Nominal.objects.filter(lead_agency=self.agency_b).count() < expected:
                    rf.person(
                        self.officer_b,
                        "Kowalski",
                        "Piotr",
                        dt.date(1985, 4, 6),
                        responsible_officer=self.officer_b,
                    )
                with self.assertNumQueries(self.SEARCH_API_QUERIES):
                    response = client.get(
                        reverse("api-nominal-search"), {"q": "Piotr Kowalski 06/04/1985"}
                    )
                hits = response.json()
                self.assertEqual(len(hits), expected)
                self.assertEqual({h["nominal"]["responsible_officer"] for h in hits}, {"officer.b"})
