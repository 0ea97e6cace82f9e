"""Every write in the victims app. Keyword-only, atomic, with the actor and a reason.

Who may write is checked here as well as in the views: the compartment (contact details,
contact log, representations, scheme offer) belongs to the owning agency's VLOs and to
users holding an active grant; allocation and grants to the owning agency's VLOs alone.
Offender-side users with "change" on a nominal record that it has a victim and link them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from notifications import rules as deadline_rules
from notifications.models import Compartment, DueKind, DueStatus
from notifications.services import due_item_schedule, due_items_close
from register import access, events
from register.audit import log_reads, save_with_history
from register.errors import DomainError
from register.models import (
    AccessChannel,
    CivilOrder,
    Conviction,
    Misidentification,
    Nominal,
    Role,
    StaffUser,
)
from register.services.common import full_clean, require_reason
from register.services.nominals import nominal_flag_misidentified
from victims import conf, rules
from victims.models import (
    ConditionRequested,
    ContactChannel,
    DisclosureCase,
    DisclosureDecision,
    DisclosureOutcome,
    DisclosureRisk,
    DisclosureRoute,
    DisclosureStatus,
    OfferAnswer,
    Relationship,
    Representation,
    RepresentationOutcome,
    SafetyFlag,
    Scheme,
    SharedInformation,
    Victim,
    VictimAccessGrant,
    VictimContact,
    VictimContactDetails,
    VictimLink,
)

VICTIM_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "age",
    "sex",
    "children_count",
    "children_notes",
)
CONTACT_FIELDS = (
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
    "safe_contact_times",
    "safe_words",
)


# Who may -------------------------------------------------------------------------------


def is_owning_vlo(user: StaffUser, victim: Victim) -> bool:
    return (
        user.is_active
        and user.has_role(Role.VICTIM_LIAISON_OFFICER)
        and user.agency_id == victim.agency_id
    )


def has_active_grant(user: StaffUser, victim: Victim) -> bool:
    return VictimAccessGrant.objects.filter(
        victim=victim, grantee=user, revoked_at__isnull=True
    ).exists()


def _require_compartment(actor: StaffUser, victim: Victim) -> None:
    if not (is_owning_vlo(actor, victim) or has_active_grant(actor, victim)):
        raise DomainError(
            "Only the victim's liaison officers, or staff granted access, can do this"
        )


def _require_owning_vlo(actor: StaffUser, victim: Victim) -> None:
    if not is_owning_vlo(actor, victim):
        raise DomainError("Only a victim liaison officer of the owning agency can do this")


def _require_nominal_change(actor: StaffUser, nominal: Nominal) -> None:
    allowed = access.scoped(Nominal.objects.filter(pk=nominal.pk), actor, "change").exists()
    if not allowed or nominal.merged_into_id:
        raise DomainError("You cannot change this person's record", field="nominal")


def _not_future(day: dt.date | None, field: str, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise DomainError(f"{what} cannot be in the future", field=field)


def victim_url(victim: Victim) -> str:
    return reverse("victim-detail", args=[victim.pk])


# Victims and links -------------------------------------------------------------------------


def _check_victim_fields(data: dict[str, Any]) -> None:
    if not (data.get("given_names") or "").strip() and not (data.get("family_name") or "").strip():
        raise DomainError("Enter the victim's given names or family name", field="family_name")
    dob = data.get("date_of_birth")
    _not_future(dob, "date_of_birth", "The date of birth")
    if dob is not None and data.get("age") is not None:
        raise DomainError("Enter the date of birth or the age, not both", field="age")
    age = data.get("age")
    if age is not None and not 0 <= int(age) <= 120:
        raise DomainError("Enter an age between 0 and 120", field="age")


def _check_link(
    nominal: Nominal,
    relationship: str,
    convictions: Sequence[Conviction],
    civil_orders: Sequence[CivilOrder],
    safety_flags: Sequence[str],
) -> None:
    if relationship not in Relationship.values:
        raise DomainError("Choose the relationship", field="relationship")
    if any(c.nominal_id != nominal.pk for c in convictions):
        raise DomainError("Choose convictions of this person only", field="convictions")
    if any(o.nominal_id != nominal.pk for o in civil_orders):
        raise DomainError("Choose civil orders of this person only", field="civil_orders")
    unknown = set(safety_flags) - set(SafetyFlag.values)
    if unknown:
        raise DomainError("Choose safety flags from the list", field="safety_flags")


@transaction.atomic
def victim_create(
    *,
    actor: StaffUser,
    nominal: Nominal,
    relationship: str,
    reason: str,
    given_names: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
    age: int | None = None,
    sex: str = "not_known",
    children_count: int = 0,
    children_notes: str = "",
    convictions: Sequence[Conviction] = (),
    civil_orders: Sequence[CivilOrder] = (),
    safety_flags: Sequence[str] = (),
    safety_notes: str = "",
    victim_id: Any = None,
) -> Victim:
    """Record that the nominal has a victim: the victim (owned by the actor's agency) and the link.

    An offender-side user with "change" on the nominal records it; the owning agency's VLOs
    then hold the victim's compartment.
    """
    reason = require_reason(reason)
    _require_nominal_change(actor, nominal)
    data = {
        "given_names": given_names,
        "family_name": family_name,
        "date_of_birth": date_of_birth,
        "age": age,
        "sex": sex,
        "children_count": children_count,
        "children_notes": children_notes,
    }
    _check_victim_fields(data)
    _check_link(nominal, relationship, convictions, civil_orders, safety_flags)
    victim = Victim(agency_id=actor.agency_id)
    if victim_id is not None:
        victim.id = victim_id
    for name, value in data.items():
        setattr(victim, name, value.strip() if isinstance(value, str) else value)
    full_clean(victim)
    save_with_history(victim, actor=actor, reason=reason)
    _link_save(
        actor=actor,
        victim=victim,
        nominal=nominal,
        relationship=relationship,
        convictions=convictions,
        civil_orders=civil_orders,
        safety_flags=safety_flags,
        safety_notes=safety_notes,
        reason=reason,
    )
    scheme_work_out(actor=actor, victim=victim, reason=reason)
    return victim


def _link_save(
    *,
    actor: StaffUser,
    victim: Victim,
    nominal: Nominal,
    relationship: str,
    convictions: Sequence[Conviction],
    civil_orders: Sequence[CivilOrder],
    safety_flags: Sequence[str],
    safety_notes: str,
    reason: str,
    link: VictimLink | None = None,
) -> VictimLink:
    link = link or VictimLink(victim=victim, nominal=nominal)
    link.relationship = relationship
    link.safety_flags = sorted(set(safety_flags))
    link.safety_notes = safety_notes.strip()
    full_clean(link, exclude=["victim", "nominal"] if link._state.adding else ())
    try:
        with transaction.atomic():
            save_with_history(link, actor=actor, reason=reason)
    except IntegrityError as exc:
        raise DomainError("This victim is already linked to this person", field="nominal") from exc
    link.convictions.set(convictions)
    link.civil_orders.set(civil_orders)
    return link


@transaction.atomic
def victim_link_add(
    *,
    actor: StaffUser,
    victim: Victim,
    nominal: Nominal,
    relationship: str,
    reason: str,
    convictions: Sequence[Conviction] = (),
    civil_orders: Sequence[CivilOrder] = (),
    safety_flags: Sequence[str] = (),
    safety_notes: str = "",
) -> VictimLink:
    """Link a victim already on the register to another nominal (a victim of several people)."""
    reason = require_reason(reason)
    _require_nominal_change(actor, nominal)
    _check_link(nominal, relationship, convictions, civil_orders, safety_flags)
    if VictimLink.objects.filter(victim=victim, nominal=nominal).exists():
        raise DomainError("This victim is already linked to this person", field="victim")
    link = _link_save(
        actor=actor,
        victim=victim,
        nominal=nominal,
        relationship=relationship,
        convictions=convictions,
        civil_orders=civil_orders,
        safety_flags=safety_flags,
        safety_notes=safety_notes,
        reason=reason,
    )
    scheme_work_out(actor=actor, victim=victim, reason=reason)
    return link


@transaction.atomic
def victim_update(*, actor: StaffUser, victim: Victim, reason: str, **changes: Any) -> Victim:
    reason = require_reason(reason)
    _require_compartment(actor, victim)
    unknown = set(changes) - set(VICTIM_FIELDS)
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))} here")
    data = {name: getattr(victim, name) for name in VICTIM_FIELDS} | changes
    _check_victim_fields(data)
    for name, value in changes.items():
        setattr(victim, name, value.strip() if isinstance(value, str) else value)
    full_clean(victim)
    return save_with_history(victim, actor=actor, reason=reason)


@transaction.atomic
def contact_details_set(
    *, actor: StaffUser, victim: Victim, reason: str, **fields: str
) -> VictimContactDetails:
    """Record where the victim lives and how to reach them safely (the compartment)."""
    reason = require_reason(reason)
    _require_compartment(actor, victim)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))} here")
    details = VictimContactDetails.objects.filter(victim=victim).first() or VictimContactDetails(
        victim=victim
    )
    for name, value in fields.items():
        setattr(details, name, (value or "").strip())
    if details.postcode:
        details.postcode = details.postcode.upper()
    full_clean(details, exclude=["victim"])
    save_with_history(details, actor=actor, reason=reason)
    # The victim's ETag covers its contact details: move it on (the details keep their history).
    Victim.objects.filter(pk=victim.pk).update(updated_at=timezone.now())
    return details


@transaction.atomic
def victim_allocate(
    *, actor: StaffUser, victim: Victim, vlo: StaffUser | None, reason: str
) -> Victim:
    """Allocate (or unallocate) the victim's VLO: one of the owning agency's active VLOs."""
    reason = require_reason(reason)
    _require_owning_vlo(actor, victim)
    if vlo is not None and not (
        vlo.is_active
        and not vlo.is_api_client
        and vlo.has_role(Role.VICTIM_LIAISON_OFFICER)
        and vlo.agency_id == victim.agency_id
    ):
        raise DomainError(
            "Choose a victim liaison officer of the victim's owning agency", field="vlo"
        )
    victim.vlo = vlo
    save_with_history(victim, actor=actor, reason=reason)
    _schedule_referral(actor=actor, victim=victim, reason=reason)
    return victim


# The scheme ----------------------------------------------------------------------------------


def conviction_facts(conviction: Conviction) -> rules.ConvictionFacts:
    offence = conviction.offence
    return rules.ConvictionFacts(
        offence_title=offence.title,
        specified_violent_or_sexual=offence.mappa_cat2_specified,
        stalking_or_harassment=rules.is_stalking_or_harassment(
            specified_stalking=offence.specified_stalking,
            statute=offence.statute,
            title=offence.title,
            code=offence.code,
        ),
        sentence_type=conviction.sentence_type,
        sentence_days=conviction.sentence_days,
        sentence_text=conviction.term_text,
        sentenced_on=conviction.sentence_date or conviction.conviction_date,
        reference=str(conviction.pk),
    )


def referral_clock(victim: Victim) -> rules.ReferralClock | None:
    """When the VCS referral is due: from the sentence date, or from conviction when no
    sentence date is recorded (the clock says which)."""
    conviction = victim.scheme_conviction
    if conviction is None:
        return None
    return rules.vcs_referral_clock(
        sentence_date=conviction.sentence_date,
        conviction_date=conviction.conviction_date,
        working_days=conf.vcs_referral_working_days(),
        holidays=conf.bank_holidays(),
    )


def _schedule_referral(*, actor: StaffUser, victim: Victim, reason: str) -> None:
    """The VCS referral falls due within 20 working days of sentence, until the offer is made."""
    clock = referral_clock(victim)
    if victim.scheme == Scheme.STATUTORY_VCS and victim.offer_made_on is None and clock:
        conviction = victim.scheme_conviction
        assert conviction is not None  # noqa: S101 - referral_clock needs one
        due_item_schedule(
            actor=actor,
            kind=DueKind.VCS_REFERRAL,
            subject=victim,
            nominal=conviction.nominal,
            due_at=deadline_rules.end_of_day(clock.due_on),
            title=f"Victim Contact Scheme referral: {victim}"
            + ("" if clock.from_sentence else " (no sentence date: counted from conviction)"),
            owner=victim.vlo,
            reason=reason,
            compartment=Compartment.VICTIM,
            link=victim_url(victim),
            event_on=clock.starts_on,
            source=clock.explanation,
        )
    elif victim.scheme != Scheme.STATUTORY_VCS:
        due_items_close(
            actor=actor,
            kinds=[DueKind.VCS_REFERRAL],
            subject=victim,
            status=DueStatus.WAIVED,
            reason=reason,
            waived_reason="The statutory Victim Contact Scheme no longer applies",
        )


@transaction.atomic
def scheme_work_out(*, actor: StaffUser, victim: Victim, reason: str) -> Victim:
    """Which scheme applies, from every conviction linked to the victim, with the reason."""
    convictions = list(
        Conviction.objects.filter(
            pk__in=VictimLink.convictions.through.objects.filter(victimlink__victim=victim).values(
                "conviction_id"
            )
        ).select_related("offence", "nominal")
    )
    by_ref = {str(c.pk): c for c in convictions}
    decision = rules.scheme_for_any(conviction_facts(c) for c in convictions)
    chosen = by_ref.get(decision.conviction.reference) if decision.conviction else None
    if (victim.scheme, victim.scheme_reason, victim.scheme_conviction_id) != (
        decision.scheme,
        decision.reason,
        chosen.pk if chosen else None,
    ):
        victim.scheme, victim.scheme_reason = decision.scheme, decision.reason
        victim.scheme_conviction = chosen
        save_with_history(victim, actor=actor, reason=require_reason(reason))
    _schedule_referral(actor=actor, victim=victim, reason=require_reason(reason))
    return victim


@transaction.atomic
def scheme_offer_record(
    *,
    actor: StaffUser,
    victim: Victim,
    offer_made_on: dt.date,
    offer_answer: str = "",
    answer_on: dt.date | None = None,
    contact_level: str = "",
    reason: str,
) -> Victim:
    """The offer of contact made, and the victim's answer (opt in, opt out, or later)."""
    reason = require_reason(reason)
    _require_compartment(actor, victim)
    if offer_made_on is None:
        raise DomainError("Enter the date the offer was made", field="offer_made_on")
    _not_future(offer_made_on, "offer_made_on", "The date of the offer")
    if offer_answer and offer_answer not in OfferAnswer.values:
        raise DomainError("Choose the victim's answer", field="offer_answer")
    if offer_answer and offer_answer != OfferAnswer.LATER and answer_on is None:
        raise DomainError("Enter the date the victim answered", field="answer_on")
    if answer_on is not None and not offer_answer:
        raise DomainError("Choose the victim's answer", field="offer_answer")
    _not_future(answer_on, "answer_on", "The date of the answer")
    if answer_on is not None and answer_on < offer_made_on:
        raise DomainError("The answer cannot be before the offer was made", field="answer_on")
    if contact_level and offer_answer != OfferAnswer.OPTED_IN:
        raise DomainError(
            "Choose a contact level only when the victim opted in", field="contact_level"
        )
    if offer_answer == OfferAnswer.OPTED_IN and not contact_level:
        raise DomainError("Choose how often the victim wants to hear", field="contact_level")
    victim.offer_made_on, victim.offer_answer = offer_made_on, offer_answer
    victim.answer_on, victim.contact_level = answer_on, contact_level
    full_clean(victim)
    save_with_history(victim, actor=actor, reason=reason)
    due_items_close(
        actor=actor, kinds=[DueKind.VCS_REFERRAL], subject=victim, reason="Scheme offer made"
    )
    return victim


# Grants ---------------------------------------------------------------------------------------


@transaction.atomic
def grant_add(
    *, actor: StaffUser, victim: Victim, grantee: StaffUser, reason: str
) -> VictimAccessGrant:
    """Grant one user the victim's compartment (recorded, with the reason, in history)."""
    reason = require_reason(reason)
    _require_owning_vlo(actor, victim)
    allowed_roles = access.POLICY["victims.victim"]["view"]
    if not grantee.is_active or grantee.is_api_client or not grantee.has_role(*allowed_roles):
        raise DomainError(
            "Choose an active member of staff in a casework or victim liaison role",
            field="grantee",
        )
    if is_owning_vlo(grantee, victim):
        raise DomainError("This person already sees the victim's details", field="grantee")
    if has_active_grant(grantee, victim):
        raise DomainError("This person already holds a grant for this victim", field="grantee")
    grant = VictimAccessGrant(
        victim=victim, grantee=grantee, granted_by=actor, reason=reason, granted_at=timezone.now()
    )
    full_clean(grant)
    return save_with_history(grant, actor=actor, reason=reason)


@transaction.atomic
def grant_revoke(*, actor: StaffUser, grant: VictimAccessGrant, reason: str) -> VictimAccessGrant:
    reason = require_reason(reason)
    _require_owning_vlo(actor, grant.victim)
    if grant.revoked_at is not None:
        raise DomainError("This grant was already revoked")
    grant.revoked_at, grant.revoked_by, grant.revoke_reason = timezone.now(), actor, reason
    return save_with_history(grant, actor=actor, reason=reason)


# Contact log and representations ------------------------------------------------------------


@transaction.atomic
def contact_record(
    *,
    actor: StaffUser,
    victim: Victim,
    contact_on: dt.date,
    channel: str,
    shared: Iterable[str],
    notes: str,
    next_contact_on: dt.date | None = None,
) -> VictimContact:
    _require_compartment(actor, victim)
    shared = sorted(set(shared))
    if contact_on is None:
        raise DomainError("Enter the date of contact", field="contact_on")
    _not_future(contact_on, "contact_on", "The date of contact")
    if channel not in ContactChannel.values:
        raise DomainError("Choose how the contact was made", field="channel")
    if set(shared) - set(SharedInformation.values):
        raise DomainError("Choose what was shared from the list", field="shared")
    if not (notes or "").strip():
        raise DomainError("Enter what was discussed", field="notes")
    if next_contact_on is not None and next_contact_on < contact_on:
        raise DomainError("The next contact cannot be before this contact", field="next_contact_on")
    contact = VictimContact(
        victim=victim,
        contact_on=contact_on,
        channel=channel,
        shared=shared,
        notes=notes.strip(),
        recorded_by=actor,
    )
    full_clean(contact)
    save_with_history(contact, actor=actor, reason="Contact with the victim recorded")
    if next_contact_on is not None:
        victim.next_contact_on = next_contact_on
        save_with_history(victim, actor=actor, reason="Next contact planned")
    return contact


@transaction.atomic
def representation_record(
    *,
    actor: StaffUser,
    victim: Victim,
    link: VictimLink,
    condition: str,
    requested: str,
    made_on: dt.date,
) -> Representation:
    _require_compartment(actor, victim)
    if link.victim_id != victim.pk:
        raise DomainError("Choose one of this victim's links", field="link")
    if condition not in ConditionRequested.values:
        raise DomainError("Choose the licence condition asked for", field="condition")
    if not (requested or "").strip():
        raise DomainError("Enter what the victim asked for", field="requested")
    if made_on is None:
        raise DomainError("Enter the date the representation was made", field="made_on")
    _not_future(made_on, "made_on", "The date of the representation")
    representation = Representation(
        victim=victim,
        link=link,
        condition=condition,
        requested=requested.strip(),
        made_on=made_on,
        recorded_by=actor,
    )
    full_clean(representation)
    return save_with_history(representation, actor=actor, reason="Representation recorded")


@transaction.atomic
def representation_decide(
    *,
    actor: StaffUser,
    representation: Representation,
    outcome: str,
    outcome_on: dt.date,
    outcome_notes: str,
) -> Representation:
    _require_compartment(actor, representation.victim)
    if outcome not in RepresentationOutcome.values or outcome == RepresentationOutcome.PENDING:
        raise DomainError("Choose what became of the representation", field="outcome")
    if outcome_on is None:
        raise DomainError("Enter the date of the outcome", field="outcome_on")
    _not_future(outcome_on, "outcome_on", "The date of the outcome")
    if outcome_on < representation.made_on:
        raise DomainError(
            "The outcome cannot be before the representation was made", field="outcome_on"
        )
    if not (outcome_notes or "").strip():
        raise DomainError("Enter what was decided and by whom", field="outcome_notes")
    representation.outcome, representation.outcome_on = outcome, outcome_on
    representation.outcome_notes = outcome_notes.strip()
    full_clean(representation)
    return save_with_history(representation, actor=actor, reason=outcome_notes.strip())


# Misidentified victims ------------------------------------------------------------------------


@transaction.atomic
def victim_mark_also_nominal(
    *,
    actor: StaffUser,
    victim: Victim,
    nominal: Nominal,
    misidentification: str,
    reason: str,
) -> Victim:
    """Flag both records: the victim is also recorded as this nominal (counter-allegation, dual
    arrest, violent resistance). The nominal's flag is the register's eligibility safeguard.

    The actor must be able to change the nominal (offender-side), so it was reached through
    the register's gate.
    """
    reason = require_reason(reason)
    _require_nominal_change(actor, nominal)
    if misidentification not in Misidentification.values:
        raise DomainError("Choose why the victim may be misidentified", field="misidentification")
    if victim.links.filter(nominal=nominal).exists():
        raise DomainError(
            "A victim cannot be recorded as the person who harmed them", field="nominal"
        )
    victim.also_nominal, victim.misidentification = nominal, misidentification
    full_clean(victim)
    save_with_history(victim, actor=actor, reason=reason)
    if nominal.possible_misidentified_victim != misidentification:
        # The register's safeguard: raised with the reason, cleared only by a supervisor's
        # primary-aggressor review (never by editing either record).
        nominal_flag_misidentified(
            actor=actor,
            nominal=nominal,
            misidentification=misidentification,
            reason=f"Also recorded as a victim: {reason}",
        )
    return victim


# The disclosure scheme ------------------------------------------------------------------------


def disclosure_url(case: DisclosureCase) -> str:
    return reverse("disclosure-detail", args=[case.pk])


def _require_disclosure_user(actor: StaffUser, case: DisclosureCase) -> None:
    if case.agency_id != actor.agency_id or not access.roles_allow(actor, DisclosureCase, "change"):
        raise DomainError("Only staff of the case's agency can change it")


def _open(case: DisclosureCase) -> None:
    if case.status != DisclosureStatus.OPEN:
        raise DomainError("This case is completed")


def _date_in_case(case: DisclosureCase, day: dt.date | None, field: str, what: str) -> None:
    if day is None:
        raise DomainError(f"Enter the date of the {what}", field=field)
    _not_future(day, field, f"The date of the {what}")
    if day < case.received_on:
        raise DomainError(
            f"The date of the {what} cannot be before the case was received", field=field
        )


@transaction.atomic
def disclosure_create(
    *,
    actor: StaffUser,
    route: str,
    subject: Nominal,
    received_on: dt.date,
    applicant_name: str,
    applicant_relationship: str,
    applicant_is_person_at_risk: bool = True,
    person_at_risk_name: str = "",
    applicant_contact: str = "",
    case_officer: StaffUser | None = None,
    reason: str = "Disclosure scheme case opened",
    case_id: Any = None,
) -> DisclosureCase:
    """Open a right-to-ask or right-to-know case about a nominal the actor may see; its 28-day
    target (a setting) becomes a due item owned by the case officer."""
    if not access.roles_allow(actor, DisclosureCase, "change"):
        raise DomainError("Your role cannot open disclosure scheme cases")
    if not access.scoped(Nominal.objects.filter(pk=subject.pk), actor).exists():
        raise DomainError("Choose a person on the register you may see", field="subject")
    if route not in DisclosureRoute.values:
        raise DomainError("Choose right to ask or right to know", field="route")
    if received_on is None:
        raise DomainError("Enter the date received", field="received_on")
    _not_future(received_on, "received_on", "The date received")
    officer = case_officer or actor
    if officer.agency_id != actor.agency_id or not access.roles_allow(
        officer, DisclosureCase, "change"
    ):
        raise DomainError("Choose a case officer of your agency", field="case_officer")
    if not applicant_is_person_at_risk and not person_at_risk_name.strip():
        raise DomainError(
            "Enter the name of the person at risk (the applicant is a third party)",
            field="person_at_risk_name",
        )
    case = DisclosureCase(
        agency_id=actor.agency_id,
        route=route,
        subject=subject,
        received_on=received_on,
        case_officer=officer,
        applicant_name=(applicant_name or "").strip(),
        applicant_relationship=(applicant_relationship or "").strip(),
        applicant_is_person_at_risk=applicant_is_person_at_risk,
        person_at_risk_name=person_at_risk_name.strip(),
        applicant_contact=applicant_contact.strip(),
    )
    if case_id is not None:
        case.id = case_id
    full_clean(case)
    save_with_history(case, actor=actor, reason=require_reason(reason))
    due_item_schedule(
        actor=actor,
        kind=DueKind.DISCLOSURE,
        subject=case,
        nominal=subject,
        due_at=deadline_rules.end_of_day(
            received_on + dt.timedelta(days=conf.disclosure_target_days())
        ),
        title=f"Disclosure scheme case: {case.get_route_display().lower()}",
        owner=officer,
        reason="Disclosure scheme target",
        compartment=Compartment.VICTIM,
        link=disclosure_url(case),
    )
    return case


@transaction.atomic
def disclosure_checks_record(
    *,
    actor: StaffUser,
    case: DisclosureCase,
    initial_checks_on: dt.date,
    checks_notes: str,
    risk_level: str,
    face_to_face_on: dt.date | None = None,
) -> DisclosureCase:
    _require_disclosure_user(actor, case)
    _open(case)
    _date_in_case(case, initial_checks_on, "initial_checks_on", "initial checks")
    if face_to_face_on is not None:
        _date_in_case(case, face_to_face_on, "face_to_face_on", "face-to-face meeting")
    if not (checks_notes or "").strip():
        raise DomainError("Enter the checks done and what they found", field="checks_notes")
    if risk_level not in DisclosureRisk.values:
        raise DomainError("Choose the risk level", field="risk_level")
    case.initial_checks_on, case.checks_notes = initial_checks_on, checks_notes.strip()
    case.face_to_face_on, case.risk_level = face_to_face_on, risk_level
    full_clean(case)
    return save_with_history(case, actor=actor, reason="Checks recorded")


@transaction.atomic
def disclosure_decide(
    *,
    actor: StaffUser,
    case: DisclosureCase,
    decision: str,
    decision_on: dt.date,
    decision_reasons: str,
    decision_agencies: str,
) -> DisclosureCase:
    """The multi-agency decision, with its reasons and the agencies that took it."""
    _require_disclosure_user(actor, case)
    _open(case)
    if case.initial_checks_on is None:
        raise DomainError("Record the checks before the decision", field="decision")
    if decision not in DisclosureDecision.values:
        raise DomainError("Choose the decision", field="decision")
    _date_in_case(case, decision_on, "decision_on", "decision")
    if decision_on < case.initial_checks_on:
        raise DomainError("The decision cannot be before the checks", field="decision_on")
    if not (decision_reasons or "").strip():
        raise DomainError("Enter the reasons for the decision", field="decision_reasons")
    if not (decision_agencies or "").strip():
        raise DomainError("Enter the agencies that took the decision", field="decision_agencies")
    case.decision, case.decision_on = decision, decision_on
    case.decision_reasons, case.decision_agencies = (
        decision_reasons.strip(),
        decision_agencies.strip(),
    )
    full_clean(case)
    return save_with_history(case, actor=actor, reason=decision_reasons.strip())


@transaction.atomic
def disclosure_complete(
    *,
    actor: StaffUser,
    case: DisclosureCase,
    outcome: str,
    outcome_on: dt.date,
    safety_plan: str,
    disclosed_to: str = "",
    in_person: bool = False,
    what_was_said: str = "",
    declined_reason: str = "",
    marac_referred_on: dt.date | None = None,
    idva_referred_on: dt.date | None = None,
) -> DisclosureCase:
    """The disclosure made (to whom, when, how, what was said) or declined, and the safety plan.

    Completes the case and meets its due item. A disclosure is logged in the access log as a
    "disclosure" of the subject's record naming the person told.
    """
    _require_disclosure_user(actor, case)
    _open(case)
    if not case.decision:
        raise DomainError("Record the decision before the outcome", field="outcome")
    if outcome not in DisclosureOutcome.values:
        raise DomainError("Choose whether a disclosure was made or declined", field="outcome")
    _date_in_case(case, outcome_on, "outcome_on", "outcome")
    if case.decision_on and outcome_on < case.decision_on:
        raise DomainError("The outcome cannot be before the decision", field="outcome_on")
    if outcome == DisclosureOutcome.DISCLOSED:
        if case.decision != DisclosureDecision.DISCLOSE:
            raise DomainError(
                "The decision was not to disclose: record the outcome as declined",
                field="outcome",
            )
        if not (disclosed_to or "").strip():
            raise DomainError("Enter who was told", field="disclosed_to")
        if not (what_was_said or "").strip():
            raise DomainError("Enter what was said", field="what_was_said")
    elif not (declined_reason or "").strip():
        raise DomainError("Enter why no disclosure was made", field="declined_reason")
    if not (safety_plan or "").strip():
        raise DomainError("Enter the safety plan", field="safety_plan")
    if case.risk_level == DisclosureRisk.HIGH:
        if marac_referred_on is None:
            raise DomainError(
                "High risk: enter the date of the referral to MARAC", field="marac_referred_on"
            )
        if idva_referred_on is None:
            raise DomainError(
                "High risk: enter the date of the referral to an IDVA", field="idva_referred_on"
            )
    for day, field, what in (
        (marac_referred_on, "marac_referred_on", "MARAC referral"),
        (idva_referred_on, "idva_referred_on", "IDVA referral"),
    ):
        if day is not None:
            _date_in_case(case, day, field, what)
    disclosed = outcome == DisclosureOutcome.DISCLOSED
    case.outcome, case.outcome_on = outcome, outcome_on
    case.disclosed_to = disclosed_to.strip() if disclosed else ""
    case.in_person = in_person if disclosed else False
    case.what_was_said = what_was_said.strip() if disclosed else ""
    case.declined_reason = "" if disclosed else declined_reason.strip()
    case.safety_plan = safety_plan.strip()
    case.marac_referred_on, case.idva_referred_on = marac_referred_on, idva_referred_on
    case.status, case.completed_on = DisclosureStatus.COMPLETED, outcome_on
    full_clean(case)
    save_with_history(
        case, actor=actor, reason="Disclosure made" if disclosed else "Disclosure declined"
    )
    if disclosed:
        log_reads(
            user=actor,
            records=[case.subject],
            channel=AccessChannel.DISCLOSURE,
            purpose=f"Disclosure scheme ({case.get_route_display().lower()}) case {case.pk}",
            recipient=case.disclosed_to,
        )
        # Who was told, and what, stays in the case: the event says only that and when.
        events.announce(
            "disclosure.made",
            actor=actor,
            nominal=case.subject,
            subject=case,
            subject_type="disclosure",
            data={"route": case.route, "disclosed_on": outcome_on.isoformat()},
        )
    due_items_close(
        actor=actor,
        kinds=[DueKind.DISCLOSURE],
        subject=case,
        reason="Disclosure scheme case completed",
    )
    return case
