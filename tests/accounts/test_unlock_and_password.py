"""Unlocking a locked-out colleague, changing one's own password, and signing out."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AccountEvent, AccountEventKind
from register.models import Role, StaffUser
from tests import factories
from tests.accounts.helpers import last_link
from tests.base import RegisterTestCase, login_verified

NEW_PASSWORD = "a-new-long-passphrase-9"


class UnlockTests(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")

    def sign_in(self, password: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
        return Client().post(
            reverse("login"), {"username": "officer.a", "password": password}, REMOTE_ADDR=ip
        )

    def lock_out(self) -> None:
        for _ in range(5):
            self.sign_in("wrong-password")
        self.assertContains(
            self.sign_in(factories.PASSWORD), "You cannot sign in for 10 minutes", status_code=429
        )

    def test_the_lockout_page_says_what_to_do(self) -> None:
        for _ in range(5):
            self.sign_in("wrong-password")
        page = self.sign_in(factories.PASSWORD)
        self.assertContains(page, "There were 5 unsuccessful attempts", status_code=429)
        self.assertContains(
            page, "ask your agency's administrator to unlock your account", status_code=429
        )
        self.assertContains(page, "e-mail you a link to set a new one", status_code=429)

    def test_the_administrator_unlocks_with_a_reason_and_the_officer_signs_in(self) -> None:
        self.lock_out()
        self.as_user(self.admin_a)
        listing = self.client.get(reverse("staff-list"))
        self.assertContains(listing, "Locked out", count=1)
        url = reverse("staff-unlock", args=[self.officer_a.pk])
        self.assertContains(listing, url)
        self.assertContains(self.client.get(url), "Unlock Test")
        response = self.client.post(url, {"reason": "Officer phoned; identity checked"})
        self.assertRedirects(response, reverse("staff-list"))
        self.assertFalse(AccessAttempt.objects.filter(username="officer.a").exists())
        event = AccountEvent.objects.get(account=self.officer_a)
        self.assertEqual(
            (event.kind, event.actor, event.reason),
            (AccountEventKind.UNLOCKED, self.admin_a, "Officer phoned; identity checked"),
        )
        record = event.history.get()
        self.assertEqual(
            (record.history_user, record.history_change_reason),
            (self.admin_a, "Officer phoned; identity checked"),
        )
        self.assertEqual(self.sign_in(factories.PASSWORD).status_code, 302)
        self.assertNotContains(self.client.get(reverse("staff-list")), "Locked out")

    def test_unlocking_needs_a_reason_and_nothing_changes_without_one(self) -> None:
        self.lock_out()
        self.as_user(self.admin_a)
        response = self.client.post(
            reverse("staff-unlock", args=[self.officer_a.pk]), {"reason": ""}
        )
        self.assertContains(response, "Enter the reason for this change", count=2)
        self.assertFalse(AccountEvent.objects.exists())
        self.assertEqual(self.sign_in(factories.PASSWORD).status_code, 429)

    def test_an_account_that_is_not_locked_cannot_be_unlocked(self) -> None:
        self.as_user(self.admin_a)
        url = reverse("staff-unlock", args=[self.officer_a.pk])
        self.assertContains(self.client.get(url), "is not locked out")
        response = self.client.post(url, {"reason": "Just in case"})
        self.assertContains(response, "is not locked out: they can sign in now")
        self.assertFalse(AccountEvent.objects.exists())

    def test_another_agencys_administrator_cannot_unlock(self) -> None:
        self.lock_out()
        self.as_user(self.admin_b)
        url = reverse("staff-unlock", args=[self.officer_a.pk])
        self.assert_not_found(self.client.post(url, {"reason": "Let them in"}))
        self.assertNotContains(self.client.get(reverse("staff-list")), "Locked out")
        self.assertEqual(self.sign_in(factories.PASSWORD).status_code, 429)

    def test_a_reset_link_also_unlocks(self) -> None:
        """Whoever holds the link has chosen a new password: old failures do not keep them out."""
        self.lock_out()
        self.as_user(self.admin_a)
        self.client.post(
            reverse("staff-reset-link", args=[self.officer_a.pk]), {"reason": "Forgot it"}
        )
        self.client.logout()
        link = last_link(self.officer_a.email)
        form = self.client.get(link)["Location"]
        self.client.post(form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertEqual(self.sign_in(NEW_PASSWORD).status_code, 302)


class ChangePasswordTests(RegisterTestCase):
    url = reverse("account-password-change")

    def change(self, old: str, new: str, confirm: str | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(
            self.url,
            {"old_password": old, "new_password1": new, "new_password2": confirm or new},
        )

    def test_a_wrong_current_password_is_refused_and_nothing_changes(self) -> None:
        self.as_user(self.officer_a)
        response = self.change("not-my-password", NEW_PASSWORD)
        self.assertContains(response, "Your current password is not correct", count=2)
        self.officer_a.refresh_from_db()
        self.assertTrue(self.officer_a.check_password(factories.PASSWORD))
        self.assertFalse(AccountEvent.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_bad_new_passwords_are_explained_next_to_the_field(self) -> None:
        self.as_user(self.officer_a)
        for new, confirm, message in (
            ("short", None, "This password is too short"),
            (NEW_PASSWORD, NEW_PASSWORD + "x", "The passwords do not match"),
            (factories.PASSWORD, None, "must be different from your current password"),
        ):
            with self.subTest(message):
                response = self.change(factories.PASSWORD, new, confirm)
                self.assertContains(response, message, count=2)
        self.officer_a.refresh_from_db()
        self.assertTrue(self.officer_a.check_password(factories.PASSWORD))

    def test_success_keeps_this_session_ends_the_others_and_sends_a_notice(self) -> None:
        other_device = Client()
        login_verified(other_device, self.officer_a)
        self.assertEqual(other_device.get(reverse("home")).status_code, 200)
        self.as_user(self.officer_a)
        self.assertContains(self.client.get(self.url), "Change your password")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.change(factories.PASSWORD, NEW_PASSWORD)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertContains(self.client.get(reverse("home")), "Your password has been changed")
        self.assertEqual(other_device.get(reverse("home")).status_code, 302)
        self.officer_a.refresh_from_db()
        self.assertTrue(self.officer_a.check_password(NEW_PASSWORD))
        [notice] = mail.outbox
        self.assertEqual(notice.to, [self.officer_a.email])
        self.assertIn("Your password was changed", notice.subject)
        self.assertIn("(UK time)", notice.body)
        event = AccountEvent.objects.get(account=self.officer_a)
        self.assertEqual(
            (event.kind, event.actor), (AccountEventKind.PASSWORD_CHANGED, self.officer_a)
        )

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))


class SignedOutTests(RegisterTestCase):
    def test_signing_out_ends_on_a_page_that_says_so(self) -> None:
        self.as_user(self.officer_a)
        response = self.client.post(reverse("logout"), follow=True)
        self.assertRedirects(response, reverse("signed-out"))
        self.assertContains(response, "You have signed out")
        self.assertContains(response, reverse("login"))
        self.assertNotContains(response, "Signed in as")
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)
