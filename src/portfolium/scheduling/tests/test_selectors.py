"""The scheduling reads: Gantt rows, working-day variances, duration labels, link candidates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from portfolium.projects.models import TaskDependency
from portfolium.scheduling.models import CalendarException, WorkCalendar
from portfolium.scheduling.selectors import (
    WorkingDays,
    duration_label,
    float_label,
    gantt_rows,
    link_candidates,
    working_days_for,
)
from portfolium.scheduling.services import schedule_recalculate
from tests.factories import DependencyFactory, ProjectFactory, TaskFactory


def test_duration_and_float_labels():
    assert [duration_label(m) for m in (0, 240, 480, 1200, 1440, 90)] == [
        "0d",
        "4h",
        "1d",
        "2.5d",
        "3d",
        "1.5h",
    ]
    assert duration_label(450, 450) == "1d"
    assert [float_label(m) for m in (None, 0, -960, 720)] == ["", "0d", "-2d", "1.5d"]


def test_working_days_skip_weekends_and_holidays():
    week = WorkingDays(holidays=frozenset({dt.date(2026, 1, 7)}))
    assert week.between(dt.date(2026, 1, 2), dt.date(2026, 1, 9)) == 4  # Mon, Tue, Thu, Fri
    assert week.between(dt.date(2026, 1, 9), dt.date(2026, 1, 2)) == -4
    assert week.span(dt.date(2026, 1, 5), dt.date(2026, 1, 9)) == 4


def test_working_days_come_from_the_project_calendar(org):
    cal = WorkCalendar.objects.create(name="Six days", week=[[[480, 960]]] * 6 + [[]], minutes_per_day=480)
    CalendarException.objects.create(
        calendar=cal, name="Holiday", start=dt.date(2026, 5, 1), finish=dt.date(2026, 5, 1)
    )
    org.apollo.calendar = cal
    org.apollo.save(update_fields=["calendar"])
    working = working_days_for(org.apollo)
    assert working.weekdays == frozenset(range(6)) and dt.date(2026, 5, 1) in working.holidays


def test_gantt_rows_in_wbs_order_with_links_both_ways(org):
    DependencyFactory(predecessor=org.task_a, successor=org.task_b, type="SS", lag=Decimal("2"), lag_unit="d")
    schedule_recalculate(project=org.apollo)
    rows = gantt_rows(project=org.apollo)
    assert [(r.wbs, r.level, r.is_summary) for r in rows] == [
        ("1", 0, True),
        ("1.1", 1, False),
        ("1.2", 1, False),
        ("2", 0, False),
    ]
    b = rows[2]
    assert b.predecessors_label == "1.1SS+2d" and rows[1].successors[0].task_id == b.task_id
    assert rows[3].is_milestone and rows[3].duration == "0d"
    assert rows[0].start == rows[1].start and rows[0].finish == rows[2].finish


def test_collapsed_summary_hides_its_subtree(org):
    rows = gantt_rows(project=org.apollo, collapsed={org.phase.pk})
    assert [r.name for r in rows] == ["Design", "Design signed off"] and rows[0].collapsed


def test_link_candidates_cover_the_program_the_user_can_see(org):
    hermes = ProjectFactory(code="HERMES", name="Hermes", portfolio=org.digital, program=org.program)
    TaskFactory(project=hermes, name="API ready")
    groups = dict(link_candidates(project=org.apollo, user=org.vera))
    assert list(groups) == ["This project", "HERMES Hermes"]
    assert [label for _, label in groups["HERMES Hermes"]] == ["1 API ready"]
    assert list(dict(link_candidates(project=org.apollo, user=org.mark))) == ["This project"]


def test_a_hidden_cross_project_task_is_not_named(org):
    outsider = TaskFactory(project=org.hidden, name="Secret")
    TaskDependency.objects.create(project=org.apollo, predecessor=outsider, successor=org.task_a)
    rows = gantt_rows(project=org.apollo, user=org.vera)
    ref = rows[1].predecessors[0]
    assert ref.hidden and ref.task_name == "" and ref.label.startswith("another project")
    assert gantt_rows(project=org.apollo, user=org.ada)[1].predecessors[0].label == "HIDDEN:Secret FS"
