"""Plotly figures for the scheduling pages: the project Gantt chart and the portfolio roadmap.

The Gantt chart is a plain figure dict (a large plan has thousands of shapes and points, which
``plotly.graph_objects`` would validate one by one); the roadmap, a few hundred rows at most, is built with
``plotly.graph_objects``. Both reach the page as JSON and plotly.js draws them. One row of the chart is
``ROW_HEIGHT`` pixels so that the side grid, whose rows have the same height, lines up with it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from portfolium.scheduling.selectors import GanttRow, Roadmap

ROW_HEIGHT = 28
HEADER_HEIGHT = 40
DAY_MS = 86_400_000
TODAY_REACH = dt.timedelta(days=60)

BLUE = "#6f86e0"
BLUE_DARK = "#3552c8"
RED = "#e0665c"
RED_DARK = "#b3362c"
SUMMARY = "#3b4351"
BASELINE = "#b4bac6"
LINK = "#8a93a5"
TODAY = "#d9981f"
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12, "color": "#3b4351"}
HEALTH_COLOURS = {"green": "#2e9d6a", "amber": "#d9981f", "red": "#cf4a3f"}

# Pixels per day, tick spacing and label format for each zoom level.
ZOOMS: dict[str, tuple[float, Any, str]] = {
    "days": (28.0, DAY_MS, "%a %d"),
    "weeks": (7.0, 7 * DAY_MS, "%d %b"),
    "months": (2.2, "M1", "%b %Y"),
    "quarters": (0.8, "M3", "%b %Y"),
}
ZOOM_LABELS = {"days": "Days", "weeks": "Weeks", "months": "Months", "quarters": "Quarters"}


def _day(d: dt.date) -> str:
    return d.isoformat()


def _end(d: dt.date) -> str:
    """The end of a finish date: bars run to midnight after their last day."""
    return (d + dt.timedelta(days=1)).isoformat()


def chart_span(rows: Sequence[GanttRow], today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """First and last day the chart must show (with a little air either side)."""
    days = [d for r in rows for d in (r.start, r.finish, r.baseline_start, r.baseline_finish) if d]
    # Today widens the chart only when it is near the plan: a plan two years out should not open on empty weeks.
    if today and (not days or min(days) - TODAY_REACH <= today <= max(days) + TODAY_REACH):
        days.append(today)
    if not days:
        base = today or dt.date.today()
        return base - dt.timedelta(days=7), base + dt.timedelta(days=30)
    return min(days) - dt.timedelta(days=3), max(days) + dt.timedelta(days=7)


def chart_width(rows: Sequence[GanttRow], zoom: str, today: dt.date | None = None) -> int:
    first, last = chart_span(rows, today)
    px_per_day = ZOOMS.get(zoom, ZOOMS["weeks"])[0]
    return max(480, int((last - first).days * px_per_day))


def gantt_figure(
    rows: Sequence[GanttRow],
    *,
    today: dt.date | None = None,
    zoom: str = "weeks",
    show_critical: bool = True,
    show_baseline: bool = True,
) -> dict[str, Any]:
    """Bars per task (the done part darker), summary bars, milestone diamonds, dependency arrows between the rows
    shown, the critical path in red, baseline bars under the tasks and a line for today.

    A plain Plotly figure dict (``{"data": [...], "layout": {...}}``, what ``go.Figure(...).to_dict()`` holds):
    building it through ``plotly.graph_objects`` validated every one of a 2,000-task plan's shapes and traces,
    which cost a second per page. ``go.Figure(gantt_figure(rows))`` accepts it (the tests check so).
    Row ``i`` of ``rows`` is drawn at y = i, top to bottom, ``ROW_HEIGHT`` pixels high.
    """
    n = max(len(rows), 1)
    index = {r.task_id: i for i, r in enumerate(rows)}
    data: list[dict[str, Any]] = []

    def hover(r: GanttRow) -> str:
        parts = [f"<b>{_esc(r.wbs)} {_esc(r.name)}</b>"]
        if r.start and r.finish:
            parts.append(f"{r.start:%a %d %b %Y} → {r.finish:%a %d %b %Y}")
        if r.duration and not r.is_milestone:
            parts.append(f"Duration {r.duration}")
        if r.total_float:
            parts.append(f"Total float {r.total_float}" + (" (critical)" if r.critical else ""))
        if r.progress:
            parts.append(f"{r.progress}% done")
        if r.baseline_finish:
            parts.append(f"Baseline finish {r.baseline_finish:%d %b %Y}")
        return "<br>".join(parts)

    tasks = [
        (i, r) for i, r in enumerate(rows) if r.start and r.finish and not r.is_summary and not r.is_milestone
    ]
    for critical in (False, True):
        picked = [(i, r) for i, r in tasks if (r.critical and show_critical) == critical]
        if not picked and critical:
            continue
        data.append(
            {
                "type": "bar",
                "name": "Critical tasks" if critical else "Tasks",
                "orientation": "h",
                "y": [i for i, _ in picked],
                "base": [_day(r.start) for _, r in picked],  # type: ignore[arg-type]
                "x": [_ms(r.start, r.finish) for _, r in picked],  # type: ignore[arg-type]
                "width": 0.5,
                "marker": {"color": RED if critical else BLUE, "line": {"width": 0}},
                "hovertext": [hover(r) for _, r in picked],
                "hoverinfo": "text",
                "customdata": [r.task_id for _, r in picked],
                "meta": "tasks",
            }
        )
    done = [(i, r) for i, r in tasks if r.progress]
    if done:
        data.append(
            {
                "type": "bar",
                "name": "Done",
                "orientation": "h",
                "y": [i for i, _ in done],
                "base": [_day(r.start) for _, r in done],  # type: ignore[arg-type]
                "x": [_ms(r.start, r.finish) * r.progress / 100 for _, r in done],  # type: ignore[arg-type]
                "width": 0.22,
                "marker": {
                    "color": [RED_DARK if r.critical and show_critical else BLUE_DARK for _, r in done]
                },
                "hoverinfo": "skip",
                "meta": "progress",
            }
        )
    summaries = [(i, r) for i, r in enumerate(rows) if r.is_summary and r.start and r.finish]
    if summaries:
        data.append(
            {
                "type": "bar",
                "name": "Summary",
                "orientation": "h",
                "y": [i for i, _ in summaries],
                "base": [_day(r.start) for _, r in summaries],  # type: ignore[arg-type]
                "x": [_ms(r.start, r.finish) for _, r in summaries],  # type: ignore[arg-type]
                "width": 0.24,
                "marker": {"color": SUMMARY},
                "hovertext": [hover(r) for _, r in summaries],
                "hoverinfo": "text",
                "customdata": [r.task_id for _, r in summaries],
                "meta": "summary",
            }
        )
    milestones = [(i, r) for i, r in enumerate(rows) if r.is_milestone and (r.finish or r.start)]
    if milestones:
        data.append(
            {
                "type": "scatter",
                "name": "Milestones",
                "mode": "markers",
                "y": [i for i, _ in milestones],
                "x": [_end(r.finish or r.start) for _, r in milestones],  # type: ignore[arg-type]
                "marker": {
                    "symbol": "diamond",
                    "size": 13,
                    "line": {"width": 1, "color": "#fff"},
                    "color": [RED if r.critical and show_critical else SUMMARY for _, r in milestones],
                },
                "hovertext": [hover(r) for _, r in milestones],
                "hoverinfo": "text",
                "customdata": [r.task_id for _, r in milestones],
                "meta": "milestones",
            }
        )
    if show_baseline:
        based = [(i, r) for i, r in enumerate(rows) if r.baseline_start and r.baseline_finish]
        if based:
            data.append(
                {
                    "type": "bar",
                    "name": "Baseline",
                    "orientation": "h",
                    "y": [i + 0.3 for i, _ in based],
                    "base": [_day(r.baseline_start) for _, r in based],  # type: ignore[arg-type]
                    "x": [max(_ms(r.baseline_start, r.baseline_finish), DAY_MS // 8) for _, r in based],  # type: ignore[arg-type]
                    "width": 0.14,
                    "marker": {"color": BASELINE},
                    "hovertext": [
                        f"Baseline: {r.baseline_start:%d %b %Y} → {r.baseline_finish:%d %b %Y}"
                        for _, r in based
                    ],
                    "hoverinfo": "text",
                    "meta": "baseline",
                }
            )
    data.extend(_links(rows, index, show_critical))

    first, last = chart_span(rows, today)
    px_per_day, dtick, fmt = ZOOMS.get(zoom, ZOOMS["weeks"])
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if today:
        shapes.append(_today_line(today))
        annotations.append(_today_label(today))
    # Shade every other row lightly so the eye can follow a long row from grid to bar.
    for i in range(1, len(rows), 2):
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": i - 0.5,
                "y1": i + 0.5,
                "fillcolor": "rgba(16,24,40,.025)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
    layout = {
        "template": _template(),
        "barmode": "overlay",
        "height": HEADER_HEIGHT + n * ROW_HEIGHT + 4,
        "width": max(480, int((last - first).days * px_per_day)),
        "margin": {"l": 0, "r": 8, "t": HEADER_HEIGHT, "b": 4},
        "font": FONT,
        "showlegend": False,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hovermode": "closest",
        "shapes": shapes,
        "annotations": annotations,
        "dragmode": False,
        "xaxis": {
            "type": "date",
            "side": "top",
            "range": [_day(first), _day(last)],
            "dtick": dtick,
            "tickformat": fmt,
            "gridcolor": "#e6e9ef",
            "zeroline": False,
            "fixedrange": True,
            "tick0": "2000-01-03",
            "ticks": "outside",
            "ticklen": 4,
            "tickfont": {"size": 11},
        },
        "yaxis": {"range": [n - 0.5, -0.5], "visible": False, "fixedrange": True},
    }
    return {"data": data, "layout": layout}


def figure_json(figure: dict[str, Any]) -> str:
    """A figure dict as the JSON plotly.js reads (compact: a 2,000-row chart is a megabyte otherwise)."""
    return json.dumps(figure, separators=(",", ":"), ensure_ascii=False)


@functools.cache
def _template() -> dict[str, Any]:
    """Plotly's default template as plain JSON, as ``go.Figure().to_json()`` would embed it (read once)."""
    template: dict[str, Any] = json.loads(go.Figure().to_json())["layout"]["template"]
    return template


def _today_line(today: dt.date) -> dict[str, Any]:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": _day(today),
        "x1": _day(today),
        "y0": 0,
        "y1": 1,
        "line": {"color": TODAY, "width": 2, "dash": "dot"},
        "name": "today",
    }


def _today_label(today: dt.date) -> dict[str, Any]:
    return {
        "x": _day(today),
        "y": 1,
        "xref": "x",
        "yref": "paper",
        "yanchor": "bottom",
        "text": "Today",
        "showarrow": False,
        "font": {"size": 10, "color": TODAY},
    }


def _ms(start: dt.date, finish: dt.date) -> int:
    return ((finish - start).days + 1) * DAY_MS


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _links(rows: Sequence[GanttRow], index: dict[int, int], show_critical: bool) -> list[dict[str, Any]]:
    """Dependency arrows as elbow lines (down from where the predecessor drives, across to where the successor is
    driven), one trace for ordinary links and one for critical ones, arrowheads as triangle markers."""
    paths: dict[bool, tuple[list[Any], list[Any], list[Any], list[Any], list[str]]] = {
        False: ([], [], [], [], []),
        True: ([], [], [], [], []),
    }
    for r in rows:
        for link in r.successors:
            j = index.get(link.task_id)
            if j is None or link.cross_project:
                continue
            succ = rows[j]
            i = index[r.task_id]
            leave = _edge(r, start=link.type in ("SS", "SF"))
            arrive = _edge(succ, start=link.type in ("FS", "SS"))
            if leave is None or arrive is None:
                continue
            critical = show_critical and r.critical and succ.critical
            xs, ys, hx, hy, sym = paths[critical]
            offset = 0.32 if j > i else -0.32
            xs.extend([leave, leave, arrive, None])
            ys.extend([i + offset, j, j, None])
            hx.append(arrive)
            hy.append(j)
            sym.append("triangle-right" if arrive >= leave else "triangle-left")
    traces: list[dict[str, Any]] = []
    for critical, (xs, ys, hx, hy, sym) in paths.items():
        if not hx:
            continue
        colour = RED_DARK if critical else LINK
        traces.append(
            {
                "type": "scatter",
                "name": "Critical links" if critical else "Links",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "line": {"color": colour, "width": 1.3 if critical else 1},
                "hoverinfo": "skip",
                "meta": "links",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "name": "Link ends",
                "mode": "markers",
                "x": hx,
                "y": hy,
                "hoverinfo": "skip",
                "meta": "arrowheads",
                "marker": {"symbol": sym, "size": 7, "color": colour},
            }
        )
    return traces


def _edge(r: GanttRow, *, start: bool) -> str | None:
    """Where a link touches a row: its start (00:00 of the first day) or its finish (after the last day)."""
    if r.is_milestone:
        day = r.finish or r.start
        return _end(day) if day else None
    if start:
        return _day(r.start) if r.start else None
    return _end(r.finish) if r.finish else None


# --- the roadmap --------------------------------------------------------------------------------------------


def roadmap_figure(data: Roadmap, *, today: dt.date | None = None) -> go.Figure:
    """One bar per project (coloured by health, grouped under its program), its milestones as diamonds, the
    target finish as a tick, cross-project links as arrows, and today."""
    fig = go.Figure()
    labels: list[str] = []
    y_of: dict[int, int] = {}
    group_rows: list[tuple[int, str]] = []
    for group in data.groups:
        group_rows.append((len(labels), group.name))
        labels.append(f"<b>{_esc(group.name)}</b>")
        for p in group.projects:
            y_of[p.project_id] = len(labels)
            labels.append(f"{_esc(p.code)} {_esc(_short(p.name))}")
    projects = [p for p in data.projects if p.start and p.finish]
    for health in ("green", "amber", "red"):
        picked = [p for p in projects if p.health == health]
        if not picked:
            continue
        fig.add_trace(
            go.Bar(
                name=health.title(),
                orientation="h",
                y=[y_of[p.project_id] for p in picked],
                base=[_day(p.start) for p in picked],  # type: ignore[arg-type]
                x=[max(_ms(p.start, p.finish), DAY_MS) for p in picked],  # type: ignore[arg-type]
                width=0.5,
                marker={"color": HEALTH_COLOURS[health], "opacity": 0.85},
                meta="projects",
                customdata=[p.project_id for p in picked],
                hovertext=[
                    f"<b>{_esc(p.code)} {_esc(p.name)}</b><br>{p.start:%d %b %Y} → {p.finish:%d %b %Y}"
                    f"<br>{p.progress}% done" + (f"<br>Target {p.target:%d %b %Y}" if p.target else "")
                    for p in picked
                ],
                hoverinfo="text",
            )
        )
    stones = [(p, m) for p in data.projects for m in p.milestones]
    if stones:
        fig.add_trace(
            go.Scatter(
                name="Milestones",
                mode="markers",
                y=[y_of[p.project_id] for p, _ in stones],
                x=[_end(m.date) for _, m in stones],
                meta="milestones",
                marker={
                    "symbol": "diamond",
                    "size": 11,
                    "line": {"width": 1, "color": "#fff"},
                    "color": [RED if m.late else SUMMARY for _, m in stones],
                },
                hovertext=[
                    f"{_esc(m.name)}<br>{m.date:%d %b %Y}" + (" (late)" if m.late else "") for _, m in stones
                ],
                hoverinfo="text",
            )
        )
    targets = [p for p in data.projects if p.target]
    if targets:
        fig.add_trace(
            go.Scatter(
                name="Target finish",
                mode="markers",
                y=[y_of[p.project_id] for p in targets],
                x=[_end(p.target) for p in targets],  # type: ignore[arg-type]
                marker={
                    "symbol": "line-ns",
                    "size": 16,
                    "line": {"width": 2, "color": [RED if p.late else SUMMARY for p in targets]},
                },
                hovertext=[f"Target finish {p.target:%d %b %Y}" for p in targets],
                hoverinfo="text",
                meta="targets",
            )
        )
    xs: list[Any] = []
    ys: list[Any] = []
    hx: list[str] = []
    hy: list[int] = []
    for link in data.links:
        a, b = y_of.get(link.predecessor_project), y_of.get(link.successor_project)
        if a is None or b is None or link.start is None or link.finish is None:
            continue
        leave = _end(link.start) if link.type in ("FS", "FF") else _day(link.start)
        arrive = _day(link.finish) if link.type in ("FS", "SS") else _end(link.finish)
        xs.extend([leave, leave, arrive, None])
        ys.extend([a, b, b, None])
        hx.append(arrive)
        hy.append(b)
    if hx:
        fig.add_trace(
            go.Scatter(
                name="Cross-project links",
                mode="lines",
                x=xs,
                y=ys,
                meta="links",
                line={"color": LINK, "width": 1.2},
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                name="Link ends",
                mode="markers",
                x=hx,
                y=hy,
                meta="arrowheads",
                hoverinfo="skip",
                marker={"symbol": "triangle-right", "size": 8, "color": LINK},
            )
        )
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for row, _name in group_rows:
        shapes.append(
            {
                "type": "rect",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": row - 0.5,
                "y1": row + 0.5,
                "fillcolor": "rgba(53,82,200,.06)",
                "line": {"width": 0},
                "layer": "below",
            }
        )
    if today:
        shapes.append(_today_line(today))
        annotations.append(_today_label(today))
    n = max(len(labels), 1)
    x_range = None
    if data.start and data.finish:
        x_range = [_day(data.start - dt.timedelta(days=14)), _day(data.finish + dt.timedelta(days=21))]
    fig.update_layout(
        barmode="overlay",
        height=HEADER_HEIGHT + n * ROW_HEIGHT + 8,
        margin={"l": 8, "r": 12, "t": HEADER_HEIGHT, "b": 8},
        font=FONT,
        showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        shapes=shapes,
        annotations=annotations,
        hovermode="closest",
        dragmode=False,
        xaxis={
            "type": "date",
            "side": "top",
            "gridcolor": "#e6e9ef",
            "range": x_range,
            "fixedrange": True,
            "tickformat": "%b %Y",
            "tickfont": {"size": 11},
        },
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(len(labels))),
            "ticktext": labels,
            "range": [n - 0.5, -0.5],
            "automargin": True,
            "fixedrange": True,
            "tickfont": {"size": 12},
        },
    )
    return fig


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
