"""Safety-relevant changes are announced (the victims app tells the VLO), and only those."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from notifications import services as notification_services
from notifications.models import RequirementItem
from register import events
from register import services as register_services
from register.models import Nominal
from register.services import details
from tests import factories
from tests.base import RegisterTestCase
from tests.register_factories import service_data


class SafetyChangeTests(RegisterTestCase):
    nominal: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = factories.nominal(cls.officer_a, family_name="Announced")

    def setUp(self) -> None:
        self.heard: list[events.SafetyChange] = []
        events.listen(self.heard.append)
        self.addCleanup(events.stop_listening, self.heard.append)

    def kinds(self) -> list[str]:
        return [change.kind for change in self.heard]

    def add_address(self, **overrides: object) -> object:
        return details.nominal_detail_add(
            actor=self.officer_a,
            nominal=self.nominal,
            kind="addresses",
            data={**service_data("addresses"), **overrides},
            reason="Notified",
        )

    def test_an_address_added_changed_and_removed_is_announced_without_the_address(self) -> None:
        address = self.add_address(line_1="14 Albert Road")
        details.nominal_detail_update(
            actor=self.officer_a,
            kind="addresses",
            detail=address,  # type: ignore[arg-type]
            data={"line_1": "9 Quarry Lane"},
            reason="Moved",
        )
        details.nominal_detail_remove(
            actor=self.officer_a,
            kind="addresses",
            detail=address,  # type: ignore[arg-type]
            reason="Entered in error",
        )
        self.assertEqual(self.kinds(), ["address"] * 3)
        self.assertEqual(
            [c.summary.split(" on ")[0] for c in self.heard],
            ["An address recorded", "An address changed", "An address removed"],
        )
        for change in self.heard:
            self.assertEqual((change.nominal, change.actor), (self.nominal, self.officer_a))
            self.assertNotIn("Albert", change.summary)
            self.assertNotIn("Quarry", change.summary)

    def test_a_change_to_an_unwatched_field_says_nothing(self) -> None:
        address = self.add_address()
        self.heard.clear()
        details.nominal_detail_update(
            actor=self.officer_a,
            kind="addresses",
            detail=address,  # type: ignore[arg-type]
            data={"verified_on": timezone.localdate()},
            reason="Checked on a visit",
        )
        details.nominal_detail_add(
            actor=self.officer_a,
            nominal=self.nominal,
            kind="vehicles",
            data=service_data("vehicles"),
            reason="Seen",
        )
        self.assertEqual(self.heard, [])

    def test_release_dates_and_licence_conditions_are_announced(self) -> None:
        conviction = details.nominal_detail_add(
            actor=self.officer_a,
            nominal=self.nominal,
            kind="convictions",
            data=service_data("convictions"),
            reason="PNC",
        )
        self.heard.clear()
        details.nominal_detail_update(
            actor=self.officer_a,
            kind="convictions",
            detail=conviction,
            data={"licence_start": dt.date(2026, 12, 1), "licence_end": dt.date(2027, 12, 1)},
            reason="Release date set",
        )
        register_services.nominal_update(
            actor=self.officer_a,
            nominal=self.nominal,
            reason="Licence varied",
            licence_conditions="Not to enter the exclusion zone",
        )
        register_services.nominal_update(
            actor=self.officer_a, nominal=self.nominal, reason="Typo", hair="Brown"
        )
        self.assertEqual(self.kinds(), ["release", "licence_conditions"])

    def test_a_suspected_breach_is_announced(self) -> None:
        notification_services.breach_record(
            actor=self.officer_a,
            nominal=self.nominal,
            requirement=RequirementItem.objects.get(code="main_address"),
            found_on=timezone.localdate(),
            evidence="Not living at the notified address",
        )
        self.assertEqual(self.kinds(), ["breach"])
