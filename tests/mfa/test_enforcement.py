"""No staff page without a second factor; the API (tokens) and health checks are unaffected."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from register.models import Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase, login_verified

DUMMY = str(uuid.uuid4())
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _fill(route: str) -> str:
    return PARAM.sub(lambda m: "1" if m.group("converter") == "int" else DUMMY, route)


def every_url(
    patterns: list[Any] | None = None, prefix: str = ""
) -> Iterator[tuple[str, Any, str | None]]:
    """(path, view, url name) for every route of the URLconf, path parameters filled in."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from every_url(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            # Regex routes (none yet) would need their own filling: fail loudly if one appears.
            assert "(?P" not in route and "^" not in route, f"unhandled regex route {route}"
            yield "/" + _fill(prefix + route), entry.callback, entry.name


def public(view: Any) -> bool:
    """A page anyone may open without signing in (sign-in, health, accessibility, the API)."""
    return not getattr(view, "login_required", True)


class EveryStaffPageNeedsASecondFactor(RegisterTestCase):
    def test_no_staff_url_answers_a_signed_in_user_without_a_second_factor(self) -> None:
        TOTPDevice.objects.create(user=self.officer_a, name="App", confirmed=True)
        self.client.force_login(self.officer_a)  # password only: no second factor given
        checked = []
        for path, view, name in every_url():
            if path.startswith("/mfa/") or name == "logout":
                continue  # the second-factor pages themselves, and signing out
            if path.startswith(("/account/reset/", "/account/invitation/")):
                continue  # setting a password from an emailed link (the accounts app)
            if public(view) and not path.startswith("/api/"):
                continue
            for method in ("get", "post"):
                response = getattr(self.client, method)(path)
                checked.append(path)
                if path.startswith("/api/"):
                    # A browser session on the API: refused until verified, never served.
                    self.assertEqual(response.status_code, 403, f"{method} {path}")
                    continue
                with self.subTest(method=method, path=path, name=name):
                    self.assertNotEqual(response.status_code, 200)
                    if response.status_code == 302:
                        self.assertTrue(
                            response["Location"].startswith(reverse("mfa-verify")),
                            f"{method} {path} -> {response['Location']}",
                        )
                    else:
                        self.assertIn(response.status_code, (404, 405))
        # The walk reached the whole URLconf, not a handful of pages.
        self.assertGreater(len(set(checked)), 80)

    def test_first_sign_in_goes_to_set_up_and_a_verified_session_gets_in(self) -> None:
        self.client.force_login(self.officer_a)
        response = self.client.get(reverse("nominal-list"))
        self.assertRedirects(
            response, f"{reverse('mfa-setup')}?next=/nominals/", fetch_redirect_response=False
        )
        login_verified(self.client, self.officer_a)
        self.assertEqual(self.client.get(reverse("nominal-list")).status_code, 200)

    def test_no_role_gets_round_it_not_even_a_superuser(self) -> None:
        boss = factories.staff(self.agency_a, *Role.values, username="boss.a")
        StaffUser.objects.filter(pk=boss.pk).update(is_superuser=True, is_staff=True)
        self.client.force_login(StaffUser.objects.get(pk=boss.pk))
        for name in ("home", "staff-list", "audit-log", "nominal-list"):
            with self.subTest(name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("mfa-setup")))

    def test_the_api_with_a_token_and_the_health_checks_are_unaffected(self) -> None:
        token = factories.api_token(self.agency_a)
        response = self.client.get(
            reverse("api-nominal-list"), HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_PURPOSE="Test"
        )
        self.assertEqual(response.status_code, 200, response.content[:300])
        self.assertEqual(self.client.get(reverse("health-live")).status_code, 200)

    def test_signed_in_without_a_second_factor_may_still_sign_out(self) -> None:
        self.client.force_login(self.officer_a)
        self.client.post(reverse("logout"))
        self.assertNotIn("_auth_user_id", self.client.session)
