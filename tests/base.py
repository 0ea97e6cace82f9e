"""The personas every access test uses, after healthchecks' hc/test.py.

Agency A (a police force) leads the records; agency B (another force) is
the outsider. Roles matter as much as agencies: a VLO or an administrator
of agency A is as much a stranger to a nominal as an officer of agency B.
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client, TestCase
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa.models import VerifiedSession
from mfa.session import VERIFIED_AT_KEY
from register.models import Agency, AgencyKind, Role, StaffUser
from tests import factories


def login_verified(client: Client, user: Any, *, verified_minutes_ago: float = 0) -> None:
    """Sign the test client in as `user` with a second factor given, as the verify page does.

    Every staff page needs a second factor (mfa.middleware), so tests sign in this way, never
    with a bare force_login. The user gets an authenticator-app device if they have none, and
    the session records it as mfa.session.mark_verified does, `verified_minutes_ago` minutes
    ago (step-up re-authentication asks again once that is longer than MFA_STEP_UP_MINUTES).
    """
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_AT_KEY] = time.time() - verified_minutes_ago * 60
    session.save()
    VerifiedSession.objects.get_or_create(
        session_key=session.session_key, defaults={"user_id": user.pk}
    )


class PersonasMixin:
    agency_a: Agency
    agency_b: Agency
    officer_a: StaffUser
    officer_b: StaffUser
    vlo_a: StaffUser
    supervisor_a: StaffUser
    auditor: StaffUser
    admin_b: StaffUser

    @classmethod
    def make_personas(cls) -> None:
        cls.agency_a = factories.agency("A", AgencyKind.POLICE_FORCE)
        cls.agency_b = factories.agency("B", AgencyKind.POLICE_FORCE)
        cls.officer_a = factories.staff(cls.agency_a, Role.OFFENDER_MANAGER, username="officer.a")
        cls.officer_b = factories.staff(cls.agency_b, Role.OFFENDER_MANAGER, username="officer.b")
        cls.vlo_a = factories.staff(cls.agency_a, Role.VICTIM_LIAISON_OFFICER, username="vlo.a")
        cls.supervisor_a = factories.staff(cls.agency_a, Role.SUPERVISOR, username="supervisor.a")
        cls.auditor = factories.staff(cls.agency_a, Role.AUDITOR, username="auditor")
        cls.admin_b = factories.staff(cls.agency_b, Role.ADMINISTRATOR, username="admin.b")


class RegisterTestCase(PersonasMixin, TestCase):
    """A TestCase with the personas created once per class."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.make_personas()

    def as_user(self, user: Any) -> None:
        login_verified(self.client, user)

    def assert_not_found(self, response: Any) -> None:
        self.assertEqual(response.status_code, 404, getattr(response, "content", b"")[:500])
