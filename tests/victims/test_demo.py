"""The demo: victims under each scheme, a VLO with a caseload and contact log, a representation,
a disclosure case in progress with its due item, a misidentified victim; idempotent."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse

from notifications.models import DueItem, DueKind, DueStatus
from register import demo
from register.models import StaffUser
from tests.base import login_verified
from victims.models import (
    DisclosureCase,
    DisclosureStatus,
    Representation,
    Scheme,
    Victim,
    VictimContact,
    VictimLink,
)


class DemoTests(TestCase):
    def test_demo_data(self) -> None:
        demo.load()
        counts = (
            Victim.objects.count(),
            VictimLink.objects.count(),
            DisclosureCase.objects.count(),
        )
        demo.load()  # idempotent
        self.assertEqual(
            (Victim.objects.count(), VictimLink.objects.count(), DisclosureCase.objects.count()),
            counts,
        )
        schemes = set(Victim.objects.values_list("scheme", flat=True))
        self.assertTrue({Scheme.STATUTORY_VCS, Scheme.DISCRETIONARY} <= schemes, schemes)
        self.assertTrue(Scheme.VICTIM_NOTIFICATION_SCHEME in schemes or len(schemes) >= 2, schemes)
        vlo = StaffUser.objects.get(username="vlo.nmp")
        self.assertGreaterEqual(Victim.objects.filter(vlo=vlo).count(), 3)
        self.assertTrue(VictimContact.objects.exists())
        self.assertTrue(Representation.objects.exists())
        # two victims for one nominal, one victim linked to two nominals
        self.assertTrue(
            any(v.links.count() >= 2 for v in Victim.objects.all()),
        )
        n1_victims = VictimLink.objects.filter(nominal__family_name="Smith").count()
        self.assertGreaterEqual(n1_victims, 2)
        case = DisclosureCase.objects.get()
        self.assertEqual(case.status, DisclosureStatus.OPEN)
        self.assertEqual(
            DueItem.objects.get(kind=DueKind.DISCLOSURE, subject_id=str(case.pk)).status,
            DueStatus.OPEN,
        )
        mark = Victim.objects.get(also_nominal__isnull=False)
        assert mark.also_nominal is not None
        self.assertEqual(mark.also_nominal.family_name, "Kowalski")
        self.assertTrue(mark.also_nominal.possible_misidentified_victim)
        login_verified(self.client, vlo)
        self.assertContains(self.client.get(reverse("victims-home")), "GREEN, Rachel")
