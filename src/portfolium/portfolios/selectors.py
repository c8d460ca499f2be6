"""Reads for portfolios, programs, goals and custom fields, always scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from portfolium.accounts.roles import role_map_for
from portfolium.portfolios.models import CustomFieldDefinition, FieldTarget, Portfolio, Program, StrategicGoal


def portfolio_list(*, user: Any, parent_id: int | None = None, search: str | None = None) -> QuerySet[Portfolio]:
    qs = Portfolio.objects.filter(role_map_for(user).portfolio_q()).select_related("owner")
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return qs.order_by("name")


def program_list(*, user: Any, portfolio_id: int | None = None, search: str | None = None) -> QuerySet[Program]:
    qs = Program.objects.filter(role_map_for(user).program_q()).select_related("portfolio", "manager")
    if portfolio_id is not None:
        qs = qs.filter(portfolio_id=portfolio_id)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return qs.order_by("name")


def goal_list(*, user: Any, portfolio_id: int | None = None) -> QuerySet[StrategicGoal]:
    qs = StrategicGoal.objects.filter(portfolio_id__in=_visible_portfolio_ids(user)).select_related("portfolio")
    if portfolio_id is not None:
        qs = qs.filter(portfolio_id=portfolio_id)
    return qs.order_by("portfolio__name", "code")


def _visible_portfolio_ids(user: Any) -> Any:
    rolemap = role_map_for(user)
    if rolemap.is_admin:
        return Portfolio.objects.values("id")
    return list(rolemap.portfolios)


def portfolio_ancestor_ids(portfolio_id: int) -> list[int]:
    """The portfolio itself and its ancestors, nearest first."""
    parents = dict(Portfolio.objects.values_list("id", "parent_id"))
    out: list[int] = []
    current: int | None = portfolio_id
    while current is not None and current not in out:
        out.append(current)
        current = parents.get(current)
    return out


def custom_field_definitions(*, portfolio_id: int, target: str) -> list[CustomFieldDefinition]:
    """The definitions that apply in a portfolio: its own and those inherited from its ancestors.

    A key defined at several levels is taken from the nearest one, so a child can refine a parent's field.
    """
    ids = portfolio_ancestor_ids(portfolio_id)
    nearness = {pid: i for i, pid in enumerate(ids)}
    nearest: dict[str, CustomFieldDefinition] = {}
    for definition in CustomFieldDefinition.objects.filter(portfolio_id__in=ids, target=target):
        current = nearest.get(definition.key)
        if current is None or nearness[definition.portfolio_id] < nearness[current.portfolio_id]:
            nearest[definition.key] = definition
    return sorted(nearest.values(), key=lambda d: (d.position, d.key))


def custom_field_list(*, user: Any, portfolio_id: int | None = None, target: str | None = None) -> QuerySet[CustomFieldDefinition]:
    qs = CustomFieldDefinition.objects.filter(portfolio_id__in=_visible_portfolio_ids(user))
    if portfolio_id is not None:
        qs = qs.filter(portfolio_id=portfolio_id)
    if target:
        qs = qs.filter(target=target)
    return qs.select_related("portfolio")


@dataclass
class TreeNode:
    portfolio: Portfolio
    children: list[TreeNode] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    project_count: int = 0
    health: dict[str, int] = field(default_factory=dict)


def portfolio_tree(*, user: Any) -> list[TreeNode]:
    """Visible portfolios as a forest, each with its programs and project counts by health (3 queries)."""
    from portfolium.projects.models import Project

    rolemap = role_map_for(user)
    portfolios = list(Portfolio.objects.filter(rolemap.portfolio_q()).order_by("name"))
    nodes = {p.pk: TreeNode(p) for p in portfolios}
    for program in Program.objects.filter(portfolio_id__in=list(nodes)).order_by("name"):
        nodes[program.portfolio_id].programs.append(program)
    counts = (
        Project.objects.filter(portfolio_id__in=list(nodes))
        .values("portfolio_id", "health")
        .annotate(n=Count("id"))
    )
    for row in counts:
        node = nodes[row["portfolio_id"]]
        node.health[row["health"]] = row["n"]
        node.project_count += row["n"]
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = node.portfolio.parent_id
        if parent in nodes:
            nodes[parent].children.append(node)
        else:
            roots.append(node)
    return roots


def goal_contributions(*, goal_ids: list[int], user: Any) -> dict[int, dict[str, Any]]:
    """For each goal, the number of visible projects behind it and their summed contribution."""
    from portfolium.projects.models import ProjectGoal

    rows = (
        ProjectGoal.objects.filter(goal_id__in=goal_ids)
        .filter(role_map_for(user).project_q("project__"))
        .values("goal_id")
        .annotate(projects=Count("project_id"), contribution=Sum("contribution"))
    )
    return {r["goal_id"]: dict(r) for r in rows}


def goal_list_with_reach(*, user: Any, portfolio_id: int | None = None) -> QuerySet[StrategicGoal]:
    """:func:`goal_list`, each goal annotated with ``project_count`` and ``contribution_total`` over the
    projects behind it that the user can see; subqueries, so a page costs one query however long."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from portfolium.projects.models import ProjectGoal

    links = (
        ProjectGoal.objects.filter(goal_id=OuterRef("pk"))
        .filter(role_map_for(user).project_q("project__"))
        .order_by()
        .values("goal_id")
    )
    return goal_list(user=user, portfolio_id=portfolio_id).annotate(
        project_count=Coalesce(Subquery(links.annotate(n=Count("id")).values("n")), 0),
        contribution_total=Coalesce(Subquery(links.annotate(s=Sum("contribution")).values("s")), 0),
    )


__all__ = ["FieldTarget"]


def custom_field_filter_definitions(*, user: Any, target: str) -> list[CustomFieldDefinition]:
    """One definition per key across the portfolios the user sees, for cross-portfolio filter bars.

    Portfolios often define the same field (same key) each; a filter on the key applies to all of them, so the
    choices of same-keyed choice fields are merged (in memory only).
    """
    by_key: dict[str, CustomFieldDefinition] = {}
    for definition in custom_field_list(user=user, target=target).order_by("position", "key", "id"):
        kept = by_key.setdefault(definition.key, definition)
        if kept is not definition and kept.field_type == definition.field_type == "choice":
            kept.choices = list(dict.fromkeys([*kept.choices, *definition.choices]))
    return list(by_key.values())
