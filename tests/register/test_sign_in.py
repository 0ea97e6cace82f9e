"""Sign in and out, lockout, idle timeout, password rules, and partner-system tokens."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from register.models import ApiClient, Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase, login_verified


class SignInTests(RegisterTestCase):
    def sign_in(self, password: str, username: str = "officer.a", ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
        )

    def test_pages_redirect_to_sign_in(self) -> None:
        response = self.client.get(reverse("nominal-list"))
        self.assertRedirects(response, f"{reverse('login')}?next=/nominals/")

    def test_sign_in_and_out(self) -> None:
        self.assertRedirects(
            self.sign_in(factories.PASSWORD), reverse("home"), fetch_redirect_response=False
        )
        # The password alone opens no page: the second factor comes next (mfa).
        self.assertEqual(self.client.get(reverse("home"))["Location"], "/mfa/set-up/?next=%2F")
        login_verified(self.client, self.officer_a)
        home = self.client.get(reverse("home"))
        self.assertContains(home, "Agency A")
        self.assertRedirects(self.client.post(reverse("logout")), reverse("signed-out"))
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

    def test_wrong_password_is_explained_next_to_the_form(self) -> None:
        response = self.sign_in("wrong-password")
        self.assertContains(response, "Enter a correct username and password")
        self.assertContains(response, "govuk-error-summary")

    def test_five_failures_lock_that_username_from_that_address(self) -> None:
        for _ in range(5):
            self.sign_in("wrong-password")
        locked = self.sign_in(factories.PASSWORD)
        self.assertContains(locked, "You cannot sign in for 10 minutes", status_code=429)
        # Another address, or another username from the same address, is not locked.
        self.assertEqual(self.sign_in(factories.PASSWORD, ip="10.0.0.2").status_code, 302)
        self.client.post(reverse("logout"))
        self.assertEqual(self.sign_in(factories.PASSWORD, username="vlo.a").status_code, 302)

    def test_session_ends_after_thirty_minutes_idle(self) -> None:
        self.assertEqual(settings.SESSION_COOKIE_AGE, 30 * 60)
        self.assertTrue(settings.SESSION_SAVE_EVERY_REQUEST)
        self.sign_in(factories.PASSWORD)
        session = self.client.session
        self.assertEqual(session.get_expiry_age(), 30 * 60)
        # Let the session lapse: the next request must go back to sign in.
        from django.contrib.sessions.models import Session
        from django.utils import timezone

        Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now())
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

    def test_disabled_account_cannot_sign_in(self) -> None:
        StaffUser.objects.filter(pk=self.officer_a.pk).update(is_active=False)
        self.assertEqual(self.sign_in(factories.PASSWORD).status_code, 200)


class ApiTokenTests(RegisterTestCase):
    def create_client(self, *extra: str) -> str:
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "api_client_create",
            "--agency",
            "A",
            "--name",
            "Probation case system",
            "--scopes",
            "register:read",
            *extra,
            stdout=out,
            stderr=err,
        )
        self.assertIn("shown once", err.getvalue())
        return out.getvalue().strip()

    def test_command_prints_a_token_that_acts_for_the_agency(self) -> None:
        token = self.create_client()
        client = ApiClient.objects.get()
        self.assertNotIn(token.split(".", 1)[1], client.keys.get().secret_hash)
        response = APIClient().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token}")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["agency"]["code"], "A")
        self.assertEqual(body["roles"], [Role.OFFENDER_MANAGER])
        self.assertTrue(body["is_api_client"])

    def test_client_reads_only_what_its_agency_may_see(self) -> None:
        token = self.create_client("--role", "probation_practitioner")
        mine = factories.nominal(self.officer_a, family_name="Mine")
        theirs = factories.nominal(self.officer_b, family_name="Theirs")
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        self.assertEqual(api.get(reverse("api-nominal-detail", args=[mine.pk])).status_code, 200)
        self.assertEqual(api.get(reverse("api-nominal-detail", args=[theirs.pk])).status_code, 404)

    def test_bad_and_revoked_tokens_get_401(self) -> None:
        token = self.create_client()
        key_id = token.split(".")[0]
        for bad in (f"{key_id}.wrong", "nonsense", "a.b"):
            response = APIClient().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {bad}")
            self.assertEqual(response.status_code, 401, bad)
        ApiClient.objects.update(is_active=False)
        response = APIClient().get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token}")
        self.assertEqual(response.status_code, 401)

    def test_unknown_agency_is_refused_with_a_clear_message(self) -> None:
        with self.assertRaisesMessage(CommandError, "No agency with code 'ZZZ'"):
            call_command(
                "api_client_create",
                "--agency",
                "ZZZ",
                "--name",
                "X",
                "--scopes",
                "register:read",
                stdout=io.StringIO(),
            )
        self.assertFalse(ApiClient.objects.exists())

    def test_api_client_cannot_sign_in_to_pages(self) -> None:
        self.create_client()
        user = ApiClient.objects.get().user
        self.assertFalse(user.has_usable_password())


class PasswordRuleTests(RegisterTestCase):
    def test_weak_passwords_are_refused_with_the_rule(self) -> None:
        from register.errors import DomainError
        from register.services import staff_user_create

        for weak, message in (
            ("short", "too short"),
            ("password1234", "too common"),
            ("123456789012345", "entirely numeric"),
        ):
            with self.subTest(weak), self.assertRaisesMessage(DomainError, message):
                staff_user_create(
                    actor=self.admin_b,
                    agency=self.agency_b,
                    username=f"new{len(weak)}",
                    first_name="New",
                    last_name="Person",
                    email="new@example.gov.uk",
                    roles=[Role.OFFENDER_MANAGER],
                    password=weak,
                    reason="Joined",
                )
        self.assertFalse(StaffUser.objects.filter(username__startswith="new").exists())
