"""Demo data for a new user: agencies, a user of each role, a few nominals.

Idempotent: everything is looked up by a natural key first, so a second run
changes nothing (and writes no history).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass

from register import services
from register.models import Agency, AgencyKind, Nominal, Role, StaffUser

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-register-2026")
DEMO_NAMESPACE = uuid.UUID("6f1d2c0e-5a43-4d1b-9d7e-2b8f3b7a9c10")
REASON = "Demo data"

AGENCIES = [
    ("NMP", "Northmoor Police", AgencyKind.POLICE_FORCE),
    ("SDP", "Southdale Police", AgencyKind.POLICE_FORCE),
    ("NEP", "North East Probation Region", AgencyKind.PROBATION_REGION),
]

ROLE_USERS = [
    ("om", Role.OFFENDER_MANAGER, "Olivia", "Marsh"),
    ("pp", Role.PROBATION_PRACTITIONER, "Priya", "Patel"),
    ("vlo", Role.VICTIM_LIAISON_OFFICER, "Victor", "Lowe"),
    ("mappa", Role.MAPPA_COORDINATOR, "Megan", "Appleby"),
    ("sup", Role.SUPERVISOR, "Samuel", "Upton"),
    ("audit", Role.AUDITOR, "Aisha", "Udeh"),
    ("admin", Role.ADMINISTRATOR, "Adam", "Dimmock"),
]

# (key, lead agency, given names, family name, date of birth, shared with)
NOMINALS = [
    ("n1", "NMP", "Jonathan", "Smith", dt.date(1984, 3, 12), ["NEP"]),
    ("n2", "NMP", "Craig", "Bellamy-Hart", dt.date(1990, 11, 2), []),
    ("n3", "NMP", "Darren", "O'Neill", dt.date(1978, 7, 30), ["SDP", "NEP"]),
    ("n4", "SDP", "Lee", "Whitfield", dt.date(1995, 1, 19), []),
    ("n5", "SDP", "Mark", "Kowalski", dt.date(1987, 5, 5), ["NEP"]),
    ("n6", "NEP", "Stephen", "Ashworth", dt.date(1969, 9, 24), ["NMP"]),
]


@dataclass
class DemoLogin:
    username: str
    role: str
    agency: str


def load() -> list[DemoLogin]:
    agencies = {code: _agency(code, name, kind) for code, name, kind in AGENCIES}
    logins: list[DemoLogin] = []
    users: dict[tuple[str, str], StaffUser] = {}
    for code, agency in agencies.items():
        for prefix, role, first, last in ROLE_USERS:
            username = f"{prefix}.{code.lower()}"
            users[(code, role)] = _user(username, agency, role, first, last)
            logins.append(DemoLogin(username, Role(role).label, agency.name))
    for key, lead, given, family, dob, shared in NOMINALS:
        actor = users[(lead, Role.OFFENDER_MANAGER)]
        nominal = _nominal(key, actor, given, family, dob)
        for code in shared:
            services.nominal_share(
                actor=actor, nominal=nominal, agency=agencies[code], reason=REASON
            )
    return logins


def _agency(code: str, name: str, kind: str) -> Agency:
    existing = Agency.objects.filter(code=code).first()
    return existing or services.agency_create(
        actor=None, code=code, name=name, kind=kind, reason=REASON
    )


def _user(username: str, agency: Agency, role: str, first: str, last: str) -> StaffUser:
    existing = StaffUser.objects.filter(username=username).first()
    if existing:
        return existing
    return services.staff_user_create(
        actor=None,
        agency=agency,
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@example.gov.uk",
        roles=[role],
        password=DEMO_PASSWORD,
        reason=REASON,
    )


def _nominal(key: str, actor: StaffUser, given: str, family: str, dob: dt.date) -> Nominal:
    nominal_id = uuid.uuid5(DEMO_NAMESPACE, key)
    existing = Nominal.objects.filter(pk=nominal_id).first()
    if existing:
        return existing
    # Fixed ids make demo links stable across machines and reruns.
    return services.nominal_create(
        actor=actor,
        family_name=family,
        given_names=given,
        date_of_birth=dob,
        reason=REASON,
        nominal_id=nominal_id,
    )
