"""MAPPA personas and records, built through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mappa import services
from mappa.models import MappaCase, Meeting, PlanKind, Referral, RiskManagementPlan
from register.models import Conviction, Nominal, Role, StaffUser
from tests import factories
from tests.base import RegisterTestCase
from tests.register_factories import stalking_conviction

REASON = "Case file"
SECTIONS = {
    "supervision": "Weekly supervision appointments",
    "monitoring_and_control": "Licence conditions: exclusion zone",
    "interventions_and_treatment": "Building Better Relationships programme",
    "victim_safety_planning": "VLO in contact; panic alarm fitted",
}


def today() -> dt.date:
    return timezone.localdate()


class MappaTestCase(RegisterTestCase):
    coordinator_a: StaffUser
    coordinator_b: StaffUser
    officer_a2: StaffUser
    nominal: Nominal
    cat3_person: Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.coordinator_a = factories.staff(
            cls.agency_a, Role.MAPPA_COORDINATOR, username="coordinator.a"
        )
        cls.coordinator_b = factories.staff(
            cls.agency_b, Role.MAPPA_COORDINATOR, username="coordinator.b"
        )
        cls.officer_a2 = factories.staff(cls.agency_a, Role.OFFENDER_MANAGER, username="officer.a2")
        cls.nominal = cls.person("Harrow")
        # 6 months' custody and never registered: open to Category 3, not in Category 1 or 2.
        cls.cat3_person = cls.person("Quill", cat2=False)

    @classmethod
    def person(cls, family_name: str, *, cat2: bool = True) -> Nominal:
        nominal = factories.nominal(cls.officer_a, family_name=family_name)
        stalking_conviction(
            cls.officer_a,
            nominal,
            dt.date(2024, 5, 1),
            sentence_months=18 if cat2 else 6,
        )
        return nominal

    @staticmethod
    def end_licence(nominal: Nominal, on: dt.date | None = None) -> None:
        """Record the licence of each of the person's convictions as ended (yesterday)."""
        Conviction.objects.filter(nominal=nominal).update(
            licence_end=on or today() - dt.timedelta(days=1)
        )

    @classmethod
    def open_case(
        cls,
        nominal: Nominal | None = None,
        *,
        category: int = 2,
        level: int = 2,
        manager: StaffUser | None = None,
        **kwargs: Any,
    ) -> MappaCase:
        return services.case_open(
            actor=cls.officer_a,
            nominal=nominal or cls.nominal,
            category=category,
            level=level,
            responsible_manager=manager or cls.officer_a,
            start_date=kwargs.pop("start_date", today() - dt.timedelta(days=30)),
            reason=REASON,
            **kwargs,
        )

    @classmethod
    def cat3_case(cls, nominal: Nominal | None = None, level: int = 2) -> MappaCase:
        referral = services.referral_create(
            actor=cls.officer_a,
            nominal=nominal or cls.cat3_person,
            reason="Stalking escalating",
            proposed_category=3,
            proposed_level=level,
        )
        referral = services.referral_decide(
            actor=cls.coordinator_a,
            referral=referral,
            accept=True,
            reason="Serious harm; needs multi-agency management",
            responsible_manager=cls.officer_a,
        )
        assert referral.case is not None
        return referral.case

    @classmethod
    def refer(cls, nominal: Nominal | None = None, **kwargs: Any) -> Referral:
        return services.referral_create(
            actor=kwargs.pop("actor", cls.officer_a),
            nominal=nominal or cls.nominal,
            reason=kwargs.pop("reason", "Escalating stalking of an ex-partner"),
            proposed_category=kwargs.pop("proposed_category", 3),
            proposed_level=kwargs.pop("proposed_level", 2),
            **kwargs,
        )

    @classmethod
    def plan(
        cls, case: MappaCase, *, kind: str = PlanKind.ONGOING, approve: bool = True, **kw: Any
    ) -> RiskManagementPlan:
        plan = services.plan_write(
            actor=kw.pop("author", cls.officer_a),
            case=case,
            kind=kind,
            review_on=kw.pop("review_on", today() + dt.timedelta(days=90)),
            **{**SECTIONS, **kw},
        )
        if approve:
            plan = services.plan_approve(actor=cls.supervisor_a, plan=plan, reason="Agreed")
        return plan

    @classmethod
    def meeting(cls, *cases: MappaCase, held: bool = False, **kwargs: Any) -> Meeting:
        when = (
            timezone.now() - dt.timedelta(days=1) if held else timezone.now() + dt.timedelta(days=7)
        )
        meeting = services.meeting_schedule(
            actor=cls.coordinator_a,
            chair=cls.coordinator_a,
            scheduled_at=kwargs.pop("scheduled_at", when),
            level=kwargs.pop("level", 2),
            cases=cases,
            **kwargs,
        )
        if held:
            meeting = services.meeting_record(
                actor=cls.coordinator_a,
                meeting=meeting,
                minutes="Risk discussed; actions agreed",
                reason="Minutes",
            )
        return meeting
