"""Demo victims, so a VLO has a caseload on first sign-in (run by register.demo.load).

Idempotent: every record has a uuid5 id and is looked up first. Through the services.

- Jonathan SMITH (n1, Northmoor): two victims, both allocated to vlo.nmp. Rachel GREEN, his
  ex-partner (stalking with 12+ months' custody: statutory Victim Contact Scheme, opted in,
  contact log, a representation for an exclusion zone; the referral clock ran from the sentence
  date); Megan SMITH, his sister (the earlier stalking, 4 months' custody: the Victim
  Notification Scheme, which needs custody).
- Craig BELLAMY-HART (n2): Joanne PIKE, ex-partner (suspended sentence: outside the statutory
  scheme), also linked to Darren O'NEILL (n3): one victim, two people.
- Lee WHITFIELD (n4, Southdale): Karen WHITFIELD, partner. Mark KOWALSKI (n5) is himself
  recorded as a victim of Lee WHITFIELD too, and flagged a possible misidentified victim on
  both records; his supervisor's primary-aggressor review was inconclusive, so he stays blocked.
- Kelly DRAYTON (n7, Southdale): flagged after a dual arrest; her partner Gary DRAYTON is
  recorded as her victim (vlo.sdp); a supervisor's review found her the victim, so vlo.sdp has
  a task saying so and her eligibility page suggests recording her as a victim.
- Stephen ASHWORTH (n6, North East Probation): Helen ASHWORTH, ex-partner, allocated to vlo.nep.
- A right-to-ask disclosure case about n1 in progress at Northmoor, with its 28-day due item.

The scans run again at the end, as notifications.demo does, so overdue victim-side items
(a VCS referral) are already tasks.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from notifications import scans
from register.models import (
    AggressorFinding,
    Conviction,
    Misidentification,
    Nominal,
    PrimaryAggressorReview,
    Role,
    Sex,
    StaffUser,
)
from register.services import primary_aggressor_review_record
from victims import services
from victims.models import DisclosureCase, Victim, VictimLink

if TYPE_CHECKING:
    from register.demo import DemoWorld

REASON = "Demo data"
NAMESPACE = uuid.UUID("6d1f7c52-1b43-4a8e-9f0f-5f0d0d1a7c11")


def _id(key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, key)


def _convictions(nominal: Nominal, offence_code: str = "") -> list[Conviction]:
    convictions = Conviction.objects.filter(nominal=nominal).select_related("offence")
    if offence_code:
        convictions = convictions.filter(offence__code=offence_code)
    return list(convictions)


def _victim(
    key: str,
    actor: StaffUser,
    nominal: Nominal,
    *,
    relationship: str,
    offence_code: str = "",
    **data: Any,
) -> Victim:
    existing = Victim.objects.filter(pk=_id(key)).first()
    if existing is not None:
        return existing
    return services.victim_create(
        actor=actor,
        nominal=nominal,
        relationship=relationship,
        reason=REASON,
        victim_id=_id(key),
        convictions=_convictions(nominal, offence_code),
        **data,
    )


def _link(actor: StaffUser, victim: Victim, nominal: Nominal, relationship: str) -> None:
    if not VictimLink.objects.filter(victim=victim, nominal=nominal).exists():
        services.victim_link_add(
            actor=actor,
            victim=victim,
            nominal=nominal,
            relationship=relationship,
            convictions=_convictions(nominal),
            reason=REASON,
        )


def load(world: DemoWorld) -> None:
    today = world.today
    om_nmp = world.user("NMP", Role.OFFENDER_MANAGER)
    vlo_nmp = world.user("NMP", Role.VICTIM_LIAISON_OFFICER)
    n = world.nominals

    rachel = _victim(
        "rachel-green",
        om_nmp,
        n["n1"],
        relationship="stalking_ex_intimate",
        given_names="Rachel",
        family_name="Green",
        sex=Sex.FEMALE,
        age=36,
        children_count=1,
        safety_flags=["no_contact", "exclusion_zone", "children"],
    )
    if rachel.vlo_id is None:
        services.victim_allocate(actor=vlo_nmp, victim=rachel, vlo=vlo_nmp, reason=REASON)
        services.contact_details_set(
            actor=vlo_nmp,
            victim=rachel,
            reason=REASON,
            address_line_1="4 Larkspur Row",
            town="Northmoor",
            postcode="NM4 2LR",
            phone="07700 900123",
            email="r.green@example.com",
            safe_contact_times="Weekdays 9am to 3pm",
            safe_words="Sunflower",
        )
        services.scheme_offer_record(
            actor=vlo_nmp,
            victim=rachel,
            offer_made_on=today - dt.timedelta(days=60),
            offer_answer="opted_in",
            answer_on=today - dt.timedelta(days=55),
            contact_level="every_key_stage",
            reason=REASON,
        )
        services.contact_record(
            actor=vlo_nmp,
            victim=rachel,
            contact_on=today - dt.timedelta(days=30),
            channel="phone",
            shared=["release", "licence"],
            notes="Explained the release date and the licence conditions proposed.",
            next_contact_on=today + dt.timedelta(days=14),
        )
        services.representation_record(
            actor=vlo_nmp,
            victim=rachel,
            link=rachel.links.get(nominal=n["n1"]),
            condition="exclusion_zone",
            requested="An exclusion zone around her home town and her workplace.",
            made_on=today - dt.timedelta(days=30),
        )

    megan = _victim(
        "megan-smith",
        om_nmp,
        n["n1"],
        relationship="family_sibling",
        offence_code="PHA1997-s2A",  # the stalking with 4 months' custody: the VNS
        given_names="Megan",
        family_name="Smith",
        sex=Sex.FEMALE,
        age=29,
    )
    if megan.vlo_id is None:
        services.victim_allocate(actor=vlo_nmp, victim=megan, vlo=vlo_nmp, reason=REASON)

    joanne = _victim(
        "joanne-pike",
        om_nmp,
        n["n2"],
        relationship="ex_partner",
        given_names="Joanne",
        family_name="Pike",
        sex=Sex.FEMALE,
        age=41,
        children_count=2,
        safety_flags=["children"],
    )
    _link(om_nmp, joanne, n["n3"], "partner")
    if joanne.vlo_id is None:
        services.victim_allocate(actor=vlo_nmp, victim=joanne, vlo=vlo_nmp, reason=REASON)

    om_sdp = world.user("SDP", Role.OFFENDER_MANAGER)
    vlo_sdp = world.user("SDP", Role.VICTIM_LIAISON_OFFICER)
    karen = _victim(
        "karen-whitfield",
        om_sdp,
        n["n4"],
        relationship="partner",
        given_names="Karen",
        family_name="Whitfield",
        sex=Sex.FEMALE,
        age=33,
    )
    if karen.vlo_id is None:
        services.victim_allocate(actor=vlo_sdp, victim=karen, vlo=vlo_sdp, reason=REASON)
    # The misidentified victim: Mark KOWALSKI (n5) is also recorded as a victim of n4.
    mark = _victim(
        "mark-kowalski",
        om_sdp,
        n["n4"],
        relationship="partner",
        given_names=n["n5"].given_names,
        family_name=n["n5"].family_name,
        sex=Sex.MALE,
    )
    if mark.also_nominal_id is None:
        services.victim_mark_also_nominal(
            actor=om_sdp,
            victim=mark,
            nominal=n["n5"],
            misidentification=n["n5"].possible_misidentified_victim
            or Misidentification.DUAL_ARREST,
            reason="Dual arrest: both reported the other; he has injuries consistent with defence",
        )

    # A primary-aggressor review that found the person the victim: Kelly DRAYTON (n7) was
    # flagged after a dual arrest; her partner Gary DRAYTON is recorded as her victim with
    # vlo.sdp as his VLO, so the review (recorded here, once the VLO exists) tells vlo.sdp,
    # and her eligibility page suggests recording her as a victim. She stays blocked.
    gary = _victim(
        "gary-drayton",
        om_sdp,
        n["n7"],
        relationship="partner",
        given_names="Gary",
        family_name="Drayton",
        sex=Sex.MALE,
        age=38,
    )
    if gary.vlo_id is None:
        services.victim_allocate(actor=vlo_sdp, victim=gary, vlo=vlo_sdp, reason=REASON)
    if not PrimaryAggressorReview.objects.filter(nominal=n["n7"]).exists():
        primary_aggressor_review_record(
            actor=world.user("SDP", Role.SUPERVISOR),
            nominal=n["n7"],
            outcome=AggressorFinding.VICTIM,
            reviewed_on=today - dt.timedelta(days=14),
            rationale="Her account is consistent with 999 calls over two years; his injury was "
            "a bite while he held her down. She is the victim, not the primary aggressor.",
        )

    om_nep = world.user("NEP", Role.PROBATION_PRACTITIONER)
    vlo_nep = world.user("NEP", Role.VICTIM_LIAISON_OFFICER)
    helen = _victim(
        "helen-ashworth",
        om_nep,
        n["n6"],
        relationship="ex_partner",
        given_names="Helen",
        family_name="Ashworth",
        sex=Sex.FEMALE,
        age=45,
        safety_flags=["no_contact"],
    )
    if helen.vlo_id is None:
        services.victim_allocate(actor=vlo_nep, victim=helen, vlo=vlo_nep, reason=REASON)

    if not DisclosureCase.objects.filter(pk=_id("disclosure-n1")).exists():
        case = services.disclosure_create(
            actor=om_nmp,
            route="right_to_ask",
            subject=n["n1"],
            received_on=today - dt.timedelta(days=6),
            applicant_name="Laura Bennett",
            applicant_relationship="New partner (three months)",
            applicant_contact="Mobile after 6pm; do not leave messages",
            case_id=_id("disclosure-n1"),
        )
        services.disclosure_checks_record(
            actor=om_nmp,
            case=case,
            initial_checks_on=today - dt.timedelta(days=5),
            checks_notes="PNC, local intelligence and probation checked: stalking convictions.",
            risk_level="medium",
            face_to_face_on=today - dt.timedelta(days=2),
        )
    # The victims' due items (e.g. an overdue VCS referral) reach their owners' inboxes on first
    # sign-in, and a second load finds nothing new to raise (the scans are idempotent).
    scans.scan_overdue()
    scans.scan_due_soon()
