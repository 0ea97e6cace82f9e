"""/api/v1/mappa/cases/<id>/termination/, archive/ and archive-reviews/: the end of a case."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework.test import APIClient

from mappa.models import ArchiveReview, CaseStatus, MappaCase, PlanKind, TerminationReason
from tests.mappa.base import MappaTestCase, today


class EndingApiTests(MappaTestCase):
    case: MappaCase

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = cls.open_case(category=2, level=1)
        cls.end_licence(cls.nominal)
        cls.plan(cls.case, kind=PlanKind.CLOSING)

    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.officer_a)

    def url(self, name: str) -> str:
        return reverse(f"api-mappa-{name}", args=[self.case.pk])

    def etag(self) -> str:
        return str(self.api.get(reverse("api-mappa-case-detail", args=[self.case.pk]))["ETag"])

    def post(self, name: str, data: dict[str, Any], etag: str | None = None) -> Any:
        if etag is None:
            return self.api.post(self.url(name), data, format="json")
        return self.api.post(self.url(name), data, format="json", HTTP_IF_MATCH=etag)

    def status(self) -> str:
        return MappaCase.objects.get(pk=self.case.pk).status

    def terminate(self) -> Any:
        return self.post(
            "case-termination",
            {"termination_reason": TerminationReason.LICENCE_ENDED, "note": "Licence expired"},
            self.etag(),
        )

    def test_terminate_archive_and_review_over_the_api(self) -> None:
        self.assertEqual(self.terminate().json()["status"], CaseStatus.TERMINATED)
        self.api.force_authenticate(self.coordinator_a)
        archived = self.post("case-archive", {"reason": "Closed"}, self.etag())
        self.assertEqual(archived.status_code, 200, archived.content)
        self.assertEqual(self.status(), CaseStatus.ARCHIVED)
        review = self.post(
            "archive-review",
            {"decision": "retain", "rationale": "Risk may return", "reviewed_on": str(today())},
        )
        self.assertEqual(review.status_code, 201, review.content)
        self.assertEqual(review.json()["number"], 1)
        self.assertEqual(review.json()["reviewed_by"], "coordinator.a")
        self.assertEqual(ArchiveReview.objects.get().history.get().history_user, self.coordinator_a)

    def test_a_reason_not_valid_for_the_category_is_refused_field_by_field(self) -> None:
        response = self.post(
            "case-termination",
            {"termination_reason": TerminationReason.NOTIFICATION_ENDED, "note": "x"},
            self.etag(),
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(list(response.json()), ["termination_reason"])
        empty = self.post("case-termination", {}, self.etag())
        self.assertEqual(set(empty.json()), {"termination_reason", "note"})
        self.assertEqual(self.status(), CaseStatus.ACTIVE)

    def test_if_match_is_required_and_a_stale_one_changes_nothing(self) -> None:
        data = {"termination_reason": TerminationReason.LICENCE_ENDED, "note": "Licence expired"}
        self.assertEqual(self.post("case-termination", data).status_code, 428)
        self.assertEqual(self.post("case-termination", data, '"stale"').status_code, 412)
        self.assertEqual(self.status(), CaseStatus.ACTIVE)

    def test_archiving_is_for_the_lead_agencys_coordinator_only(self) -> None:
        self.terminate()
        for user in (self.officer_a, self.supervisor_a, self.coordinator_b, self.vlo_a):
            self.api.force_authenticate(user)
            with self.subTest(user=user.username):
                archive = self.post("case-archive", {"reason": "x"}, '"*"')
                self.assertEqual(archive.status_code, 404)
        self.assertEqual(self.status(), CaseStatus.TERMINATED)

    def test_other_agency_and_wrong_roles_cannot_end_a_case(self) -> None:
        data = {"termination_reason": TerminationReason.LICENCE_ENDED, "note": "x"}
        review = {"decision": "retain", "rationale": "x", "reviewed_on": str(today())}
        for user in (self.officer_b, self.vlo_a, self.auditor, self.admin_b):
            self.api.force_authenticate(user)
            for name, payload in (
                ("case-termination", data),
                ("case-archive", {"reason": "x"}),
                ("archive-review", review),
            ):
                with self.subTest(user=user.username, endpoint=name):
                    self.assertEqual(self.post(name, payload, '"*"').status_code, 404)
        self.assertEqual(self.status(), CaseStatus.ACTIVE)
        self.assertFalse(ArchiveReview.objects.exists())

    def test_a_review_before_archiving_is_refused(self) -> None:
        self.api.force_authenticate(self.coordinator_a)
        self.terminate()
        response = self.post(
            "archive-review",
            {"decision": "retain", "rationale": "x", "reviewed_on": str(today())},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ArchiveReview.objects.exists())
