"""Reads for projects and tasks: the portfolio overview, the WBS outline, "My work" and rollups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, cast

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from portfolium.accounts.roles import role_map_for
from portfolium.core.errors import ValidationError
from portfolium.portfolios.customfields import custom_filter_kwargs
from portfolium.portfolios.models import CustomFieldDefinition, Portfolio
from portfolium.projects.models import (
    HEALTH_SEVERITY,
    ChecklistItem,
    Comment,
    Health,
    Project,
    ProjectGoal,
    Stage,
    Task,
    TaskDependency,
    TaskKind,
    TaskStatus,
)

PROJECT_SORTS = {
    "code": "code",
    "name": "name",
    "stage": "stage",
    "health": "health_rank",
    "priority": "priority",
    "progress": "progress",
    "start": "start",
    "finish": "finish",
    "manager": "manager__display_name",
    "portfolio": "portfolio__name",
    "program": "program__name",
    "tasks": "task_count",
    "updated": "updated_at",
}


@dataclass(frozen=True)
class ProjectFilters:
    portfolio: int | None = None
    include_sub_portfolios: bool = True
    program: int | None = None
    stage: Sequence[str] = ()
    health: Sequence[str] = ()
    priority: Sequence[int] = ()
    manager: int | None = None
    tag: str | None = None
    search: str | None = None
    starts_after: dt.date | None = None
    finishes_before: dt.date | None = None
    custom: dict[str, str] = field(default_factory=dict)  # key -> raw value ("v", ">=v", "<=v")
    sort: str = "code"


def today() -> dt.date:
    return timezone.localdate()


def project_list(*, user: Any, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """Visible projects, filtered and sorted. The query count does not grow with the number of rows."""
    from django.db.models import Case, IntegerField, Value, When

    f = filters or ProjectFilters()
    qs = (
        Project.objects.filter(role_map_for(user).project_q())
        .select_related("portfolio", "program", "manager", "sponsor")
        .prefetch_related("tags")
        .annotate(
            health_rank=Case(
                *(When(health=h, then=Value(rank)) for h, rank in HEALTH_SEVERITY.items()),
                output_field=IntegerField(),
            )
        )
    )
    if f.portfolio is not None:
        ids = portfolio_descendant_ids(f.portfolio) if f.include_sub_portfolios else [f.portfolio]
        qs = qs.filter(portfolio_id__in=ids)
    if f.program is not None:
        qs = qs.filter(program_id=f.program)
    _check_choices("stage", f.stage, Stage.values)
    _check_choices("health", f.health, Health.values)
    if f.stage:
        qs = qs.filter(stage__in=f.stage)
    if f.health:
        qs = qs.filter(health__in=f.health)
    if f.priority:
        qs = qs.filter(priority__in=f.priority)
    if f.manager is not None:
        qs = qs.filter(manager_id=f.manager)
    if f.tag:
        qs = qs.filter(tags__name=f.tag.strip().lower())
    if f.search:
        qs = qs.filter(Q(name__icontains=f.search) | Q(code__icontains=f.search) | Q(description__icontains=f.search))
    if f.starts_after:
        qs = qs.filter(start__gte=f.starts_after)
    if f.finishes_before:
        qs = qs.filter(finish__lte=f.finishes_before)
    if f.custom:
        parents = dict(Portfolio.objects.values_list("id", "parent_id"))
        for key, raw in f.custom.items():
            qs = qs.filter(_custom_q("project", key, raw, parents, portfolio_lookup="portfolio_id"))
    return qs.order_by(*_ordering(f.sort), "id")


def _custom_q(target: str, key: str, raw: str, parents: Mapping[int, int | None], *, portfolio_lookup: str) -> Q:
    """Filter on a custom value, reading each row's value with the definition that applies in its portfolio
    (the nearest one above it): the same key may be a number in one portfolio and a choice in another."""
    definitions = {d.portfolio_id: d for d in CustomFieldDefinition.objects.filter(target=target, key=key)}
    if not definitions:
        raise ValidationError({f"cf_{key}": f"no {target} custom field has this key"})
    governed: dict[int, list[int]] = {}
    for pid in parents:
        current: int | None = pid
        seen: set[int] = set()
        while current is not None and current not in definitions and current not in seen:
            seen.add(current)
            current = parents.get(current)
        if current in definitions:
            governed.setdefault(current, []).append(pid)
    q: Q | None = None
    error: ValidationError | None = None
    for owner, portfolio_ids in governed.items():
        try:
            lookup = custom_filter_kwargs(definitions[owner], raw)
        except ValidationError as exc:
            error = error or exc
            continue
        part = Q(**{f"{portfolio_lookup}__in": portfolio_ids}, **lookup)
        q = part if q is None else q | part
    if q is None:
        raise error or ValidationError({f"cf_{key}": f"no {target} custom field has this key"})
    return q


def _check_choices(name: str, values: Iterable[str], allowed: Iterable[str]) -> None:
    bad = sorted(set(values) - set(allowed))
    if bad:
        raise ValidationError({name: f"unknown value {', '.join(bad)}; expected one of {', '.join(allowed)}"})


def _ordering(sort: str) -> list[str]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in PROJECT_SORTS:
        raise ValidationError({"sort": f"cannot sort by {key!r}; use one of {', '.join(PROJECT_SORTS)}"})
    column = PROJECT_SORTS[key]
    return [f"-{column}" if descending else column]


def portfolio_descendant_ids(portfolio_id: int) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for pid, parent in Portfolio.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pid)
    out, stack = [], [portfolio_id]
    while stack:
        pid = stack.pop()
        if pid in out:
            continue
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def overdue_counts(project_ids: Sequence[int]) -> dict[int, int]:
    """Open tasks past their due date, per project: one grouped query for a page of projects."""
    rows = (
        Task.objects.filter(project_id__in=list(project_ids), due_date__lt=today())
        .exclude(status=TaskStatus.DONE)
        .values("project_id")
        .annotate(n=Count("id"))
    )
    return {r["project_id"]: r["n"] for r in rows}


@dataclass
class Rollup:
    """What a set of projects adds up to: counts, weighted progress, dates and health."""

    projects: int = 0
    tasks: int = 0
    tasks_done: int = 0
    tasks_blocked: int = 0
    progress: Decimal = Decimal("0")
    start: dt.date | None = None
    finish: dt.date | None = None
    health: str = Health.GREEN
    by_health: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)


class ProjectFigures(Protocol):
    """What a rollup reads of a project: a model instance, or a ``values_list(named=True)`` row."""

    stage: str
    health: str
    progress: Decimal
    task_count: int
    task_done_count: int
    task_blocked_count: int
    start: dt.date | None
    finish: dt.date | None
    rollup_start: dt.date | None
    rollup_finish: dt.date | None


def rollup_projects(projects: Iterable[ProjectFigures]) -> Rollup:
    """Roll project figures up (program, portfolio): progress weighted by task count; worst health wins,
    ignoring closed and cancelled projects."""
    out = Rollup()
    weighted = Decimal("0")
    weight = 0
    worst = -1
    for p in projects:
        out.projects += 1
        out.tasks += p.task_count
        out.tasks_done += p.task_done_count
        out.tasks_blocked += p.task_blocked_count
        w = max(p.task_count, 1)
        weighted += p.progress * w
        weight += w
        start = p.rollup_start or p.start
        finish = p.rollup_finish or p.finish
        if start and (out.start is None or start < out.start):
            out.start = start
        if finish and (out.finish is None or finish > out.finish):
            out.finish = finish
        out.by_health[p.health] = out.by_health.get(p.health, 0) + 1
        out.by_stage[p.stage] = out.by_stage.get(p.stage, 0) + 1
        if p.stage not in (Stage.CLOSED, Stage.CANCELLED) and HEALTH_SEVERITY[Health(p.health)] > worst:
            worst = HEALTH_SEVERITY[Health(p.health)]
            out.health = p.health
    if weight:
        out.progress = (weighted / weight).quantize(Decimal("0.1"))
    return out


# --- the WBS outline --------------------------------------------------------------------------------------


@dataclass
class OutlineRow:
    task: Task
    depth: int
    wbs: str
    is_summary: bool
    progress: int
    start: dt.date | None
    finish: dt.date | None
    children: list[OutlineRow] = field(default_factory=list)
    # The page's links for this row, filled in by the view (string formatting, not one reverse() per link).
    urls: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class PlainTask:
    """The columns of a task that the Gantt rows read, from ``values_list``: a 2,000-task plan is read without
    building 2,000 model instances. It has what :func:`projects.selectors.build_outline` reads (``pk``,
    ``parent_id``, ``position``, ``kind``, ``percent_complete``, dates, ``estimate_hours``)."""

    pk: int
    parent_id: int | None
    position: int
    kind: str
    name: str
    percent_complete: int
    start: dt.date | None
    finish: dt.date | None
    due_date: dt.date | None
    estimate_hours: Decimal | None
    duration_minutes: int
    total_float_minutes: int | None
    free_float_minutes: int | None
    critical: bool
    late_start: dt.date | None
    late_finish: dt.date | None
    constraint_type: str
    constraint_date: dt.date | None
    deadline: dt.date | None


PLAIN_TASK_FIELDS = (
    "id",
    "parent_id",
    "position",
    "kind",
    "name",
    "percent_complete",
    "start",
    "finish",
    "due_date",
    "estimate_hours",
    "duration_minutes",
    "total_float_minutes",
    "free_float_minutes",
    "critical",
    "late_start",
    "late_finish",
    "constraint_type",
    "constraint_date",
    "deadline",
)

def plain_tasks(*, project: Project) -> list[PlainTask]:
    """Every task of ``project`` as a :class:`PlainTask`, in outline order within each parent. One query."""
    qs = Task.objects.filter(project=project).order_by("parent_id", "position", "id")
    return [PlainTask(*values) for values in qs.values_list(*PLAIN_TASK_FIELDS)]


def wbs_outline(*, project: Project) -> list[OutlineRow]:
    """The project's WBS in outline order with WBS codes (1, 1.2, 1.2.3) and summary rows rolled up from
    their children. Two queries however large the project."""
    tasks = list(
        Task.objects.filter(project=project).select_related("owner").prefetch_related("assignees")
        .order_by("parent_id", "position", "id")
    )
    return build_outline(tasks)


def build_outline(tasks: Sequence[Task]) -> list[OutlineRow]:
    by_parent: dict[int | None, list[Task]] = {}
    for t in tasks:
        by_parent.setdefault(t.parent_id, []).append(t)
    for siblings in by_parent.values():
        siblings.sort(key=lambda t: (t.position, t.pk))
    flat: list[OutlineRow] = []

    def visit(parent: int | None, prefix: str, depth: int) -> list[OutlineRow]:
        rows: list[OutlineRow] = []
        for index, t in enumerate(by_parent.get(parent, []), start=1):
            code = f"{prefix}{index}"
            row = OutlineRow(t, depth, code, False, t.percent_complete, t.start, t.finish or t.due_date)
            flat.append(row)
            row.children = visit(t.pk, f"{code}.", depth + 1)
            if row.children:
                row.is_summary = True
                _roll_summary(row)
            rows.append(row)
        return rows

    visit(None, "", 0)
    return flat


def task_weight(task: Task) -> Decimal:
    """Leaf weight for progress rollups: estimated hours, else one day; milestones weigh nothing."""
    return leaf_weight(task.kind, task.estimate_hours)


def leaf_weight(kind: str, estimate_hours: Decimal | None) -> Decimal:
    """:func:`task_weight` from the two columns it reads (rollups over thousands of rows build no models)."""
    if kind == TaskKind.MILESTONE:
        return Decimal("0")
    return estimate_hours if estimate_hours else Decimal("8")


def _roll_summary(row: OutlineRow) -> None:
    leaves = _leaves(row)
    total = sum((task_weight(r.task) for r in leaves), Decimal("0"))
    if total:
        done = sum((task_weight(r.task) * r.task.percent_complete for r in leaves), Decimal("0"))
        row.progress = int((done / total).to_integral_value())
    elif leaves:
        row.progress = round(sum(r.task.percent_complete for r in leaves) / len(leaves))
    starts = [r.start for r in row.children if r.start]
    finishes = [r.finish for r in row.children if r.finish]
    row.start = min(starts) if starts else row.task.start
    row.finish = max(finishes) if finishes else (row.task.finish or row.task.due_date)


def _leaves(row: OutlineRow) -> list[OutlineRow]:
    if not row.children:
        return [row]
    out: list[OutlineRow] = []
    for child in row.children:
        out.extend(_leaves(child))
    return out


# --- My work and task lists -------------------------------------------------------------------------------


def my_work(*, user: Any, include_done: bool = False) -> QuerySet[Task]:
    """Tasks the user owns or is assigned to, across every project they can see, soonest due first."""
    from django.db.models import F

    # A subquery rather than a join on assignees: no DISTINCT over a hundred thousand rows.
    assigned = Task.assignees.through.objects.filter(user_id=user.pk).values("task_id")
    qs = (
        Task.objects.filter(Q(owner_id=user.pk) | Q(pk__in=assigned))
        .filter(role_map_for(user).project_q("project__"))
        .select_related("project", "owner")
    )
    if not include_done:
        qs = qs.exclude(status=TaskStatus.DONE)
    return qs.order_by(F("due_date").asc(nulls_last=True), "project__code", "id")


def task_list(
    *,
    user: Any,
    project_id: int | None = None,
    status: Sequence[str] = (),
    owner: int | None = None,
    assignee: int | None = None,
    kind: str | None = None,
    due_before: dt.date | None = None,
    search: str | None = None,
    custom: dict[str, str] | None = None,
) -> QuerySet[Task]:
    qs = Task.objects.filter(role_map_for(user).project_q("project__")).select_related("project", "owner")
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    _check_choices("status", status, TaskStatus.values)
    if status:
        qs = qs.filter(status__in=status)
    if owner is not None:
        qs = qs.filter(owner_id=owner)
    if assignee is not None:
        qs = qs.filter(assignees=assignee)
    if kind:
        _check_choices("kind", [kind], TaskKind.values)
        qs = qs.filter(kind=kind)
    if due_before:
        qs = qs.filter(due_date__lte=due_before)
    if search:
        qs = qs.filter(name__icontains=search)
    if custom:
        parents = dict(Portfolio.objects.values_list("id", "parent_id"))
        for key, raw in custom.items():
            qs = qs.filter(_custom_q("task", key, raw, parents, portfolio_lookup="project__portfolio_id"))
    # Top-level tasks first on every database: PostgreSQL would otherwise sort the NULL parents last.
    return qs.prefetch_related("assignees").order_by(
        "project_id", F("parent_id").asc(nulls_first=True), "position", "id"
    )


# --- what hangs off a task or project (callers have already checked access to the parent) ----------------


def checklist_list(*, task_id: int) -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(task_id=task_id).order_by("position", "id")


def comment_list(*, task_id: int) -> QuerySet[Comment]:
    return Comment.objects.filter(task_id=task_id).select_related("author").order_by("created_at", "id")


def dependency_list(*, project_id: int) -> QuerySet[TaskDependency]:
    return (
        TaskDependency.objects.filter(project_id=project_id)
        .select_related("predecessor", "successor")
        .order_by("id")
    )


def project_goal_links(*, project_id: int) -> QuerySet[ProjectGoal]:
    return ProjectGoal.objects.filter(project_id=project_id).select_related("goal").order_by("goal__code", "id")


def goal_project_links(*, user: Any, goal_id: int) -> QuerySet[ProjectGoal]:
    """The projects behind a goal, limited to those the user can see."""
    return (
        ProjectGoal.objects.filter(goal_id=goal_id)
        .filter(role_map_for(user).project_q("project__"))
        .select_related("project")
        .order_by("project__code")
    )


def project_team(*, project: Project) -> list[Any]:
    """The people who work on a project, for owner and assignee pickers: members of the project or its program
    (directly or through a team), its manager and sponsor, and whoever already owns or is assigned a task in it.

    Portfolio-level members are governance rather than delivery, and an organisation has thousands of people:
    listing them all in every outline row would make a 100-task page megabytes long. Six queries.
    """
    from portfolium.accounts.models import Membership, Team, User
    from portfolium.accounts.selectors import user_list

    scope = Q(project_id=project.pk)
    if project.program_id:
        scope |= Q(program_id=project.program_id)
    memberships = Membership.objects.filter(scope)
    ids = set(memberships.exclude(user=None).values_list("user_id", flat=True))
    team_ids = memberships.exclude(team=None).values("team_id")
    ids |= set(Team.members.through.objects.filter(team_id__in=team_ids).values_list("user_id", flat=True))
    ids |= {pk for pk in (project.manager_id, project.sponsor_id) if pk}
    ids |= set(Task.objects.filter(project=project).exclude(owner=None).values_list("owner_id", flat=True))
    ids |= set(
        Task.assignees.through.objects.filter(task__project=project).values_list("user_id", flat=True)
    )
    people: list[User] = list(user_list().filter(pk__in=ids))
    return people


# --- the computed schedule --------------------------------------------------------------------------------


@dataclass(slots=True)
class ScheduleRow:
    """One task's scheduled dates and floats (``early_*`` are the scheduled dates, as stored)."""

    id: int
    wbs: str
    name: str
    kind: str
    summary: bool
    duration_minutes: int
    constraint_type: str
    constraint_date: dt.date | None
    deadline: dt.date | None
    start: dt.date | None
    finish: dt.date | None
    early_start: dt.date | None
    early_finish: dt.date | None
    late_start: dt.date | None
    late_finish: dt.date | None
    total_float_minutes: int | None
    total_float_days: Decimal | None
    free_float_minutes: int | None
    free_float_days: Decimal | None
    critical: bool


@dataclass
class ScheduleTable:
    project: int
    start: dt.date | None
    finish: dt.date | None
    target_finish: dt.date | None
    minutes_per_day: int
    scheduled_at: dt.datetime | None
    error: str
    critical_path: list[int]
    tasks: list[ScheduleRow]


def _days(minutes: int | None, per_day: int) -> Decimal | None:
    if minutes is None:
        return None
    return (Decimal(minutes) / Decimal(per_day)).quantize(Decimal("0.01"))


def schedule_table(*, project: Project) -> ScheduleTable:
    """The project's schedule as last computed, in WBS order, with the critical path. Three queries."""
    from portfolium.scheduling.models import WorkCalendar

    tasks = plain_tasks(project=project)
    calendar = WorkCalendar.objects.filter(pk=project.calendar_id) if project.calendar_id else (
        WorkCalendar.objects.filter(is_default=True)
    )
    per_day = calendar.values_list("minutes_per_day", flat=True).first() or 480
    rows: list[ScheduleRow] = []
    # build_outline reads only the columns PlainTask carries (no model instances for thousands of rows)
    for line in build_outline(cast("Sequence[Task]", tasks)):
        t = cast(PlainTask, line.task)
        rows.append(ScheduleRow(
            id=t.pk, wbs=line.wbs, name=t.name, kind=t.kind, summary=line.is_summary,
            duration_minutes=t.duration_minutes, constraint_type=t.constraint_type,
            constraint_date=t.constraint_date, deadline=t.deadline, start=t.start, finish=t.finish,
            early_start=t.start, early_finish=t.finish, late_start=t.late_start, late_finish=t.late_finish,
            total_float_minutes=t.total_float_minutes, total_float_days=_days(t.total_float_minutes, per_day),
            free_float_minutes=t.free_float_minutes, free_float_days=_days(t.free_float_minutes, per_day),
            critical=t.critical,
        ))
    path = sorted((r for r in rows if r.critical and not r.summary),
                  key=lambda r: (r.start or dt.date.max, r.finish or dt.date.max, r.wbs))
    starts = [r.start for r in rows if r.start]
    return ScheduleTable(
        project=project.pk, start=project.start or (min(starts) if starts else None),
        finish=project.scheduled_finish, target_finish=project.finish, minutes_per_day=per_day,
        scheduled_at=project.scheduled_at, error=project.schedule_error,
        critical_path=[r.id for r in path], tasks=rows,
    )


def baseline_list(*, project_id: int) -> QuerySet[Any]:
    """A project's baselines, newest first, with how many tasks each holds (one query)."""
    from portfolium.scheduling.models import Baseline

    return (
        Baseline.objects.filter(project_id=project_id).select_related("created_by")
        .annotate(task_count=Count("tasks")).order_by("-created_at", "-id")
    )
