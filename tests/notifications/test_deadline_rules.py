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
    PERIOD_RULES,
    NotificationPeriod,
    add_working_days,
    address_counts,
    address_days,
    address_first_counts_on,
    annual_due,
    change_due,
    end_of_day,
    notification_period,
    period_end,
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


def test_change_due_is_within_3_days() -> None:
    changed = london(2026, 3, 27, 22, 30)
    assert change_due(changed) == within_days(changed, 3) == last_moment(2026, 3, 30)


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


def test_a_change_that_slips_by_more_than_3_days_is_renotified_within_6_days_of_the_expected_date() -> (
    None
):
    due = rescheduled_change_due(dt.date(2026, 6, 10), dt.date(2026, 6, 14), NOTIFIED_IN_ADVANCE)
    assert due == last_moment(2026, 6, 16)


@pytest.mark.parametrize(
    "actual",
    [
        dt.date(2026, 6, 10),  # on the day
        dt.date(2026, 6, 13),  # 3 days late: within tolerance
        dt.date(2026, 6, 5),  # early
    ],
)
def test_a_change_on_time_or_slipping_3_days_or_less_needs_no_renotification(
    actual: dt.date,
) -> None:
    assert rescheduled_change_due(dt.date(2026, 6, 10), actual, NOTIFIED_IN_ADVANCE) is None


def test_renotification_deadline_across_the_october_change() -> None:
    due = rescheduled_change_due(dt.date(2026, 10, 22), dt.date(2026, 10, 30), NOTIFIED_IN_ADVANCE)
    assert due == last_moment(2026, 10, 28)
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
    ) == last_moment(2026, 6, 16)


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


# --- Notification period: the rule table ------------------------------------------------------


def period(
    sentence_type: str,
    months: int | None = None,
    *,
    disposal: str = "conviction",
    under_18: bool = False,
    discharge_months: int | None = None,
) -> NotificationPeriod:
    return notification_period(
        disposal=disposal,
        sentence_type=sentence_type,
        sentence_months=months,
        under_18_at_conviction=under_18,
        discharge_months=discharge_months,
    )


@pytest.mark.parametrize(
    ("case", "rule_key", "years"),
    [
        (period("immediate_custody", 30), "custody_30_months_plus", None),
        (period("immediate_custody", 120), "custody_30_months_plus", None),
        (period("life"), "life", None),
        (period("ipp"), "ipp", None),
        (
            period("hospital_order_restricted", disposal="not_guilty_insanity"),
            "hospital_order_restricted",
            None,
        ),
        (period("immediate_custody", 29), "custody_over_6_under_30_months", 10),
        (period("immediate_custody", 7), "custody_over_6_under_30_months", 10),
        (period("immediate_custody", 6), "custody_6_months_or_less", 7),
        (period("immediate_custody", 1), "custody_6_months_or_less", 7),
        (period("hospital_order", disposal="disability_finding"), "hospital_order", 7),
        (period("hospital_order"), "hospital_order", 7),
        (period("none", disposal="caution"), "caution", 2),
        (period("conditional_discharge", discharge_months=18), "conditional_discharge", 1.5),
        (period("suspended", 24), "other_disposal", 5),
        (period("community_order"), "other_disposal", 5),
        (period("fine"), "other_disposal", 5),
        (period("absolute_discharge", disposal="not_guilty_insanity"), "other_disposal", 5),
        (period("guardianship_order", disposal="disability_finding"), "other_disposal", 5),
    ],
)
def test_each_row_of_the_period_table(
    case: NotificationPeriod, rule_key: str, years: float | None
) -> None:
    assert case.rule_key == rule_key
    assert case.indefinite is (years is None)
    assert case.years == years
    assert case.review_after_years == (15 if years is None else None)
    assert case.explanation


def test_every_row_of_the_table_is_reachable_and_keys_are_unique() -> None:
    keys = [rule.key for rule in PERIOD_RULES]
    assert len(keys) == len(set(keys))
    reached = {
        period("immediate_custody", 30).rule_key,
        period("life").rule_key,
        period("ipp").rule_key,
        period("hospital_order_restricted").rule_key,
        period("immediate_custody", 12).rule_key,
        period("immediate_custody", 3).rule_key,
        period("hospital_order").rule_key,
        period("none", disposal="caution").rule_key,
        period("conditional_discharge", discharge_months=12).rule_key,
        period("fine").rule_key,
    }
    assert reached == set(keys)


def test_a_suspended_sentence_of_30_months_is_not_custody() -> None:
    suspended = period("suspended", 30)
    assert (suspended.indefinite, suspended.years, suspended.rule_key) == (
        False,
        5,
        "other_disposal",
    )


@pytest.mark.parametrize(
    ("case", "years"),
    [
        (period("immediate_custody", 12, under_18=True), 5),
        (period("immediate_custody", 6, under_18=True), 3.5),
        (period("hospital_order", under_18=True), 3.5),
        (period("none", disposal="caution", under_18=True), 1),
        (period("suspended", 24, under_18=True), 2.5),
    ],
)
def test_fixed_periods_are_halved_if_under_18(case: NotificationPeriod, years: float) -> None:
    assert case.years == years
    assert "halved" in case.explanation


@pytest.mark.parametrize(
    ("under_18", "review"),
    [(False, 15), (True, 8)],
)
@pytest.mark.parametrize(
    "sentence",
    [("immediate_custody", 30), ("life", None), ("ipp", None), ("hospital_order_restricted", None)],
)
def test_indefinite_periods_are_reviewable_after_15_years_or_8_if_under_18(
    sentence: tuple[str, int | None], under_18: bool, review: int
) -> None:
    case = period(sentence[0], sentence[1], under_18=under_18)
    assert case.indefinite is True
    assert case.years is None
    assert case.review_after_years == review
    assert f"after {review} years" in case.explanation


def test_a_conditional_discharge_lasts_its_own_length_and_is_not_halved() -> None:
    adult = period("conditional_discharge", discharge_months=18)
    child = period("conditional_discharge", discharge_months=18, under_18=True)
    assert adult.years == child.years == 1.5
    assert "18 months" in child.explanation
    short = period("conditional_discharge", discharge_months=7)
    assert period_end(dt.date(2026, 1, 10), short) == dt.date(2026, 8, 9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sentence_type": "fine", "disposal": "acquittal"}, "unknown disposal"),
        ({"sentence_type": "birching"}, "unknown sentence type"),
        ({"sentence_type": "immediate_custody"}, "length in months"),
        ({"sentence_type": "conditional_discharge"}, "length in months"),
        ({"sentence_type": "fine", "disposal": "caution"}, "caution carries no sentence"),
        ({"sentence_type": "life", "disposal": "not_guilty_insanity"}, "only follow a conviction"),
    ],
)
def test_inconsistent_cases_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        period(**kwargs)


# --- period_end -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "case", "end"),
    [
        (dt.date(2020, 1, 1), period("fine"), dt.date(2024, 12, 31)),
        (dt.date(2026, 3, 15), period("immediate_custody", 6, under_18=True), dt.date(2029, 9, 14)),
        (dt.date(2026, 8, 31), period("fine", under_18=True), dt.date(2029, 2, 28)),
        (dt.date(2027, 8, 31), period("fine", under_18=True), dt.date(2030, 2, 28)),
        (
            dt.date(2028, 2, 29),
            period("none", disposal="caution", under_18=True),
            dt.date(2029, 2, 28),
        ),
        (dt.date(2028, 2, 29), period("none", disposal="caution"), dt.date(2030, 2, 28)),
        (dt.date(2028, 2, 29), period("fine"), dt.date(2033, 2, 28)),
        (dt.date(2027, 3, 1), period("immediate_custody", 12), dt.date(2037, 2, 28)),
        (
            dt.date(2025, 8, 31),
            period("none", disposal="caution", under_18=True),
            dt.date(2026, 8, 30),
        ),
    ],
)
def test_period_end_is_the_last_day_of_the_period(
    start: dt.date, case: NotificationPeriod, end: dt.date
) -> None:
    assert period_end(start, case) == end


def test_period_end_over_a_leap_year_runs_to_29_february() -> None:
    # 2.5 years from 31 August 2025 ends on the last day of February 2028, a leap year.
    assert period_end(dt.date(2025, 8, 31), period("fine", under_18=True)) == dt.date(2028, 2, 29)


def test_indefinite_periods_have_no_end() -> None:
    assert period_end(dt.date(2026, 1, 1), period("life")) is None


def test_a_period_that_is_not_whole_months_is_rejected() -> None:
    odd = NotificationPeriod(
        indefinite=False, years=1.3, review_after_years=None, rule_key="x", explanation=""
    )
    with pytest.raises(ValueError, match="whole number of months"):
        period_end(dt.date(2026, 1, 1), odd)


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
