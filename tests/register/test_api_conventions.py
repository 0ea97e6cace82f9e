"""/api/v1/: schema, field-by-field errors, ETag/If-Match, cursor pagination, bounded queries."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from register.models import Nominal
from tests import factories
from tests.base import RegisterTestCase


class ApiConventionTests(RegisterTestCase):
    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.officer_a)

    def test_schema_and_docs_are_served(self) -> None:
        schema = self.api.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
        self.assertEqual(schema.status_code, 200)
        paths = schema.json()["paths"]
        self.assertIn("/api/v1/nominals/{nominal_id}/", paths)
        self.assertIn("patch", paths["/api/v1/nominals/{nominal_id}/"])
        docs = self.api.get(reverse("api-docs"))
        self.assertContains(docs, "swagger-ui")
        self.assertNotContains(docs, "cdn.jsdelivr.net")

    def test_bad_input_gets_field_by_field_errors_and_creates_nothing(self) -> None:
        response = self.api.post(
            reverse("api-nominal-list"),
            {"family_name": "", "date_of_birth": "1990-02-30"},
            format="json",
        )
        self.assertEqual(response.status_code, 400)
        errors = response.json()
        self.assertEqual(set(errors), {"family_name", "given_names", "date_of_birth", "reason"})
        self.assertIn("may not be blank", errors["family_name"][0])
        self.assertFalse(Nominal.objects.exists())

    def test_create_records_history_with_the_acting_client(self) -> None:
        response = self.api.post(
            reverse("api-nominal-list"),
            {"family_name": "Created", "given_names": "Via Api", "reason": "Transfer from SDP"},
            format="json",
        )
        self.assertEqual(response.status_code, 201)
        nominal = Nominal.objects.get(pk=response.json()["id"])
        self.assertEqual(nominal.history.get().history_user, self.officer_a)

    def test_update_needs_the_current_etag(self) -> None:
        nominal = factories.nominal(self.officer_a, family_name="Original")
        url = reverse("api-nominal-detail", args=[nominal.pk])
        etag = self.api.get(url)["ETag"]
        change = {"family_name": "Changed", "reason": "Deed poll"}

        missing = self.api.patch(url, change, format="json")
        self.assertEqual(missing.status_code, 428)

        ok = self.api.patch(url, change, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(ok.status_code, 200, ok.content)
        self.assertNotEqual(ok["ETag"], etag)

        stale = self.api.patch(
            url,
            {"family_name": "Overwritten", "reason": "Late edit"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        self.assertEqual(stale.status_code, 412)
        nominal.refresh_from_db()
        self.assertEqual(nominal.family_name, "Changed")
        self.assertEqual(nominal.history.count(), 2)

    def test_bad_update_is_refused_field_by_field_and_changes_nothing(self) -> None:
        nominal = factories.nominal(self.officer_a, family_name="Kept")
        url = reverse("api-nominal-detail", args=[nominal.pk])
        etag = self.api.get(url)["ETag"]
        response = self.api.patch(
            url, {"family_name": "x" * 101}, format="json", HTTP_IF_MATCH=etag
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()), {"family_name", "reason"})
        nominal.refresh_from_db()
        self.assertEqual(nominal.family_name, "Kept")

    def test_list_is_cursor_paginated(self) -> None:
        for i in range(3):
            factories.nominal(self.officer_a, family_name=f"Page{i}")
        first = self.api.get(reverse("api-nominal-list"), {"page_size": 2}).json()
        self.assertEqual(len(first["results"]), 2)
        self.assertIn("cursor=", first["next"])
        second = self.api.get(first["next"]).json()
        self.assertEqual(len(second["results"]), 1)
        names = {r["family_name"] for r in first["results"] + second["results"]}
        self.assertEqual(names, {"Page0", "Page1", "Page2"})

    def test_list_and_detail_query_counts_do_not_grow_with_rows(self) -> None:
        nominal = factories.nominal(self.officer_a)
        for _ in range(2):
            with self.assertNumQueries(2):  # page, access-log insert
                self.api.get(reverse("api-nominal-list"))
            # record, one query per kind of detail, access-log insert (the full
            # profile with orders and registrations is pinned in test_nominal_api)
            with self.assertNumQueries(15):
                self.api.get(reverse("api-nominal-detail", args=[nominal.pk]))
            for i in range(15):
                other = factories.nominal(self.officer_a, family_name=f"More{i}")
                from register.services import nominal_share

                nominal_share(actor=self.officer_a, nominal=other, agency=self.agency_b, reason="x")
