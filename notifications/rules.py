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

- "Within N days" of an event: the deadline is the end of the London day N days after the London
  date of the event; the day of the event itself is day 0. An event at 22:30 on Friday gives a
  3-day deadline at the end of Monday.
- Travel: at least 7 x 24 real hours is 7 days' notice (on time, no reason needed); at least 24
  real hours but less than that is on time only with a recorded reason; under 24 hours is late.
- A change notified in advance "that slips by more than 3 days is re-notified within 6 days":
  when the change actually happens more than 3 days after the date notified, the person must
  re-notify within 6 days of the date originally notified (the expected date counts as day 0), so
  the deadline is the end of the London day 6 days after the expected date. A change that happens
  earlier than expected, or is late by 3 days or less, needs no re-notification under this rule.
  The rule applies only to a change notified in advance (notified on or before the expected
  date); otherwise None.
- An address "stayed at 7 days in total over 12 months": days are counted inclusively (a stay
  from Monday to Sunday is 7 days; it is not counted in nights), overlapping stays are counted
  once, and the 12 months are the year ending with `as_of` (from the day after the same date a
  year earlier, through `as_of`).
- Annual re-notification falls on the same date a year later; 29 February falls on 28 February.
- Notification periods: "fixed periods halved if under 18" halves the fixed 10, 7, 5 and 2 year
  periods; a conditional discharge lasts its own length and is not halved (as in SOA 2003
  s.82(2)). A suspended sentence is not custody, so it is an "other disposal" (5 years).
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

LONDON = ZoneInfo("Europe/London")

HOUR = dt.timedelta(hours=1)
LATE_UNDER = dt.timedelta(hours=24)
FULL_NOTICE = dt.timedelta(days=7)

CHANGE_DAYS = 3  # initial notification and every change: within 3 days
SLIP_TOLERANCE_DAYS = 3  # a change notified in advance may slip this much without re-notifying
RENOTIFY_DAYS = 6  # ... otherwise re-notify within 6 days of the expected date
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
    """THE deadline for "within `days` days" of an event.

    The end of the London calendar day `days` days after the London date of `event_at` (the day of
    the event is day 0). Calendar arithmetic on London dates, so a clock change in between does
    not move the deadline off the end of the day, and the deadline carries the offset in force on
    its own day.
    """
    require_aware(event_at, "event_at")
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    return end_of_day(london_date(event_at) + dt.timedelta(days=days))


def change_due(changed_at: dt.datetime) -> dt.datetime:
    """Initial notification and every change: within 3 days."""
    return within_days(changed_at, CHANGE_DAYS)


def weekly_due(last_notified_at: dt.datetime) -> dt.datetime:
    """No fixed abode: the next weekly notification is due within 7 days of the last."""
    return within_days(last_notified_at, WEEKLY_DAYS)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def annual_due(last_notified_on: dt.date) -> dt.date:
    """Annual re-notification: one year after the last notification (29 Feb -> 28 Feb)."""
    return add_years(last_notified_on, 1)


def rescheduled_change_due(
    expected_change_on: dt.date, actual_change_on: dt.date, notified_at: dt.datetime
) -> dt.datetime | None:
    """Deadline to re-notify a change notified in advance that slipped, or None.

    Due within 6 days of the expected date (the end of the London day 6 days after it) when the
    change happened more than 3 days after the expected date and the notification was given on or
    before the expected date (London). Otherwise None: the change happened on time, early, or
    within 3 days of the date given, or was not notified in advance.
    """
    require_aware(notified_at, "notified_at")
    if london_date(notified_at) > expected_change_on:
        return None
    if (actual_change_on - expected_change_on).days <= SLIP_TOLERANCE_DAYS:
        return None
    return within_days(start_of_day(expected_change_on), RENOTIFY_DAYS)


# --- Foreign travel ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TravelNotice:
    on_time: bool  # False when under 24 hours' notice: always late
    needs_reason: bool  # True when at least 24 hours but under 7 days' notice
    hours_notice: float
    explanation: str


def travel_notice(notified_at: dt.datetime, departs_at: dt.datetime) -> TravelNotice:
    """Whether notice of foreign travel was on time, and whether a reason must be recorded.

    7 days' notice is the rule; at least 24 hours where 7 days was not reasonably practicable
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
    if notice < FULL_NOTICE:
        return TravelNotice(
            on_time=True,
            needs_reason=True,
            hours_notice=hours,
            explanation=(
                f"{when}: {_plural(round(hours, 2), 'hour')}' notice. At least 24 hours but "
                "under 7 days: on time only if 7 days was not reasonably practicable, and the "
                "reason must be recorded."
            ),
        )
    return TravelNotice(
        on_time=True,
        needs_reason=False,
        hours_notice=hours,
        explanation=f"{when}: {_plural(round(hours / 24, 2), 'day')}' notice. 7 days or more: on time.",
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


@dataclass(frozen=True)
class PeriodRule:
    """One row of the notification-period table; the first matching row decides.

    A row matches when every criterion it sets holds (None = any). Custody months are bounds on
    the sentence length in whole months, both inclusive. The outcome is exactly one of:
    indefinite; `years` (a fixed period, halved if under 18 at conviction); or the length of the
    conditional discharge.
    """

    key: str
    description: str
    disposals: frozenset[str] | None = None
    sentence_types: frozenset[str] | None = None
    min_custody_months: int | None = None
    max_custody_months: int | None = None
    indefinite: bool = False
    years: int | None = None
    discharge_length: bool = False

    def applies(self, *, disposal: str, sentence_type: str, sentence_months: int | None) -> bool:
        if self.disposals is not None and disposal not in self.disposals:
            return False
        if self.sentence_types is not None and sentence_type not in self.sentence_types:
            return False
        if self.min_custody_months is not None and (
            sentence_months is None or sentence_months < self.min_custody_months
        ):
            return False
        return not (
            self.max_custody_months is not None
            and (sentence_months is None or sentence_months > self.max_custody_months)
        )


_CUSTODY = frozenset({"immediate_custody"})

PERIOD_RULES: tuple[PeriodRule, ...] = (
    PeriodRule(
        key="custody_30_months_plus",
        description="Immediate custody of 30 months or more: indefinite",
        sentence_types=_CUSTODY,
        min_custody_months=30,
        indefinite=True,
    ),
    PeriodRule(
        key="life",
        description="Imprisonment for life: indefinite",
        sentence_types=frozenset({"life"}),
        indefinite=True,
    ),
    PeriodRule(
        key="ipp",
        description="Imprisonment for public protection: indefinite",
        sentence_types=frozenset({"ipp"}),
        indefinite=True,
    ),
    PeriodRule(
        key="hospital_order_restricted",
        description="Admitted to hospital subject to a restriction order: indefinite",
        sentence_types=frozenset({"hospital_order_restricted"}),
        indefinite=True,
    ),
    PeriodRule(
        key="custody_over_6_under_30_months",
        description="Immediate custody of more than 6 months and under 30 months: 10 years",
        sentence_types=_CUSTODY,
        min_custody_months=7,
        max_custody_months=29,
        years=10,
    ),
    PeriodRule(
        key="custody_6_months_or_less",
        description="Immediate custody of 6 months or less: 7 years",
        sentence_types=_CUSTODY,
        max_custody_months=6,
        years=7,
    ),
    PeriodRule(
        key="hospital_order",
        description="Admitted to hospital without a restriction order: 7 years",
        sentence_types=frozenset({"hospital_order"}),
        years=7,
    ),
    PeriodRule(
        key="caution",
        description="Cautioned: 2 years",
        disposals=frozenset({DISPOSAL_CAUTION}),
        years=2,
    ),
    PeriodRule(
        key="conditional_discharge",
        description="Conditional discharge: the length of the discharge",
        sentence_types=frozenset({"conditional_discharge"}),
        discharge_length=True,
    ),
    PeriodRule(
        key="other_disposal",
        description="Any other disposal (including a suspended sentence): 5 years",
        years=5,
    ),
)


@dataclass(frozen=True)
class NotificationPeriod:
    indefinite: bool
    years: float | None  # fixed length when not indefinite
    review_after_years: int | None  # indefinite: reviewable after 15 years (8 if under 18)
    rule_key: str  # which row produced it
    explanation: str


def _validate_case(
    disposal: str, sentence_type: str, sentence_months: int | None, discharge_months: int | None
) -> None:
    if disposal not in DISPOSALS:
        raise ValueError(f"unknown disposal {disposal!r}")
    if sentence_type not in SENTENCE_TYPES:
        raise ValueError(f"unknown sentence type {sentence_type!r}")
    if disposal == DISPOSAL_CAUTION and sentence_type != "none":
        raise ValueError(f"a caution carries no sentence, got {sentence_type!r}")
    if sentence_type in CONVICTION_ONLY_SENTENCES and disposal != DISPOSAL_CONVICTION:
        raise ValueError(f"{sentence_type!r} can only follow a conviction, not {disposal!r}")
    if sentence_type == "immediate_custody" and (sentence_months is None or sentence_months < 1):
        raise ValueError("immediate custody needs its length in months (1 or more)")
    if sentence_type == "conditional_discharge" and (
        discharge_months is None or discharge_months < 1
    ):
        raise ValueError("a conditional discharge needs its length in months (1 or more)")


def _describe_case(disposal: str, sentence_type: str, sentence_months: int | None) -> str:
    if disposal == DISPOSAL_CAUTION:
        return "A caution"
    sentence = _SENTENCE_LABELS[sentence_type]
    if sentence_type in {"immediate_custody", "suspended"} and sentence_months is not None:
        sentence = f"{sentence} of {_plural(sentence_months, 'month')}"
    return f"{_DISPOSAL_LABELS[disposal].capitalize()}, {sentence}"


def notification_period(
    *,
    disposal: str,
    sentence_type: str,
    sentence_months: int | None,
    under_18_at_conviction: bool,
    discharge_months: int | None = None,
) -> NotificationPeriod:
    """The notification period for a disposal, from the first matching row of PERIOD_RULES."""
    _validate_case(disposal, sentence_type, sentence_months, discharge_months)
    rule = next(
        row
        for row in PERIOD_RULES
        if row.applies(
            disposal=disposal, sentence_type=sentence_type, sentence_months=sentence_months
        )
    )  # the last row matches everything
    case = _describe_case(disposal, sentence_type, sentence_months)
    if rule.indefinite:
        review = (
            INDEFINITE_REVIEW_YEARS_UNDER_18 if under_18_at_conviction else INDEFINITE_REVIEW_YEARS
        )
        age = " (under 18 at conviction)" if under_18_at_conviction else ""
        return NotificationPeriod(
            indefinite=True,
            years=None,
            review_after_years=review,
            rule_key=rule.key,
            explanation=(
                f"{case}. Rule applied: {rule.description}. Reviewable after {review} years{age}."
            ),
        )
    if rule.discharge_length:
        if discharge_months is None:  # pragma: no cover - checked by _validate_case
            raise ValueError("a conditional discharge needs its length in months")
        return NotificationPeriod(
            indefinite=False,
            years=discharge_months / 12,
            review_after_years=None,
            rule_key=rule.key,
            explanation=(
                f"{case}. Rule applied: {rule.description}, {_plural(discharge_months, 'month')}"
                + (
                    " (not halved for under 18: it is not a fixed period)."
                    if under_18_at_conviction
                    else "."
                )
            ),
        )
    if rule.years is None:  # pragma: no cover - every other row has a fixed length
        raise ValueError(f"period rule {rule.key!r} sets no outcome")
    years = rule.years / 2 if under_18_at_conviction else float(rule.years)
    halved = (
        f", halved to {_plural(years, 'year')} because under 18 at conviction"
        if under_18_at_conviction
        else ""
    )
    return NotificationPeriod(
        indefinite=False,
        years=years,
        review_after_years=None,
        rule_key=rule.key,
        explanation=f"{case}. Rule applied: {rule.description}{halved}.",
    )


def period_months(period: NotificationPeriod) -> int | None:
    """A fixed period's length in whole months (half-years and discharges are whole months)."""
    if period.indefinite or period.years is None:
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
    """The last day of a fixed period that begins with (includes) `start`; None when indefinite.

    5 years from 1 January 2020 ends on 31 December 2024; 3 years 6 months from 15 March 2026
    ends on 14 September 2029; 1 year from 29 February 2028 ends on 28 February 2029.
    """
    months = period_months(period)
    if months is None:
        return None
    return add_months_rolling(start, months) - dt.timedelta(days=1)


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
