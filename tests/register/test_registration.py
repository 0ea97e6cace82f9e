"""Registration decisions: only when the criteria are met and the misidentified-victim safeguard
is clear, never without a review date, one at a time, ended only with a reason, and the
nominal's registration status following every step."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction

from register import models as m
from register import services
from register.errors import DomainError
from tests import register_factories as rf
from tests.base import RegisterTestCase

DECIDED = dt.date(2025, 6, 2)
STARTS = dt.date(2025, 6, 9)
REVIEW = dt.date(2026, 6, 9)


class RegistrationTests(RegisterTestCase):
    broad: m.CriteriaSet
    lords: m.CriteriaSet

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.broad = m.CriteriaSet.objects.get(key="broad-convicted")
        cls.lords = m.CriteriaSet.objects.get(key="lords-2024")

    def decide(self, nominal: m.Nominal, **overrides: Any) -> m.Registration:
        arguments: dict[str, Any] = {
            "actor": self.supervisor_a,
            "nominal": nominal,
            "criteria_set": self.broad,
            "decision": m.Decision.REGISTER,
            "rationale": "Serial stalker of former partners; two custodial sentences",
            "decided_on": DECIDED,
            "starts_on": STARTS,
            "review_on": REVIEW,
            **overrides,
        }
        return services.registration_decide(**arguments)

    def status(self, nominal: m.Nominal) -> str:
        return m.Nominal.objects.values_list("registration_status", flat=True).get(pk=nominal.pk)

    def assert_refused(self, nominal: m.Nominal, message: str, **overrides: Any) -> DomainError:
        before = (m.Registration.objects.count(), m.Registration.history.count())
        status = self.status(nominal)
        with self.assertRaisesMessage(DomainError, message) as caught:
            self.decide(nominal, **overrides)
        self.assertEqual((m.Registration.objects.count(), m.Registration.history.count()), before)
        self.assertEqual(self.status(nominal), status)
        return caught.exception  # type: ignore[no-any-return]

    # Deciding ------------------------------------------------------------------------------

    def test_register_when_the_criteria_are_met_keeps_the_explanation(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        self.assertEqual(self.status(nominal), m.RegistrationStatus.NOT_DECIDED)
        registration = self.decide(nominal)
        self.assertTrue(registration.is_current)
        self.assertEqual(self.status(nominal), m.RegistrationStatus.REGISTERED)
        self.assertEqual(registration.explanation["criteria_key"], "broad-convicted")
        self.assertTrue(registration.explanation["criteria_met"])
        convictions = {str(pk) for pk in nominal.convictions.values_list("pk", flat=True)}
        serial = next(c for c in registration.explanation["checks"] if c["rule"].startswith("(a)"))
        self.assertTrue(serial["passed"])
        self.assertEqual(set(serial["record_ids"]), convictions)
        history = registration.history.get()
        self.assertEqual(
            (history.history_user, history.history_change_reason),
            (self.supervisor_a, "Serial stalker of former partners; two custodial sentences"),
        )

    def test_refused_when_the_criteria_are_not_met(self) -> None:
        nominal = rf.person(self.officer_a, "Single", "Offence", dt.date(1990, 1, 1))
        rf.stalking_conviction(self.officer_a, nominal, dt.date(2022, 3, 1))
        self.assertEqual(
            self.assert_refused(
                nominal, "The criteria of 'Broad convicted' are not met: see the explanation"
            ).field,
            None,
        )
        # Deciding not to register is always possible, and says so on the nominal.
        decision = self.decide(
            nominal,
            decision=m.Decision.DO_NOT_REGISTER,
            rationale="One conviction, assessed medium risk",
            starts_on=None,
            review_on=None,
        )
        self.assertFalse(decision.is_current)
        self.assertFalse(decision.explanation["criteria_met"])
        self.assertEqual(self.status(nominal), m.RegistrationStatus.NOT_REGISTERED)

    def test_lords_criteria_refuse_suspended_sentences(self) -> None:
        nominal = rf.person(self.officer_a, "Suspended", "Twice", dt.date(1985, 5, 5))
        for day in (dt.date(2019, 4, 1), dt.date(2022, 9, 14)):
            rf.stalking_conviction(
                self.officer_a, nominal, day, sentence_type=m.SentenceType.SUSPENDED
            )
        self.assert_refused(nominal, "are not met", criteria_set=self.lords)
        self.assertEqual(self.decide(nominal).criteria_set, self.broad)

    def test_refused_while_the_misidentified_victim_safeguard_is_pending(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        services.nominal_flag_misidentified(
            actor=self.officer_a,
            nominal=nominal,
            misidentification=m.Misidentification.COUNTER_ALLEGATION,
            raised_on=dt.date(2025, 5, 1),
            reason="Counter-allegation made at the last incident",
        )
        self.assert_refused(nominal, "no review is recorded yet")

        services.primary_aggressor_review_record(
            actor=self.supervisor_a,
            nominal=nominal,
            reviewed_on=dt.date(2025, 5, 30),
            outcome=m.AggressorFinding.PRIMARY_AGGRESSOR,
            rationale="History of coercive control across three relationships",
        )
        nominal.refresh_from_db()
        self.assertFalse(nominal.misidentification_review_pending)
        review = nominal.primary_aggressor_reviews.get()
        self.assertEqual(review.reviewed_by, self.supervisor_a)
        registration = self.decide(nominal)
        self.assertFalse(registration.explanation["blocked"])
        self.assertEqual(self.status(nominal), m.RegistrationStatus.REGISTERED)

    def test_the_primary_aggressor_review_needs_a_flag_an_outcome_and_a_past_date(self) -> None:
        unflagged = rf.serial_stalker(self.officer_a, "Unflagged")
        with self.assertRaisesMessage(DomainError, "not flagged as a possible misidentified"):
            services.primary_aggressor_review_record(
                actor=self.supervisor_a,
                nominal=unflagged,
                reviewed_on=dt.date(2025, 5, 30),
                outcome=m.AggressorFinding.PRIMARY_AGGRESSOR,
                rationale="Review",
            )
        flagged = rf.person(self.officer_a, "Flagged", "Person")
        services.nominal_flag_misidentified(
            actor=self.officer_a,
            nominal=flagged,
            misidentification=m.Misidentification.DUAL_ARREST,
            raised_on=dt.date(2025, 5, 1),
            reason="Both arrested",
        )
        for reviewed_on, outcome, rationale, field in (
            (dt.date(2025, 5, 30), "", "Seen both", "outcome"),
            (dt.date(2025, 5, 30), m.AggressorFinding.PRIMARY_AGGRESSOR, "  ", "rationale"),
            (dt.date(2999, 1, 1), m.AggressorFinding.PRIMARY_AGGRESSOR, "Seen", "reviewed_on"),
        ):
            with self.subTest(field), self.assertRaises(DomainError) as caught:
                services.primary_aggressor_review_record(
                    actor=self.supervisor_a,
                    nominal=flagged,
                    reviewed_on=reviewed_on,
                    outcome=outcome,
                    rationale=rationale,
                )
            self.assertEqual(caught.exception.field, field)
        flagged.refresh_from_db()
        self.assertTrue(flagged.misidentification_review_pending)
        self.assertFalse(flagged.primary_aggressor_reviews.exists())

    def test_a_review_date_after_the_start_is_required(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        for overrides, field in (
            ({"review_on": None}, "review_on"),
            ({"starts_on": None}, "starts_on"),
            ({"review_on": STARTS}, "review_on"),
            ({"review_on": STARTS - dt.timedelta(days=1)}, "review_on"),
            ({"rationale": "   "}, "rationale"),
        ):
            with self.subTest(overrides):
                self.assertEqual(self.assert_refused(nominal, "", **overrides).field, field)

    def test_the_database_holds_one_current_registration_whatever_writes_it(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        first = self.decide(nominal)
        second = m.Registration.objects.get(pk=first.pk)
        second.id = uuid.uuid4()
        second._state.adding = True
        with self.assertRaises(IntegrityError) as caught, transaction.atomic():
            second.save()
        self.assertIn("one_current_registration_per_nominal", str(caught.exception))
        self.assertEqual(nominal.registrations.count(), 1)

    def test_only_one_current_registration(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        first = self.decide(nominal)
        self.assert_refused(nominal, "already registered: end or review that registration first")
        self.assert_refused(
            nominal,
            "already registered",
            decision=m.Decision.DO_NOT_REGISTER,
            starts_on=None,
            review_on=None,
        )
        services.registration_end(
            actor=self.supervisor_a,
            registration=first,
            ended_on=dt.date(2025, 12, 1),
            end_reason="Moved abroad permanently",
        )
        again = self.decide(nominal, decided_on=dt.date(2026, 1, 5), starts_on=dt.date(2026, 1, 6))
        self.assertTrue(again.is_current)
        self.assertEqual(
            m.Registration.objects.filter(
                nominal=nominal, decision=m.Decision.REGISTER, ended_on__isnull=True
            ).count(),
            1,
        )

    # Ending, reviews and appeals ---------------------------------------------------------

    def test_ending_needs_a_reason_and_records_it(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        registration = self.decide(nominal)
        with self.assertRaises(DomainError) as caught:
            services.registration_end(
                actor=self.supervisor_a,
                registration=registration,
                ended_on=dt.date(2025, 12, 1),
                end_reason=" ",
            )
        self.assertEqual(caught.exception.field, "end_reason")
        with self.assertRaisesMessage(DomainError, "cannot be before the start date"):
            services.registration_end(
                actor=self.supervisor_a,
                registration=registration,
                ended_on=STARTS - dt.timedelta(days=1),
                end_reason="Moved abroad",
            )
        registration.refresh_from_db()
        self.assertTrue(registration.is_current)
        self.assertEqual(self.status(nominal), m.RegistrationStatus.REGISTERED)

        services.registration_end(
            actor=self.supervisor_a,
            registration=registration,
            ended_on=dt.date(2025, 12, 1),
            end_reason="Deceased (coroner's notification)",
        )
        registration.refresh_from_db()
        self.assertEqual(registration.ended_on, dt.date(2025, 12, 1))
        self.assertEqual(self.status(nominal), m.RegistrationStatus.ENDED)
        latest = registration.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason),
            (self.supervisor_a, "Deceased (coroner's notification)"),
        )
        with self.assertRaisesMessage(DomainError, "already ended"):
            services.registration_end(
                actor=self.supervisor_a,
                registration=registration,
                ended_on=dt.date(2026, 1, 1),
                end_reason="Again",
            )

    def request(self, registration: m.Registration, kind: str) -> m.RegistrationReview:
        return services.registration_review_request(
            actor=self.officer_a,
            registration=registration,
            kind=kind,
            requested_on=dt.date(2025, 9, 1),
            requested_by="Solicitor for the registered person",
            grounds="Convictions are over five years old; completed a perpetrator programme",
        )

    def test_an_appeal_decided_ended_ends_the_registration(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        registration = self.decide(nominal)
        appeal = self.request(registration, m.ReviewKind.APPEAL)
        self.assertEqual(appeal.outcome, m.ReviewOutcome.PENDING)
        self.assertEqual(appeal.history.get().history_change_reason, "Appeal requested")
        services.registration_review_decide(
            actor=self.supervisor_a,
            review=appeal,
            outcome=m.ReviewOutcome.ENDED,
            outcome_reason="Risk now assessed low; programme completed",
            decided_on=dt.date(2025, 10, 15),
        )
        registration.refresh_from_db()
        self.assertFalse(registration.is_current)
        self.assertEqual(registration.ended_on, dt.date(2025, 10, 15))
        self.assertEqual(
            registration.end_reason, "Appeal decided: Risk now assessed low; programme completed"
        )
        self.assertEqual(self.status(nominal), m.RegistrationStatus.ENDED)
        with self.assertRaisesMessage(DomainError, "already been decided"):
            services.registration_review_decide(
                actor=self.supervisor_a,
                review=appeal,
                outcome=m.ReviewOutcome.UPHELD,
                outcome_reason="Second thoughts",
                decided_on=dt.date(2025, 10, 16),
            )

    def test_a_review_upheld_keeps_the_registration(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        registration = self.decide(nominal)
        review = self.request(registration, m.ReviewKind.REVIEW)
        for outcome, reason, field in (
            (m.ReviewOutcome.PENDING, "Not yet", "outcome"),
            (m.ReviewOutcome.UPHELD, "  ", "outcome_reason"),
            ("quashed", "Not an outcome the register knows", "outcome"),
        ):
            with self.subTest(outcome), self.assertRaises(DomainError) as caught:
                services.registration_review_decide(
                    actor=self.supervisor_a,
                    review=review,
                    outcome=outcome,
                    outcome_reason=reason,
                    decided_on=dt.date(2025, 10, 1),
                )
            self.assertEqual(caught.exception.field, field)
            review.refresh_from_db()
            self.assertEqual(review.outcome, m.ReviewOutcome.PENDING)
        services.registration_review_decide(
            actor=self.supervisor_a,
            review=review,
            outcome=m.ReviewOutcome.UPHELD,
            outcome_reason="Contact with the former partner continued in breach of the SPO",
            decided_on=dt.date(2025, 10, 1),
        )
        registration.refresh_from_db()
        self.assertTrue(registration.is_current)
        self.assertEqual(self.status(nominal), m.RegistrationStatus.REGISTERED)
        latest = review.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason),
            (self.supervisor_a, "Contact with the former partner continued in breach of the SPO"),
        )

    def test_notice_is_served_only_on_a_current_registration(self) -> None:
        nominal = rf.serial_stalker(self.officer_a)
        registration = self.decide(nominal)
        services.registration_serve_notice(
            actor=self.officer_a,
            registration=registration,
            served_on=dt.date(2025, 6, 10),
            reason="Served in person at the home visit",
        )
        self.assertEqual(
            registration.history.latest().history_change_reason,
            "Served in person at the home visit",
        )
        services.registration_end(
            actor=self.supervisor_a,
            registration=registration,
            ended_on=dt.date(2025, 12, 1),
            end_reason="Moved abroad",
        )
        with self.assertRaisesMessage(DomainError, "Only a current registration"):
            services.registration_serve_notice(
                actor=self.officer_a,
                registration=registration,
                served_on=dt.date(2025, 12, 2),
                reason="Late",
            )
