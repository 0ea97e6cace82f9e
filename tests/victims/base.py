"""The victims app's personas and one fully recorded victim with distinctive strings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from register import models as m
from register.models import Role, StaffUser
from tests import factories
from tests import register_factories as rf
from tests.base import RegisterTestCase
from victims import services
from victims.models import (
    ConditionRequested,
    ContactChannel,
    Relationship,
    SafetyFlag,
    Victim,
    VictimLink,
)

REASON = "Referral from the case file"
# Distinctive strings that must never reach an offender-side response.
SECRETS = {
    "address_line_1": "17 Quillfeather Close",
    "address_line_2": "Wrenbury Heights",
    "town": "Marrowgate",
    "postcode": "QX9 7ZZ",
    "phone": "07700 900417",
    "email": "alice.quill@example.net",
    "safe_contact_times": "Weekdays between 10:15 and 11:45 only",
    "safe_words": "periwinkle-lantern",
}
CONTACT_NOTE = "Told of the release month; she asked about the exclusion zonexyz"
REPRESENTATION_TEXT = "Exclusion zone around Tamsworth Lanexyz"
CHILDREN_NOTE = "Two at Oakfield Primaryxyz"
FORBIDDEN_KEYS = {
    *SECRETS,
    "contact_details",
    "contacts",
    "representations",
    "notes",
    "children_notes",
    "date_of_birth",
}


def json_keys(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from json_keys(value)
    elif isinstance(data, list):
        for value in data:
            yield from json_keys(value)


def secrets_in(body: bytes | str) -> list[str]:
    text = body.decode() if isinstance(body, bytes) else body
    text = text + json.dumps(text)  # the JSON-escaped form too
    found = [v for v in SECRETS.values() if v in text]
    found += [v for v in (CONTACT_NOTE, REPRESENTATION_TEXT, CHILDREN_NOTE) if v in text]
    return found


class VictimsTestCase(RegisterTestCase):
    pp_a: StaffUser
    vlo_a2: StaffUser
    vlo_b: StaffUser
    nominal: m.Nominal
    conviction: m.Conviction
    victim: Victim
    link: VictimLink

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.pp_a = factories.staff(cls.agency_a, Role.PROBATION_PRACTITIONER, username="pp.a")
        cls.vlo_a2 = factories.staff(cls.agency_a, Role.VICTIM_LIAISON_OFFICER, username="vlo.a2")
        cls.vlo_b = factories.staff(cls.agency_b, Role.VICTIM_LIAISON_OFFICER, username="vlo.b")
        cls.nominal = rf.person(cls.officer_a, "Harrow", "Dean")
        cls.conviction = rf.add(
            cls.officer_a,
            cls.nominal,
            "convictions",
            {
                "offence": rf.offence("OAPA1861-s47"),
                "offence_date": dt.date(2025, 9, 1),
                "conviction_date": dt.date(2025, 11, 3),
                "court": "Northmoor Crown Court",
                "disposal": m.Disposal.CONVICTION,
                "sentence_type": m.SentenceType.IMMEDIATE_CUSTODY,
                "sentence_amount": 18,
                "sentence_unit": m.TermUnit.MONTHS,
                "is_domestic_abuse": True,
                "da_flag_source": m.DaFlagSource.PROSECUTOR,
            },
        )
        cls.victim = make_victim(cls.officer_a, cls.nominal, convictions=[cls.conviction])
        cls.link = cls.victim.links.get()
        services.victim_allocate(actor=cls.vlo_a, victim=cls.victim, vlo=cls.vlo_a, reason=REASON)
        services.contact_details_set(
            actor=cls.vlo_a, victim=cls.victim, reason="Victim's statement", **SECRETS
        )
        services.contact_record(
            actor=cls.vlo_a,
            victim=cls.victim,
            contact_on=dt.date(2026, 1, 12),
            channel=ContactChannel.PHONE,
            shared=["release"],
            notes=CONTACT_NOTE,
        )
        services.representation_record(
            actor=cls.vlo_a,
            victim=cls.victim,
            link=cls.link,
            condition=ConditionRequested.EXCLUSION_ZONE,
            requested=REPRESENTATION_TEXT,
            made_on=dt.date(2026, 1, 12),
        )
        cls.victim.refresh_from_db()


def make_victim(
    actor: StaffUser,
    nominal: m.Nominal,
    *,
    given_names: str = "Alice",
    family_name: str = "Dunmore",
    relationship: str = Relationship.EX_PARTNER,
    **extra: Any,
) -> Victim:
    data: dict[str, Any] = {
        "sex": m.Sex.FEMALE,
        "age": 34,
        "children_count": 2,
        "children_notes": CHILDREN_NOTE,
        "safety_flags": [SafetyFlag.NO_CONTACT_CONDITION, SafetyFlag.CHILDREN_IN_HOUSEHOLD],
        "safety_notes": "Do not disclose her new employer",
    }
    data.update(extra)
    return services.victim_create(
        actor=actor,
        nominal=nominal,
        given_names=given_names,
        family_name=family_name,
        relationship=relationship,
        reason=REASON,
        **data,
    )
