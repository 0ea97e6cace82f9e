"""/api/v1/mappa/: the gate (404), logged reads with X-Purpose, field-by-field errors,
ETag / If-Match, cursor pagination and fixed query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from rest_framework.test import APIClient

from mappa import services
from mappa.api import MANAGER_NOT_OFFERED
from mappa.models import (
    HomeVisit,
    LevelChange,
    MappaCase,
    Meeting,
    MeetingAction,
    PlanStatus,
    Referral,
    ReferralStatus,
    RiskManagementPlan,
)
from register.models import AccessChannel, AccessLog, Nominal
from tests.mappa.base import SECTIONS, MappaTestCase, today


class ApiTestCase(MappaTestCase):
    case: MappaCase
    meeting_: Meeting
    action: MeetingAction
    draft: RiskManagementPlan
    other: Nominal
    referral: Referral

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = cls.open_case(category=2, level=2)
        cls.meeting_ = cls.meeting(cls.case, held=True)
        cls.action = services.action_add(
            actor=cls.coordinator_a,
            meeting=cls.meeting_,
            case=cls.case,
            description="Check the exclusion zone",
            owner=cls.officer_a,
            due_on=today() + dt.timedelta(days=10),
        )
        cls.draft = cls.plan(cls.case, approve=False)
        cls.other = cls.person("Other")
        cls.referral = cls.refer(cls.other)

    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.officer_a)

    def as_api_user(self, user: Any) -> None:
        self.api.force_authenticate(user)

    def urls(self) -> dict[str, str]:
        return {
            "cases": reverse("api-mappa-case-list"),
            "case": reverse("api-mappa-case-detail", args=[self.case.pk]),
            "plans": reverse("api-mappa-plan-list", args=[self.case.pk]),
            "visits": reverse("api-mappa-visit-list", args=[self.case.pk]),
            "referrals": reverse("api-mappa-referral-list"),
            "referral": reverse("api-mappa-referral-detail", args=[self.referral.pk]),
            "meetings": reverse("api-mappa-meeting-list"),
            "meeting": reverse("api-mappa-meeting-detail", args=[self.meeting_.pk]),
            "actions": reverse("api-mappa-action-list", args=[self.meeting_.pk]),
            "action": reverse("api-mappa-action-detail", args=[self.action.pk]),
        }

    def snapshot(self) -> tuple[Any, ...]:
        return (
            sorted(MappaCase.objects.values_list("level", "status")),
            LevelChange.objects.count(),
            sorted(Referral.objects.values_list("status", flat=True)),
            sorted(RiskManagementPlan.objects.values_list("status", flat=True)),
            HomeVisit.objects.count(),
            sorted(MeetingAction.objects.values_list("status", flat=True)),
            Meeting.objects.count(),
        )


class AccessTests(ApiTestCase):
    def writes(self) -> list[tuple[str, str, dict[str, Any]]]:
        etag = self.api.get(self.urls()["case"]).get("ETag", '"x"')
        return [
            (
                "post",
                reverse("api-mappa-case-list"),
                {
                    "nominal": str(self.other.pk),
                    "category": 1,
                    "level": 1,
                    "responsible_manager": "officer.a",
                    "start_date": str(today()),
                    "reason": "x",
                },
            ),
            ("patch", self.urls()["case"], {"level": 3, "reason": "x", "_etag": etag}),
            (
                "post",
                self.urls()["plans"],
                {**SECTIONS, "review_on": str(today() + dt.timedelta(days=9))},
            ),
            ("post", reverse("api-mappa-plan-approval", args=[self.draft.pk]), {"reason": "ok"}),
            ("post", self.urls()["visits"], {"planned_on": str(today() + dt.timedelta(days=2))}),
            (
                "post",
                self.urls()["referrals"],
                {
                    "nominal": str(self.nominal.pk),
                    "reason": "x",
                    "proposed_category": 3,
                    "proposed_level": 2,
                },
            ),
            (
                "post",
                reverse("api-mappa-referral-decision", args=[self.referral.pk]),
                {"accept": False, "reason": "No"},
            ),
            ("patch", self.urls()["action"], {"status": "done", "outcome": "x"}),
            (
                "post",
                self.urls()["meetings"],
                {"scheduled_at": "2030-01-07T10:00:00+00:00", "level": 2, "chair": "officer.a"},
            ),
        ]

    def test_the_right_users_read_every_endpoint(self) -> None:
        for name, url in self.urls().items():
            with self.subTest(name):
                self.assertEqual(self.api.get(url).status_code, 200)

    def test_other_agency_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        writes = self.writes()
        before = self.snapshot()
        for user in (self.officer_b, self.vlo_a, self.auditor, self.admin_b):
            self.as_api_user(user)
            for name, url in self.urls().items():
                response = self.api.get(url)
                if user == self.officer_b and name in ("cases", "referrals", "meetings"):
                    self.assertEqual(response.json()["results"], [], name)
                    continue
                with self.subTest(user=user.username, read=name):
                    self.assertEqual(response.status_code, 404, response.content[:200])
            for method, url, data in writes:
                headers = {"HTTP_IF_MATCH": data.pop("_etag")} if "_etag" in data else {}
                with self.subTest(user=user.username, write=url):
                    response = getattr(self.api, method)(url, data, format="json", **headers)
                    self.assertIn(response.status_code, (404, 400), response.content[:300])
                    if response.status_code == 400:
                        # a body naming a nominal the caller cannot see: "no such person"
                        self.assertEqual(
                            response.json(), {"nominal": ["No such person on the register"]}
                        )
                data.update({"_etag": headers["HTTP_IF_MATCH"]} if headers else {})
        self.assertEqual(self.snapshot(), before)

    def test_only_the_coordinator_addressed_decides(self) -> None:
        self.end_licence(self.other)  # Category 2 over: Category 3 is open to them
        url = reverse("api-mappa-referral-decision", args=[self.referral.pk])
        for user in (self.officer_a, self.supervisor_a, self.coordinator_b):
            self.as_api_user(user)
            with self.subTest(user.username):
                response = self.api.post(url, {"accept": False, "reason": "No"}, format="json")
                self.assertEqual(response.status_code, 404)
        self.assertEqual(Referral.objects.get(pk=self.referral.pk).status, ReferralStatus.PENDING)
        self.as_api_user(self.coordinator_a)
        response = self.api.post(
            url,
            {"accept": True, "reason": "Yes", "responsible_manager": "officer.a"},
            format="json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "accepted")
        self.assertEqual(MappaCase.objects.get(nominal=self.other).category, 3)

    def test_the_author_cannot_approve_their_plan(self) -> None:
        own = self.plan(self.case, approve=False, author=self.supervisor_a)
        self.as_api_user(self.supervisor_a)
        url = reverse("api-mappa-plan-approval", args=[own.pk])
        response = self.api.post(url, {"reason": "mine"}, format="json")
        self.assertEqual(response.status_code, 400)
        self.assertIn("another supervisor", response.json()["non_field_errors"][0])
        self.assertEqual(RiskManagementPlan.objects.get(pk=own.pk).status, PlanStatus.DRAFT)
        url = reverse("api-mappa-plan-approval", args=[self.draft.pk])
        response = self.api.post(url, {"reason": "Agreed"}, format="json")
        self.assertEqual(response.json()["in_force"], True)


class ConventionTests(ApiTestCase):
    def test_level_change_needs_the_current_etag(self) -> None:
        url = self.urls()["case"]
        response = self.api.get(url, HTTP_X_PURPOSE="Risk review")
        etag = response["ETag"]
        log = AccessLog.objects.filter(channel=AccessChannel.API).latest("pk")
        self.assertEqual((log.purpose, log.record_id), ("Risk review", str(self.nominal.pk)))
        self.assertEqual(
            self.api.patch(url, {"level": 3, "reason": "x"}, format="json").status_code, 428
        )
        self.assertEqual(
            self.api.patch(
                url, {"level": 3, "reason": "x"}, format="json", HTTP_IF_MATCH='"stale"'
            ).status_code,
            412,
        )
        response = self.api.patch(
            url, {"level": 3, "reason": "Threats"}, format="json", HTTP_IF_MATCH=etag
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["level"], 3)
        self.assertNotEqual(response["ETag"], etag)
        # The old ETag is now stale: a second editor cannot overwrite.
        again = self.api.patch(url, {"level": 2, "reason": "x"}, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(again.status_code, 412)
        self.assertEqual(MappaCase.objects.get(pk=self.case.pk).level, 3)

    def test_field_by_field_errors_and_nothing_saved(self) -> None:
        before = self.snapshot()
        etag = self.api.get(self.urls()["case"])["ETag"]
        checks: list[tuple[Any, ...]] = [
            (
                self.api.patch,
                self.urls()["case"],
                {"level": 3},
                {"HTTP_IF_MATCH": etag},
                {"reason": ["This field is required."]},
            ),
            (
                self.api.post,
                self.urls()["referrals"],
                {
                    "nominal": str(self.nominal.pk),
                    "reason": "x",
                    "proposed_category": 3,
                    "proposed_level": 1,
                },
                {},
                {
                    "proposed_level": [
                        "Category 3 cases are managed at Level 2 or 3 only: a Category 3 case needs multi-agency management"
                    ]
                },
            ),
            (
                self.api.post,
                reverse("api-mappa-case-list"),
                {
                    "nominal": str(self.other.pk),
                    "category": 3,
                    "level": 1,
                    "responsible_manager": "officer.a",
                    "start_date": str(today()),
                    "reason": "x",
                },
                {},
                {
                    "level": [
                        "Category 3 cases are managed at Level 2 or 3 only: a Category 3 case needs multi-agency management"
                    ]
                },
            ),
            (
                self.api.post,
                reverse("api-mappa-case-list"),
                {
                    "nominal": str(self.other.pk),
                    "category": 1,
                    "level": 1,
                    "responsible_manager": "nobody",
                    "start_date": str(today()),
                    "reason": "x",
                },
                {},
                {"responsible_manager": [MANAGER_NOT_OFFERED]},
            ),
            (
                self.api.post,
                self.urls()["plans"],
                {**SECTIONS, "review_on": str(today())},
                {},
                {"review_on": ["The review date must be in the future"]},
            ),
            (
                self.api.post,
                self.urls()["visits"],
                {"outcome": "x"},
                {},
                {"planned_on": ["Give planned_on to plan a visit, or visited_on to record one"]},
            ),
            (
                self.api.get,
                self.urls()["cases"] + "?level=7",
                None,
                {},
                {"level": ["Choose one of: 1, 2, 3"]},
            ),
        ]
        for method, url, data, headers, expected in checks:
            with self.subTest(url=url):
                response = (
                    method(url, data, format="json", **headers) if data is not None else method(url)
                )
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(response.json(), expected)
        self.assertEqual(self.snapshot(), before)

    def test_coordinators_schedule_meetings(self) -> None:
        url = self.urls()["meetings"]
        body = {
            "scheduled_at": "2030-01-07T10:00:00+00:00",
            "level": 3,
            "chair": "coordinator.a",
            "attending_agencies": ["B"],
            "cases": [str(self.case.pk)],
        }
        before = Meeting.objects.count()
        self.assertEqual(self.api.post(url, body, format="json").status_code, 404)
        self.as_api_user(self.coordinator_b)
        bad = self.api.post(url, body, format="json")
        self.assertEqual(bad.json(), {"cases": ["Give cases your agency may change"]})
        self.as_api_user(self.coordinator_a)
        naive = self.api.post(url, {**body, "scheduled_at": "2030-01-07T10:00:00"}, format="json")
        self.assertEqual(list(naive.json()), ["scheduled_at"])
        self.assertEqual(
            self.api.post(url, {**body, "level": 1}, format="json").json(),
            {"level": ["MAPP meetings are for Level 2 or 3"]},
        )
        self.assertEqual(Meeting.objects.count(), before)
        response = self.api.post(url, body, format="json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["attending_agencies"], ["B"])

    def test_action_closed_with_if_match(self) -> None:
        url = self.urls()["action"]
        etag = self.api.get(url)["ETag"]
        self.assertEqual(
            self.api.patch(url, {"status": "done", "outcome": "x"}, format="json").status_code, 428
        )
        response = self.api.patch(
            url, {"status": "done", "outcome": "Checked"}, format="json", HTTP_IF_MATCH=etag
        )
        self.assertEqual(response.json()["status"], "done")

    def test_meeting_withholds_cases_the_caller_cannot_see(self) -> None:
        self.meeting_.attending_agencies.add(self.agency_b)
        self.as_api_user(self.officer_b)
        body = self.api.get(self.urls()["meeting"]).json()
        self.assertEqual((body["cases"], body["cases_withheld"]), ([], 1))
        self.assertEqual(self.api.get(self.urls()["actions"]).json()["results"], [])

    def test_filters_and_cursor_pagination(self) -> None:
        for i in range(3):
            self.open_case(self.person(f"Page{i}"), category=1, level=1)
        response = self.api.get(self.urls()["cases"] + "?category=1&page_size=2")
        body = response.json()
        self.assertEqual(len(body["results"]), 2)
        self.assertTrue(body["next"])
        second = self.api.get(body["next"]).json()
        self.assertEqual(len(second["results"]), 1)
        self.assertEqual({r["category"] for r in body["results"] + second["results"]}, {1})
        self.assertEqual(
            [r["id"] for r in self.api.get(self.urls()["cases"] + "?category=2").json()["results"]],
            [str(self.case.pk)],
        )


class QueryCountTests(ApiTestCase):
    def grow(self, n: int) -> None:
        for i in range(n):
            person = self.person(f"Grow{i}")
            case = self.open_case(person, category=2, level=2)
            services.meeting_add_case(
                actor=self.coordinator_a, meeting=self.meeting_, case=case, reason="x"
            )
            services.action_add(
                actor=self.coordinator_a,
                meeting=self.meeting_,
                case=case,
                description=f"A{i}",
                owner=self.officer_a,
                due_on=today(),
            )
            self.refer(person)
            self.plan(self.case, approve=False)
            services.visit_record(
                actor=self.officer_a, case=self.case, visited_on=today(), outcome=f"V{i}"
            )

    def test_lists_and_details_run_a_fixed_number_of_queries(self) -> None:
        expected = {
            # page, access-log insert (the gate is a subquery of the page)
            "cases": 2,
            "referrals": 2,
            # meetings page, attending agencies (prefetched); no nominal read, nothing logged
            "meetings": 2,
            # case (through the gate), page, access-log insert
            "plans": 3,
            "visits": 3,
            "case": 2,
            "referral": 2,
            # meeting, cases with visibility, actions, attending agencies, access-log insert
            "meeting": 5,
            # meeting, page, access-log insert
            "actions": 3,
            "action": 2,
        }
        self.as_api_user(self.coordinator_a)
        for rows in ("few", "many"):
            for name, url in self.urls().items():
                with self.subTest(rows=rows, endpoint=name), self.assertNumQueries(expected[name]):
                    response = self.api.get(url)
                self.assertEqual(response.status_code, 200)
            if rows == "few":
                self.grow(6)
        self.assertEqual(len(self.api.get(self.urls()["meeting"]).json()["cases"]), 7)
