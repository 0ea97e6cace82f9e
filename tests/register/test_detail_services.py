"""Adding, changing and removing the details of a nominal through the services: history with who
and why, derived columns kept current, and details reached only through their nominal's grant."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone

from register import models as m
from register import selectors, services
from register.errors import DomainError
from register.services import DETAIL_KINDS
from tests import register_factories as rf
from tests.base import RegisterTestCase


class DetailServiceTests(RegisterTestCase):
    nominal: m.Nominal

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.nominal = rf.person(cls.officer_a, "Harrow", "Dean", dt.date(1979, 8, 23))

    def test_every_kind_keeps_who_and_why_for_add_change_and_remove(self) -> None:
        made = rf.one_of_each(self.officer_a, self.nominal)
        for kind, detail in made.items():
            with self.subTest(kind):
                field, value = rf.PATCHES[kind]
                services.nominal_detail_update(
                    actor=self.supervisor_a,
                    kind=kind,
                    detail=detail,
                    data={field: value},
                    reason=f"Checked {kind} with the court",
                )
        for kind, detail in reversed(made.items()):
            with self.subTest(kind):
                pk = detail.pk  # delete() forgets it
                services.nominal_detail_remove(
                    actor=self.officer_a, kind=kind, detail=detail, reason=f"Wrong person: {kind}"
                )
                rows = (
                    DETAIL_KINDS[kind]
                    .model.history.filter(id=pk)  # type: ignore[attr-defined]
                    .order_by("history_date")
                )
                self.assertEqual(
                    [(r.history_type, r.history_user, r.history_change_reason) for r in rows],
                    [
                        ("+", self.officer_a, rf.REASON),
                        ("~", self.supervisor_a, f"Checked {kind} with the court"),
                        ("-", self.officer_a, f"Wrong person: {kind}"),
                    ],
                )

    def test_a_change_needs_a_reason_and_saves_nothing_without_one(self) -> None:
        for reason in ("", "   "):
            with self.subTest(repr(reason)), self.assertRaises(DomainError) as caught:
                rf.add(
                    self.officer_a,
                    self.nominal,
                    "vehicles",
                    rf.service_data("vehicles"),
                    reason=reason,
                )
            self.assertEqual(caught.exception.field, "reason")
        self.assertFalse(self.nominal.vehicles.exists())
        self.assertFalse(m.Vehicle.history.exists())

    def test_fields_outside_the_kind_are_refused(self) -> None:
        with self.assertRaisesMessage(DomainError, "Cannot set nominal on a vehicle"):
            rf.add(
                self.officer_a,
                self.nominal,
                "vehicles",
                {**rf.service_data("vehicles"), "nominal": self.nominal},
            )
        with self.assertRaisesMessage(DomainError, "Unknown kind of detail: tattoos"):
            rf.add(self.officer_a, self.nominal, "tattoos", {})

    def test_constraint_errors_name_the_field_to_correct(self) -> None:
        with self.assertRaises(DomainError) as caught:
            rf.add(
                self.officer_a,
                self.nominal,
                "addresses",
                {
                    **rf.service_data("addresses"),
                    "date_from": dt.date(2023, 5, 1),
                    "date_to": dt.date(2023, 4, 1),
                },
            )
        self.assertEqual(caught.exception.field, "date_to")
        self.assertEqual(
            caught.exception.errors,
            {"date_to": ["The end date must be the same as or after the start date"]},
        )
        with self.assertRaises(DomainError) as caught:
            rf.add(
                self.officer_a,
                self.nominal,
                "convictions",
                {
                    **rf.service_data("convictions"),
                    "licence_start": dt.date(2020, 6, 1),
                    "licence_end": dt.date(2020, 1, 1),
                },
            )
        self.assertEqual(caught.exception.field, "licence_end")
        self.assertFalse(self.nominal.addresses.exists() or self.nominal.convictions.exists())

    def test_a_detail_change_moves_the_nominal_on_without_a_history_row_of_its_own(self) -> None:
        self.nominal.refresh_from_db()
        before, rows = self.nominal.updated_at, self.nominal.history.count()
        rf.add(self.officer_a, self.nominal, "vehicles", rf.service_data("vehicles"))
        self.nominal.refresh_from_db()
        self.assertGreater(self.nominal.updated_at, before)
        self.assertEqual(self.nominal.history.count(), rows)

    # Derived values -------------------------------------------------------------------------

    def test_names_get_search_keys_when_added_and_changed(self) -> None:
        alias = rf.add(
            self.officer_a,
            self.nominal,
            "names",
            {"kind": m.NameKind.ALIAS, "given_names": "Jon Paul", "family_name": "O'Neill-Smyth"},
        )
        self.assertEqual(
            (alias.search_given, alias.search_family, alias.phonetic_family),
            ("john", "oneillsmyth", "A54253"),
        )
        services.nominal_detail_update(
            actor=self.officer_a,
            kind="names",
            detail=alias,
            data={"family_name": "Mercer"},
            reason="Alias spelled as on the PNC",
        )
        alias.refresh_from_db()
        self.assertEqual((alias.search_family, alias.phonetic_family), ("mercer", "M626"))

    def test_phone_numbers_emails_and_registrations_are_stored_searchable(self) -> None:
        phone = rf.add(
            self.officer_a,
            self.nominal,
            "contact-details",
            {"kind": m.ContactKind.PHONE, "value": "+44 (0)7700 900123"},
        )
        email = rf.add(
            self.officer_a,
            self.nominal,
            "contact-details",
            {"kind": m.ContactKind.EMAIL, "value": "Dean.Harrow@Example.com"},
        )
        vehicle = rf.add(
            self.officer_a,
            self.nominal,
            "vehicles",
            {"registration": "nm64 xyz", "description": "Vauxhall Astra"},
        )
        self.assertEqual(phone.search_value, "07700900123")
        self.assertEqual(phone.value, "+44 (0)7700 900123")  # as given, for display
        self.assertEqual(email.search_value, "dean.harrow@example.com")
        self.assertEqual(vehicle.registration, "NM64XYZ")

    def test_a_bad_phone_number_is_refused_against_the_value(self) -> None:
        with self.assertRaises(DomainError) as caught:
            rf.add(
                self.officer_a,
                self.nominal,
                "contact-details",
                {"kind": m.ContactKind.PHONE, "value": "ask his mother"},
            )
        self.assertEqual(caught.exception.field, "value")
        self.assertFalse(self.nominal.contact_details.exists())

    def test_current_risk_level_follows_the_latest_assessment(self) -> None:
        def assess(on: dt.date, level: str) -> m.RiskAssessment:
            data = {**rf.service_data("risk-assessments"), "assessed_on": on, "level": level}
            return rf.add(self.officer_a, self.nominal, "risk-assessments", data)

        today = timezone.localdate()
        high = assess(today - dt.timedelta(days=200), m.RiskLevel.HIGH)
        self.assertEqual(self.reload().current_risk_level, m.RiskLevel.HIGH)
        low = assess(today - dt.timedelta(days=10), m.RiskLevel.LOW)
        self.assertEqual(self.reload().current_risk_level, m.RiskLevel.LOW)
        # An assessment dated in the future is not yet the latest.
        assess(today + dt.timedelta(days=30), m.RiskLevel.VERY_HIGH)
        self.assertEqual(self.reload().current_risk_level, m.RiskLevel.LOW)
        services.nominal_detail_remove(
            actor=self.officer_a, kind="risk-assessments", detail=low, reason="Entered in error"
        )
        self.assertEqual(self.reload().current_risk_level, m.RiskLevel.HIGH)
        services.nominal_detail_remove(
            actor=self.officer_a, kind="risk-assessments", detail=high, reason="Entered in error"
        )
        self.assertEqual(self.reload().current_risk_level, "")

    def test_priority_follows_convictions_and_incidents(self) -> None:
        self.assertEqual(self.reload().priority_score, 0.0)
        incident = rf.incident(
            self.officer_a, self.nominal, timezone.localdate() - dt.timedelta(days=5), "V-1"
        )
        after_incident = self.reload().priority_score
        self.assertGreater(after_incident, 0.0)
        rf.stalking_conviction(
            self.officer_a, self.nominal, timezone.localdate() - dt.timedelta(days=40)
        )
        self.assertGreater(self.reload().priority_score, after_incident)
        services.nominal_detail_remove(
            actor=self.officer_a, kind="incidents", detail=incident, reason="Duplicate report"
        )
        parts = self.reload().priority_parts
        self.assertEqual(parts["victims"], 0.0)  # convictions name no victim
        self.assertAlmostEqual(parts["frequency"], 0.1)  # one event of the cap of ten

    def reload(self) -> m.Nominal:
        return m.Nominal.objects.get(pk=self.nominal.pk)

    # Parents and links ----------------------------------------------------------------------

    def test_order_details_must_hang_off_this_persons_order(self) -> None:
        other = rf.person(self.officer_a, "Other", "Person")
        their_order = rf.add(self.officer_a, other, "civil-orders", rf.service_data("civil-orders"))
        with self.assertRaisesMessage(DomainError, "Choose one of this person's orders"):
            rf.add(
                self.officer_a,
                self.nominal,
                "order-conditions",
                rf.service_data("order-conditions"),
                parent=their_order,
            )
        with self.assertRaisesMessage(DomainError, "Choose one of this person's orders"):
            rf.add(
                self.officer_a, self.nominal, "order-breaches", rf.service_data("order-breaches")
            )
        self.assertFalse(m.OrderCondition.objects.exists() or m.OrderBreach.objects.exists())

    def test_a_breach_links_only_this_persons_conviction(self) -> None:
        order = rf.add(
            self.officer_a, self.nominal, "civil-orders", rf.service_data("civil-orders")
        )
        other = rf.person(self.officer_a, "Other", "Person")
        theirs = rf.stalking_conviction(self.officer_a, other, dt.date(2022, 8, 1))
        with self.assertRaisesMessage(DomainError, "Choose one of this person's convictions"):
            rf.add(
                self.officer_a,
                self.nominal,
                "order-breaches",
                rf.service_data("order-breaches", conviction=theirs),
                parent=order,
            )
        own = rf.stalking_conviction(self.officer_a, self.nominal, dt.date(2022, 8, 1))
        breach = rf.add(
            self.officer_a,
            self.nominal,
            "order-breaches",
            rf.service_data("order-breaches", conviction=own),
            parent=order,
        )
        self.assertEqual(breach.conviction, own)

    def test_the_current_name_is_changed_on_the_nominal_not_removed(self) -> None:
        current = self.nominal.names.get(kind=m.NameKind.CURRENT)
        with self.assertRaisesMessage(DomainError, "Change the current name instead"):
            services.nominal_detail_remove(
                actor=self.officer_a, kind="names", detail=current, reason="Tidy up"
            )
        services.nominal_update(
            actor=self.officer_a, nominal=self.nominal, family_name="Harrowe", reason="Deed poll"
        )
        current.refresh_from_db()
        self.assertEqual((current.family_name, current.search_family), ("Harrowe", "harrowe"))
        latest = current.history.latest()
        self.assertEqual(
            (latest.history_user, latest.history_change_reason), (self.officer_a, "Deed poll")
        )


class DetailSelectorTests(RegisterTestCase):
    """selectors.nominal_detail_get: a detail is visible exactly when its nominal is."""

    def test_details_follow_their_nominals_grant(self) -> None:
        nominal = rf.person(self.officer_a, "Harrow", "Dean")
        made = rf.one_of_each(self.officer_a, nominal)
        for kind, detail in made.items():
            with self.subTest(kind):
                self.assertEqual(
                    selectors.nominal_detail_get(
                        user=self.officer_a, kind=kind, detail_id=detail.pk
                    ),
                    detail,
                )
                for persona in (self.officer_b, self.vlo_a, self.admin_b):
                    for action in ("view", "change"):
                        with self.assertRaises(Http404):
                            selectors.nominal_detail_get(
                                user=persona,
                                kind=kind,
                                detail_id=detail.pk,
                                action=action,  # type: ignore[arg-type]
                            )
        services.nominal_share(
            actor=self.officer_a, nominal=nominal, agency=self.agency_b, reason="Moved area"
        )
        address = made["addresses"]
        self.assertEqual(
            selectors.nominal_detail_get(
                user=self.officer_b, kind="addresses", detail_id=address.pk, action="view"
            ),
            address,
        )
        with self.assertRaises(Http404):
            selectors.nominal_detail_get(
                user=self.officer_b, kind="addresses", detail_id=address.pk
            )
        with self.assertRaises(Http404):
            selectors.nominal_detail_get(user=self.officer_a, kind="addresses", detail_id="nope")
