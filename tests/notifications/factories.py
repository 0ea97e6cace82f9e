"""Registered people for the notifications tests, built through the services.

A person with two stalking convictions (PHA 1997 s.2A and s.4A) meets the
"broad-convicted" criteria set, so `registration_decide` registers them;
`registration_start_requirements` then gives them the default requirement
set, the notification period from the index conviction and the initial
notification due within 3 days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from notifications import services
from notifications.models import RequirementItem, RequirementSet
from register import services as register_services
from register.models import (
    Conviction,
    CriteriaSet,
    DaFlagSource,
    Disposal,
    Nominal,
    Offence,
    Registration,
    SentenceType,
    StaffUser,
)
from register.services.registration import registration_decide

REASON = "Information from the PNC"


@dataclass
class Registered:
    nominal: Nominal
    registration: Registration
    index: Conviction
    requirement_set: RequirementSet | None


def person(
    actor: StaffUser,
    family_name: str = "Harrow",
    *,
    officer: StaffUser | None = None,
    **fields: Any,
) -> Nominal:
    return register_services.nominal_create(
        actor=actor,
        family_name=family_name,
        given_names="Dean",
        date_of_birth=dt.date(1979, 8, 23),
        reason=REASON,
        responsible_officer=officer or actor,
        **fields,
    )


def conviction(
    actor: StaffUser,
    nominal: Nominal,
    conviction_date: dt.date,
    *,
    code: str = "PHA1997-s2A",
    disposal: str = Disposal.CONVICTION,
    sentence_type: str = SentenceType.IMMEDIATE_CUSTODY,
    sentence_months: int | None = 8,
) -> Conviction:
    return register_services.nominal_detail_add(  # type: ignore[return-value]
        actor=actor,
        nominal=nominal,
        kind="convictions",
        data={
            "offence": Offence.objects.get(code=code),
            "offence_date": conviction_date - dt.timedelta(days=60),
            "conviction_date": conviction_date,
            "court": "Northmoor Magistrates' Court",
            "disposal": disposal,
            "sentence_type": sentence_type,
            "sentence_amount": sentence_months,
            "sentence_unit": "months" if sentence_months is not None else "",
            "is_domestic_abuse": True,
            "da_flag_source": DaFlagSource.PROSECUTOR,
        },
        reason="Conviction recorded from court result",
    )


def register(
    actor: StaffUser,
    family_name: str = "Harrow",
    *,
    officer: StaffUser | None = None,
    starts_on: dt.date | None = None,
    index_months: int | None = 18,
    index_disposal: str = Disposal.CONVICTION,
    index_sentence: str = SentenceType.IMMEDIATE_CUSTODY,
    start: bool = True,
    **fields: Any,
) -> Registered:
    """A registered person: two stalking convictions; the later one is the index conviction
    (or, for another disposal such as a caution, a third record is)."""
    nominal = person(actor, family_name, officer=officer, **fields)
    conviction(actor, nominal, dt.date(2016, 5, 9))
    custodial = index_disposal == Disposal.CONVICTION
    index = conviction(
        actor,
        nominal,
        dt.date(2021, 11, 2),
        code="PHA1997-s4A",
        sentence_type=index_sentence if custodial else SentenceType.IMMEDIATE_CUSTODY,
        sentence_months=index_months if custodial else 8,
    )
    if not custodial:
        # A caution does not count towards the criteria: it is a third record, the index one.
        index = conviction(
            actor,
            nominal,
            dt.date(2023, 6, 1),
            code="PHA1997-s2",
            disposal=index_disposal,
            sentence_type=index_sentence,
            sentence_months=index_months,
        )
    today = timezone.localdate()
    starts_on = starts_on or today
    registration = registration_decide(
        actor=actor,
        nominal=nominal,
        criteria_set=CriteriaSet.objects.get(key="broad-convicted"),
        decision="register",
        rationale="Serial stalking; two convictions",
        decided_on=starts_on,
        starts_on=starts_on,
        review_on=starts_on + dt.timedelta(days=365),
        # Started below with the index conviction each test chooses.
        start_requirements=False,
    )
    requirement_set = (
        services.registration_start_requirements(
            actor=actor, registration=registration, conviction=index
        )
        if start
        else None
    )
    return Registered(nominal, registration, index, requirement_set)


def item(code: str) -> RequirementItem:
    return RequirementItem.objects.get(code=code)
