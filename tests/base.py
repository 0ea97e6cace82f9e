"""The personas every access test uses, after healthchecks' hc/test.py.

Agency A (a police force) leads the records; agency B (another force) is
the outsider. Roles matter as much as agencies: a VLO or an administrator
of agency A is as much a stranger to a nominal as an officer of agency B.
"""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from register.models import Agency, AgencyKind, Role, StaffUser
from tests import factories


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
        self.client.force_login(user)

    def assert_not_found(self, response: Any) -> None:
        self.assertEqual(response.status_code, 404, getattr(response, "content", b"")[:500])
