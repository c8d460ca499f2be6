"""The critical path method with Microsoft Project's semantics: links, lags, constraints, summaries,
milestones, deadlines, progress, calendars, and the errors a bad plan gets.

All plans start on Monday 2026-01-05 08:00 on the standard calendar (Mon-Fri 08-12, 13-17) unless said.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from portfolium.engine.calendars import (
    ELAPSED,
    STANDARD,
    Calendar,
    CalendarException,
    WorkingTime,
    to_minutes,
)
from portfolium.engine.cpm import schedule, schedule_rows
from portfolium.engine.errors import CycleError, PlanError
from portfolium.engine.network import (
    ConstraintType,
    LagCalendar,
    LagUnit,
    Link,
    LinkType,
    Plan,
    Schedule,
    Task,
    TaskSchedule,
)

MONDAY = datetime(2026, 1, 5, 8)
DAY = 480
HOUR = 60


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """January 2026: ``at(5, 8)`` is Monday 08:00."""
    return datetime(2026, 1, day, hour, minute)


def run(*tasks: Task, links: tuple[Link, ...] = (), **plan: object) -> Schedule:
    return schedule(Plan(start=plan.pop("start", MONDAY), tasks=tasks, links=links, **plan))  # type: ignore[arg-type]


def row(result: Schedule, task_id: str) -> TaskSchedule:
    return result.task(task_id)


# -- finish-to-start and the edges of working time ----------------------------------------------------------


def test_a_one_day_task_from_monday_morning_finishes_monday_at_five() -> None:
    a = row(run(Task("a", duration=DAY)), "a")
    assert (a.start, a.finish) == (at(5, 8), at(5, 17))


def test_a_finish_to_start_successor_starts_the_next_morning() -> None:
    result = run(Task("a", duration=DAY), Task("b", duration=DAY), links=(Link("a", "b"),))
    assert (row(result, "b").start, row(result, "b").finish) == (at(6, 8), at(6, 17))


def test_a_project_starting_on_a_sunday_begins_work_on_monday_morning() -> None:
    result = run(Task("a", duration=DAY), start=datetime(2026, 1, 4))
    assert row(result, "a").start == at(5, 8)


def test_a_friday_task_is_followed_on_monday() -> None:
    result = run(Task("a", duration=5 * DAY), Task("b", duration=DAY), links=(Link("a", "b"),))
    assert row(result, "a").finish == at(9, 17)
    assert row(result, "b").start == at(12, 8)


def test_a_milestone_after_a_finish_to_start_predecessor_sits_at_its_finish() -> None:
    result = run(Task("a", duration=DAY), Task("m", milestone=True), links=(Link("a", "m"),))
    m = row(result, "m")
    assert (m.start, m.finish, m.milestone) == (at(5, 17), at(5, 17), True)


def test_a_milestone_with_no_predecessor_sits_at_the_project_start() -> None:
    assert row(run(Task("m")), "m").start == at(5, 8)


def test_a_task_after_a_milestone_starts_at_the_next_working_minute() -> None:
    result = run(
        Task("a", duration=DAY), Task("m"), Task("b", duration=DAY), links=(Link("a", "m"), Link("m", "b"))
    )
    assert row(result, "b").start == at(6, 8)


def test_a_half_day_lag_crosses_the_lunch_break() -> None:
    result = run(
        Task("a", duration=DAY), Task("b", duration=DAY), links=(Link("a", "b", LinkType.SS, 4 * HOUR),)
    )
    assert row(result, "b").start == at(5, 13)


# -- the four link types, with positive, negative, elapsed and percent lags ----------------------------------


def test_finish_to_start_with_a_positive_lag_waits_working_time() -> None:
    result = run(Task("a", duration=DAY), Task("b", duration=DAY), links=(Link("a", "b", lag=2 * HOUR),))
    assert row(result, "b").start == at(6, 10)


def test_finish_to_start_with_a_lead_overlaps_the_predecessor() -> None:
    result = run(Task("a", duration=DAY), Task("b", duration=DAY), links=(Link("a", "b", lag=-2 * HOUR),))
    assert row(result, "b").start == at(5, 15)


def test_start_to_start_starts_together_or_after_the_lag() -> None:
    result = run(
        Task("a", duration=2 * DAY),
        Task("b", duration=DAY),
        Task("c", duration=DAY),
        links=(Link("a", "b", LinkType.SS), Link("a", "c", LinkType.SS, DAY)),
    )
    assert row(result, "b").start == at(5, 8)
    assert row(result, "c").start == at(6, 8)


def test_finish_to_finish_finishes_with_the_predecessor() -> None:
    result = run(Task("a", duration=2 * DAY), Task("b", duration=DAY), links=(Link("a", "b", LinkType.FF),))
    assert (row(result, "b").start, row(result, "b").finish) == (at(6, 8), at(6, 17))


def test_finish_to_finish_with_a_lead_finishes_before_the_predecessor() -> None:
    result = run(
        Task("a", duration=3 * DAY), Task("b", duration=DAY), links=(Link("a", "b", LinkType.FF, -DAY),)
    )
    assert row(result, "b").finish == at(6, 17)


def test_start_to_finish_finishes_when_the_predecessor_starts_as_project_writes_it() -> None:
    # Microsoft Project (mspdirelations.xml, Task 5) puts such a finish at the predecessor's start,
    # Wednesday 08:00, the same working moment as Tuesday 17:00.
    result = run(
        Task("a", duration=DAY, constraint=ConstraintType.SNET, constraint_date=at(7, 8)),
        Task("b", duration=DAY),
        links=(Link("a", "b", LinkType.SF),),
    )
    b = row(result, "b")
    assert (b.start, b.finish, b.total_float) == (at(6, 8), at(7, 8), DAY)


def test_start_to_finish_with_a_lag() -> None:
    result = run(
        Task("a", duration=DAY), Task("b", duration=DAY), links=(Link("a", "b", LinkType.SF, 2 * DAY),)
    )
    assert row(result, "b").finish == at(6, 17)


def test_an_elapsed_lag_counts_the_weekend() -> None:
    friday = ConstraintType.SNET
    result = run(
        Task("a", duration=DAY, constraint=friday, constraint_date=at(9, 8)),
        Task("b", duration=DAY),
        Task("c", duration=DAY),
        links=(
            Link("a", "b", lag=24 * HOUR, lag_unit=LagUnit.ELAPSED),  # Saturday 17:00 -> Monday 08:00
            Link("a", "c", lag=3 * 24 * HOUR, lag_unit=LagUnit.ELAPSED),  # Monday 17:00 -> Tuesday 08:00
        ),
    )
    assert row(result, "b").start == at(12, 8)
    assert row(result, "c").start == at(13, 8)


def test_a_percent_lag_is_that_share_of_the_predecessors_duration() -> None:
    result = run(
        Task("a", duration=2 * DAY),
        Task("b", duration=DAY),
        Task("c", duration=DAY),
        links=(
            Link("a", "b", lag=50, lag_unit=LagUnit.PERCENT),
            Link("a", "c", LinkType.SS, lag=25, lag_unit=LagUnit.PERCENT),
        ),
    )
    assert row(result, "b").start == at(8, 8)
    assert row(result, "c").start == at(5, 13)


def test_a_negative_lag_never_starts_a_task_before_the_project() -> None:
    result = run(Task("a", duration=DAY), Task("b", duration=DAY), links=(Link("a", "b", lag=-3 * DAY),))
    assert row(result, "b").start == at(5, 8)


def test_the_latest_of_several_predecessors_drives_the_start() -> None:
    result = run(
        Task("a", duration=DAY),
        Task("b", duration=3 * DAY),
        Task("c", duration=DAY),
        links=(Link("a", "c"), Link("b", "c")),
    )
    assert row(result, "c").start == at(8, 8)


# -- late dates, float and the critical path ---------------------------------------------------------------


def test_the_longest_chain_is_critical_and_the_short_branch_has_float() -> None:
    result = run(
        Task("a", duration=DAY),
        Task("long", duration=3 * DAY),
        Task("short", duration=DAY),
        Task("z", duration=DAY),
        links=(Link("a", "long"), Link("a", "short"), Link("long", "z"), Link("short", "z")),
    )
    assert result.critical_path == ["a", "long", "z"]
    short = row(result, "short")
    assert (short.total_float, short.free_float) == (2 * DAY, 2 * DAY)
    assert (short.late_start, short.late_finish) == (at(8, 8), at(8, 17))
    assert result.finish_date == at(9, 17)


def test_free_float_is_to_the_earliest_successor_and_total_float_to_the_project_finish() -> None:
    result = run(
        Task("a", duration=DAY),
        Task("b", duration=DAY),
        Task("c", duration=3 * DAY),
        Task("d", duration=DAY),
        links=(Link("a", "b"), Link("b", "d"), Link("c", "d")),
    )
    a = row(result, "a")
    assert (a.free_float, a.total_float) == (0, DAY)
    assert row(result, "b").free_float == DAY


def test_a_task_without_successors_has_free_float_to_the_project_finish() -> None:
    result = run(Task("a", duration=DAY), Task("b", duration=3 * DAY))
    assert row(result, "a").free_float == 2 * DAY


def test_float_is_measured_in_working_minutes_of_the_tasks_calendar() -> None:
    result = run(
        Task("a", duration=DAY),
        Task("b", duration=DAY, calendar="24h"),
        Task("c", duration=2 * DAY),
        calendars=(STANDARD, ELAPSED.__class__("24h", week=ELAPSED.week)),
    )
    # c finishes Tuesday 17:00; b (24 h calendar) finishes Monday 16:00 and may slip 25 hours.
    assert row(result, "b").finish == at(5, 16)
    assert row(result, "b").total_float == 25 * HOUR


# -- constraints --------------------------------------------------------------------------------------------


def test_start_no_earlier_than_pushes_the_start_later() -> None:
    result = run(Task("a", duration=DAY, constraint=ConstraintType.SNET, constraint_date=at(7, 10)))
    assert row(result, "a").start == at(7, 10)


def test_start_no_earlier_than_does_not_pull_a_task_earlier_than_its_predecessor() -> None:
    result = run(
        Task("a", duration=2 * DAY),
        Task("b", duration=DAY, constraint=ConstraintType.SNET, constraint_date=at(5, 8)),
        links=(Link("a", "b"),),
    )
    assert row(result, "b").start == at(7, 8)


def test_finish_no_earlier_than_pushes_the_finish_later() -> None:
    result = run(Task("a", duration=DAY, constraint=ConstraintType.FNET, constraint_date=at(8, 17)))
    assert (row(result, "a").start, row(result, "a").finish) == (at(8, 8), at(8, 17))


def test_must_start_on_pins_the_task_even_against_its_predecessor_and_shows_negative_float_upstream() -> None:
    result = run(
        Task("a", duration=2 * DAY),
        Task("b", duration=DAY, constraint=ConstraintType.MSO, constraint_date=at(6, 8)),
        links=(Link("a", "b"),),
    )
    assert row(result, "b").start == at(6, 8)
    assert row(result, "a").total_float == -DAY
    assert row(result, "a").critical


def test_must_finish_on_pins_the_finish() -> None:
    result = run(Task("a", duration=DAY, constraint=ConstraintType.MFO, constraint_date=at(9, 17)))
    assert (row(result, "a").start, row(result, "a").finish) == (at(9, 8), at(9, 17))
    assert row(result, "a").total_float == 0


def test_start_no_later_than_caps_the_start_and_the_late_start() -> None:
    result = run(
        Task("a", duration=3 * DAY),
        Task("b", duration=DAY, constraint=ConstraintType.SNLT, constraint_date=at(6, 8)),
        Task("c", duration=DAY, constraint=ConstraintType.SNLT, constraint_date=at(7, 8)),
        links=(Link("a", "b"),),
    )
    assert row(result, "b").start == at(6, 8)  # the constraint date is honoured over the link
    assert row(result, "c").late_start == at(7, 8)
    assert row(result, "c").total_float == 2 * DAY


def test_finish_no_later_than_caps_the_late_finish_and_goes_negative_when_missed() -> None:
    result = run(
        Task("a", duration=2 * DAY),
        Task("b", duration=DAY, constraint=ConstraintType.FNLT, constraint_date=at(6, 17)),
        links=(Link("a", "b"),),
    )
    assert row(result, "b").finish == at(6, 17)
    assert row(result, "a").total_float == -DAY


def test_as_late_as_possible_schedules_on_the_late_dates_and_keeps_early_dates() -> None:
    result = run(
        Task("a", duration=3 * DAY),
        Task("b", duration=DAY, constraint=ConstraintType.ALAP),
        Task("c", duration=DAY),
        links=(Link("a", "c"), Link("b", "c")),
    )
    b = row(result, "b")
    assert (b.start, b.finish) == (at(7, 8), at(7, 17))
    assert (b.early_start, b.early_finish) == (at(5, 8), at(5, 17))


# -- deadlines ----------------------------------------------------------------------------------------------


def test_a_missed_task_deadline_makes_float_negative() -> None:
    result = run(Task("a", duration=2 * DAY, deadline=at(5, 17)))
    assert row(result, "a").total_float == -DAY
    assert row(result, "a").critical
    assert row(result, "a").finish == at(6, 17)  # a deadline never moves the task


def test_a_plan_deadline_caps_the_late_finish_of_every_task() -> None:
    result = run(
        Task("a", duration=DAY),
        Task("b", duration=3 * DAY),
        links=(Link("a", "b"),),
        deadline=at(7, 17),
    )
    assert row(result, "a").total_float == -DAY
    assert row(result, "b").total_float == -DAY


def test_a_plan_deadline_later_than_the_finish_does_not_add_float() -> None:
    result = run(Task("a", duration=DAY), deadline=at(30, 17))
    assert row(result, "a").total_float == 0


# -- summaries ----------------------------------------------------------------------------------------------


def test_summary_dates_roll_up_from_their_children_and_their_own_duration_is_ignored() -> None:
    result = run(
        Task("s", duration=99 * DAY),
        Task("x", duration=DAY, parent="s"),
        Task("y", duration=2 * DAY, parent="s"),
    )
    s = row(result, "s")
    assert (s.start, s.finish, s.summary) == (at(5, 8), at(6, 17), True)
    assert not s.milestone


def test_a_link_into_a_summary_constrains_every_descendant() -> None:
    result = run(
        Task("p", duration=DAY),
        Task("s"),
        Task("x", duration=DAY, parent="s"),
        Task("sub", parent="s"),
        Task("y", duration=DAY, parent="sub"),
        links=(Link("p", "s"),),
    )
    assert row(result, "x").start == at(6, 8)
    assert row(result, "y").start == at(6, 8)
    assert row(result, "s").start == at(6, 8)


def test_a_link_out_of_a_summary_uses_its_rolled_up_finish() -> None:
    result = run(
        Task("s"),
        Task("x", duration=DAY, parent="s"),
        Task("y", duration=2 * DAY, parent="s"),
        Task("q", duration=DAY),
        links=(Link("s", "q"),),
    )
    assert row(result, "q").start == at(7, 8)
    assert row(result, "x").total_float == DAY
    assert row(result, "y").critical


def test_a_summarys_total_float_is_the_least_of_its_descendants() -> None:
    result = run(
        Task("s"),
        Task("x", duration=DAY, parent="s"),
        Task("y", duration=2 * DAY, parent="s"),
        Task("z", duration=5 * DAY),
    )
    assert row(result, "s").total_float == 3 * DAY
    assert row(result, "s").late_finish == at(9, 17)


def test_a_finish_to_finish_link_into_a_summary_applies_to_each_child() -> None:
    result = run(
        Task("p", duration=3 * DAY),
        Task("s"),
        Task("x", duration=DAY, parent="s"),
        links=(Link("p", "s", LinkType.FF),),
    )
    assert row(result, "x").finish == at(7, 17)


def test_a_start_to_start_link_out_of_a_summary_follows_its_first_child_and_keeps_later_float() -> None:
    result = run(
        Task("s"),
        Task("x", duration=DAY, parent="s"),
        Task("y", duration=DAY, parent="s", constraint=ConstraintType.SNET, constraint_date=at(7, 8)),
        Task("q", duration=DAY),
        links=(Link("s", "q", LinkType.SS, DAY),),
    )
    assert row(result, "q").start == at(6, 8)
    assert row(result, "y").total_float == 0
    assert row(result, "x").total_float >= 0


def test_links_between_summaries_chain_phases() -> None:
    result = run(
        Task("phase1"),
        Task("a", duration=DAY, parent="phase1"),
        Task("phase2"),
        Task("b", duration=DAY, parent="phase2"),
        links=(Link("phase1", "phase2"),),
    )
    assert row(result, "b").start == at(6, 8)
    assert result.critical_path == ["a", "b"]


# -- progress and manual tasks ---------------------------------------------------------------------------------


def test_an_actual_start_pins_the_start_even_after_a_late_predecessor() -> None:
    result = run(
        Task("a", duration=3 * DAY),
        Task("b", duration=DAY, actual_start=at(6, 10)),
        links=(Link("a", "b"),),
    )
    assert (row(result, "b").start, row(result, "b").finish) == (at(6, 10), at(7, 10))


def test_an_actual_finish_pins_the_finish() -> None:
    result = run(Task("a", duration=3 * DAY, actual_start=at(5, 8), actual_finish=at(5, 12)))
    assert row(result, "a").finish == at(5, 12)


def test_a_started_task_finishes_after_its_actual_part_and_its_remaining_part() -> None:
    """Microsoft Project keeps Duration = ActualDuration + RemainingDuration and works the remaining part
    right after the actual part; the status date does not move it (that takes Project's explicit
    "reschedule uncompleted work" command). This replaces the earlier rule "remaining duration runs from the
    status date", which the oracle file assignment-assignments-project2003 (80 h task, 60 h remaining,
    finish = actual start + 80 h) contradicted."""
    result = run(
        Task("a", duration=2 * DAY, actual_start=at(5, 8), remaining_duration=4 * HOUR),
        status_date=at(7, 17),
    )
    assert row(result, "a").finish == at(6, 17)


def test_remaining_duration_beyond_the_duration_adds_to_the_part_done() -> None:
    """Remaining work that grew past the planned duration: the part done comes from percent complete."""
    result = run(
        Task("a", duration=2 * DAY, actual_start=at(5, 8), percent_complete=25, remaining_duration=3 * DAY)
    )
    assert row(result, "a").finish == at(8, 12)


def test_a_milestone_after_a_night_shift_task_waits_for_the_next_morning_whichever_way_it_is_linked() -> None:
    """The night task ends Monday 22:30; a milestone after it on the day calendar cannot sit at Monday 17:00
    (the end of the day's working time, before the predecessor finished): it sits at Tuesday 08:00, whether
    linked directly or through its summary (found by the property "adding a link never finishes sooner")."""
    nights = Calendar("nights", week=((WorkingTime(0, 360), WorkingTime(1320, 1440)),) * 5 + ((), ()))
    tasks = (Task("night", duration=30, calendar="nights"), Task("phase"), Task("m", parent="phase"))
    for links in ((Link("night", "phase"),), (Link("night", "phase"), Link("night", "m"))):
        result = run(*tasks, links=links, calendars=(STANDARD, nights))
        assert row(result, "m").start == row(result, "m").finish == at(6, 8), links


def test_a_milestone_under_a_summary_sits_where_the_summary_s_predecessor_ends() -> None:
    """Linked to the summary or to the milestone itself, it is the same moment: noon, where the predecessor
    ends, not 13:00 (found by the property "adding a link never finishes sooner")."""
    tasks = (Task("a", duration=4 * HOUR), Task("phase"), Task("m", parent="phase"))
    for links in ((Link("a", "phase"),), (Link("a", "phase"), Link("a", "m"))):
        result = run(*tasks, links=links)
        assert row(result, "m").start == row(result, "m").finish == at(5, 12), links


def test_a_start_no_earlier_than_before_the_project_start_lets_the_task_start_earlier() -> None:
    """The project start is only the default earliest start, as in Microsoft Project (its file
    assignment-assignments-project2003 schedules a SNET 2016-01-04 task in a project starting 2016-03-11)."""
    result = run(
        Task("a", duration=DAY, constraint=ConstraintType.SNET, constraint_date=datetime(2026, 1, 2, 8)),
        Task("b", duration=DAY, constraint=ConstraintType.FNET, constraint_date=datetime(2026, 1, 2, 17)),
        Task("c", duration=DAY),
        Task("d", duration=DAY),
        links=(Link("a", "d"),),
    )
    assert (row(result, "a").start, row(result, "a").finish) == (
        datetime(2026, 1, 2, 8),
        datetime(2026, 1, 2, 17),
    )
    assert row(result, "b").start == datetime(2026, 1, 2, 8)
    assert row(result, "c").start == at(5, 8)  # unconstrained: the project start
    assert row(result, "d").start == at(5, 8)  # its predecessor ends earlier: the project start still holds
    assert result.project_start == to_minutes(datetime(2026, 1, 2, 8))


def test_a_manually_scheduled_task_keeps_its_dates() -> None:
    result = run(
        Task("a", duration=3 * DAY),
        Task("b", duration=DAY, manual_start=at(5, 9), manual_finish=at(5, 11)),
        links=(Link("a", "b"),),
    )
    assert (row(result, "b").start, row(result, "b").finish) == (at(5, 9), at(5, 11))


# -- calendars ---------------------------------------------------------------------------------------------


def test_a_task_on_its_own_calendar_works_its_hours() -> None:
    nights = Calendar("nights", week=((WorkingTime(22 * 60, 1440),),) * 7)
    result = run(
        Task("a", duration=DAY),
        Task("b", duration=2 * HOUR, calendar="nights"),
        links=(Link("a", "b"),),
        calendars=(STANDARD, nights),
    )
    assert (row(result, "b").start, row(result, "b").finish) == (at(5, 22), at(6, 0))


def test_a_holiday_in_the_project_calendar_moves_the_work() -> None:
    holiday = CalendarException(date(2026, 1, 6), date(2026, 1, 6))
    cal = Calendar("standard", week=STANDARD.week, exceptions=(holiday,))
    result = run(Task("a", duration=2 * DAY), calendars=(cal,))
    assert row(result, "a").finish == at(7, 17)


def test_working_lags_use_the_project_calendar_or_the_successors() -> None:
    everyday = Calendar("everyday", week=STANDARD.week[:1] * 7)
    tasks = (Task("a", duration=5 * DAY), Task("b", duration=DAY, calendar="everyday"))
    links = (Link("a", "b", lag=DAY),)
    by_project = run(*tasks, links=links, calendars=(STANDARD, everyday))
    by_successor = run(
        *tasks, links=links, calendars=(STANDARD, everyday), lag_calendar=LagCalendar.SUCCESSOR
    )
    assert row(by_project, "b").start == at(13, 8)  # a lag day on Mon 12th, then Tuesday
    assert row(by_successor, "b").start == at(11, 8)  # Saturday is the lag day, b starts Sunday


def test_schedule_rows_gives_one_record_per_task_in_plan_order() -> None:
    rows = schedule_rows(Plan(start=MONDAY, tasks=(Task("a", duration=DAY), Task("b"))))
    assert [r.id for r in rows] == ["a", "b"]
    assert rows[0].finish == at(5, 17)


def test_an_empty_plan_schedules_to_nothing_at_its_start() -> None:
    result = run()
    assert result.project_start == result.project_finish
    assert list(result.rows()) == []


# -- loops ------------------------------------------------------------------------------------------------


def test_a_loop_raises_cycle_error_naming_the_tasks() -> None:
    with pytest.raises(CycleError) as caught:
        run(
            Task("a", "Design", DAY),
            Task("b", "Build", DAY),
            Task("c", "Test", DAY),
            links=(Link("a", "b"), Link("b", "a"), Link("b", "c")),
        )
    assert caught.value.cycle == ["a", "b"]
    assert str(caught.value) == "Links form a loop: Design → Build → Design"


def test_a_longer_loop_lists_every_task_in_link_order() -> None:
    with pytest.raises(CycleError) as caught:
        run(
            Task("z", duration=DAY),
            Task("a", duration=DAY),
            Task("b", duration=DAY),
            Task("c", duration=DAY),
            links=(Link("z", "a"), Link("a", "b"), Link("b", "c"), Link("c", "a", LinkType.SS)),
        )
    assert caught.value.cycle == ["a", "b", "c"]


def test_a_task_linked_to_itself_is_a_loop() -> None:
    with pytest.raises(CycleError, match="a → a"):
        run(Task("a", duration=DAY), links=(Link("a", "a"),))


def test_a_link_from_a_summary_to_its_own_child_is_a_loop() -> None:
    with pytest.raises(CycleError) as caught:
        run(Task("s", "Phase"), Task("x", "Work", DAY, parent="s"), links=(Link("s", "x"),))
    assert set(caught.value.cycle) == {"s", "x"}
    assert "Phase" in str(caught.value) and "Work" in str(caught.value)


def test_a_link_from_a_child_to_its_own_summary_is_a_loop() -> None:
    with pytest.raises(CycleError):
        run(
            Task("s"), Task("sub", parent="s"), Task("x", duration=DAY, parent="sub"), links=(Link("x", "s"),)
        )


def test_a_loop_through_summaries_is_found() -> None:
    with pytest.raises(CycleError) as caught:
        run(
            Task("s1"),
            Task("a", duration=DAY, parent="s1"),
            Task("s2"),
            Task("b", duration=DAY, parent="s2"),
            links=(Link("s1", "s2"), Link("b", "a")),
        )
    assert set(caught.value.cycle) >= {"a", "b"}


def test_parents_that_loop_are_a_cycle_error() -> None:
    with pytest.raises(CycleError, match="Summary tasks form a loop"):
        run(Task("a", parent="b"), Task("b", parent="a"))


# -- bad input --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (Plan(MONDAY, (Task("a"), Task("a"))), "Task id 'a' appears twice"),
        (Plan(MONDAY, (Task("a"),), (Link("a", "ghost"),)), "Link a → ghost: unknown successor task 'ghost'"),
        (Plan(MONDAY, (Task("a"),), (Link("ghost", "a"),)), "unknown predecessor task 'ghost'"),
        (
            Plan(MONDAY, (Task("a"), Task("b")), (Link("a", "b"), Link("a", "b", LinkType.SS))),
            "a → b appears twice",
        ),
        (Plan(MONDAY, (Task("a", "Dig", -5),)), "'Dig' \\(a\\): duration must not be negative"),
        (
            Plan(MONDAY, (Task("a", constraint=ConstraintType.MSO),)),
            "'a': constraint MSO needs a constraint date",
        ),
        (Plan(MONDAY, (Task("a", calendar="nope"),)), "Task 'a': unknown calendar 'nope'"),
        (Plan(MONDAY, (Task("a", parent="ghost"),)), "Task 'a': unknown parent task 'ghost'"),
        (Plan(MONDAY, (Task("a"),), calendar="nope"), "Plan calendar 'nope'"),
        (Plan(MONDAY, (Task("a"),), calendars=(Calendar("standard", week=((),) * 7),)), "no working time"),
    ],
)
def test_a_malformed_plan_raises_plan_error_naming_what_is_wrong(plan: Plan, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        schedule(plan)


def test_plan_error_is_a_value_error() -> None:
    assert issubclass(PlanError, ValueError)
