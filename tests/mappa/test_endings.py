"""Issue 10, MAPPA: endings checked against the records (finding 6), the Category 3
consideration as a recorded decision, Category 3 entry (finding 7) and the proposal made
when a DA/stalking offender is registered. Services, pages and the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from mappa import rules, services
from mappa.models import (
    CaseStatus,
    Category3Consideration,
    ConsiderationOutcome,
    MappaCase,
    PlanKind,
    Referral,
    ReferralStatus,
    TerminationReason,
)
from notifications.models import DueItem, DueKind, DueStatus, NotificationPeriod
from register import events
from register.errors import DomainError
from register.models import Nominal
from register.services.registration import registration_end
from tests import factories
from tests.mappa.base import MappaTestCase, today
from tests.notifications import factories as registered

YESTERDAY_OFFSET = dt.timedelta(days=1)


def consideration_items(case: MappaCase) -> list[str]:
    return list(
        DueItem.objects.filter(
            kind=DueKind.CATEGORY_3_CONSIDERATION,
            subject_type=ContentType.objects.get_for_model(MappaCase),
            subject_id=str(case.pk),
        )
        .order_by("created_at")
        .values_list("status", flat=True)
    )


class EndingsTestCase(MappaTestCase):
    def terminate(self, case: MappaCase, reason: str, **kwargs: Any) -> MappaCase:
        return services.case_terminate(
            actor=kwargs.pop("actor", self.officer_a),
            case=case,
            termination_reason=reason,
            note=kwargs.pop("note", "Details recorded"),
            **kwargs,
        )

    def assert_refused(
        self, case: MappaCase, reason: str, field: str, words: str, **kw: Any
    ) -> None:
        before = case.history.count()  # type: ignore[attr-defined]
        with self.assertRaises(DomainError) as caught:
            self.terminate(case, reason, **kw)
        self.assertEqual(caught.exception.field, field, caught.exception.message)
        self.assertIn(words, caught.exception.message)
        case.refresh_from_db()
        self.assertEqual(case.status, CaseStatus.ACTIVE)
        self.assertEqual(case.history.count(), before)  # type: ignore[attr-defined]


class Category1EndingTests(EndingsTestCase):
    def test_regression_ends_only_after_the_recorded_notification_period(self) -> None:
        person = registered.register(self.officer_a, "Ridley")
        case = self.open_case(person.nominal, category=1, level=1)
        self.plan(case, kind=PlanKind.CLOSING)
        period = NotificationPeriod.objects.get(registration=person.registration)
        self.assertFalse(period.indefinite)
        self.assert_refused(
            case, TerminationReason.NOTIFICATION_ENDED, "termination_reason", "runs until"
        )
        # The period's last day is today: it has not ended yet.
        NotificationPeriod.objects.filter(pk=period.pk).update(ends_on=today())
        self.assert_refused(
            case, TerminationReason.NOTIFICATION_ENDED, "termination_reason", "has not ended"
        )
        NotificationPeriod.objects.filter(pk=period.pk).update(ends_on=today() - YESTERDAY_OFFSET)
        ended = self.terminate(case, TerminationReason.NOTIFICATION_ENDED)
        self.assertEqual(ended.status, CaseStatus.TERMINATED)

    def test_without_a_registration_the_period_cannot_have_ended(self) -> None:
        case = self.open_case(category=1, level=1)
        self.plan(case, kind=PlanKind.CLOSING)
        self.assert_refused(
            case,
            TerminationReason.NOTIFICATION_ENDED,
            "termination_reason",
            "no notification period is recorded",
        )


class Category2And4EndingTests(EndingsTestCase):
    def test_regression_licence_end_is_checked_against_the_conviction(self) -> None:
        case = self.open_case(category=2, level=1)
        self.plan(case, kind=PlanKind.CLOSING)
        self.assert_refused(
            case,
            TerminationReason.LICENCE_ENDED,
            "termination_reason",
            "no licence or order end date is recorded on the conviction",
        )
        self.end_licence(self.nominal, today() + dt.timedelta(days=30))
        self.assert_refused(
            case, TerminationReason.LICENCE_ENDED, "termination_reason", "so it has not ended"
        )
        self.end_licence(self.nominal)
        self.assertEqual(
            self.terminate(case, TerminationReason.LICENCE_ENDED).status, CaseStatus.TERMINATED
        )

    def test_category_4_has_a_truthful_ending(self) -> None:
        case = self.open_case(category=4, level=1, ends_on=today() + dt.timedelta(days=60))
        self.plan(case, kind=PlanKind.CLOSING)
        self.assert_refused(
            case,
            TerminationReason.NOTIFICATION_ENDED,
            "termination_reason",
            "A Category 4 case ends only when",
        )
        self.assert_refused(
            case, TerminationReason.CATEGORY_4_ENDED, "termination_reason", "so they have not"
        )
        MappaCase.objects.filter(pk=case.pk).update(ends_on=today() - YESTERDAY_OFFSET)
        ended = self.terminate(case, TerminationReason.CATEGORY_4_ENDED)
        self.assertIn("terrorism notification requirements", ended.get_termination_reason_display())


class OtherEndingTests(EndingsTestCase):
    def test_death_needs_its_date_and_how_it_was_confirmed_not_a_closing_plan(self) -> None:
        ends_on = today() + dt.timedelta(days=400)
        case = self.open_case(category=2, level=2, ends_on=ends_on)
        self.assertEqual(consideration_items(case), [DueStatus.OPEN])
        self.assert_refused(
            case, TerminationReason.DIED, "terminated_on", "Enter the date of death"
        )
        died_on = today() - dt.timedelta(days=3)
        self.assert_refused(
            case,
            TerminationReason.DIED,
            "note",
            "how the death was confirmed",
            terminated_on=died_on,
            note=" ",
        )
        ended = self.terminate(
            case, TerminationReason.DIED, terminated_on=died_on, note="Coroner's ref C-1"
        )
        self.assertEqual((ended.status, ended.terminated_on), (CaseStatus.TERMINATED, died_on))
        # Nothing is left to consider: recorded as not considered, with the reason.
        record = Category3Consideration.objects.get(case=case)
        self.assertFalse(record.considered)
        self.assertIn("the person has died", record.rationale)
        self.assertEqual(consideration_items(case), [DueStatus.MET])

    def test_removal_and_transfer_need_a_closing_plan_and_their_details(self) -> None:
        for reason, prompt in (
            (TerminationReason.REMOVED_FROM_UK, "removal or deportation details"),
            (TerminationReason.TRANSFERRED, "MAPPA area and lead agency"),
        ):
            with self.subTest(reason):
                person = self.person(f"Mover{reason[:4]}")
                case = self.open_case(person, category=2, level=1)
                on = today() - YESTERDAY_OFFSET
                self.assert_refused(case, reason, "note", prompt, terminated_on=on, note="")
                self.assert_refused(
                    case,
                    reason,
                    "termination_reason",
                    "closing risk management plan",
                    terminated_on=on,
                )
                self.plan(case, kind=PlanKind.CLOSING)
                self.assertEqual(
                    self.terminate(
                        case, reason, terminated_on=on, note="To Eastshire MAPPA"
                    ).status,
                    CaseStatus.TERMINATED,
                )


class ConsiderationTests(EndingsTestCase):
    def level_2_case(self) -> MappaCase:
        case = self.open_case(category=2, level=2, ends_on=today() + dt.timedelta(days=60))
        self.end_licence(self.nominal)
        self.plan(case, kind=PlanKind.CLOSING)
        return case

    def test_regression_ending_never_marks_the_consideration_done_silently(self) -> None:
        case = self.level_2_case()
        self.assertEqual(consideration_items(case), [DueStatus.OPEN])
        self.assert_refused(
            case,
            TerminationReason.LICENCE_ENDED,
            "termination_reason",
            "Record the Category 3 consideration first",
        )
        self.assertEqual(consideration_items(case), [DueStatus.OPEN])
        record = services.category_3_consideration_record(
            actor=self.supervisor_a,
            case=case,
            considered=True,
            outcome=ConsiderationOutcome.NOT_NEEDED,
            rationale="Risk managed by a single agency now",
        )
        self.assertEqual(consideration_items(case), [DueStatus.MET])
        self.assertEqual((record.decided_by, record.decided_on), (self.supervisor_a, today()))
        history = record.history.latest()  # type: ignore[attr-defined]
        self.assertEqual(history.history_user, self.supervisor_a)
        self.assertEqual(
            self.terminate(case, TerminationReason.LICENCE_ENDED).status, CaseStatus.TERMINATED
        )
        self.assertEqual(consideration_items(case), [DueStatus.MET])

    def test_refer_sends_a_category_3_referral_to_the_coordinator(self) -> None:
        case = self.level_2_case()
        record = services.category_3_consideration_record(
            actor=self.officer_a,
            case=case,
            considered=True,
            outcome=ConsiderationOutcome.REFER,
            rationale="Stalking continues; needs multi-agency management",
            proposed_level=3,
        )
        referral = Referral.objects.get()
        self.assertEqual(record.referral, referral)
        self.assertEqual(
            (referral.proposed_category, referral.proposed_level, referral.status),
            (3, 3, ReferralStatus.PENDING),
        )
        self.assertEqual(referral.addressed_to, self.agency_a)
        self.assertIn(referral, services_queue(self.coordinator_a))

    def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(self) -> None:
        case = self.level_2_case()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"considered": None, "outcome": "", "rationale": "x"}, "considered"),
            ({"considered": True, "outcome": "", "rationale": "x"}, "outcome"),
            ({"considered": True, "outcome": "maybe", "rationale": "x"}, "outcome"),
            ({"considered": False, "outcome": "refer", "rationale": "x"}, "outcome"),
            ({"considered": True, "outcome": "not_needed", "rationale": " "}, "rationale"),
            ({"considered": True, "outcome": "refer", "rationale": "x"}, "proposed_level"),
            (
                {"considered": True, "outcome": "refer", "rationale": "x", "proposed_level": 1},
                "proposed_level",
            ),
            (
                {
                    "considered": True,
                    "outcome": "not_needed",
                    "rationale": "x",
                    "decided_on": today() + dt.timedelta(days=1),
                },
                "decided_on",
            ),
        ]
        for data, field in cases:
            with self.subTest(data), self.assertRaises(DomainError) as caught:
                services.category_3_consideration_record(actor=self.officer_a, case=case, **data)
            self.assertIn(field, caught.exception.errors)
        self.assertFalse(Category3Consideration.objects.exists())
        self.assertFalse(Referral.objects.exists())
        self.assertEqual(consideration_items(case), [DueStatus.OPEN])

    def test_once_per_case_and_never_for_category_3(self) -> None:
        case = self.level_2_case()
        data: dict[str, Any] = {"considered": True, "outcome": "not_needed", "rationale": "No"}
        services.category_3_consideration_record(actor=self.officer_a, case=case, **data)
        with self.assertRaises(DomainError) as caught:
            services.category_3_consideration_record(actor=self.officer_a, case=case, **data)
        self.assertIn("already recorded", caught.exception.message)
        with self.assertRaises(DomainError):
            services.category_3_consideration_record(
                actor=self.officer_a, case=self.cat3_case(), **data
            )
        self.assertEqual(Category3Consideration.objects.count(), 1)


def services_queue(user: Any) -> list[Referral]:
    from mappa import selectors

    return list(selectors.referral_queue(user=user))


class Category3EntryTests(EndingsTestCase):
    def accept(self, nominal: Nominal) -> Referral:
        referral = self.refer(nominal)
        return services.referral_decide(
            actor=self.coordinator_a,
            referral=referral,
            accept=True,
            reason="Serious harm",
            responsible_manager=self.officer_a,
        )

    def assert_entry_refused(self, nominal: Nominal, words: str) -> None:
        with self.assertRaises(DomainError) as caught:
            self.accept(nominal)
        self.assertEqual(caught.exception.field, "category")
        self.assertIn(words, caught.exception.message)
        self.assertIn("do not meet the criteria for Categories 1, 2 or 4", caught.exception.message)
        self.assertFalse(MappaCase.objects.filter(nominal=nominal).exists())
        self.assertEqual(Referral.objects.get(nominal=nominal).status, ReferralStatus.PENDING)
        Referral.objects.filter(nominal=nominal).delete()

    def test_regression_category_3_needs_a_record_and_no_other_category(self) -> None:
        self.assert_entry_refused(self.nominal, "Category 2 applies")  # 18 months, licence running
        bare = factories.nominal(self.officer_a, family_name="Bare")
        self.assert_entry_refused(bare, "no conviction, caution or finding")
        person = registered.register(self.officer_a, "Enrolled")
        Referral.objects.filter(nominal=person.nominal).delete()  # the proposal on registration
        self.assert_entry_refused(person.nominal, "Category 1: registered")

    def test_open_to_the_other_dangerous_offender_with_the_source_kept(self) -> None:
        case = self.accept(self.cat3_person).case
        assert case is not None
        self.assertEqual(case.category, 3)
        self.assertIn("Eligible for Category 3", case.eligibility_note)
        self.assertIn(str(rules.CAT3_SOURCE), case.eligibility_note)

    def test_category_2_after_the_licence_ended_is_open_to_category_3(self) -> None:
        self.end_licence(self.nominal)
        self.assertEqual(self.accept(self.nominal).status, ReferralStatus.ACCEPTED)


class RegistrationProposalTests(MappaTestCase):
    def test_registering_proposes_category_1_to_the_lead_agencys_coordinator(self) -> None:
        person = registered.register(self.officer_a, "Proposed")
        proposal = Referral.objects.get(nominal=person.nominal)
        self.assertEqual(
            (proposal.proposed_category, proposal.proposed_level, proposal.status),
            (1, 1, ReferralStatus.PENDING),
        )
        self.assertEqual(proposal.registration, person.registration)
        self.assertEqual(proposal.addressed_to, self.agency_a)
        self.assertIn("would be managed in the same way as this category", proposal.reason)
        self.assertIn(proposal, services_queue(self.coordinator_a))
        self.assertNotIn(proposal, services_queue(self.coordinator_b))
        # The coordinator decides as for any referral: accepting opens Category 1, Level 1.
        decided = services.referral_decide(
            actor=self.coordinator_a,
            referral=proposal,
            accept=True,
            reason="Registered: manage as Category 1",
            responsible_manager=self.officer_a,
        )
        assert decided.case is not None
        self.assertEqual((decided.case.category, decided.case.level), (1, 1))

    def test_idempotent_one_proposal_per_registration(self) -> None:
        person = registered.register(self.officer_a, "Twice")
        event = events.RegistrationEvent(
            nominal=person.nominal,
            registration=person.registration,
            kind=events.RegistrationEventKind.REGISTERED,
            at=timezone.now(),
            actor=self.officer_a,
        )
        services.referral_decide(
            actor=self.coordinator_a,
            referral=Referral.objects.get(),
            accept=False,
            reason="Level 1 by the police already",
        )
        self.assertIsNone(services.propose_on_registration(event))
        self.assertEqual(Referral.objects.count(), 1)
        copy = Referral.objects.get()
        copy.pk = None
        copy.id = None  # type: ignore[assignment]
        with self.assertRaises(IntegrityError), transaction.atomic():
            Referral.objects.bulk_create([copy])

    def test_never_when_a_case_is_active(self) -> None:
        person = registered.register(self.officer_a, "Managed")
        Referral.objects.all().delete()  # as if the case had come first
        self.open_case(person.nominal, category=1, level=2)
        event = events.RegistrationEvent(
            nominal=person.nominal,
            registration=person.registration,
            kind=events.RegistrationEventKind.REGISTERED,
            at=timezone.now(),
            actor=self.officer_a,
        )
        self.assertIsNone(services.propose_on_registration(event))
        self.assertFalse(Referral.objects.exists())

    def test_ending_the_registration_withdraws_an_undecided_proposal(self) -> None:
        person = registered.register(self.officer_a, "Ended")
        registration_end(
            actor=self.officer_a,
            registration=person.registration,
            ended_on=today(),
            end_reason="Quashed on appeal",
        )
        proposal = Referral.objects.get()
        self.assertEqual(proposal.status, ReferralStatus.REJECTED)
        self.assertIn("registration ended", proposal.decision_reason)


class ConsiderationPageTests(EndingsTestCase):
    case: MappaCase

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = cls.open_case(category=2, level=2, ends_on=today() + dt.timedelta(days=60))

    def url(self) -> str:
        return reverse("mappa-category-3-consideration", args=[self.case.pk])

    def valid(self) -> dict[str, str]:
        return {
            "considered": "yes",
            "outcome": "not_needed",
            "rationale": "Managed well at Level 1 by probation",
            "decided_on": today().isoformat(),
        }

    def test_other_agency_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        auditor = self.auditor
        vlo = self.vlo_a
        for user in (self.officer_b, self.coordinator_b, vlo, auditor, self.admin_b):
            with self.subTest(user.username):
                self.as_user(user)
                self.assert_not_found(self.client.get(self.url()))
                self.assert_not_found(self.client.post(self.url(), self.valid()))
        self.assertFalse(Category3Consideration.objects.exists())
        self.assertEqual(consideration_items(self.case), [DueStatus.OPEN])

    def test_bad_input_shows_the_message_next_to_the_field_and_saves_nothing(self) -> None:
        self.as_user(self.officer_a)
        for data, field, message in [
            ({**self.valid(), "considered": ""}, "considered", "Select"),
            ({**self.valid(), "outcome": ""}, "outcome", "Choose the outcome of the consideration"),
            ({**self.valid(), "rationale": ""}, "rationale", "Enter the reasons for the decision"),
            (
                {**self.valid(), "outcome": "refer"},
                "proposed_level",
                "Choose Level 2 or 3: Category 3 cases are managed at Level 2 or 3 only",
            ),
        ]:
            with self.subTest(field):
                response = self.client.post(self.url(), data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "govuk-error-summary")
                self.assertIn(field, response.context["form"].errors)
                self.assertIn(message, " ".join(response.context["form"].errors[field]))
        self.assertFalse(Category3Consideration.objects.exists())

    def test_recorded_and_shown_on_the_record_with_its_source(self) -> None:
        self.as_user(self.supervisor_a)
        response = self.client.post(self.url(), self.valid())
        self.assertEqual(response.status_code, 302, response.content[:300])
        record = Category3Consideration.objects.get(case=self.case)
        self.assertEqual(record.decided_by, self.supervisor_a)
        page = self.client.get(reverse("nominal-mappa", args=[self.nominal.pk]))
        self.assertContains(page, "Managed well at Level 1 by probation")
        self.assertContains(
            page, "must be reviewed and considered for registration as a Category 3"
        )
        self.assertContains(page, "Eligible for Category 2")
        # Once recorded the form is gone.
        self.assert_not_found(self.client.get(self.url()))

    def test_query_count_does_not_grow_with_the_case(self) -> None:
        self.as_user(self.officer_a)
        # session, user, case (with nominal, scoped), consideration, access-log insert,
        # task badge, session save in a savepoint (3)
        for plans in (1, 6):
            with self.subTest(plans=plans), self.assertNumQueries(QUERIES_CONSIDERATION_PAGE):
                self.assertEqual(self.client.get(self.url()).status_code, 200)
            for _ in range(5):
                self.plan(self.case, approve=False)

    def test_ending_page_refuses_a_death_without_its_date(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("mappa-case-terminate", args=[self.case.pk])
        page = self.client.get(url)
        self.assertContains(page, "The person has died")
        self.assertContains(page, "Other endings: death, removal from the UK, transfer")
        response = self.client.post(url, {"termination_reason": "died", "note": "Certificate"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Enter the date of death", response.context["form"].errors["terminated_on"])
        self.assertEqual(MappaCase.objects.get(pk=self.case.pk).status, CaseStatus.ACTIVE)
        response = self.client.post(
            url,
            {
                "termination_reason": "died",
                "note": "Certificate",
                "terminated_on": (today() - YESTERDAY_OFFSET).isoformat(),
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(MappaCase.objects.get(pk=self.case.pk).status, CaseStatus.TERMINATED)

    def test_rules_page_names_sources_and_policy(self) -> None:
        self.as_user(self.officer_a)
        page = self.client.get(reverse("mappa-rules"))
        self.assertContains(page, "Local policy settings (not law)")
        self.assertContains(page, "MAPPA_REVIEW_WEEKS")
        self.assertContains(page, "every subsequent 10 years from the archive date")
        for user in (self.vlo_a, self.auditor, self.admin_b):
            with self.subTest(user.username):
                self.as_user(user)
                self.assert_not_found(self.client.get(reverse("mappa-rules")))


QUERIES_CONSIDERATION_PAGE = 9


class ConsiderationApiTests(EndingsTestCase):
    case: MappaCase

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case = cls.open_case(category=2, level=2, ends_on=today() + dt.timedelta(days=60))

    def setUp(self) -> None:
        self.api = APIClient()

    def url(self) -> str:
        return reverse("api-mappa-category-3-consideration", args=[self.case.pk])

    def test_record_and_read(self) -> None:
        self.api.force_authenticate(self.officer_a)
        self.assert_not_found(self.api.get(self.url()))
        response = self.api.post(
            self.url(),
            {
                "considered": True,
                "outcome": "refer",
                "rationale": "Needs MAPP",
                "proposed_level": 2,
            },
            format="json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["considered"], body["outcome"]), (True, "refer"))
        self.assertIn("considered for registration as a Category 3", body["rule"])
        self.assertEqual(self.api.get(self.url()).json()["id"], body["id"])

    def test_other_agency_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        for user in (self.officer_b, self.vlo_a, self.auditor, self.admin_b):
            with self.subTest(user.username):
                self.api.force_authenticate(user)
                self.assert_not_found(self.api.get(self.url()))
                response = self.api.post(
                    self.url(),
                    {"considered": True, "outcome": "not_needed", "rationale": "x"},
                    format="json",
                )
                self.assert_not_found(response)
        self.assertFalse(Category3Consideration.objects.exists())

    def test_bad_input_field_by_field(self) -> None:
        self.api.force_authenticate(self.officer_a)
        for data, field in [
            ({"outcome": "refer", "rationale": "x"}, "considered"),
            ({"considered": True, "outcome": "maybe", "rationale": "x"}, "outcome"),
            ({"considered": True, "outcome": "", "rationale": "x"}, "outcome"),
            ({"considered": True, "outcome": "refer", "rationale": "x"}, "proposed_level"),
        ]:
            with self.subTest(data):
                response = self.api.post(self.url(), data, format="json")
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn(field, response.json())
        self.assertFalse(Category3Consideration.objects.exists())

    def test_eligibility_names_its_rules_and_sources(self) -> None:
        self.api.force_authenticate(self.officer_a)
        url = reverse("api-mappa-eligibility", args=[self.nominal.pk])
        body = self.api.get(url).json()
        self.assertTrue(body["category_2"]["eligible"])
        self.assertIn("CJA 2003 s.327", body["category_2"]["rule"])
        self.assertFalse(body["category_3"]["eligible"])
        self.assertIn("Categories 1, 2 or 4", body["category_3"]["rule"])
        self.assertTrue(body["category_2_current"]["eligible"])
        self.assertIn("licence expires", body["category_2_current"]["rule"])
        self.api.force_authenticate(self.officer_b)
        self.assert_not_found(self.api.get(url))

    def test_termination_refusal_names_the_rule_and_a_death_ends_the_case(self) -> None:
        self.api.force_authenticate(self.officer_a)
        detail = reverse("api-mappa-case-detail", args=[self.case.pk])
        url = reverse("api-mappa-case-termination", args=[self.case.pk])
        etag = self.api.get(detail)["ETag"]
        refused = self.api.post(
            url,
            {"termination_reason": "licence_ended", "note": "Expired"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        self.assertEqual(refused.status_code, 400, refused.content)
        self.assertIn("licence expires", " ".join(refused.json()["termination_reason"]))
        no_date = self.api.post(
            url,
            {"termination_reason": "died", "note": "Certificate"},
            format="json",
            HTTP_IF_MATCH=etag,
        )
        self.assertEqual(no_date.json(), {"terminated_on": ["Enter the date of death"]})
        died = self.api.post(
            url,
            {
                "termination_reason": "died",
                "note": "Certificate",
                "terminated_on": str(today() - YESTERDAY_OFFSET),
            },
            format="json",
            HTTP_IF_MATCH=etag,
        )
        self.assertEqual(died.status_code, 200, died.content)
        self.assertEqual(died.json()["termination_source"], str(rules.OTHER_END_SOURCE))
        self.assertFalse(self.api.get(self.url()).json()["considered"])

    def test_query_counts_do_not_grow(self) -> None:
        self.api.force_authenticate(self.officer_a)
        services.category_3_consideration_record(
            actor=self.officer_a,
            case=self.case,
            considered=True,
            outcome="not_needed",
            rationale="x",
        )
        urls = {
            "consideration": self.url(),
            "eligibility": reverse("api-mappa-eligibility", args=[self.nominal.pk]),
        }
        counts: dict[str, list[int]] = {name: [] for name in urls}
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for _ in range(2):
            for name, url in urls.items():
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.api.get(url).status_code, 200)
                counts[name].append(len(queries))
            for i in range(4):
                from tests.register_factories import stalking_conviction

                stalking_conviction(self.officer_a, self.nominal, dt.date(2020, 1, 1 + i))
                self.plan(self.case, approve=False)
        for name, seen in counts.items():
            with self.subTest(name):
                self.assertEqual(seen[0], seen[1], seen)
                self.assertEqual(seen[0], API_QUERIES[name])


# consideration: user, case, record, access log; eligibility: user, nominal, convictions,
# registration with its period, active Category 4 case, access log (convictions read once).
API_QUERIES = {"consideration": 4, "eligibility": 5}


class MeetingDecisionPageTests(EndingsTestCase):
    def test_the_chair_records_risk_reduced_and_the_category_3_case_ends_on_it(self) -> None:
        case = self.cat3_case()
        held = self.meeting(case, held=True)
        row = held.cases.get(case=case)
        self.as_user(self.coordinator_a)
        url = reverse("mappa-meeting-case", args=[held.pk, row.pk])
        page = self.client.get(url)
        self.assertContains(page, "When a Level 2 or 3 MAPPA meeting decides")
        response = self.client.post(
            url, {"plan_agreed": "Risk reduced", "reason": "Agreed", "risk_reduced": "on"}
        )
        self.assertEqual(response.status_code, 302, response.content[:300])
        row.refresh_from_db()
        self.assertTrue(row.risk_reduced)
        self.plan(case, kind=PlanKind.CLOSING)
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("mappa-case-terminate", args=[case.pk]),
            {"termination_reason": "meeting_decided", "note": "Risk reduced", "meeting": held.pk},
        )
        self.assertEqual(response.status_code, 302, response.content[:300])
        case.refresh_from_db()
        self.assertEqual((case.status, case.termination_meeting), (CaseStatus.TERMINATED, held))
        # Category 3 cases are never considered for Category 3.
        self.assertFalse(Category3Consideration.objects.filter(case=case).exists())


class ReferenceFiguresTests(MappaTestCase):
    def test_mappa_figures_on_the_reference_page_say_law_or_policy(self) -> None:
        self.as_user(self.officer_a)
        page = self.client.get(reverse("reference-rule-figures"))
        self.assertContains(page, "MAPPA_REVIEW_WEEKS")
        self.assertContains(page, "Local policy: the setting MAPPA_VISIT_DAYS_BY_RISK")
        self.assertContains(page, "every subsequent 10 years from the archive date")
