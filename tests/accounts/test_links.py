"""Invitations and reset links: e-mailed to the account's owner, work once, expire, and an
administrator of another agency (or a colleague without the role) cannot send them."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.template.defaultfilters import date as date_filter
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import AccountEvent, AccountEventKind
from accounts.tokens import invitation_tokens, reset_tokens
from register.models import Role, StaffUser
from tests import factories
from tests.accounts.helpers import last_link
from tests.base import RegisterTestCase

NEW_PASSWORD = "a-new-long-passphrase-9"


def link_for(tokens, user: StaffUser, issued_at: dt.datetime, kind: str) -> str:  # type: ignore[no-untyped-def]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(kind, kwargs={"uidb64": uid, "token": tokens.make_token_at(user, issued_at)})


class LinkTestCase(RegisterTestCase):
    admin_a: StaffUser

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin_a = factories.staff(cls.agency_a, Role.ADMINISTRATOR, username="admin.a")

    def set_password(self, link: str, first: str, second: str | None = None):  # type: ignore[no-untyped-def]
        """Follow the link as its owner (no one signed in) and submit a password."""
        self.client.logout()
        opened = self.client.get(link)
        self.assertEqual(opened.status_code, 302, opened.content[:300])
        self.assertTrue(opened["Location"].endswith("/set-password/"))
        self.assertContains(self.client.get(opened["Location"]), "Save password")
        return self.client.post(
            opened["Location"], {"new_password1": first, "new_password2": second or first}
        )


class InvitationTests(LinkTestCase):
    def create_without_password(self) -> StaffUser:
        self.as_user(self.admin_a)
        response = self.client.post(
            reverse("staff-create"),
            {
                "username": "new.officer",
                "first_name": "Nia",
                "last_name": "Officer",
                "email": "nia.officer@example.gov.uk",
                "roles": [Role.OFFENDER_MANAGER],
                "password": "",
                "reason": "Joined the PPU",
            },
            follow=True,
        )
        self.assertContains(response, "an invitation was e-mailed to nia.officer@example.gov.uk")
        return StaffUser.objects.get(username="new.officer")

    def test_a_new_account_without_a_password_is_sent_an_invitation(self) -> None:
        user = self.create_without_password()
        self.assertFalse(user.has_usable_password())
        [message] = mail.outbox
        self.assertEqual(message.to, ["nia.officer@example.gov.uk"])
        self.assertIn("Your username is: new.officer", message.body)
        event = AccountEvent.objects.get(account=user)
        self.assertEqual(
            (event.kind, event.actor, event.reason),
            (AccountEventKind.INVITATION_SENT, self.admin_a, "New account: Joined the PPU"),
        )
        assert event.expires_at is not None
        self.assertEqual(event.expires_at - event.created_at, dt.timedelta(days=7))
        # The expiry is told in UK time and format.
        expected = date_filter(timezone.localtime(event.expires_at), "j F Y \\a\\t H:i")
        self.assertIn(f"until {expected} (UK time)", message.body)
        record = event.history.get()
        self.assertEqual(
            (record.history_user, record.history_change_reason),
            (self.admin_a, "New account: Joined the PPU"),
        )

    def test_an_account_whose_invitation_cannot_be_sent_is_not_created(self) -> None:
        self.as_user(self.admin_a)
        with override_settings(EMAIL_BACKEND="tests.accounts.helpers.UnreachableMailServer"):
            response = self.client.post(
                reverse("staff-create"),
                {
                    "username": "new.officer",
                    "first_name": "Nia",
                    "last_name": "Officer",
                    "email": "nia.officer@example.gov.uk",
                    "roles": [Role.OFFENDER_MANAGER],
                    "password": "",
                    "reason": "Joined the PPU",
                },
            )
        self.assertContains(response, "The e-mail could not be sent, so no link was issued")
        self.assertFalse(StaffUser.objects.filter(username="new.officer").exists())
        self.assertFalse(AccountEvent.objects.exists())

    def test_the_invitation_sets_the_password_once(self) -> None:
        user = self.create_without_password()
        link = last_link("nia.officer@example.gov.uk")
        self.assertRedirects(self.set_password(link, NEW_PASSWORD), reverse("account-password-set"))
        user.refresh_from_db()
        self.assertTrue(user.check_password(NEW_PASSWORD))
        self.assertEqual(
            list(AccountEvent.objects.filter(account=user).values_list("kind", "actor")),
            [
                (AccountEventKind.PASSWORD_SET, user.pk),
                (AccountEventKind.INVITATION_SENT, self.admin_a.pk),
            ],
        )
        # The same link a second time: refused, and the password stays as it was set.
        again = self.client.get(link)
        self.assertContains(again, "This link is not valid")
        self.assertNotContains(again, "Save password")
        again_form = self.client.post(
            link.rsplit("/", 2)[0] + "/set-password/",
            {"new_password1": "someone-elses-choice-1", "new_password2": "someone-elses-choice-1"},
        )
        self.assertContains(again_form, "This link is not valid")
        user.refresh_from_db()
        self.assertTrue(user.check_password(NEW_PASSWORD))
        self.assertRedirects(
            self.client.post(
                reverse("login"), {"username": "new.officer", "password": NEW_PASSWORD}
            ),
            reverse("home"),
            fetch_redirect_response=False,
        )

    def test_password_rules_are_enforced_next_to_the_field_and_nothing_changes(self) -> None:
        user = self.create_without_password()
        link = last_link("nia.officer@example.gov.uk")
        for first, second, message in (
            ("short", "short", "This password is too short"),
            ("password1234", "password1234", "This password is too common"),
            ("48261937502846", "48261937502846", "This password is entirely numeric"),
            ("new.officer-x", "new.officer-x", "too similar to the username"),
            (NEW_PASSWORD, NEW_PASSWORD + "x", "The passwords do not match"),
            ("", "", "Enter your new password"),
        ):
            with self.subTest(message):
                response = self.set_password(link, first, second)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "govuk-error-summary")
                self.assertContains(response, message, count=2)  # summary and next to the field
                user.refresh_from_db()
                self.assertFalse(user.has_usable_password())
        self.assertFalse(
            AccountEvent.objects.filter(account=user, kind=AccountEventKind.PASSWORD_SET).exists()
        )

    def test_an_expired_invitation_is_refused_with_a_clear_page(self) -> None:
        user = self.create_without_password()
        now = timezone.now()
        kind = "account-invitation"
        fresh = link_for(invitation_tokens, user, now - dt.timedelta(days=6, hours=23), kind)
        self.assertEqual(self.client.get(fresh).status_code, 302)
        stale = link_for(invitation_tokens, user, now - dt.timedelta(days=7, minutes=1), kind)
        response = self.client.get(stale)
        self.assertContains(response, "This link has expired")
        self.assertContains(response, "send you a new invitation")
        self.assertNotContains(response, "Save password")
        # The lifetime is a setting.
        with override_settings(ACCOUNTS_INVITATION_DAYS=1):
            self.assertContains(self.client.get(fresh), "This link has expired")

    def test_a_reset_token_is_no_invitation(self) -> None:
        user = self.create_without_password()
        uid_and_token = link_for(reset_tokens, user, timezone.now(), "account-reset")
        forged = uid_and_token.replace("/account/reset/", "/account/invitation/")
        self.assertContains(self.client.get(forged), "This link is not valid")

    def test_the_administrator_sends_the_invitation_again(self) -> None:
        user = self.create_without_password()
        url = reverse("staff-invitation", args=[user.pk])
        self.assertContains(self.client.get(url), "Send Nia Officer's invitation again?")
        response = self.client.post(url, {"reason": ""})
        self.assertContains(response, "Enter the reason for this change", count=2)
        self.assertEqual(len(mail.outbox), 1)
        self.assertRedirects(
            self.client.post(url, {"reason": "First e-mail went to junk"}), reverse("staff-list")
        )
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(
            AccountEvent.objects.filter(account=user, kind=AccountEventKind.INVITATION_SENT)
            .values_list("reason", flat=True)
            .first(),
            "First e-mail went to junk",
        )
        self.assertRedirects(
            self.set_password(last_link("nia.officer@example.gov.uk"), NEW_PASSWORD),
            reverse("account-password-set"),
        )

    def test_an_invitation_is_not_sent_to_an_account_with_a_password(self) -> None:
        self.as_user(self.admin_a)
        response = self.client.post(
            reverse("staff-invitation", args=[self.officer_a.pk]), {"reason": "Asked"}
        )
        self.assertContains(response, "has already set a password")
        self.assertEqual(mail.outbox, [])
        self.assertFalse(AccountEvent.objects.exists())

    def test_unknown_accounts_and_used_links_get_the_same_page(self) -> None:
        """No existence oracle: a made-up account number reads like a wrong or used link."""
        pages = []
        for path in (
            "/account/reset/OTk5OTk5/abc-123/",  # no account 999999
            f"/account/reset/{link_for(reset_tokens, self.officer_a, timezone.now(), 'account-reset').split('/')[3]}/abc-123/",
            "/account/reset/not-base64!/abc-123/",
            "/account/reset/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ/abc-123/",  # past a bigint
        ):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 200)
            pages.append(response.content)
        self.assertEqual(len(set(pages)), 1)
        self.assertIn(b"This link is not valid", pages[0])


class ResetLinkTests(LinkTestCase):
    def issue(self, reason: str = "Forgot password, phoned from the PPU office"):  # type: ignore[no-untyped-def]
        self.as_user(self.admin_a)
        return self.client.post(
            reverse("staff-reset-link", args=[self.officer_a.pk]), {"reason": reason}
        )

    def test_an_administrator_sends_a_reset_link_and_it_is_recorded(self) -> None:
        url = reverse("staff-reset-link", args=[self.officer_a.pk])
        self.as_user(self.admin_a)
        page = self.client.get(url)
        self.assertContains(page, "Send a password reset link to Test")
        self.assertContains(page, self.officer_a.email)
        self.assertContains(page, "for 24 hours")
        response = self.issue()
        self.assertEqual((response.status_code, response["Location"]), (302, reverse("staff-list")))
        event = AccountEvent.objects.get(account=self.officer_a)
        self.assertEqual(
            (event.kind, event.actor, event.reason),
            (
                AccountEventKind.RESET_LINK_SENT,
                self.admin_a,
                "Forgot password, phoned from the PPU office",
            ),
        )
        assert event.expires_at is not None
        self.assertEqual(event.expires_at - event.created_at, dt.timedelta(hours=24))
        record = event.history.get()
        self.assertEqual(
            (record.history_user, record.history_change_reason),
            (self.admin_a, "Forgot password, phoned from the PPU office"),
        )
        [message] = mail.outbox
        self.assertEqual(message.to, [self.officer_a.email])
        expected = date_filter(timezone.localtime(event.expires_at), "j F Y \\a\\t H:i")
        self.assertIn(f"until {expected} (UK time)", message.body)
        self.assertIn(self.admin_a.get_full_name(), message.body)
        banner = self.client.get(reverse("staff-list"))
        self.assertContains(banner, f"It works once, until {expected}")

    def test_the_link_works_once(self) -> None:
        self.issue()
        link = last_link(self.officer_a.email)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.set_password(link, NEW_PASSWORD)
        self.assertRedirects(response, reverse("account-password-set"))
        self.officer_a.refresh_from_db()
        self.assertTrue(self.officer_a.check_password(NEW_PASSWORD))
        self.assertFalse(self.officer_a.check_password(factories.PASSWORD))
        self.assertContains(self.client.get(link), "This link is not valid")
        # The owner is told their password changed.
        self.assertIn("Your password was changed", mail.outbox[-1].subject)

    def test_the_link_expires(self) -> None:
        now = timezone.now()
        ok = link_for(
            reset_tokens, self.officer_a, now - dt.timedelta(hours=23, minutes=59), "account-reset"
        )
        self.assertEqual(self.client.get(ok).status_code, 302)
        late = link_for(
            reset_tokens, self.officer_a, now - dt.timedelta(hours=24, minutes=1), "account-reset"
        )
        response = self.client.get(late)
        self.assertContains(response, "This link has expired")
        self.assertContains(response, "Ask your agency's administrator to send you a new link")
        with override_settings(ACCOUNTS_RESET_HOURS=48):
            self.assertEqual(self.client.get(late).status_code, 302)

    def test_disabling_the_account_ends_its_links(self) -> None:
        self.issue()
        link = last_link(self.officer_a.email)
        StaffUser.objects.filter(pk=self.officer_a.pk).update(is_active=False)
        self.client.logout()
        self.assertContains(self.client.get(link), "This link is not valid")

    def test_a_reason_is_required_and_nothing_changes_without_one(self) -> None:
        response = self.issue(reason="   ")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter the reason for this change", count=2)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(AccountEvent.objects.exists())

    def test_another_agencys_administrator_gets_404_and_nothing_is_sent(self) -> None:
        self.as_user(self.admin_b)
        for name in ("staff-reset-link", "staff-unlock", "staff-invitation"):
            with self.subTest(name):
                url = reverse(name, args=[self.officer_a.pk])
                self.assert_not_found(self.client.get(url))
                self.assert_not_found(self.client.post(url, {"reason": "Let me in"}))
        self.assert_not_found(
            self.client.get(reverse("staff-account-history", args=[self.officer_a.pk]))
        )
        self.assertEqual(mail.outbox, [])
        self.assertFalse(AccountEvent.objects.exists())

    def test_colleagues_without_the_administrator_role_get_404(self) -> None:
        for persona in (self.officer_a, self.supervisor_a, self.auditor, self.vlo_a):
            for name in ("staff-reset-link", "staff-unlock", "staff-invitation"):
                with self.subTest(persona=persona.username, page=name):
                    self.as_user(persona)
                    url = reverse(name, args=[self.officer_a.pk])
                    self.assert_not_found(self.client.get(url))
                    self.assert_not_found(self.client.post(url, {"reason": "Let me in"}))
            self.assert_not_found(
                self.client.get(reverse("staff-account-history", args=[self.officer_a.pk]))
            )
        self.assertEqual(mail.outbox, [])
        self.assertFalse(AccountEvent.objects.exists())

    def test_an_administrator_does_not_send_themselves_a_link(self) -> None:
        self.as_user(self.admin_a)
        response = self.client.post(
            reverse("staff-reset-link", args=[self.admin_a.pk]), {"reason": "Me"}
        )
        self.assertContains(response, "Change your own password")
        self.assertEqual(mail.outbox, [])
