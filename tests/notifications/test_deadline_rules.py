"""Notification deadlines, travel notice, addresses and periods: pure rules, no database.

Clock changes used: British Summer Time starts at 01:00 UTC on Sunday 29 March 2026 and ends at
01:00 UTC on Sunday 25 October 2026. 2028 is a leap year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from notifications.rules import (
    LONDON,
    add_working_days,
    address_counts,
    address_days,
    address_first_counts_on,
    annual_due,
    change_due,
    end_of_day,
    rescheduled_change_due,
    travel_notice,
    weekly_due,
    within_days,
)

GMT = dt.timedelta(0)
BST = dt.timedelta(hours=1)
UTC = dt.UTC


def london(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold)


def last_moment(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 23, 59, 59, 999999, tzinfo=LONDON)


# --- end_of_day -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (dt.date(2026, 1, 15), GMT),
        (dt.date(2026, 7, 15), BST),
        (dt.date(2026, 3, 28), GMT),  # the Saturday before the clocks go forward
        (dt.date(2026, 3, 29), BST),  # the day they go forward: BST by the evening
        (dt.date(2026, 10, 24), BST),
        (dt.date(2026, 10, 25), GMT),  # the day they go back: GMT by the evening
    ],
)
def test_end_of_day_is_the_last_microsecond_in_london(day: dt.date, offset: dt.timedelta) -> None:
    end = end_of_day(day)
    assert end.tzinfo is LONDON
    assert (end.date(), end.time()) == (day, dt.time(23, 59, 59, 999999))
    assert end.utcoffset() == offset
    next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    assert next_midnight.astimezone(UTC) - end.astimezone(UTC) == dt.timedelta(microseconds=1)


# --- within_days ------------------------------------------------------------------------------


def test_within_3_days_of_friday_evening_is_the_end_of_monday() -> None:
    # The worked case: 22:30 on Friday 27 March 2026 (GMT); the clocks go forward on the Sunday.
    deadline = within_days(london(2026, 3, 27, 22, 30), 3)
    assert deadline == last_moment(2026, 3, 30)
    assert deadline.utcoffset() == BST
    assert deadline.astimezone(UTC) == dt.datetime(2026, 3, 30, 22, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("event", "deadline_day", "event_offset", "deadline_offset"),
    [
        # Entirely before the change: GMT on both sides.
        (london(2026, 3, 25, 9, 0), dt.date(2026, 3, 28), GMT, GMT),
        # Just before the change, deadline on the changeover Sunday itself (BST by then).
        (london(2026, 3, 26, 23, 59), dt.date(2026, 3, 29), GMT, BST),
        # Event at 00:30 GMT on the changeover Sunday, before the clocks go forward at 01:00.
        (london(2026, 3, 29, 0, 30), dt.date(2026, 4, 1), GMT, BST),
        # Event after the change on the changeover Sunday.
        (london(2026, 3, 29, 3, 0), dt.date(2026, 4, 1), BST, BST),
    ],
)
def test_3_day_deadlines_across_the_march_clock_change(
    event: dt.datetime,
    deadline_day: dt.date,
    event_offset: dt.timedelta,
    deadline_offset: dt.timedelta,
) -> None:
    deadline = within_days(event, 3)
    assert event.utcoffset() == event_offset
    assert deadline == end_of_day(deadline_day)
    assert deadline.time() == dt.time(23, 59, 59, 999999)
    assert deadline.utcoffset() == deadline_offset


@pytest.mark.parametrize(
    ("event", "deadline_day", "event_offset", "deadline_offset"),
    [
        # Entirely in BST.
        (london(2026, 10, 20, 12, 0), dt.date(2026, 10, 23), BST, BST),
        # Just before the change, deadline on the changeover Sunday itself (GMT by then).
        (london(2026, 10, 22, 23, 59), dt.date(2026, 10, 25), BST, GMT),
        # Friday evening before the change: deadline Monday, GMT.
        (london(2026, 10, 23, 22, 30), dt.date(2026, 10, 26), BST, GMT),
        # 01:30 happens twice on the changeover Sunday; both are 25 October.
        (london(2026, 10, 25, 1, 30, fold=0), dt.date(2026, 10, 28), BST, GMT),
        (london(2026, 10, 25, 1, 30, fold=1), dt.date(2026, 10, 28), GMT, GMT),
    ],
)
def test_3_day_deadlines_across_the_october_clock_change(
    event: dt.datetime,
    deadline_day: dt.date,
    event_offset: dt.timedelta,
    deadline_offset: dt.timedelta,
) -> None:
    deadline = within_days(event, 3)
    assert event.utcoffset() == event_offset
    assert deadline == end_of_day(deadline_day)
    assert deadline.time() == dt.time(23, 59, 59, 999999)
    assert deadline.utcoffset() == deadline_offset


def test_deadline_across_the_october_change_is_25_real_hours_longer_than_three_days() -> None:
    event = london(2026, 10, 24, 0, 0)
    deadline = within_days(event, 3)
    elapsed = deadline.astimezone(UTC) - event.astimezone(UTC)
    assert elapsed == dt.timedelta(days=4, hours=1) - dt.timedelta(microseconds=1)


def test_deadline_across_the_march_change_is_an_hour_shorter_in_real_time() -> None:
    event = london(2026, 3, 28, 0, 0)
    deadline = within_days(event, 3)
    elapsed = deadline.astimezone(UTC) - event.astimezone(UTC)
    assert elapsed == dt.timedelta(days=4, hours=-1) - dt.timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("event_day", "deadline_day"),
    [
        (dt.date(2028, 2, 26), dt.date(2028, 2, 29)),  # lands on the leap day
        (dt.date(2028, 2, 28), dt.date(2028, 3, 2)),  # 29 February counts as a day
        (dt.date(2028, 2, 29), dt.date(2028, 3, 3)),  # from the leap day
        (dt.date(2027, 2, 28), dt.date(2027, 3, 3)),  # no leap day in 2027
    ],
)
def test_3_day_deadlines_around_the_leap_day(event_day: dt.date, deadline_day: dt.date) -> None:
    event = dt.datetime.combine(event_day, dt.time(10, 0), tzinfo=LONDON)
    assert within_days(event, 3) == end_of_day(deadline_day)


def test_a_minute_before_midnight_and_a_minute_after_are_different_days() -> None:
    assert within_days(london(2026, 3, 10, 23, 59), 3) == last_moment(2026, 3, 13)
    assert within_days(london(2026, 3, 11, 0, 1), 3) == last_moment(2026, 3, 14)


def test_an_event_late_in_the_evening_utc_in_summer_is_the_next_london_day() -> None:
    # 23:30 UTC on 15 July is 00:30 BST on 16 July: the deadline counts from 16 July.
    event = dt.datetime(2026, 7, 15, 23, 30, tzinfo=UTC)
    assert event.astimezone(LONDON).date() == dt.date(2026, 7, 16)
    deadline = within_days(event, 3)
    assert deadline == last_moment(2026, 7, 19)
    assert deadline.tzinfo is LONDON
    assert deadline.utcoffset() == BST


def test_an_event_late_in_the_evening_utc_at_the_end_of_october_is_gmt() -> None:
    # 31 October always falls after the last Sunday of October, so London is on GMT:
    # 23:30 UTC on 31 October is 23:30 London on the same date.
    event = dt.datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    assert within_days(event, 3) == last_moment(2026, 11, 3)


def test_an_event_late_in_the_evening_utc_on_the_march_changeover_day() -> None:
    # 23:30 UTC on Saturday 28 March is still GMT; on Sunday 29 March it is 00:30 BST on Monday.
    assert within_days(dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC), 3) == last_moment(2026, 3, 31)
    assert within_days(dt.datetime(2026, 3, 29, 23, 30, tzinfo=UTC), 3) == last_moment(2026, 4, 2)


def test_an_event_given_in_another_zone_uses_its_london_date() -> None:
    # 20:00 in New York on 10 March 2026 (EDT, UTC-4) is 00:00 GMT on 11 March in London.
    event = dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    assert within_days(event, 3) == last_moment(2026, 3, 14)


def test_within_zero_days_is_the_end_of_the_same_london_day() -> None:
    assert within_days(london(2026, 5, 1, 8, 0), 0) == last_moment(2026, 5, 1)


def test_a_change_on_friday_evening_is_due_by_the_end_of_sunday() -> None:
    # SOA 2003 s.84(1): "within the period of 3 days beginning with" the change: Friday is day 1.
    # (Regression: the old reading counted Friday as day 0 and gave the end of Monday.)
    changed = london(2026, 3, 27, 22, 30)
    assert change_due(changed) == last_moment(2026, 3, 29)
    assert change_due(changed) != within_days(changed, 3)


def test_naive_datetimes_are_rejected() -> None:
    naive = dt.datetime(2026, 3, 27, 22, 30)  # noqa: DTZ001 - deliberately naive
    aware = london(2026, 3, 27, 22, 30)
    with pytest.raises(ValueError, match="timezone-aware"):
        within_days(naive, 3)
    with pytest.raises(ValueError, match="timezone-aware"):
        weekly_due(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        travel_notice(naive, aware + dt.timedelta(days=8))
    with pytest.raises(ValueError, match="timezone-aware"):
        travel_notice(aware, naive + dt.timedelta(days=8))
    with pytest.raises(ValueError, match="timezone-aware"):
        rescheduled_change_due(dt.date(2026, 4, 1), dt.date(2026, 4, 9), naive)


def test_negative_days_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        within_days(london(2026, 5, 1, 8, 0), -1)


# --- Foreign travel ---------------------------------------------------------------------------

DEPARTS = london(2026, 6, 20, 9, 0)


def test_23_hours_notice_is_late() -> None:
    notice = travel_notice(DEPARTS - dt.timedelta(hours=23), DEPARTS)
    assert (notice.on_time, notice.needs_reason) == (False, False)
    assert notice.hours_notice == 23
    assert "always late" in notice.explanation


def test_25_hours_notice_is_on_time_but_needs_a_reason() -> None:
    notice = travel_notice(DEPARTS - dt.timedelta(hours=25), DEPARTS)
    assert (notice.on_time, notice.needs_reason) == (True, True)
    assert notice.hours_notice == 25
    assert "reason must be recorded" in notice.explanation


def test_8_days_notice_is_on_time_with_no_reason() -> None:
    notice = travel_notice(DEPARTS - dt.timedelta(days=8), DEPARTS)
    assert (notice.on_time, notice.needs_reason) == (True, False)
    assert notice.hours_notice == 192
    assert "7 days or more" in notice.explanation


@pytest.mark.parametrize(
    ("notice", "on_time", "needs_reason"),
    [
        (dt.timedelta(hours=24) - dt.timedelta(seconds=1), False, False),
        (dt.timedelta(hours=24), True, True),
        (dt.timedelta(days=7) - dt.timedelta(seconds=1), True, True),
        (dt.timedelta(days=7), True, False),
    ],
)
def test_travel_notice_boundaries(notice: dt.timedelta, on_time: bool, needs_reason: bool) -> None:
    result = travel_notice(DEPARTS - notice, DEPARTS)
    assert (result.on_time, result.needs_reason) == (on_time, needs_reason)


def test_travel_notice_over_the_october_change_counts_the_extra_hour() -> None:
    # 12:00 BST Saturday to 11:30 GMT Sunday: 23.5 hours on the clock, 24.5 real hours.
    notice = travel_notice(london(2026, 10, 24, 12, 0), london(2026, 10, 25, 11, 30))
    assert notice.hours_notice == 24.5
    assert (notice.on_time, notice.needs_reason) == (True, True)
    assert "BST" in notice.explanation and "GMT" in notice.explanation


def test_a_week_by_the_clock_over_the_october_change_is_a_full_week() -> None:
    # 12:00 BST on 18 October to 11:30 GMT on 25 October: 6 days 23.5 hours on the clock.
    notice = travel_notice(london(2026, 10, 18, 12, 0), london(2026, 10, 25, 11, 30))
    assert notice.hours_notice == 7 * 24 + 0.5
    assert (notice.on_time, notice.needs_reason) == (True, False)


def test_travel_notice_over_the_march_change_loses_an_hour() -> None:
    # 12:00 GMT Saturday to 12:30 BST Sunday: 24.5 hours on the clock, 23.5 real hours: late.
    notice = travel_notice(london(2026, 3, 28, 12, 0), london(2026, 3, 29, 12, 30))
    assert notice.hours_notice == 23.5
    assert (notice.on_time, notice.needs_reason) == (False, False)


def test_travel_notice_mixes_zones_by_real_time() -> None:
    notice = travel_notice(dt.datetime(2026, 6, 19, 7, 0, tzinfo=UTC), DEPARTS)  # 08:00 BST
    assert notice.hours_notice == 25


def test_notice_given_after_departure_is_late() -> None:
    notice = travel_notice(DEPARTS + dt.timedelta(hours=2), DEPARTS)
    assert notice.on_time is False
    assert notice.hours_notice == -2
    assert "after departure" in notice.explanation


# --- Weekly, annual, rescheduled changes ------------------------------------------------------


def test_weekly_notification_with_no_fixed_abode_is_due_within_7_days() -> None:
    last = london(2026, 10, 19, 10, 0)  # Monday, BST
    due = weekly_due(last)
    assert due == within_days(last, 7) == last_moment(2026, 10, 26)
    assert due.utcoffset() == GMT


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (dt.date(2026, 3, 14), dt.date(2027, 3, 14)),
        (dt.date(2027, 2, 28), dt.date(2028, 2, 28)),
        (dt.date(2028, 2, 29), dt.date(2029, 2, 28)),  # from the leap day
        (dt.date(2028, 3, 1), dt.date(2029, 3, 1)),
    ],
)
def test_annual_notification_is_due_a_year_later(last: dt.date, due: dt.date) -> None:
    assert annual_due(last) == due


NOTIFIED_IN_ADVANCE = london(2026, 6, 1, 14, 0)


def test_a_change_not_made_in_the_3_days_beginning_with_the_date_given_is_notified_within_6() -> (
    None
):
    # SOA 2003 s.84(4)(b): "within the period of 6 days beginning with the date specified".
    due = rescheduled_change_due(dt.date(2026, 6, 10), dt.date(2026, 6, 14), NOTIFIED_IN_ADVANCE)
    assert due == last_moment(2026, 6, 15)
    # 3 days after the date given is already outside "the period of 3 days beginning with" it.
    due = rescheduled_change_due(dt.date(2026, 6, 10), dt.date(2026, 6, 13), NOTIFIED_IN_ADVANCE)
    assert due == last_moment(2026, 6, 15)


@pytest.mark.parametrize(
    "actual",
    [
        dt.date(2026, 6, 10),  # on the day
        dt.date(2026, 6, 12),  # 2 days late: within the 3 days beginning with the date
        dt.date(2026, 6, 8),  # 2 days early
        dt.date(2026, 6, 5),  # more than 2 days early: s.84(3) asks for the change, not this
    ],
)
def test_a_change_on_time_or_slipping_3_days_or_less_needs_no_renotification(
    actual: dt.date,
) -> None:
    assert rescheduled_change_due(dt.date(2026, 6, 10), actual, NOTIFIED_IN_ADVANCE) is None


def test_renotification_deadline_across_the_october_change() -> None:
    due = rescheduled_change_due(dt.date(2026, 10, 22), dt.date(2026, 10, 30), NOTIFIED_IN_ADVANCE)
    assert due == last_moment(2026, 10, 27)
    assert due is not None and due.utcoffset() == GMT


def test_a_change_not_notified_in_advance_is_not_a_rescheduled_change() -> None:
    notified_after = london(2026, 6, 11, 9, 0)
    assert (
        rescheduled_change_due(dt.date(2026, 6, 10), dt.date(2026, 6, 20), notified_after) is None
    )
    # Notified on the expected day itself still counts as in advance.
    on_the_day = london(2026, 6, 10, 8, 0)
    assert rescheduled_change_due(
        dt.date(2026, 6, 10), dt.date(2026, 6, 20), on_the_day
    ) == last_moment(2026, 6, 15)


# --- Addresses stayed at ----------------------------------------------------------------------

JUNE = dt.date(2026, 6, 30)


def test_two_stays_totalling_6_days_do_not_count() -> None:
    stays = [
        (dt.date(2026, 6, 1), dt.date(2026, 6, 3)),
        (dt.date(2026, 6, 10), dt.date(2026, 6, 12)),
    ]
    assert address_days(stays, JUNE) == 6
    assert address_counts(stays, JUNE) is False


def test_two_stays_totalling_7_days_count() -> None:
    stays = [
        (dt.date(2026, 6, 1), dt.date(2026, 6, 3)),
        (dt.date(2026, 6, 10), dt.date(2026, 6, 13)),
    ]
    assert address_days(stays, JUNE) == 7
    assert address_counts(stays, JUNE) is True
    assert address_first_counts_on(stays) == dt.date(2026, 6, 13)


def test_days_are_counted_inclusively_not_as_nights() -> None:
    monday_to_sunday = [(dt.date(2026, 6, 1), dt.date(2026, 6, 7))]  # 6 nights, 7 days
    assert address_counts(monday_to_sunday, JUNE) is True
    assert address_counts([(dt.date(2026, 6, 1), dt.date(2026, 6, 6))], JUNE) is False


def test_overlapping_stays_are_counted_once() -> None:
    stays = [(dt.date(2026, 6, 1), dt.date(2026, 6, 5)), (dt.date(2026, 6, 4), dt.date(2026, 6, 6))]
    assert address_days(stays, JUNE) == 6
    assert address_counts(stays, JUNE) is False


def test_only_the_12_months_ending_on_the_day_count() -> None:
    stays = [
        (dt.date(2025, 6, 1), dt.date(2025, 6, 4)),
        (dt.date(2026, 5, 29), dt.date(2026, 5, 31)),
    ]
    # The 12 months ending 31 May 2026 run from 1 June 2025: all 7 days count.
    assert address_counts(stays, dt.date(2026, 5, 31)) is True
    # The 12 months ending 1 June 2026 start on 2 June 2025: 1 June 2025 drops out.
    assert address_days(stays, dt.date(2026, 6, 1)) == 6
    assert address_counts(stays, dt.date(2026, 6, 1)) is False


def test_days_after_the_as_of_date_are_not_counted() -> None:
    stays = [(dt.date(2026, 6, 25), dt.date(2026, 7, 10))]
    assert address_days(stays, JUNE) == 6
    assert address_counts(stays, JUNE) is False


def test_stays_more_than_12_months_apart_never_count() -> None:
    stays = [(dt.date(2025, 1, 1), dt.date(2025, 1, 4)), (dt.date(2026, 1, 2), dt.date(2026, 1, 4))]
    assert address_first_counts_on(stays) is None


def test_a_stay_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError, match="cannot end before"):
        address_counts([(dt.date(2026, 6, 5), dt.date(2026, 6, 1))], JUNE)


# Notification periods: tests/notifications/test_period_rules.py


def test_working_days_skip_weekends_and_england_and_wales_bank_holidays() -> None:
    # Thursday 2 April 2026, before Good Friday (3rd) and Easter Monday (6th): one working day
    # on is Tuesday 7 April; Christmas 2026 falls on a Friday, Boxing Day's holiday on Monday 28.
    assert add_working_days(dt.date(2026, 4, 2), 1) == dt.date(2026, 4, 7)
    assert add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)
    assert add_working_days(dt.date(2026, 11, 20), 0) == dt.date(2026, 11, 20)
    assert add_working_days(dt.date(2026, 11, 20), 1, holidays=()) == dt.date(2026, 11, 23)


def test_a_warning_before_the_bank_holiday_data_runs_out() -> None:
    from notifications.checks import bank_holidays_cover

    assert bank_holidays_cover(dt.date(2026, 11, 23)) == []
    [warning] = bank_holidays_cover(dt.date(2029, 12, 1))
    assert warning.id == "notifications.W001"
    assert "only to 2030" in warning.msg


# --- The law's deadlines, case by case (issue 10, findings 4 and 5) ----------------------------
#
# Each case names the provision it follows and quotes the words. "Beginning with" the event makes
# the event's own day day 1; "after" makes it day 0. 6 March 2026 is a Friday.

from notifications import rules as deadline_rules  # noqa: E402 - kept beside the cases using it
from notifications.models import DueItem, DueKind  # noqa: E402

D = dt.date
CUSTODY = deadline_rules.PAUSE_CUSTODY
HOSPITAL = deadline_rules.PAUSE_HOSPITAL
ABROAD = deadline_rules.PAUSE_ABROAD


def pause(first: dt.date, last: dt.date, kind: str = CUSTODY) -> deadline_rules.Disregarded:
    return deadline_rules.Disregarded(first, last, kind)


DEADLINE_CASES: list[tuple[str, str, str, str, dt.date, int | None, tuple[Any, ...], dt.date]] = [
    # (id, section, wording, rule, event day, tailored days, disregarded, last day)
    (
        "change-friday",
        "SOA 2003 s.84(1)",
        "within the period of 3 days beginning with",
        "change",
        D(2026, 3, 6),
        None,
        (),
        D(2026, 3, 8),
    ),
    (
        "change-monday",
        "SOA 2003 s.84(1)",
        "within the period of 3 days beginning with",
        "change",
        D(2026, 3, 9),
        None,
        (),
        D(2026, 3, 11),
    ),
    (
        "change-month-end",
        "SOA 2003 s.84(1)",
        "within the period of 3 days beginning with",
        "change",
        D(2026, 3, 30),
        None,
        (),
        D(2026, 4, 1),
    ),
    (
        "change-leap-day",
        "SOA 2003 s.84(1)",
        "within the period of 3 days beginning with",
        "change",
        D(2028, 2, 28),
        None,
        (),
        D(2028, 3, 1),
    ),
    (
        "change-new-year",
        "SOA 2003 s.84(1)",
        "within the period of 3 days beginning with",
        "change",
        D(2026, 12, 30),
        None,
        (),
        D(2027, 1, 1),
    ),
    (
        "initial-friday",
        "SOA 2003 s.83(1)",
        "within the period of 3 days beginning with the relevant date",
        "initial",
        D(2026, 3, 6),
        None,
        (),
        D(2026, 3, 8),
    ),
    (
        "initial-clock-change",
        "SOA 2003 s.83(1)",
        "within the period of 3 days beginning with the relevant date",
        "initial",
        D(2026, 3, 27),
        None,
        (),
        D(2026, 3, 29),
    ),
    (
        "custody-whole-period",
        "SOA 2003 s.83(6)(a)",
        "there is to be disregarded any time when the relevant offender is remanded in or committed to custody",
        "change",
        D(2026, 3, 6),
        None,
        (pause(D(2026, 3, 6), D(2026, 3, 10)),),
        D(2026, 3, 13),
    ),
    (
        "custody-middle",
        "SOA 2003 s.83(6)(b), s.84(5)",
        "serving a sentence of imprisonment",
        "change",
        D(2026, 3, 6),
        None,
        (pause(D(2026, 3, 7), D(2026, 3, 9)),),
        D(2026, 3, 11),
    ),
    (
        "hospital-one-day",
        "SOA 2003 s.83(6)(c)",
        "detained in a hospital",
        "change",
        D(2026, 3, 6),
        None,
        (pause(D(2026, 3, 8), D(2026, 3, 8), HOSPITAL),),
        D(2026, 3, 9),
    ),
    (
        "abroad-two-trips",
        "SOA 2003 s.83(6)(d)",
        "outside the United Kingdom",
        "change",
        D(2026, 3, 6),
        None,
        (pause(D(2026, 3, 7), D(2026, 3, 7), ABROAD), pause(D(2026, 3, 9), D(2026, 3, 9), ABROAD)),
        D(2026, 3, 10),
    ),
    (
        "pause-before-event-ignored",
        "SOA 2003 s.83(6)",
        "any time when the relevant offender is ... outside the United Kingdom",
        "change",
        D(2026, 3, 6),
        None,
        (pause(D(2026, 2, 1), D(2026, 3, 5), ABROAD),),
        D(2026, 3, 8),
    ),
    (
        "pause-after-deadline-ignored",
        "SOA 2003 s.83(6)",
        "any time when the relevant offender is ... detained in a hospital",
        "change",
        D(2026, 3, 6),
        None,
        (pause(D(2026, 3, 9), D(2026, 3, 20), HOSPITAL),),
        D(2026, 3, 8),
    ),
    (
        "initial-in-custody",
        "SOA 2003 s.83(6)(a)",
        "remanded in or committed to custody by an order of a court",
        "initial",
        D(2026, 3, 6),
        None,
        (pause(D(2026, 3, 1), D(2026, 4, 30)),),
        D(2026, 5, 3),
    ),
    (
        "tailored-5-days",
        "DOMAIN.md, Notification requirements (tailoring)",
        "each requirement set be tailored per person, with a reason",
        "change",
        D(2026, 3, 6),
        5,
        (),
        D(2026, 3, 10),
    ),
    (
        "tailored-1-day",
        "DOMAIN.md, Notification requirements (tailoring)",
        "each requirement set be tailored per person, with a reason",
        "change",
        D(2026, 3, 6),
        1,
        (),
        D(2026, 3, 6),
    ),
    (
        "spo-served-friday",
        "Stalking Protection Act 2019 s.9(1)",
        "within the period of 3 days beginning with the date of service of the order",
        "spo_initial",
        D(2026, 3, 6),
        None,
        (),
        D(2026, 3, 8),
    ),
    (
        "spo-new-name",
        "Stalking Protection Act 2019 s.9(3)",
        "before the end of the period of 3 days beginning with the date on which that happens",
        "spo_name",
        D(2026, 3, 6),
        None,
        (),
        D(2026, 3, 8),
    ),
    (
        "spo-new-address",
        "Stalking Protection Act 2019 s.9(4)",
        "before the end of the period of 3 days beginning with the date on which that happens",
        "spo_address",
        D(2026, 3, 6),
        None,
        (),
        D(2026, 3, 8),
    ),
    (
        "dapo-made",
        "Domestic Abuse Act 2021 s.41(2)",
        "within the period of three days beginning with the day on which the order is made",
        "dapo_initial",
        D(2026, 3, 6),
        None,
        (),
        D(2026, 3, 8),
    ),
    (
        "dapo-new-name",
        "Domestic Abuse Act 2021 s.41(4)",
        "within the period of three days beginning with the day on which the person first uses that name",
        "dapo_name",
        D(2026, 3, 6),
        None,
        (),
        D(2026, 3, 8),
    ),
    (
        "dapo-new-address",
        "Domestic Abuse Act 2021 s.41(5)",
        "before the end of the period of three days beginning with the day on which that happens",
        "dapo_address",
        D(2026, 3, 6),
        None,
        (),
        D(2026, 3, 8),
    ),
    (
        "advance-not-occurred",
        "SOA 2003 s.84(4)(b)",
        "within the period of 6 days beginning with the date specified",
        "advance_not_occurred",
        D(2026, 3, 6),
        None,
        (),
        D(2026, 3, 11),
    ),
    (
        "advance-not-occurred-abroad",
        "SOA 2003 s.84(5)",
        "Section 83(6) applies to the determination of the period of 3 days ... and the period of 6 days",
        "advance_not_occurred",
        D(2026, 3, 6),
        None,
        (pause(D(2026, 3, 8), D(2026, 3, 9), ABROAD),),
        D(2026, 3, 13),
    ),
    (
        "weekly-after",
        "SOA 2003 s.85(1), (5)(a)",
        "within the applicable period after each event",
        "weekly",
        D(2026, 3, 6),
        None,
        (),
        D(2026, 3, 13),
    ),
    (
        "weekly-ends-in-custody",
        "SOA 2003 s.85(3)",
        "treated as continuing until the end of the period of 3 days beginning when subsection (4) first ceases to apply",
        "weekly",
        D(2026, 3, 6),
        None,
        (pause(D(2026, 3, 12), D(2026, 3, 15)),),
        D(2026, 3, 18),
    ),
    (
        "annual-after",
        "SOA 2003 s.85(1)",
        "within the period of one year after each event",
        "annual",
        D(2026, 3, 6),
        None,
        (),
        D(2027, 3, 6),
    ),
    (
        "annual-ends-abroad",
        "SOA 2003 s.85(3), (4)(d)",
        "outside the United Kingdom",
        "annual",
        D(2026, 3, 6),
        None,
        (pause(D(2027, 3, 1), D(2027, 3, 10), ABROAD),),
        D(2027, 3, 13),
    ),
    (
        "annual-leap-day",
        "SOA 2003 s.85(1)",
        "within the period of one year after each event",
        "annual",
        D(2028, 2, 29),
        None,
        (),
        D(2029, 2, 28),
    ),
]


@pytest.mark.parametrize(
    ("section", "wording", "rule", "event_on", "days", "disregarded", "last_day"),
    [pytest.param(*case[1:], id=case[0]) for case in DEADLINE_CASES],
)
def test_each_deadline_as_the_law_reads(
    section: str,
    wording: str,
    rule: str,
    event_on: dt.date,
    days: int | None,
    disregarded: tuple[Any, ...],
    last_day: dt.date,
) -> None:
    deadline = deadline_rules.compute_deadline(rule, event_on, days=days, disregarded=disregarded)
    assert deadline.due_at == end_of_day(last_day)
    # The deadline names its source and the day it ends, as pages and the API show it.
    assert deadline.explanation.startswith(deadline.source)
    assert section.split(" s.")[0] in deadline.source or "DOMAIN.md" in section
    assert deadline.explanation.endswith(f"→ end of {last_day:%a} {last_day.day} {last_day:%b %Y}")
    assert wording  # every case quotes the words it follows


def test_a_deadline_shows_its_rule_and_source() -> None:
    deadline = deadline_rules.deadline("change", D(2026, 3, 6))
    assert deadline.explanation == (
        "SOA 2003 s.84(1): within 3 days beginning with the change (Fri 6 Mar 2026) "
        "→ end of Sun 8 Mar 2026"
    )
    paused = deadline_rules.deadline(
        "change", D(2026, 3, 6), disregarded=[pause(D(2026, 3, 7), D(2026, 3, 9))]
    )
    assert "Sat 7 Mar 2026 to Mon 9 Mar 2026 disregarded, in custody" in paused.explanation


ADVANCE_CASES: list[
    tuple[str, str, str, dt.date | None, dt.date, str, dt.date | None, dt.date | None]
] = [
    # (id, section, wording, occurred on, as of, outcome, s.84(1) again by, s.84(4)(b) by)
    # Notified in advance for Tuesday 10 March 2026.
    (
        "on-the-day",
        "SOA 2003 s.84(2)",
        "may be given before ... the change of home address occurs",
        D(2026, 3, 10),
        D(2026, 3, 20),
        "stands",
        None,
        None,
    ),
    (
        "two-days-early",
        "SOA 2003 s.84(3)",
        "occurs more than 2 days before the date specified",
        D(2026, 3, 8),
        D(2026, 3, 20),
        "stands",
        None,
        None,
    ),
    (
        "three-days-early",
        "SOA 2003 s.84(3)",
        "the notification does not affect the duty imposed by subsection (1)",
        D(2026, 3, 7),
        D(2026, 3, 20),
        "early",
        D(2026, 3, 9),
        None,
    ),
    (
        "two-days-late",
        "SOA 2003 s.84(4)",
        "has not occurred by the end of the period of 3 days beginning with the date specified",
        D(2026, 3, 12),
        D(2026, 3, 20),
        "stands",
        None,
        None,
    ),
    (
        "three-days-late",
        "SOA 2003 s.84(4)(a)-(b)",
        "the notification does not affect the duty imposed by subsection (1)",
        D(2026, 3, 13),
        D(2026, 3, 20),
        "not_occurred",
        D(2026, 3, 15),
        D(2026, 3, 15),
    ),
    (
        "never",
        "SOA 2003 s.84(4)(b)",
        "notify to the police the fact that the event did not occur",
        None,
        D(2026, 3, 13),
        "not_occurred",
        None,
        D(2026, 3, 15),
    ),
    (
        "not-yet",
        "SOA 2003 s.84(4)",
        "by the end of the period of 3 days beginning with the date specified",
        None,
        D(2026, 3, 12),
        "pending",
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("section", "wording", "occurred_on", "as_of", "outcome", "again_by", "not_occurred_by"),
    [pytest.param(*case[1:], id=case[0]) for case in ADVANCE_CASES],
)
def test_a_change_notified_in_advance(
    section: str,
    wording: str,
    occurred_on: dt.date | None,
    as_of: dt.date,
    outcome: str,
    again_by: dt.date | None,
    not_occurred_by: dt.date | None,
) -> None:
    result = deadline_rules.advance_notice_outcome(D(2026, 3, 10), occurred_on, as_of=as_of)
    assert result.outcome == outcome
    assert (result.renotify.due_at if result.renotify else None) == (
        end_of_day(again_by) if again_by else None
    )
    assert (result.not_occurred.due_at if result.not_occurred else None) == (
        end_of_day(not_occurred_by) if not_occurred_by else None
    )
    assert wording


FULL = {"names", "date_of_birth", "ni_number", "main_address"}

COVER_CASES: list[tuple[str, str, str, str, str, set[str], bool]] = [
    # (id, section, wording, due kind, its requirement, items notified, met?)
    (
        "change-met-by-its-item",
        "SOA 2003 s.84(1)",
        "notify to the police ... the new home address",
        DueKind.CHANGE_NOTIFICATION,
        "main_address",
        {"main_address"},
        True,
    ),
    (
        "change-not-met-by-another-item",
        "DOMAIN.md, Notification requirements",
        "notifying one item meets only the items it covers",
        DueKind.CHANGE_NOTIFICATION,
        "main_address",
        {"phone_numbers"},
        False,
    ),
    (
        "account-not-met-by-address",
        "DOMAIN.md, Notification requirements",
        "notifying one item meets only the items it covers",
        DueKind.CHANGE_NOTIFICATION,
        "bank_accounts",
        {"main_address"},
        False,
    ),
    (
        "initial-not-met-by-one-optional-item",
        "SOA 2003 s.83(1), (5)",
        "notify to the police the information set out in subsection (5)",
        DueKind.INITIAL_NOTIFICATION,
        "",
        {"phone_numbers"},
        False,
    ),
    (
        "initial-not-met-without-ni-number",
        "SOA 2003 s.83(5)(b)",
        "his national insurance number",
        DueKind.INITIAL_NOTIFICATION,
        "",
        FULL - {"ni_number"},
        False,
    ),
    (
        "initial-met-by-full",
        "SOA 2003 s.83(5)(a)-(d)",
        "his date of birth; his national insurance number; his name ...; his home address",
        DueKind.INITIAL_NOTIFICATION,
        "",
        FULL,
        True,
    ),
    (
        "initial-met-with-weekly-location",
        "SOA 2003 s.83(7)(b)",
        "the address or location of a place in the United Kingdom where he can regularly be found",
        DueKind.INITIAL_NOTIFICATION,
        "",
        (FULL - {"main_address"}) | {"weekly_location"},
        True,
    ),
    (
        "annual-not-met-by-change",
        "SOA 2003 s.85(1)",
        "notify to the police the information set out in section 83(5)",
        DueKind.ANNUAL_NOTIFICATION,
        "",
        {"main_address"},
        False,
    ),
    (
        "annual-met-by-full",
        "SOA 2003 s.85(1)",
        "notify to the police the information set out in section 83(5)",
        DueKind.ANNUAL_NOTIFICATION,
        "",
        FULL | {"annual"},
        True,
    ),
    (
        "travel-meets-nothing",
        "SOA 2003 s.86",
        "notification requirements: travel outside the United Kingdom",
        DueKind.CHANGE_NOTIFICATION,
        "main_address",
        {"foreign_travel"},
        False,
    ),
    (
        "weekly-met-by-location",
        "SOA 2003 s.85(1), (5)(a)",
        "within the applicable period after each event",
        DueKind.WEEKLY_NOTIFICATION,
        "weekly_location",
        {"weekly_location"},
        True,
    ),
    (
        "order-needs-name-and-address",
        "Stalking Protection Act 2019 s.9(2)",
        "the person's name ... the person's home address",
        DueKind.ORDER_NOTIFICATION,
        "names+main_address",
        {"names"},
        False,
    ),
    (
        "order-met-by-name-and-address",
        "Domestic Abuse Act 2021 s.41(3)",
        "the person's name ... the person's home address",
        DueKind.ORDER_NOTIFICATION,
        "names+main_address",
        {"names", "main_address"},
        True,
    ),
    (
        "advance-not-occurred-met",
        "SOA 2003 s.84(4)(b)",
        "notify to the police the fact that the event did not occur",
        DueKind.ADVANCE_NOT_OCCURRED,
        "main_address",
        {"main_address"},
        True,
    ),
]


@pytest.mark.parametrize(
    ("section", "wording", "kind", "requirement", "notified", "met"),
    [pytest.param(*case[1:], id=case[0]) for case in COVER_CASES],
)
def test_a_notification_meets_only_what_it_covers(
    section: str, wording: str, kind: str, requirement: str, notified: set[str], met: bool
) -> None:
    from notifications.services import covers

    item = DueItem(kind=kind, requirement=requirement)
    assert covers(item, notified) is met
    assert section and wording


def test_an_address_counts_only_from_the_seventh_day_stayed() -> None:
    # SOA 2003 s.84(6): "a period of 7 days, or 2 or more periods, in any period of 12 months,
    # which taken together amount to 7 days".
    assert deadline_rules.address_first_counts_on([(D(2026, 3, 1), D(2026, 3, 3))]) is None
    assert deadline_rules.address_first_counts_on(
        [(D(2026, 3, 1), D(2026, 3, 3)), (D(2026, 6, 1), D(2026, 6, 4))]
    ) == D(2026, 6, 4)
