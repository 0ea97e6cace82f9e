"""Demo accounts: an authenticator key derived from the username, and `demo_code` to read it."""

from __future__ import annotations

import io

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from register import demo
from register.models import StaffUser


class DemoCodeTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        demo.load()

    def code(self, username: str) -> str:
        out = io.StringIO()
        call_command("demo_code", username, stdout=out)
        return out.getvalue().strip()

    def test_the_printed_code_signs_a_demo_account_in(self) -> None:
        code = self.code("om.nmp")
        self.assertRegex(code, r"^\d{6}$")
        self.client.post(reverse("login"), {"username": "om.nmp", "password": demo.DEMO_PASSWORD})
        response = self.client.post(reverse("mfa-verify"), {"token": code, "next": "/"})
        self.assertRedirects(response, "/")
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_it_refuses_an_account_that_is_not_a_demo_account(self) -> None:
        StaffUser.objects.create_user(
            username="real.person", agency=StaffUser.objects.get(username="om.nmp").agency
        )
        with self.assertRaisesMessage(CommandError, "not a demo account"):
            self.code("real.person")

    @override_settings(MFA_DEMO_CODES=False)
    def test_it_refuses_when_demo_codes_are_off(self) -> None:
        with self.assertRaisesMessage(CommandError, "Demo codes are off"):
            self.code("om.nmp")

    def test_the_key_is_the_same_each_time_the_demo_loads(self) -> None:
        before = self.code("vlo.sdp")
        demo.load()
        self.assertEqual(self.code("vlo.sdp"), before)
