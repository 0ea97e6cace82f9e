"""/api/v1/ transfers: the same gate, refusals and moves as the pages.

Request, list, read, accept, reject and withdraw; the receiving officer can change the
record over the API after acceptance, the sending officer only read it until the period
ends, then 404; outsiders and wrong roles get 404; bad input is a field-by-field 400 that
changes nothing; decisions need If-Match; query counts do not grow with the rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from register import access
from register.audit import system_actor
from register.models import (
    Agency,
    Nominal,
    NominalAgencyPermission,
    NominalTransfer,
    Role,
    StaffUser,
    TransferState,
)
from register.services import transfers as services
from tests import factories
from tests.base import RegisterTestCase


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def until(transfer: NominalTransfer) -> dt.datetime:
    """The end of the sending agency's read-only period of an accepted transfer."""
    assert transfer.sending_read_until is not None
    return transfer.sending_read_until


class TransferApiTestCase(RegisterTestCase):
    supervisor_b: StaffUser
    agency_c: Agency
    supervisor_c: StaffUser
    nominal: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.supervisor_b = factories.staff(cls.agency_b, Role.SUPERVISOR, username="super.b")
        cls.agency_c = factories.agency("C")
        cls.supervisor_c = factories.staff(cls.agency_c, Role.SUPERVISOR, username="super.c")
        cls.nominal = factories.nominal(cls.officer_a, "Harrow", "Dean")

    def request_url(self) -> str:
        return reverse("api-nominal-transfers", args=[self.nominal.pk])

    def body(self, **changes: Any) -> dict[str, Any]:
        return {"to_agency": "B", "new_area": "Northshire", "reason": "Moved", **changes}

    def requested(self) -> NominalTransfer:
        return services.transfer_request(
            actor=self.officer_a,
            nominal=self.nominal,
            to_agency=self.agency_b,
            new_area="Northshire",
            reason="Moved",
        )

    def state(self) -> tuple[object, ...]:
        nominal = Nominal.objects.get(pk=self.nominal.pk)
        return (
            nominal.lead_agency_id,
            nominal.responsible_officer_id,
            sorted(NominalAgencyPermission.objects.values_list("group_id", "permission__codename")),
            sorted(NominalTransfer.objects.values_list("state", "updated_at")),
            NominalTransfer.history.count(),  # type: ignore[attr-defined]
        )

    def etag(self, user: Any, transfer: NominalTransfer) -> str:
        response = api(user).get(reverse("api-transfer-detail", args=[transfer.pk]))
        self.assertEqual(response.status_code, 200, response.content)
        return str(response["ETag"])


class RequestAndDecideTests(TransferApiTestCase):
    def test_request_list_read_accept_then_change_read_and_lose_access(self) -> None:
        created = api(self.officer_a).post(self.request_url(), self.body(), format="json")
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["state"], "requested")
        self.assertEqual(created.json()["to_agency"], "B")
        self.assertIn("ETag", created)
        transfer_id = created.json()["id"]
        # Nothing moved: the receiving agency still cannot read the record.
        nominal_url = reverse("api-nominal-detail", args=[self.nominal.pk])
        self.assertEqual(api(self.supervisor_b).get(nominal_url).status_code, 404)
        self.assertEqual(Nominal.objects.get(pk=self.nominal.pk).lead_agency, self.agency_a)

        incoming = api(self.supervisor_b).get(
            reverse("api-transfer-list"), {"direction": "incoming"}
        )
        self.assertEqual([t["id"] for t in incoming.json()["results"]], [transfer_id])
        outgoing = api(self.supervisor_b).get(
            reverse("api-transfer-list"), {"direction": "outgoing"}
        )
        self.assertEqual(outgoing.json()["results"], [])
        mine = api(self.officer_a).get(reverse("api-transfer-list"), {"direction": "outgoing"})
        self.assertEqual([t["id"] for t in mine.json()["results"]], [transfer_id])

        transfer = NominalTransfer.objects.get(pk=transfer_id)
        accepted = api(self.supervisor_b).post(
            reverse("api-transfer-accept", args=[transfer.pk]),
            {"responsible_officer": "officer.b", "reason": "Ours now"},
            format="json",
            HTTP_IF_MATCH=self.etag(self.supervisor_b, transfer),
        )
        self.assertEqual(accepted.status_code, 200, accepted.content)
        self.assertEqual(accepted.json()["state"], "accepted")
        self.assertEqual(accepted.json()["responsible_officer"], "officer.b")

        # The receiving officer changes the record over the API.
        read = api(self.officer_b).get(nominal_url)
        self.assertEqual(read.status_code, 200)
        changed = api(self.officer_b).patch(
            nominal_url,
            {"given_names": "Dean Michael", "reason": "Corrected"},
            format="json",
            HTTP_IF_MATCH=read["ETag"],
        )
        self.assertEqual(changed.status_code, 200, changed.content)
        # The sending officer reads it but cannot change it.
        sent = api(self.officer_a).get(nominal_url)
        self.assertEqual(sent.status_code, 200)
        refused = api(self.officer_a).patch(
            nominal_url,
            {"given_names": "Dean", "reason": "Try"},
            format="json",
            HTTP_IF_MATCH="*",
        )
        self.assertEqual(refused.status_code, 404)
        self.assertEqual(Nominal.objects.get(pk=self.nominal.pk).given_names, "Dean Michael")

        transfer.refresh_from_db()
        after = until(transfer) + dt.timedelta(seconds=1)
        services.transfers_end_sending_access(actor=system_actor(), now=after)
        self.assertEqual(api(self.officer_a).get(nominal_url).status_code, 404)
        self.assertEqual(api(self.officer_b).get(nominal_url).status_code, 200)

    def test_reject_and_withdraw(self) -> None:
        transfer = self.requested()
        rejected = api(self.supervisor_b).post(
            reverse("api-transfer-reject", args=[transfer.pk]),
            {"reason": "Not our area"},
            format="json",
            HTTP_IF_MATCH=self.etag(self.supervisor_b, transfer),
        )
        self.assertEqual(rejected.status_code, 200, rejected.content)
        self.assertEqual(rejected.json()["state"], "rejected")
        again = self.requested()
        withdrawn = api(self.officer_a).post(
            reverse("api-transfer-withdraw", args=[again.pk]),
            {"reason": "He stayed"},
            format="json",
            HTTP_IF_MATCH=self.etag(self.officer_a, again),
        )
        self.assertEqual(withdrawn.status_code, 200, withdrawn.content)
        self.assertEqual(withdrawn.json()["state"], "withdrawn")
        self.assertEqual(Nominal.objects.get(pk=self.nominal.pk).lead_agency, self.agency_a)

    def test_a_retried_request_with_its_idempotency_key_creates_one_transfer(self) -> None:
        client = api(self.officer_a)
        first = client.post(
            self.request_url(), self.body(), format="json", HTTP_IDEMPOTENCY_KEY="move-1"
        )
        second = client.post(
            self.request_url(), self.body(), format="json", HTTP_IDEMPOTENCY_KEY="move-1"
        )
        self.assertEqual((first.status_code, second.status_code), (201, 201))
        self.assertEqual(first.json()["id"], second.json()["id"])
        self.assertEqual(second["Idempotent-Replayed"], "true")
        self.assertEqual(NominalTransfer.objects.count(), 1)


class IfMatchTests(TransferApiTestCase):
    def test_a_decision_needs_the_current_etag(self) -> None:
        transfer = self.requested()
        url = reverse("api-transfer-accept", args=[transfer.pk])
        stale = self.etag(self.supervisor_b, transfer)
        before = self.state()
        missing = api(self.supervisor_b).post(url, {}, format="json")
        self.assertEqual(missing.status_code, 428)
        self.assertEqual(before, self.state())
        # The sending agency withdraws and asks again: the supervisor's copy is stale.
        services.transfer_withdraw(actor=self.officer_a, transfer=transfer, reason="Oops")
        before = self.state()
        response = api(self.supervisor_b).post(url, {}, format="json", HTTP_IF_MATCH=stale)
        self.assertEqual(response.status_code, 412)
        self.assertEqual(before, self.state())
        # With a fresh ETag the decided transfer is refused with a clear message.
        response = api(self.supervisor_b).post(
            url, {}, format="json", HTTP_IF_MATCH=self.etag(self.supervisor_b, transfer)
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("already withdrawn", response.json()["non_field_errors"][0])
        self.assertEqual(before, self.state())


class BadInputTests(TransferApiTestCase):
    def test_field_by_field_400s_change_nothing(self) -> None:
        before = self.state()
        client = api(self.officer_a)
        cases = {
            "to_agency": self.body(to_agency="NOPE"),
            "new_area": self.body(new_area="  "),
            "reason": self.body(reason=""),
        }
        for field, body in cases.items():
            with self.subTest(field):
                response = client.post(self.request_url(), body, format="json")
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(list(response.json()), [field])
        own = client.post(self.request_url(), self.body(to_agency="A"), format="json")
        self.assertEqual(own.status_code, 400)
        self.assertIn("to_agency", own.json())
        bad_direction = client.get(reverse("api-transfer-list"), {"direction": "sideways"})
        self.assertEqual(bad_direction.status_code, 400)
        self.assertIn("direction", bad_direction.json())
        self.assertEqual(before, self.state())

        transfer = self.requested()
        before = self.state()
        etag = self.etag(self.supervisor_b, transfer)
        for url, body, field in (
            (
                reverse("api-transfer-accept", args=[transfer.pk]),
                {"responsible_officer": "officer.a"},  # not the receiving agency's
                "responsible_officer",
            ),
            (reverse("api-transfer-reject", args=[transfer.pk]), {"reason": " "}, "reason"),
        ):
            with self.subTest(url):
                response = api(self.supervisor_b).post(url, body, format="json", HTTP_IF_MATCH=etag)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(list(response.json()), [field])
        self.assertEqual(before, self.state())


class AccessTests(TransferApiTestCase):
    def test_outsiders_and_wrong_roles_get_404_on_every_endpoint(self) -> None:
        transfer = self.requested()
        before = self.state()
        endpoints: list[tuple[str, str]] = [
            ("post", self.request_url()),
            ("get", reverse("api-transfer-detail", args=[transfer.pk])),
            ("post", reverse("api-transfer-accept", args=[transfer.pk])),
            ("post", reverse("api-transfer-reject", args=[transfer.pk])),
            ("post", reverse("api-transfer-withdraw", args=[transfer.pk])),
        ]
        for user in (self.supervisor_c, self.vlo_a, self.auditor, self.admin_b):
            for method, url in endpoints:
                with self.subTest(user=user.username, url=url):
                    response = getattr(api(user), method)(
                        url, self.body(), format="json", HTTP_IF_MATCH="*"
                    )
                    self.assertEqual(response.status_code, 404, response.content)
            # The list: 404 to roles that act on no transfer, else only their agency's own.
            listed = api(user).get(reverse("api-transfer-list"))
            if user in (self.vlo_a, self.auditor, self.admin_b):
                self.assertEqual(listed.status_code, 404)
            else:
                self.assertEqual(listed.json()["results"], [])
        self.assertEqual(
            api(self.officer_b).get(reverse("api-transfer-list")).json()["results"], []
        )
        # A receiving officer cannot decide; the sending side cannot accept its own request.
        for user, name in (
            (self.officer_b, "api-transfer-accept"),
            (self.officer_b, "api-transfer-detail"),
            (self.supervisor_a, "api-transfer-accept"),
            (self.supervisor_b, "api-transfer-withdraw"),
        ):
            with self.subTest(user=user.username, name=name):
                method = "get" if name.endswith("detail") else "post"
                response = getattr(api(user), method)(
                    reverse(name, args=[transfer.pk]),
                    {"reason": "x"},
                    format="json",
                    HTTP_IF_MATCH="*",
                )
                self.assertEqual(response.status_code, 404)
        self.assertEqual(before, self.state())
        self.assertFalse(access.scoped(Nominal.objects.all(), self.supervisor_b).exists())


class QueryCountTests(TransferApiTestCase):
    def test_list_and_detail_query_counts_do_not_grow_with_rows(self) -> None:
        first = self.requested()
        counts: dict[str, list[int]] = {"list": [], "detail": []}
        for n in range(5):
            person = factories.nominal(self.officer_a, f"Person{n}", "Extra")
            services.transfer_request(
                actor=self.officer_a,
                nominal=person,
                to_agency=self.agency_b,
                new_area="Northshire",
                reason="Moved",
            )
            if n in (0, 4):
                for name, url in (
                    ("list", reverse("api-transfer-list")),
                    ("detail", reverse("api-transfer-detail", args=[first.pk])),
                ):
                    with CaptureQueriesContext(connection) as queries:
                        response = api(self.supervisor_b).get(url)
                    self.assertEqual(response.status_code, 200)
                    counts[name].append(len(queries))
        self.assertEqual(counts, {"list": [LIST_QUERIES] * 2, "detail": [DETAIL_QUERIES] * 2})
        listed = api(self.supervisor_b).get(reverse("api-transfer-list")).json()["results"]
        self.assertEqual(len(listed), 6)
        self.assertTrue(all(t["state"] == TransferState.REQUESTED for t in listed))


# The transfers with their people, agencies and staff in one query, the access log in
# one insert; the rest is the client's identity.
LIST_QUERIES = 2
DETAIL_QUERIES = 2
