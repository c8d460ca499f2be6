"""ORM rows <-> engine dataclasses: a project becomes an engine ``Plan``; a ``Schedule`` becomes task columns.

Dates on rows are days; the engine works in minutes. A date typed as a start (SNET, MSO, SNLT, actual start)
means the start of that day's working time on the task's calendar, a finish date the end of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from portfolium.engine import calendars as ec
from portfolium.engine import network as en
from portfolium.projects.models import Project, Task, TaskDependency, TaskKind, TaskStatus
from portfolium.scheduling.models import CalendarException, WorkCalendar

#: The columns the scheduler writes on a task.
OUTPUT_FIELDS = (
    "start",
    "finish",
    "late_start",
    "late_finish",
    "total_float_minutes",
    "free_float_minutes",
    "critical",
)

_START_CONSTRAINTS = {en.ConstraintType.SNET, en.ConstraintType.SNLT, en.ConstraintType.MSO}

LAG_UNITS = {"d", "ed", "h", "%"}


# --- calendars ----------------------------------------------------------------------------------------------


def calendar_key(calendar_id: int) -> str:
    """The engine's id for a stored calendar."""
    return f"cal-{calendar_id}"


def _day(times: Any) -> ec.Day:
    return tuple(ec.WorkingTime(int(s), int(e)) for s, e in (times or []))


def exception_to_engine(row: CalendarException) -> ec.CalendarException:
    recurrence = None
    if row.recurrence:
        recurrence = ec.Recurrence(
            kind=ec.RecurrenceKind(row.recurrence),
            interval=row.interval or 1,
            weekdays=frozenset(int(d) for d in (row.weekdays or [])),
            month_day=row.month_day,
            month=row.month,
            week_of_month=row.week_of_month,
            weekday=row.weekday,
            occurrences=row.occurrences,
        )
    return ec.CalendarException(
        start=row.start,
        finish=row.finish,
        working_times=_day(row.working_times),
        name=row.name,
        recurrence=recurrence,
    )


def calendar_to_engine(
    calendar: WorkCalendar, exceptions: list[CalendarException] | None = None
) -> ec.Calendar:
    """A stored calendar as an engine calendar. ``exceptions`` defaults to ``calendar.exceptions.all()``
    (prefetch it when converting many)."""
    rows = exceptions if exceptions is not None else list(calendar.exceptions.all())
    return ec.Calendar(
        id=calendar_key(calendar.pk),
        name=calendar.name,
        week=tuple(_day(day) for day in calendar.week),
        exceptions=tuple(exception_to_engine(r) for r in rows),
    )


def day_start(clock: ec.WorkClock, day: dt.date) -> dt.datetime:
    """When work starts on ``day`` (midnight on a day off: the engine moves on to the next working time)."""
    times = clock.working_times(day)
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=times[0].start if times else 0)


def day_end(clock: ec.WorkClock, day: dt.date) -> dt.datetime:
    """When work ends on ``day`` (midnight at its end on a day off)."""
    times = clock.working_times(day)
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(
        minutes=times[-1].end if times else ec.MINUTES_PER_DAY
    )


def as_start_date(minutes: int) -> dt.date:
    return ec.from_minutes(minutes).date()


def as_finish_date(minutes: int, start: int | None = None) -> dt.date:
    """A finish at midnight belongs to the day before (work that ends at 24:00), unless nothing elapsed."""
    moment = ec.from_minutes(minutes)
    if minutes % ec.MINUTES_PER_DAY == 0 and (start is None or minutes > start):
        return (moment - dt.timedelta(minutes=1)).date()
    return moment.date()


# --- lags -----------------------------------------------------------------------------------------------


def lag_to_engine(lag: Decimal, unit: str, minutes_per_day: int) -> tuple[int, en.LagUnit]:
    """A stored lag as engine minutes: working days of ``minutes_per_day``, working hours, elapsed days or
    percent of the predecessor's duration."""
    if unit == "d":
        return round(lag * minutes_per_day), en.LagUnit.WORKING
    if unit == "h":
        return round(lag * 60), en.LagUnit.WORKING
    if unit == "ed":
        return round(lag * ec.MINUTES_PER_DAY), en.LagUnit.ELAPSED
    if unit == "%":
        return round(lag), en.LagUnit.PERCENT
    raise ValueError(f"unknown lag unit {unit!r}")


# --- project -> plan --------------------------------------------------------------------------------------

# Rows are read as named tuples, not model instances: building 2,000 models costs more than the engine run.
_TASK_INPUTS = (
    "id",
    "project_id",
    "parent_id",
    "kind",
    "name",
    "status",
    "percent_complete",
    "start",
    "finish",
    "duration_minutes",
    "optimistic_minutes",
    "pessimistic_minutes",
    "calendar_id",
    "constraint_type",
    "constraint_date",
    "deadline",
    "actual_start",
    "actual_finish",
    *OUTPUT_FIELDS[2:],
)


@dataclass
class ProjectPlan:
    """A project turned into an engine plan, with what it takes to write the result back."""

    project: Project
    plan: en.Plan
    tasks: list[Any]  # the project's own task rows (named tuples of _TASK_INPUTS); predecessors elsewhere
    minutes_per_day: int  # are in ``external`` and are never written
    calendars: dict[str, ec.Calendar] = field(default_factory=dict)
    external: dict[str, Any] = field(default_factory=dict)


def default_calendar() -> WorkCalendar | None:
    return WorkCalendar.objects.filter(is_default=True).first()


def load_calendars(ids: set[int]) -> tuple[dict[int, WorkCalendar], WorkCalendar | None]:
    """The calendars with these ids and the default one, exceptions prefetched (two queries)."""
    rows = list(
        WorkCalendar.objects.filter(Q(pk__in=ids) | Q(is_default=True)).prefetch_related("exceptions")
    )
    return {c.pk: c for c in rows}, next((c for c in rows if c.is_default), None)


def project_plan(project: Project, *, today: dt.date | None = None) -> ProjectPlan:
    """Read a project's WBS, links and calendars (a constant number of queries) and build the engine plan.

    Tasks in other projects that are predecessors of this project's tasks come in as manually scheduled
    tasks pinned at their current scheduled dates.
    """
    tasks = list(
        Task.objects.filter(project_id=project.pk)
        .order_by("parent_id", "position", "id")
        .values_list(*_TASK_INPUTS, named=True)
    )
    links = list(
        TaskDependency.objects.filter(successor__project_id=project.pk).values_list(
            "predecessor_id", "successor_id", "type", "lag", "lag_unit"
        )
    )
    own = {t.id for t in tasks}
    foreign_ids = {p for p, *_ in links if p not in own}
    foreign = (
        list(Task.objects.filter(pk__in=foreign_ids).values_list(*_TASK_INPUTS, "project__code", named=True))
        if foreign_ids
        else []
    )
    calendar_ids = {
        c
        for c in [project.calendar_id, *(t.calendar_id for t in tasks), *(t.calendar_id for t in foreign)]
        if c
    }
    stored, default = load_calendars(calendar_ids)
    project_cal_row = stored.get(project.calendar_id) if project.calendar_id else default
    engine_cals = {
        calendar_key(pk): calendar_to_engine(c, list(c.exceptions.all())) for pk, c in stored.items()
    }
    if project_cal_row is not None:
        project_cal = engine_cals[calendar_key(project_cal_row.pk)]
        minutes_per_day = project_cal_row.minutes_per_day
    else:
        project_cal = ec.STANDARD
        engine_cals[ec.STANDARD.id] = ec.STANDARD
        minutes_per_day = en.MINUTES_PER_DAY_DEFAULT

    clocks: dict[str, ec.WorkClock] = {}

    def clock_of(cal: ec.Calendar) -> ec.WorkClock:
        if cal.id not in clocks:
            clocks[cal.id] = ec.WorkClock(cal)
        return clocks[cal.id]

    def cal_of(task: Any) -> ec.Calendar:
        if task.calendar_id and calendar_key(task.calendar_id) in engine_cals:
            return engine_cals[calendar_key(task.calendar_id)]
        return project_cal

    parents = {t.parent_id for t in tasks if t.parent_id}
    engine_tasks: list[en.Task] = []
    for t in tasks:
        cal = cal_of(t)
        engine_tasks.append(_task_to_engine(t, cal, clock_of(cal), project_cal, summary=t.id in parents))
    external: dict[str, Task] = {}
    for t in foreign:
        external[str(t.id)] = t
        cal = cal_of(t)
        clock = clock_of(cal)
        pinned = t.start is not None and t.finish is not None
        engine_tasks.append(
            en.Task(
                id=str(t.id),
                name=f"{t.project__code}: {t.name}",
                duration=0 if t.kind == TaskKind.MILESTONE else t.duration_minutes,
                milestone=t.kind == TaskKind.MILESTONE,
                calendar=cal.id if cal is not project_cal else None,
                manual_start=day_start(clock, t.start) if pinned and t.start else None,
                manual_finish=(
                    day_start(clock, t.finish) if t.kind == TaskKind.MILESTONE else day_end(clock, t.finish)
                )
                if pinned and t.finish
                else None,
            )
        )
    engine_links = []
    for pred, succ, kind, lag, unit in links:
        amount, lag_unit = lag_to_engine(lag, unit, minutes_per_day)
        engine_links.append(en.Link(str(pred), str(succ), en.LinkType(kind), amount, lag_unit))
    start_day = (
        project.start
        or min((t.start for t in tasks if t.start), default=None)
        or today
        or timezone.localdate()
    )
    project_clock = clock_of(project_cal)
    plan = en.Plan(
        start=day_start(project_clock, start_day),
        tasks=tuple(engine_tasks),
        links=tuple(engine_links),
        calendars=tuple(engine_cals.values()),
        calendar=project_cal.id,
        deadline=day_end(project_clock, project.finish) if project.finish else None,
        status_date=day_end(project_clock, project.status_date) if project.status_date else None,
        minutes_per_day=minutes_per_day,
        name=project.name,
    )
    return ProjectPlan(project, plan, tasks, minutes_per_day, engine_cals, external)


def _task_to_engine(
    t: Any, cal: ec.Calendar, clock: ec.WorkClock, project_cal: ec.Calendar, *, summary: bool
) -> en.Task:
    constraint = en.ConstraintType(t.constraint_type or en.ConstraintType.ASAP)
    constraint_date = None
    if t.constraint_date and constraint in en.DATED_CONSTRAINTS:
        constraint_date = (day_start if constraint in _START_CONSTRAINTS else day_end)(
            clock, t.constraint_date
        )
    milestone = t.kind == TaskKind.MILESTONE
    duration = 0 if milestone or summary else t.duration_minutes
    estimate = None
    if t.optimistic_minutes is not None and t.pessimistic_minutes is not None and not summary:
        estimate = en.ThreePoint(t.optimistic_minutes, duration, t.pessimistic_minutes)
    percent = 100 if t.status == TaskStatus.DONE else t.percent_complete
    actual_finish = None
    if t.actual_finish and not summary:
        actual_finish = day_start(clock, t.actual_finish) if milestone else day_end(clock, t.actual_finish)
    return en.Task(
        id=str(t.id),
        name=t.name,
        duration=duration,
        milestone=milestone,
        parent=str(t.parent_id) if t.parent_id else None,
        calendar=cal.id if cal is not project_cal else None,
        constraint=constraint,
        constraint_date=constraint_date,
        deadline=day_end(clock, t.deadline) if t.deadline else None,
        actual_start=day_start(clock, t.actual_start) if t.actual_start and not summary else None,
        actual_finish=actual_finish,
        percent_complete=float(percent) if not summary else 0.0,
        estimate=estimate,
    )


# --- schedule -> rows -------------------------------------------------------------------------------------


def schedule_rows(plan: ProjectPlan, result: en.Schedule) -> list[dict[str, Any]]:
    """The computed columns of the project's tasks whose values changed, as ``{"id": ..., <column>: ...}``."""
    changed: list[dict[str, Any]] = []
    for task in plan.tasks:
        i = result.index.get(str(task.id))
        if i is None:
            continue
        values: dict[str, Any] = {
            "start": as_start_date(result.start[i]),
            "finish": as_finish_date(result.finish[i], result.start[i]),
            "late_start": as_start_date(result.late_start[i]),
            "late_finish": as_finish_date(result.late_finish[i], result.late_start[i]),
            "total_float_minutes": int(result.total_float[i]),
            "free_float_minutes": int(result.free_float[i]),
            "critical": bool(result.critical[i]),
        }
        if any(getattr(task, name) != value for name, value in values.items()):
            changed.append({"id": task.id, **values})
    return changed


def schedule_write(plan: ProjectPlan, result: en.Schedule) -> int:
    """Write the computed columns of the tasks that changed in one statement, however many there are;
    return how many tasks changed."""
    changed = schedule_rows(plan, result)
    if changed:
        tasks_write(changed)
    return len(changed)


def tasks_write(rows: list[dict[str, Any]]) -> None:
    """Store the scheduler's columns (``rows`` as from :func:`schedule_rows`). Django's ``bulk_update`` would
    split into a statement per ~100 rows on SQLite (its 999-parameter limit), so the rows travel as one JSON
    parameter instead: one UPDATE joined to ``json_each`` (SQLite) or ``jsonb_to_recordset`` (PostgreSQL)."""
    from django.db import connection

    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        Task.objects.bulk_update(
            [Task(pk=row["id"], **{n: row[n] for n in OUTPUT_FIELDS}) for row in rows], list(OUTPUT_FIELDS)
        )
        return
    import json

    meta = Task._meta
    columns = {name: str(getattr(meta.get_field(name), "column", name)) for name in OUTPUT_FIELDS}
    payload = json.dumps(
        [{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()} for row in rows]
    )
    q = connection.ops.quote_name
    table = q(meta.db_table)
    pk_column = q(str(meta.pk.column if meta.pk else "id"))
    if vendor == "sqlite":
        sets = ", ".join(f"{q(col)} = json_extract(j.value, '$.{name}')" for name, col in columns.items())
        sql = (
            f"UPDATE {table} SET {sets} FROM json_each(%s) AS j "
            f"WHERE {table}.{pk_column} = json_extract(j.value, '$.id')"
        )
    else:
        types = {
            "start": "date",
            "finish": "date",
            "late_start": "date",
            "late_finish": "date",
            "total_float_minutes": "integer",
            "free_float_minutes": "integer",
            "critical": "boolean",
        }
        sets = ", ".join(f"{q(col)} = v.{q(name)}" for name, col in columns.items())
        record = ", ".join(["id bigint", *(f"{q(name)} {types[name]}" for name in OUTPUT_FIELDS)])
        sql = (
            f"UPDATE {table} SET {sets} FROM jsonb_to_recordset(%s::jsonb) AS v({record}) "
            f"WHERE {table}.{pk_column} = v.id"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [payload])


def project_finish_date(result: en.Schedule) -> dt.date:
    return as_finish_date(result.project_finish, result.project_start)


# --- durations typed by people ----------------------------------------------------------------------------

_DURATION_UNITS = {
    "m": 1,
    "min": 1,
    "h": 60,
    "hr": 60,
    "d": None,
    "day": None,
    "days": None,
    "w": None,
    "wk": None,
}


def duration_parse(text: str, *, minutes_per_day: int) -> int:
    """``"3d"``, ``"4h"``, ``"1w"``, ``"90m"``, ``"2.5d"`` or a bare number of days, as working minutes
    (a week is five working days).

    >>> duration_parse("1w", minutes_per_day=480), duration_parse("1.5h", minutes_per_day=480)
    (2400, 90)
    """
    from portfolium.core.errors import ValidationError

    raw = (text or "").strip().lower().replace(" ", "")
    number = raw.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = raw[len(number) :] or "d"
    try:
        amount = Decimal(number)
    except ArithmeticError:
        amount = Decimal("-1")
    if unit not in _DURATION_UNITS or not number or amount < 0:
        raise ValidationError({"duration": "write a duration like 3d, 4h, 1w or 90m"})
    if unit in ("d", "day", "days"):
        factor = Decimal(minutes_per_day)
    elif unit in ("w", "wk"):
        factor = Decimal(minutes_per_day * 5)
    else:
        factor = Decimal(_DURATION_UNITS[unit] or 1)
    return int((amount * factor).to_integral_value())


def project_minutes_per_day(project: Project) -> int:
    """Minutes in a working day for the project's lags and typed durations (its calendar, else the default)."""
    if project.calendar_id:
        value = (
            WorkCalendar.objects.filter(pk=project.calendar_id)
            .values_list("minutes_per_day", flat=True)
            .first()
        )
    else:
        value = WorkCalendar.objects.filter(is_default=True).values_list("minutes_per_day", flat=True).first()
    return int(value or en.MINUTES_PER_DAY_DEFAULT)


def working_minutes(*, project: Project, calendar_id: int | None, start: dt.date, finish: dt.date) -> int:
    """Working minutes from the start of ``start`` to the end of ``finish`` on the task's calendar (the
    project's, else the default): the duration a person means by typing both dates."""
    wanted = calendar_id or project.calendar_id
    stored, default = load_calendars({wanted} if wanted else set())
    row = stored.get(wanted) if wanted else default
    calendar = calendar_to_engine(row, list(row.exceptions.all())) if row is not None else ec.STANDARD
    clock = ec.WorkClock(calendar)
    return max(
        0,
        clock.working_minutes_between(
            ec.to_minutes(day_start(clock, start)), ec.to_minutes(day_end(clock, finish))
        ),
    )
