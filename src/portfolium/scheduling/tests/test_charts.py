"""The Plotly figures: what a reader must find in them (bars, progress, summaries, milestones, arrows, critical
colour, baseline, today), built from plain rows without a database."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import plotly.graph_objects as go

from portfolium.scheduling import charts
from portfolium.scheduling.selectors import (
    GanttRow,
    LinkRef,
    Roadmap,
    RoadmapGroup,
    RoadmapLink,
    RoadmapMilestone,
    RoadmapProject,
)

D = dt.date


def row(
    task_id: int,
    name: str,
    start: dt.date,
    finish: dt.date,
    *,
    kind: str = "task",
    summary: bool = False,
    critical: bool = False,
    progress: int = 0,
    level: int = 0,
    base: tuple[dt.date, dt.date] | None = None,
) -> GanttRow:
    return GanttRow(
        task_id=task_id,
        name=name,
        wbs=str(task_id),
        level=level,
        kind=kind,
        is_summary=summary,
        collapsed=False,
        start=start,
        finish=finish,
        duration_minutes=480,
        duration="1d",
        total_float_minutes=0 if critical else 960,
        free_float_minutes=0,
        total_float="0d" if critical else "2d",
        critical=critical,
        progress=progress,
        late_start=None,
        late_finish=None,
        constraint_type="ASAP",
        constraint_date=None,
        deadline=None,
        baseline_start=base[0] if base else None,
        baseline_finish=base[1] if base else None,
    )


def link(to: GanttRow, kind: str = "FS") -> LinkRef:
    return LinkRef(
        dependency_id=1,
        task_id=to.task_id,
        task_name=to.name,
        wbs=to.wbs,
        project_id=1,
        project_code="",
        type=kind,
        lag=Decimal("0"),
        lag_unit="d",
    )


def plan() -> list[GanttRow]:
    phase = row(1, "Design", D(2026, 1, 5), D(2026, 1, 14), kind="phase", summary=True)
    a = row(
        2,
        "Wireframes",
        D(2026, 1, 5),
        D(2026, 1, 7),
        critical=True,
        progress=50,
        level=1,
        base=(D(2026, 1, 5), D(2026, 1, 6)),
    )
    b = row(3, "Visual design", D(2026, 1, 8), D(2026, 1, 14), critical=True, level=1)
    side = row(4, "Copy", D(2026, 1, 5), D(2026, 1, 6), level=1)
    done = row(5, "Signed off", D(2026, 1, 14), D(2026, 1, 14), kind="milestone", critical=True)
    a.successors.append(link(b))
    b.successors.append(link(done))
    side.successors.append(link(done))
    return [phase, a, b, side, done]


def gantt(rows, **kwargs):
    """The Gantt figure is a plain dict (no graph_objects validation on the page); go.Figure validates it here,
    so every test below also proves the dict is a figure plotly accepts, property by property."""
    return go.Figure(charts.gantt_figure(rows, **kwargs))


def traces(fig, meta):
    return [t for t in fig.data if t.meta == meta]


def test_gantt_figure_is_plain_json_that_plotly_accepts_unchanged():
    figure = charts.gantt_figure(plan(), today=D(2026, 1, 8))
    text = charts.figure_json(figure)
    assert json.loads(text) == json.loads(json.dumps(figure))  # nothing but JSON types
    checked = go.Figure(figure)  # raises on any property plotly does not know
    assert len(checked.data) == len(figure["data"])
    assert [t["meta"] for t in figure["data"]] == [t.meta for t in checked.data]
    assert (
        len(checked.layout.shapes) == len(figure["layout"]["shapes"]) == 1 + 2
    )  # today, rows 1 and 3 shaded
    # The page draws it with the same template plotly would have embedded.
    assert figure["layout"]["template"] == json.loads(go.Figure().to_json())["layout"]["template"]


def test_task_bars_run_from_start_to_the_end_of_the_finish_day():
    fig = gantt(plan(), today=D(2026, 1, 8))
    bars = traces(fig, "tasks")
    ordinary = next(t for t in bars if t.name == "Tasks")
    assert list(ordinary.y) == [3] and ordinary.base[0] == "2026-01-05"
    assert ordinary.x[0] == 2 * charts.DAY_MS  # 5 and 6 January
    assert ordinary.orientation == "h"


def test_critical_tasks_are_red_and_the_toggle_turns_them_blue():
    fig = gantt(plan())
    critical = next(t for t in traces(fig, "tasks") if t.name == "Critical tasks")
    assert critical.marker.color == charts.RED and list(critical.y) == [1, 2]
    milestone = traces(fig, "milestones")[0]
    assert list(milestone.marker.color) == [charts.RED]
    off = gantt(plan(), show_critical=False)
    assert [t.name for t in traces(off, "tasks")] == ["Tasks"]
    assert charts.RED not in list(traces(off, "milestones")[0].marker.color)


def test_progress_summary_and_milestone_shapes():
    fig = gantt(plan())
    progress = traces(fig, "progress")[0]
    assert progress.x[0] == 3 * charts.DAY_MS * 50 / 100
    summary = traces(fig, "summary")[0]
    assert list(summary.y) == [0] and summary.marker.color == charts.SUMMARY
    milestone = traces(fig, "milestones")[0]
    assert milestone.marker.symbol == "diamond" and milestone.x[0] == "2026-01-15"  # the end of 14 January


def test_dependency_arrows_go_from_finish_to_start_and_critical_links_are_red():
    fig = gantt(plan())
    lines = traces(fig, "links")
    critical = next(t for t in lines if t.name == "Critical links")
    ordinary = next(t for t in lines if t.name == "Links")
    # Wireframes (row 1) finishes 7 Jan: the arrow leaves at 8 Jan 00:00 and arrives at Visual design's start.
    assert list(critical.x[:4]) == ["2026-01-08", "2026-01-08", "2026-01-08", None]
    assert critical.line.color == charts.RED_DARK
    assert list(ordinary.y[:3]) == [3.32, 4, 4]  # Copy (row 3) down to the milestone (row 4)
    heads = traces(fig, "arrowheads")
    assert sum(len(t.x) for t in heads) == 3


def test_links_to_rows_not_shown_are_not_drawn():
    rows = plan()
    collapsed = [rows[0], rows[4]]  # the phase collapsed: its children are not in the rows
    fig = gantt(collapsed)
    assert traces(fig, "links") == []


def test_baseline_trace_only_when_asked():
    fig = gantt(plan())
    baseline = traces(fig, "baseline")[0]
    assert list(baseline.base) == ["2026-01-05"] and baseline.marker.color == charts.BASELINE
    assert traces(gantt(plan(), show_baseline=False), "baseline") == []


def test_today_line_and_row_geometry():
    fig = gantt(plan(), today=D(2026, 1, 8))
    today = [s for s in fig.layout.shapes if s.name == "today"]
    assert len(today) == 1 and today[0].x0 == "2026-01-08" and today[0].yref == "paper"
    assert fig.layout.height == charts.HEADER_HEIGHT + 5 * charts.ROW_HEIGHT + 4
    assert tuple(fig.layout.yaxis.range) == (4.5, -0.5)
    assert fig.layout.margin.t == charts.HEADER_HEIGHT


def test_zoom_changes_the_width_and_ticks():
    rows = plan()
    days = gantt(rows, zoom="days")
    quarters = gantt(rows, zoom="quarters")
    assert days.layout.width > quarters.layout.width
    assert days.layout.xaxis.dtick == charts.DAY_MS and quarters.layout.xaxis.dtick == "M3"


def test_an_empty_plan_still_draws():
    fig = gantt([], today=D(2026, 1, 8))
    assert fig.layout.height > 0 and [s for s in fig.layout.shapes if s.name == "today"]


def test_hover_names_dates_and_float():
    fig = gantt(plan())
    text = next(t for t in traces(fig, "tasks") if t.name == "Tasks").hovertext[0]
    assert "Copy" in text and "Mon 05 Jan 2026" in text and "Total float 2d" in text


def test_roadmap_figure_groups_projects_and_draws_links():
    apollo = RoadmapProject(
        1,
        "APOLLO",
        "Apollo",
        "execution",
        "amber",
        Decimal("40"),
        D(2026, 1, 5),
        D(2026, 3, 27),
        D(2026, 3, 20),
        "",
        [RoadmapMilestone(10, "Launch", D(2026, 3, 27), True, True)],
    )
    zeus = RoadmapProject(
        2, "ZEUS", "Zeus", "planning", "green", Decimal("0"), D(2026, 4, 1), D(2026, 6, 30), None, ""
    )
    data = Roadmap(
        [RoadmapGroup(5, "Customer Experience", [apollo]), RoadmapGroup(None, "Not in a program", [zeus])],
        [RoadmapLink(1, 2, "Launch", "Kick-off", "FS", D(2026, 3, 27), D(2026, 4, 1))],
        D(2026, 1, 5),
        D(2026, 6, 30),
    )
    fig = charts.roadmap_figure(data, today=D(2026, 2, 1))
    assert list(fig.layout.yaxis.ticktext) == [
        "<b>Customer Experience</b>",
        "APOLLO Apollo",
        "<b>Not in a program</b>",
        "ZEUS Zeus",
    ]
    amber = next(t for t in traces(fig, "projects") if t.name == "Amber")
    assert list(amber.y) == [1] and amber.marker.color == charts.HEALTH_COLOURS["amber"]
    assert list(traces(fig, "milestones")[0].marker.color) == [charts.RED]  # late
    assert list(traces(fig, "links")[0].y[:3]) == [1, 3, 3]
    assert [s for s in fig.layout.shapes if s.name == "today"]
    assert apollo.late and not zeus.late
