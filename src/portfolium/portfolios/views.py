"""Portfolio pages: the tree, the overview table (one portfolio, one program or everything), and goals."""

from __future__ import annotations

import importlib.resources
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from portfolium.accounts.roles import RoleMap, role_map_for
from portfolium.accounts.selectors import user_list
from portfolium.core.errors import ValidationError
from portfolium.core.htmx import handle_errors, render_page
from portfolium.portfolios.access import portfolio_get_for_user, program_get_for_user
from portfolium.portfolios.forms import overview_query
from portfolium.portfolios.models import CustomFieldDefinition, FieldTarget, Portfolio
from portfolium.portfolios.selectors import (
    TreeNode,
    custom_field_definitions,
    custom_field_filter_definitions,
    goal_contributions,
    goal_list,
    portfolio_ancestor_ids,
    portfolio_tree,
    program_list,
)
from portfolium.projects.models import Health, Project, ProjectGoal, Stage, Tag
from portfolium.projects.selectors import (
    ProjectFilters,
    overdue_counts,
    portfolio_descendant_ids,
    project_list,
    rollup_projects,
)

PAGE_SIZE = 100
HEALTH_COLOURS = {Health.GREEN: "#2e9d6a", Health.AMBER: "#d9981f", Health.RED: "#cf4a3f"}
ROLLUP_FIELDS = (
    "id", "stage", "health", "progress", "task_count", "task_done_count", "task_blocked_count",
    "start", "finish", "rollup_start", "rollup_finish",
)


# --- the tree ---------------------------------------------------------------------------------------------


@dataclass
class TreeItem:
    """A tree node with its counts including every sub-portfolio."""

    node: TreeNode
    children: list[TreeItem]
    total: int
    health: dict[str, int]


def _tree_items(nodes: list[TreeNode]) -> list[TreeItem]:
    items = []
    for node in nodes:
        children = _tree_items(node.children)
        health = Counter(node.health)
        for child in children:
            health.update(child.health)
        items.append(TreeItem(node, children, sum(health.values()), {h: health.get(h, 0) for h in Health.values}))
    return items


@login_required
@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    rolemap = role_map_for(request.user)
    items = _tree_items(portfolio_tree(user=request.user))
    # Projects reached through a project or program role only: their portfolio stays unnamed.
    own = [
        p for p in project_list(user=request.user).select_related(None).select_related("program", "manager")
        .prefetch_related(None)
        if rolemap.portfolio_role(p.portfolio_id) is None
    ]
    return render_page(request, "portfolios/tree.html", {"items": items, "own_projects": own, "nav": "portfolios"})


# --- the overview table -----------------------------------------------------------------------------------


@dataclass
class ProjectRow:
    project: Project
    portfolio: Portfolio | None  # None when the user may not know the portfolio's name
    program_name: str | None
    program_id: int | None
    overdue: int


@dataclass
class Choices:
    programs: list[Any] = field(default_factory=list)
    managers: list[Any] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    custom: list[CustomFieldDefinition] = field(default_factory=list)


def _rows(projects: list[Project], rolemap: RoleMap) -> list[ProjectRow]:
    overdue = overdue_counts([p.pk for p in projects])
    rows = []
    for p in projects:
        show_program = p.program_id is not None and rolemap.program_role(p.program_id, p.portfolio_id) is not None
        rows.append(ProjectRow(
            project=p,
            portfolio=p.portfolio if rolemap.portfolio_role(p.portfolio_id) is not None else None,
            program_name=p.program.name if show_program and p.program else None,
            program_id=p.program_id if show_program else None,
            overdue=overdue.get(p.pk, 0),
        ))
    return rows


def _chart(projects: list[Project]) -> str | None:
    """Projects by stage, stacked by health: a small horizontal bar chart as Plotly JSON."""
    if not projects:
        return None
    import plotly.graph_objects as go

    counts = Counter((p.stage, p.health) for p in projects)
    stages = [s for s in Stage.values if any(counts.get((s, h)) for h in Health.values)]
    labels = [Stage(s).label for s in stages]
    fig = go.Figure()
    for health in Health.values:
        fig.add_bar(
            name=Health(health).label, orientation="h", y=labels, x=[counts.get((s, health), 0) for s in stages],
            marker_color=HEALTH_COLOURS[Health(health)], hovertemplate="%{y}: %{x} " + health + "<extra></extra>",
        )
    fig.update_layout(
        barmode="stack", height=max(140, 24 * len(stages) + 64), margin={"l": 8, "r": 8, "t": 8, "b": 28},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12, "color": "#3b4351"},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", bargap=0.3,
        legend={"orientation": "h", "y": -0.2, "x": 0, "font": {"size": 11}, "traceorder": "normal"},
        xaxis={"gridcolor": "#e6e9ef", "dtick": max(1, len(projects) // 8), "zeroline": False},
        yaxis={"autorange": "reversed", "automargin": True},
        showlegend=True,
    )
    return str(fig.to_json())


def _choices(request: HttpRequest, base: ProjectFilters, custom: list[CustomFieldDefinition]) -> Choices:
    visible = project_list(user=request.user, filters=base).select_related(None).prefetch_related(None)
    programs: QuerySet[Any] = program_list(user=request.user)
    if base.portfolio is not None:
        programs = programs.filter(portfolio_id__in=portfolio_descendant_ids(base.portfolio))
    return Choices(
        programs=[] if base.program is not None else list(programs),
        managers=list(user_list().filter(pk__in=visible.values("manager_id"))),
        tags=list(Tag.objects.filter(projects__in=visible.values("id")).distinct().values_list("name", flat=True)),
        custom=custom,
    )


def _results_context(
    request: HttpRequest, *, base: ProjectFilters, custom: list[CustomFieldDefinition]
) -> tuple[dict[str, Any], int]:
    """Everything the filter bar, rollup cards, chart and table need; the status is 422 on a bad filter."""
    oq = overview_query(request.GET, base=base)
    errors = dict(oq.errors)
    rolemap = role_map_for(request.user)
    rows: list[ProjectRow] = []
    page = None
    rollup = rollup_projects([])
    chart = None
    if not errors:
        try:
            qs = project_list(user=request.user, filters=oq.filters)
            everything = list(qs.select_related(None).prefetch_related(None).only(*ROLLUP_FIELDS))
        except ValidationError as exc:
            errors.update(exc.errors)
        else:
            rollup = rollup_projects(everything)
            chart = _chart(everything)
            page = Paginator(qs, PAGE_SIZE).get_page(oq.page)
            rows = _rows(list(page.object_list), rolemap)
    context = {
        "rows": rows,
        "page_obj": page,
        "rollup": rollup,
        "chart": chart,
        "errors": errors,
        "filters": oq.filters,
        "active_filters": oq.active,
        "sort": oq.filters.sort,
        "custom_values": {d.key: request.GET.get(f"cf_{d.key}", "") for d in custom},
        "choices": _choices(request, base, custom),
        "stages": Stage.choices,
        "healths": Health.choices,
        "results_url": request.path,
        "health_order": [(h, Health(h).label, rollup.by_health.get(h, 0)) for h in Health.values],
        "stage_order": [(s, Stage(s).label, rollup.by_stage.get(s, 0)) for s in Stage.values if rollup.by_stage.get(s)],
    }
    return context, (422 if errors else 200)


def _visible_ancestors(portfolio: Portfolio, rolemap: RoleMap) -> list[Portfolio]:
    ids = [pid for pid in portfolio_ancestor_ids(portfolio.pk)[1:] if rolemap.portfolio_role(pid) is not None]
    by_id = Portfolio.objects.in_bulk(ids)
    return [by_id[i] for i in reversed(ids) if i in by_id]


@login_required
@require_GET
@handle_errors
def overview(request: HttpRequest) -> HttpResponse:
    """Every project the user can see."""
    custom = custom_field_filter_definitions(user=request.user, target=FieldTarget.PROJECT)
    context, status = _results_context(request, base=ProjectFilters(), custom=custom)
    context.update(title="All projects", nav="overview")
    return render_page(request, "portfolios/overview.html", context, fragment="portfolios/_overview.html",
                       status=status)


@login_required
@require_GET
@handle_errors
def portfolio_overview(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """One portfolio with its sub-portfolios."""
    portfolio = portfolio_get_for_user(request.user, portfolio_id)
    rolemap = role_map_for(request.user)
    custom = custom_field_definitions(portfolio_id=portfolio.pk, target=FieldTarget.PROJECT)
    context, status = _results_context(request, base=ProjectFilters(portfolio=portfolio.pk), custom=custom)
    context.update(
        title=portfolio.name, portfolio=portfolio, ancestors=_visible_ancestors(portfolio, rolemap),
        sub_portfolios=list(Portfolio.objects.filter(parent=portfolio).order_by("name")),
        programs=list(program_list(user=request.user, portfolio_id=portfolio.pk)),
        nav="portfolios",
    )
    return render_page(request, "portfolios/overview.html", context, fragment="portfolios/_overview.html",
                       status=status)


@login_required
@require_GET
@handle_errors
def program_detail(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_user(request.user, program_id)
    rolemap = role_map_for(request.user)
    custom = custom_field_definitions(portfolio_id=program.portfolio_id, target=FieldTarget.PROJECT)
    context, status = _results_context(request, base=ProjectFilters(program=program.pk), custom=custom)
    show_portfolio = rolemap.portfolio_role(program.portfolio_id) is not None
    context.update(
        title=program.name, program=program, show_portfolio=show_portfolio,
        ancestors=(_visible_ancestors(program.portfolio, rolemap) + [program.portfolio]) if show_portfolio else [],
        nav="portfolios",
    )
    return render_page(request, "portfolios/program.html", context, fragment="portfolios/_overview.html",
                       status=status)


# --- goals ------------------------------------------------------------------------------------------------


@dataclass
class GoalView:
    goal: Any
    links: list[ProjectGoal]
    projects: int
    contribution: int


@login_required
@require_GET
def goals(request: HttpRequest) -> HttpResponse:
    goal_rows = list(goal_list(user=request.user))
    ids = [g.pk for g in goal_rows]
    totals = goal_contributions(goal_ids=ids, user=request.user)
    # The projects behind each goal, limited to projects the user holds a role on.
    links = (
        ProjectGoal.objects.filter(goal_id__in=ids)
        .filter(role_map_for(request.user).project_q("project__"))
        .select_related("project", "project__manager")
        .order_by("-contribution", "project__code")
    )
    by_goal: dict[int, list[ProjectGoal]] = {}
    for link in links:
        by_goal.setdefault(link.goal_id, []).append(link)
    views = [
        GoalView(g, by_goal.get(g.pk, []), totals.get(g.pk, {}).get("projects", 0),
                 totals.get(g.pk, {}).get("contribution") or 0)
        for g in goal_rows
    ]
    total_weight = sum((g.weight for g in goal_rows), 0) or 1
    return render_page(request, "portfolios/goals.html",
                       {"goals": views, "total_weight": total_weight, "nav": "goals"})


# --- assets -----------------------------------------------------------------------------------------------


@require_GET
def plotly_js(request: HttpRequest) -> FileResponse:
    """Plotly's bundle straight from the installed package: no CDN, no copy to keep in step."""
    path = importlib.resources.files("plotly") / "package_data" / "plotly.min.js"
    response = FileResponse(path.open("rb"), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=604800, immutable"
    return response

