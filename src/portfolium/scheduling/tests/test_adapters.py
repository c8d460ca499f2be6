"""ORM rows -> engine plan: calendars with their recurring exceptions, lags in every unit, constraint dates at
the calendar's day bounds, milestones, summaries, and cross-project predecessors pinned at their dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from portfolium.core.errors import ValidationError
from portfolium.engine import calendars as ec
from portfolium.engine import network as en
from portfolium.scheduling import adapters
from tests.factories import (
    CalendarExceptionFactory,
    CalendarFactory,
    DependencyFactory,
    ProjectFactory,
    TaskFactory,
)

D = dt.date
T = dt.datetime


def test_a_stored_calendar_becomes_an_engine_calendar(db):
    calendar = CalendarFactory(name="Site", week=[[[420, 660], [720, 960]]] * 5 + [[], []])
    CalendarExceptionFactory(
        calendar=calendar,
        name="Short Friday",
        start=D(2026, 1, 9),
        finish=D(2026, 1, 9),
        working_times=[[420, 660]],
    )
    CalendarExceptionFactory(
        calendar=calendar,
        name="Spring bank holiday",
        start=D(2026, 1, 1),
        finish=D(2030, 12, 31),
        recurrence="yearly",
        month=5,
        week_of_month=5,
        weekday=0,
    )
    engine = adapters.calendar_to_engine(calendar)
    assert engine.id == f"cal-{calendar.pk}" and engine.week[0] == (
        ec.WorkingTime(420, 660),
        ec.WorkingTime(720, 960),
    )
    short, spring = sorted(engine.exceptions, key=lambda e: e.name)
    assert short.working_times == (ec.WorkingTime(420, 660),) and short.recurrence is None
    assert spring.recurrence == ec.Recurrence(
        kind=ec.RecurrenceKind.YEARLY, month=5, week_of_month=5, weekday=0
    )
    clock = ec.WorkClock(engine)
    assert clock.working_times(D(2026, 5, 25)) == ()  # the last Monday of May 2026
    assert adapters.day_start(clock, D(2026, 1, 9)) == T(2026, 1, 9, 7)
    assert adapters.day_end(clock, D(2026, 1, 9)) == T(2026, 1, 9, 11)
    assert adapters.day_end(clock, D(2026, 1, 10)) == T(2026, 1, 11, 0)  # a Saturday: its end


@pytest.mark.parametrize(
    ("lag", "unit", "expected"),
    [
        ("1.5", "d", (720, en.LagUnit.WORKING)),
        ("3", "h", (180, en.LagUnit.WORKING)),
        ("2", "ed", (2880, en.LagUnit.ELAPSED)),
        ("-1", "d", (-480, en.LagUnit.WORKING)),
        ("50", "%", (50, en.LagUnit.PERCENT)),
    ],
)
def test_lags_convert_by_unit(lag, unit, expected):
    assert adapters.lag_to_engine(Decimal(lag), unit, 480) == expected


def test_a_working_day_lag_uses_the_calendars_minutes_per_day():
    assert adapters.lag_to_engine(Decimal("2"), "d", 540) == (1080, en.LagUnit.WORKING)


def test_a_finish_at_midnight_belongs_to_the_day_before():
    monday = ec.to_minutes(T(2026, 1, 5))
    assert adapters.as_finish_date(monday + 1440, monday) == D(2026, 1, 5)
    assert adapters.as_finish_date(monday, monday) == D(2026, 1, 5)  # nothing elapsed: that day
    assert adapters.as_finish_date(monday + 17 * 60, monday) == D(2026, 1, 5)


@pytest.mark.parametrize(
    ("text", "minutes"), [("3d", 1620), ("2w", 5400), ("45m", 45), ("1.5h", 90), ("4", 2160)]
)
def test_durations_in_days_follow_minutes_per_day(text, minutes):
    assert adapters.duration_parse(text, minutes_per_day=540) == minutes


def test_an_unreadable_duration_is_refused():
    with pytest.raises(ValidationError) as exc:
        adapters.duration_parse("3 parsecs", minutes_per_day=480)
    assert exc.value.errors == {"duration": "write a duration like 3d, 4h, 1w or 90m"}


def test_a_project_becomes_a_plan(org):
    calendar = CalendarFactory(name="Standard", is_default=True)
    project = ProjectFactory(
        portfolio=org.digital,
        program=org.program,
        start=D(2026, 1, 5),
        finish=D(2026, 3, 31),
        status_date=D(2026, 1, 16),
    )
    phase = TaskFactory(project=project, name="Phase", kind="phase")
    leaf = TaskFactory(
        project=project,
        name="Leaf",
        parent=phase,
        duration_minutes=960,
        constraint_type="FNLT",
        constraint_date=D(2026, 1, 9),
        deadline=D(2026, 1, 12),
        actual_start=D(2026, 1, 5),
        percent_complete=40,
        optimistic_minutes=480,
        pessimistic_minutes=1920,
    )
    gate = TaskFactory(
        project=project, name="Gate", kind="milestone", constraint_type="SNET", constraint_date=D(2026, 1, 14)
    )
    other = ProjectFactory(code="OTHER", portfolio=org.digital, program=org.program)
    feeder = TaskFactory(
        project=other, name="Feeder", start=D(2026, 1, 6), finish=D(2026, 1, 8), duration_minutes=1440
    )
    DependencyFactory(predecessor=leaf, successor=gate, lag=Decimal("2"), lag_unit="h", type="FF")
    DependencyFactory(predecessor=feeder, successor=leaf, project=project)

    built = adapters.project_plan(project)
    plan = built.plan
    assert (plan.start, plan.deadline, plan.status_date) == (
        T(2026, 1, 5, 8),
        T(2026, 3, 31, 17),
        T(2026, 1, 16, 17),
    )
    assert (plan.calendar, plan.minutes_per_day) == (f"cal-{calendar.pk}", 480)
    tasks = {t.name: t for t in plan.tasks}
    assert tasks["Phase"].duration == 0 and tasks["Leaf"].parent == str(phase.pk)
    assert (tasks["Leaf"].constraint, tasks["Leaf"].constraint_date) == (
        en.ConstraintType.FNLT,
        T(2026, 1, 9, 17),
    )
    assert (tasks["Leaf"].deadline, tasks["Leaf"].actual_start) == (T(2026, 1, 12, 17), T(2026, 1, 5, 8))
    assert tasks["Leaf"].percent_complete == 40 and tasks["Leaf"].estimate == en.ThreePoint(480, 960, 1920)
    assert (tasks["Gate"].milestone, tasks["Gate"].duration, tasks["Gate"].constraint_date) == (
        True,
        0,
        T(2026, 1, 14, 8),
    )
    pinned = tasks["OTHER: Feeder"]
    assert (pinned.manual_start, pinned.manual_finish) == (T(2026, 1, 6, 8), T(2026, 1, 8, 17))
    assert set(built.external) == {str(feeder.pk)} and {t.id for t in built.tasks} == {
        phase.pk,
        leaf.pk,
        gate.pk,
    }
    links = {(link.predecessor, link.successor): link for link in plan.links}
    assert links[(str(leaf.pk), str(gate.pk))] == en.Link(str(leaf.pk), str(gate.pk), en.LinkType.FF, 120)


def test_without_a_project_start_the_plan_starts_at_the_earliest_task_or_today(org):
    project = ProjectFactory(portfolio=org.digital, start=None, finish=None)
    assert adapters.project_plan(project, today=D(2026, 4, 1)).plan.start == T(2026, 4, 1, 8)
    TaskFactory(project=project, start=D(2026, 2, 3))
    assert adapters.project_plan(project, today=D(2026, 4, 1)).plan.start == T(2026, 2, 3, 8)
