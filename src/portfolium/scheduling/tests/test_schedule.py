"""Rescheduling a project: the engine's dates, floats and critical flags land on the task rows, and only
there; holidays, lag units, calendars, cross-project links and refused plans behave as a planner expects.

Dates below are in January 2026: Monday the 5th is the project start.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolium.audit.models import AuditEvent
from portfolium.core.errors import ValidationError
from portfolium.projects.models import Project, Task
from portfolium.scheduling.services import schedule_recalculate
from tests.factories import (
    CalendarExceptionFactory,
    CalendarFactory,
    DependencyFactory,
    ProjectFactory,
    TaskFactory,
)

D = dt.date
DAY = 480


@pytest.fixture
def standard(db):
    return CalendarFactory(name="Standard", is_default=True)


@pytest.fixture
def project(standard, org):
    return ProjectFactory(
        code="PLAN", portfolio=org.digital, program=org.program, start=D(2026, 1, 5), finish=None
    )


def task(project, name, days=1.0, **kw):
    return TaskFactory(project=project, name=name, duration_minutes=round(days * DAY), **kw)


def link(a, b, type="FS", lag=0, unit="d"):
    return DependencyFactory(
        predecessor=a, successor=b, project=b.project, type=type, lag=Decimal(lag), lag_unit=unit
    )


def dates(*tasks):
    fresh = {t.pk: t for t in Task.objects.filter(pk__in=[t.pk for t in tasks])}
    return [(fresh[t.pk].start, fresh[t.pk].finish) for t in tasks]


def test_a_chain_of_finish_to_start_links_runs_day_after_day(project):
    a, b, c = task(project, "Dig", 2), task(project, "Pour", 1), task(project, "Cure", 3)
    link(a, b)
    link(b, c)
    summary = schedule_recalculate(project=project)
    assert dates(a, b, c) == [
        (D(2026, 1, 5), D(2026, 1, 6)),
        (D(2026, 1, 7), D(2026, 1, 7)),
        (D(2026, 1, 8), D(2026, 1, 12)),
    ]  # over the weekend
    assert (summary.tasks_changed, summary.finish, summary.critical_count, summary.error) == (
        3,
        D(2026, 1, 12),
        3,
        "",
    )
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.scheduled_finish, fresh.schedule_error) == (D(2026, 1, 12), "")
    assert fresh.scheduled_at is not None
    assert (fresh.rollup_start, fresh.rollup_finish) == (D(2026, 1, 5), D(2026, 1, 12))


def test_holidays_of_the_calendar_are_skipped_including_recurring_ones(project, standard):
    CalendarExceptionFactory(calendar=standard, name="Site closed", start=D(2026, 1, 7), finish=D(2026, 1, 7))
    # every second Friday from the 9th: the 9th is off
    CalendarExceptionFactory(
        calendar=standard,
        name="Fortnightly Friday",
        start=D(2026, 1, 9),
        finish=D(2026, 12, 31),
        recurrence="weekly",
        interval=2,
        weekdays=[4],
    )
    a = task(project, "Three days", 3)
    schedule_recalculate(project=project)
    assert dates(a) == [(D(2026, 1, 5), D(2026, 1, 8))]  # Mon, Tue, (Wed off), Thu
    b = task(project, "Four days", 4)
    schedule_recalculate(project=project)
    assert dates(b) == [(D(2026, 1, 5), D(2026, 1, 12))]  # Mon, Tue, Thu, (Fri off), Mon


@pytest.mark.parametrize(
    ("type", "lag", "unit", "expected"),
    [
        ("FS", 2, "d", (D(2026, 1, 9), D(2026, 1, 9))),  # Wednesday and Thursday wait after Tuesday's finish
        ("FS", 16, "h", (D(2026, 1, 9), D(2026, 1, 9))),  # the same in working hours
        ("FS", 5, "ed", (D(2026, 1, 12), D(2026, 1, 12))),  # Tue 17:00 + 5 x 24 h = Sun 17:00 -> Monday
        ("SS", 50, "%", (D(2026, 1, 6), D(2026, 1, 6))),  # starts half way through the predecessor
        ("FF", 1, "d", (D(2026, 1, 7), D(2026, 1, 7))),  # finishes a day after it
        ("FS", -1, "d", (D(2026, 1, 6), D(2026, 1, 6))),  # a lead: overlaps the last day
    ],
)
def test_lag_units_convert_to_the_engine(project, type, lag, unit, expected):
    a, b = task(project, "Predecessor", 2), task(project, "Successor", 1)
    link(a, b, type=type, lag=lag, unit=unit)
    schedule_recalculate(project=project)
    assert dates(b) == [expected]


def test_a_task_on_a_four_day_week_calendar_skips_fridays(project):
    four = CalendarFactory(name="Four-day week", week=[[[480, 1020]]] * 4 + [[], [], []], minutes_per_day=540)
    a = task(project, "Pilot", calendar=four)
    a.duration_minutes = 3 * 540
    a.save(update_fields=["duration_minutes"])
    b = task(project, "Review", 1)
    link(a, b)
    schedule_recalculate(project=project)
    assert dates(a, b) == [(D(2026, 1, 5), D(2026, 1, 7)), (D(2026, 1, 8), D(2026, 1, 8))]
    c = task(project, "Second pilot day", calendar=four)
    c.duration_minutes = 4 * 540
    c.save(update_fields=["duration_minutes"])
    schedule_recalculate(project=project)
    assert dates(c) == [(D(2026, 1, 5), D(2026, 1, 8))]
    d = task(project, "Into next week", calendar=four)
    d.duration_minutes = 5 * 540
    d.save(update_fields=["duration_minutes"])
    schedule_recalculate(project=project)
    assert dates(d) == [(D(2026, 1, 5), D(2026, 1, 12))]  # Friday to Sunday are off


def test_floats_and_the_critical_path(project):
    long, short, gate = (
        task(project, "Long", 3),
        task(project, "Short", 1),
        task(project, "Gate", kind="milestone"),
    )
    link(long, gate)
    link(short, gate)
    schedule_recalculate(project=project)
    rows = {t.name: t for t in Task.objects.filter(project=project)}
    assert (rows["Long"].critical, rows["Long"].total_float_minutes) == (True, 0)
    assert (rows["Short"].critical, rows["Short"].total_float_minutes, rows["Short"].free_float_minutes) == (
        False,
        2 * DAY,
        2 * DAY,
    )
    assert (rows["Short"].late_start, rows["Short"].late_finish) == (D(2026, 1, 7), D(2026, 1, 7))
    assert (rows["Gate"].start, rows["Gate"].finish) == (D(2026, 1, 7), D(2026, 1, 7))
    assert rows["Gate"].critical


def test_a_deadline_the_plan_cannot_meet_makes_float_negative(project):
    project.finish = D(2026, 1, 6)
    project.save(update_fields=["finish"])
    a = task(project, "Too long", 3)
    schedule_recalculate(project=project)
    a.refresh_from_db()
    assert a.total_float_minutes == -DAY and a.critical


def test_phases_roll_up_their_tasks_and_links_on_a_phase_reach_its_tasks(project):
    design = task(project, "Design", kind="phase")
    sketch = task(project, "Sketch", 2, parent=design)
    build = task(project, "Build", kind="phase")
    code = task(project, "Code", 1, parent=build)
    link(design, build)
    schedule_recalculate(project=project)
    assert dates(design, sketch, build, code) == [
        (D(2026, 1, 5), D(2026, 1, 6)),
        (D(2026, 1, 5), D(2026, 1, 6)),
        (D(2026, 1, 7), D(2026, 1, 7)),
        (D(2026, 1, 7), D(2026, 1, 7)),
    ]


def test_constraints_and_actuals_are_respected(project):
    pinned = task(project, "Pinned", 1, constraint_type="SNET", constraint_date=D(2026, 1, 14))
    must = task(project, "Must finish", 2, constraint_type="MFO", constraint_date=D(2026, 1, 9))
    started = task(
        project, "Started early", 2, actual_start=D(2026, 1, 2), status="in_progress", percent_complete=50
    )
    schedule_recalculate(project=project)
    assert dates(pinned, must) == [(D(2026, 1, 14), D(2026, 1, 14)), (D(2026, 1, 8), D(2026, 1, 9))]
    assert dates(started)[0][0] == D(2026, 1, 2)


def test_without_a_project_start_the_schedule_runs_from_the_earliest_task_date(standard, org):
    project = ProjectFactory(portfolio=org.digital, start=None, finish=None)
    a = task(project, "Dated", 1, start=D(2026, 2, 2))
    b = task(project, "Next", 1)
    link(a, b)
    schedule_recalculate(project=project)
    assert dates(a, b) == [(D(2026, 2, 2), D(2026, 2, 2)), (D(2026, 2, 3), D(2026, 2, 3))]


def test_only_changed_rows_are_written_and_nothing_is_audited(project):
    a, b = task(project, "A", 1), task(project, "B", 1)
    link(a, b)
    assert schedule_recalculate(project=project).tasks_changed == 2
    assert schedule_recalculate(project=project).tasks_changed == 0
    Task.objects.filter(pk=b.pk).update(duration_minutes=2 * DAY)
    assert schedule_recalculate(project=project).tasks_changed == 1  # A's dates hold
    assert not AuditEvent.objects.exists()


def _queries(project) -> int:
    with CaptureQueriesContext(connection) as ctx:
        schedule_recalculate(project=project)
    return len(ctx)


def test_a_recalculation_takes_the_same_queries_for_ten_or_two_hundred_tasks(project, org):
    def build(p, n):
        tasks = [task(p, f"T{i}", 1 + i % 3, calendar=None) for i in range(n)]
        for i in range(1, n):
            link(tasks[i - 1 - (i % 2)], tasks[i], type="FS" if i % 3 else "SS", lag=i % 2)

    build(project, 10)
    small = _queries(project)
    big_project = ProjectFactory(code="BIG", portfolio=org.digital, start=D(2026, 1, 5), finish=None)
    build(big_project, 200)
    assert _queries(big_project) == small
    # and when nothing changed, still no more
    assert _queries(big_project) <= small


def test_a_cross_project_predecessor_is_followed_and_its_project_reschedules_successors(project, org):
    supplier = ProjectFactory(
        code="SUP", portfolio=org.digital, program=org.program, start=D(2026, 1, 5), finish=None
    )
    made = task(supplier, "Parts made", 3)
    used = task(project, "Parts fitted", 1)
    link(made, used)
    schedule_recalculate(project=supplier)
    summary = schedule_recalculate(project=project)
    assert dates(used) == [(D(2026, 1, 8), D(2026, 1, 8))]
    Task.objects.filter(pk=made.pk).update(duration_minutes=5 * DAY)
    summary = schedule_recalculate(project=supplier)
    assert summary.rescheduled_projects == [project.pk]
    assert dates(used) == [(D(2026, 1, 12), D(2026, 1, 12))]


def test_cross_project_rescheduling_stops_even_when_projects_feed_each_other(project, org):
    other = ProjectFactory(code="OTH2", portfolio=org.digital, start=D(2026, 1, 5), finish=None)
    a, b = task(project, "A", 1), task(other, "B", 1)
    c, d = task(other, "C", 1), task(project, "D", 1)
    link(a, b)  # project -> other
    link(c, d)  # other -> project: no task loop, but the projects feed each other
    summary = schedule_recalculate(project=project)
    assert summary.rescheduled_projects == [other.pk]


def test_a_plan_the_engine_refuses_is_stored_as_an_error_or_raised_against_a_field(project):
    phase = task(project, "Phase", kind="phase")
    child = task(project, "Child", 1, parent=phase)
    link(phase, child)  # a summary linked to its own subtask: a loop
    summary = schedule_recalculate(project=project)
    assert "loop" in summary.error and "Child" in summary.error
    assert "loop" in Project.objects.get(pk=project.pk).schedule_error
    with pytest.raises(ValidationError) as exc:
        schedule_recalculate(project=project, raise_as="predecessor")
    assert "loop" in exc.value.errors["predecessor"]
