"""Audit: history records who and why; the access log records every read and cannot be changed."""

from __future__ import annotations

import datetime as dt

from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from register import services
from register.models import AccessChannel, AccessLog, Nominal, Role
from tests import factories
from tests.base import RegisterTestCase


class AccessLogIsAppendOnlyTests(RegisterTestCase):
    def setUp(self) -> None:
        nominal = factories.nominal(self.officer_a)
        self.entry = AccessLog.objects.create(
            user=self.officer_a,
            agency=self.agency_a,
            record_type="register.nominal",
            record_id=str(nominal.pk),
            channel=AccessChannel.PAGE,
            purpose="Test",
        )

    def test_database_refuses_update(self) -> None:
        with (
            self.assertRaisesMessage(DatabaseError, "append-only: UPDATE refused"),
            transaction.atomic(),
        ):
            AccessLog.objects.filter(pk=self.entry.pk).update(purpose="Rewritten")
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE register_accesslog SET purpose = 'x'")
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.purpose, "Test")

    def test_database_refuses_delete(self) -> None:
        with (
            self.assertRaisesMessage(DatabaseError, "append-only: DELETE refused"),
            transaction.atomic(),
        ):
            AccessLog.objects.filter(pk=self.entry.pk).delete()
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM register_accesslog")
        self.assertTrue(AccessLog.objects.filter(pk=self.entry.pk).exists())


class ReadsAreLoggedTests(RegisterTestCase):
    nominal: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Logged")

    def test_profile_page_read_is_logged_with_who_what_and_why(self) -> None:
        self.as_user(self.officer_a)
        self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        entry = AccessLog.objects.get()
        self.assertEqual(entry.user, self.officer_a)
        self.assertEqual(entry.agency, self.agency_a)
        self.assertEqual(
            (entry.record_type, entry.record_id), ("register.nominal", str(self.nominal.pk))
        )
        self.assertEqual(entry.channel, AccessChannel.PAGE)
        self.assertEqual(entry.purpose, "Nominal profile viewed")

    def test_each_row_of_a_list_page_is_logged(self) -> None:
        factories.nominal(self.officer_a, family_name="Second")
        self.as_user(self.officer_a)
        self.client.get(reverse("nominal-list"))
        self.assertEqual(AccessLog.objects.filter(purpose="Nominal list viewed").count(), 2)

    def test_api_read_logs_purpose_header_and_receiving_agency(self) -> None:
        client = APIClient()
        client.force_authenticate(self.officer_a)
        client.get(
            reverse("api-nominal-detail", args=[self.nominal.pk]),
            HTTP_X_PURPOSE="MARAC preparation",
        )
        entry = AccessLog.objects.get()
        self.assertEqual(entry.channel, AccessChannel.API)
        self.assertEqual(entry.purpose, "MARAC preparation")
        self.assertEqual(entry.recipient_agency, self.agency_a)

    def test_a_refused_read_is_not_logged_as_a_read(self) -> None:
        self.as_user(self.officer_b)
        self.client.get(reverse("nominal-detail", args=[self.nominal.pk]))
        self.assertFalse(AccessLog.objects.exists())


class HistoryTests(RegisterTestCase):
    def test_create_and_update_record_the_actor_and_reason(self) -> None:
        nominal = services.nominal_create(
            actor=self.officer_a, family_name="Hist", given_names="Ory", reason="Referred by MARAC"
        )
        services.nominal_update(
            actor=self.supervisor_a,
            nominal=nominal,
            family_name="Histor",
            reason="Spelling corrected",
        )
        rows = list(nominal.history.order_by("history_date"))
        self.assertEqual([r.history_user for r in rows], [self.officer_a, self.supervisor_a])
        self.assertEqual(
            [r.history_change_reason for r in rows], ["Referred by MARAC", "Spelling corrected"]
        )

    def test_a_change_without_a_reason_is_refused_and_saves_nothing(self) -> None:
        nominal = factories.nominal(self.officer_a, family_name="Before")
        with self.assertRaisesMessage(Exception, "Enter the reason for this change"):
            services.nominal_update(
                actor=self.officer_a, nominal=nominal, family_name="After", reason=" "
            )
        nominal.refresh_from_db()
        self.assertEqual(nominal.family_name, "Before")
        self.assertEqual(nominal.history.count(), 1)

    def test_sign_in_does_not_add_history(self) -> None:
        before = self.officer_a.history.count()
        response = self.client.post(
            reverse("login"), {"username": "officer.a", "password": factories.PASSWORD}
        )
        # The home page itself then asks for the second factor (mfa): not fetched here.
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(self.officer_a.history.count(), before)
        self.officer_a.refresh_from_db()
        self.assertIsNotNone(self.officer_a.last_login)


class AuditorSearchTests(RegisterTestCase):
    nominal: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Searched")
        other = factories.nominal(cls.officer_b, family_name="Elsewhere")
        for user, record in ((cls.officer_a, cls.nominal), (cls.officer_b, other)):
            AccessLog.objects.create(
                user=user,
                agency_id=user.agency_id,
                record_type="register.nominal",
                record_id=str(record.pk),
                record_label=str(record),
                channel="page",
                purpose="Test read",
            )

    def test_auditor_searches_by_user_record_and_date(self) -> None:
        # A national auditor sees both agencies' rows (an agency's auditor: test_audit_scope).
        self.as_user(factories.staff(self.agency_b, Role.NATIONAL_AUDITOR))
        url = reverse("audit-log")
        by_user = self.client.get(url, {"username": "officer.b"})
        self.assertContains(by_user, "ELSEWHERE")
        self.assertNotContains(by_user, "SEARCHED")
        by_record = self.client.get(url, {"record_id": str(self.nominal.pk)})
        self.assertContains(by_record, "SEARCHED")
        self.assertNotContains(by_record, "ELSEWHERE")
        today = timezone.localdate()
        in_range = self.client.get(
            url, {"date_from": today.isoformat(), "date_to": today.isoformat()}
        )
        self.assertContains(in_range, "2 entries")
        past = (today - dt.timedelta(days=3)).isoformat()
        self.assertContains(self.client.get(url, {"date_to": past}), "0 entries")

    def test_bad_dates_get_a_message_next_to_the_field(self) -> None:
        self.as_user(self.auditor)
        response = self.client.get(reverse("audit-log"), {"date_from": "2026-02-30"})
        self.assertContains(response, "&#x27;From&#x27; must be a real date")
        response = self.client.get(
            reverse("audit-log"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
        )
        self.assertContains(response, "must be the same as or after")

    def test_only_auditors_open_the_log(self) -> None:
        for persona in (self.officer_a, self.officer_b, self.admin_b, self.supervisor_a):
            with self.subTest(persona.username):
                self.as_user(persona)
                self.assert_not_found(self.client.get(reverse("audit-log")))

    def test_query_count_does_not_grow_with_entries(self) -> None:
        self.as_user(self.auditor)
        with self.assertNumQueries(7):
            self.client.get(reverse("audit-log"))
        for _ in range(30):
            AccessLog.objects.create(
                user=self.officer_b,
                agency=self.agency_b,
                record_type="register.nominal",
                record_id="x",
                channel="page",
                purpose="Bulk",
            )
        with self.assertNumQueries(7):
            self.client.get(reverse("audit-log"))
