"""The disclosure scheme: the 28-day target as a due item and its task, the steps in order,
a disclosure logged naming the person told, the queue scoped to the agency, bad input refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from notifications import rules as deadline_rules
from notifications import scans
from notifications.models import Compartment, DueItem, DueKind, DueStatus, Task, TaskKind
from register.errors import DomainError
from register.models import AccessChannel, AccessLog
from tests.victims.base import VictimsTestCase
from victims import services
from victims.models import DisclosureCase, DisclosureStatus


class DisclosureTestCase(VictimsTestCase):
    def open_case(self, received_on: dt.date | None = None, **extra: Any) -> DisclosureCase:
        data: dict[str, Any] = {
            "route": "right_to_ask",
            "subject": self.nominal,
            "received_on": received_on or timezone.localdate() - dt.timedelta(days=3),
            "applicant_name": "Fiona Ashcombe",
            "applicant_relationship": "New partner",
            "applicant_contact": "Mobile 07700 900888 after 6pm",
        }
        data.update(extra)
        return services.disclosure_create(actor=self.officer_a, **data)

    def walk_to_decision(self, case: DisclosureCase, risk: str = "medium") -> None:
        day = case.received_on
        services.disclosure_checks_record(
            actor=self.officer_a,
            case=case,
            initial_checks_on=day,
            checks_notes="PNC and local checks: two DA convictions",
            risk_level=risk,
            face_to_face_on=day + dt.timedelta(days=1),
        )
        services.disclosure_decide(
            actor=self.officer_a,
            case=case,
            decision="disclose",
            decision_on=day + dt.timedelta(days=2),
            decision_reasons="Pressing need: ongoing relationship",
            decision_agencies="Police, probation, children's services",
        )


class DisclosureServiceTests(DisclosureTestCase):
    def test_target_is_a_victim_side_due_item_owned_by_the_case_officer(self) -> None:
        case = self.open_case(received_on=dt.date(2026, 1, 5))
        item = DueItem.objects.get(kind=DueKind.DISCLOSURE, subject_id=str(case.pk))
        self.assertEqual(item.due_at, deadline_rules.end_of_day(dt.date(2026, 2, 2)))
        self.assertEqual(item.owner, self.officer_a)
        self.assertEqual(item.compartment, Compartment.VICTIM)
        self.assertEqual(item.nominal, self.nominal)
        self.assertEqual(item.link, reverse("disclosure-detail", args=[case.pk]))

    def test_target_days_is_a_setting(self) -> None:
        with self.settings(VICTIMS_DISCLOSURE_TARGET_DAYS=14):
            case = self.open_case(received_on=dt.date(2026, 1, 5))
        item = DueItem.objects.get(kind=DueKind.DISCLOSURE, subject_id=str(case.pk))
        self.assertEqual(item.due_at, deadline_rules.end_of_day(dt.date(2026, 1, 19)))

    def test_overdue_target_raises_a_task_in_the_officers_inbox(self) -> None:
        case = self.open_case(received_on=timezone.localdate() - dt.timedelta(days=40))
        scans.scan_overdue()
        task = Task.objects.get(owner=self.officer_a, due_item__subject_id=str(case.pk))
        self.assertEqual(task.kind, TaskKind.OVERDUE)
        self.as_user(self.officer_a)
        self.assertContains(self.client.get(reverse("task-inbox")), "Disclosure scheme case")

    def test_disclosure_completes_the_case_meets_the_item_and_logs_the_recipient(self) -> None:
        case = self.open_case()
        self.walk_to_decision(case)
        services.disclosure_complete(
            actor=self.officer_a,
            case=case,
            outcome="disclosed",
            outcome_on=timezone.localdate(),
            disclosed_to="Fiona Ashcombe",
            in_person=True,
            what_was_said="Told of two convictions for assaulting former partners",
            safety_plan="Safety plan agreed with the IDVA",
        )
        case.refresh_from_db()
        self.assertEqual(case.status, DisclosureStatus.COMPLETED)
        item = DueItem.objects.get(kind=DueKind.DISCLOSURE, subject_id=str(case.pk))
        self.assertEqual(item.status, DueStatus.MET)
        log = AccessLog.objects.get(channel=AccessChannel.DISCLOSURE)
        self.assertEqual(log.recipient, "Fiona Ashcombe")
        self.assertEqual(log.record_id, str(self.nominal.pk))
        self.assertEqual(log.user, self.officer_a)

    def test_high_risk_needs_marac_and_idva_referrals(self) -> None:
        case = self.open_case()
        self.walk_to_decision(case, risk="high")
        with self.assertRaises(DomainError) as caught:
            services.disclosure_complete(
                actor=self.officer_a,
                case=case,
                outcome="disclosed",
                outcome_on=timezone.localdate(),
                disclosed_to="Fiona Ashcombe",
                what_was_said="Told",
                safety_plan="Plan",
            )
        self.assertEqual(caught.exception.field, "marac_referred_on")
        case.refresh_from_db()
        self.assertEqual(case.status, DisclosureStatus.OPEN)
        self.assertFalse(AccessLog.objects.filter(channel=AccessChannel.DISCLOSURE).exists())

    def test_steps_in_order_and_dates_checked(self) -> None:
        case = self.open_case()
        with self.assertRaises(DomainError) as caught:
            services.disclosure_decide(
                actor=self.officer_a,
                case=case,
                decision="disclose",
                decision_on=timezone.localdate(),
                decision_reasons="x",
                decision_agencies="x",
            )
        self.assertEqual(caught.exception.field, "decision")
        with self.assertRaises(DomainError) as caught:
            services.disclosure_checks_record(
                actor=self.officer_a,
                case=case,
                initial_checks_on=case.received_on - dt.timedelta(days=1),
                checks_notes="x",
                risk_level="standard",
            )
        self.assertEqual(caught.exception.field, "initial_checks_on")
        with self.assertRaises(DomainError) as caught:
            self.open_case(applicant_is_person_at_risk=False)
        self.assertEqual(caught.exception.field, "person_at_risk_name")


class DisclosurePageTests(DisclosureTestCase):
    def test_queue_and_case_are_the_agency_s_own(self) -> None:
        case = self.open_case()
        for user in (self.officer_a, self.vlo_a, self.pp_a):
            with self.subTest(user=user.username):
                self.as_user(user)
                self.assertContains(self.client.get(reverse("disclosure-list")), "Right to ask")
                response = self.client.get(reverse("disclosure-detail", args=[case.pk]))
                self.assertContains(response, "Fiona Ashcombe")
                self.assertContains(response, "Initial checks (within 24 hours)")
        for user in (self.officer_b, self.vlo_b, self.auditor, self.admin_b):
            with self.subTest(user=user.username):
                self.as_user(user)
                self.assert_not_found(self.client.get(reverse("disclosure-detail", args=[case.pk])))
                response = self.client.get(reverse("disclosure-list"))
                if response.status_code == 200:
                    self.assertNotContains(response, "Ashcombe")
                else:
                    self.assert_not_found(response)

    def test_create_form_puts_errors_next_to_fields_and_saves_nothing(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("disclosure-create"),
            {
                "route": "right_to_ask",
                "subject": str(self.nominal.pk),
                "received_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
                "applicant_name": "Fiona",
                "applicant_relationship": "Partner",
                "applicant_is_person_at_risk": "on",
                "case_officer": str(self.officer_a.pk),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["received_on"],
            ["The date received cannot be in the future"],
        )
        self.assertContains(response, "There is a problem")
        self.assertFalse(DisclosureCase.objects.exists())

    def test_whole_case_through_the_pages(self) -> None:
        self.as_user(self.officer_a)
        today = timezone.localdate()
        response = self.client.post(
            reverse("disclosure-create"),
            {
                "route": "right_to_know",
                "subject": str(self.nominal.pk),
                "received_on": today.isoformat(),
                "applicant_name": "Gail Rowntree",
                "applicant_relationship": "Current partner",
                "applicant_is_person_at_risk": "on",
                "case_officer": str(self.officer_a.pk),
            },
        )
        case = DisclosureCase.objects.get()
        self.assertRedirects(response, reverse("disclosure-detail", args=[case.pk]))
        steps = [
            (
                "checks",
                {"initial_checks_on": today, "checks_notes": "Checks", "risk_level": "standard"},
            ),
            (
                "decision",
                {
                    "decision": "disclose",
                    "decision_on": today,
                    "decision_reasons": "Need",
                    "decision_agencies": "Police",
                },
            ),
            (
                "outcome",
                {
                    "outcome": "disclosed",
                    "outcome_on": today,
                    "disclosed_to": "Gail Rowntree",
                    "what_was_said": "Told",
                    "safety_plan": "Plan",
                    "in_person": "on",
                },
            ),
        ]
        for step, data in steps:
            url = reverse("disclosure-step", args=[case.pk, step])
            response = self.client.post(url, {k: str(v) for k, v in data.items()})
            self.assertRedirects(
                response, reverse("disclosure-detail", args=[case.pk]), msg_prefix=step
            )
        case.refresh_from_db()
        self.assertEqual(case.status, "completed")
        self.assertEqual(AccessLog.objects.get(channel="disclosure").recipient, "Gail Rowntree")
        self.assert_not_found(self.client.get(reverse("disclosure-step", args=[case.pk, "checks"])))

    def test_step_error_next_to_the_field(self) -> None:
        case = self.open_case()
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("disclosure-step", args=[case.pk, "checks"]),
            {"initial_checks_on": "2020-01-01", "checks_notes": "x", "risk_level": "high"},
        )
        self.assertIn(
            "cannot be before the case was received",
            response.context["form"].errors["initial_checks_on"][0],
        )


class DisclosureApiTests(DisclosureTestCase):
    def test_list_create_and_read(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("api-disclosure-list"),
            {
                "route": "right_to_ask",
                "subject": str(self.nominal.pk),
                "received_on": "2026-01-05",
                "applicant_name": "H",
                "applicant_relationship": "Partner",
            },
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        case_id = response.json()["id"]
        self.assertEqual(len(self.client.get(reverse("api-disclosure-list")).json()["results"]), 1)
        self.assertEqual(
            self.client.get(reverse("api-disclosure-detail", args=[case_id])).status_code, 200
        )
        self.as_user(self.officer_b)
        self.assert_not_found(self.client.get(reverse("api-disclosure-detail", args=[case_id])))

    def test_bad_input_field_by_field_and_nothing_saved(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(
            reverse("api-disclosure-list"),
            {"route": "ask", "subject": str(self.nominal.pk)},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            set(response.json()),
            {"route", "received_on", "applicant_name", "applicant_relationship"},
        )
        self.assertFalse(DisclosureCase.objects.exists())


class DisclosureStepApiTests(DisclosureTestCase):
    """POST /api/v1/disclosures/<id>/checks|decision|outcome/: the case page's steps."""

    def post(self, step: str, case: DisclosureCase, data: dict[str, Any]) -> Any:
        return self.client.post(
            reverse(f"api-disclosure-{step}", args=[case.pk]), data, content_type="application/json"
        )

    def test_a_whole_case_over_the_api_completes_it_and_logs_the_disclosure(self) -> None:
        case = self.open_case()
        day = case.received_on
        self.as_user(self.officer_a)
        checks = self.post(
            "checks",
            case,
            {
                "initial_checks_on": day.isoformat(),
                "checks_notes": "PNC: two DA convictions",
                "risk_level": "medium",
                "face_to_face_on": (day + dt.timedelta(days=1)).isoformat(),
            },
        )
        self.assertEqual(checks.status_code, 200, checks.content)
        decision = self.post(
            "decision",
            case,
            {
                "decision": "disclose",
                "decision_on": (day + dt.timedelta(days=2)).isoformat(),
                "decision_reasons": "Pressing need",
                "decision_agencies": "Police, probation",
            },
        )
        self.assertEqual(decision.status_code, 200, decision.content)
        outcome = self.post(
            "outcome",
            case,
            {
                "outcome": "disclosed",
                "outcome_on": (day + dt.timedelta(days=3)).isoformat(),
                "disclosed_to": "Fiona Ashcombe",
                "in_person": True,
                "what_was_said": "His two convictions for assaulting former partners",
                "safety_plan": "IDVA contact; panic alarm",
            },
        )
        self.assertEqual(outcome.status_code, 200, outcome.content)
        case.refresh_from_db()
        self.assertEqual(case.status, DisclosureStatus.COMPLETED)
        self.assertEqual(DueItem.objects.get(kind=DueKind.DISCLOSURE).status, DueStatus.MET)
        logged = AccessLog.objects.get(channel=AccessChannel.DISCLOSURE)
        self.assertEqual(logged.recipient, "Fiona Ashcombe")

    def test_bad_input_and_steps_out_of_order_are_refused_field_by_field(self) -> None:
        case = self.open_case()
        self.as_user(self.officer_a)
        empty = self.post("checks", case, {})
        self.assertEqual(empty.status_code, 400)
        self.assertEqual(set(empty.json()), {"initial_checks_on", "checks_notes", "risk_level"})
        early = self.post(
            "outcome",
            case,
            {
                "outcome": "declined",
                "outcome_on": case.received_on.isoformat(),
                "declined_reason": "x",
                "safety_plan": "y",
            },
        )
        self.assertEqual(early.status_code, 400)
        self.assertEqual(early.json(), {"outcome": ["Record the decision before the outcome"]})
        case.refresh_from_db()
        self.assertIsNone(case.initial_checks_on)
        self.assertEqual(case.status, DisclosureStatus.OPEN)

    def test_other_agency_and_wrong_roles_get_404_and_change_nothing(self) -> None:
        case = self.open_case()
        checks = {
            "initial_checks_on": case.received_on.isoformat(),
            "checks_notes": "x",
            "risk_level": "low",
        }
        for user in (self.officer_b, self.vlo_b, self.auditor, self.admin_b):
            self.as_user(user)
            for step in ("checks", "decision", "outcome"):
                with self.subTest(user=user.username, step=step):
                    self.assert_not_found(self.post(step, case, checks))
        case.refresh_from_db()
        self.assertIsNone(case.initial_checks_on)
