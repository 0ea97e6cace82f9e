"""Pure rules of the victims app: which scheme a victim is offered, and working-day deadlines.

No database: the inputs are plain values, so every worked case is a unit test.

Scheme eligibility (DOMAIN.md "Victims"):
- Statutory Victim Contact Scheme: a specified violent or sexual offence (the catalogue's
  `mappa_cat2_specified` flag: Schedule 18 to the Sentencing Act 2020, murder, and the
  stalking offences DOMAIN.md counts in) with 12 months' custody or more; a hospital order
  (with or without restriction) for such an offence also qualifies (Domestic Violence,
  Crime and Victims Act 2004 ss.36-38B).
- Victim Notification Scheme: stalking or harassment outside the statutory scheme, where the
  person is sentenced to immediate custody: it is notice of release *from custody* ("no
  custody, no VNS").
- The referral to the Victim Contact Scheme is due within 20 working days (a practice setting,
  victims.conf) of the *sentence* date; a conviction with no sentence date recorded counts from
  the conviction date, and says so (`vcs_referral_clock`).
- Victims are told through their VLO when the person is registered or de-registered
  (victims.listeners).
- Discretionary: anything else. Offering contact to domestic-abuse victims whatever the
  sentence is good practice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from notifications.rules import BANK_HOLIDAYS_ENGLAND_WALES, add_working_days
from register.rules import custody_phrase, term_at_least

STATUTORY_VCS = "statutory_vcs"
VICTIM_NOTIFICATION_SCHEME = "vns"
DISCRETIONARY = "discretionary"

CUSTODIAL = frozenset({"immediate_custody", "life", "ipp"})
INDETERMINATE = frozenset({"life", "ipp"})
HOSPITAL_ORDERS = frozenset({"hospital_order_restricted", "hospital_order"})
CUSTODY_MONTHS_THRESHOLD = 12
_PRIORITY = {STATUTORY_VCS: 0, VICTIM_NOTIFICATION_SCHEME: 1, DISCRETIONARY: 2}


@dataclass(frozen=True)
class ConvictionFacts:
    """What the rule needs from one conviction (victims.services builds it from the record)."""

    offence_title: str
    specified_violent_or_sexual: bool
    stalking_or_harassment: bool
    sentence_type: str
    sentence_days: int | None  # the term in days (register.rules.term_days)
    sentenced_on: dt.date | None = None
    reference: str = ""
    sentence_text: str = ""  # as entered, e.g. "18 months"


@dataclass(frozen=True)
class SchemeDecision:
    scheme: str
    reason: str
    conviction: ConvictionFacts | None = None


def is_stalking_or_harassment(
    *, specified_stalking: bool, statute: str, title: str, code: str = ""
) -> bool:
    """Stalking (PHA 1997 s.2A/s.4A) or harassment (PHA 1997 s.2, s.4, or an offence so named).

    Breach of a restraining order (PHA 1997 s.5(5)) is not itself harassment.
    """
    if specified_stalking:
        return True
    if code.startswith("PHA1997-s5"):
        return False
    return "harassment" in statute.lower() or "harassment" in title.lower()


def _custody_phrase(facts: ConvictionFacts) -> str:
    if facts.sentence_type in INDETERMINATE:
        return "an indeterminate custodial sentence"
    return custody_phrase(facts.sentence_text)


def scheme_for(facts: ConvictionFacts | None) -> SchemeDecision:
    """The scheme one conviction puts its victim in, with the reason as a sentence."""
    if facts is None:
        return SchemeDecision(
            DISCRETIONARY,
            "No conviction is linked, so neither statutory scheme applies; contact is offered "
            "as good practice for a domestic-abuse victim.",
        )
    offence = facts.offence_title
    custodial = facts.sentence_type in CUSTODIAL
    long_enough = facts.sentence_type in INDETERMINATE or (
        term_at_least(facts.sentence_days, CUSTODY_MONTHS_THRESHOLD)
    )
    if facts.specified_violent_or_sexual and custodial and long_enough:
        return SchemeDecision(
            STATUTORY_VCS,
            f"{offence} is a specified violent or sexual offence and the sentence is "
            f"{_custody_phrase(facts)} (12 months or more): the statutory Victim Contact "
            "Scheme applies.",
            facts,
        )
    if facts.specified_violent_or_sexual and facts.sentence_type in HOSPITAL_ORDERS:
        return SchemeDecision(
            STATUTORY_VCS,
            f"{offence} is a specified violent or sexual offence and the disposal is a hospital "
            "order: the statutory Victim Contact Scheme applies to victims of mentally "
            "disordered offenders.",
            facts,
        )
    if custodial:
        outside = (
            f"the sentence is {_custody_phrase(facts)}, under 12 months"
            if facts.specified_violent_or_sexual
            else "it is not a specified violent or sexual offence"
        )
    elif facts.sentence_type == "suspended":
        outside = "the sentence is suspended, not immediate custody"
    elif facts.sentence_type in HOSPITAL_ORDERS:
        outside = "it is not a specified violent or sexual offence"
    else:
        outside = "the sentence is not custodial"
    # DOMAIN.md "Victims": the VNS tells stalking and harassment victims "of release *from
    # custody* ... (no custody, no VNS)". Without immediate custody there is no release to
    # tell of, so a suspended sentence, a community order or a fine gives no VNS.
    if facts.stalking_or_harassment and custodial:
        return SchemeDecision(
            VICTIM_NOTIFICATION_SCHEME,
            f"{offence} is stalking or harassment and the sentence is {_custody_phrase(facts)}, "
            f"but the statutory scheme does not apply ({outside}): the Victim Notification "
            "Scheme applies, to tell the victim of release from custody.",
            facts,
        )
    if facts.stalking_or_harassment:
        return SchemeDecision(
            DISCRETIONARY,
            f"{offence} is stalking or harassment, but {outside}: with no custody there is no "
            "release to tell of, so the Victim Notification Scheme does not apply (no custody, "
            "no VNS); contact is offered as good practice.",
            facts,
        )
    return SchemeDecision(
        DISCRETIONARY,
        f"The statutory scheme does not apply to {offence} ({outside}) and it is not stalking "
        "or harassment: contact is offered as good practice for a domestic-abuse victim.",
        facts,
    )


def scheme_for_any(convictions: Iterable[ConvictionFacts]) -> SchemeDecision:
    """The most protective scheme any linked conviction gives (statutory, then VNS, then
    discretionary); among equals, the most recent sentence."""
    decisions = [scheme_for(c) for c in convictions]
    if not decisions:
        return scheme_for(None)
    return min(
        decisions,
        key=lambda d: (
            _PRIORITY[d.scheme],
            -(
                d.conviction.sentenced_on.toordinal()
                if d.conviction and d.conviction.sentenced_on
                else 0
            ),
        ),
    )


@dataclass(frozen=True)
class DisclosureStep:
    label: str
    due_on: dt.date
    done_on: dt.date | None

    @property
    def late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due_on


def disclosure_steps(
    *,
    received_on: dt.date,
    initial_checks_on: dt.date | None,
    face_to_face_on: dt.date | None,
    completed_on: dt.date | None,
    target_days: int,
    meeting_working_days: int = 10,
    holidays: Collection[dt.date] = BANK_HOLIDAYS_ENGLAND_WALES,
) -> list[DisclosureStep]:
    """The interim and final targets of a disclosure case, with when each was met."""
    return [
        DisclosureStep(
            "Initial checks (within 24 hours)",
            received_on + dt.timedelta(days=1),
            initial_checks_on,
        ),
        DisclosureStep(
            f"Face-to-face meeting (within {meeting_working_days} working days)",
            add_working_days(received_on, meeting_working_days, holidays),
            face_to_face_on,
        ),
        DisclosureStep(
            f"Case completed (within {target_days} days)",
            received_on + dt.timedelta(days=target_days),
            completed_on,
        ),
    ]


def caseload_status(count: int, guide: int) -> str:
    if count > guide:
        return f"{count} victims: {count - guide} over the guide of {guide}"
    if count == guide:
        return f"{count} victims: at the guide of {guide}"
    return f"{count} victims, {guide - count} under the guide of {guide}"


@dataclass(frozen=True)
class ReferralClock:
    """When the Victim Contact Scheme referral falls due, and from what it was counted."""

    starts_on: dt.date
    due_on: dt.date
    from_sentence: bool
    explanation: str


def vcs_referral_clock(
    *,
    sentence_date: dt.date | None,
    conviction_date: dt.date,
    working_days: int,
    holidays: Collection[dt.date] = BANK_HOLIDAYS_ENGLAND_WALES,
) -> ReferralClock:
    """DOMAIN.md "Victims": "Referral to the Victim Contact Scheme within 20 working days of
    sentence (a practice setting ...; the clock needs a sentence date)". Counted from the
    sentence date; a record with none counts from the conviction date (the earliest the
    sentence can be, so the referral is never later than it should be) and says so."""
    start = sentence_date or conviction_date
    due = add_working_days(start, working_days, holidays)
    if sentence_date is not None:
        explanation = (
            f"Due {due.day} {due:%B %Y}: {working_days} working days from sentence on "
            f"{start.day} {start:%B %Y} (a practice setting)."
        )
    else:
        explanation = (
            f"Due {due.day} {due:%B %Y}: no sentence date is recorded, so counted "
            f"{working_days} working days from conviction on {start.day} {start:%B %Y}; "
            "record the sentence date to count from sentence (a practice setting)."
        )
    return ReferralClock(start, due, sentence_date is not None, explanation)
