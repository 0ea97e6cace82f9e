"""Query counts of the administrator's account pages, and one link submitted twice at once."""

from __future__ import annotations

import threading

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccountEvent, AccountEventKind
from accounts.services import reset_link_issue
from register.models import Role, StaffUser
from tests import factories
from tests.accounts.helpers import last_link
from tests.base import RegisterTestCase


def lock(username: str, ip: str = "10.9.9.9") -> None:
    AccessAttempt.objects.create(
        username=username,
        ip_address=ip,
        user_agent="test",
        http_accept="*/*",
        path_info="/sign-in/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )


class AdminPageQueryTests(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")

    def queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(context)

    def add_accounts(self, count: int) -> None:
        for n in range(count):
            member = factories.staff(self.agency_a, Role.OFFENDER_MANAGER, username=f"bulk.{n}")
            if n % 2:
                lock(member.username)
            for _ in range(3):
                AccountEvent.objects.create(
                    account=member,
                    kind=AccountEventKind.UNLOCKED,
                    actor=self.admin_a,
                    reason="Setup",
                )

    def test_the_staff_list_reads_lockouts_in_one_query_whatever_the_number_of_accounts(
        self,
    ) -> None:
        self.as_user(self.admin_a)
        lock("officer.a")
        url = reverse("staff-list")
        few = self.queries(url)
        self.add_accounts(20)
        self.assertEqual(self.queries(url), few)
        page = self.client.get(url)
        self.assertContains(page, "Locked out", count=11)  # officer.a and 10 of the bulk
        with self.assertNumQueries(few):
            self.client.get(url)

    def test_account_action_pages_run_a_fixed_number_of_queries(self) -> None:
        self.as_user(self.admin_a)
        invited = factories.staff(self.agency_a, Role.OFFENDER_MANAGER, username="invited")
        StaffUser.objects.filter(pk=invited.pk).update(password="!unusable")
        lock("officer.a")
        pages = {
            "staff-reset-link": self.officer_a.pk,
            "staff-unlock": self.officer_a.pk,
            "staff-invitation": invited.pk,
        }
        before = {name: self.queries(reverse(name, args=[pk])) for name, pk in pages.items()}
        # Session, user, the colleague (through the staff selector), the session's save in a
        # savepoint; the unlock page also asks axes whether the account is locked.
        self.assertEqual(before, {"staff-reset-link": 6, "staff-unlock": 7, "staff-invitation": 6})
        self.add_accounts(10)
        for n in range(10):
            lock("officer.a", ip=f"10.0.1.{n}")
        after = {name: self.queries(reverse(name, args=[pk])) for name, pk in pages.items()}
        self.assertEqual(before, after)


class AccountHistoryTests(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")

    def test_the_history_shows_what_was_done_by_whom_and_why(self) -> None:
        self.as_user(self.admin_a)
        reset_link_issue(actor=self.admin_a, account=self.officer_a, reason="Forgot password")
        lock("officer.a")
        page = self.client.get(reverse("staff-account-history", args=[self.officer_a.pk]))
        self.assertContains(page, "Password reset link sent")
        self.assertContains(page, "Forgot password")
        self.assertContains(page, str(self.admin_a))
        self.assertContains(page, "Link works until")
        self.assertContains(page, "Locked out after too many wrong passwords")
        self.assertContains(page, reverse("staff-unlock", args=[self.officer_a.pk]))

    def test_the_history_page_runs_a_fixed_number_of_queries(self) -> None:
        self.as_user(self.admin_a)
        url = reverse("staff-account-history", args=[self.officer_a.pk])
        with CaptureQueriesContext(connection) as empty:
            self.client.get(url)
        for n in range(30):
            AccountEvent.objects.create(
                account=self.officer_a,
                kind=AccountEventKind.UNLOCKED,
                actor=[self.admin_a, self.officer_a, None][n % 3],
                reason=f"Reason {n}",
            )
        # Session, user, colleague, lockout, count, one page of events with their actors,
        # the session's save in a savepoint.
        with self.assertNumQueries(9):
            page = self.client.get(url)
        self.assertContains(page, "Reason 29")
        self.assertEqual(len(empty), 8)  # no events: no page of them to fetch


@pytest.mark.django_db(transaction=True)
def test_one_link_submitted_twice_at_once_sets_the_password_once() -> None:
    """Two browsers holding the same reset link submit together: exactly one password wins,
    the other is told the link was used; the account's row lock decides (services)."""
    agency = factories.agency("RACE")
    admin = factories.staff(agency, Role.ADMINISTRATOR, username="race.admin")
    officer = factories.staff(agency, Role.OFFENDER_MANAGER, username="race.officer")
    reset_link_issue(actor=admin, account=officer, reason="Forgot password")
    link = last_link(officer.email)
    browsers = [Client(), Client()]
    forms = [browser.get(link)["Location"] for browser in browsers]
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def submit(browser: Client, form: str, password: str) -> None:
        try:
            barrier.wait(timeout=30)
            response = browser.post(form, {"new_password1": password, "new_password2": password})
            results[password] = response
        finally:
            connection.close()

    passwords = ["first-racer-passphrase", "second-racer-passphrase"]
    threads = [
        threading.Thread(target=submit, args=(browser, form, password))
        for browser, form, password in zip(browsers, forms, passwords, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(results[p].status_code for p in passwords)  # type: ignore[attr-defined]
    assert statuses == [200, 302]
    [winner] = [p for p in passwords if results[p].status_code == 302]  # type: ignore[attr-defined]
    [loser] = [p for p in passwords if p != winner]
    assert "already been used" in results[loser].content.decode()  # type: ignore[attr-defined]
    officer.refresh_from_db()
    assert officer.check_password(winner)
    assert (
        AccountEvent.objects.filter(account=officer, kind=AccountEventKind.PASSWORD_SET).count()
        == 1
    )
