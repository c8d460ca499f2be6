"""Working-time arithmetic: what a WorkClock must answer, exactly at the edges of working periods."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from portfolium.engine.calendars import (
    ELAPSED,
    STANDARD,
    Calendar,
    CalendarException,
    Recurrence,
    RecurrenceKind,
    WorkClock,
    WorkingTime,
    WorkWeek,
    exception_dates,
    from_minutes,
    to_minutes,
)
from portfolium.engine.errors import PlanError

MONDAY = datetime(2026, 1, 5)  # 2026-01-05 is a Monday


def m(*args: int) -> int:
    return to_minutes(datetime(*args))  # type: ignore[arg-type]


def clock(calendar: Calendar = STANDARD) -> WorkClock:
    return WorkClock(calendar, to_minutes(MONDAY))


def dates(exception: CalendarException) -> list[str]:
    return [str(d) for d in exception_dates(exception)]


# -- the time axis ----------------------------------------------------------------------------------------


def test_minutes_round_trip_through_datetimes_before_and_after_the_epoch() -> None:
    for moment in (datetime(1999, 12, 31, 23, 59), datetime(2000, 1, 1), datetime(2087, 6, 30, 17, 5)):
        assert from_minutes(to_minutes(moment)) == moment


# -- starts and finishes at the edges -----------------------------------------------------------------------


def test_one_day_of_work_from_monday_morning_ends_monday_at_five() -> None:
    c = clock()
    assert from_minutes(c.from_work_finish(480)) == datetime(2026, 1, 5, 17)


def test_the_next_working_minute_after_a_full_day_begins_tuesday_at_eight() -> None:
    c = clock()
    assert from_minutes(c.from_work_start(480)) == datetime(2026, 1, 6, 8)


def test_a_finish_on_friday_stays_on_friday_and_the_next_start_is_monday() -> None:
    c = clock()
    assert from_minutes(c.from_work_finish(5 * 480)) == datetime(2026, 1, 9, 17)
    assert from_minutes(c.from_work_start(5 * 480)) == datetime(2026, 1, 12, 8)


def test_the_lunch_break_is_skipped_and_twelve_oclock_ends_the_morning() -> None:
    c = clock()
    assert from_minutes(c.from_work_finish(240)) == datetime(2026, 1, 5, 12)
    assert from_minutes(c.from_work_start(240)) == datetime(2026, 1, 5, 13)


def test_to_work_counts_only_working_minutes_and_is_flat_over_breaks_and_weekends() -> None:
    c = clock()
    assert c.to_work(m(2026, 1, 5, 8)) == 0
    assert c.to_work(m(2026, 1, 5, 12, 30)) == 240
    assert c.to_work(m(2026, 1, 5, 13)) == 240
    assert (
        c.to_work(m(2026, 1, 9, 17)) == c.to_work(m(2026, 1, 10, 12)) == c.to_work(m(2026, 1, 12, 8)) == 2400
    )


def test_moments_before_the_origin_count_negative() -> None:
    c = clock()
    assert c.to_work(m(2026, 1, 2, 16)) == -60
    assert from_minutes(c.from_work_start(-60)) == datetime(2026, 1, 2, 16)


def test_to_work_and_from_work_are_inverse_over_decades_in_both_directions() -> None:
    c = clock()
    for w in (-480 * 260 * 30, -1, 0, 1, 479, 480, 481, 480 * 260 * 40 + 7):
        assert c.to_work(c.from_work_start(w)) == w
        assert c.is_working(c.from_work_start(w))
        assert c.to_work(c.from_work_finish(w)) == w
    assert from_minutes(c.from_work_start(480 * 261 * 40)).year >= 2065


def test_add_crosses_the_weekend_and_subtract_comes_back() -> None:
    c = clock()
    friday_four = m(2026, 1, 9, 16)
    assert from_minutes(c.add(friday_four, 120)) == datetime(2026, 1, 12, 9)
    assert c.subtract(m(2026, 1, 12, 9), 120) == friday_four
    assert c.add(friday_four, 0) == friday_four


def test_working_minutes_between_two_moments_is_signed() -> None:
    c = clock()
    a, b = m(2026, 1, 5, 8), m(2026, 1, 12, 8)
    assert c.working_minutes_between(a, b) == 2400
    assert c.working_minutes_between(b, a) == -2400


def test_is_working_is_true_inside_periods_and_false_on_their_end_minute() -> None:
    c = clock()
    assert c.is_working(m(2026, 1, 5, 8))
    assert c.is_working(m(2026, 1, 5, 11, 59))
    assert not c.is_working(m(2026, 1, 5, 12))
    assert not c.is_working(m(2026, 1, 10, 10))


def test_next_start_and_previous_finish_snap_to_working_time() -> None:
    c = clock()
    saturday = m(2026, 1, 10, 10)
    assert from_minutes(c.next_start(saturday)) == datetime(2026, 1, 12, 8)
    assert from_minutes(c.previous_finish(saturday)) == datetime(2026, 1, 9, 17)


def test_many_at_once_agrees_with_one_at_a_time() -> None:
    c = clock()
    values = list(range(-5000, 5000, 37))
    assert c.from_work_start_many(values) == [c.from_work_start(w) for w in values]
    assert c.from_work_finish_many(values) == [c.from_work_finish(w) for w in values]
    moments = list(range(m(2025, 12, 1), m(2026, 2, 1), 173))
    assert c.to_work_many(moments) == [c.to_work(t) for t in moments]


# -- 24 hour and night calendars ----------------------------------------------------------------------------


def test_a_24_hour_calendar_counts_every_minute_and_joins_days_across_midnight() -> None:
    c = clock(ELAPSED)
    assert c.to_work(m(2026, 1, 12)) == 7 * 1440
    assert from_minutes(c.from_work_finish(1440)) == datetime(2026, 1, 6)
    assert c.is_working(m(2026, 1, 10, 3))


def test_a_night_shift_runs_over_midnight() -> None:
    nights = Calendar("night", week=((WorkingTime(0, 360), WorkingTime(22 * 60, 1440)),) * 7)
    c = clock(nights)
    start = c.to_work(m(2026, 1, 5, 22))
    assert from_minutes(c.from_work_finish(start + 480)) == datetime(2026, 1, 6, 6)


# -- exceptions and work weeks ---------------------------------------------------------------------------


def test_a_holiday_moves_the_next_working_day() -> None:
    holiday = CalendarException(date(2026, 1, 6), date(2026, 1, 6), name="Holiday")
    c = clock(Calendar("h", exceptions=(holiday,)))
    assert from_minutes(c.from_work_start(480)) == datetime(2026, 1, 7, 8)
    assert c.working_times(date(2026, 1, 6)) == ()


def test_a_working_exception_on_a_saturday_adds_its_hours() -> None:
    saturday = CalendarException(date(2026, 1, 10), date(2026, 1, 10), (WorkingTime(9 * 60, 13 * 60),))
    c = clock(Calendar("s", exceptions=(saturday,)))
    assert from_minutes(c.from_work_start(2400)) == datetime(2026, 1, 10, 9)
    assert c.working_times(date(2026, 1, 10)) == (WorkingTime(540, 780),)


def test_a_range_exception_covers_every_day_from_start_to_finish() -> None:
    shutdown = CalendarException(date(2025, 12, 24), date(2026, 1, 2))
    c = clock(Calendar("x", exceptions=(shutdown,)))
    assert from_minutes(c.from_work_finish(c.to_work(m(2025, 12, 23, 17)))) == datetime(2025, 12, 23, 17)
    assert c.working_minutes_between(m(2025, 12, 23, 17), m(2026, 1, 5, 8)) == 0


def test_work_weeks_override_the_default_week_for_their_dates_only() -> None:
    short = (WorkingTime(8 * 60, 12 * 60),)
    summer = WorkWeek(date(2026, 1, 12), date(2026, 1, 18), (short,) * 5 + (None, None), "Short week")
    c = clock(Calendar("w", work_weeks=(summer,)))
    assert c.working_times(date(2026, 1, 12)) == short
    assert c.working_times(date(2026, 1, 19)) == STANDARD.week[0]
    assert c.working_minutes_between(m(2026, 1, 12), m(2026, 1, 19)) == 5 * 240


def test_an_exception_wins_over_a_work_week() -> None:
    week = WorkWeek(date(2026, 1, 5), date(2026, 1, 11), ((WorkingTime(6 * 60, 10 * 60),),) * 7)
    holiday = CalendarException(date(2026, 1, 7), date(2026, 1, 7))
    c = clock(Calendar("p", exceptions=(holiday,), work_weeks=(week,)))
    assert c.working_times(date(2026, 1, 7)) == ()
    assert c.working_times(date(2026, 1, 10)) == (WorkingTime(360, 600),)


# -- recurrences ---------------------------------------------------------------------------------------------


def test_daily_recurrence_every_third_day_for_four_occurrences() -> None:
    rec = Recurrence(RecurrenceKind.DAILY, interval=3, occurrences=4)
    assert dates(CalendarException(date(2026, 1, 1), date(2026, 1, 1), recurrence=rec)) == [
        "2026-01-01",
        "2026-01-04",
        "2026-01-07",
        "2026-01-10",
    ]


def test_weekly_recurrence_on_weekdays_every_other_week_until_the_finish_date() -> None:
    rec = Recurrence(RecurrenceKind.WEEKLY, interval=2, weekdays=frozenset({0, 4}))
    exception = CalendarException(date(2026, 1, 7), date(2026, 2, 2), recurrence=rec)
    assert dates(exception) == ["2026-01-09", "2026-01-19", "2026-01-23", "2026-02-02"]


def test_monthly_recurrence_by_day_clamps_to_short_months() -> None:
    rec = Recurrence(RecurrenceKind.MONTHLY, month_day=31, occurrences=3)
    assert dates(CalendarException(date(2026, 1, 31), date(2026, 1, 31), recurrence=rec)) == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
    ]


def test_monthly_recurrence_on_the_second_tuesday_every_two_months() -> None:
    rec = Recurrence(RecurrenceKind.MONTHLY, interval=2, week_of_month=2, weekday=1, occurrences=3)
    assert dates(CalendarException(date(2026, 1, 1), date(2026, 1, 1), recurrence=rec)) == [
        "2026-01-13",
        "2026-03-10",
        "2026-05-12",
    ]


def test_monthly_recurrence_on_the_last_friday() -> None:
    rec = Recurrence(RecurrenceKind.MONTHLY, week_of_month=5, weekday=4)
    exception = CalendarException(date(2026, 1, 1), date(2026, 3, 31), recurrence=rec)
    assert dates(exception) == ["2026-01-30", "2026-02-27", "2026-03-27"]


def test_yearly_recurrence_on_a_date() -> None:
    rec = Recurrence(RecurrenceKind.YEARLY, month=12, month_day=25, occurrences=3)
    assert dates(CalendarException(date(2025, 12, 25), date(2025, 12, 25), recurrence=rec)) == [
        "2025-12-25",
        "2026-12-25",
        "2027-12-25",
    ]


def test_yearly_recurrence_on_the_fourth_thursday_of_november() -> None:
    rec = Recurrence(RecurrenceKind.YEARLY, month=11, week_of_month=4, weekday=3)
    exception = CalendarException(date(2025, 1, 1), date(2027, 12, 31), recurrence=rec)
    assert dates(exception) == ["2025-11-27", "2026-11-26", "2027-11-25"]


def test_a_recurring_holiday_is_non_working_on_each_occurrence_only() -> None:
    rec = Recurrence(RecurrenceKind.WEEKLY, weekdays=frozenset({2}), occurrences=2)  # two Wednesdays
    c = clock(
        Calendar("r", exceptions=(CalendarException(date(2026, 1, 5), date(2026, 1, 5), recurrence=rec),))
    )
    assert c.working_times(date(2026, 1, 7)) == ()
    assert c.working_times(date(2026, 1, 14)) == ()
    assert c.working_times(date(2026, 1, 21)) == STANDARD.week[2]


# -- bad calendars ---------------------------------------------------------------------------------------------


def test_a_calendar_without_any_working_time_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="Never.*no working time"):
        WorkClock(Calendar("never", "Never", week=((),) * 7))


def test_working_time_only_in_one_exception_runs_out_with_a_plan_error_not_a_hang() -> None:
    once = CalendarException(date(2026, 1, 5), date(2026, 1, 5), (WorkingTime(480, 1020),))
    c = WorkClock(Calendar("once", "Once", week=((),) * 7, exceptions=(once,)), to_minutes(MONDAY))
    assert from_minutes(c.from_work_finish(540)) == datetime(2026, 1, 5, 17)
    with pytest.raises(PlanError, match="Once.*no working time after"):
        c.from_work_start(540)


def test_working_time_outside_a_day_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="within one day"):
        WorkClock(Calendar("bad", week=((WorkingTime(600, 1500),),) * 7))
