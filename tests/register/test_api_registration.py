"""A registration over the API after its decision: the notice, reviews and appeals, and ending
(issue 15, "Registration over the API"). The same services, rules and refusals as the pages;
If-Match on every change to an existing registration or review; Idempotency-Key replays;
field-by-field 400s that change nothing; 404 for another agency and for roles that cannot act;
a fixed number of queries; real concurrent clients holding one ETag.

The decision itself, and its refusal for a flagged person without a primary-aggressor review
finding the primary aggressor, are tests/register/test_registration_api.py
(test_a_flagged_person_is_refused_until_a_review_finds_the_primary_aggressor).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, connections, models, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core import events
from core.events import DomainEvent
from register import models as m
from register import services
from register.models import Role
from tests import factories
from tests import register_factories as rf
from tests.base import RegisterTestCase

TODAY = timezone.localdate()
DECIDED = TODAY - dt.timedelta(days=30)
STARTS = TODAY - dt.timedelta(days=20)
REVIEW = TODAY + dt.timedelta(days=345)
KEY = "0b6f3c1e-ended-by-the-probation-case-system"

# Pinned query counts, as of this commit (see QueryCountTests), with a forced-authenticated
# client (no session). Notice: the registration with its nominal, agency, officer and criteria
# set, and the access-log insert. Reviews: the registration, the reviews with their deciders,
# the access-log insert. End: the registration, the locks (nominal, registration), the update
# and its history row, the nominal's status, and the registration.ended listeners (victims'
# VLO tasks, MAPPA's pending proposal, partners' webhook subscriptions).
NOTICE_GET_QUERIES = 2
REVIEWS_GET_QUERIES = 3
END_POST_QUERIES = 16


def api(user: m.StaffUser) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def register(officer: m.StaffUser, family_name: str) -> m.Registration:
    nominal = rf.serial_stalker(officer, family_name)
    return services.registration_decide(
        actor=officer,
        nominal=nominal,
        criteria_set=m.CriteriaSet.objects.get(key="broad-convicted"),
        decision=m.Decision.REGISTER,
        rationale="Serial stalking of former partners; two custodial sentences",
        decided_on=DECIDED,
        starts_on=STARTS,
        review_on=REVIEW,
    )


def state() -> tuple[object, ...]:
    """Everything the endpoints could change."""
    return (
        list(
            m.Registration.objects.order_by("pk").values_list(
                "ended_on", "end_reason", "notice_served_on", "updated_at"
            )
        ),
        m.Registration.history.count(),
        list(
            m.RegistrationReview.objects.order_by("pk").values_list(
                "outcome", "outcome_reason", "updated_at"
            )
        ),
        m.RegistrationReview.history.count(),
        list(m.Nominal.objects.order_by("pk").values_list("registration_status", flat=True)),
    )


@contextmanager
def heard(event_type: str) -> Iterator[list[DomainEvent]]:
    got: list[DomainEvent] = []
    events.subscribe(event_type, got.append)
    try:
        yield got
    finally:
        events.unsubscribe(event_type, got.append)


class RegistrationApiTestCase(RegisterTestCase):
    registration: m.Registration

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.registration = register(cls.officer_a, "Noticed")

    def url(self, name: str, *args: Any) -> str:
        return reverse(name, args=[self.registration.pk, *args])

    def etag(self, user: m.StaffUser | None = None) -> str:
        response = api(user or self.officer_a).get(self.url("api-registration-notice"))
        self.assertEqual(response.status_code, 200, response.content)
        return str(response["ETag"])

    def request_review(self, **overrides: Any) -> Any:
        body = {
            "kind": "appeal",
            "requested_on": TODAY.isoformat(),
            "requested_by": "Solicitor for the registered person",
            "grounds": "Completed a perpetrator programme; no contact for three years",
            **overrides,
        }
        return api(self.officer_a).post(self.url("api-registration-reviews"), body, format="json")


class NoticeApiTests(RegistrationApiTestCase):
    def test_the_notice_gives_the_facts_the_printed_notice_gives(self) -> None:
        logged = m.AccessLog.objects.count()
        response = api(self.officer_a).get(
            self.url("api-registration-notice"), HTTP_X_PURPOSE="Serving the notice"
        )
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        nominal = self.registration.nominal
        self.assertEqual(data["reference"], str(self.registration.pk))
        self.assertEqual(
            data["person"],
            {
                "id": str(nominal.pk),
                "given_names": "Dean",
                "family_name": "Noticed",
                "date_of_birth": "1979-08-23",
            },
        )
        self.assertEqual(data["issued_by"], self.agency_a.name)
        self.assertEqual(data["criteria_set"]["key"], "broad-convicted")
        self.assertEqual(
            (data["decided_on"], data["starts_on"], data["review_on"]),
            (DECIDED.isoformat(), STARTS.isoformat(), REVIEW.isoformat()),
        )
        self.assertEqual((data["notice_served_on"], data["current"]), (None, True))
        self.assertTrue(response["ETag"])
        # A read of the person's record is logged, with the purpose the client gave.
        self.assertEqual(m.AccessLog.objects.count(), logged + 1)
        self.assertEqual(m.AccessLog.objects.latest("at").record_id, str(nominal.pk))

    def test_serving_needs_the_etag_and_records_who_and_how(self) -> None:
        url = self.url("api-registration-notice")
        body = {"served_on": TODAY.isoformat(), "reason": "Handed to him at a home visit"}
        before = state()
        self.assertEqual(api(self.officer_a).post(url, body, format="json").status_code, 428)
        stale = api(self.officer_a).post(url, body, format="json", HTTP_IF_MATCH='"stale"')
        self.assertEqual(stale.status_code, 412)
        self.assertEqual(state(), before)

        etag = self.etag()
        served = api(self.officer_a).post(url, body, format="json", HTTP_IF_MATCH=etag)
        self.assertEqual(served.status_code, 200, served.content)
        self.assertEqual(served.json()["notice_served_on"], TODAY.isoformat())
        self.assertNotEqual(served["ETag"], etag)  # a new version: the old ETag is stale now
        latest = m.Registration.objects.get(pk=self.registration.pk).history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason),
            (self.officer_a, "Handed to him at a home visit"),
        )

    def test_bad_input_is_refused_field_by_field_and_changes_nothing(self) -> None:
        url = self.url("api-registration-notice")
        before = state()
        cases: list[tuple[dict[str, Any], set[str]]] = [
            ({}, {"served_on", "reason"}),
            ({"served_on": "31/02/2026", "reason": ""}, {"served_on", "reason"}),
            (  # the service's rule: a notice is not served in the future
                {"served_on": (TODAY + dt.timedelta(days=1)).isoformat(), "reason": "Posted"},
                {"served_on"},
            ),
            ({"served_on": TODAY.isoformat(), "reason": "Posted", "by": "x"}, {"by"}),
        ]
        for body, fields in cases:
            with self.subTest(body=body):
                response = api(self.officer_a).post(
                    url, body, format="json", HTTP_IF_MATCH=self.etag()
                )
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(set(response.json()), fields, response.json())
        self.assertEqual(state(), before)


class EndApiTests(RegistrationApiTestCase):
    def test_ending_through_the_service_tells_the_listeners(self) -> None:
        url = self.url("api-registration-end")
        body = {"ended_on": TODAY.isoformat(), "end_reason": "Deceased (coroner's notification)"}
        self.assertEqual(api(self.officer_a).post(url, body, format="json").status_code, 428)
        with heard("registration.ended") as got:
            ended = api(self.officer_a).post(url, body, format="json", HTTP_IF_MATCH=self.etag())
        self.assertEqual(ended.status_code, 200, ended.content)
        self.assertEqual(
            (ended.json()["ended_on"], ended.json()["end_reason"]),
            (TODAY.isoformat(), "Deceased (coroner's notification)"),
        )
        registration = m.Registration.objects.get(pk=self.registration.pk)
        self.assertEqual(registration.nominal.registration_status, m.RegistrationStatus.ENDED)
        latest = registration.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason),
            (self.officer_a, "Deceased (coroner's notification)"),
        )
        [event] = got
        self.assertEqual(
            (event.subject_type, event.subject_id, event.nominal_id, event.actor_id),
            ("registration", str(registration.pk), str(registration.nominal_id), self.officer_a.pk),
        )
        self.assertEqual(event.data["ended_on"], TODAY.isoformat())
        # Once ended, it cannot end again: the page's refusal, as a 400.
        again = api(self.officer_a).post(url, body, format="json", HTTP_IF_MATCH=self.etag())
        self.assertEqual(again.status_code, 400)
        self.assertIn("already ended", again.json()["non_field_errors"][0])

    def test_bad_input_is_refused_field_by_field_and_changes_nothing(self) -> None:
        url = self.url("api-registration-end")
        before = state()
        cases: list[tuple[dict[str, Any], set[str]]] = [
            ({}, {"ended_on", "end_reason"}),
            ({"ended_on": "soon", "end_reason": ""}, {"ended_on", "end_reason"}),
            (  # the service's rules: not before the start, not in the future
                {"ended_on": (STARTS - dt.timedelta(days=1)).isoformat(), "end_reason": "Moved"},
                {"ended_on"},
            ),
            (
                {"ended_on": (TODAY + dt.timedelta(days=1)).isoformat(), "end_reason": "Moved"},
                {"ended_on"},
            ),
            ({"ended_on": TODAY.isoformat(), "end_reason": "  "}, {"end_reason"}),
        ]
        for body, fields in cases:
            with self.subTest(body=body):
                response = api(self.officer_a).post(
                    url, body, format="json", HTTP_IF_MATCH=self.etag()
                )
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(set(response.json()), fields, response.json())
                for messages in response.json().values():
                    self.assertTrue(messages and all(isinstance(x, str) for x in messages))
        self.assertEqual(state(), before)

    def test_a_retry_with_the_same_idempotency_key_ends_it_once(self) -> None:
        url = self.url("api-registration-end")
        body = {"ended_on": TODAY.isoformat(), "end_reason": "Moved abroad permanently"}
        etag = self.etag()
        first = api(self.officer_a).post(
            url, body, format="json", HTTP_IF_MATCH=etag, HTTP_IDEMPOTENCY_KEY=KEY
        )
        self.assertEqual(first.status_code, 200, first.content)
        history = m.Registration.history.count()
        again = api(self.officer_a).post(
            url, body, format="json", HTTP_IF_MATCH=etag, HTTP_IDEMPOTENCY_KEY=KEY
        )
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(again.json(), first.json())
        self.assertEqual(m.Registration.history.count(), history)


class ReviewApiTests(RegistrationApiTestCase):
    def test_an_appeal_requested_then_decided_ended_ends_the_registration(self) -> None:
        requested = self.request_review()
        self.assertEqual(requested.status_code, 201, requested.content)
        review = requested.json()
        self.assertEqual((review["kind"], review["outcome"]), ("appeal", "pending"))
        self.assertEqual(
            m.RegistrationReview.objects.get(pk=review["id"]).history.get().history_user,
            self.officer_a,
        )
        listed = api(self.officer_a).get(self.url("api-registration-reviews"))
        self.assertEqual([r["id"] for r in listed.json()], [review["id"]])
        one = api(self.officer_a).get(review["url"])
        self.assertEqual((one.status_code, one["ETag"]), (200, requested["ETag"]))

        decision = self.url("api-registration-review-decision", review["id"])
        body = {
            "outcome": "ended",
            "outcome_reason": "Risk now assessed low; programme completed",
            "decided_on": TODAY.isoformat(),
        }
        self.assertEqual(
            api(self.supervisor_a).post(decision, body, format="json").status_code, 428
        )
        with heard("registration.ended") as got:
            decided = api(self.supervisor_a).post(
                decision, body, format="json", HTTP_IF_MATCH=one["ETag"]
            )
        self.assertEqual(decided.status_code, 200, decided.content)
        self.assertEqual(
            (decided.json()["outcome"], decided.json()["decided_by"]),
            ("ended", self.supervisor_a.username),
        )
        registration = m.Registration.objects.get(pk=self.registration.pk)
        self.assertEqual(registration.ended_on, TODAY)
        self.assertEqual(
            registration.end_reason, "Appeal decided: Risk now assessed low; programme completed"
        )
        self.assertEqual(len(got), 1)
        # Decided once: the page's refusal, as a 400.
        again = api(self.supervisor_a).post(
            decision, body, format="json", HTTP_IF_MATCH=decided["ETag"]
        )
        self.assertEqual(again.status_code, 400)
        self.assertIn("already been decided", again.json()["non_field_errors"][0])

    def test_bad_input_is_refused_field_by_field_and_changes_nothing(self) -> None:
        pending = self.request_review(kind="review").json()
        decision = self.url("api-registration-review-decision", pending["id"])
        etag = api(self.officer_a).get(pending["url"])["ETag"]
        before = state()
        requests: list[tuple[str, dict[str, Any], set[str]]] = [
            (
                self.url("api-registration-reviews"),
                {"kind": "complaint", "requested_on": "31/02/2026"},
                {"kind", "requested_on", "requested_by", "grounds"},
            ),
            (  # the service's rule: the request has been made, so it is not in the future
                self.url("api-registration-reviews"),
                {
                    "kind": "review",
                    "requested_on": (TODAY + dt.timedelta(days=2)).isoformat(),
                    "requested_by": "Him",
                    "grounds": "None given",
                },
                {"requested_on"},
            ),
            (
                decision,
                {"outcome": "pending", "outcome_reason": "", "decided_on": "x"},
                {"outcome", "outcome_reason", "decided_on"},
            ),
        ]
        for url, body, fields in requests:
            with self.subTest(url=url, body=body):
                response = api(self.officer_a).post(url, body, format="json", HTTP_IF_MATCH=etag)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(set(response.json()), fields, response.json())
        self.assertEqual(state(), before)


class AccessTests(RegistrationApiTestCase):
    def test_other_agencies_wrong_roles_and_decisions_not_to_register_get_404(self) -> None:
        review = self.request_review().json()
        not_registered = services.registration_decide(
            actor=self.officer_a,
            nominal=rf.person(self.officer_a, "Declined", "Dean"),
            criteria_set=m.CriteriaSet.objects.get(key="broad-convicted"),
            decision=m.Decision.DO_NOT_REGISTER,
            rationale="Does not meet the criteria",
            decided_on=TODAY,
        )
        etag = self.etag()
        writes = [
            (self.url("api-registration-notice"), {"served_on": TODAY.isoformat(), "reason": "x"}),
            (self.url("api-registration-end"), {"ended_on": TODAY.isoformat(), "end_reason": "x"}),
            (
                self.url("api-registration-reviews"),
                {"kind": "review", "requested_on": TODAY.isoformat(), "requested_by": "x"},
            ),
            (
                self.url("api-registration-review-decision", review["id"]),
                {"outcome": "upheld", "outcome_reason": "x", "decided_on": TODAY.isoformat()},
            ),
        ]
        reads = [
            self.url("api-registration-notice"),
            self.url("api-registration-reviews"),
            review["url"],
        ]
        before = state()
        for user in (self.officer_b, self.vlo_a, self.auditor, self.admin_b):
            for url, body in writes:
                with self.subTest(user=user.username, write=url):
                    response = api(user).post(url, body, format="json", HTTP_IF_MATCH=etag)
                    self.assertEqual(response.status_code, 404, response.content)
            for url in reads:
                with self.subTest(user=user.username, read=url):
                    self.assertEqual(api(user).get(url).status_code, 404)
        for name in ("api-registration-notice", "api-registration-reviews"):
            with self.subTest(not_registered=name):
                url = reverse(name, args=[not_registered.pk])
                self.assertEqual(api(self.officer_a).get(url).status_code, 404)
        # Shared with agency B for reading: B reads the notice but cannot end or serve it.
        services.nominal_share(
            actor=self.officer_a,
            nominal=self.registration.nominal,
            agency=self.agency_b,
            reason="MAPPA",
        )
        self.assertEqual(
            api(self.officer_b).get(self.url("api-registration-notice")).status_code, 200
        )
        for url, body in writes:
            with self.subTest(shared=url):
                response = api(self.officer_b).post(url, body, format="json", HTTP_IF_MATCH=etag)
                self.assertEqual(response.status_code, 404, response.content)
        self.assertEqual(state(), before)

    def test_the_endpoints_are_documented(self) -> None:
        schema = api(self.officer_a).get(
            reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json"
        )
        paths = schema.json()["paths"]
        base = "/api/v1/registrations/{registration_id}/"
        self.assertLessEqual({"get", "post"}, set(paths[base + "notice/"]))
        self.assertIn("post", paths[base + "end/"])
        self.assertLessEqual({"get", "post"}, set(paths[base + "reviews/"]))
        self.assertIn("get", paths[base + "reviews/{review_id}/"])
        decision = paths[base + "reviews/{review_id}/decision/"]["post"]
        self.assertLessEqual({"200", "400", "404", "412", "428"}, set(decision["responses"]))


class QueryCountTests(RegistrationApiTestCase):
    def counted(self, call: Callable[[], Any]) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = call()
        self.assertLess(response.status_code, 300, response.content)
        return len(captured)

    def test_query_counts_do_not_grow_with_reviews(self) -> None:
        counts: dict[str, list[int]] = {"notice": [], "reviews": [], "end": []}
        for n, reviews in enumerate((1, 1, 6)):  # the first round fills per-process caches
            registration = register(self.officer_a, f"Counted{n}")
            for i in range(reviews):
                services.registration_review_request(
                    actor=self.officer_a,
                    registration=registration,
                    kind=m.ReviewKind.REVIEW,
                    requested_on=TODAY - dt.timedelta(days=i),
                    requested_by=f"Solicitor {i}",
                    grounds="Grounds",
                )
            client = api(self.officer_a)
            notice = reverse("api-registration-notice", args=[registration.pk])
            listing = reverse("api-registration-reviews", args=[registration.pk])
            end = reverse("api-registration-end", args=[registration.pk])
            counts["notice"].append(self.counted(lambda: client.get(notice)))  # noqa: B023
            counts["reviews"].append(self.counted(lambda: client.get(listing)))  # noqa: B023
            etag = client.get(notice)["ETag"]
            body = {"ended_on": TODAY.isoformat(), "end_reason": "Moved abroad"}
            counts["end"].append(
                self.counted(
                    lambda: client.post(end, body, format="json", HTTP_IF_MATCH=etag)  # noqa: B023
                )
            )
        for name, seen in counts.items():
            self.assertEqual(seen[1], seen[2], (name, counts))
        print(f"\nRegistration API queries (1 or 6 reviews): {counts}")
        self.assertEqual(
            (counts["notice"][1], counts["reviews"][1], counts["end"][1]),
            (NOTICE_GET_QUERIES, REVIEWS_GET_QUERIES, END_POST_QUERIES),
        )


# Real concurrency: clients on their own database connections, holding one ETag ------------


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(DISTINCT l.pid) FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _at_once(record: models.Model, writers: list[Callable[[], Any]]) -> list[Any]:
    """Run the writers in threads while `record` is locked, and let go once all wait: code
    that compared the ETag before locking would let every one of them through."""

    def run(writer: Callable[[], Any]) -> Any:
        try:
            return writer()
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=len(writers)) as pool:
        with transaction.atomic():
            type(record)._base_manager.select_for_update().filter(pk=record.pk).exists()
            futures = [pool.submit(run, w) for w in writers]
            deadline = time.monotonic() + 60
            while _waiting_on_locks() < len(writers) and time.monotonic() < deadline:
                time.sleep(0.05)
            waiting = _waiting_on_locks()
        answers = [f.result() for f in futures]
    assert waiting >= len(writers), f"only {waiting} requests ever waited together"
    return answers


@pytest.mark.django_db(transaction=True)
def test_ten_clients_ending_one_registration_with_one_etag_end_it_once() -> None:
    agency = factories.agency("A", m.AgencyKind.POLICE_FORCE)
    officer = factories.staff(agency, Role.OFFENDER_MANAGER, username="officer.a")
    registration = register(officer, "Raced")
    url = reverse("api-registration-end", args=[registration.pk])
    etag = api(officer).get(reverse("api-registration-notice", args=[registration.pk]))["ETag"]
    history = registration.history.count()

    def writer(n: int) -> Callable[[], Any]:
        body = {"ended_on": TODAY.isoformat(), "end_reason": f"Ended by client {n}"}
        return lambda: api(officer).post(url, body, format="json", HTTP_IF_MATCH=etag)

    answers = _at_once(registration.nominal, [writer(n) for n in range(10)])

    assert Counter(a.status_code for a in answers) == {200: 1, 412: 9}
    winner = next(a for a in answers if a.status_code == 200).json()
    registration.refresh_from_db()
    assert registration.end_reason == winner["end_reason"]
    assert registration.history.count() == history + 1
