"""Reads behind the scheduling pages: the Gantt rows of a project, a baseline comparison, the portfolio
roadmap and the list of working calendars. Every read runs a fixed number of queries, whatever the rows."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, F, Q, QuerySet

from portfolium.accounts.roles import role_map_for
from portfolium.projects.models import Project, Task, TaskDependency, TaskKind
from portfolium.projects.selectors import (
    PlainTask,
    ProjectFilters,
    build_outline,
    plain_tasks,
    project_list,
    today,
)
from portfolium.scheduling.models import Baseline, BaselineTask, WorkCalendar

DEFAULT_MINUTES_PER_DAY = 480
WORKING_WEEK = (0, 1, 2, 3, 4)


# --- durations ----------------------------------------------------------------------------------------------


def duration_label(minutes: int | None, minutes_per_day: int = DEFAULT_MINUTES_PER_DAY) -> str:
    """Working minutes as a person reads them: ``3d``, ``4h``, ``2.5d``, ``0d`` (days of ``minutes_per_day``).

    >>> duration_label(1440), duration_label(240), duration_label(1200), duration_label(0)
    ('3d', '4h', '2.5d', '0d')
    """
    if minutes is None:
        return ""
    if minutes == 0:
        return "0d"
    if minutes % minutes_per_day == 0:
        return f"{minutes // minutes_per_day}d"
    if minutes < minutes_per_day:
        return f"{_trim(Decimal(minutes) / 60)}h"
    return f"{_trim(Decimal(minutes) / minutes_per_day)}d"


def _trim(number: Decimal) -> str:
    text = f"{number.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text or "0"


def float_label(minutes: int | None, minutes_per_day: int = DEFAULT_MINUTES_PER_DAY) -> str:
    """Float in days with a sign only when negative (late): ``0d``, ``4d``, ``-2d``, ``1.5d``."""
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else ""
    return sign + duration_label(abs(minutes), minutes_per_day)


# --- working days -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingDays:
    """Which days count when a variance is given in working days: the calendar's working weekdays, less its
    one-off holidays (recurring exceptions are left to the engine; a variance is a reading aid)."""

    weekdays: frozenset[int] = frozenset(WORKING_WEEK)
    holidays: frozenset[dt.date] = frozenset()
    minutes_per_day: int = DEFAULT_MINUTES_PER_DAY

    def is_working(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days from ``a`` to ``b``: positive when ``b`` is later, 0 on the same day."""
        if a == b:
            return 0
        sign = 1 if b > a else -1
        lo, hi = (a, b) if b > a else (b, a)
        # Whole weeks count at once (a summary row can span years); the odd days and the holidays one by one.
        weeks, rest = divmod((hi - lo).days, 7)
        count = weeks * len(self.weekdays)
        day = lo + dt.timedelta(days=7 * weeks + 1)
        for _ in range(rest):
            count += day.weekday() in self.weekdays
            day += dt.timedelta(days=1)
        ordered = self._ordered_holidays
        left, right = bisect.bisect_right(ordered, lo), bisect.bisect_right(ordered, hi)
        count -= sum(1 for h in ordered[left:right] if h.weekday() in self.weekdays)
        return sign * count

    @property
    def _ordered_holidays(self) -> list[dt.date]:
        cached: list[dt.date] | None = self.__dict__.get("_ordered")
        if cached is None:
            cached = sorted(self.holidays)
            object.__setattr__(self, "_ordered", cached)
        return cached

    def span(self, start: dt.date, finish: dt.date) -> int:
        """Working days from ``start`` to ``finish`` inclusive (a summary row's duration)."""
        if finish < start:
            return 0
        return self.between(start, finish) + (1 if self.is_working(start) else 0)


def working_days_for(project: Project) -> WorkingDays:
    """The project's calendar (or the organisation's default) as a :class:`WorkingDays`. Two queries."""
    calendar = None
    if project.calendar_id:
        calendar = WorkCalendar.objects.filter(pk=project.calendar_id).first()
    if calendar is None:
        calendar = WorkCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        return WorkingDays()
    weekdays = frozenset(i for i, day in enumerate(calendar.week or []) if day)
    holidays: set[dt.date] = set()
    for start, finish in calendar.exceptions.filter(recurrence="", working_times=[]).values_list(
        "start", "finish"
    ):
        day = start
        while day <= finish and len(holidays) < 5000:
            holidays.add(day)
            day += dt.timedelta(days=1)
    return WorkingDays(weekdays, frozenset(holidays), calendar.minutes_per_day)


# --- the Gantt rows -----------------------------------------------------------------------------------------


def lag_label(lag: Decimal, unit: str) -> str:
    """``+2d``, ``-1.5ed``, ``+50%``; nothing for no lag.

    >>> lag_label(Decimal("2.00"), "d"), lag_label(Decimal("-1.5"), "ed"), lag_label(Decimal("0"), "h")
    ('+2d', '-1.5ed', '')
    """
    if not lag:
        return ""
    return f"{'+' if lag > 0 else '-'}{_trim(abs(lag))}{unit}"


@dataclass(slots=True)
class LinkRef:
    """One link seen from one end: the task at the other end, and how it is linked."""

    dependency_id: int
    task_id: int
    task_name: str
    wbs: str  # the other task's WBS code when it is in this project, else ""
    project_id: int
    project_code: str  # "" for a link within the project
    type: str
    lag: Decimal
    lag_unit: str
    hidden: bool = False  # the other end lies in a project the reader holds no role on

    @property
    def cross_project(self) -> bool:
        return bool(self.project_code) or self.hidden

    @property
    def lag_label(self) -> str:
        return lag_label(self.lag, self.lag_unit)

    @property
    def label(self) -> str:
        """MS Project's predecessor notation: ``3FS+2d``; a cross-project end reads ``ZEUS:Design FS``."""
        if self.hidden:
            who = "another project"
        elif self.project_code:
            who = f"{self.project_code}:{self.task_name}"
        else:
            who = self.wbs or self.task_name
        return (
            f"{who}{self.type}{self.lag_label}"
            if not self.cross_project
            else f"{who} {self.type}{self.lag_label}"
        )


@dataclass(slots=True)
class GanttRow:
    task_id: int
    name: str
    wbs: str
    level: int
    kind: str
    is_summary: bool
    collapsed: bool
    start: dt.date | None
    finish: dt.date | None
    duration_minutes: int
    duration: str
    total_float_minutes: int | None
    free_float_minutes: int | None
    total_float: str
    critical: bool
    progress: int
    late_start: dt.date | None
    late_finish: dt.date | None
    constraint_type: str
    constraint_date: dt.date | None
    deadline: dt.date | None
    baseline_start: dt.date | None = None
    baseline_finish: dt.date | None = None
    predecessors: list[LinkRef] = field(default_factory=list)
    successors: list[LinkRef] = field(default_factory=list)
    # The page's links for this row, filled in by the view (string formatting, not one reverse() per row).
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def is_milestone(self) -> bool:
        return self.kind == TaskKind.MILESTONE and not self.is_summary

    @property
    def predecessors_label(self) -> str:
        return ", ".join(link.label for link in self.predecessors)

    @property
    def late(self) -> bool:
        """Negative float: the plan cannot meet a deadline or constraint."""
        return self.total_float_minutes is not None and self.total_float_minutes < 0


# One link with both of its ends, read as a tuple (no model instances).
_LINK_FIELDS = (
    "id",
    "type",
    "lag",
    "lag_unit",
    "predecessor_id",
    "predecessor__name",
    "predecessor__project_id",
    "predecessor__project__code",
    "predecessor__project__program_id",
    "predecessor__project__portfolio_id",
    "successor_id",
    "successor__name",
    "successor__project_id",
    "successor__project__code",
    "successor__project__program_id",
    "successor__project__portfolio_id",
)


def outline_depths(*, project: Project) -> dict[int, tuple[int, bool]]:
    """Each task's depth in the WBS and whether it is a summary (has children). One query."""
    parents = dict(Task.objects.filter(project=project).values_list("id", "parent_id"))
    has_children = {p for p in parents.values() if p is not None}
    depths: dict[int, int] = {}

    def depth(task_id: int) -> int:
        seen = []
        node: int | None = task_id
        while node is not None and node not in depths:
            seen.append(node)
            node = parents.get(node)
        d = depths[node] + 1 if node is not None else 0
        for n in reversed(seen):
            depths[n] = d
            d += 1
        return depths[task_id]

    return {pk: (depth(pk), pk in has_children) for pk in parents}


def gantt_rows(
    *,
    project: Project,
    collapsed: Collection[int] = frozenset(),
    baseline: Baseline | None = None,
    user: Any = None,
    working: WorkingDays | None = None,
) -> list[GanttRow]:
    """The project's tasks in WBS order for the Gantt grid and chart, with links both ways (cross-project ones
    included: with ``user`` given, a task in a project the user cannot see is not named) and, with ``baseline``,
    the baselined dates. Children of ``collapsed`` summary tasks are left out.

    Queries: tasks, links, baseline rows, and the calendar when ``working`` is not given. Rows are read as
    tuples, not model instances.
    """
    working = working or working_days_for(project)
    mpd = working.minutes_per_day
    tasks = plain_tasks(project=project)
    # build_outline reads only the columns PlainTask carries
    outline = build_outline(cast("Sequence[Task]", tasks))
    base: dict[int, tuple[dt.date | None, dt.date | None]] = {}
    if baseline is not None:
        base = {
            task_id: (start, finish)
            for task_id, start, finish in BaselineTask.objects.filter(
                baseline=baseline, task__isnull=False
            ).values_list("task_id", "start", "finish")
        }
    rows: list[GanttRow] = []
    hidden_depth: int | None = None
    for o in outline:
        if hidden_depth is not None:
            if o.depth > hidden_depth:
                continue
            hidden_depth = None
        t = cast(PlainTask, o.task)
        is_collapsed = o.is_summary and t.pk in collapsed
        if is_collapsed:
            hidden_depth = o.depth
        if o.is_summary:
            minutes = working.span(o.start, o.finish) * mpd if o.start and o.finish else 0
        else:
            minutes = 0 if t.kind == TaskKind.MILESTONE else t.duration_minutes
        b_start, b_finish = base.get(t.pk, (None, None))
        rows.append(
            GanttRow(
                task_id=t.pk,
                name=t.name,
                wbs=o.wbs,
                level=o.depth,
                kind=t.kind,
                is_summary=o.is_summary,
                collapsed=is_collapsed,
                start=o.start if o.is_summary else t.start,
                finish=o.finish if o.is_summary else t.finish,
                duration_minutes=minutes,
                duration=duration_label(minutes, mpd),
                total_float_minutes=t.total_float_minutes,
                free_float_minutes=t.free_float_minutes,
                total_float=float_label(t.total_float_minutes, mpd),
                critical=t.critical,
                progress=o.progress,
                late_start=t.late_start,
                late_finish=t.late_finish,
                constraint_type=t.constraint_type,
                constraint_date=t.constraint_date,
                deadline=t.deadline,
                baseline_start=b_start,
                baseline_finish=b_finish,
            )
        )
    _attach_links(rows, project=project, wbs={o.task.pk: o.wbs for o in outline}, user=user)
    return rows


def _attach_links(rows: list[GanttRow], *, project: Project, wbs: dict[int, str], user: Any) -> None:
    """Fill each shown row's predecessors and successors (links to rows left out are still listed: the grid
    names them). One query."""
    shown = {r.task_id: r for r in rows}
    rolemap = role_map_for(user) if user is not None else None
    visible: dict[int, bool] = {}

    def hidden(project_id: int, program_id: int | None, portfolio_id: int) -> bool:
        if rolemap is None or project_id == project.pk:
            return False
        if project_id not in visible:
            visible[project_id] = rolemap.project_role(project_id, program_id, portfolio_id) is not None
        return not visible[project_id]

    # By task id through a subquery: an OR over the two joined projects made SQLite scan every link.
    own = Task.objects.filter(project=project).values("id")
    links = (
        TaskDependency.objects.filter(Q(successor_id__in=own) | Q(predecessor_id__in=own))
        .order_by("id")
        .values_list(*_LINK_FIELDS)
    )
    for pk, kind, lag, unit, *ends in links:
        predecessor, successor = ends[:6], ends[6:]
        succ = shown.get(successor[0]) if successor[2] == project.pk else None
        if succ is not None:
            succ.predecessors.append(_link_ref(pk, kind, lag, unit, predecessor, project.pk, wbs, hidden))
        pred = shown.get(predecessor[0]) if predecessor[2] == project.pk else None
        if pred is not None:
            pred.successors.append(_link_ref(pk, kind, lag, unit, successor, project.pk, wbs, hidden))


def _link_ref(
    pk: int,
    kind: str,
    lag: Any,
    unit: str,
    other: list[Any],
    project_id: int,
    wbs: dict[int, str],
    hidden: Any,
) -> LinkRef:
    """The far end of a link, as seen from a row of ``project_id``: ``other`` is (task id, name, project id,
    project code, program id, portfolio id). A task of a project the reader cannot see keeps no name or code."""
    task_id, name, other_project, code, program, portfolio = other
    gone = hidden(other_project, program, portfolio)
    same = other_project == project_id
    return LinkRef(
        pk, task_id, "" if gone else name, wbs.get(task_id, ""), other_project,
        "" if same or gone else code, kind, lag, unit, gone,
    )  # fmt: skip


def summary_ids(rows: Iterable[GanttRow]) -> list[int]:
    return [r.task_id for r in rows if r.is_summary]


def link_candidates(*, project: Project, user: Any) -> list[tuple[str, list[tuple[int, str]]]]:
    """Tasks that may become a predecessor in ``project``: its own, then those of the other projects of the same
    program (or, outside a program, the same portfolio) that ``user`` can see, grouped by project for a picker.
    Two queries."""
    rolemap = role_map_for(user)
    scope = (
        Q(program_id=project.program_id)
        if project.program_id
        else Q(portfolio_id=project.portfolio_id, program=None)
    )
    projects = {
        p.pk: p
        for p in Project.objects.filter(scope | Q(pk=project.pk))
        .filter(rolemap.project_q())
        .only("id", "code", "name", "program_id", "portfolio_id")
    }
    groups: dict[int, list[tuple[int, str]]] = {}
    tasks = Task.objects.filter(project_id__in=list(projects)).order_by(
        "project_id", "parent_id", "position", "id"
    )
    by_project: dict[int, list[Task]] = {}
    fields = (
        "id",
        "name",
        "project_id",
        "parent_id",
        "position",
        "kind",
        "percent_complete",
        "start",
        "finish",
        "due_date",
        "estimate_hours",
    )
    for t in tasks.only(*fields):
        by_project.setdefault(t.project_id, []).append(t)
    for pid, items in by_project.items():
        groups[pid] = [(row.task.pk, f"{row.wbs} {row.task.name}") for row in build_outline(items)]
    ordered = [project.pk] + sorted(
        (pk for pk in groups if pk != project.pk), key=lambda pk: projects[pk].code
    )
    return [
        (("This project" if pk == project.pk else f"{projects[pk].code} {projects[pk].name}"), groups[pk])
        for pk in ordered
        if pk in groups
    ]


# --- baselines ----------------------------------------------------------------------------------------------


def baseline_list(*, project: Project) -> QuerySet[Baseline]:
    return (
        Baseline.objects.filter(project=project)
        .select_related("created_by")
        .annotate(row_count=Count("tasks"))
        .order_by("-created_at", "-id")
    )


@dataclass
class BaselineVariance:
    """One task or milestone: its baselined and current dates and the difference (positive = later)."""

    task_id: int | None
    name: str
    wbs: str
    kind: str
    baseline_start: dt.date | None
    baseline_finish: dt.date | None
    start: dt.date | None
    finish: dt.date | None
    start_variance: int | None  # working days (elapsed days when ``unit`` is "ed")
    finish_variance: int | None
    state: str  # "same", "changed", "added", "removed"
    slipped: bool
    unit: str = "d"

    @property
    def is_milestone(self) -> bool:
        return self.kind == TaskKind.MILESTONE


COMPARE_SORTS: dict[str, Callable[[BaselineVariance], Any]] = {
    "wbs": lambda v: tuple(int(p) if p.isdigit() else 0 for p in (v.wbs or "999999").split(".")),
    "name": lambda v: v.name.lower(),
    "baseline_finish": lambda v: v.baseline_finish or dt.date.max,
    "finish": lambda v: v.finish or dt.date.max,
    "finish_variance": lambda v: v.finish_variance if v.finish_variance is not None else -(10**9),
    "start_variance": lambda v: v.start_variance if v.start_variance is not None else -(10**9),
}


def baseline_compare(
    *, project: Project, baseline: Baseline, working: WorkingDays | None = None, elapsed: bool = False
) -> list[BaselineVariance]:
    """Every task and milestone of the project against ``baseline``, in WBS order, then the baselined tasks
    deleted since (``removed``). Variances count working days on the project calendar (calendar days with
    ``elapsed``). ``slipped`` marks a task that finishes later than baselined. Summary rows are left out:
    they move with their children. Three or four queries."""
    working = working or working_days_for(project)
    tasks = list(Task.objects.filter(project=project).order_by("parent_id", "position", "id"))
    outline = build_outline(tasks)
    base_rows = list(BaselineTask.objects.filter(baseline=baseline).order_by("id"))
    by_task = {b.task_id: b for b in base_rows if b.task_id is not None}

    def diff(a: dt.date | None, b: dt.date | None) -> int | None:
        if a is None or b is None:
            return None
        return (b - a).days if elapsed else working.between(a, b)

    out: list[BaselineVariance] = []
    for o in outline:
        if o.is_summary:
            continue
        t = o.task
        b = by_task.get(t.pk)
        if b is None:
            out.append(
                BaselineVariance(
                    t.pk,
                    t.name,
                    o.wbs,
                    t.kind,
                    None,
                    None,
                    t.start,
                    t.finish,
                    None,
                    None,
                    "added",
                    False,
                    "ed" if elapsed else "d",
                )
            )
            continue
        sv, fv = diff(b.start, t.start), diff(b.finish, t.finish)
        changed = (b.start, b.finish) != (t.start, t.finish)
        out.append(
            BaselineVariance(
                t.pk,
                t.name,
                o.wbs,
                t.kind,
                b.start,
                b.finish,
                t.start,
                t.finish,
                sv,
                fv,
                "changed" if changed else "same",
                bool(fv and fv > 0) or _later(b.finish, t.finish),
                "ed" if elapsed else "d",
            )
        )
    current = {t.pk for t in tasks}
    for b in base_rows:
        if b.task_id is None or b.task_id not in current:
            out.append(
                BaselineVariance(
                    None,
                    b.name,
                    "",
                    b.kind,
                    b.start,
                    b.finish,
                    None,
                    None,
                    None,
                    None,
                    "removed",
                    False,
                    "ed" if elapsed else "d",
                )
            )
    return out


def _later(before: dt.date | None, after: dt.date | None) -> bool:
    return before is not None and after is not None and after > before


def compare_filter(
    rows: Sequence[BaselineVariance], *, slipped_only: bool = False, sort: str = "wbs"
) -> list[BaselineVariance]:
    """The comparison table's filter and sort (``-key`` reverses); unknown keys sort by WBS."""
    picked = [r for r in rows if r.slipped] if slipped_only else list(rows)
    key = sort.lstrip("-")
    func = COMPARE_SORTS.get(key, COMPARE_SORTS["wbs"])
    return sorted(picked, key=func, reverse=sort.startswith("-") and key in COMPARE_SORTS)


# --- the roadmap --------------------------------------------------------------------------------------------


@dataclass
class RoadmapMilestone:
    task_id: int
    name: str
    date: dt.date
    critical: bool
    late: bool  # negative float, or later than its deadline


@dataclass
class RoadmapProject:
    project_id: int
    code: str
    name: str
    stage: str
    health: str
    progress: Decimal
    start: dt.date | None
    finish: dt.date | None  # scheduled finish
    target: dt.date | None  # the project's target finish
    schedule_error: str
    milestones: list[RoadmapMilestone] = field(default_factory=list)

    @property
    def late(self) -> bool:
        return self.finish is not None and self.target is not None and self.finish > self.target

    @property
    def next_milestone(self) -> RoadmapMilestone | None:
        """The first milestone from today on (the last one when all are past)."""
        now = today()
        upcoming = [m for m in self.milestones if m.date >= now]
        return upcoming[0] if upcoming else (self.milestones[-1] if self.milestones else None)


@dataclass
class RoadmapGroup:
    program_id: int | None
    name: str
    projects: list[RoadmapProject] = field(default_factory=list)


@dataclass
class RoadmapLink:
    """A cross-project dependency between two visible projects, drawn from the predecessor's finish."""

    predecessor_project: int
    successor_project: int
    predecessor_name: str
    successor_name: str
    type: str
    start: dt.date | None  # where the arrow leaves (predecessor's finish, or start for SS/SF)
    finish: dt.date | None  # where it arrives


@dataclass
class Roadmap:
    groups: list[RoadmapGroup]
    links: list[RoadmapLink]
    start: dt.date | None
    finish: dt.date | None

    @property
    def projects(self) -> list[RoadmapProject]:
        return [p for g in self.groups for p in g.projects]


MILESTONES_PER_PROJECT = 12
ROADMAP_LIMIT = 500


def roadmap(
    *,
    user: Any,
    portfolio: int | None = None,
    program: int | None = None,
    stage: Sequence[str] = (),
    health: Sequence[str] = (),
    limit: int = ROADMAP_LIMIT,
) -> Roadmap:
    """The projects ``user`` can see (optionally within a portfolio and its sub-portfolios, a program, some
    stages or healths), grouped by program, with their scheduled dates, their milestones and the links between
    them. A program is named only to those who hold a role on it. Three queries after the role map; raises
    ``ValidationError`` on an unknown stage or health."""
    rolemap = role_map_for(user)
    filters = ProjectFilters(portfolio=portfolio, program=program, stage=stage, health=health, sort="start")
    qs = project_list(user=user, filters=filters).prefetch_related(None).select_related("program")
    projects = list(qs[:limit])
    ids = [p.pk for p in projects]
    milestones: dict[int, list[RoadmapMilestone]] = {}
    for t in (
        Task.objects.filter(project_id__in=ids, kind=TaskKind.MILESTONE)
        .exclude(finish=None, start=None)
        .only("id", "project_id", "name", "start", "finish", "critical", "total_float_minutes", "deadline")
        .order_by("project_id", "finish", "start", "id")
    ):
        day = t.finish or t.start
        assert day is not None
        late = (t.total_float_minutes or 0) < 0 or (t.deadline is not None and day > t.deadline)
        items = milestones.setdefault(t.project_id, [])
        if len(items) < MILESTONES_PER_PROJECT:
            items.append(RoadmapMilestone(t.pk, t.name, day, t.critical, late))
    groups: dict[int | None, RoadmapGroup] = {}
    for p in projects:
        named = p.program_id is not None and rolemap.program_role(p.program_id, p.portfolio_id) is not None
        key = p.program_id if named else None
        if key not in groups:
            groups[key] = RoadmapGroup(key, p.program.name if named and p.program else "Not in a program")
        groups[key].projects.append(
            RoadmapProject(
                project_id=p.pk,
                code=p.code,
                name=p.name,
                stage=p.stage,
                health=p.health,
                progress=p.progress,
                start=p.rollup_start or p.start,
                finish=p.scheduled_finish or p.rollup_finish or p.finish,
                target=p.finish,
                schedule_error=p.schedule_error,
                milestones=milestones.get(p.pk, []),
            )
        )
    ordered = sorted(groups.values(), key=lambda g: (g.program_id is None, g.name.lower()))
    links: list[RoadmapLink] = []
    id_set = set(ids)
    if ids:
        for d in (
            TaskDependency.objects.filter(predecessor__project_id__in=ids, successor__project_id__in=ids)
            .exclude(predecessor__project_id=F("successor__project_id"))
            .select_related("predecessor", "successor")
            .order_by("id")
        ):
            pred, succ = d.predecessor, d.successor
            if pred.project_id not in id_set or succ.project_id not in id_set:
                continue
            leaves = pred.start if d.type in ("SS", "SF") else pred.finish
            arrives = succ.finish if d.type in ("FF", "SF") else succ.start
            links.append(
                RoadmapLink(pred.project_id, succ.project_id, pred.name, succ.name, d.type, leaves, arrives)
            )
    starts = [p.start for g in ordered for p in g.projects if p.start]
    finishes = [d for g in ordered for p in g.projects for d in (p.finish, p.target) if d]
    return Roadmap(ordered, links, min(starts) if starts else None, max(finishes) if finishes else None)


# --- calendars ----------------------------------------------------------------------------------------------


def calendar_list() -> QuerySet[WorkCalendar]:
    """Every working calendar (they are organisation-wide) with its exceptions and how many projects use it.
    Two queries."""
    return (
        WorkCalendar.objects.annotate(project_count=Count("projects", distinct=True))
        .prefetch_related("exceptions")
        .order_by("-is_default", "name")
    )


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def hours_label(periods: Sequence[Sequence[int]]) -> str:
    """``[[480, 720], [780, 1020]]`` -> ``08:00–12:00, 13:00–17:00``; an empty day reads ``Non-working``."""
    if not periods:
        return "Non-working"
    return ", ".join(f"{_hm(a)}–{_hm(b)}" for a, b in periods)


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
