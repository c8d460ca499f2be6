"""Scheduling pages: a project's Gantt chart with its editable side grid and baselines, the portfolio roadmap
and the working calendars.

The Gantt page keeps its view state (zoom, critical path, baseline, collapsed phases, the task being edited) in
the query string, so that every htmx request, edits included, re-renders grid and chart the way they were.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from portfolium.accounts.access import org_admin_require
from portfolium.accounts.models import Role
from portfolium.accounts.roles import role_map_for
from portfolium.core.errors import NotFound, ValidationError
from portfolium.core.htmx import handle_errors, render_page
from portfolium.portfolios.access import portfolio_get_for_user
from portfolium.portfolios.selectors import program_list
from portfolium.projects import services as project_services
from portfolium.projects.access import dependency_get_for_user, project_get_for_user, task_get_for_user
from portfolium.projects.models import ConstraintType, DependencyType, Health, LagUnit, Project, Stage
from portfolium.projects.selectors import today
from portfolium.scheduling import charts, selectors
from portfolium.scheduling import services as scheduling_services
from portfolium.scheduling.access import baseline_get_for_user, calendar_exception_get, calendar_get
from portfolium.scheduling.forms import constraint_data, link_data, parse_date
from portfolium.scheduling.models import Baseline, CalendarException, RecurrenceKind, WorkCalendar

ZOOMS = tuple(charts.ZOOMS)


# --- the Gantt page's view state ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GanttState:
    """What the reader chose to see; it travels in the query string of every Gantt request.

    ``collapsed`` is None when the query string does not say (the page then opens a large plan with its phases
    folded, see :data:`COLLAPSE_OVER`); an empty set (``collapsed=``) means "show every row"."""

    zoom: str = "weeks"
    critical: bool = True
    baseline: int | None = None
    collapsed: frozenset[int] | None = None
    edit: int | None = None

    @classmethod
    def parse(cls, query: QueryDict) -> GanttState:
        zoom = query.get("zoom", "weeks")
        collapsed = _ids_parse(query.get("collapsed", "")) if "collapsed" in query else None
        baseline = query.get("baseline", "")
        edit = query.get("edit", "")
        return cls(
            zoom=zoom if zoom in ZOOMS else "weeks",
            critical=query.get("critical", "1") != "0",
            baseline=int(baseline) if baseline.isdigit() else None,
            collapsed=collapsed,
            edit=int(edit) if edit.isdigit() else None,
        )

    def query(self, **changes: Any) -> str:
        state = replace(self, **changes)
        params: dict[str, str] = {}
        if state.zoom != "weeks":
            params["zoom"] = state.zoom
        if not state.critical:
            params["critical"] = "0"
        if state.baseline:
            params["baseline"] = str(state.baseline)
        if state.collapsed is not None:
            params["collapsed"] = _ids_text(state.collapsed)
        if state.edit:
            params["edit"] = str(state.edit)
        return urlencode(params, safe=",")


def _toggled(collapsed: frozenset[int], task_id: int) -> frozenset[int]:
    return collapsed - {task_id} if task_id in collapsed else collapsed | {task_id}


#: At most this many ids in a ``collapsed`` query (a range such as 1-999999999 must not fill the memory).
MAX_COLLAPSED = 100_000


def _ids_text(ids: frozenset[int]) -> str:
    """Task ids as runs: ``3,7-19,25`` (a plan's phases often have consecutive ids, and the state travels in
    every link of the page).

    >>> _ids_text(frozenset({25, 3, 7, 8, 9}))
    '3,7-9,25'
    """
    parts: list[str] = []
    ordered = sorted(ids)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if j - i < 2 else f"{ordered[i]}-{ordered[j]}")
        if j - i == 1:
            parts.append(str(ordered[j]))
        i = j + 1
    return ",".join(parts)


def _ids_parse(text: str) -> frozenset[int]:
    """The inverse of :func:`_ids_text`; anything that is not an id or a run of ids is ignored."""
    ids: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            continue
        low, high = int(first), int(last or first)
        if high - low + len(ids) >= MAX_COLLAPSED:
            continue
        ids.update(range(low, high + 1))
    return frozenset(ids)


#: A plan with more tasks than this opens with the phases below the top level folded (the reader's
#: "Expand all" or a phase's toggle opens them): two thousand editable rows are megabytes of HTML.
COLLAPSE_OVER = 400

_SENTINEL = 987654321


def _url_format(name: str, *args: Any) -> str:
    """``reverse(name)`` once, with ``{}`` where the last argument goes, for building one URL per row by string
    formatting (reverse() per row cost a tenth of a second on a 2,000-row page)."""
    head, _, tail = reverse(name, args=[*args, _SENTINEL]).rpartition(str(_SENTINEL))
    return f"{head}{{}}{tail}"


def _default_collapsed(project: Project) -> frozenset[int]:
    """The phases folded when the query string does not say: every summary below the top level of a plan
    larger than :data:`COLLAPSE_OVER` tasks (none for a smaller one: everything is shown)."""
    if project.task_count <= COLLAPSE_OVER:
        return frozenset()
    depths = selectors.outline_depths(project=project)
    return frozenset(pk for pk, (depth, summary) in depths.items() if summary and depth >= 1)


def _url(name: str, *args: Any, query: str = "") -> str:
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


def _rights(project: Project) -> dict[str, bool]:
    role = getattr(project, "user_role", None) or 0
    return {"can_plan": role >= Role.MANAGER, "can_update": role >= Role.CONTRIBUTOR}


def _crumbs(request: HttpRequest, project: Project) -> dict[str, Any]:
    rolemap = role_map_for(request.user)
    show_program = project.program_id and rolemap.program_role(project.program_id, project.portfolio_id)
    return {
        "crumb_portfolio": project.portfolio if rolemap.portfolio_role(project.portfolio_id) else None,
        "crumb_program": project.program if show_program else None,
    }


def _baseline_for(project: Project, baseline_id: int | None) -> Baseline | None:
    if baseline_id is None:
        return None
    return Baseline.objects.filter(pk=baseline_id, project=project).first()


def _gantt_context(
    request: HttpRequest,
    project: Project,
    state: GanttState,
    *,
    row_errors: dict[str, str] | None = None,
    error_task: int | None = None,
    editor_errors: dict[str, str] | None = None,
    saved: str = "",
) -> dict[str, Any]:
    rights = _rights(project)
    # Without a ``collapsed`` in the query string a large plan opens folded; the links of the page leave it
    # out too (short URLs), except those that change what is folded.
    folded = state.collapsed if state.collapsed is not None else _default_collapsed(project)
    # "Expand all" and "nothing folded" must say so explicitly when the plan would otherwise open folded.
    large = project.task_count > COLLAPSE_OVER
    baseline = _baseline_for(project, state.baseline)
    working = selectors.working_days_for(project)
    rows = selectors.gantt_rows(
        project=project,
        collapsed=folded,
        baseline=baseline,
        user=request.user,
        working=working,
    )
    now = today()
    figure = charts.gantt_figure(
        rows, today=now, zoom=state.zoom, show_critical=state.critical, show_baseline=baseline is not None
    )
    base_url = reverse("scheduling:gantt", args=[project.pk])
    editing = next((r for r in rows if r.task_id == state.edit), None)
    summaries = selectors.summary_ids(rows)
    all_summaries = set(summaries) | folded
    plain = state.query(edit=None)
    edit_prefix = f"{base_url}?{plain}&edit=" if plain else f"{base_url}?edit="
    post_format = _url_format("scheduling:gantt_task_edit", project.pk) + f"?{state.query()}"
    for r in rows:
        r.urls["edit"] = f"{edit_prefix}{r.task_id}"
        r.urls["post"] = post_format.format(r.task_id)
        if r.is_summary:
            toggled = _toggled(folded, r.task_id)
            r.urls["toggle"] = f"{base_url}?{state.query(collapsed=toggled if toggled or large else None)}"
    return {
        "project": project,
        "rows": rows,
        "state": state,
        "chart": charts.figure_json(figure),
        "chart_width": figure["layout"]["width"],
        "chart_height": figure["layout"]["height"],
        "row_height": charts.ROW_HEIGHT,
        "baseline": baseline,
        "baselines": list(selectors.baseline_list(project=project)),
        "gantt_url": base_url,
        "state_query": state.query(),
        "zoom_links": [(z, charts.ZOOM_LABELS[z], f"{base_url}?{state.query(zoom=z)}") for z in ZOOMS],
        "critical_url": f"{base_url}?{state.query(critical=not state.critical)}",
        "collapse_all_url": f"{base_url}?{state.query(collapsed=frozenset(all_summaries))}",
        "expand_all_url": f"{base_url}?{state.query(collapsed=frozenset() if large else None)}",
        "close_edit_url": f"{base_url}?{state.query(edit=None)}",
        "editing": editing,
        "candidates": selectors.link_candidates(project=project, user=request.user)
        if editing and rights["can_plan"]
        else [],
        "constraints": ConstraintType.choices,
        "dependency_types": DependencyType.choices,
        "lag_units": LagUnit.choices,
        "row_errors": row_errors or {},
        "error_task": error_task,
        "editor_errors": editor_errors or {},
        "saved": saved,
        "today": now,
        "minutes_per_day": working.minutes_per_day,
        **rights,
    }


def _gantt_response(
    request: HttpRequest, project_id: int, state: GanttState, *, status: int = 200, **kwargs: Any
) -> HttpResponse:
    # Re-read the project: the reschedule changed its finish and maybe its schedule error.
    project = project_get_for_user(request.user, project_id)
    return render(
        request, "scheduling/_gantt.html", _gantt_context(request, project, state, **kwargs), status=status
    )


@login_required
@require_GET
@handle_errors
def gantt(request: HttpRequest, project_id: int) -> HttpResponse:
    """The Gantt page; an htmx request gets the grid and chart alone (zoom, collapse, baseline, editor)."""
    project = project_get_for_user(request.user, project_id)
    state = GanttState.parse(request.GET)
    context = {**_gantt_context(request, project, state), **_crumbs(request, project), "nav": "portfolios"}
    if not request.htmx or request.htmx.history_restore_request:  # type: ignore[attr-defined]
        context.update(_baselines_context(request, project, state))
    return render_page(request, "scheduling/gantt.html", context, fragment="scheduling/_gantt.html")


def _task_edit_data(post: QueryDict) -> dict[str, Any]:
    """One grid cell or the editor's constraint fields, for ``projects.services.task_update``, which applies
    Microsoft Project's rules: a typed start becomes "start no earlier than" that day, a typed finish sets the
    duration, a typed duration ("3d", "4h") is parsed on the project's calendar."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if "duration" in post:
        data["duration"] = post.get("duration", "")
    for name in ("start", "finish"):
        if name in post:
            try:
                data[name] = parse_date(post.get(name, ""))
            except ValueError as exc:
                errors[name] = str(exc)
    if "constraint_type" in post or "deadline" in post:
        try:
            data.update(constraint_data(post))
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return data


@login_required
@require_POST
@handle_errors
def gantt_task_edit(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    """Save a duration, start, finish, constraint or deadline from the grid or the editor, then answer with the
    rescheduled grid and chart; an error (a bad value, or a plan the scheduler refuses) shows by the row."""
    task = task_get_for_user(request.user, task_id, need=Role.MANAGER)
    if task.project_id != project_id:
        raise NotFound("task")
    state = GanttState.parse(request.GET)
    from_editor = request.POST.get("from") == "editor"
    try:
        data = _task_edit_data(request.POST)
        if data:
            project_services.task_update(actor=request.user, task=task, data=data)
    except ValidationError as exc:
        if from_editor:
            return _gantt_response(request, project_id, state, status=422, editor_errors=exc.errors)
        return _gantt_response(
            request, project_id, state, status=422, row_errors=exc.errors, error_task=task.pk
        )
    return _gantt_response(request, project_id, state, saved="editor" if from_editor else "")


@login_required
@require_POST
@handle_errors
def gantt_link_add(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    """Add a predecessor to the task being edited (a task of this project, or of a project beside it)."""
    task = task_get_for_user(request.user, task_id, need=Role.MANAGER)
    if task.project_id != project_id:
        raise NotFound("task")
    state = GanttState.parse(request.GET)
    try:
        raw = request.POST.get("predecessor", "")
        if not raw.isdigit():
            raise ValidationError({"predecessor": "choose the task this one waits for"})
        data = {"predecessor": int(raw), "successor": task.pk, **link_data(request.POST)}
        project_services.dependency_create(actor=request.user, project=task.project, data=data)
    except ValidationError as exc:
        errors = dict(exc.errors)
        if "successor" in errors:  # about the link as a whole (a loop, a duplicate): show it by the chooser
            errors["predecessor"] = errors.pop("successor")
        return _gantt_response(request, project_id, state, status=422, editor_errors=errors)
    return _gantt_response(request, project_id, state, saved="link")


@login_required
@require_POST
@handle_errors
def gantt_link_remove(request: HttpRequest, project_id: int, dependency_id: int) -> HttpResponse:
    dependency = dependency_get_for_user(request.user, dependency_id, need=Role.MANAGER)
    if dependency.project_id != project_id:
        raise NotFound("dependency")
    state = GanttState.parse(request.GET)
    project_services.dependency_delete(actor=request.user, dependency=dependency)
    return _gantt_response(request, project_id, state, saved="link")


@login_required
@require_POST
@handle_errors
def gantt_reschedule(request: HttpRequest, project_id: int) -> HttpResponse:
    """Run the scheduler again (after a calendar change elsewhere, or to retry after an error)."""
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    scheduling_services.schedule_recalculate(project=project)
    return _gantt_response(request, project_id, GanttState.parse(request.GET))


# --- baselines ----------------------------------------------------------------------------------------------

COMPARE_COLUMNS = (
    ("wbs", "WBS"),
    ("name", "Name"),
    ("baseline_finish", "Baseline finish"),
    ("finish", "Finish"),
    ("start_variance", "Start var."),
    ("finish_variance", "Finish var."),
)


def _baselines_context(
    request: HttpRequest,
    project: Project,
    state: GanttState,
    *,
    errors: dict[str, str] | None = None,
    error_baseline: int | None = None,
    name: str = "",
) -> dict[str, Any]:
    baselines = list(selectors.baseline_list(project=project))
    compare_id = state.baseline or (baselines[0].pk if baselines else None)
    return {
        "project": project,
        "baselines": baselines,
        "baseline_errors": errors or {},
        "error_baseline": error_baseline,
        "baseline_name": name or f"Baseline {len(baselines) + 1}",
        "gantt_url": reverse("scheduling:gantt", args=[project.pk]),
        "state": state,
        **_compare_context(request, project, compare_id, slipped_only=False, sort="wbs"),
        **_rights(project),
    }


def _compare_context(
    request: HttpRequest, project: Project, baseline_id: int | None, *, slipped_only: bool, sort: str
) -> dict[str, Any]:
    baseline = _baseline_for(project, baseline_id)
    if baseline is None:
        return {"compare_baseline": None, "compare_rows": [], "compare_headers": []}
    rows = selectors.baseline_compare(project=project, baseline=baseline)
    shown = selectors.compare_filter(rows, slipped_only=slipped_only, sort=sort)
    url = reverse("scheduling:baseline_compare", args=[project.pk])
    headers = []
    for key, label in COMPARE_COLUMNS:
        active = sort.lstrip("-") == key
        descending = sort.startswith("-")
        next_sort = f"-{key}" if active and not descending else key
        query = urlencode(
            {"baseline": baseline.pk, "sort": next_sort, **({"slipped": "1"} if slipped_only else {})}
        )
        headers.append(
            {
                "key": key,
                "label": label,
                "url": f"{url}?{query}",
                "active": active,
                "aria": ("descending" if descending else "ascending") if active else "none",
                "arrow": ("▼" if descending else "▲") if active else "",
            }
        )
    return {
        "compare_baseline": baseline,
        "compare_rows": shown,
        "compare_total": len(rows),
        "compare_slipped": sum(1 for r in rows if r.slipped),
        "compare_slipped_only": slipped_only,
        "compare_sort": sort,
        "compare_headers": headers,
        "compare_url": url,
    }


def _baselines_response(
    request: HttpRequest, project_id: int, *, status: int = 200, **kwargs: Any
) -> HttpResponse:
    project = project_get_for_user(request.user, project_id)
    context = _baselines_context(request, project, GanttState.parse(request.GET), **kwargs)
    return render(request, "scheduling/_baselines.html", context, status=status)


@login_required
@require_GET
@handle_errors
def baseline_compare(request: HttpRequest, project_id: int) -> HttpResponse:
    """The comparison table alone: pick a baseline, sort, "slipped only"."""
    project = project_get_for_user(request.user, project_id)
    raw = request.GET.get("baseline", "")
    context = {
        "project": project,
        "baselines": list(selectors.baseline_list(project=project)),
        **_compare_context(
            request,
            project,
            int(raw) if raw.isdigit() else None,
            slipped_only=request.GET.get("slipped") == "1",
            sort=request.GET.get("sort", "wbs"),
        ),
    }
    return render(request, "scheduling/_compare.html", context)


@login_required
@require_POST
@handle_errors
def baseline_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    name = request.POST.get("name", "")
    try:
        baseline = scheduling_services.baseline_save(actor=request.user, project=project, name=name)
    except ValidationError as exc:
        return _baselines_response(request, project_id, status=422, errors=exc.errors, name=name)
    project = project_get_for_user(request.user, project_id)
    state = replace(GanttState.parse(request.GET), baseline=baseline.pk)
    context = _baselines_context(request, project, state)
    context["saved_baseline"] = baseline.pk
    return render(request, "scheduling/_baselines.html", context)


@login_required
@require_POST
@handle_errors
def baseline_rename(request: HttpRequest, project_id: int, baseline_id: int) -> HttpResponse:
    baseline = baseline_get_for_user(request.user, project_id, baseline_id, need=Role.MANAGER)
    name = request.POST.get("name", "")
    try:
        scheduling_services.baseline_rename(actor=request.user, baseline=baseline, name=name)
    except ValidationError as exc:
        return _baselines_response(
            request, baseline.project_id, status=422, errors=exc.errors, error_baseline=baseline.pk
        )
    return _baselines_response(request, baseline.project_id)


@login_required
@require_POST
@handle_errors
def baseline_remove(request: HttpRequest, project_id: int, baseline_id: int) -> HttpResponse:
    baseline = baseline_get_for_user(request.user, project_id, baseline_id, need=Role.MANAGER)
    project_id = baseline.project_id
    scheduling_services.baseline_delete(actor=request.user, baseline=baseline)
    return _baselines_response(request, project_id)


# --- the roadmap --------------------------------------------------------------------------------------------


@login_required
@require_GET
@handle_errors
def plan_download(request: HttpRequest, project_id: int) -> HttpResponse:
    """The project as a Portfolium plan JSON file, for `portfolium schedule` or another tool."""
    import json

    from portfolium.scheduling.services import project_plan_export

    project = project_get_for_user(request.user, project_id)
    body = json.dumps(project_plan_export(project=project), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{project.code}-plan.json"'
    return response


#: Sortable columns of the roadmap's project list: key -> (label, sort key of a (group name, project) row).
ROADMAP_SORTS: dict[str, tuple[str, Any]] = {
    "project": ("Project", lambda g, p: p.code.lower()),
    "program": ("Program", lambda g, p: (g.lower(), p.code.lower())),
    "health": ("Health", lambda g, p: ({"green": 0, "amber": 1, "red": 2}.get(p.health, 0), p.code.lower())),
    "start": ("Start", lambda g, p: (p.start or date.max, p.code.lower())),
    "finish": ("Scheduled finish", lambda g, p: (p.finish or date.max, p.code.lower())),
    "target": ("Target", lambda g, p: (p.target or date.max, p.code.lower())),
}


def _roadmap_table(
    request: HttpRequest, data: selectors.Roadmap, *, sort: str, url: str
) -> tuple[list[tuple[str, Any]], list[dict[str, Any]]]:
    """The project list under the chart: grouped by program unless a column header asks for an order."""
    rows = [(group.name, project) for group in data.groups for project in group.projects]
    if sort:
        rows.sort(key=lambda row: ROADMAP_SORTS[sort.lstrip("-")][1](*row), reverse=sort.startswith("-"))
    kept = [(k, v) for k in ("program", "stage", "health") for v in request.GET.getlist(k) if v]
    headers = []
    for key, (label, _) in ROADMAP_SORTS.items():
        active = sort.lstrip("-") == key
        descending = sort.startswith("-")
        query = urlencode([*kept, ("sort", f"-{key}" if active and not descending else key)])
        headers.append(
            {
                "key": key,
                "label": label,
                "url": f"{url}?{query}",
                "active": active,
                "aria": ("descending" if descending else "ascending") if active else "none",
                "arrow": ("▼" if descending else "▲") if active else "",
            }
        )
    return rows, headers


@login_required
@require_GET
@handle_errors
def roadmap(request: HttpRequest, portfolio_id: int | None = None) -> HttpResponse:
    """Every project the reader can see on one timeline (or a portfolio's, with its sub-portfolios), grouped by
    program, with milestones and cross-project links; filters for program, stage and health."""
    portfolio = portfolio_get_for_user(request.user, portfolio_id) if portfolio_id is not None else None
    errors: dict[str, str] = {}
    program_raw = request.GET.get("program", "")
    program = int(program_raw) if program_raw.isdigit() else None
    stages = [s for s in request.GET.getlist("stage") if s]
    healths = [h for h in request.GET.getlist("health") if h]
    try:
        data = selectors.roadmap(
            user=request.user,
            portfolio=portfolio.pk if portfolio else None,
            program=program,
            stage=stages,
            health=healths,
        )
    except ValidationError as exc:
        errors = exc.errors
        data = selectors.Roadmap([], [], None, None)
    programs = program_list(user=request.user)
    if portfolio is not None:
        from portfolium.projects.selectors import portfolio_descendant_ids

        programs = programs.filter(portfolio_id__in=portfolio_descendant_ids(portfolio.pk))
    now = today()
    figure = charts.roadmap_figure(data, today=now) if data.projects else None
    url = (
        reverse("scheduling:portfolio_roadmap", args=[portfolio.pk])
        if portfolio
        else reverse("scheduling:roadmap")
    )
    sort = request.GET.get("sort", "")
    if sort.lstrip("-") not in ROADMAP_SORTS:
        sort = ""
    table, headers = _roadmap_table(request, data, sort=sort, url=url)
    context = {
        "portfolio": portfolio,
        "data": data,
        "chart": figure.to_json() if figure else None,
        "programs": list(programs.select_related(None).only("id", "name", "code")),
        "program": program,
        "stages": Stage.choices,
        "healths": Health.choices,
        "picked_stages": stages,
        "picked_healths": healths,
        "errors": errors,
        "roadmap_url": url,
        "roadmap_rows": table,
        "roadmap_headers": headers,
        "roadmap_sort": sort,
        "today": now,
        "nav": "roadmap",
    }
    return render_page(
        request,
        "scheduling/roadmap.html",
        context,
        fragment="scheduling/_roadmap.html",
        status=422 if errors else 200,
    )


# --- calendars ----------------------------------------------------------------------------------------------

DAY_NAMES = selectors.WEEKDAY_NAMES


def _calendar_values(calendar: WorkCalendar | None, posted: QueryDict | None = None) -> dict[str, Any]:
    """The calendar form's values; ``days`` is [(index, weekday name, hours text)], Monday first."""
    if posted is not None:
        values: dict[str, Any] = {k: posted.get(k, "") for k in posted}
        values["is_default"] = posted.get("is_default") in ("1", "on", "true")
        values["days"] = [(i, DAY_NAMES[i], posted.get(f"day{i}", "")) for i in range(7)]
        return values
    if calendar is None:
        return {
            "name": "",
            "description": "",
            "hours_per_day": "8",
            "is_default": False,
            "days": [(i, DAY_NAMES[i], "08:00-12:00, 13:00-17:00" if i < 5 else "") for i in range(7)],
        }
    week = calendar.week or []
    return {
        "name": calendar.name,
        "description": calendar.description,
        "hours_per_day": f"{calendar.minutes_per_day / 60:g}",
        "is_default": calendar.is_default,
        "days": [
            (i, DAY_NAMES[i], selectors.hours_label(week[i]) if i < len(week) and week[i] else "")
            for i in range(7)
        ],
    }


def _day_errors(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    values["days"] = [(i, name, text, errors.get(f"day{i}")) for i, name, text in values["days"]]
    return values


@dataclass
class CalendarCard:
    calendar: WorkCalendar
    days: list[tuple[str, str]]
    exceptions: list[tuple[CalendarException, str]]
    values: dict[str, Any]
    errors: dict[str, str]
    exception_errors: dict[str, str]
    exception_values: dict[str, Any]
    editing: bool


def _calendars_context(
    request: HttpRequest,
    *,
    edit: int | None = None,
    errors: dict[str, str] | None = None,
    posted: QueryDict | None = None,
    new_errors: dict[str, str] | None = None,
    exception_for: int | None = None,
    exception_errors: dict[str, str] | None = None,
    saved: str = "",
) -> dict[str, Any]:
    can_admin = bool(getattr(request.user, "is_superuser", False))
    cards = []
    for cal in selectors.calendar_list():
        week = cal.week or []
        editing = edit == cal.pk
        cards.append(
            CalendarCard(
                calendar=cal,
                days=[
                    (DAY_NAMES[i], selectors.hours_label(week[i] if i < len(week) else [])) for i in range(7)
                ],
                exceptions=[(e, selectors.hours_label(e.working_times or [])) for e in cal.exceptions.all()],
                values=_day_errors(
                    _calendar_values(cal, posted if editing and errors else None),
                    (errors or {}) if editing else {},
                ),
                errors=(errors or {}) if editing else {},
                exception_errors=(exception_errors or {}) if exception_for == cal.pk else {},
                exception_values=(
                    {k: posted.get(k, "") for k in posted}
                    if posted is not None and exception_for == cal.pk
                    else {"recurrence": ""}
                ),
                editing=editing,
            )
        )
    return {
        "cards": cards,
        "can_admin": can_admin,
        "new_values": _day_errors(_calendar_values(None, posted if new_errors else None), new_errors or {}),
        "new_errors": new_errors or {},
        "day_names": list(enumerate(DAY_NAMES)),
        "recurrences": RecurrenceKind.choices,
        "saved": saved,
        "nav": "calendars",
    }


def _calendars_response(request: HttpRequest, *, status: int = 200, **kwargs: Any) -> HttpResponse:
    return render_page(
        request,
        "scheduling/calendars.html",
        _calendars_context(request, **kwargs),
        fragment="scheduling/_calendars.html",
        status=status,
    )


@login_required
@require_GET
def calendars(request: HttpRequest) -> HttpResponse:
    """Every working calendar with its week and exceptions; organisation admins edit, everyone else reads."""
    edit = request.GET.get("edit", "")
    return _calendars_response(
        request, edit=int(edit) if edit.isdigit() and request.user.is_superuser else None
    )


@login_required
@require_POST
@handle_errors
def calendar_new(request: HttpRequest) -> HttpResponse:
    from portfolium.scheduling.forms import calendar_data

    org_admin_require(request.user, "manage working calendars")
    try:
        scheduling_services.calendar_create(actor=request.user, data=calendar_data(request.POST))
    except ValidationError as exc:
        return _calendars_response(request, status=422, new_errors=exc.errors, posted=request.POST)
    return _calendars_response(request, saved="created")


@login_required
@require_POST
@handle_errors
def calendar_edit(request: HttpRequest, calendar_id: int) -> HttpResponse:
    from portfolium.scheduling.forms import calendar_data

    org_admin_require(request.user, "manage working calendars")
    calendar = calendar_get(request.user, calendar_id)
    try:
        scheduling_services.calendar_update(
            actor=request.user, calendar=calendar, data=calendar_data(request.POST)
        )
    except ValidationError as exc:
        return _calendars_response(
            request, status=422, edit=calendar.pk, errors=exc.errors, posted=request.POST
        )
    return _calendars_response(request, saved="updated")


@login_required
@require_POST
@handle_errors
def calendar_remove(request: HttpRequest, calendar_id: int) -> HttpResponse:
    org_admin_require(request.user, "manage working calendars")
    calendar = calendar_get(request.user, calendar_id)
    try:
        scheduling_services.calendar_delete(actor=request.user, calendar=calendar)
    except ValidationError as exc:
        return _calendars_response(request, status=422, edit=calendar.pk, errors=exc.errors)
    return _calendars_response(request, saved="deleted")


@login_required
@require_POST
@handle_errors
def calendar_exception_new(request: HttpRequest, calendar_id: int) -> HttpResponse:
    from portfolium.scheduling.forms import exception_data

    org_admin_require(request.user, "manage working calendars")
    calendar = calendar_get(request.user, calendar_id)
    try:
        scheduling_services.calendar_exception_add(
            actor=request.user, calendar=calendar, data=exception_data(request.POST)
        )
    except ValidationError as exc:
        return _calendars_response(
            request, status=422, exception_for=calendar.pk, exception_errors=exc.errors, posted=request.POST
        )
    return _calendars_response(request, saved="exception")


@login_required
@require_POST
@handle_errors
def calendar_exception_remove(request: HttpRequest, calendar_id: int, exception_id: int) -> HttpResponse:
    org_admin_require(request.user, "manage working calendars")
    row = calendar_exception_get(request.user, calendar_id, exception_id)
    scheduling_services.calendar_exception_delete(actor=request.user, exception=row)
    return _calendars_response(request, saved="exception")
