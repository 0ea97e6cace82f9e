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
        # The scheduler's own agency holds one account and no casework roles by design.
        for agency in Agency.objects.exclude(code="system"):
            held = {
                r
                for roles in StaffUser.objects.filter(agency=agency).values_list("roles", flat=True)
                for r in roles
            }
            # A national auditor belongs to no one agency's casework: the demo has none.
            self.assertEqual(held, set(Role.values) - {Role.NATIONAL_AUDITOR}, agency.code)
        self.assertIn("om.nmp", out.getvalue())

        before = _row_counts()
        call_command("load_demo_data", stdout=io.StringIO())
        self.assertEqual(_row_counts(), before)


class DemoStoriesTests(TestCase):
    """Each demo person shows a new user one kind of eligibility outcome."""

    def test_demo_people_show_each_outcome(self) -> None:
        import uuid

        from register import demo
        from register.eligibility import evaluate_nominal
        from register.models import Nominal, RegistrationStatus

        call_command("load_demo_data", stdout=io.StringIO())

        def outcomes(key: str) -> dict[str, tuple[bool, bool]]:
            nominal = Nominal.objects.get(pk=uuid.uuid5(demo.DEMO_NAMESPACE, key))
            return {
                criteria.key: (outcome.criteria_met, outcome.blocked)
                for criteria, outcome in evaluate_nominal(nominal)
            }

        met = (True, False)
        not_met = (False, False)
        self.assertEqual(
            outcomes("n1"), {"lords-2024": met, "broad-convicted": met, "npcc-serial": not_met}
        )
        self.assertEqual(
            outcomes("n2"), {"lords-2024": not_met, "broad-convicted": met, "npcc-serial": not_met}
        )
        self.assertEqual(
            outcomes("n3"), {"lords-2024": not_met, "broad-convicted": not_met, "npcc-serial": met}
        )
        self.assertEqual(
            outcomes("n4"),
            {"lords-2024": not_met, "broad-convicted": not_met, "npcc-serial": not_met},
        )
        self.assertEqual(outcomes("n5")["broad-convicted"], (True, True))
        registered = Nominal.objects.get(pk=uuid.uuid5(demo.DEMO_NAMESPACE, "n6"))
        self.assertEqual(registered.registration_status, RegistrationStatus.REGISTERED)
