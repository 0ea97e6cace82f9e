"""Demo MAPPA work, through the services (called by register.demo.load; idempotent).

- Jonathan SMITH (n1, Northmoor): Category 2 Level 2 (18 months' custody for stalking);
  an approved plan and a second version awaiting approval; a home visit done and one
  planned; discussed at a Level 2 meeting 10 days ago with minutes and actions, and on
  the agenda of the next meeting. His licence ends within the year, so a Category 3
  consideration falls due. Registering him proposed a Category 1 case: the coordinator
  rejected the proposal (already managed as Category 2).
- Craig BELLAMY-HART (n2, Northmoor): registering him proposed a MAPPA case ("managed in
  the same way as" Category 1); the Northmoor coordinator accepted it at Level 3. His
  record shows why Category 3 is not open to him (registered) and that his 12 months'
  suspended sentence for coercive control makes him eligible for Category 2.
- Darren O'NEILL (n3, Northmoor): referred for Category 3 by North East Probation, awaiting
  the Northmoor coordinator's decision (sign in as mappa.nmp); the decision page shows that
  Category 3 needs a conviction, caution or finding, and he has none.
- Lee WHITFIELD (n4, Southdale): a Category 1 Level 1 case transferred to Eastshire MAPPA and
  archived two years ago (its Category 3 consideration recorded as not considered, with the
  transfer), so its first archive review is due; since then a referral for Category 3 after
  a new assault on a partner, accepted at Level 2.
- Stephen ASHWORTH (n6, North East Probation): Category 4 Level 1; the proposal made when he
  was registered was rejected (managed as Category 4).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from mappa import rules, services
from mappa.models import (
    MappaCase,
    Meeting,
    PlanKind,
    Referral,
    ReferralStatus,
    TerminationReason,
)
from notifications import rules as due_rules
from notifications import scans
from register.models import Nominal, Role, StaffUser

if TYPE_CHECKING:
    from register.demo import DemoWorld

REASON = "Demo data"
SECTIONS: dict[str, Any] = {
    "supervision": "Weekly appointments with the probation practitioner; fortnightly police visits",
    "monitoring_and_control": "Licence: exclusion zone around the victim's home and work; "
    "no contact directly or through others; curfew 19:00 to 07:00 (electronic monitoring)",
    "interventions_and_treatment": "Building Better Relationships programme; alcohol treatment",
    "victim_safety_planning": "VLO in contact with the victim; panic alarm and Sanctuary "
    "scheme; marker on the victim's address",
}


def load(world: DemoWorld) -> None:
    today = world.today
    om, sup, coord = (
        world.user("NMP", Role.OFFENDER_MANAGER),
        world.user("NMP", Role.SUPERVISOR),
        world.user("NMP", Role.MAPPA_COORDINATOR),
    )
    n1, n2, n3 = world.nominals["n1"], world.nominals["n2"], world.nominals["n3"]
    case1 = _category_2(n1, om, sup, today)
    _decide_proposal(
        n1,
        coord,
        accept=False,
        reason="Already managed under MAPPA: Category 2 "
        "Level 2 on licence; Category 2 covers his management until the licence ends",
    )
    case2 = _decide_proposal(
        n2,
        coord,
        accept=True,
        reason="Registered for coercive control of two successive partners; high RoSH; "
        "threats to the current partner's family: multi-agency management at Level 3",
        manager=om,
        level=3,
    )
    _pending_referral(n3, world.user("NEP", Role.PROBATION_PRACTITIONER))
    _archived_then_category_3(world, world.nominals["n4"], today)
    n6, nep_coord = world.nominals["n6"], world.user("NEP", Role.MAPPA_COORDINATOR)
    _category_4(n6, world.user("NEP", Role.PROBATION_PRACTITIONER), today)
    _decide_proposal(n6, nep_coord, accept=False, reason="Managed as Category 4")
    if case1 is not None and case2 is not None:
        _meetings(world, coord, om, case1, case2, today)
    # What this demo made overdue or due soon reaches the inboxes now, as the notifications
    # demo's does (the scans are idempotent: loading again raises nothing new).
    scans.scan_overdue()
    scans.scan_due_soon()


def _has_case(nominal: Nominal) -> bool:
    return MappaCase.objects.filter(nominal=nominal).exists()


def _category_2(
    nominal: Nominal, om: StaffUser, sup: StaffUser, today: dt.date
) -> MappaCase | None:
    if _has_case(nominal):
        return MappaCase.objects.filter(nominal=nominal).first()
    licence_end = (
        nominal.convictions.exclude(licence_end__isnull=True)
        .order_by("-licence_end")
        .values_list("licence_end", flat=True)
        .first()
    )
    case = services.case_open(
        actor=om,
        nominal=nominal,
        category=2,
        level=2,
        responsible_manager=om,
        start_date=today - dt.timedelta(days=200),
        visor_reference="VS-NMP-0001",
        ends_on=licence_end,
        reason="Released on licence: Category 2 (18 months' custody for stalking)",
    )
    plan = services.plan_write(
        actor=om,
        case=case,
        review_on=today + dt.timedelta(days=60),
        visit_every_days=28,
        reason="Plan on release",
        **SECTIONS,
    )
    services.plan_approve(actor=sup, plan=plan, reason="Agreed at supervision")
    services.plan_write(
        actor=om,
        case=case,
        review_on=today + dt.timedelta(days=90),
        reason="Revised after the meeting",
        **{
            **SECTIONS,
            "interventions_and_treatment": SECTIONS["interventions_and_treatment"]
            + "; referral to a stalking intervention programme",
        },
    )
    services.visit_record(
        actor=om,
        case=case,
        visited_on=today - dt.timedelta(days=12),
        outcome="Seen at home; licence conditions discussed; no concerns about the address",
        concerns="Mentioned the victim's new job: reported to the VLO",
    )
    services.visit_plan(
        actor=om, case=case, planned_on=today + dt.timedelta(days=9), reason="Next visit"
    )
    return case


def _decide_proposal(
    nominal: Nominal,
    coord: StaffUser,
    *,
    accept: bool,
    reason: str,
    manager: StaffUser | None = None,
    level: int | None = None,
) -> MappaCase | None:
    """The coordinator decides the proposal the register made on registration (if pending)."""
    proposal = Referral.objects.filter(
        nominal=nominal, registration__isnull=False, status=ReferralStatus.PENDING
    ).first()
    if proposal is not None:
        services.referral_decide(
            actor=coord,
            referral=proposal,
            accept=accept,
            reason=reason,
            responsible_manager=manager,
            level=level,
            visor_reference="VS-NMP-0002" if accept else "",
        )
    return MappaCase.objects.filter(nominal=nominal, status="active").first()


def _pending_referral(nominal: Nominal, referrer: StaffUser) -> None:
    if Referral.objects.filter(nominal=nominal).exists():
        return
    services.referral_create(
        actor=referrer,
        nominal=nominal,
        reason="Reported against two former partners in three years; escalating contact "
        "with the most recent. Please consider Category 3.",
        proposed_category=3,
        proposed_level=2,
        attachments=["Probation pre-sentence report"],
    )


def _archived_then_category_3(world: DemoWorld, nominal: Nominal, today: dt.date) -> None:
    if _has_case(nominal):
        return
    om, sup, coord = (
        world.user("SDP", Role.OFFENDER_MANAGER),
        world.user("SDP", Role.SUPERVISOR),
        world.user("SDP", Role.MAPPA_COORDINATOR),
    )
    archived_on = rules.add_years(today, -2)
    case = services.case_open(
        actor=om,
        nominal=nominal,
        category=1,
        level=1,
        responsible_manager=om,
        start_date=rules.add_years(today, -7),
        visor_reference="VS-SDP-0104",
        reason="Notification requirements under another force's registration",
    )
    closing = services.plan_write(
        actor=om,
        case=case,
        kind=PlanKind.CLOSING,
        review_on=today + dt.timedelta(days=30),
        reason="Closing plan",
        **SECTIONS,
    )
    services.plan_approve(actor=sup, plan=closing, reason="Closing plan agreed")
    services.case_terminate(
        actor=om,
        case=case,
        termination_reason=TerminationReason.TRANSFERRED,
        note="Moved to Eastshire: Eastshire MAPPA (Eastshire Police lead) took the case",
        terminated_on=archived_on - dt.timedelta(days=14),
    )
    services.case_archive(actor=coord, case=case, reason="Case closed", archived_on=archived_on)
    referral = services.referral_create(
        actor=om,
        nominal=nominal,
        reason="Back in Southdale; new DA assault on a partner: consider Category 3",
        proposed_category=3,
        proposed_level=2,
    )
    services.referral_decide(
        actor=coord,
        referral=referral,
        accept=True,
        reason="Convicted, not in Category 1, 2 or 4; assaults on successive partners show "
        "capacity for serious harm; police and probation need to share the plan",
        responsible_manager=om,
        visor_reference="VS-SDP-0131",
    )


def _category_4(nominal: Nominal, pp: StaffUser, today: dt.date) -> None:
    if _has_case(nominal):
        return
    services.case_open(
        actor=pp,
        nominal=nominal,
        category=4,
        level=1,
        responsible_manager=pp,
        start_date=today - dt.timedelta(days=90),
        ends_on=today + dt.timedelta(days=700),
        reason="Terrorist-risk offender on licence",
    )


def _meetings(
    world: DemoWorld,
    coord: StaffUser,
    om: StaffUser,
    case1: MappaCase,
    case2: MappaCase,
    today: dt.date,
) -> None:
    if Meeting.objects.filter(chair_agency_id=coord.agency_id).exists():
        return
    held_at = dt.datetime.combine(
        today - dt.timedelta(days=10), dt.time(10), tzinfo=due_rules.LONDON
    )
    held = services.meeting_schedule(
        actor=coord,
        chair=coord,
        scheduled_at=held_at,
        level=2,
        attending_agencies=[world.agencies["NEP"]],
        cases=[case1],
    )
    services.meeting_record(
        actor=coord,
        meeting=held,
        minutes="Present: Northmoor Police (chair), North East Probation, the VLO.\n"
        "Jonathan SMITH: compliant with licence; mentioned the victim's new job on a visit. "
        "Agreed: keep at Level 2; exclusion zone to include the new workplace; visits every "
        "4 weeks.",
        reason="Minutes of the meeting",
    )
    row = held.cases.get(case=case1)
    services.meeting_case_outcome(
        actor=coord,
        row=row,
        plan_agreed="Exclusion zone extended to the victim's workplace; visits every 4 weeks",
        next_review_on=today + dt.timedelta(weeks=10),
        reason="Agreed at the meeting",
    )
    services.action_add(
        actor=coord,
        meeting=held,
        case=case1,
        owner=om,
        due_on=today + dt.timedelta(days=4),
        description="Apply to vary the licence: exclusion zone to include the victim's workplace",
    )
    services.action_add(
        actor=coord,
        meeting=held,
        case=case1,
        owner=world.user("NEP", Role.PROBATION_PRACTITIONER),
        due_on=today - dt.timedelta(days=1),
        description="Refer to the stalking intervention programme",
    )
    services.meeting_schedule(
        actor=coord,
        chair=coord,
        scheduled_at=dt.datetime.combine(
            today + dt.timedelta(days=14), dt.time(10), tzinfo=due_rules.LONDON
        ),
        level=3,
        attending_agencies=[world.agencies["NEP"], world.agencies["SDP"]],
        cases=[case2],
    )
