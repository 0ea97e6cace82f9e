"""Realistic register records for the register tests, built through the services.

tests/factories.py makes agencies, staff and bare nominals; this module adds
the ViSOR-style details: one valid payload per kind of detail (for the
service and for the API), whole profiles with N of every detail, and the
conviction histories the eligibility and priority tests need.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from register import models as m
from register import services
from register.services import DETAIL_KINDS
from register.validators import make_pnc_id

REASON = "Information from the PNC and the case file"
TODAY = dt.date(2026, 3, 2)


def person(
    actor: m.StaffUser,
    family_name: str,
    given_names: str,
    date_of_birth: dt.date | None = dt.date(1984, 3, 12),
    **details: Any,
) -> m.Nominal:
    return services.nominal_create(
        actor=actor,
        family_name=family_name,
        given_names=given_names,
        date_of_birth=date_of_birth,
        reason=REASON,
        **details,
    )


def offence(code: str) -> m.Offence:
    return m.Offence.objects.get(code=code)


def add(
    actor: m.StaffUser,
    nominal: m.Nominal,
    kind: str,
    data: dict[str, Any],
    *,
    parent: models.Model | None = None,
    reason: str = REASON,
) -> Any:
    """Add one detail of `kind` through the service (data as services.nominal_detail_add takes)."""
    return services.nominal_detail_add(
        actor=actor, nominal=nominal, kind=kind, data=data, reason=reason, parent=parent
    )


# One valid record of every kind --------------------------------------------------------------


def _day(base: dt.date, n: int) -> dt.date:
    return base + dt.timedelta(days=n)


def service_data(kind: str, n: int = 0, **links: Any) -> dict[str, Any]:
    """Valid data for services.nominal_detail_add; `n` varies it so many rows differ.

    Order conditions and breaches need `order=`; a breach may link `conviction=`.
    """
    street = ["Albert Road", "Victoria Street", "Mill Lane", "Church View", "Station Road"][n % 5]
    data: dict[str, dict[str, Any]] = {
        "names": {
            "kind": m.NameKind.ALIAS,
            "given_names": ["Johnny", "Jack", "Jon", "Ian", "Sean"][n % 5],
            "family_name": f"Smithers{n}" if n else "Smithers",
        },
        "addresses": {
            "kind": m.AddressKind.MAIN if n == 0 else m.AddressKind.OTHER,
            "line_1": f"{n + 14} {street}",
            "town": "Northmoor",
            "postcode": f"NM{n % 9 + 1} {n % 10}AB",
            "date_from": _day(dt.date(2019, 4, 1), n * 30),
            "date_to": None,
        },
        "contact-details": {"kind": m.ContactKind.PHONE, "value": f"07700 900{n:03d}"},
        "vehicles": {
            "registration": f"NM{n % 90 + 10:02d} {'ABCDEFGHJK'[n % 10]}XY",
            "description": "Ford Focus, silver",
        },
        "financial-accounts": {
            "kind": m.FinancialKind.BANK_ACCOUNT,
            "provider": "Northern Building Society",
            "last_four": f"{4821 + n:04d}"[-4:],
            "joint": n % 2 == 1,
        },
        "identity-documents": {
            "kind": m.DocumentKind.PASSPORT,
            "number": f"5334{n:05d}",
            "issuing_country": "United Kingdom",
            "expires_on": dt.date(2031, 5, 1),
        },
        "household-members": {
            "relationship": m.HouseholdRelationship.CHILD,
            "name": f"Lily Smith {n}" if n else "Lily Smith",
            "date_of_birth": dt.date(2015, 6, 2),
            "lives_with": True,
        },
        "convictions": {
            "offence": offence("PHA1997-s2A"),
            "offence_date": _day(dt.date(2015, 1, 5), n * 20),
            "conviction_date": _day(dt.date(2015, 3, 10), n * 20),
            "court": "Northmoor Magistrates' Court",
            "disposal": m.Disposal.CONVICTION,
            "sentence_type": m.SentenceType.IMMEDIATE_CUSTODY,
            "sentence_amount": 8,
            "sentence_unit": m.TermUnit.MONTHS,
            "is_domestic_abuse": True,
            "da_flag_source": m.DaFlagSource.PROSECUTOR,
        },
        "incidents": {
            "occurred_on": _day(dt.date(2023, 2, 11), n),
            "crime_reference": f"NM/23/{1234 + n}",
            "victim_reference": f"V-{1001 + n % 3}",
            "victim_relationship": m.IncidentRelationship.EX_PARTNER,
            "description": "Turned up at the victim's workplace and shouted threats",
            "gravity": 20,
        },
        "civil-orders": {
            "kind": m.OrderKind.SPO,
            "notification_requirements": True,  # an SPO always has them (SPA 2019 s.9)
            "made_on": _day(dt.date(2022, 1, 10), n),
            "made_by": "Northmoor Magistrates' Court",
            "starts_on": _day(dt.date(2022, 1, 10), n),
            "ends_on": _day(dt.date(2024, 1, 10), n),
        },
        "order-conditions": {
            "kind": m.ConditionKind.PROHIBITION,
            "text": "Not to contact the protected person directly or indirectly",
        },
        "order-breaches": {
            "occurred_on": dt.date(2022, 5, 3),
            "description": "Sent messages to the protected person through Instagram",
            "reported_by": "The protected person",
            "outcome": m.BreachOutcome.PENDING,
        },
        "risk-assessments": {
            "tool": m.RiskTool.OASYS_ROSH,
            "assessed_on": _day(dt.date(2023, 1, 15), n),
            "assessor_name": "J. Patel (probation)",
            "level": m.RiskLevel.MEDIUM,
            "risk_to": [m.RiskTo.EX_PARTNER],
            "next_review_on": _day(dt.date(2023, 7, 15), n),
        },
    }
    result = dict(data[kind])
    if kind == "order-breaches" and "conviction" in links:
        result["conviction"] = links["conviction"]
    return result


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, m.Offence):
        return value.code
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def api_payload(kind: str, n: int = 0, **links: Any) -> dict[str, Any]:
    """The same valid data as JSON for POST /nominals/{id}/{kind}/ (with `order` for children)."""
    payload = {key: _json(value) for key, value in service_data(kind, n, **links).items()}
    if DETAIL_KINDS[kind].parent_field == "order":
        payload["order"] = str(links["order"].pk)
    return {key: value for key, value in payload.items() if value is not None}


# A valid change per kind, for PATCH: (field, new value as JSON).
PATCHES: dict[str, tuple[str, Any]] = {
    "names": ("family_name", "Smithson"),
    "addresses": ("town", "Southdale"),
    "contact-details": ("value", "07700 900456"),
    "vehicles": ("description", "Ford Focus, blue"),
    "financial-accounts": ("provider", "Southdale Bank"),
    "identity-documents": ("issuing_country", "Ireland"),
    "household-members": ("lives_with", False),
    "convictions": ("court", "Southdale Crown Court"),
    "incidents": ("description", "Followed the victim home from work"),
    "civil-orders": ("notes", "Varied on appeal to add an exclusion zone"),
    "order-conditions": ("text", "Not to enter Mill Lane, Northmoor"),
    "order-breaches": ("outcome", m.BreachOutcome.NO_FURTHER_ACTION),
    "risk-assessments": ("summary", "Fixated on the ex-partner; escalating contact"),
}


def one_of_each(actor: m.StaffUser, nominal: m.Nominal) -> dict[str, Any]:
    """One record of every kind of detail on `nominal`; returns them by kind."""
    made: dict[str, Any] = {}
    for kind in DETAIL_KINDS:
        parent = made.get("civil-orders") if DETAIL_KINDS[kind].parent_field == "order" else None
        made[kind] = add(actor, nominal, kind, service_data(kind), parent=parent)
    return made


# Whole profiles ----------------------------------------------------------------------------


def full_profile(actor: m.StaffUser, nominal: m.Nominal, n: int) -> m.Nominal:
    """`n` of every detail: names, addresses, contacts, vehicles, accounts, documents, household,
    convictions, incidents, civil orders (each with a condition and a breach), risk assessments,
    and registration decisions each with a review."""
    convictions = []
    for i in range(n):
        for kind in (
            "names",
            "addresses",
            "contact-details",
            "vehicles",
            "financial-accounts",
            "identity-documents",
            "household-members",
            "incidents",
            "risk-assessments",
        ):
            data = service_data(kind, i)
            if kind == "risk-assessments":
                data["assessor"] = actor
            add(actor, nominal, kind, data)
        convictions.append(add(actor, nominal, "convictions", service_data("convictions", i)))
        order = add(actor, nominal, "civil-orders", service_data("civil-orders", i))
        add(actor, nominal, "order-conditions", service_data("order-conditions"), parent=order)
        add(
            actor,
            nominal,
            "order-breaches",
            service_data("order-breaches", conviction=convictions[-1]),
            parent=order,
        )
    criteria = m.CriteriaSet.objects.get(key="broad-convicted")
    for i in range(n):
        decision = services.registration_decide(
            actor=actor,
            nominal=nominal,
            criteria_set=criteria,
            decision=m.Decision.DO_NOT_REGISTER,
            rationale=f"Decision {i + 1}: managed under MAPPA level 1 instead",
            decided_on=_day(dt.date(2024, 1, 1), i),
        )
        # A review is only for decisions to register, and a person has one current
        # registration: the query-count fixture writes its rows directly.
        m.RegistrationReview.objects.create(
            registration=decision,
            kind=m.ReviewKind.REVIEW,
            requested_on=_day(dt.date(2024, 2, 1), i),
            requested_by="Victim's IDVA",
            grounds="New incidents reported since the decision",
        )
    return nominal


def bulk_profile(actor: m.StaffUser, nominal: m.Nominal, n: int) -> m.Nominal:
    """The same shape as full_profile(), written with bulk_create: for a read-cost test that
    needs many rows quickly and does not test the writes (no history rows are made)."""
    for kind, spec in DETAIL_KINDS.items():
        if spec.parent_field != "nominal" or kind in ("convictions", "civil-orders"):
            continue
        rows = []
        for i in range(n):
            data = service_data(kind, i)
            if kind == "risk-assessments":
                data["assessor"] = actor
            row = spec.model(nominal=nominal, **data)
            if spec.prepare:
                spec.prepare(row)
            rows.append(row)
        spec.model._default_manager.bulk_create(rows)
    convictions = m.Conviction.objects.bulk_create(
        [m.Conviction(nominal=nominal, **service_data("convictions", i)) for i in range(n)]
    )
    orders = m.CivilOrder.objects.bulk_create(
        [m.CivilOrder(nominal=nominal, **service_data("civil-orders", i)) for i in range(n)]
    )
    m.OrderCondition.objects.bulk_create(
        [m.OrderCondition(order=order, **service_data("order-conditions")) for order in orders]
    )
    m.OrderBreach.objects.bulk_create(
        [
            m.OrderBreach(order=order, **service_data("order-breaches", conviction=conviction))
            for order, conviction in zip(orders, convictions, strict=True)
        ]
    )
    criteria = m.CriteriaSet.objects.get(key="broad-convicted")
    registrations = m.Registration.objects.bulk_create(
        [
            m.Registration(
                nominal=nominal,
                decision=m.Decision.DO_NOT_REGISTER,
                criteria_set=criteria,
                rationale=f"Decision {i + 1}: managed under MAPPA level 1 instead",
                decided_by=actor,
                decided_on=_day(dt.date(2024, 1, 1), i),
            )
            for i in range(n)
        ]
    )
    m.RegistrationReview.objects.bulk_create(
        [
            m.RegistrationReview(
                registration=registration,
                kind=m.ReviewKind.REVIEW,
                requested_on=_day(dt.date(2024, 2, 1), i),
                requested_by="Victim's IDVA",
                grounds="New incidents reported since the decision",
            )
            for i, registration in enumerate(registrations)
        ]
    )
    return nominal


def stalking_conviction(
    actor: m.StaffUser,
    nominal: m.Nominal,
    conviction_date: dt.date,
    *,
    code: str = "PHA1997-s2A",
    sentence_type: str = m.SentenceType.IMMEDIATE_CUSTODY,
    sentence_months: int | None = 8,
    offence_date: dt.date | None = None,
    gravity: int | None = None,
    licence_end: dt.date | None = None,
) -> m.Conviction:
    return add(
        actor,
        nominal,
        "convictions",
        {
            "offence": offence(code),
            "offence_date": offence_date or conviction_date - dt.timedelta(days=60),
            "conviction_date": conviction_date,
            "court": "Northmoor Magistrates' Court",
            "disposal": m.Disposal.CONVICTION,
            "sentence_type": sentence_type,
            "sentence_amount": sentence_months,
            "sentence_unit": m.TermUnit.MONTHS if sentence_months is not None else "",
            "is_domestic_abuse": True,
            "da_flag_source": m.DaFlagSource.PROSECUTOR,
            "gravity": gravity,
            "licence_start": conviction_date + dt.timedelta(days=120) if licence_end else None,
            "licence_end": licence_end,
        },
        reason="Conviction recorded from court result",
    )


def incident(
    actor: m.StaffUser,
    nominal: m.Nominal,
    occurred_on: dt.date,
    victim_reference: str,
    relationship: str = m.IncidentRelationship.INTIMATE_PARTNER,
    *,
    gravity: int = 20,
) -> m.ReportedIncident:
    return add(
        actor,
        nominal,
        "incidents",
        {
            "occurred_on": occurred_on,
            "crime_reference": f"NM/{occurred_on:%y}/{occurred_on:%j}",
            "victim_reference": victim_reference,
            "victim_relationship": relationship,
            "description": "Domestic incident attended by response officers",
            "gravity": gravity,
        },
        reason="Incident reported to police",
    )


def serial_stalker(actor: m.StaffUser, family_name: str = "Harrow") -> m.Nominal:
    """Two custodial stalking convictions on different dates: meets every convicted criteria set.
    The later one is on an extended licence to 2035, so the Lords set's "condition of the release
    and licence" holds for it (issue 10, finding 8)."""
    nominal = person(actor, family_name, "Dean", dt.date(1979, 8, 23))
    stalking_conviction(actor, nominal, dt.date(2016, 5, 9))
    stalking_conviction(
        actor, nominal, dt.date(2021, 11, 2), code="PHA1997-s4A", licence_end=dt.date(2035, 1, 1)
    )
    return nominal


def pnc(serial: int) -> str:
    return make_pnc_id(2004, serial)
