"""Demo data: three agencies with a user of every role, and loading it twice changes nothing."""

from __future__ import annotations

import io

from django.apps import apps
from django.core.management import call_command
from django.test import TestCase

from register.models import Agency, AgencyKind, Role, StaffUser


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


class DemoDataTests(TestCase):
    def test_three_agencies_with_every_role_and_idempotent(self) -> None:
        out = io.StringIO()
        call_command("load_demo_data", stdout=out)
        kinds = sorted(Agency.objects.exclude(code="system").values_list("kind", flat=True))
        self.assertEqual(
            kinds, [AgencyKind.POLICE_FORCE, AgencyKind.POLICE_FORCE, AgencyKind.PROBATION_REGION]
        )
        for agency in Agency.objects.all():
            held = {
                r
                for roles in StaffUser.objects.filter(agency=agency).values_list("roles", flat=True)
                for r in roles
            }
            self.assertEqual(held, set(Role.values), agency.code)
        self.assertIn("om.nmp", out.getvalue())

        before = _row_counts()
        call_command("load_demo_data", stdout=io.StringIO())
        self.assertEqual(_row_counts(), before)
