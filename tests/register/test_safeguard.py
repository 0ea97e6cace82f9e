"""The misidentified-victim safeguard end to end (issue 10, finding 3; DOMAIN.md "Offences and
the eligibility question", Safeguard: "only a 'primary aggressor' outcome lifts the block, and
the flag itself cannot be cleared by editing the record — only by such a review").

- the flag is raised with a reason and is not a field of the record (service, page);
- the review is a supervisor's, with an outcome, a date and a rationale; only "primary
  aggressor" clears the flag; "victim" and "inconclusive" keep the block;
- no path registers a flagged person without such a review: the page, the service, and the
  database itself (an import writing rows directly, the generator);
- the new pages answer 404 to another agency and to roles that cannot change records, put
  bad input next to its field and change nothing, and run a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from register import models as m
from register import services
from register.errors import DomainError
from tests import factories
from tests import register_factories as rf
from tests.base import RegisterTestCase

TODAY = timezone.localdate()
RAISED = TODAY - dt.timedelta(days=20)


def flag(actor: m.StaffUser, nominal: m.Nominal, kind: str = "dual_arrest") -> m.Nominal:
    return services.nominal_flag_misidentified(
        actor=actor,
        nominal=nominal,
        misidentification=kind,
        raised_on=RAISED,
        reason="Both arrested; she has defensive injuries",
    )


def review(
    actor: m.StaffUser, nominal: m.Nominal, outcome: str, on: dt.date = TODAY
) -> m.PrimaryAggressorReview:
    return services.primary_aggressor_review_record(
        actor=actor,
        nominal=nominal,
        outcome=outcome,
        reviewed_on=on,
        rationale="History, injuries and who fears whom considered at the DA panel",
    )


def safeguard_state(nominal: m.Nominal) -> tuple[object, ...]:
    nominal.refresh_from_db()
    return (
        nominal.possible_misidentified_victim,
        nominal.misidentification_reason,
        nominal.updated_at,
        m.PrimaryAggressorReview.objects.count(),
        m.PrimaryAggressorReview.history.count(),
        m.Registration.objects.count(),
    )


class SafeguardTestCase(RegisterTestCase):
    nominal: m.Nominal
    criteria: m.CriteriaSet

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.criteria = m.CriteriaSet.objects.get(key="broad-convicted")

    def setUp(self) -> None:
        self.nominal = rf.serial_stalker(self.officer_a, "Flagged")
        flag(self.officer_a, self.nominal)

    def register(self, nominal: m.Nominal | None = None, **overrides: Any) -> m.Registration:
        return services.registration_decide(
            **{
                "actor": self.officer_a,
                "nominal": nominal or self.nominal,
                "criteria_set": self.criteria,
                "decision": m.Decision.REGISTER,
                "rationale": "Serial stalking, two custodial sentences",
                "decided_on": TODAY,
                "starts_on": TODAY,
                "review_on": TODAY + dt.timedelta(days=365),
                **overrides,
            }
        )


class FlagTests(SafeguardTestCase):
    def test_the_flag_is_raised_with_its_reason_and_history(self) -> None:
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.possible_misidentified_victim, "dual_arrest")
        self.assertEqual(
            self.nominal.misidentification_reason, "Both arrested; she has defensive injuries"
        )
        self.assertEqual(self.nominal.misidentification_raised_on, RAISED)
        latest = self.nominal.history.latest()
        self.assertEqual(latest.history_user, self.officer_a)
        self.assertIn("Both arrested", latest.history_change_reason)

    def test_raising_needs_a_kind_and_a_reason_and_changes_nothing_when_refused(self) -> None:
        other = rf.person(self.officer_a, "Other", "Person")
        before = safeguard_state(other)
        for kind, reason, raised_on, field in (
            ("", "Because", None, "misidentification"),
            ("dual_arrest", "  ", None, "reason"),
            ("dual_arrest", "Because", TODAY + dt.timedelta(days=1), "raised_on"),
        ):
            with self.subTest(field), self.assertRaises(DomainError) as caught:
                services.nominal_flag_misidentified(
                    actor=self.officer_a,
                    nominal=other,
                    misidentification=kind,
                    reason=reason,
                    raised_on=raised_on,
                )
            self.assertEqual(caught.exception.field, field)
        self.assertEqual(safeguard_state(other), before)

    def test_editing_the_record_cannot_clear_or_set_the_flag(self) -> None:
        """Finding 3: any offender manager could clear the flag by editing the record."""
        for field, value in (
            ("possible_misidentified_victim", ""),
            ("misidentification_reason", ""),
            ("misidentification_raised_on", None),
        ):
            with self.subTest(field), self.assertRaises(DomainError) as caught:
                services.nominal_update(
                    actor=self.officer_a, nominal=self.nominal, reason="Cleared", **{field: value}
                )
            self.assertEqual(caught.exception.field, field)
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.possible_misidentified_victim, "dual_arrest")
        with self.assertRaises(DomainError):
            rf.person(self.officer_a, "New", "Person", possible_misidentified_victim="dual_arrest")

    def test_the_edit_page_has_no_flag_and_ignores_one_posted(self) -> None:
        self.as_user(self.officer_a)
        url = reverse("nominal-edit", args=[self.nominal.pk])
        page = self.client.get(url)
        self.assertNotIn("possible_misidentified_victim", page.context["form"].fields)
        response = self.client.post(
            url,
            {
                "family_name": "Flagged",
                "given_names": "Dean",
                "sex": "not_known",
                "possible_misidentified_victim": "",
                "reason": "Tidy the record",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.possible_misidentified_victim, "dual_arrest")


class ReviewTests(SafeguardTestCase):
    def test_only_a_supervisor_records_a_review(self) -> None:
        before = safeguard_state(self.nominal)
        for actor in (self.officer_a, factories.staff(self.agency_a, m.Role.MAPPA_COORDINATOR)):
            with (
                self.subTest(actor.roles),
                self.assertRaisesMessage(DomainError, "Only a supervisor can record"),
            ):
                review(actor, self.nominal, m.AggressorFinding.PRIMARY_AGGRESSOR)
        self.assertEqual(safeguard_state(self.nominal), before)

    def test_a_victim_finding_keeps_the_block(self) -> None:
        recorded = review(self.supervisor_a, self.nominal, m.AggressorFinding.VICTIM)
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.possible_misidentified_victim, "dual_arrest")
        self.assertEqual(recorded.misidentification, "dual_arrest")
        with self.assertRaises(DomainError) as caught:
            self.register()
        self.assertEqual(caught.exception.field, "decision")
        self.assertIn("to be the victim", caught.exception.message)
        self.assertFalse(m.Registration.objects.exists())

    def test_an_inconclusive_review_keeps_the_block(self) -> None:
        review(self.supervisor_a, self.nominal, m.AggressorFinding.INCONCLUSIVE)
        with self.assertRaisesMessage(DomainError, "could not establish who the primary"):
            self.register()
        self.assertFalse(m.Registration.objects.exists())

    def test_a_primary_aggressor_finding_clears_the_flag_and_allows_registration(self) -> None:
        found = review(self.supervisor_a, self.nominal, m.AggressorFinding.PRIMARY_AGGRESSOR)
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.possible_misidentified_victim, "")
        self.assertIn(
            "found the primary aggressor", self.nominal.history.latest().history_change_reason
        )
        self.assertEqual(found.history.latest().history_user, self.supervisor_a)
        registration = self.register()
        safeguard = registration.explanation["checks"][-1]
        self.assertTrue(safeguard["passed"])
        self.assertIn(f"by {self.supervisor_a.get_full_name()}", safeguard["detail"])
        self.assertEqual(safeguard["record_ids"], [str(found.pk)])

    def test_a_later_flag_blocks_again(self) -> None:
        review(self.supervisor_a, self.nominal, m.AggressorFinding.PRIMARY_AGGRESSOR)
        flag(self.officer_a, self.nominal, "counter_allegation")
        with self.assertRaisesMessage(DomainError, "a new review must find the same"):
            self.register()

    def test_the_decision_cannot_predate_the_review_that_lifted_the_block(self) -> None:
        review(self.supervisor_a, self.nominal, m.AggressorFinding.PRIMARY_AGGRESSOR)
        with self.assertRaises(DomainError) as caught:
            self.register(decided_on=TODAY - dt.timedelta(days=1))
        self.assertEqual(caught.exception.field, "decided_on")

    def test_review_dates_follow_the_flag_and_earlier_reviews(self) -> None:
        review(self.supervisor_a, self.nominal, m.AggressorFinding.INCONCLUSIVE, on=RAISED)
        for on in (RAISED - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)):
            with self.subTest(on), self.assertRaises(DomainError) as caught:
                review(self.supervisor_a, self.nominal, m.AggressorFinding.VICTIM, on=on)
            self.assertEqual(caught.exception.field, "reviewed_on")
        self.assertEqual(self.nominal.primary_aggressor_reviews.count(), 1)


class DatabaseGuardTests(SafeguardTestCase):
    """Whatever writes the rows (an import by COPY, a script), the database holds the rule."""

    def direct_registration(self) -> m.Registration:
        return m.Registration(
            nominal=self.nominal,
            decision=m.Decision.REGISTER,
            criteria_set=self.criteria,
            rationale="Imported",
            decided_by=self.officer_a,
            decided_on=TODAY,
            starts_on=TODAY,
            review_on=TODAY + dt.timedelta(days=365),
        )

    def test_a_flagged_person_cannot_be_registered_by_writing_the_row(self) -> None:
        with (
            self.assertRaisesMessage(IntegrityError, "misidentified-victim safeguard"),
            transaction.atomic(),
        ):
            self.direct_registration().save()
        review(self.supervisor_a, self.nominal, m.AggressorFinding.INCONCLUSIVE)
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.direct_registration().save()
        self.assertFalse(m.Registration.objects.exists())
        # A decision not to register is always possible.
        self.direct_registration().__class__.objects.create(
            nominal=self.nominal,
            decision=m.Decision.DO_NOT_REGISTER,
            criteria_set=self.criteria,
            rationale="Not the primary aggressor",
            decided_by=self.officer_a,
            decided_on=TODAY,
        )

    def test_the_flag_cannot_be_cleared_by_writing_the_column(self) -> None:
        with (
            self.assertRaisesMessage(IntegrityError, "cleared only by a primary-aggressor"),
            transaction.atomic(),
        ):
            m.Nominal.objects.filter(pk=self.nominal.pk).update(possible_misidentified_victim="")
        review(self.supervisor_a, self.nominal, m.AggressorFinding.VICTIM)
        with self.assertRaises(IntegrityError), transaction.atomic():
            m.Nominal.objects.filter(pk=self.nominal.pk).update(possible_misidentified_victim="")
        self.nominal.refresh_from_db()
        self.assertEqual(self.nominal.possible_misidentified_victim, "dual_arrest")

    def test_generated_flagged_people_are_never_registered_without_a_finding(self) -> None:
        """The import path: register.synthetic writes rows by COPY, past the services."""
        from register import synthetic

        synthetic.generate(nominals=60, seed=11, agencies=[self.agency_a], analyze=False)
        generated = m.Nominal.objects.exclude(pk=self.nominal.pk).exclude(
            possible_misidentified_victim=""
        )
        person = generated.first()
        self.assertIsNotNone(person, "the generator flags some people (seed 11)")
        assert person is not None
        self.assertFalse(
            m.Registration.objects.filter(
                nominal__possible_misidentified_victim__gt="", decision=m.Decision.REGISTER
            ).exists()
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            m.Registration.objects.create(
                nominal=person,
                decision=m.Decision.REGISTER,
                criteria_set=self.criteria,
                rationale="Bulk import",
                decided_by=self.officer_a,
                decided_on=TODAY,
                starts_on=TODAY,
                review_on=TODAY + dt.timedelta(days=365),
            )
        with self.assertRaises(DomainError) as caught:
            self.register(person)
        self.assertEqual(caught.exception.field, "decision")


class MigrationTests(RegisterTestCase):
    """Old free-text reviews become records: "inconclusive" unless clearly otherwise."""

    def test_old_review_text_is_read_cautiously(self) -> None:
        migration = importlib.import_module("register.migrations.0010_primary_aggressor_review")
        cases = [
            ("He is the primary aggressor", True, "primary_aggressor"),
            ("Primary aggressor confirmed at MARAC", True, "primary_aggressor"),
            ("He is the primary aggressor", False, "inconclusive"),  # not a supervisor's
            ("Not the primary aggressor", True, "inconclusive"),
            ("Unclear who the primary aggressor is", True, "inconclusive"),
            ("She is the victim", True, "victim"),
            ("Possibly the victim", True, "inconclusive"),
            ("Reviewed", True, "inconclusive"),
            ("", True, "inconclusive"),
        ]
        for text, by_supervisor, expected in cases:
            with self.subTest(text=text, supervisor=by_supervisor):
                self.assertEqual(migration._finding(text, by_supervisor), expected)


# Pages ------------------------------------------------------------------------------------


class SafeguardPageTests(SafeguardTestCase):
    def flag_url(self) -> str:
        return reverse("nominal-misidentification", args=[self.nominal.pk])

    def review_url(self) -> str:
        return reverse("nominal-aggressor-review", args=[self.nominal.pk])

    def test_outsiders_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        shared_with = factories.staff(self.agency_b, m.Role.SUPERVISOR)
        services.nominal_share(
            actor=self.officer_a, nominal=self.nominal, agency=self.agency_b, reason="MAPPA"
        )
        before = safeguard_state(self.nominal)
        for user in (self.officer_b, shared_with, self.vlo_a, self.auditor, self.admin_b):
            self.as_user(user)
            for url, data in (
                (self.flag_url(), {"misidentification": "dual_arrest", "reason": "x"}),
                (
                    self.review_url(),
                    {"outcome": "primary_aggressor", "reviewed_on": TODAY, "rationale": "x"},
                ),
            ):
                with self.subTest(user=user.username, url=url):
                    self.assert_not_found(self.client.get(url))
                    self.assert_not_found(self.client.post(url, data))
        self.assertEqual(safeguard_state(self.nominal), before)

    def test_an_offender_manager_is_told_only_a_supervisor_can_review(self) -> None:
        self.as_user(self.officer_a)
        page = self.client.get(self.review_url())
        self.assertContains(page, "Only a supervisor can record a primary-aggressor review")
        self.assertNotContains(page, "Record the review</button>")
        before = safeguard_state(self.nominal)
        refused = self.client.post(
            self.review_url(),
            {"outcome": "primary_aggressor", "reviewed_on": TODAY.isoformat(), "rationale": "x"},
        )
        self.assertContains(refused, "Only a supervisor can record a primary-aggressor review")
        self.assertEqual(safeguard_state(self.nominal), before)

    def test_bad_input_goes_next_to_its_field_and_saves_nothing(self) -> None:
        self.as_user(self.supervisor_a)
        before = safeguard_state(self.nominal)
        response = self.client.post(
            self.review_url(),
            {"outcome": "", "reviewed_on": "31/02/2026", "rationale": ""},
        )
        for field in ("outcome", "reviewed_on", "rationale"):
            self.assertContains(response, f'id="id_{field}_error"')
        self.assertContains(response, "govuk-error-summary")
        response = self.client.post(
            self.review_url(),
            {
                "outcome": "victim",
                "reviewed_on": (RAISED - dt.timedelta(days=2)).isoformat(),
                "rationale": "Seen",
            },
        )
        self.assertContains(response, 'id="id_reviewed_on_error"')
        self.assertContains(response, "before the flag was raised")
        self.as_user(self.officer_a)
        other = rf.person(self.officer_a, "Unflagged", "Person")
        response = self.client.post(
            reverse("nominal-misidentification", args=[other.pk]),
            {"misidentification": "", "reason": ""},
        )
        for field in ("misidentification", "reason"):
            self.assertContains(response, f'id="id_{field}_error"')
        self.assertEqual(safeguard_state(self.nominal), before)
        other.refresh_from_db()
        self.assertEqual(other.possible_misidentified_victim, "")

    def test_flag_then_review_through_the_pages(self) -> None:
        other = rf.serial_stalker(self.officer_a, "Paged")
        self.as_user(self.officer_a)
        eligibility = reverse("nominal-eligibility", args=[other.pk])
        self.assertContains(self.client.get(eligibility), "Flag as a possible misidentified")
        saved = self.client.post(
            reverse("nominal-misidentification", args=[other.pk]),
            {"misidentification": "violent_resistance", "reason": "She fought back"},
        )
        self.assertRedirects(saved, eligibility + "#primary-aggressor-review")
        page = self.client.get(eligibility)
        self.assertContains(page, "Possible misidentified victim (violent resistance)")
        self.assertEqual(
            {o["criteria_set"].key: o["status"] for o in page.context["outcomes"]}[
                "broad-convicted"
            ],
            "Blocked",
        )
        self.as_user(self.supervisor_a)
        review_url = reverse("nominal-aggressor-review", args=[other.pk])
        saved = self.client.post(
            review_url,
            {"outcome": "victim", "reviewed_on": TODAY.isoformat(), "rationale": "Her account"},
        )
        self.assertRedirects(saved, eligibility + "#primary-aggressor-review")
        page = self.client.get(eligibility)
        self.assertContains(page, "The latest review found this person to be the victim")
        self.assertContains(page, reverse("victim-misidentified", args=[other.pk]))
        self.assertContains(page, "stays blocked")
        self.client.post(
            review_url,
            {
                "outcome": "primary_aggressor",
                "reviewed_on": TODAY.isoformat(),
                "rationale": "New evidence: his texts",
            },
        )
        page = self.client.get(eligibility)
        self.assertEqual(
            {o["criteria_set"].key: o["status"] for o in page.context["outcomes"]}[
                "broad-convicted"
            ],
            "Met",
        )
        self.assertContains(page, "which lifted the possible misidentified victim flag")

    def test_the_registration_page_refuses_a_flagged_person(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("registration-decide", args=[self.nominal.pk]),
            {
                "criteria_set": self.criteria.pk,
                "decision": "register",
                "rationale": "Serial stalker",
                "decided_on": TODAY.isoformat(),
                "starts_on": TODAY.isoformat(),
                "review_on": (TODAY + dt.timedelta(days=365)).isoformat(),
            },
        )
        self.assertContains(response, 'id="id_decision_error"')
        self.assertContains(response, "no review is recorded yet")
        self.assertFalse(m.Registration.objects.exists())

    def test_query_counts_do_not_grow_with_reviews_or_convictions(self) -> None:
        self.as_user(self.supervisor_a)
        # session, user, nominal, read log, task badge, the session saved (savepoint, update,
        # release): the same however many reviews and convictions there are.
        pinned = {self.flag_url(): 8, self.review_url(): 8}
        for rows in ("few", "more"):
            if rows == "more":
                for n in range(3):
                    review(
                        self.supervisor_a,
                        self.nominal,
                        m.AggressorFinding.INCONCLUSIVE,
                        on=RAISED + dt.timedelta(days=n),
                    )
                    rf.stalking_conviction(self.officer_a, self.nominal, dt.date(2010 + n, 3, 3))
            for url, queries in pinned.items():
                with self.subTest(f"{url} {rows}"), self.assertNumQueries(queries):
                    self.assertEqual(self.client.get(url).status_code, 200)


class MergeTests(SafeguardTestCase):
    def test_merging_a_flagged_duplicate_keeps_the_flag_and_its_reviews(self) -> None:
        """Merging must not be a way round the safeguard."""
        review(self.supervisor_a, self.nominal, m.AggressorFinding.VICTIM)
        keep = rf.serial_stalker(self.officer_a, "Kept")
        services.nominal_merge(
            actor=self.officer_a, keep=keep, duplicate=self.nominal, reason="Same person"
        )
        keep.refresh_from_db()
        self.assertEqual(keep.possible_misidentified_victim, "dual_arrest")
        self.assertEqual(keep.primary_aggressor_reviews.get().outcome, "victim")
        with self.assertRaises(DomainError) as caught:
            self.register(keep)
        self.assertEqual(caught.exception.field, "decision")


class DemoTests(RegisterTestCase):
    def test_a_completed_review_with_each_outcome(self) -> None:
        """Issue 10 demo: primary aggressor -> can be registered; victim -> VLO told;
        inconclusive -> still blocked (README's table: Mark KOWALSKI stays blocked)."""
        import io
        import uuid

        from django.core.management import call_command

        from notifications.models import Task
        from register import demo
        from register.eligibility import evaluate_nominal

        call_command("load_demo_data", stdout=io.StringIO())

        def person(key: str) -> m.Nominal:
            return m.Nominal.objects.get(pk=uuid.uuid5(demo.DEMO_NAMESPACE, key))

        oneill, kowalski, drayton = person("n3"), person("n5"), person("n7")
        self.assertEqual(oneill.primary_aggressor_reviews.get().outcome, "primary_aggressor")
        self.assertEqual(oneill.possible_misidentified_victim, "")
        npcc = {c.key: o for c, o in evaluate_nominal(oneill)}["npcc-serial"]
        self.assertTrue(npcc.can_register, npcc.checks[-1].detail)

        self.assertEqual(kowalski.primary_aggressor_reviews.get().outcome, "inconclusive")
        broad = {c.key: o for c, o in evaluate_nominal(kowalski)}["broad-convicted"]
        self.assertTrue(broad.criteria_met and broad.blocked)

        self.assertEqual(drayton.primary_aggressor_reviews.get().outcome, "victim")
        self.assertTrue(drayton.possible_misidentified_victim)
        told = Task.objects.filter(
            owner__username="vlo.sdp", nominal=drayton, title__startswith="Primary-aggressor"
        )
        self.assertEqual(told.count(), 1)
