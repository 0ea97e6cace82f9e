"""Demo data for a new user: agencies, a user of each role, a few nominals.

Idempotent: everything is looked up by a natural key first, so a second run
changes nothing (and writes no history).
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import os
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from register import services
from register.models import Agency, AgencyKind, CriteriaSet, Nominal, Offence, Role, StaffUser
from register.services import details, registration

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
    ("n7", "SDP", "Kelly", "Drayton", dt.date(1993, 6, 14), []),
]


# What each demo person shows a new user (see DEMO_STORIES in the README):
# n1 meets every conviction-based criteria set (stalking twice, custody);
# n2 meets "broad convicted" but not the Lords amendment (suspended sentence, high RoSH);
# n3 meets only the NPCC serial test (reported against two partners, never convicted);
# n4 meets none (one DA assault, low risk);
# n3 was flagged after a dual arrest; a supervisor's review found him the primary aggressor,
#   which lifted the flag (he can be registered under the NPCC test);
# n5 meets the criteria but is blocked: a possible misidentified victim whose supervisor's review
#   was inconclusive, so the block holds;
# n6 is registered, with a civil order, a breach and a review date;
# n7 is flagged after a dual arrest; victims.demo records the review that found her the victim
#   (once her partner's VLO exists to be told), so she stays blocked.
def _details(key: str, nominal: Nominal, actor: StaffUser, today: dt.date) -> None:
    def add(detail_kind: str, parent: Any = None, **data: object) -> Any:
        return details.nominal_detail_add(
            actor=actor, nominal=nominal, kind=detail_kind, data=data, reason=REASON, parent=parent
        )

    def offence(code: str) -> Offence:
        return Offence.objects.get(code=code)

    years = lambda n: today - dt.timedelta(days=365 * n)  # noqa: E731
    add(
        "addresses",
        kind="main",
        line_1=f"{10 + len(key)} Moor Lane",
        town="Northmoor",
        postcode="NM1 4AB",
        date_from=years(2),
    )
    if key == "n1":
        add("names", kind="alias", given_names="Jon", family_name="Smyth")
        add("names", kind="online", given_names="", family_name="jonnyS84", platform="Instagram")
        add("vehicles", registration="NM19 KXP", description="Blue Ford Focus")
        add("contact-details", kind="phone", value="07700 900123")
        add(
            "convictions",
            offence=offence("PHA1997-s2A"),
            offence_date=years(6),
            conviction_date=years(6) + dt.timedelta(days=90),
            court="Northmoor Magistrates",
            # Custody, so his sister's Victim Notification Scheme has a release to tell of
            # (victims.demo; DOMAIN.md "Victims": no custody, no VNS).
            sentence_type="immediate_custody",
            sentence_amount=4,
            sentence_unit="months",
            is_domestic_abuse=True,
            da_flag_source="prosecutor",
        )
        add(
            "convictions",
            offence=offence("PHA1997-s4A"),
            offence_date=years(3),
            conviction_date=years(3) + dt.timedelta(days=120),
            # Sentenced four weeks after conviction: the VCS referral clock runs from here.
            sentence_date=years(3) + dt.timedelta(days=148),
            court="Northmoor Crown Court",
            sentence_type="immediate_custody",
            sentence_amount=18,
            sentence_unit="months",
            licence_start=years(2),
            licence_end=today + dt.timedelta(days=200),
            is_domestic_abuse=True,
            da_flag_source="prosecutor",
        )
        add(
            "risk-assessments",
            tool="oasys_rosh",
            assessed_on=years(1),
            level="high",
            risk_to=["ex_partner"],
            next_review_on=today + dt.timedelta(days=30),
        )
    elif key == "n2":
        add(
            "convictions",
            offence=offence("SCA2015-s76"),
            offence_date=years(2),
            conviction_date=years(2) + dt.timedelta(days=60),
            court="Northmoor Crown Court",
            sentence_type="suspended",
            sentence_date=years(2) + dt.timedelta(days=88),
            sentence_amount=12,
            sentence_unit="months",
            is_domestic_abuse=True,
            da_flag_source="prosecutor",
        )
        add(
            "risk-assessments",
            tool="oasys_rosh",
            assessed_on=years(1),
            level="high",
            risk_to=["partner", "children"],
            next_review_on=today + dt.timedelta(days=5),
        )
        add(
            "household-members",
            relationship="child",
            name="Child A",
            date_of_birth=today - dt.timedelta(days=365 * 6),
        )
    elif key == "n3":
        add(
            "incidents",
            occurred_on=years(2),
            crime_reference="NM/21/1044",
            victim_reference="V-NM-1",
            victim_relationship="ex_partner",
            gravity=30,
        )
        add(
            "incidents",
            occurred_on=years(1),
            crime_reference="NM/22/0381",
            victim_reference="V-NM-2",
            victim_relationship="intimate_partner",
            gravity=60,
        )
        add("risk-assessments", tool="dash", assessed_on=years(1), level="medium")
        # A dual arrest, reviewed: the supervisor found him the primary aggressor, which clears
        # the flag, so the safeguard does not block registering him.
        services.nominal_flag_misidentified(
            actor=actor,
            nominal=nominal,
            misidentification="dual_arrest",
            raised_on=years(1),
            reason="Both arrested at the second incident; she said she hit him to get away",
        )
        services.primary_aggressor_review_record(
            actor=_supervisor(nominal),
            nominal=nominal,
            outcome="primary_aggressor",
            reviewed_on=years(1) + dt.timedelta(days=21),
            rationale="Two partners describe the same controlling pattern; her injuries were "
            "defensive and his were not. He is the primary aggressor.",
        )
    elif key == "n4":
        add(
            "convictions",
            offence=offence("CJA1988-s39"),
            offence_date=years(4),
            conviction_date=years(4) + dt.timedelta(days=30),
            court="Southdale Magistrates",
            sentence_type="fine",
            is_domestic_abuse=True,
            da_flag_source="police",
        )
        add("risk-assessments", tool="oasys_rosh", assessed_on=years(2), level="low")
    elif key == "n5":
        for code, when in (("PHA1997-s2A", 5), ("PHA1997-s2A", 2)):
            add(
                "convictions",
                offence=offence(code),
                offence_date=years(when),
                conviction_date=years(when) + dt.timedelta(days=45),
                court="Southdale Magistrates",
                sentence_type="community_order",
                is_domestic_abuse=True,
                da_flag_source="court",
            )
        services.nominal_flag_misidentified(
            actor=actor,
            nominal=nominal,
            misidentification="counter_allegation",
            raised_on=years(1),
            reason="He made a counter-allegation on arrest; both had injuries",
        )
        services.primary_aggressor_review_record(
            actor=_supervisor(nominal),
            nominal=nominal,
            outcome="inconclusive",
            reviewed_on=years(1) + dt.timedelta(days=30),
            rationale="Accounts conflict and no independent witness; the history does not show "
            "who controls whom. Review again when the harassment case concludes.",
        )
    elif key == "n7":
        services.nominal_update(actor=actor, nominal=nominal, reason=REASON, sex="female")
        add(
            "convictions",
            offence=offence("CJA1988-s39"),
            offence_date=years(1),
            conviction_date=years(1) + dt.timedelta(days=40),
            court="Southdale Magistrates",
            sentence_type="community_order",
            is_domestic_abuse=True,
            da_flag_source="police",
        )
        services.nominal_flag_misidentified(
            actor=actor,
            nominal=nominal,
            misidentification="dual_arrest",
            raised_on=today - dt.timedelta(days=60),
            reason="Both arrested after a 999 call; she says she was pinned down and bit him",
        )
    elif key == "n6":
        for when in (7, 3):
            add(
                "convictions",
                offence=offence("PHA1997-s4A"),
                offence_date=years(when),
                conviction_date=years(when) + dt.timedelta(days=100),
                court="Eastham Crown Court",
                sentence_type="immediate_custody",
                sentence_amount=24,
                sentence_unit="months",
                is_domestic_abuse=True,
                da_flag_source="prosecutor",
            )
        order = add(
            "civil-orders",
            kind="spo",
            made_on=years(1),
            made_by="Eastham Magistrates",
            starts_on=years(1),
            ends_on=today + dt.timedelta(days=365),
        )
        add(
            "order-conditions",
            parent=order,
            kind="prohibition",
            text="Not to contact the protected person directly or indirectly",
        )
        add(
            "order-conditions",
            parent=order,
            kind="positive_requirement",
            text="Attend the stalking intervention programme weekly",
            compliance_reporter="Programme lead, Eastham Stalking Intervention Service",
            review_on=today + dt.timedelta(days=14),
        )
        add(
            "order-breaches",
            parent=order,
            occurred_on=today - dt.timedelta(days=20),
            description="Sent messages through a mutual friend",
            reported_by="Victim",
        )
        criteria = CriteriaSet.objects.get(key="broad-convicted")
        registration.registration_decide(
            actor=actor,
            nominal=nominal,
            criteria_set=criteria,
            decision="register",
            rationale="Serial stalking; two custodial sentences",
            decided_on=years(1),
            starts_on=years(1),
            review_on=today + dt.timedelta(days=60),
        )


def _supervisor(nominal: Nominal) -> StaffUser:
    """The lead agency's demo supervisor: primary-aggressor reviews are theirs to record."""
    return StaffUser.objects.get(
        agency_id=nominal.lead_agency_id,
        roles__contains=[Role.SUPERVISOR],
        username__startswith="sup.",
    )


@dataclass
class DemoLogin:
    username: str
    role: str
    agency: str


@dataclass
class DemoWorld:
    """What the register's demo data made, handed to each app's own demo loader."""

    agencies: dict[str, Agency]
    users: dict[tuple[str, str], StaffUser]  # (agency code, role) -> user
    nominals: dict[str, Nominal]  # key in NOMINALS -> nominal
    today: dt.date

    def user(self, agency_code: str, role: str) -> StaffUser:
        return self.users[(agency_code, role)]


# Each app that has demo data of its own provides `<app>.demo.load(world)`, run in this
# order after the register's (an app's loader must be idempotent, like this module).
APP_LOADERS = ("notifications.demo", "mappa.demo", "victims.demo", "mfa.demo")


def load() -> list[DemoLogin]:
    agencies = {code: _agency(code, name, kind) for code, name, kind in AGENCIES}
    logins: list[DemoLogin] = []
    users: dict[tuple[str, str], StaffUser] = {}
    for code, agency in agencies.items():
        for prefix, role, first, last in ROLE_USERS:
            username = f"{prefix}.{code.lower()}"
            users[(code, role)] = _user(username, agency, role, first, last)
            logins.append(DemoLogin(username, Role(role).label, agency.name))
    today = timezone.localdate()
    nominals: dict[str, Nominal] = {}
    for key, lead, given, family, dob, shared in NOMINALS:
        actor = users[(lead, Role.OFFENDER_MANAGER)]
        nominal, created = _nominal(key, actor, given, family, dob)
        nominals[key] = nominal
        if created:
            _details(key, nominal, actor, today)
        for code in shared:
            services.nominal_share(
                actor=actor, nominal=nominal, agency=agencies[code], reason=REASON
            )
    world = DemoWorld(agencies=agencies, users=users, nominals=nominals, today=today)
    for module in APP_LOADERS:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).load(world)
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


def _nominal(
    key: str, actor: StaffUser, given: str, family: str, dob: dt.date
) -> tuple[Nominal, bool]:
    nominal_id = uuid.uuid5(DEMO_NAMESPACE, key)
    existing = Nominal.objects.filter(pk=nominal_id).first()
    if existing:
        return existing, False
    # Fixed ids make demo links stable across machines and reruns.
    nominal = services.nominal_create(
        actor=actor,
        family_name=family,
        given_names=given,
        date_of_birth=dob,
        reason=REASON,
        nominal_id=nominal_id,
        responsible_officer=actor,
    )
    return nominal, True
