"""Idempotency-Key on every POST of /api/v1/: a retry returns the first response, never acts twice.

Issue 11, finding 8: "POST has no idempotency key; three writes committed while the client
saw an error, so a retry would create a duplicate." What to build: "a key seen before (per
client, 24 hours) returns the first response without acting again; a key reused with a
different body answers 422." DESIGN.md: "POST takes an Idempotency-Key."
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.idempotency import document_idempotency_key, is_final
from core.models import IdempotencyRecord
from core.tasks import delete_expired_idempotency_records
from register import models as m
from register import services
from register.models import Role
from tests import factories
from tests import register_factories as rf
from tests.base import RegisterTestCase

REASON = "Referral from the probation case system"
KEY = "5b0f8a52-0d3c-4c8e-9d2e-4a7c1c1f0e11"


def new_person(family_name: str = "Quarrie") -> dict[str, Any]:
    return {
        "family_name": family_name,
        "given_names": "Neil",
        "date_of_birth": "1983-02-14",
        "reason": REASON,
    }


class IdempotencyKeyTests(RegisterTestCase):
    url = reverse("api-nominal-list")

    def client_as(self, user: m.StaffUser) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def post(self, user: m.StaffUser, body: dict[str, Any], key: str | None = KEY) -> Any:
        headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return self.client_as(user).post(self.url, body, format="json", **headers)

    def test_a_retry_returns_the_first_response_and_creates_nothing(self) -> None:
        first = self.post(self.officer_a, new_person())
        self.assertEqual(first.status_code, 201, first.content)
        count = m.Nominal.objects.count()
        history = m.Nominal.history.count()

        again = self.post(self.officer_a, new_person())

        self.assertEqual(again.status_code, 201)
        self.assertEqual(json.loads(again.content), json.loads(first.content))
        self.assertEqual(again["ETag"], first["ETag"])
        self.assertEqual(again["Content-Type"], first["Content-Type"])
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertFalse(first.has_header("Idempotent-Replayed"))
        self.assertEqual((m.Nominal.objects.count(), m.Nominal.history.count()), (count, history))

    def test_the_same_key_with_a_different_body_answers_422_and_acts_not(self) -> None:
        self.post(self.officer_a, new_person())
        count = m.Nominal.objects.count()

        response = self.post(self.officer_a, new_person("Different"))

        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("different request", response.json()["detail"])
        self.assertEqual(m.Nominal.objects.count(), count)
        self.assertFalse(m.Nominal.objects.filter(family_name="Different").exists())

    def test_keys_are_per_client(self) -> None:
        """Another client's identical key acts for that client; it never sees the first answer."""
        officer_a2 = factories.staff(self.agency_a, Role.OFFENDER_MANAGER, username="officer.a2")
        first = self.post(self.officer_a, new_person())
        count = m.Nominal.objects.count()

        other = self.post(officer_a2, new_person())

        self.assertEqual(other.status_code, 201)
        self.assertFalse(other.has_header("Idempotent-Replayed"))
        self.assertNotEqual(other.json()["id"], first.json()["id"])
        self.assertEqual(m.Nominal.objects.count(), count + 1)

    def test_another_agencys_client_with_the_same_key_gets_its_own_404(self) -> None:
        """A change to a record of agency A, keyed; agency B's client replaying the same key and
        body is not shown A's response: its own request is refused as forbidden (404)."""
        nominal = rf.person(self.officer_a, "Harrow", "Dean")
        url = reverse("api-addresses-list", args=[nominal.pk])
        body = {**rf.api_payload("addresses"), "reason": REASON}
        headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": KEY}
        mine = self.client_as(self.officer_a).post(url, body, format="json", **headers)
        self.assertEqual(mine.status_code, 201, mine.content)
        for outsider in (self.officer_b, self.vlo_a, self.admin_b):
            with self.subTest(outsider.username):
                theirs = self.client_as(outsider).post(url, body, format="json", **headers)
                self.assertEqual(theirs.status_code, 404)
                self.assertFalse(theirs.has_header("Idempotent-Replayed"))
        self.assertEqual(m.Address.objects.filter(nominal=nominal).count(), 1)

    def test_without_a_key_posts_behave_as_before(self) -> None:
        count = m.Nominal.objects.count()
        self.assertEqual(self.post(self.officer_a, new_person(), key=None).status_code, 201)
        self.assertEqual(self.post(self.officer_a, new_person(), key=None).status_code, 201)
        self.assertEqual(m.Nominal.objects.count(), count + 2)
        self.assertFalse(IdempotencyRecord.objects.exists())

    def test_a_refused_request_is_replayed_too(self) -> None:
        """A 400 is the final answer to that request: the retry gets it again, changing nothing."""
        bad = {**new_person(), "date_of_birth": "not a date"}
        first = self.post(self.officer_a, bad)
        self.assertEqual(first.status_code, 400)
        self.assertIn("date_of_birth", first.json())

        again = self.post(self.officer_a, bad)

        self.assertEqual((again.status_code, again.json()), (400, first.json()))
        self.assertEqual(again["Idempotent-Replayed"], "true")

    def test_a_key_that_is_not_visible_ascii_is_refused_next_to_the_header(self) -> None:
        count = m.Nominal.objects.count()
        for key in ("", "x" * 256, "has space", "caf\u00e9"):
            with self.subTest(key=key):
                response = self.post(self.officer_a, new_person(), key=key)
                self.assertEqual(response.status_code, 400)
                self.assertIn("Idempotency-Key", response.json())
        self.assertEqual(m.Nominal.objects.count(), count)

    def test_a_key_older_than_the_ttl_acts_afresh_and_the_task_forgets_it(self) -> None:
        first = self.post(self.officer_a, new_person())
        IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))

        again = self.post(self.officer_a, new_person())

        self.assertEqual(again.status_code, 201)
        self.assertFalse(again.has_header("Idempotent-Replayed"))
        self.assertNotEqual(again.json()["id"], first.json()["id"])
        self.assertEqual(IdempotencyRecord.objects.count(), 1)  # taken over, not duplicated
        IdempotencyRecord.objects.create(
            client="user:0", key="old", method="POST", path=self.url, request_hash="x"
        )
        IdempotencyRecord.objects.filter(key="old").update(
            created_at=timezone.now() - dt.timedelta(hours=24, seconds=1)
        )

        self.assertEqual(delete_expired_idempotency_records(), 1)
        self.assertEqual(list(IdempotencyRecord.objects.values_list("key", flat=True)), [KEY])

    def test_what_is_stored_is_the_final_answer_only(self) -> None:
        """Successes and final 4xx are stored; a 5xx, a conflict or a throttle is retried."""
        from django.http import HttpResponse

        stored = {
            s for s in (200, 201, 204, 400, 404, 412, 422, 428) if is_final(HttpResponse(status=s))
        }
        retried = {
            s for s in (408, 409, 425, 429, 500, 502, 503) if not is_final(HttpResponse(status=s))
        }
        self.assertEqual(stored, {200, 201, 204, 400, 404, 412, 422, 428})
        self.assertEqual(retried, {408, 409, 425, 429, 500, 502, 503})

    def test_a_keyed_post_costs_a_fixed_number_of_queries(self) -> None:
        """The key's claim, lookup and store: the same few queries whatever the record holds."""
        nominal = rf.person(self.officer_a, "Harrow", "Dean")
        url = reverse("api-addresses-list", args=[nominal.pk])
        client = self.client_as(self.officer_a)

        def extra(n: int) -> int:
            body = {**rf.api_payload("addresses", n), "reason": REASON}
            with CaptureQueriesContext(connection) as plain:
                client.post(url, body, format="json")
            body = {**rf.api_payload("addresses", n + 50), "reason": REASON}
            with CaptureQueriesContext(connection) as keyed:
                client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{n}")
            return len(keyed) - len(plain)

        first = extra(1)
        for n in range(2, 8):
            rf.add(self.officer_a, nominal, "addresses", rf.service_data("addresses", n + 100))
        self.assertEqual(extra(9), first)
        self.assertLessEqual(first, 6)

    def test_every_post_documents_the_header_and_its_422(self) -> None:
        from drf_spectacular.generators import SchemaGenerator

        schema = SchemaGenerator().get_schema(request=None, public=True)
        schema = document_idempotency_key(schema, None, None, True)
        posts = [(path, item["post"]) for path, item in schema["paths"].items() if "post" in item]
        self.assertGreater(len(posts), 10)
        for path, operation in posts:
            with self.subTest(path):
                names = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
                self.assertEqual(names.count("Idempotency-Key"), 1)
                self.assertIn("422", operation["responses"])
        for path, item in schema["paths"].items():
            for method in set(item) - {"post", "parameters"}:
                names = [p["name"] for p in item[method].get("parameters", [])]
                self.assertNotIn("Idempotency-Key", names, f"{method} {path}")


@pytest.mark.django_db(transaction=True)
def test_10_concurrent_posts_with_one_key_create_exactly_one(live_server: Any) -> None:
    """Real concurrency: 10 threads, 10 connections, one key. One acts; the others wait for
    it and replay its answer (or, if it is still running after the wait, get 409)."""
    import urllib.error
    import urllib.request

    agency = factories.agency("A", m.AgencyKind.POLICE_FORCE)
    _, token = services.api_client_create(
        actor=None,
        agency=agency,
        name="Probation case system",
        roles=[Role.OFFENDER_MANAGER],
        scopes=m.ApiScope.values,
        reason="Test setup",
    )
    _, other_token = services.api_client_create(
        actor=None,
        agency=agency,
        name="Second system",
        roles=[Role.OFFENDER_MANAGER],
        scopes=m.ApiScope.values,
        reason="x",
    )
    url = live_server.url + reverse("api-nominal-list")
    body = json.dumps(new_person()).encode()
    start = threading.Barrier(11)

    def post(token: str) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(  # noqa: S310 - the live server's own URL
            url,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": KEY,
            },
        )
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    with ThreadPoolExecutor(max_workers=11) as pool:
        futures = [pool.submit(post, token) for _ in range(10)]
        futures.append(pool.submit(post, other_token))
        answers = [f.result() for f in futures]
    connections.close_all()

    mine, other = answers[:10], answers[10]
    assert Counter(status for status, _, _ in mine) <= Counter({201: 10, 409: 10})
    acted = [a for a in mine if a[0] == 201 and "Idempotent-Replayed" not in a[1]]
    assert len(acted) == 1, [(s, h.get("Idempotent-Replayed")) for s, h, _ in mine]
    replays = [a for a in mine if a[0] == 201 and a is not acted[0]]
    assert all(json.loads(r[2]) == json.loads(acted[0][2]) for r in replays)
    # The other client's identical key is its own: it acted too.
    assert other[0] == 201 and "Idempotent-Replayed" not in other[1]
    assert m.Nominal.objects.filter(family_name="Quarrie").count() == 2
