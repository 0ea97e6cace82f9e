"""Eligibility criteria and RFGV priority, as pure functions over plain facts.

No Django and no database: register.eligibility and register.priority build these dataclasses
from the models. Keeping the rules pure lets them be tested with worked cases, and lets every
outcome carry its own explanation, naming the records it rests on, so a registration decision
can show which rule produced it (DOMAIN.md, "Offences and the eligibility question" and
"Prioritisation").

Explanations are written for police and probation staff, not developers: plain English, offence
titles as charged, dates as "3 May 2021". Victims are called "victim 1", "victim 2"... rather
than by their reference, because victim details are compartmentalised from offender-side staff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

SPECIFIED_STALKING = "stalking"
SPECIFIED_DA = "da"

TEST_CONVICTED_SERIAL_OR_HIGH_RISK = "convicted_serial_or_high_risk"
TEST_NPCC_SERIAL = "npcc_serial"

DISPOSAL_CONVICTION = "conviction"
DISPOSAL_CAUTION = "caution"
DISPOSAL_NOT_GUILTY_INSANITY = "not_guilty_insanity"
DISPOSAL_DISABILITY_FINDING = "disability_finding"
# Findings of insanity or disability are treated as convictions: the person did the act.
COUNTED_DISPOSALS = frozenset(
    {DISPOSAL_CONVICTION, DISPOSAL_NOT_GUILTY_INSANITY, DISPOSAL_DISABILITY_FINDING}
)

DA_RELATIONSHIPS = frozenset({"intimate_partner", "ex_partner", "family_member"})

RISK_LEVEL_ORDER = {"low": 0, "medium": 1, "high": 2, "very_high": 3}

SAFEGUARD_RULE = (
    "Misidentified-victim safeguard: a primary-aggressor review must find the primary aggressor"
)
SPECIFIED_RULE = "Convicted of a specified DA or stalking offence"
# The 2024 Lords amendment applies "as a condition of the release and licence": the qualifying
# conviction itself carries custody with a licence (DOMAIN.md, "Offences and the eligibility
# question"); old custody for another conviction does not count.
CUSTODIAL_RULE = (
    "Sentenced to immediate custody with a licence for the qualifying conviction (a condition of "
    "the release and licence)"
)
# "Serial" is contested (DOMAIN.md): each criteria set says which reading it uses.
SERIAL_OCCASIONS = "occasions"
SERIAL_OFFENCES = "offences"
SERIAL_EITHER = "either"
SERIAL_READINGS = {
    SERIAL_OCCASIONS: "separate occasions (convicted on more than one occasion)",
    SERIAL_OFFENCES: "separate offences (convicted of more than one specified offence)",
    SERIAL_EITHER: "either separate occasions or separate offences",
}
# Associated offences (attempt, conspiracy, aiding and abetting, encouraging or assisting) count
# as the criteria set says (DOMAIN.md: "a specified DA or stalking offence (or an associated
# offence)").
_ASSOCIATED_LABELS = {
    "attempt": "attempt",
    "conspiracy": "conspiracy",
    "aiding_abetting": "aiding, abetting, counselling or procuring",
    "encouraging": "encouraging or assisting",
}
INDETERMINATE_SENTENCES = frozenset({"life", "ipp"})
SERIAL_RULE = (
    "(a) Relevant serial offender: convicted on more than one occasion of the same specified "
    "offence, or of more than one specified offence"
)
EITHER_RULE = "Either (a) relevant serial offender or (b) high risk of serious harm"

_DISPOSAL_LABELS = {
    DISPOSAL_CONVICTION: "conviction",
    DISPOSAL_CAUTION: "caution",
    DISPOSAL_NOT_GUILTY_INSANITY: "found not guilty by reason of insanity",
    DISPOSAL_DISABILITY_FINDING: "found under a disability to have done the act",
}
_KIND_LABELS = {SPECIFIED_STALKING: "stalking", SPECIFIED_DA: "domestic abuse"}
_TOOL_LABELS = {
    "oasys_rosh": "OASys RoSH",
    "dash": "DASH",
    "sash": "SASH",
    "specss": "SPECSS+",
    "arms": "ARMS",
    "other": "other tool",
}
_RELATIONSHIP_LABELS = {
    "intimate_partner": "intimate partner",
    "ex_partner": "ex-partner",
    "family_member": "family member",
    "other": "not a partner or family member",
}


# --- Sentence terms ---------------------------------------------------------------------------
#
# A term is kept as entered (an amount and a unit) and compared in days, by one rule: a day is 1,
# a week 7, a year 365.25 days (the average calendar year) and a month a twelfth of that (30.4375
# days), rounded half up to a whole day. So 6 months is 183 days, 26 weeks (182 days) is not more
# than 6 months and 28 weeks (196 days) is; 12 months is 365 days and 52 weeks (364) is short of
# it; N years is always the same number of days as 12N months. Thresholds in the statutes are
# stated in months ("30 months or more", "more than 6 months", "12 months or more"), so they are
# compared through the same rule (SOA 2003 s.82(1); Criminal Justice Act 2003 s.325 and the MAPPA
# Guidance for Category 2; DOMAIN.md "Notification requirements").

TERM_DAYS = "days"
TERM_WEEKS = "weeks"
TERM_MONTHS = "months"
TERM_YEARS = "years"
# Days per unit as a fraction (numerator, denominator), so the rounding is exact.
_TERM_FACTORS: dict[str, tuple[int, int]] = {
    TERM_DAYS: (1, 1),
    TERM_WEEKS: (7, 1),
    TERM_MONTHS: (1461, 48),  # 365.25 / 12
    TERM_YEARS: (1461, 4),  # 365.25
}
_TERM_SINGULAR = {TERM_DAYS: "day", TERM_WEEKS: "week", TERM_MONTHS: "month", TERM_YEARS: "year"}


def term_days(amount: int | None, unit: str | None) -> int | None:
    """A term entered as `amount` `unit` in whole days (see the rule above); None if not given."""
    if amount is None or not unit:
        return None
    if unit not in _TERM_FACTORS:
        raise ValueError(f"unknown unit of a term: {unit!r}")
    if amount < 0:
        raise ValueError("a term cannot be negative")
    numerator, denominator = _TERM_FACTORS[unit]
    return (amount * numerator * 2 + denominator) // (denominator * 2)  # round half up


def term_at_least(days: int | None, months: int = 12) -> bool:
    """A term of `days` is `months` months or more ("12 months or more"); unknown is not."""
    threshold = term_days(months, TERM_MONTHS)
    return days is not None and threshold is not None and days >= threshold


def term_more_than(days: int | None, months: int) -> bool:
    """A term of `days` is more than `months` months ("more than 6 months"); unknown is not."""
    threshold = term_days(months, TERM_MONTHS)
    return days is not None and threshold is not None and days > threshold


def describe_term(amount: int | None, unit: str | None, days: int | None = None) -> str:
    """'28 weeks'; with `days` differing from the entered term, '28 weeks (196 days)'."""
    if amount is None or not unit:
        return f"{_plural(days, 'day')}" if days is not None else "length not recorded"
    text = _plural(amount, _TERM_SINGULAR.get(unit, unit))
    if days is not None and unit != TERM_DAYS:
        text += f" ({_plural(days, 'day')})"
    return text


def custody_phrase(sentence_text: str) -> str:
    """'12 months' custody', "1 month's custody"; unknown length when no term is recorded."""
    if not sentence_text:
        return "custody of unknown length"
    return f"{sentence_text}{chr(39) if sentence_text.endswith('s') else chr(39) + 's'} custody"


def aggregate_terms(terms: dict[str, tuple[int | None, str | None]]) -> dict[str, int | None]:
    """Each term with the terms it runs consecutively to added (SOA 2003 s.82(3)-(4)).

    `terms` maps a record id to (its own term in days, the id it runs consecutively to, or None).
    Consecutive terms are treated as one term of their aggregate, so every conviction in a chain
    gets the chain's total. A chain that loops, or points at a record not given, stops there.
    """
    parent = {key: link for key, (_, link) in terms.items() if link in terms and link != key}
    children: dict[str, list[str]] = {}
    for key, link in parent.items():
        children.setdefault(link, []).append(key)

    def root(key: str) -> str:
        path = [key]
        while key in parent and parent[key] not in path:
            key = parent[key]
            path.append(key)
        if key in parent:  # a loop: every record on it shares one root
            return min(path[path.index(parent[key]) :])
        return key

    groups: dict[str, list[str]] = {}
    for key in terms:
        groups.setdefault(root(key), []).append(key)
    totals: dict[str, int | None] = {}
    for members in groups.values():
        own = [terms[m][0] for m in members]
        total = sum(d for d in own if d is not None) if any(d is not None for d in own) else None
        for m in members:
            # A chain of one is just its own term.
            totals[m] = terms[m][0] if len(members) == 1 else total
    return totals


# --- Facts and settings ---------------------------------------------------------------------


@dataclass(frozen=True)
class ConvictionFact:
    record_id: str
    offence_code: str
    offence_title: str
    specified_kind: str | None
    disposal: str
    custodial: bool
    sentence_days: int | None  # consecutive terms already added (aggregate_terms)
    offence_date: dt.date | None
    conviction_date: dt.date
    age_at_offence: int | None
    spent: bool
    sentence_text: str = ""  # the term as entered, e.g. "28 weeks"
    sentence_type: str = ""
    sentence_date: dt.date | None = None
    licence_start: dt.date | None = None
    licence_end: dt.date | None = None
    associated_form: str = ""  # "" = the offence itself; else attempt, conspiracy...
    victim_age: int | None = None  # the victim's age at the offence, when recorded


@dataclass(frozen=True)
class RiskFact:
    record_id: str
    tool: str
    assessed_on: dt.date
    level: str


@dataclass(frozen=True)
class IncidentFact:
    record_id: str
    occurred_on: dt.date
    victim_key: str
    relationship: str
    threatened_only: bool
    age_at_incident: int | None


@dataclass(frozen=True)
class AggressorReviewFact:
    """The latest primary-aggressor review (register.models.PrimaryAggressorReview)."""

    record_id: str
    outcome: str  # one of REVIEW_FINDINGS' keys
    reviewed_on: dt.date
    reviewer: str  # the supervisor's name, as staff know them


@dataclass(frozen=True)
class PersonFacts:
    convictions: tuple[ConvictionFact, ...] = ()
    risk_assessments: tuple[RiskFact, ...] = ()
    incidents: tuple[IncidentFact, ...] = ()
    possible_misidentified_victim: bool = False
    # Why the flag was raised, in words ("counter-allegation"), when it is.
    misidentification: str = ""
    primary_aggressor_review: AggressorReviewFact | None = None


@dataclass(frozen=True)
class CriteriaSettings:
    key: str
    name: str
    test: str
    custodial_only: bool = False
    count_spent: bool = True
    count_cautions: bool = False
    historic_before: dt.date | None = None
    count_historic: bool = True
    da_min_age: int = 16
    stalking_min_age: int = 10
    risk_tools: tuple[str, ...] = ("oasys_rosh",)
    risk_levels: tuple[str, ...] = ("high", "very_high")
    window_years: int = 3
    min_victims: int = 2
    serial_reading: str = SERIAL_EITHER
    count_associated: bool = True


@dataclass(frozen=True)
class RuleCheck:
    """One rule and its result. record_ids are the records the detail names, in that order."""

    rule: str
    passed: bool
    detail: str
    record_ids: tuple[str, ...] = ()
    source: str = ""  # the rule's source, shown beside it (RULE_SOURCES)


@dataclass(frozen=True)
class EligibilityOutcome:
    criteria_key: str
    criteria_name: str
    criteria_met: bool
    blocked: bool
    checks: tuple[RuleCheck, ...]

    @property
    def can_register(self) -> bool:
        return self.criteria_met and not self.blocked


# --- Small helpers ----------------------------------------------------------------------------


def format_date(day: dt.date) -> str:
    """3 May 2021 (no leading zero, as staff write it)."""
    return f"{day.day} {day:%B %Y}"


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def join_words(items: Sequence[str], conjunction: str = "and") -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


def _label(labels: dict[str, str], value: str) -> str:
    return labels.get(value, value.replace("_", " "))


def describe_conviction(c: ConvictionFact) -> str:
    disposal = (
        "" if c.disposal == DISPOSAL_CONVICTION else f" ({_label(_DISPOSAL_LABELS, c.disposal)})"
    )
    form = (
        f" ({_ASSOCIATED_LABELS.get(c.associated_form, c.associated_form)})"
        if c.associated_form
        else ""
    )
    return f"{c.offence_title}{form}{disposal} on {format_date(c.conviction_date)}"


def _by_date(convictions: Iterable[ConvictionFact]) -> list[ConvictionFact]:
    return sorted(convictions, key=lambda c: (c.conviction_date, c.record_id))


def _sentence(c: ConvictionFact) -> str:
    if c.custodial:
        length = f" of {c.sentence_text}" if c.sentence_text else ""
        return f"immediate custody{length}"
    return "no immediate custody"


# --- Convictions ------------------------------------------------------------------------------


def conviction_exclusions(
    c: ConvictionFact, criteria: CriteriaSettings, as_of: dt.date
) -> list[str]:
    """Every reason this conviction does not count under the criteria set (empty: it counts).

    All reasons are given, not just the first, so that changing one setting does not reveal a
    second, previously unexplained, obstacle.
    """
    reasons: list[str] = []
    if c.specified_kind not in _KIND_LABELS:
        reasons.append("not a specified domestic abuse or stalking offence")
    if c.conviction_date > as_of:
        reasons.append(f"dated after {format_date(as_of)}, the date being assessed")
    if c.disposal == DISPOSAL_CAUTION:
        if not criteria.count_cautions:
            reasons.append("a caution, and this criteria set does not count cautions")
    elif c.disposal not in COUNTED_DISPOSALS:
        reasons.append(f"the disposal ({c.disposal}) is not one this criteria set counts")
    if c.associated_form and not criteria.count_associated:
        reasons.append(
            f"an associated offence ({_label(_ASSOCIATED_LABELS, c.associated_form)}), and this "
            "criteria set does not count associated offences"
        )
    if c.specified_kind == SPECIFIED_DA and c.victim_age is not None and c.victim_age < 16:
        reasons.append(
            f"the victim was {c.victim_age} at the offence: domestic abuse under the Domestic "
            "Abuse Act 2021 s.1 needs both people to be 16 or over"
        )
    if c.spent and not criteria.count_spent:
        reasons.append("spent, and this criteria set does not count spent convictions")
    if (
        criteria.historic_before is not None
        and c.conviction_date < criteria.historic_before
        and not criteria.count_historic
    ):
        reasons.append(
            f"historic (before {format_date(criteria.historic_before)}), and this criteria set "
            "does not count historic convictions"
        )
    if c.specified_kind in _KIND_LABELS:
        min_age = (
            criteria.stalking_min_age
            if c.specified_kind == SPECIFIED_STALKING
            else criteria.da_min_age
        )
        if c.age_at_offence is None:
            reasons.append(
                f"age at offence unknown, so the minimum age of {min_age} for "
                f"{_KIND_LABELS[c.specified_kind]} cannot be confirmed"
            )
        elif c.age_at_offence < min_age:
            reasons.append(
                f"aged {c.age_at_offence} at the offence, under the minimum age of {min_age} "
                f"for {_KIND_LABELS[c.specified_kind]}"
            )
    return reasons


def _screen_convictions(
    facts: PersonFacts, criteria: CriteriaSettings, as_of: dt.date
) -> tuple[list[ConvictionFact], list[tuple[ConvictionFact, list[str]]]]:
    counted: list[ConvictionFact] = []
    excluded: list[tuple[ConvictionFact, list[str]]] = []
    for c in _by_date(facts.convictions):
        reasons = conviction_exclusions(c, criteria, as_of)
        if reasons:
            excluded.append((c, reasons))
        else:
            counted.append(c)
    return counted, excluded


def _specified_check(
    counted: list[ConvictionFact], excluded: list[tuple[ConvictionFact, list[str]]]
) -> RuleCheck:
    parts: list[str] = []
    if counted:
        parts.append(
            f"{_plural(len(counted), 'qualifying conviction')}: "
            f"{join_words([describe_conviction(c) for c in counted])}."
        )
    elif excluded:
        parts.append("No conviction counts under this criteria set.")
    else:
        parts.append("No convictions, cautions or findings are recorded.")
    unknown_victim_age = [
        c for c in counted if c.specified_kind == SPECIFIED_DA and c.victim_age is None
    ]
    if unknown_victim_age:
        parts.append(
            "The victim's age is not recorded for "
            + join_words([describe_conviction(c) for c in unknown_victim_age])
            + ", so the Domestic Abuse Act 2021 s.1 test that both people are 16 or over is "
            "confirmed for this person only."
        )
    for c, reasons in excluded:
        parts.append(f"{describe_conviction(c)} excluded: {'; '.join(reasons)}.")
    # Only the convictions that count are its evidence (issue 10, finding 1): an excluded one
    # named in the detail must never be taken as a record the decision relied on.
    return RuleCheck(
        rule=SPECIFIED_RULE,
        passed=bool(counted),
        detail=" ".join(parts),
        record_ids=_unique(c.record_id for c in counted),
    )


def licence_ends(c: ConvictionFact) -> dt.date | None:
    """When the licence for this custody ends: as recorded, else the end of the term counted from
    the sentence (or conviction) date, as a standard determinate sentence's licence runs to the
    end of the term; None for life and IPP (on licence for life) or when nothing says."""
    if c.licence_end is not None:
        return c.licence_end
    if c.sentence_type in INDETERMINATE_SENTENCES or c.sentence_days is None:
        return None
    return (c.sentence_date or c.conviction_date) + dt.timedelta(days=c.sentence_days)


def custody_with_licence(c: ConvictionFact, as_of: dt.date) -> tuple[bool, str]:
    """Whether this conviction itself carries custody with a licence still to run, and why."""
    if not c.custodial:
        return False, f"{describe_conviction(c)}: {_sentence(c)}, so no release on licence"
    ends = licence_ends(c)
    if ends is not None and ends < as_of:
        recorded = "the licence ended" if c.licence_end else "the term (and its licence) ended"
        return False, (
            f"{describe_conviction(c)}: {_sentence(c)}, but {recorded} on {format_date(ends)}, "
            "so no release and licence follow from it now"
        )
    if c.sentence_type in INDETERMINATE_SENTENCES:
        return True, f"{describe_conviction(c)}: {_sentence(c)}, on licence for life once released"
    until = f" until {format_date(ends)}" if ends else " (licence dates not recorded)"
    return True, f"{describe_conviction(c)}: {_sentence(c)}, with a licence{until}"


def _custodial_check(counted: list[ConvictionFact], as_of: dt.date) -> RuleCheck:
    """The Lords custodial condition, read on each qualifying conviction itself (finding 8)."""
    if not counted:
        return RuleCheck(
            CUSTODIAL_RULE,
            False,
            "There is no qualifying conviction, so no custodial sentence to count.",
        )
    results = [(c, *custody_with_licence(c, as_of)) for c in counted]
    passing = [(c, why) for c, ok, why in results if ok]
    if passing:
        detail = " ".join(f"{why}." for _, why in passing)
        ids = [c.record_id for c, _ in passing]
    else:
        detail = (
            "No qualifying conviction carries immediate custody with a licence still to run (a "
            "suspended sentence is not custody, and custody for another, older conviction does "
            "not count): " + "; ".join(why for _, _, why in results) + "."
        )
        ids = [c.record_id for c in counted]
    return RuleCheck(CUSTODIAL_RULE, bool(passing), detail, _unique(ids))


def serial_rule(reading: str) -> str:
    return f"{SERIAL_RULE}; read as {_label(SERIAL_READINGS, reading)}"


def _serial_check(counted: list[ConvictionFact], reading: str = SERIAL_EITHER) -> RuleCheck:
    """(a) relevant serial offender, in the reading the criteria set names (finding 8).

    Separate occasions: the qualifying convictions fall on more than one date. Separate offences:
    they are for more than one specified offence (the same day or not). Either: one or the other.
    """
    rule = serial_rule(reading)
    if reading not in SERIAL_READINGS:
        raise ValueError(f"Unknown reading of serial: {reading!r}")
    ids = _unique(c.record_id for c in counted)
    if not counted:
        return RuleCheck(rule, False, "There is no qualifying conviction.", ())
    by_code: dict[str, list[ConvictionFact]] = {}
    for c in counted:
        by_code.setdefault(c.offence_code, []).append(c)
    occasions = sorted({c.conviction_date for c in counted})
    by_occasions = len(occasions) > 1
    by_offences = len(by_code) > 1
    reading_text = f'This criteria set reads "serial" as {SERIAL_READINGS[reading]}.'
    facts: list[str] = []
    if by_occasions:
        facts.append(
            f"Convicted on {len(occasions)} separate occasions: "
            f"{join_words([format_date(d) for d in occasions])}."
        )
    if by_offences:
        titles = [group[0].offence_title for group in by_code.values()]
        facts.append(
            f"Convicted of {len(by_code)} different specified offences: {join_words(titles)}."
        )
    passed = {
        SERIAL_OCCASIONS: by_occasions,
        SERIAL_OFFENCES: by_offences,
        SERIAL_EITHER: by_occasions or by_offences,
    }[reading]
    if not facts:
        # One offence, one occasion: several counts on the same day are still one occasion.
        only = counted[0]
        if len(counted) > 1:
            facts.append(
                f"{len(counted)} convictions for {only.offence_title}, all on "
                f"{format_date(only.conviction_date)}: that is one occasion of one offence."
            )
        else:
            facts.append(
                f"Only {describe_conviction(only)}: one specified offence on one occasion."
            )
    elif not passed:
        facts.append(
            "That does not meet this reading: "
            + ("only one occasion." if reading == SERIAL_OCCASIONS else "only one offence.")
        )
    return RuleCheck(rule, passed, " ".join([*facts, reading_text]), ids)


def _risk_rule(criteria: CriteriaSettings) -> str:
    tools = join_words([_label(_TOOL_LABELS, t) for t in criteria.risk_tools], "or")
    levels = join_words([_label({}, lv) for lv in criteria.risk_levels], "or")
    return (
        f"(b) Latest risk of serious harm assessment ({tools or 'no tool named'}) "
        f"rated {levels or '(no level named)'}"
    )


def _describe_risk(r: RiskFact) -> str:
    return (
        f"{_label(_TOOL_LABELS, r.tool)} assessment on {format_date(r.assessed_on)} "
        f"rated {_label({}, r.level)}"
    )


def _risk_check(facts: PersonFacts, criteria: CriteriaSettings, as_of: dt.date) -> RuleCheck:
    rule = _risk_rule(criteria)
    if not criteria.risk_tools or not criteria.risk_levels:
        return RuleCheck(
            rule,
            False,
            "This criteria set names no risk assessment tool or level, so (b) cannot be met.",
        )
    tools = set(criteria.risk_tools)
    relevant = sorted(
        (r for r in facts.risk_assessments if r.tool in tools),
        key=lambda r: (r.assessed_on, RISK_LEVEL_ORDER.get(r.level, -1), r.record_id),
    )
    future = [r for r in relevant if r.assessed_on > as_of]
    current = [r for r in relevant if r.assessed_on <= as_of]
    other_tools = sorted(
        (r for r in facts.risk_assessments if r.tool not in tools and r.assessed_on <= as_of),
        key=lambda r: (r.assessed_on, r.record_id),
    )

    parts: list[str] = []
    named: list[RiskFact] = []
    passed = False
    if not current:
        tool_names = join_words([_label(_TOOL_LABELS, t) for t in criteria.risk_tools], "or")
        parts.append(f"No {tool_names} assessment is recorded on or before {format_date(as_of)}.")
    else:
        latest_day = current[-1].assessed_on
        same_day = [r for r in current if r.assessed_on == latest_day]
        # Same-day assessments: the higher level is used, so a level is never lowered silently.
        latest = same_day[-1]
        passed = latest.level in criteria.risk_levels
        verdict = "which meets (b)" if passed else "which does not meet (b)"
        parts.append(f"The latest is the {_describe_risk(latest)}, {verdict}.")
        named.append(latest)
        if len(same_day) > 1:
            parts.append(
                f"{len(same_day)} assessments are dated {format_date(latest_day)} ("
                + join_words([_label({}, r.level) for r in reversed(same_day)])
                + "): the highest level is used."
            )
            named.extend(r for r in same_day if r is not latest)
        superseded = [
            r for r in current if r.assessed_on < latest_day and r.level in criteria.risk_levels
        ]
        if superseded and not passed:
            parts.append(
                "Superseded by the latest: "
                + join_words([_describe_risk(r) for r in superseded])
                + "."
            )
            named.extend(superseded)
    for r in future:
        parts.append(
            f"Ignored: {_describe_risk(r)}, dated after {format_date(as_of)}, the date being "
            "assessed."
        )
        named.append(r)
    if other_tools:
        parts.append(
            "Not considered, because this criteria set uses other tools: "
            + join_words([_describe_risk(r) for r in other_tools])
            + "."
        )
        named.extend(other_tools)
    return RuleCheck(rule, passed, " ".join(parts), _unique(r.record_id for r in named))


def _either_check(serial: RuleCheck, risk: RuleCheck) -> RuleCheck:
    if serial.passed and risk.passed:
        detail = "Met by both (a) relevant serial offender and (b) high risk of serious harm."
    elif serial.passed:
        detail = "Met by (a) relevant serial offender."
    elif risk.passed:
        detail = "Met by (b) high risk of serious harm."
    else:
        detail = "Neither (a) nor (b) is met."
    ids = (serial.record_ids if serial.passed else ()) + (
        risk.record_ids[:1] if risk.passed else ()
    )
    return RuleCheck(EITHER_RULE, serial.passed or risk.passed, detail, _unique(ids))


def _convicted_serial_or_high_risk(
    facts: PersonFacts, criteria: CriteriaSettings, as_of: dt.date
) -> tuple[bool, list[RuleCheck]]:
    counted, excluded = _screen_convictions(facts, criteria, as_of)
    checks = [_specified_check(counted, excluded)]
    if criteria.custodial_only:
        checks.append(_custodial_check(counted, as_of))
    serial = _serial_check(counted, criteria.serial_reading)
    risk = _risk_check(facts, criteria, as_of)
    either = _either_check(serial, risk)
    # (a) and (b) are alternatives: only their combination is a condition of the set.
    met = all(check.passed for check in checks) and either.passed
    return met, [*checks, serial, risk, either]


# --- NPCC serial perpetrator ------------------------------------------------------------------


def incident_exclusions(
    i: IncidentFact, criteria: CriteriaSettings, as_of: dt.date, window_start: dt.date
) -> list[str]:
    """Every reason this reported incident does not count under the NPCC test (empty: it counts)."""
    reasons: list[str] = []
    if i.occurred_on > as_of:
        reasons.append(f"dated after {format_date(as_of)}, the date being assessed")
    elif i.occurred_on < window_start:
        reasons.append(
            f"outside the {criteria.window_years}-year window (before {format_date(window_start)})"
        )
    if i.relationship not in DA_RELATIONSHIPS:
        reasons.append("the victim is not a partner, ex-partner or family member")
    if i.age_at_incident is None:
        reasons.append(
            f"age at the incident unknown, so the minimum age of {criteria.da_min_age} for "
            "domestic abuse cannot be confirmed"
        )
    elif i.age_at_incident < criteria.da_min_age:
        reasons.append(
            f"aged {i.age_at_incident} at the incident, under the minimum age of "
            f"{criteria.da_min_age} for domestic abuse"
        )
    if not i.victim_key.strip():
        reasons.append("no victim reference is recorded, so it cannot be told apart by victim")
    return reasons


def _npcc_serial(
    facts: PersonFacts, criteria: CriteriaSettings, as_of: dt.date
) -> tuple[bool, list[RuleCheck]]:
    window_start = years_before(as_of, criteria.window_years)
    incidents = sorted(facts.incidents, key=lambda i: (i.occurred_on, i.record_id))
    # Numbered by first appearance across all incidents, so the same person keeps one number
    # whether or not their incidents count.
    numbers: dict[str, int] = {}
    for i in incidents:
        if i.victim_key.strip():
            numbers.setdefault(i.victim_key, len(numbers) + 1)

    def describe(i: IncidentFact) -> str:
        victim = f"victim {numbers[i.victim_key]}" if i.victim_key in numbers else "a victim"
        threatened = ", threatened only" if i.threatened_only else ""
        relationship = _label(_RELATIONSHIP_LABELS, i.relationship)
        return (
            f"incident on {format_date(i.occurred_on)} against {victim} "
            f"({relationship}{threatened})"
        )

    counted: list[IncidentFact] = []
    excluded: list[tuple[IncidentFact, list[str]]] = []
    for i in incidents:
        reasons = incident_exclusions(i, criteria, as_of, window_start)
        if reasons:
            excluded.append((i, reasons))
        else:
            counted.append(i)

    period = f"between {format_date(window_start)} and {format_date(as_of)}"
    parts: list[str] = []
    if counted:
        parts.append(
            f"{_plural(len(counted), 'qualifying incident')}: "
            f"{join_words([describe(i) for i in counted])}."
        )
    elif excluded:
        parts.append(f"No reported incident counts {period}.")
    else:
        parts.append("No domestic abuse incidents are reported.")
    for i, reasons in excluded:
        text = describe(i)
        parts.append(f"{text[0].upper()}{text[1:]} excluded: {'; '.join(reasons)}.")
    reported = RuleCheck(
        rule=(
            "Reported domestic abuse (committed or threatened) against a partner, ex-partner or "
            f"family member {period}"
        ),
        passed=bool(counted),
        detail=" ".join(parts),
        record_ids=_unique([i.record_id for i in counted] + [i.record_id for i, _ in excluded]),
    )

    by_victim: dict[str, list[IncidentFact]] = {}
    for i in counted:
        by_victim.setdefault(i.victim_key, []).append(i)
    # A threshold of zero would put everyone on the register: at least one victim is needed.
    needed = max(criteria.min_victims, 1)
    passed = len(by_victim) >= needed
    summary = join_words(
        [
            f"victim {numbers[key]} ("
            f"{'incidents' if len(group) > 1 else 'incident'} on "
            f"{join_words([format_date(i.occurred_on) for i in group])})"
            for key, group in by_victim.items()
        ]
    )
    if passed:
        detail = f"{_plural(len(by_victim), 'different victim')}: {summary}."
    elif by_victim:
        detail = (
            f"Only {_plural(len(by_victim), 'different victim')}: {summary}; {needed} are "
            "needed. Repeat incidents against the same victim count once."
        )
    else:
        detail = f"No qualifying incident, so no victims to count; {needed} are needed."
    victims = RuleCheck(
        rule=f"Against {needed} or more different victims",
        passed=passed,
        detail=detail,
        record_ids=_unique(i.record_id for i in counted),
    )
    return reported.passed and victims.passed, [reported, victims]


# --- Safeguard and entry points ---------------------------------------------------------------


# What each review outcome means for the block. DOMAIN.md "Offences and the eligibility
# question", Safeguard: a flagged person "cannot be registered until a primary-aggressor review
# *finds* that they are the primary aggressor ... only a 'primary aggressor' outcome lifts the
# block, and the flag itself cannot be cleared by editing the record".
REVIEW_PRIMARY_AGGRESSOR = "primary_aggressor"
REVIEW_VICTIM = "victim"
REVIEW_INCONCLUSIVE = "inconclusive"
REVIEW_FINDINGS: dict[str, tuple[bool, str]] = {
    # outcome: (lifts the block, what the review found, in words)
    REVIEW_PRIMARY_AGGRESSOR: (True, "found this person to be the primary aggressor"),
    REVIEW_VICTIM: (False, "found this person to be the victim, not the primary aggressor"),
    REVIEW_INCONCLUSIVE: (False, "could not establish who the primary aggressor is"),
}


def _review_words(review: AggressorReviewFact) -> str:
    _, found = REVIEW_FINDINGS.get(review.outcome, (False, "gave no recognised outcome"))
    by = f" by {review.reviewer}" if review.reviewer else ""
    return f"The primary-aggressor review of {format_date(review.reviewed_on)}{by} {found}"


def safeguard_check(facts: PersonFacts) -> RuleCheck:
    """The misidentified-victim safeguard, always reported so every outcome shows it was
    considered. Blocked while the flag is raised, whatever any earlier review found, and also
    when the latest review did not find the primary aggressor (a flag cleared any other way does
    not lift the block). The detail names the review that lifted the block or says why it holds.
    """
    review = facts.primary_aggressor_review
    lifts = review is not None and REVIEW_FINDINGS.get(review.outcome, (False, ""))[0]
    why = f" ({facts.misidentification})" if facts.misidentification else ""
    ids = (review.record_id,) if review is not None else ()
    if facts.possible_misidentified_victim:
        if review is None:
            detail = (
                f"Flagged as a possible misidentified victim{why}. Registration is blocked until "
                "a supervisor's primary-aggressor review finds that this person is the primary "
                "aggressor; no review is recorded yet."
            )
        elif lifts:
            detail = (
                f"Flagged as a possible misidentified victim{why} again after the last review. "
                f"{_review_words(review)}, but a new review must find the same before "
                "registration."
            )
        else:
            detail = (
                f"Flagged as a possible misidentified victim{why}. {_review_words(review)}, so "
                "registration stays blocked: only a finding that this person is the primary "
                "aggressor lifts it."
            )
        return RuleCheck(SAFEGUARD_RULE, False, detail, ids)
    if review is None:
        return RuleCheck(
            SAFEGUARD_RULE,
            True,
            "Not needed: this person is not flagged as a possible misidentified victim.",
        )
    if lifts:
        return RuleCheck(
            SAFEGUARD_RULE,
            True,
            f"{_review_words(review)}, which lifted the possible misidentified victim flag: "
            "registration is not blocked.",
            ids,
        )
    return RuleCheck(
        SAFEGUARD_RULE,
        False,
        f"{_review_words(review)}, so registration is blocked even though the flag is not "
        "shown: only a finding that this person is the primary aggressor lifts it.",
        ids,
    )


_TESTS = {
    TEST_CONVICTED_SERIAL_OR_HIGH_RISK: _convicted_serial_or_high_risk,
    TEST_NPCC_SERIAL: _npcc_serial,
}


# Where each rule comes from, shown beside it on pages and in the API ("Sources on screen",
# issue 10). Matched on the start of the rule's wording; settings that are policy say so.
RULE_SOURCES: tuple[tuple[str, str], ...] = (
    (
        SPECIFIED_RULE,
        "2024 Lords amendment as proposed (DOMAIN.md, Offences and the eligibility question); "
        "DA: Domestic Abuse Act 2021 s.1, both people 16 or over; stalking: Protection from "
        "Harassment Act 1997 s.2A, s.4A",
    ),
    (
        "Sentenced to immediate custody",
        '2024 Lords amendment as proposed: "as a condition of the release and licence" (DOMAIN.md)',
    ),
    (
        "(a) Relevant serial offender",
        '2024 Lords amendment as proposed, limb (a); the reading of "serial" is this '
        "criteria set's setting (a contested reading, not settled law)",
    ),
    (
        "(b) Latest risk",
        "2024 Lords amendment as proposed, limb (b); the tools and levels are this criteria "
        "set's settings",
    ),
    (EITHER_RULE, "2024 Lords amendment as proposed: (a) or (b)"),
    (
        "Reported domestic abuse",
        "NPCC serial perpetrator definition (DOMAIN.md); the window is this criteria set's "
        "setting (policy, not law)",
    ),
    (
        "Against ",
        "NPCC serial perpetrator definition (DOMAIN.md); the number of victims is this "
        "criteria set's setting (policy, not law)",
    ),
    (SAFEGUARD_RULE, "DOMAIN.md, Offences and the eligibility question (the safeguard)"),
)


def rule_source(rule: str) -> str:
    return next((source for start, source in RULE_SOURCES if rule.startswith(start)), "")


def evaluate(facts: PersonFacts, criteria: CriteriaSettings, as_of: dt.date) -> EligibilityOutcome:
    """Evaluate one person against one criteria set, as things stood on `as_of`."""
    test = _TESTS.get(criteria.test)
    if test is None:
        raise ValueError(
            f"Unknown eligibility test {criteria.test!r} in criteria set {criteria.key!r}"
        )
    criteria_met, checks = test(facts, criteria, as_of)
    safeguard = safeguard_check(facts)
    return EligibilityOutcome(
        criteria_key=criteria.key,
        criteria_name=criteria.name,
        criteria_met=criteria_met,
        blocked=not safeguard.passed,
        checks=tuple(
            c if c.source else replace(c, source=rule_source(c.rule)) for c in (*checks, safeguard)
        ),
    )


def evaluate_all(
    facts: PersonFacts, criteria_sets: list[CriteriaSettings], as_of: dt.date
) -> list[EligibilityOutcome]:
    return [evaluate(facts, criteria, as_of) for criteria in criteria_sets]


# --- RFGV priority ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorityWeights:
    recency: float = 1.0
    frequency: float = 1.0
    gravity: float = 1.0
    victims: float = 1.0
    recency_horizon_days: int = 365 * 3
    frequency_cap: int = 10
    gravity_cap: float = 1000.0
    victims_cap: int = 5


@dataclass(frozen=True)
class ScoredEvent:
    record_id: str
    occurred_on: dt.date
    gravity: float
    victim_key: str | None


@dataclass(frozen=True)
class PriorityScore:
    total: float
    recency: float
    frequency: float
    gravity: float
    victims: float
    explanation: tuple[str, ...]


def _capped(value: float, cap: float) -> float:
    """value / cap, held within 0..1; a cap of zero or less scores nothing."""
    if cap <= 0:
        return 0.0
    return min(max(value, 0.0), cap) / cap


def priority_score(
    events: list[ScoredEvent], weights: PriorityWeights, as_of: dt.date
) -> PriorityScore:
    """Recency, Frequency, Gravity and Victims, each scaled to 0..1 and then weighted.

    Frequency counts events within the recency horizon; gravity and victims count every event
    up to `as_of`, because the harm done and the people harmed do not expire with time (recency
    is what decays). Events after `as_of` are ignored, so a score can be recomputed for a date.
    """
    past = [e for e in events if e.occurred_on <= as_of]
    ignored = len(events) - len(past)
    ignored_note = (
        (f"{_plural(ignored, 'event')} dated after {format_date(as_of)} ignored.",)
        if ignored
        else ()
    )
    if not past:
        return PriorityScore(
            total=0.0,
            recency=0.0,
            frequency=0.0,
            gravity=0.0,
            victims=0.0,
            explanation=(
                f"No incidents or convictions on or before {format_date(as_of)}, so every part "
                "scores 0.",
                *ignored_note,
            ),
        )

    horizon = weights.recency_horizon_days
    latest = max(e.occurred_on for e in past)
    days_since = (as_of - latest).days
    if horizon > 0:
        recency_raw = max(0.0, 1.0 - days_since / horizon)
    else:
        recency_raw = 1.0 if days_since == 0 else 0.0
    # "Within the horizon" matches recency: an event at the horizon already scores nothing.
    in_horizon = [e for e in past if (as_of - e.occurred_on).days < horizon]
    frequency_raw = _capped(len(in_horizon), weights.frequency_cap)
    gravity_total = sum(max(e.gravity, 0.0) for e in past)
    gravity_raw = _capped(gravity_total, weights.gravity_cap)
    victim_keys = {e.victim_key for e in past if e.victim_key}
    victims_raw = _capped(len(victim_keys), weights.victims_cap)

    recency = recency_raw * weights.recency
    frequency = frequency_raw * weights.frequency
    gravity = gravity_raw * weights.gravity
    victims = victims_raw * weights.victims
    total = recency + frequency + gravity + victims

    def part(name: str, raw: float, weight: float, why: str) -> str:
        return f"{name} {raw * weight:.2f} ({raw:.2f} of 1, weight {weight:g}): {why}."

    return PriorityScore(
        total=total,
        recency=recency,
        frequency=frequency,
        gravity=gravity,
        victims=victims,
        explanation=(
            f"Priority {total:.2f}, the sum of the four weighted parts below.",
            part(
                "Recency",
                recency_raw,
                weights.recency,
                f"the latest event was on {format_date(latest)}, "
                f"{_plural(days_since, 'day')} before {format_date(as_of)}; events "
                f"{horizon} days old or more score 0",
            ),
            part(
                "Frequency",
                frequency_raw,
                weights.frequency,
                f"{_plural(len(in_horizon), 'event')} in the last {horizon} days, "
                f"{weights.frequency_cap} or more scoring 1",
            ),
            part(
                "Gravity",
                gravity_raw,
                weights.gravity,
                f"total harm {gravity_total:g} over {_plural(len(past), 'event')}, "
                f"{weights.gravity_cap:g} or more scoring 1",
            ),
            part(
                "Victims",
                victims_raw,
                weights.victims,
                f"{_plural(len(victim_keys), 'different victim')} named, "
                f"{weights.victims_cap} or more scoring 1",
            ),
            *ignored_note,
        ),
    )
