"""MAPPA rules as pure functions (no database): unit-tested in tests/mappa/test_rules.py.

Each rule that decides something returns the reason with the answer, and names the
source it follows (the source report's appendix "MAPPA and ViSOR Overview", quoted
in DOMAIN.md "MAPPA"), so a page or the API can show which rule produced a decision.
Figures that are policy rather than law (meeting cadence, visit frequency, caseload
guides, how early Category 3 is considered) are settings in mappa.conf.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from notifications.rules import BANK_HOLIDAYS_ENGLAND_WALES, add_working_days
from register.rules import custody_phrase, term_at_least

CATEGORIES = (1, 2, 3, 4)
LEVELS = (1, 2, 3)
MULTI_AGENCY_LEVELS = (2, 3)

CATEGORY_LABELS = {
    1: "Category 1: registered sexual offender",
    2: "Category 2: violent or other sexual offender",
    3: "Category 3: other dangerous offender",
    4: "Category 4: terrorist or terrorist-risk offender",
}
LEVEL_LABELS = {
    1: "Level 1: single-agency management",
    2: "Level 2: multi-agency (MAPP meetings)",
    3: "Level 3: multi-agency, senior oversight (MAPP meetings)",
}


# Sources ----------------------------------------------------------------------------------

REPORT = 'Source report, appendix "MAPPA and ViSOR Overview"'


@dataclass(frozen=True)
class Source:
    """Where a rule comes from and the words it follows."""

    where: str
    quote: str

    def __str__(self) -> str:
        return f'{self.where}: "{self.quote}"'


CAT1_SOURCE = Source(
    f"{REPORT}, Category 1, termination of status",
    "Once the period of notification / registration expires, the offender will no longer be "
    "actively managed under MAPPA",
)
CAT1_DA_SOURCE = Source(
    f"{REPORT}, Category 1",
    "Registered Domestic abuse and stalking offenders would be managed in the same way as this "
    "category",
)
CAT2_SOURCE = Source(
    f'{REPORT}, Category 2 criteria (CJA 2003 s.327); DOMAIN.md "MAPPA"',
    "imprisonment for a term of 12 months or more (including indeterminate sentences) ... "
    "Suspended sentences with a term of 12 months or more a hospital order (with or without "
    "restrictions) or guardianship order",
)
CAT2_END_SOURCE = Source(
    f"{REPORT}, Category 2, termination of status",
    "When the offender's licence expires, they are discharged from the hospital or "
    "guardianship order or when the Community Treatment Order expires",
)
CAT3_SOURCE = Source(
    f'{REPORT}, Category 3 criteria; DOMAIN.md "MAPPA"',
    "Offenders who do not meet the criteria for Categories 1, 2 or 4 ... a conviction for any "
    "offence (current or historic, within the UK or abroad) received a formal caution ... been "
    "found not guilty of any offence by reason of insanity been found to be under a disability",
)
CAT3_LEVEL_SOURCE = Source(
    f"{REPORT}, Category 3, management",
    "Management for these offenders can take place at Levels 2 and 3",
)
CAT3_END_SOURCE = Source(
    f"{REPORT}, Category 3, termination of status",
    "When a Level 2 or 3 MAPPA meeting decides that the risk of harm has been reduced "
    "sufficiently or that the case no longer requires active multi-agency management",
)
CAT4_END_SOURCE = Source(
    f'{REPORT}, "Termination of MAPPA management - all categories"',
    "Category 1, 2 and 4 offenders ... coming to the end of their notification requirements or "
    "period of licence",
)
OTHER_END_SOURCE = Source(
    'DOMAIN.md "MAPPA"', "Other endings: death, removal from the UK, transfer"
)
CLOSING_PLAN_SOURCE = Source(
    f'{REPORT}, "Termination of MAPPA management - all categories"',
    "A closing Risk Management Plan should be created by the Manager and approved by the "
    "Supervisor",
)
CONSIDER_SOURCE = Source(
    f'{REPORT}, "Termination of MAPPA management - all categories"; DOMAIN.md "MAPPA"',
    "All Category 1, 2 and 4 offenders managed at Level 2 or 3 who are coming to the end of "
    "their notification requirements or period of licence must be reviewed and considered for "
    "registration as a Category 3",
)
ARCHIVE_SOURCE = Source(
    f'{REPORT}, "Termination of MAPPA management - all categories"; DOMAIN.md "MAPPA"',
    "review the record 2 years following archiving and then every subsequent 10 years from the "
    "archive date",
)


@dataclass(frozen=True)
class Outcome:
    eligible: bool
    explanation: str
    source: str = ""

    @property
    def shown(self) -> str:
        """The explanation with its source, as pages and the API show it."""
        return f"{self.explanation}. Source: {self.source}" if self.source else self.explanation


def format_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# Category and level -------------------------------------------------------------------------


def level_problem(category: int | None, level: int | None) -> str | None:
    """Why this category and level cannot go together, or None when they can."""
    if category not in CATEGORIES:
        return "Choose a MAPPA category from 1 to 4"
    if level not in LEVELS:
        return "Choose a MAPPA level from 1 to 3"
    if category == 3 and level not in MULTI_AGENCY_LEVELS:
        return (
            "Category 3 cases are managed at Level 2 or 3 only: a Category 3 case needs "
            "multi-agency management"
        )
    return None


def level_valid(category: int | None, level: int | None) -> bool:
    return level_problem(category, level) is None


# Category 2 eligibility ------------------------------------------------------------------
# CAT2_SOURCE: murder or a specified offence with custody of 12 months or more (indeterminate
# included), a suspended sentence of 12 months or more, or a hospital or guardianship order.

CUSTODY = frozenset({"immediate_custody", "life", "ipp"})
INDETERMINATE = frozenset({"life", "ipp"})
SUSPENDED = "suspended"
ORDERS = frozenset({"hospital_order", "hospital_order_restricted", "guardianship_order"})
CAT2_MIN_MONTHS = 12


@dataclass(frozen=True)
class ConvictionFacts:
    """What Categories 2 and 3 need to know about one conviction (from the register's records)."""

    offence: str
    cat2_specified: bool  # the offence catalogue's "MAPPA Category 2 specified offence" flag
    disposal: str
    sentence_type: str
    sentence_days: int | None  # the term in days (register.rules.term_days), consecutive added
    licence_end: dt.date | None = None  # the licence or order end recorded on the conviction
    sentence_text: str = ""  # the term as entered, e.g. "18 months"


def _term_twelve_months_or_more(c: ConvictionFacts) -> bool:
    return term_at_least(c.sentence_days, CAT2_MIN_MONTHS)


def _cat2_reason(c: ConvictionFacts) -> str | None:
    """Which Category 2 sentence this conviction had, or None (CAT2_SOURCE, row by row)."""
    if not c.cat2_specified:
        return None
    if c.sentence_type in INDETERMINATE:
        return f"{c.offence}: an indeterminate custodial sentence"
    if c.sentence_type in CUSTODY and _term_twelve_months_or_more(c):
        return f"{c.offence}: {custody_phrase(c.sentence_text)} (12 months or more)"
    if c.sentence_type == SUSPENDED and _term_twelve_months_or_more(c):
        return (
            f"{c.offence}: a suspended sentence of {c.sentence_text or 'unknown length'} (a term of "
            "12 months or more)"
        )
    if c.sentence_type in ORDERS:
        kind = "guardianship order" if c.sentence_type == "guardianship_order" else "hospital order"
        return f"{c.offence}: a {kind}"
    return None


def category_2_eligibility(convictions: Iterable[ConvictionFacts]) -> Outcome:
    """Category 2: murder or a specified offence with 12 months' custody or more (indeterminate
    included), a suspended sentence of 12 months or more, or a hospital or guardianship order."""
    facts = list(convictions)
    for conviction in facts:
        reason = _cat2_reason(conviction)
        if reason:
            return Outcome(True, f"Eligible for Category 2: {reason}", str(CAT2_SOURCE))
    if not any(c.cat2_specified for c in facts):
        return Outcome(
            False,
            "Not eligible for Category 2: no conviction for murder or a Category 2 specified "
            "offence is recorded",
            str(CAT2_SOURCE),
        )
    return Outcome(
        False,
        "Not eligible for Category 2: no specified offence led to 12 months' custody or more, "
        "a suspended sentence of 12 months or more, or a hospital or guardianship order",
        str(CAT2_SOURCE),
    )


def category_2_current(convictions: Iterable[ConvictionFacts], on: dt.date) -> Outcome:
    """Whether Category 2 still applies on `on`: a qualifying conviction whose licence or order
    has not ended (an end not recorded counts as not ended: CAT2_END_SOURCE)."""
    facts = list(convictions)
    qualifying = [(c, r) for c in facts for r in [_cat2_reason(c)] if r]
    if not qualifying:
        return category_2_eligibility(facts)
    running = [(c, r) for c, r in qualifying if c.licence_end is None or c.licence_end >= on]
    if running:
        c, reason = running[0]
        until = (
            f"its licence or order ends on {format_date(c.licence_end)}"
            if c.licence_end
            else "no licence or order end date is recorded on the conviction"
        )
        return Outcome(True, f"Category 2 applies: {reason}; {until}", str(CAT2_END_SOURCE))
    last = max(c.licence_end for c, _ in qualifying if c.licence_end)
    return Outcome(
        False,
        "Category 2 no longer applies: the licence or order of every qualifying conviction has "
        f"ended (the last on {format_date(last)})",
        str(CAT2_END_SOURCE),
    )


# Category 1 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationFacts:
    """The registration the notification requirements run under (the current one, else the
    latest that ended) and its recorded notification period."""

    registration_current: bool
    registration_ended_on: dt.date | None
    period_recorded: bool
    period_ends_on: dt.date | None  # the last day of a fixed period
    period_indefinite: bool


def category_1_current(n: NotificationFacts | None, on: dt.date) -> Outcome:
    """Whether the person is subject to notification requirements on `on` (CAT1_SOURCE)."""
    source = str(CAT1_SOURCE)
    if n is None:
        return Outcome(False, "Not in Category 1: the person has never been registered", source)
    if not n.registration_current:
        ended = format_date(n.registration_ended_on) if n.registration_ended_on else "earlier"
        return Outcome(False, f"Not in Category 1: the registration ended on {ended}", source)
    if n.period_recorded and not n.period_indefinite and n.period_ends_on is not None:
        if n.period_ends_on < on:
            return Outcome(
                False,
                "Not in Category 1: the notification period ended on "
                f"{format_date(n.period_ends_on)}",
                source,
            )
        return Outcome(
            True,
            f"Category 1: registered, notification period until {format_date(n.period_ends_on)}",
            source,
        )
    kind = "indefinite" if n.period_indefinite else "not recorded"
    return Outcome(True, f"Category 1: registered, notification period {kind}", source)


# Category 3 entry ------------------------------------------------------------------------

# CAT3_SOURCE: "a conviction for any offence ... a formal caution ... not guilty by reason of
# insanity ... under a disability and to have done the act charged".
CAT3_DISPOSALS = frozenset({"conviction", "caution", "not_guilty_insanity", "disability_finding"})


@dataclass(frozen=True)
class Category3Facts:
    disposals: tuple[str, ...]  # one per conviction, caution or finding on record
    category_1: Outcome
    category_2: Outcome
    category_4: bool  # an active Category 4 case (the register records no terrorism offences)


def category_3_entry(facts: Category3Facts) -> Outcome:
    """Category 3 needs a conviction, caution or finding on record and no Category 1, 2 or 4
    eligibility; whether the offence shows capacity for serious harm and needs multi-agency
    management is the coordinator's judgement (the referral decision)."""
    source = str(CAT3_SOURCE)
    if not any(d in CAT3_DISPOSALS for d in facts.disposals):
        return Outcome(
            False,
            "Not eligible for Category 3: no conviction, caution or finding (not guilty by "
            "reason of insanity, or under a disability and did the act) is on record",
            source,
        )
    if facts.category_1.eligible:
        return Outcome(
            False, f"Not eligible for Category 3: {facts.category_1.explanation}", source
        )
    if facts.category_2.eligible:
        return Outcome(
            False, f"Not eligible for Category 3: {facts.category_2.explanation}", source
        )
    if facts.category_4:
        return Outcome(False, "Not eligible for Category 3: the person is in Category 4", source)
    count = len([d for d in facts.disposals if d in CAT3_DISPOSALS])
    records = (
        "1 conviction, caution or finding"
        if count == 1
        else (f"{count} convictions, cautions or findings")
    )
    return Outcome(
        True,
        f"Eligible for Category 3: {records} on record and not in Category 1, 2 or 4; the "
        "coordinator decides whether the offending shows capacity for serious harm and needs "
        "multi-agency management",
        source,
    )


# Ending a case ---------------------------------------------------------------------------

NOTIFICATION_ENDED = "notification_ended"
LICENCE_ENDED = "licence_ended"
MEETING_DECIDED = "meeting_decided"
CATEGORY_4_ENDED = "category_4_ended"
DIED = "died"
REMOVED_FROM_UK = "removed_from_uk"
TRANSFERRED = "transferred"


@dataclass(frozen=True)
class Ending:
    label: str
    categories: frozenset[int]
    source: Source
    closing_plan: bool  # a closing plan approved by a supervisor first (CLOSING_PLAN_SOURCE)
    natural: bool  # the category's own end: Cat 1/2/4 at Level 2/3 are considered for Cat 3 first
    date_label: str = ""  # the event's date, required; "" when it defaults to today
    detail_prompt: str = "Enter the details of why the case ends"


ALL = frozenset(CATEGORIES)
ENDINGS: dict[str, Ending] = {
    NOTIFICATION_ENDED: Ending(
        "The notification period has ended", frozenset({1}), CAT1_SOURCE, True, True
    ),
    LICENCE_ENDED: Ending(
        "The licence or order has ended", frozenset({2}), CAT2_END_SOURCE, True, True
    ),
    MEETING_DECIDED: Ending(
        "A Level 2 or 3 meeting decided the risk has reduced",
        frozenset({3}),
        CAT3_END_SOURCE,
        True,
        False,
    ),
    CATEGORY_4_ENDED: Ending(
        "The terrorism notification requirements or licence have ended",
        frozenset({4}),
        CAT4_END_SOURCE,
        True,
        True,
    ),
    DIED: Ending(
        "The person has died",
        ALL,
        OTHER_END_SOURCE,
        False,  # nothing is left to manage
        False,
        "date of death",
        "Enter how the death was confirmed (for example the death certificate or coroner's "
        "reference)",
    ),
    REMOVED_FROM_UK: Ending(
        "The person has been removed from the UK",
        ALL,
        OTHER_END_SOURCE,
        True,
        False,
        "date of removal",
        "Enter the removal or deportation details (for example the Home Office reference)",
    ),
    TRANSFERRED: Ending(
        "The case was transferred to another MAPPA area",
        ALL,
        OTHER_END_SOURCE,
        True,
        False,
        "date of transfer",
        "Enter the MAPPA area and lead agency the case was transferred to",
    ),
}
TERMINATION_REASONS = {key: ending.label for key, ending in ENDINGS.items()}


def termination_problem(category: int, reason: str) -> str | None:
    """Why this reason cannot end a case of this category, or None when it can."""
    ending = ENDINGS.get(reason)
    if ending is None:
        return "Choose why the case ends"
    if category in ending.categories:
        return None
    own = [e.label.lower() for e in ENDINGS.values() if e.categories == frozenset({category})]
    source = next(e.source for e in ENDINGS.values() if e.categories == frozenset({category}))
    return (
        f"A Category {category} case ends only when {' or '.join(own)}, or on a death, removal "
        f"from the UK or transfer. Source: {source}"
    )


def category_3_consideration_required(category: int, level: int, reason: str) -> bool:
    """Cat 1, 2 and 4 cases at Level 2/3 reaching their own end are considered for Category 3
    first, and that decision is recorded (CONSIDER_SOURCE)."""
    ending = ENDINGS.get(reason)
    return ending is not None and ending.natural and category != 3 and level in MULTI_AGENCY_LEVELS


@dataclass(frozen=True)
class MeetingFacts:
    held: bool
    level: int
    discussed_case: bool
    risk_reduced: bool  # the meeting's recorded outcome for this case
    held_on: dt.date


@dataclass(frozen=True)
class EndingFacts:
    """What ending one case needs to know (from the case and the register's records)."""

    category: int
    level: int
    reason: str
    on: dt.date | None  # the date entered (the event's date for a death, removal or transfer)
    today: dt.date
    started_on: dt.date
    detail: str
    notification: NotificationFacts | None = None
    convictions: tuple[ConvictionFacts, ...] = ()
    case_ends_on: dt.date | None = None  # the end recorded on the case (Category 4)
    meeting: MeetingFacts | None = None
    closing_plan_approved: bool = False
    category_3_recorded: bool = False


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def _ended_fact(f: EndingFacts, on: dt.date) -> str | None:
    """Why the recorded facts do not show this category's own end by `on`, or None."""
    if f.reason == NOTIFICATION_ENDED:
        n = f.notification
        if (
            n is not None
            and not n.registration_current
            and n.registration_ended_on is not None
            and n.registration_ended_on <= on
        ):
            return None  # the registration itself ended: no requirement to notify is left
        if n is None or not n.period_recorded:
            return "no notification period is recorded for the person's registration"
        if n.period_indefinite:
            return (
                "the recorded notification period is indefinite: it ends only when the "
                "registration is ended on review"
            )
        if n.period_ends_on is None:  # pragma: no cover - a fixed period has an end
            return "the recorded notification period has no end date"
        if n.period_ends_on >= on:
            return (
                f"the recorded notification period runs until {format_date(n.period_ends_on)}, "
                f"so it has not ended on {format_date(on)}"
            )
        return None
    if f.reason == LICENCE_ENDED:
        current = category_2_current(f.convictions, on)
        if not any(_cat2_reason(c) for c in f.convictions):
            return (
                "no conviction that qualifies for Category 2 is recorded, so no licence or order "
                "end can be checked"
            )
        if current.eligible:
            return (
                current.explanation.replace("Category 2 applies: ", "")
                + f", so it has not ended on {format_date(on)}"
            )
        return None
    if f.reason == CATEGORY_4_ENDED:
        if f.case_ends_on is None:
            return (
                "no end of the terrorism notification requirements or licence is recorded on "
                "the case"
            )
        if f.case_ends_on >= on:
            return (
                f"the case records them as running until {format_date(f.case_ends_on)}, so they "
                f"have not ended on {format_date(on)}"
            )
        return None
    if f.reason == MEETING_DECIDED:
        m = f.meeting
        if m is None or not m.discussed_case or m.level not in MULTI_AGENCY_LEVELS:
            return "choose the Level 2 or 3 meeting that discussed this case"
        if not m.held:
            return "the meeting chosen has not been held (no minutes are recorded)"
        if not m.risk_reduced:
            return (
                "the meeting's recorded outcome for this case does not say the risk has reduced: "
                "record that outcome on the meeting first"
            )
        if m.held_on > on:
            return f"the meeting was held on {format_date(m.held_on)}, after that date"
        return None
    return None


def ending_problem(f: EndingFacts) -> Problem | None:
    """The first reason this case cannot end as asked (field and message naming the rule and
    its source), or None when it can."""
    wrong = termination_problem(f.category, f.reason)
    if wrong:
        return Problem("termination_reason", wrong)
    ending = ENDINGS[f.reason]
    if not f.detail.strip():
        return Problem("note", ending.detail_prompt)
    if ending.date_label and f.on is None:
        return Problem("terminated_on", f"Enter the {ending.date_label}")
    on = f.on or f.today
    if on > f.today:
        return Problem("terminated_on", "The date cannot be in the future")
    if on < f.started_on:
        return Problem(
            "terminated_on",
            f"The date cannot be before the case started on {format_date(f.started_on)}",
        )
    unmet = _ended_fact(f, on)
    if unmet:
        field = "meeting" if f.reason == MEETING_DECIDED else "termination_reason"
        return Problem(
            field,
            f'A Category {f.category} case ends as "{ending.label.lower()}" only when the '
            f"records show it: {unmet}. Source: {ending.source}",
        )
    if category_3_consideration_required(f.category, f.level, f.reason) and not (
        f.category_3_recorded
    ):
        return Problem(
            "termination_reason",
            "Record the Category 3 consideration first: this Level "
            f"{f.level} case is reaching its end. Source: {CONSIDER_SOURCE}",
        )
    if ending.closing_plan and not f.closing_plan_approved:
        return Problem(
            "termination_reason",
            "Write a closing risk management plan and have it approved before ending the case. "
            f"Source: {CLOSING_PLAN_SOURCE}",
        )
    return None


# Dates ------------------------------------------------------------------------------------


def first_meeting_due(
    accepted_on: dt.date,
    working_days: int = 20,
    holidays: Collection[dt.date] = BANK_HOLIDAYS_ENGLAND_WALES,
) -> dt.date:
    """First Level 2/3 meeting: within 20 working days of the accepted referral."""
    return add_working_days(accepted_on, working_days, holidays)


def review_interval_weeks(level: int, cadence: dict[int, int] | None = None) -> int | None:
    """Weeks between MAPP meeting reviews (16 at Level 2, 8 at Level 3); None at Level 1.
    The cadence is local policy (a setting), not law."""
    cadence = cadence or {2: 16, 3: 8}
    return cadence.get(level)


def next_review_due(
    last_meeting_on: dt.date, level: int, cadence: dict[int, int] | None = None
) -> dt.date | None:
    weeks = review_interval_weeks(level, cadence)
    return None if weeks is None else last_meeting_on + dt.timedelta(weeks=weeks)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` (either way); a day the month lacks becomes its last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def archive_review_due(
    archived_on: dt.date, number: int, first_years: int = 2, every_years: int = 10
) -> dt.date:
    """The date of the `number`th archive review (1 = the first): 2 years after archiving,
    then every 10 years *from the archive date* (10, 20, 30 years: ARCHIVE_SOURCE).

    Counted from the archive date each time (not from the previous review), so a
    29 February archive returns to 29 February in the leap years it can.
    """
    if number < 1:
        raise ValueError("review numbers start at 1")
    if number == 1:
        return add_years(archived_on, first_years)
    return add_years(archived_on, every_years * (number - 1))


def archive_reviews(
    archived_on: dt.date, count: int, first_years: int = 2, every_years: int = 10
) -> list[dt.date]:
    return [
        archive_review_due(archived_on, n, first_years, every_years) for n in range(1, count + 1)
    ]


def category_3_consideration_due(
    category: int, level: int, ends_on: dt.date | None, months_before: int = 3
) -> dt.date | None:
    """Cat 1, 2 and 4 cases at Level 2/3 nearing their end must be considered for Category 3
    (CONSIDER_SOURCE); how many months before the end is a policy setting."""
    if category == 3 or level not in MULTI_AGENCY_LEVELS or ends_on is None:
        return None
    return add_months(ends_on, -months_before)


DEFAULT_VISIT_DAYS = {"very_high": 14, "high": 28, "medium": 56, "low": 91, "": 91}


def visit_interval_days(
    risk_level: str, plan_days: int | None = None, defaults: dict[str, int] | None = None
) -> int:
    """Days between home visits: the plan's frequency when it sets one, else by risk level
    (a policy setting, not law)."""
    if plan_days:
        return plan_days
    defaults = defaults or DEFAULT_VISIT_DAYS
    return defaults.get(risk_level or "", defaults.get("", 91))


def next_visit_due(
    last_visit_on: dt.date,
    risk_level: str,
    plan_days: int | None = None,
    defaults: dict[str, int] | None = None,
) -> dt.date:
    return last_visit_on + dt.timedelta(days=visit_interval_days(risk_level, plan_days, defaults))


# Caseload guides ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideCheck:
    label: str
    count: int
    limit: int
    over: bool


def caseload_checks(
    total: int,
    high: int,
    very_high: int,
    *,
    om_max: int = 60,
    specialist_overall: int = 38,
    specialist_high: int = 10,
    specialist_very_high: int = 6,
) -> list[GuideCheck]:
    """Each caseload guide with this manager's count and whether it is over the guide."""
    rows = [
        ("Cases per offender manager (guide 50 to 60)", total, om_max),
        ("Specialist team: all cases (guide 1:38)", total, specialist_overall),
        ("Specialist team: high risk (guide 1:10)", high, specialist_high),
        ("Specialist team: very high risk (guide 1:6)", very_high, specialist_very_high),
    ]
    return [GuideCheck(label, count, limit, count > limit) for label, count, limit in rows]
