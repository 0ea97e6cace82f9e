"""Notification deadlines and periods, as pure functions over dates and aware datetimes.

No Django and no database. Every "within N days" deadline in the register is computed by
`within_days` (DESIGN.md, "Time and scheduled work"); the other rules here build on it. The
rules follow DOMAIN.md, "Notification requirements" (the sex-offender model of the Sexual
Offences Act 2003 Part 2 and the 2012 regulations).

Time: all datetimes must be timezone-aware; naive ones raise ValueError. Calendar days are
Europe/London days, so a deadline is the end of a London day whatever zone the event was given
in, and its UTC offset is the one in force on that day (GMT or BST). Elapsed time (travel notice)
is real time, measured in UTC, so a notice spanning a clock change counts 23 or 25 hours for
that night.

Readings chosen where the wording leaves a choice (each is pinned by a test):

- "Within the period of 3 days beginning with" an event (SOA 2003 s.83(1), s.84(1); SPA 2019
  s.9; DA Act 2021 s.41): the event's own London day is day 1, so a change on Friday is due by the
  end of Sunday, and an event at 22:30 on Friday likewise. Days disregarded under s.83(6)
  (custody, hospital, outside the UK; recorded as whole days) are not counted. Periodic
  notifications run "after" the last one (s.85(1)): the day of the last is day 0, and s.85(3)
  carries a period ending in disregarded time to 3 days beginning when it ceases.
- A change notified in advance (s.84(2)): it stands if the change happens from 2 days before to 2
  days after the date given; more than 2 days before, the change must be notified again (s.84(3));
  not by the end of the 3 days beginning with the date given, the person must notify that fact
  within 6 days beginning with that date, and the change itself when it happens (s.84(4)).
- An address "stayed at 7 days in total over 12 months": days are counted inclusively (a stay
  from Monday to Sunday is 7 days; it is not counted in nights), overlapping stays are counted
  once, and the 12 months are the year ending with `as_of` (from the day after the same date a
  year earlier, through `as_of`).
- Annual re-notification falls on the same date a year later; 29 February falls on 28 February.
- Notification periods: "fixed periods halved if under 18" halves the fixed 10, 7, 5 and 2 year
  periods; a conditional discharge lasts its own length and is not halved (as in SOA 2003
  s.82(2)). A suspended sentence is a sentence of imprisonment of its term (Sentencing Act 2020
  s.286(1)), so 12 months suspended gives 10 years; see "Notification period" below.
- `period_end` gives the last day on which the person is subject to the requirements: the period
  begins with (and includes) its start date, so 5 years from 1 January 2020 ends on 31 December
  2024. A period that would end on a date the month does not have (29 February in a common year,
  31 February) runs to the end of that month: 1 year from 29 February 2028 ends on 28 February
  2029.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from register.rules import term_at_least, term_more_than

LONDON = ZoneInfo("Europe/London")

HOUR = dt.timedelta(hours=1)
LATE_UNDER = dt.timedelta(hours=24)
# Foreign travel: 7 days' notice is what the Sexual Offences Act 2003 (Notification
# Requirements) (England and Wales) Regulations 2012 ask, 24 hours where 7 days was not
# reasonably practicable; the seed proposal asks "no less than 24hrs". The 7 days is a
# policy setting here (NOTIFICATIONS_TRAVEL_NOTICE_DAYS), passed in by the callers.
DEFAULT_TRAVEL_NOTICE_DAYS = 7

CHANGE_DAYS = 3  # initial notification and every change: within 3 days
WEEKLY_DAYS = 7  # no fixed abode: notify where they can be found every 7 days
ADDRESS_QUALIFYING_DAYS = 7  # an address counts once stayed at 7 days in total over 12 months

DISPOSAL_CONVICTION = "conviction"
DISPOSAL_CAUTION = "caution"
DISPOSAL_NOT_GUILTY_INSANITY = "not_guilty_insanity"
DISPOSAL_DISABILITY_FINDING = "disability_finding"
DISPOSALS = frozenset(
    {
        DISPOSAL_CONVICTION,
        DISPOSAL_CAUTION,
        DISPOSAL_NOT_GUILTY_INSANITY,
        DISPOSAL_DISABILITY_FINDING,
    }
)

SENTENCE_TYPES = frozenset(
    {
        "immediate_custody",
        "life",
        "ipp",
        "suspended",
        "community_order",
        "fine",
        "conditional_discharge",
        "absolute_discharge",
        "hospital_order_restricted",
        "hospital_order",
        "guardianship_order",
        "none",
        "other",
    }
)
# Sentences only a court can pass on conviction (not on a finding of insanity or disability).
CONVICTION_ONLY_SENTENCES = frozenset({"immediate_custody", "life", "ipp", "suspended"})

INDEFINITE_REVIEW_YEARS = 15
INDEFINITE_REVIEW_YEARS_UNDER_18 = 8

_DISPOSAL_LABELS = {
    DISPOSAL_CONVICTION: "conviction",
    DISPOSAL_CAUTION: "caution",
    DISPOSAL_NOT_GUILTY_INSANITY: "found not guilty by reason of insanity",
    DISPOSAL_DISABILITY_FINDING: "found under a disability to have done the act",
}
_SENTENCE_LABELS = {
    "immediate_custody": "immediate custody",
    "life": "a life sentence",
    "ipp": "imprisonment for public protection",
    "suspended": "a suspended sentence",
    "community_order": "a community order",
    "fine": "a fine",
    "conditional_discharge": "a conditional discharge",
    "absolute_discharge": "an absolute discharge",
    "hospital_order_restricted": "a hospital order with a restriction order",
    "hospital_order": "a hospital order without a restriction order",
    "guardianship_order": "a guardianship order",
    "none": "no sentence",
    "other": "another sentence",
}


# --- Formatting -------------------------------------------------------------------------------


def format_date(day: dt.date) -> str:
    """3 May 2021 (no leading zero, as staff write it)."""
    return f"{day.day} {day:%B %Y}"


def format_london(moment: dt.datetime) -> str:
    """22:30 on Friday 27 March 2026 (London time, with GMT/BST)."""
    local = moment.astimezone(LONDON)
    return f"{local:%H:%M} {local.tzname()} on {local:%A} {format_date(local.date())}"


def _plural(count: float, word: str) -> str:
    text = f"{count:g}"
    return f"{text} {word}" if text == "1" else f"{text} {word}s"


# --- Days and deadlines -----------------------------------------------------------------------


def require_aware(moment: dt.datetime, name: str = "datetime") -> None:
    """Raise ValueError unless `moment` is timezone-aware."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")


def london_date(moment: dt.datetime) -> dt.date:
    """The Europe/London calendar date of an aware datetime."""
    require_aware(moment)
    return moment.astimezone(LONDON).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """00:00 London on `day` (never skipped: the clocks change at 01:00 and 02:00)."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LONDON)


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59.999999 London on `day`, tz-aware, in GMT or BST as in force that evening."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=LONDON)


def within_days(event_at: dt.datetime, days: int) -> dt.datetime:
    """A deadline "within `days` days AFTER" an event (SOA 2003 s.85's periodic wording).

    The end of the London calendar day `days` days after the London date of `event_at` (the day of
    the event is day 0, because the period runs *after* it). Calendar arithmetic on London dates, so
    a clock change in between does not move the deadline off the end of the day, and the deadline
    carries the offset in force on its own day. The 3-day initial and change deadlines read
    "beginning with" the event and use `within_days_beginning_with` instead.
    """
    require_aware(event_at, "event_at")
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    return end_of_day(london_date(event_at) + dt.timedelta(days=days))


# Time the law disregards (SOA 2003 s.83(6), applied to changes by s.84(5), and to the SPO and
# DAPO regimes by this register's policy of reading them alike): "any time when the relevant
# offender is (a) remanded in or committed to custody ..., (b) serving a sentence of
# imprisonment ..., (c) detained in a hospital, or (d) outside the United Kingdom".
PAUSE_CUSTODY = "custody"
PAUSE_HOSPITAL = "hospital"
PAUSE_ABROAD = "abroad"
PAUSE_KINDS = {
    PAUSE_CUSTODY: "in custody (SOA 2003 s.83(6)(a)-(b))",
    PAUSE_HOSPITAL: "detained in hospital (SOA 2003 s.83(6)(c))",
    PAUSE_ABROAD: "outside the United Kingdom (SOA 2003 s.83(6)(d))",
}


@dataclass(frozen=True)
class Disregarded:
    """Days (both included) the law disregards when counting a deadline.

    Reading chosen: a recorded day counts as disregarded whole, even if the person was released or
    came home during it (the statute disregards "any time"; the register records days).
    """

    first: dt.date
    last: dt.date
    kind: str = PAUSE_CUSTODY

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"a period cannot end before it starts: {self.first} to {self.last}")
        if self.kind not in PAUSE_KINDS:
            raise ValueError(f"unknown kind of disregarded time {self.kind!r}")

    def covers(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class DeadlineSource:
    """One row of the deadline table: the provision, its words, and what starts the clock."""

    key: str
    source: str  # "SOA 2003 s.84(1)"
    wording: str  # the words the deadline follows, quoted
    event: str  # what starts the clock, as shown: "the change", "service of the order"
    days: int
    beginning_with: bool = True  # "beginning with" the event (day 1) or "after" it (day 0)


# The deadline table. Each row quotes the provision it follows.
DEADLINE_SOURCES: dict[str, DeadlineSource] = {
    row.key: row
    for row in (
        DeadlineSource(
            "initial",
            "SOA 2003 s.83(1)",
            "within the period of 3 days beginning with the relevant date",
            "registration",
            3,
        ),
        DeadlineSource(
            "change",
            "SOA 2003 s.84(1)",
            "within the period of 3 days beginning with ... any change",
            "the change",
            3,
        ),
        DeadlineSource(
            "advance_not_occurred",
            "SOA 2003 s.84(4)(b)",
            "within the period of 6 days beginning with the date specified, notify ... the fact "
            "that the event did not occur",
            "the date given in advance",
            6,
        ),
        DeadlineSource(
            "spo_initial",
            "Stalking Protection Act 2019 s.9(1)",
            "within the period of 3 days beginning with the date of service of the order",
            "service of the order",
            3,
        ),
        DeadlineSource(
            "spo_name",
            "Stalking Protection Act 2019 s.9(3)",
            "before the end of the period of 3 days beginning with the date on which that happens",
            "the new name",
            3,
        ),
        DeadlineSource(
            "spo_address",
            "Stalking Protection Act 2019 s.9(4)",
            "before the end of the period of 3 days beginning with the date on which that happens",
            "the change of home address",
            3,
        ),
        DeadlineSource(
            "dapo_initial",
            "Domestic Abuse Act 2021 s.41(2)",
            "within the period of three days beginning with the day on which the order is made",
            "the order",
            3,
        ),
        DeadlineSource(
            "dapo_name",
            "Domestic Abuse Act 2021 s.41(4)",
            "within the period of three days beginning with the day on which the person first "
            "uses that name",
            "the new name",
            3,
        ),
        DeadlineSource(
            "dapo_address",
            "Domestic Abuse Act 2021 s.41(5)",
            "before the end of the period of three days beginning with the day on which that "
            "happens",
            "the change of home address",
            3,
        ),
        DeadlineSource(
            "weekly",
            "SOA 2003 s.85(1) and (5)(a), 2012 Regulations",
            "within the applicable period after each event (7 days with no sole or main residence)",
            "the last notification",
            7,
            beginning_with=False,
        ),
    )
}


def _short(day: dt.date) -> str:
    """Fri 6 Mar 2026."""
    return f"{day:%a} {day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Deadline:
    due_at: dt.datetime
    source: str  # the row's provision
    explanation: str  # "SOA 2003 s.84(1): within 3 days beginning with the change (Fri 6 Mar ...)"


def counted_deadline_day(
    event_on: dt.date,
    days: int,
    *,
    beginning_with: bool = True,
    disregarded: Iterable[Disregarded] = (),
) -> dt.date:
    """The last day of a period of `days` days from `event_on`, skipping disregarded days.

    "Beginning with" the event: the event's own day is day 1 (a change on Friday, 3 days: Friday,
    Saturday, Sunday). "After" the event: the next day is day 1. A disregarded day is not counted,
    so each one moves the end a day later (SOA 2003 s.83(6), s.84(5)).
    """
    if days < 1:
        raise ValueError(f"days must be 1 or more, got {days}")
    pauses = tuple(disregarded)
    day = event_on if beginning_with else event_on + dt.timedelta(days=1)
    counted = 0
    while True:
        if not any(p.covers(day) for p in pauses):
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)


def within_days_beginning_with(
    event: dt.date | dt.datetime, days: int, *, disregarded: Iterable[Disregarded] = ()
) -> dt.datetime:
    """THE deadline for "within the period of `days` days beginning with" an event.

    The end of the London day on which the period's `days`-th counted day falls: the event's own
    London day is day 1, and disregarded days (custody, hospital, abroad) are not counted.
    """
    if isinstance(event, dt.datetime):
        event = london_date(event)
    return end_of_day(counted_deadline_day(event, days, disregarded=disregarded))


def deadline(
    rule_key: str,
    event: dt.date | dt.datetime,
    *,
    days: int | None = None,
    disregarded: Iterable[Disregarded] = (),
) -> Deadline:
    """The deadline a row of DEADLINE_SOURCES gives, explained with its source.

    `days` is a tailored deadline for this person (RequirementSetItem.deadline_days), when set.
    """
    row = DEADLINE_SOURCES[rule_key]
    event_on = london_date(event) if isinstance(event, dt.datetime) else event
    pauses = tuple(disregarded)
    count = days if days is not None else row.days
    last = counted_deadline_day(
        event_on, count, beginning_with=row.beginning_with, disregarded=pauses
    )
    reading = "beginning with" if row.beginning_with else "after"
    text = (
        f"{row.source}: within {_plural(count, 'day')} {reading} {row.event} ({_short(event_on)})"
    )
    if days is not None and days != row.days:
        text += f", tailored for this person (the law gives {row.days})"
    skipped = sorted(
        {
            (p.kind, max(p.first, event_on), p.last)
            for p in pauses
            if p.last >= event_on and p.first <= last
        },
        key=lambda p: p[1],
    )
    for kind, first, final in skipped:
        text += f"; {_short(first)} to {_short(final)} disregarded, {PAUSE_KINDS[kind]}"
    return Deadline(
        due_at=end_of_day(last), source=row.source, explanation=f"{text} → end of {_short(last)}"
    )


def change_due(
    changed_at: dt.date | dt.datetime,
    *,
    days: int = CHANGE_DAYS,
    disregarded: Iterable[Disregarded] = (),
) -> dt.datetime:
    """Initial notification and every change (SOA 2003 s.83(1), s.84(1)): "within the period of
    3 days beginning with" the event, so a change on Friday is due by the end of Sunday."""
    return within_days_beginning_with(changed_at, days, disregarded=disregarded)


def weekly_due(
    last_notified_at: dt.datetime, *, disregarded: Iterable[Disregarded] = ()
) -> dt.datetime:
    """No fixed abode: the next notification within 7 days *after* the last (SOA 2003 s.85(1),
    (5)(a) and the 2012 Regulations), extended by s.85(3) when it would end in disregarded time."""
    require_aware(last_notified_at, "last_notified_at")
    return periodic_due(
        end_of_day(london_date(last_notified_at) + dt.timedelta(days=WEEKLY_DAYS)), disregarded
    )


def periodic_due(
    nominal_due_at: dt.datetime, disregarded: Iterable[Disregarded] = ()
) -> dt.datetime:
    """SOA 2003 s.85(3): "Where the applicable period would ... end whilst subsection (4) applies
    ..., that period is to be treated as continuing until the end of the period of 3 days beginning
    when subsection (4) first ceases to apply" (annual and weekly notifications)."""
    last = london_date(nominal_due_at)
    for pause in sorted(disregarded, key=lambda p: p.first):
        if pause.covers(last):
            # Ceases to apply on the day after the last recorded day: that day is day 1 of 3.
            last = counted_deadline_day(pause.last + dt.timedelta(days=1), CHANGE_DAYS)
    return end_of_day(last) if last != london_date(nominal_due_at) else nominal_due_at


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def annual_due(last_notified_on: dt.date) -> dt.date:
    """Annual re-notification: one year after the last notification (29 Feb -> 28 Feb)."""
    return add_years(last_notified_on, 1)


def periodic_deadline(
    kind: str, last_notified_on: dt.date, *, disregarded: Iterable[Disregarded] = ()
) -> Deadline:
    """Annual (SOA 2003 s.85(1): "within the period of one year after" each notification) or
    weekly with no fixed abode (s.85(5)(a) and the 2012 Regulations: 7 days after), carried on by
    s.85(3) when it would end in disregarded time."""
    if kind == "annual":
        nominal_last = annual_due(last_notified_on)
        text = f"SOA 2003 s.85(1): within one year after the last notification ({_short(last_notified_on)})"
        source = "SOA 2003 s.85(1)"
    elif kind == "weekly":
        nominal_last = last_notified_on + dt.timedelta(days=WEEKLY_DAYS)
        text = (
            "SOA 2003 s.85(1), (5)(a) and the 2012 Regulations (no fixed abode): within 7 days "
            f"after the last notification ({_short(last_notified_on)})"
        )
        source = "SOA 2003 s.85(1), (5)(a)"
    else:
        raise ValueError(f"unknown periodic notification {kind!r}")
    due_at = periodic_due(end_of_day(nominal_last), disregarded)
    last = london_date(due_at)
    if last != nominal_last:
        text += "; it would end in disregarded time, so runs on (s.85(3))"
    return Deadline(due_at=due_at, source=source, explanation=f"{text} → end of {_short(last)}")


def compute_deadline(
    rule_key: str,
    event_on: dt.date,
    *,
    days: int | None = None,
    disregarded: Iterable[Disregarded] = (),
) -> Deadline:
    """Any deadline by its key: a DEADLINE_SOURCES row, or "annual" / "weekly"."""
    if rule_key in ("annual", "weekly"):
        return periodic_deadline(rule_key, event_on, disregarded=disregarded)
    return deadline(rule_key, event_on, days=days, disregarded=disregarded)


# The information a full notification gives (SOA 2003 s.83(5)(a)-(d), (f)): date of birth,
# National Insurance number, name(s) and home address. It meets the initial (s.83(1)) and annual
# (s.85(1)) notifications; "home address" is the place they can be found when they have none
# (s.83(7)(b)), so a weekly location stands in for it.
FULL_NOTIFICATION_ITEMS = ("names", "date_of_birth", "ni_number", "main_address")
HOME_ADDRESS_ALTERNATIVES = {"main_address": ("main_address", "weekly_location")}


def full_notification_missing(notified: Collection[str], applicable: Collection[str]) -> list[str]:
    """The items of a full notification (of those that apply to this person) not notified."""
    missing = []
    for code in FULL_NOTIFICATION_ITEMS:
        if code not in applicable:
            continue
        alternatives = HOME_ADDRESS_ALTERNATIVES.get(code, (code,))
        if not any(a in notified for a in alternatives):
            missing.append(code)
    return missing


# A civil order's notification (SPA 2019 s.9(2); DA Act 2021 s.41(3)): "the person's name and,
# where the person uses one or more other names, each of those names; the person's home address".
ORDER_NOTIFICATION_ITEMS = ("names", "main_address")


# A change notified in advance (SOA 2003 s.84(2)-(4)).
ADVANCE_EARLY_DAYS = 2  # s.84(3): "occurs more than 2 days before the date specified"
ADVANCE_LATE_DAYS = 3  # s.84(4): "has not occurred by the end of the period of 3 days beginning
# with the date specified" (the date specified and the 2 days after it)

ADVANCE_PENDING = "pending"
ADVANCE_STANDS = "stands"
ADVANCE_EARLY = "early"
ADVANCE_NOT_OCCURRED = "not_occurred"


@dataclass(frozen=True)
class AdvanceOutcome:
    """What a change notified in advance leaves the person to do.

    `outcome` is one of: pending (the window is still open), stands (it happened from 2 days
    before to 2 days after the date given: the advance notification met the duty), early
    (s.84(3): more than 2 days before, so the s.84(1) duty stands from the day it happened),
    not_occurred (s.84(4): not by the end of the 3 days beginning with the date given, so the
    fact must be notified within 6 days beginning with that date, and the change itself, when it
    happens, within 3 days beginning with the day it does).
    """

    outcome: str
    renotify: Deadline | None  # s.84(1) duty again, from the actual date
    not_occurred: Deadline | None  # s.84(4)(b)
    explanation: str


def advance_notice_outcome(
    specified_on: dt.date,
    occurred_on: dt.date | None,
    *,
    as_of: dt.date,
    days: int | None = None,
    disregarded: Iterable[Disregarded] = (),
) -> AdvanceOutcome:
    """SOA 2003 s.84(3) and (4) for a change notified in advance for `specified_on`."""
    pauses = tuple(disregarded)
    window_end = counted_deadline_day(specified_on, ADVANCE_LATE_DAYS)
    given = f"notified in advance for {_short(specified_on)}"
    if occurred_on is not None and occurred_on < specified_on - dt.timedelta(
        days=ADVANCE_EARLY_DAYS
    ):
        return AdvanceOutcome(
            ADVANCE_EARLY,
            renotify=deadline("change", occurred_on, days=days, disregarded=pauses),
            not_occurred=None,
            explanation=f"A change {given} happened on {_short(occurred_on)}, more than 2 days "
            "before (SOA 2003 s.84(3)): it must be notified again.",
        )
    if occurred_on is not None and occurred_on <= window_end:
        return AdvanceOutcome(
            ADVANCE_STANDS,
            renotify=None,
            not_occurred=None,
            explanation=f"A change {given} happened on {_short(occurred_on)}: the advance "
            "notification stands (SOA 2003 s.84(2)-(4)).",
        )
    if occurred_on is None and as_of <= window_end:
        return AdvanceOutcome(
            ADVANCE_PENDING,
            renotify=None,
            not_occurred=None,
            explanation=f"A change {given}: not yet known to have happened; the advance "
            f"notification stands if it happens by {_short(window_end)}.",
        )
    happened = (
        f"happened on {_short(occurred_on)}" if occurred_on is not None else "has not happened"
    )
    return AdvanceOutcome(
        ADVANCE_NOT_OCCURRED,
        renotify=deadline("change", occurred_on, days=days, disregarded=pauses)
        if occurred_on is not None
        else None,
        not_occurred=deadline("advance_not_occurred", specified_on, disregarded=pauses),
        explanation=f"A change {given} {happened}, not by the end of {_short(window_end)} "
        "(SOA 2003 s.84(4)): the person must notify that it did not happen, and notify the "
        "change itself when it does.",
    )


def rescheduled_change_due(
    expected_change_on: dt.date, actual_change_on: dt.date | None, notified_at: dt.datetime
) -> dt.datetime | None:
    """The s.84(4)(b) deadline for a change notified in advance that did not happen in time.

    None when the change was not notified in advance (notified after the date given), or happened
    within the 3 days beginning with the date given, or earlier (s.84(3) asks for the change
    itself again, not for this).
    """
    require_aware(notified_at, "notified_at")
    if london_date(notified_at) > expected_change_on:
        return None
    outcome = advance_notice_outcome(
        expected_change_on,
        actual_change_on,
        as_of=actual_change_on or dt.date.max - dt.timedelta(days=10),
    )
    return outcome.not_occurred.due_at if outcome.not_occurred else None


# --- Foreign travel ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TravelNotice:
    on_time: bool  # False when under 24 hours' notice: always late
    needs_reason: bool  # True when at least 24 hours but under 7 days' notice
    hours_notice: float
    explanation: str


def travel_notice(
    notified_at: dt.datetime,
    departs_at: dt.datetime,
    full_notice_days: int = DEFAULT_TRAVEL_NOTICE_DAYS,
) -> TravelNotice:
    """Whether notice of foreign travel was on time, and whether a reason must be recorded.

    `full_notice_days` (7, the 2012 regulations' figure, a policy setting) is the rule; at least 24 hours where 7 days was not reasonably practicable
    (the reason is recorded); under 24 hours is always late. Measured in real elapsed time: both
    times are converted to UTC first, because Python subtracts two datetimes sharing one tzinfo
    by wall-clock time, which would be an hour out across a clock change.
    """
    require_aware(notified_at, "notified_at")
    require_aware(departs_at, "departs_at")
    notice = departs_at.astimezone(dt.UTC) - notified_at.astimezone(dt.UTC)
    hours = notice / HOUR
    when = f"Notified at {format_london(notified_at)} for departure at {format_london(departs_at)}"
    if notice < LATE_UNDER:
        if notice < dt.timedelta(0):
            amount = f"{_plural(round(-hours, 2), 'hour')} after departure"
        else:
            amount = f"{_plural(round(hours, 2), 'hour')}' notice"
        return TravelNotice(
            on_time=False,
            needs_reason=False,
            hours_notice=hours,
            explanation=f"{when}: {amount}. Under 24 hours' notice is always late.",
        )
    full = _plural(full_notice_days, "day")
    if notice < dt.timedelta(days=full_notice_days):
        return TravelNotice(
            on_time=True,
            needs_reason=True,
            hours_notice=hours,
            explanation=(
                f"{when}: {_plural(round(hours, 2), 'hour')}' notice. At least 24 hours but "
                f"under {full}: on time only if {full} was not reasonably practicable, and the "
                "reason must be recorded."
            ),
        )
    return TravelNotice(
        on_time=True,
        needs_reason=False,
        hours_notice=hours,
        explanation=f"{when}: {_plural(round(hours / 24, 2), 'day')}' notice. {full} or more: on time.",
    )


# --- Addresses stayed at ----------------------------------------------------------------------


def _twelve_months_ending(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the 12 months ending with `as_of`."""
    return add_years(as_of, -1) + dt.timedelta(days=1), as_of


def _stay_days(stays: Iterable[tuple[dt.date, dt.date]]) -> set[dt.date]:
    days: set[dt.date] = set()
    for first, last in stays:
        if last < first:
            raise ValueError(f"a stay cannot end before it starts: {first} to {last}")
        days.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    return days


def address_days(stays: Iterable[tuple[dt.date, dt.date]], as_of: dt.date) -> int:
    """Days (inclusive, overlaps counted once) stayed in the 12 months ending with `as_of`."""
    window_start, window_end = _twelve_months_ending(as_of)
    return sum(1 for day in _stay_days(stays) if window_start <= day <= window_end)


def address_counts(stays: list[tuple[dt.date, dt.date]], as_of: dt.date) -> bool:
    """Whether an address must be notified: stayed at 7 days or more in the 12 months to `as_of`.

    Each stay is (first day, last day), both included.
    """
    return address_days(stays, as_of) >= ADDRESS_QUALIFYING_DAYS


def address_first_counts_on(stays: Sequence[tuple[dt.date, dt.date]]) -> dt.date | None:
    """The first day on which the address counts (the change notified within 3 days), or None.

    The total only rises on a day stayed, so the first qualifying day is a day stayed: slide a
    12-month window over the days stayed, in order.
    """
    days = sorted(_stay_days(stays))
    first = 0
    for last, day in enumerate(days):
        window_start, _ = _twelve_months_ending(day)
        while days[first] < window_start:
            first += 1
        if last - first + 1 >= ADDRESS_QUALIFYING_DAYS:
            return day
    return None


# --- Notification period (rule table) ---------------------------------------------------------
#
# SOA 2003 s.82 as applied to this register (DOMAIN.md, "Notification requirements"). Terms are
# compared in days by register.rules.term_days's one rule (28 weeks is more than 6 months; 26
# weeks is not). A suspended sentence is a sentence of imprisonment of its term for every
# enactment (Sentencing Act 2020 s.286(1)): 12 months suspended gives 10 years. Consecutive terms
# count as one term of their total (s.82(3)-(4)). A conviction with an absolute discharge "is to
# be deemed not to be a conviction" (Sentencing Act 2020 s.82(2)), so it gives no period; a
# conditional discharge counts for Part 2 (SOA 2003 s.134) and lasts its own length.

PERIOD_SOURCE = "SOA 2003 s.82 as applied"


@dataclass(frozen=True)
class PeriodRule:
    """One row of the notification-period table; the first matching row decides.

    A row matches when every criterion it sets holds (None = any). Terms are in days:
    `term_at_least_months` is "for a term of N months or more", `term_more_than_months` is "more
    than N months", `term_under_months` is "less than N months" and `term_at_most_months` is "N
    months or less". The outcome is exactly one of: no period; indefinite; `years` (a fixed period,
    halved if under 18 on the relevant date); or the length of the conditional discharge.
    """

    key: str
    rule: str  # as shown: "custody 30 months or more → indefinite"
    section: str  # where in the statute (or source) the row comes from
    disposals: frozenset[str] | None = None
    sentence_types: frozenset[str] | None = None
    term_at_least_months: int | None = None
    term_more_than_months: int | None = None
    term_under_months: int | None = None
    term_at_most_months: int | None = None
    no_period: bool = False
    indefinite: bool = False
    years: int | None = None
    discharge_length: bool = False

    @property
    def description(self) -> str:
        """The row with its source, as pages and the API show it."""
        return f"{PERIOD_SOURCE}: {self.rule} ({self.section})"

    def applies(self, *, disposal: str, sentence_type: str, sentence_days: int | None) -> bool:
        if self.disposals is not None and disposal not in self.disposals:
            return False
        if self.sentence_types is not None and sentence_type not in self.sentence_types:
            return False
        bounds = (
            (self.term_at_least_months, lambda limit: term_at_least(sentence_days, limit)),
            (self.term_more_than_months, lambda limit: term_more_than(sentence_days, limit)),
            (self.term_under_months, lambda limit: not term_at_least(sentence_days, limit)),
            (self.term_at_most_months, lambda limit: not term_more_than(sentence_days, limit)),
        )
        return all(limit is None or holds(limit) for limit, holds in bounds)


# Imprisonment, suspended or not (Sentencing Act 2020 s.286(1)); life and IPP have their own rows.
IMPRISONMENT = frozenset({"immediate_custody", "suspended"})

PERIOD_RULES: tuple[PeriodRule, ...] = (
    PeriodRule(
        key="absolute_discharge",
        rule="absolute discharge → no period (it is not a conviction)",
        section="Sentencing Act 2020 s.82(2)",
        disposals=frozenset({DISPOSAL_CONVICTION}),
        sentence_types=frozenset({"absolute_discharge"}),
        no_period=True,
    ),
    PeriodRule(
        key="custody_30_months_plus",
        rule="custody 30 months or more → indefinite",
        section="s.82(1), imprisonment for a term of 30 months or more",
        sentence_types=IMPRISONMENT,
        term_at_least_months=30,
        indefinite=True,
    ),
    PeriodRule(
        key="life",
        rule="imprisonment for life → indefinite",
        section="s.82(1), imprisonment for life",
        sentence_types=frozenset({"life"}),
        indefinite=True,
    ),
    PeriodRule(
        key="ipp",
        rule="imprisonment for public protection → indefinite",
        section="s.82(1), imprisonment for public protection",
        sentence_types=frozenset({"ipp"}),
        indefinite=True,
    ),
    PeriodRule(
        key="hospital_order_restricted",
        rule="hospital order with a restriction order → indefinite",
        section="s.82(1), admitted to a hospital subject to a restriction order",
        sentence_types=frozenset({"hospital_order_restricted"}),
        indefinite=True,
    ),
    PeriodRule(
        key="custody_over_6_under_30_months",
        rule="custody more than 6 months and less than 30 months → 10 years",
        section="s.82(1), more than 6 months but less than 30 months",
        sentence_types=IMPRISONMENT,
        term_more_than_months=6,
        term_under_months=30,
        years=10,
    ),
    PeriodRule(
        key="custody_6_months_or_less",
        rule="custody 6 months or less → 7 years",
        section="s.82(1), imprisonment for a term of 6 months or less",
        sentence_types=IMPRISONMENT,
        term_at_most_months=6,
        years=7,
    ),
    PeriodRule(
        key="hospital_order",
        rule="hospital order without a restriction order → 7 years",
        section="s.82(1), admitted to a hospital without being subject to a restriction order",
        sentence_types=frozenset({"hospital_order"}),
        years=7,
    ),
    PeriodRule(
        key="caution",
        rule="caution → 2 years",
        section="s.82(1), a person within section 80(1)(d)",
        disposals=frozenset({DISPOSAL_CAUTION}),
        years=2,
    ),
    PeriodRule(
        key="conditional_discharge",
        rule="conditional discharge → the period of the discharge",
        section="s.82(1), an order for conditional discharge; s.134",
        sentence_types=frozenset({"conditional_discharge"}),
        discharge_length=True,
    ),
    PeriodRule(
        key="other_disposal",
        rule="any other disposal → 5 years",
        section="s.82(1), a person of any other description",
        years=5,
    ),
)


@dataclass(frozen=True)
class NotificationPeriod:
    indefinite: bool
    years: float | None  # fixed length when not indefinite (a discharge: see `length`)
    review_after_years: int | None  # indefinite: reviewable after 15 years (8 if under 18)
    rule_key: str  # which row produced it
    explanation: str
    applies: bool = True  # False: no notification period at all (absolute discharge)
    length: tuple[int, str] | None = None  # conditional discharge: its own length, as entered
    rule: str = ""  # the row with its source: "SOA 2003 s.82 as applied: ... (s.82(1), ...)"


def _validate_case(
    disposal: str,
    sentence_type: str,
    sentence_days: int | None,
    discharge: tuple[int, str] | None,
) -> None:
    if disposal not in DISPOSALS:
        raise ValueError(f"unknown disposal {disposal!r}")
    if sentence_type not in SENTENCE_TYPES:
        raise ValueError(f"unknown sentence type {sentence_type!r}")
    if disposal == DISPOSAL_CAUTION and sentence_type != "none":
        raise ValueError(f"a caution carries no sentence, got {sentence_type!r}")
    if sentence_type in CONVICTION_ONLY_SENTENCES and disposal != DISPOSAL_CONVICTION:
        raise ValueError(f"{sentence_type!r} can only follow a conviction, not {disposal!r}")
    if sentence_type in IMPRISONMENT and (sentence_days is None or sentence_days < 1):
        raise ValueError(f"{_SENTENCE_LABELS[sentence_type]} needs its length (1 day or more)")
    if sentence_type == "conditional_discharge" and (
        discharge is None or discharge[0] < 1 or discharge[1] not in _UNIT_MONTHS
    ):
        raise ValueError("a conditional discharge needs its length (1 day or more)")


def _describe_case(disposal: str, sentence_type: str, term_text: str) -> str:
    if disposal == DISPOSAL_CAUTION:
        return "A caution"
    sentence = _SENTENCE_LABELS[sentence_type]
    if sentence_type in IMPRISONMENT and term_text:
        sentence = f"{sentence} of {term_text}"
    return f"{_DISPOSAL_LABELS[disposal].capitalize()}, {sentence}"


def notification_period(
    *,
    disposal: str,
    sentence_type: str,
    sentence_days: int | None,
    under_18_on_relevant_date: bool,
    discharge: tuple[int, str] | None = None,
    term_text: str = "",
) -> NotificationPeriod:
    """The notification period for one disposal, from the first matching row of PERIOD_RULES.

    `sentence_days` is the term of imprisonment in days, consecutive terms already added;
    `discharge` is a conditional discharge's length as entered, e.g. (18, "months"). Under 18 is
    judged on the relevant date (s.82(2)): the date of conviction, finding or caution.
    """
    _validate_case(disposal, sentence_type, sentence_days, discharge)
    rule = next(
        row
        for row in PERIOD_RULES
        if row.applies(disposal=disposal, sentence_type=sentence_type, sentence_days=sentence_days)
    )  # the last row matches everything
    case = _describe_case(disposal, sentence_type, term_text or _days_text(sentence_days))
    applied = f"Rule applied: {rule.description}"
    if rule.no_period:
        return NotificationPeriod(
            indefinite=False,
            years=None,
            review_after_years=None,
            rule_key=rule.key,
            explanation=f"{case}. {applied}: no notification requirements follow from it.",
            applies=False,
            rule=rule.description,
        )
    if rule.indefinite:
        review = (
            INDEFINITE_REVIEW_YEARS_UNDER_18
            if under_18_on_relevant_date
            else INDEFINITE_REVIEW_YEARS
        )
        age = " (under 18 on the relevant date)" if under_18_on_relevant_date else ""
        return NotificationPeriod(
            indefinite=True,
            years=None,
            review_after_years=review,
            rule_key=rule.key,
            explanation=(
                f"{case}. {applied}. Reviewable {review} years after the initial "
                f"notification{age} (SOA 2003 s.91B as applied)."
            ),
            rule=rule.description,
        )
    if rule.discharge_length:
        if discharge is None:  # pragma: no cover - checked by _validate_case
            raise ValueError("a conditional discharge needs its length")
        amount, unit = discharge
        return NotificationPeriod(
            indefinite=False,
            years=amount * _UNIT_MONTHS[unit] / 12 if unit in {"months", "years"} else None,
            review_after_years=None,
            rule_key=rule.key,
            explanation=(
                f"{case}. {applied}, {_plural(amount, unit.rstrip('s'))}"
                + (
                    " (not halved for under 18: it is not a fixed period)."
                    if under_18_on_relevant_date
                    else "."
                )
            ),
            length=discharge,
            rule=rule.description,
        )
    if rule.years is None:  # pragma: no cover - every other row has a fixed length
        raise ValueError(f"period rule {rule.key!r} sets no outcome")
    years = rule.years / 2 if under_18_on_relevant_date else float(rule.years)
    halved = (
        f", halved to {_plural(years, 'year')} because under 18 on the relevant date (s.82(2))"
        if under_18_on_relevant_date
        else ""
    )
    return NotificationPeriod(
        indefinite=False,
        years=years,
        review_after_years=None,
        rule_key=rule.key,
        explanation=f"{case}. {applied}{halved}.",
        rule=rule.description,
    )


# Months in one unit, for a discharge given in months or years; days and weeks are added as days.
_UNIT_MONTHS = {"days": 0, "weeks": 0, "months": 1, "years": 12}


def _days_text(days: int | None) -> str:
    return _plural(days, "day") if days is not None else ""


def period_months(period: NotificationPeriod) -> int | None:
    """A fixed period's length in whole months (half-years and discharges are whole months)."""
    if period.indefinite or not period.applies:
        return None
    if period.length is not None:
        amount, unit = period.length
        return amount * _UNIT_MONTHS[unit] if _UNIT_MONTHS.get(unit) else None
    if period.years is None:
        return None
    months = round(period.years * 12)
    if abs(months - period.years * 12) > 1e-6:
        raise ValueError(f"a period of {period.years} years is not a whole number of months")
    return months


def add_months_rolling(day: dt.date, months: int) -> dt.date:
    """`day` moved on `months` months; a day the month lacks rolls to the 1st of the next month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    try:
        return dt.date(year, month + 1, day.day)
    except ValueError:  # 29-31 in a shorter month: the 1st of the month after
        year, month = divmod(index + 1, 12)
        return dt.date(year, month + 1, 1)


def period_end(start: dt.date, period: NotificationPeriod) -> dt.date | None:
    """The last day of a fixed period that begins with (includes) `start`; None when indefinite
    or when there is no period.

    5 years from 1 January 2020 ends on 31 December 2024; 3 years 6 months from 15 March 2026
    ends on 14 September 2029; 1 year from 29 February 2028 ends on 28 February 2029; a
    conditional discharge of 10 weeks from 5 January 2026 ends on 15 March 2026.
    """
    if period.length is not None and not _UNIT_MONTHS.get(period.length[1]):
        amount, unit = period.length
        days = amount * (7 if unit == "weeks" else 1)
        return start + dt.timedelta(days=days - 1)
    months = period_months(period)
    if months is None:
        return None
    return add_months_rolling(start, months) - dt.timedelta(days=1)


# --- Which conviction governs, and from when ---------------------------------------------------


@dataclass(frozen=True)
class PeriodCase:
    """One conviction, caution or finding, as the period table needs it."""

    record_id: str
    disposal: str
    sentence_type: str
    relevant_date: dt.date  # the date of conviction, finding or caution (s.82(6))
    under_18_on_relevant_date: bool
    sentence_days: int | None = None  # the term in days, consecutive terms already added
    term_text: str = ""  # as entered, e.g. "28 weeks"
    discharge: tuple[int, str] | None = None
    description: str = ""  # e.g. "Stalking (PHA 1997 s.2A) on 3 May 2021"


@dataclass(frozen=True)
class GoverningPeriod:
    case: PeriodCase
    period: NotificationPeriod
    starts_on: dt.date  # the relevant date: the period begins with it
    ends_on: dt.date | None  # None when indefinite
    explanation: str


def period_for(case: PeriodCase) -> NotificationPeriod:
    return notification_period(
        disposal=case.disposal,
        sentence_type=case.sentence_type,
        sentence_days=case.sentence_days,
        under_18_on_relevant_date=case.under_18_on_relevant_date,
        discharge=case.discharge,
        term_text=case.term_text,
    )


def governing_period(cases: Iterable[PeriodCase]) -> GoverningPeriod | None:
    """Of the qualifying convictions, the one whose period runs longest governs.

    Each conviction carries its own period beginning with its relevant date (s.82(1), (6)), and
    the person is subject to the requirements while any of them runs; so an indefinite period
    governs, and otherwise the period ending last (a tie goes to the longer period, then to the
    later record). A disposal that gives no period (absolute discharge) never governs. Never the
    latest conviction as such: a later fine cannot shorten an indefinite period.
    """
    best: tuple[tuple[int, dt.date, int, dt.date, str], GoverningPeriod] | None = None
    others: list[str] = []
    for case in cases:
        period = period_for(case)
        label = case.description or case.record_id
        if not period.applies:
            others.append(f"{label}: {period.rule}")
            continue
        ends_on = period_end(case.relevant_date, period)
        length = (ends_on - case.relevant_date).days if ends_on else 0
        key = (
            1 if period.indefinite else 0,
            ends_on or dt.date.max,
            length,
            case.relevant_date,
            case.record_id,
        )
        outcome = GoverningPeriod(case, period, case.relevant_date, ends_on, "")
        if best is None or key > best[0]:
            if best is not None:
                others.append(_shorter(best[1]))
            best = (key, outcome)
        else:
            others.append(_shorter(outcome))
    if best is None:
        return None
    chosen = best[1]
    runs = (
        "indefinitely"
        if chosen.period.indefinite
        else f"until {format_date(chosen.ends_on)}"
        if chosen.ends_on
        else "for the period of the discharge"
    )
    parts = [
        f"{chosen.case.description or 'The conviction'}: {chosen.period.explanation}",
        f"The period begins with the relevant date, {format_date(chosen.starts_on)} (s.82(6): the "
        f"date of conviction, finding or caution), and runs {runs}.",
    ]
    if others:
        parts.append(
            "It is the longest of the qualifying convictions; the others give shorter periods: "
            + "; ".join(others)
            + "."
        )
    return GoverningPeriod(
        chosen.case, chosen.period, chosen.starts_on, chosen.ends_on, " ".join(parts)
    )


def _shorter(outcome: GoverningPeriod) -> str:
    label = outcome.case.description or outcome.case.record_id
    if outcome.period.indefinite:
        return f"{label}: indefinite"
    end = f"ending {format_date(outcome.ends_on)}" if outcome.ends_on else "no fixed end"
    return f"{label}: {outcome.period.rule_key.replace('_', ' ')}, {end}"


# --- Review of indefinite notification requirements -------------------------------------------
#
# SOA 2003 s.91A-F as the model (DOMAIN.md, "Notification requirements"): a person subject to an
# indefinite period may be reviewed once 15 years have passed since the initial notification (8
# years if under 18 on the relevant date: s.91B(2)-(3)); a decision to continue is recorded with
# reasons, and the next review falls 8 years after that decision (DOMAIN.md: "then 8 years after
# each review decision"). "After 15 years" is read as the same calendar date 15 years on (29
# February falls on 28 February, as add_years does everywhere).

REVIEW_SOURCE = "SOA 2003 s.91A-F as applied"
FURTHER_REVIEW_YEARS = 8


def indefinite_review_due(initial_notification_on: dt.date, *, under_18: bool) -> dt.date:
    """The first review of an indefinite period: 15 years (8 if under 18 on the relevant date)
    after the initial notification (s.91B(2)-(3)), not after registration."""
    years = INDEFINITE_REVIEW_YEARS_UNDER_18 if under_18 else INDEFINITE_REVIEW_YEARS
    return add_years(initial_notification_on, years)


def further_review_due(decided_on: dt.date) -> dt.date:
    """After a decision that the requirements continue: the next review 8 years on (s.91A-F as
    applied; DOMAIN.md "then 8 years after each review decision")."""
    return add_years(decided_on, FURTHER_REVIEW_YEARS)


def indefinite_review_explanation(
    initial_notification_on: dt.date, *, under_18: bool, due_on: dt.date
) -> str:
    years = INDEFINITE_REVIEW_YEARS_UNDER_18 if under_18 else INDEFINITE_REVIEW_YEARS
    age = " (under 18 on the relevant date)" if under_18 else ""
    return (
        f"{REVIEW_SOURCE}: reviewable {years} years after the initial notification{age} "
        f"(s.91B): initial notification {format_date(initial_notification_on)} → review due "
        f"{format_date(due_on)}."
    )


# Working days -------------------------------------------------------------------------------

# England and Wales bank holidays (gov.uk/bank-holidays), kept as data.
BANK_HOLIDAYS_ENGLAND_WALES: frozenset[dt.date] = frozenset(
    dt.date.fromisoformat(day)
    for day in [
        "2024-01-01",
        "2024-03-29",
        "2024-04-01",
        "2024-05-06",
        "2024-05-27",
        "2024-08-26",
        "2024-12-25",
        "2024-12-26",
        "2025-01-01",
        "2025-04-18",
        "2025-04-21",
        "2025-05-05",
        "2025-05-26",
        "2025-08-25",
        "2025-12-25",
        "2025-12-26",
        "2026-01-01",
        "2026-04-03",
        "2026-04-06",
        "2026-05-04",
        "2026-05-25",
        "2026-08-31",
        "2026-12-25",
        "2026-12-28",
        "2027-01-01",
        "2027-03-26",
        "2027-03-29",
        "2027-05-03",
        "2027-05-31",
        "2027-08-30",
        "2027-12-27",
        "2027-12-28",
        "2028-01-03",
        "2028-04-14",
        "2028-04-17",
        "2028-05-01",
        "2028-05-29",
        "2028-08-28",
        "2028-12-25",
        "2028-12-26",
        "2029-01-01",
        "2029-03-30",
        "2029-04-02",
        "2029-05-07",
        "2029-05-28",
        "2029-08-27",
        "2029-12-25",
        "2029-12-26",
        "2030-01-01",
        "2030-04-19",
        "2030-04-22",
        "2030-05-06",
        "2030-05-27",
        "2030-08-26",
        "2030-12-25",
        "2030-12-26",
    ]
)


def is_working_day(
    day: dt.date, holidays: Collection[dt.date] = BANK_HOLIDAYS_ENGLAND_WALES
) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: dt.date, days: int, holidays: Collection[dt.date] = BANK_HOLIDAYS_ENGLAND_WALES
) -> dt.date:
    """The working day `days` working days after `start` (start itself is day 0).

    Working days skip weekends and England and Wales bank holidays (MAPPA's first
    meeting, the Victim Contact Scheme referral, a disclosure's face-to-face meeting).
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day
