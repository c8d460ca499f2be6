"""Portfolio pages: the tree, the overview table (one portfolio, one program or everything), and goals."""

from __future__ import annotations

import importlib.resources
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portfolium.accounts.models import Role
from portfolium.accounts.roles import RoleMap, role_map_for
from portfolium.accounts.selectors import user_list
from portfolium.audit.selectors import audit_for_object
from portfolium.audit.views import history_rows
from portfolium.core.errors import NotFound, PermissionDenied, ValidationError
from portfolium.core.htmx import handle_errors, is_partial, redirect_after_write, render_page
from portfolium.portfolios import services
from portfolium.portfolios.access import (
    custom_field_get_for_user,
    goal_get_for_user,
    portfolio_get_for_user,
    program_get_for_user,
)
from portfolium.portfolios.forms import (
    custom_field_data,
    goal_data,
    overview_query,
    portfolio_data,
    program_data,
)
from portfolium.portfolios.models import CustomFieldDefinition, FieldTarget, FieldType, Portfolio
from portfolium.portfolios.selectors import (
    TreeNode,
    custom_field_definitions,
    custom_field_filter_definitions,
    goal_contributions,
    goal_list,
    portfolio_ancestor_ids,
    portfolio_list,
    portfolio_tree,
    program_list,
)
from portfolium.portfolios.views_members import members_context
from portfolium.projects.models import Health, Project, ProjectGoal, Stage, Tag
from portfolium.projects.selectors import (
    ProjectFigures,
    ProjectFilters,
    overdue_counts,
    portfolio_descendant_ids,
    project_list,
    rollup_projects,
)

PAGE_SIZE = 100
HISTORY_LIMIT = 40
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
    # Filtered in SQL: an administrator or a portfolio member would otherwise load every project for nothing.
    own = [] if rolemap.is_admin else list(
        project_list(user=request.user).exclude(portfolio_id__in=list(rolemap.portfolios))
        .select_related(None).select_related("program", "manager").prefetch_related(None)
    )
    can_create = rolemap.is_admin or any(role >= Role.MANAGER for role in rolemap.portfolios.values())
    return render_page(request, "portfolios/tree.html",
                       {"items": items, "own_projects": own, "nav": "portfolios", "can_create": can_create})


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


def _chart(projects: Sequence[ProjectFigures]) -> str | None:
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
            # Named tuples, not model instances: a thousand projects roll up in a few milliseconds.
            everything = list(qs.select_related(None).prefetch_related(None).values_list(*ROLLUP_FIELDS, named=True))
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
    context.update(ancestors=_visible_ancestors(portfolio, rolemap), nav="portfolios",
                   **_head_context(request, portfolio))
    if not is_partial(request):
        context.update(_manage_context(request, "portfolio", portfolio, rolemap.portfolio_role(portfolio.pk) or 0))
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
    if not is_partial(request):
        role = rolemap.program_role(program.pk, program.portfolio_id) or 0
        context.update(_manage_context(request, "program", program, role))
    return render_page(request, "portfolios/program.html", context, fragment="portfolios/_overview.html",
                       status=status)


# --- goals ------------------------------------------------------------------------------------------------


@dataclass
class GoalView:
    goal: Any
    links: list[ProjectGoal]
    projects: int
    contribution: int
    can_edit: bool = False
    can_delete: bool = False
    health: dict[str, int] = field(default_factory=dict)  # over every visible project behind the goal

    @property
    def more(self) -> int:
        return max(self.projects - len(self.links), 0)


GOAL_PROJECTS_SHOWN = 10


def _goal_links(request: HttpRequest, goal_ids: list[int], *, limit: int | None) -> QuerySet[ProjectGoal]:
    """The visible projects behind the goals, largest contribution first; at most ``limit`` per goal, cut in
    SQL with a window function so a goal behind hundreds of projects loads ten rows."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    links = (
        ProjectGoal.objects.filter(goal_id__in=goal_ids)
        .filter(role_map_for(request.user).project_q("project__"))
        .select_related("project", "project__manager")
        .order_by("goal_id", "-contribution", "project__code")
    )
    if limit is not None:
        links = links.annotate(
            rank=Window(RowNumber(), partition_by=[F("goal_id")],
                        order_by=[F("contribution").desc(), F("project__code").asc()])
        ).filter(rank__lte=limit)
    return links


def _goal_views(request: HttpRequest, goal_rows: list[Any]) -> list[GoalView]:
    ids = [g.pk for g in goal_rows]
    totals = goal_contributions(goal_ids=ids, user=request.user)
    by_goal: dict[int, list[ProjectGoal]] = {}
    for link in _goal_links(request, ids, limit=GOAL_PROJECTS_SHOWN):
        by_goal.setdefault(link.goal_id, []).append(link)
    health: dict[int, dict[str, int]] = {}
    counts = (
        ProjectGoal.objects.filter(goal_id__in=ids)
        .filter(role_map_for(request.user).project_q("project__"))
        .values("goal_id", "project__health").annotate(n=Count("id"))
    )
    for row in counts:
        health.setdefault(row["goal_id"], {})[row["project__health"]] = row["n"]
    return [
        GoalView(g, by_goal.get(g.pk, []), totals.get(g.pk, {}).get("projects", 0),
                 totals.get(g.pk, {}).get("contribution") or 0,
                 health={h: health.get(g.pk, {}).get(h, 0) for h in Health.values})
        for g in goal_rows
    ]


@login_required
@require_GET
@handle_errors
def goal_projects(request: HttpRequest, goal_id: int) -> HttpResponse:
    """Every visible project behind one goal (the goals page shows the first ten)."""
    goal = goal_get_for_user(request.user, goal_id)
    links = list(_goal_links(request, [goal.pk], limit=None))
    return render(request, "portfolios/_goal_projects.html", {"g": GoalView(goal, links, len(links), 0)})


@login_required
@require_GET
def goals(request: HttpRequest) -> HttpResponse:
    context = {**_goal_list_context(request), "nav": "goals"}
    return render_page(request, "portfolios/goals.html", context, fragment="portfolios/_goal_list.html")


# --- assets -----------------------------------------------------------------------------------------------


@require_GET
def plotly_js(request: HttpRequest) -> FileResponse:
    """Plotly's bundle straight from the installed package: no CDN, no copy to keep in step."""
    path = importlib.resources.files("plotly") / "package_data" / "plotly.min.js"
    response = FileResponse(path.open("rb"), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=604800, immutable"
    return response



# --- managing portfolios and programs -----------------------------------------------------------------------


def _history(request: HttpRequest, object_type: str, object_id: int) -> list[Any]:
    events = audit_for_object(object_type=object_type, object_id=object_id)[:HISTORY_LIMIT]
    return history_rows(events, user=request.user)


def _manage_context(request: HttpRequest, kind: str, obj: Any, role: int) -> dict[str, Any]:
    """The panels under a portfolio's or program's table: members, history, and the admin's custom fields."""
    context: dict[str, Any] = {
        **members_context(request.user, kind, obj),
        "history": _history(request, kind, obj.pk),
        "can_manage": role >= Role.MANAGER,
        "can_admin": role >= Role.ADMIN,
    }
    if kind == "portfolio" and role >= Role.ADMIN:
        context.update(_fields_context(request, obj))
    return context


def _parent_choices(request: HttpRequest, portfolio: Portfolio | None) -> list[Portfolio]:
    """Where a portfolio may hang: portfolios the user manages, never itself or below itself."""
    rolemap = role_map_for(request.user)
    exclude = set(portfolio_descendant_ids(portfolio.pk)) if portfolio else set()
    return [p for p in portfolio_list(user=request.user)
            if p.pk not in exclude and (rolemap.portfolio_role(p.pk) or 0) >= Role.MANAGER]


def _portfolio_values(portfolio: Portfolio | None, posted: Any = None) -> dict[str, str]:
    if posted is not None:
        return {name: posted.get(name, "") for name in posted}
    if portfolio is None:
        return {}
    return {"code": portfolio.code, "name": portfolio.name, "description": portfolio.description,
            "owner": str(portfolio.owner_id or ""), "parent": str(portfolio.parent_id or "")}


def _portfolio_form_context(request: HttpRequest, portfolio: Portfolio | None, posted: Any = None,
                            errors: dict[str, str] | None = None) -> dict[str, Any]:
    parents = _parent_choices(request, portfolio)
    if portfolio is not None and portfolio.parent is not None and all(p.pk != portfolio.parent_id for p in parents):
        parents.insert(0, portfolio.parent)  # keep the current parent selectable, even one the user cannot manage
    return {"portfolio": portfolio, "v": _portfolio_values(portfolio, posted), "errors": errors or {},
            "parents": parents, "people": list(user_list()),
            "can_top_level": role_map_for(request.user).is_admin or (portfolio is not None and portfolio.parent_id is None)}


def _head_context(request: HttpRequest, portfolio: Portfolio) -> dict[str, Any]:
    role = role_map_for(request.user).portfolio_role(portfolio.pk) or 0
    return {
        "portfolio": portfolio, "title": portfolio.name,
        "sub_portfolios": list(Portfolio.objects.filter(parent=portfolio).order_by("name")),
        "programs": list(program_list(user=request.user, portfolio_id=portfolio.pk)),
        "can_manage": role >= Role.MANAGER, "can_admin": role >= Role.ADMIN,
    }


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def portfolio_new(request: HttpRequest) -> HttpResponse:
    """A top-level portfolio (organisation administrators) or one under ``?parent=`` (manager there)."""
    parent_raw = request.POST.get("parent", request.GET.get("parent", "")) or ""
    if parent_raw:
        try:
            portfolio_get_for_user(request.user, int(parent_raw), need=Role.MANAGER)
        except ValueError:
            raise NotFound("portfolio") from None
    elif not role_map_for(request.user).is_admin and not _parent_choices(request, None):
        raise PermissionDenied("only an organisation administrator or a portfolio manager can create portfolios")
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            portfolio = services.portfolio_create(actor=request.user, data=portfolio_data(request.POST))
        except ValidationError as exc:
            errors = exc.errors
        else:
            return redirect("portfolios:detail", portfolio.pk)
    context = _portfolio_form_context(request, None, request.POST if errors else None, errors)
    if request.method == "GET":
        context["v"] = {"parent": parent_raw, "owner": str(request.user.pk)}
    context["nav"] = "portfolios"
    return render(request, "portfolios/portfolio_new.html", context, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def portfolio_edit(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """GET: the header as a form. POST: save; the header again with the history out of band, or 422."""
    portfolio = portfolio_get_for_user(request.user, portfolio_id, need=Role.MANAGER)
    if request.method == "POST":
        old_parent = portfolio.parent_id
        try:
            services.portfolio_update(actor=request.user, portfolio=portfolio, data=portfolio_data(request.POST))
        except ValidationError as exc:
            portfolio = portfolio_get_for_user(request.user, portfolio_id)
            context = _portfolio_form_context(request, portfolio, request.POST, exc.errors)
            return render(request, "portfolios/_portfolio_form.html", context, status=422)
        portfolio = portfolio_get_for_user(request.user, portfolio_id)
        context = {**_head_context(request, portfolio), "history": _history(request, "portfolio", portfolio.pk), "oob": True,
                   "saved": True}
        response = render(request, "portfolios/_portfolio_head.html", context)
        if portfolio.parent_id != old_parent:
            response["HX-Refresh"] = "true"  # the breadcrumbs changed
        return response
    return render(request, "portfolios/_portfolio_form.html", _portfolio_form_context(request, portfolio))


@login_required
@require_GET
@handle_errors
def portfolio_head(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    portfolio = portfolio_get_for_user(request.user, portfolio_id)
    return render(request, "portfolios/_portfolio_head.html", _head_context(request, portfolio))


def _program_values(program: Any, posted: Any = None) -> dict[str, str]:
    if posted is not None:
        return {name: posted.get(name, "") for name in posted}
    if program is None:
        return {}
    return {"code": program.code, "name": program.name, "description": program.description,
            "manager": str(program.manager_id or "")}


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def program_new(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    portfolio = portfolio_get_for_user(request.user, portfolio_id, need=Role.MANAGER)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            program = services.program_create(
                actor=request.user, data={**program_data(request.POST), "portfolio": portfolio.pk})
        except ValidationError as exc:
            errors = exc.errors
        else:
            return redirect("portfolios:program", program.pk)
    values = _program_values(None, request.POST if errors else None) or {"manager": str(request.user.pk)}
    context = {"portfolio": portfolio, "ancestors": _visible_ancestors(portfolio, role_map_for(request.user)),
               "v": values, "errors": errors, "people": list(user_list()), "nav": "portfolios"}
    return render(request, "portfolios/program_new.html", context, status=422 if errors else 200)


def _program_head_context(request: HttpRequest, program: Any) -> dict[str, Any]:
    rolemap = role_map_for(request.user)
    role = rolemap.program_role(program.pk, program.portfolio_id) or 0
    return {"program": program, "show_portfolio": rolemap.portfolio_role(program.portfolio_id) is not None,
            "can_manage": role >= Role.MANAGER, "can_admin": role >= Role.ADMIN}


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def program_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_user(request.user, program_id, need=Role.MANAGER)
    if request.method == "POST":
        try:
            services.program_update(actor=request.user, program=program, data=program_data(request.POST))
        except ValidationError as exc:
            program = program_get_for_user(request.user, program_id)
            context = {"program": program, "v": _program_values(program, request.POST), "errors": exc.errors,
                       "people": list(user_list())}
            return render(request, "portfolios/_program_form.html", context, status=422)
        program = program_get_for_user(request.user, program_id)
        context = {**_program_head_context(request, program), "history": _history(request, "program", program.pk),
                   "oob": True, "saved": True}
        return render(request, "portfolios/_program_head.html", context)
    context = {"program": program, "v": _program_values(program), "errors": {}, "people": list(user_list())}
    return render(request, "portfolios/_program_form.html", context)


@login_required
@require_GET
@handle_errors
def program_head(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_get_for_user(request.user, program_id)
    return render(request, "portfolios/_program_head.html", _program_head_context(request, program))


@login_required
@require_POST
@handle_errors
def program_delete(request: HttpRequest, program_id: int) -> HttpResponse:
    """Admin only. Its projects stay in the portfolio; the answer sends the browser to the portfolio's page."""
    program = program_get_for_user(request.user, program_id, need=Role.ADMIN)
    portfolio_id = program.portfolio_id
    services.program_delete(actor=request.user, program=program)
    return redirect_after_write(request, portfolio_page_or_tree(request.user, portfolio_id))


@login_required
@require_POST
@handle_errors
def portfolio_delete(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    """Admin only, and only when empty (the service answers 409 otherwise, shown as a message)."""
    portfolio = portfolio_get_for_user(request.user, portfolio_id, need=Role.ADMIN)
    parent_id = portfolio.parent_id
    services.portfolio_delete(actor=request.user, portfolio=portfolio)
    return redirect_after_write(request, portfolio_page_or_tree(request.user, parent_id))


def portfolio_page_or_tree(user: Any, portfolio_id: int | None) -> str:
    """Where to go after deleting something of a portfolio: its page, or the tree for someone who cannot
    see the portfolio (or when there is none: a top-level portfolio was deleted)."""
    if portfolio_id is not None and role_map_for(user).portfolio_role(portfolio_id) is not None:
        return reverse("portfolios:detail", args=[portfolio_id])
    return reverse("portfolios:tree")


# --- custom field definitions -------------------------------------------------------------------------------


@dataclass
class FieldRow:
    definition: CustomFieldDefinition
    inherited_from: str | None  # None for the portfolio's own; "" when the viewer may not know the portfolio


def _fields_context(request: HttpRequest, portfolio: Portfolio, **extra: Any) -> dict[str, Any]:
    """The definitions in effect here for projects and tasks: the portfolio's own and the inherited ones."""
    rolemap = role_map_for(request.user)
    ancestors = portfolio_ancestor_ids(portfolio.pk)
    definitions = (CustomFieldDefinition.objects.filter(portfolio_id__in=ancestors).select_related("portfolio")
                   .order_by("target", "position", "key"))
    nearness = {pid: i for i, pid in enumerate(ancestors)}
    nearest: dict[tuple[str, str], CustomFieldDefinition] = {}
    for d in definitions:
        current = nearest.get((d.target, d.key))
        if current is None or nearness[d.portfolio_id] < nearness[current.portfolio_id]:
            nearest[(d.target, d.key)] = d
    rows = [
        FieldRow(d, None if d.portfolio_id == portfolio.pk
                 else (d.portfolio.name if rolemap.portfolio_role(d.portfolio_id) is not None else ""))
        for d in sorted(nearest.values(), key=lambda d: (d.target, d.position, d.key))
    ]
    return {"portfolio": portfolio, "field_rows": rows, "field_types": FieldType.choices,
            "field_targets": FieldTarget.choices, "field_errors": {}, "fv": {}, **extra}


@login_required
@require_POST
@handle_errors
def custom_field_add(request: HttpRequest, portfolio_id: int) -> HttpResponse:
    portfolio = portfolio_get_for_user(request.user, portfolio_id, need=Role.ADMIN)
    data = custom_field_data(request.POST)
    try:
        services.custom_field_create(actor=request.user, portfolio=portfolio, data=data)
    except ValidationError as exc:
        values = {**{k: str(v) for k, v in data.items()}, "choices": request.POST.get("choices", "")}
        context = _fields_context(request, portfolio, field_errors=exc.errors, fv=values)
        return render(request, "portfolios/_custom_fields.html", context, status=422)
    return render(request, "portfolios/_custom_fields.html", _fields_context(request, portfolio))


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def custom_field_edit(request: HttpRequest, field_id: int) -> HttpResponse:
    """Label, choices and required may change; key, type and target stay (values may exist)."""
    definition = custom_field_get_for_user(request.user, field_id, need=Role.ADMIN)
    portfolio = definition.portfolio
    if request.method == "GET":
        if request.GET.get("cancel"):
            return render(request, "portfolios/_custom_fields.html", _fields_context(request, portfolio))
        values = {"label": definition.label, "choices": "\n".join(map(str, definition.choices)),
                  "required": definition.required}
        return render(request, "portfolios/_custom_fields.html",
                      _fields_context(request, portfolio, editing=definition.pk, ev=values))
    parsed = custom_field_data(request.POST)
    data = {"label": parsed["label"], "required": parsed["required"]}
    if definition.field_type == FieldType.CHOICE:
        data["choices"] = parsed["choices"]
    try:
        services.custom_field_update(actor=request.user, definition=definition, data=data)
    except ValidationError as exc:
        values = {"label": request.POST.get("label", ""), "choices": request.POST.get("choices", ""),
                  "required": bool(parsed["required"])}
        context = _fields_context(request, portfolio, editing=definition.pk, ev=values, edit_errors=exc.errors)
        return render(request, "portfolios/_custom_fields.html", context, status=422)
    return render(request, "portfolios/_custom_fields.html", _fields_context(request, portfolio))


@login_required
@require_POST
@handle_errors
def custom_field_delete(request: HttpRequest, field_id: int) -> HttpResponse:
    definition = custom_field_get_for_user(request.user, field_id, need=Role.ADMIN)
    portfolio = definition.portfolio
    services.custom_field_delete(actor=request.user, definition=definition)
    return render(request, "portfolios/_custom_fields.html", _fields_context(request, portfolio))


# --- managing goals -----------------------------------------------------------------------------------------


def _goal_list_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    rolemap = role_map_for(request.user)
    views = _goal_views(request, list(goal_list(user=request.user)))
    for view in views:
        role = rolemap.portfolio_role(view.goal.portfolio_id) or 0
        view.can_edit, view.can_delete = role >= Role.MANAGER, role >= Role.ADMIN
    return {
        "goals": views,
        "total_weight": sum((v.goal.weight for v in views), 0) or 1,
        "goal_portfolios": [p for p in portfolio_list(user=request.user)
                            if (rolemap.portfolio_role(p.pk) or 0) >= Role.MANAGER],
        "editing": None, "errors": {}, "gv": {}, "new_errors": {}, "nv": {},
        **extra,
    }


def _goal_list(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    return render(request, "portfolios/_goal_list.html", _goal_list_context(request, **extra), status=status)


@login_required
@require_POST
@handle_errors
def goal_new(request: HttpRequest) -> HttpResponse:
    """A goal in the posted ``portfolio`` (manager there); the answer is the whole list (weights are shares)."""
    raw = request.POST.get("portfolio", "")
    if not raw.isdigit():
        return _goal_list(request, status=422, new_errors={"portfolio": "choose a portfolio"}, nv=request.POST)
    portfolio = portfolio_get_for_user(request.user, int(raw), need=Role.MANAGER)
    try:
        services.goal_create(actor=request.user, portfolio=portfolio, data=goal_data(request.POST))
    except ValidationError as exc:
        return _goal_list(request, status=422, new_errors=exc.errors, nv=request.POST)
    return _goal_list(request)


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def goal_edit(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = goal_get_for_user(request.user, goal_id, need=Role.MANAGER)
    if request.method == "GET":
        values = {"name": goal.name, "description": goal.description, "weight": str(goal.weight)}
        return _goal_list(request, editing=goal.pk, gv=values)
    try:
        services.goal_update(actor=request.user, goal=goal, data=goal_data(request.POST))
    except ValidationError as exc:
        return _goal_list(request, status=422, editing=goal.pk, errors=exc.errors, gv=request.POST)
    return _goal_list(request)


@login_required
@require_POST
@handle_errors
def goal_delete(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = goal_get_for_user(request.user, goal_id, need=Role.ADMIN)
    services.goal_delete(actor=request.user, goal=goal)
    return _goal_list(request)
