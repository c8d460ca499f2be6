"""Writes for scheduling: recalculate a project's schedule, manage working calendars and baselines.

``schedule_recalculate`` runs inside every projects service that changes a plan, in the same transaction, so
that a plan the engine refuses (a loop of links, a bad constraint) is never stored.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from portfolium.accounts.access import org_admin_require
from portfolium.accounts.models import Role
from portfolium.audit.models import AuditAction
from portfolium.audit.services import audit_record, diff, snapshot
from portfolium.core.access import require_role
from portfolium.core.errors import ValidationError
from portfolium.core.validation import assign, clean_model
from portfolium.engine.cpm import schedule
from portfolium.engine.errors import CycleError, PlanError
from portfolium.projects.access import project_role
from portfolium.projects.models import Project, Task, TaskDependency
from portfolium.scheduling import adapters
from portfolium.scheduling.models import (
    Baseline,
    BaselineTask,
    CalendarException,
    RecurrenceKind,
    WorkCalendar,
)

#: How many projects one change may reschedule through cross-project links.
MAX_CASCADE = 200

CALENDAR_FIELDS = ("name", "description", "week", "minutes_per_day", "is_default")
EXCEPTION_FIELDS = (
    "name",
    "start",
    "finish",
    "working_times",
    "recurrence",
    "interval",
    "weekdays",
    "month_day",
    "month",
    "week_of_month",
    "weekday",
    "occurrences",
)


def _scope(project: Project) -> dict[str, Any]:
    return {"portfolio_id": project.portfolio_id, "program_id": project.program_id, "project_id": project.pk}


# --- the schedule -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleSummary:
    """What one recalculation did. ``error`` is empty when the plan scheduled."""

    project_id: int
    tasks_changed: int
    finish: dt.date | None
    critical_count: int
    duration_ms: float
    error: str = ""
    rescheduled_projects: list[int] = field(default_factory=list)


def schedule_recalculate(
    *, project: Project, raise_as: str | None = None, cascade: bool = True
) -> ScheduleSummary:
    """Schedule the project with the engine and write the computed dates, floats and critical flags of the
    tasks that changed, the project's scheduled finish and its rollups. A constant number of queries however
    large the project (plus as many again for each successor project reached by cross-project links).

    When the engine refuses the plan, ``raise_as`` names the field a ``ValidationError`` is raised against
    (so the calling write is rolled back); without it the message is stored in ``project.schedule_error``.
    """
    from portfolium.projects.services import project_rollup_refresh

    started = time.perf_counter()
    with transaction.atomic():
        plan = adapters.project_plan(project)
        try:
            result = schedule(plan.plan)
        except (CycleError, PlanError) as exc:
            message = _engine_message(exc, plan)
            if raise_as is not None:
                raise ValidationError({raise_as: message}) from None
            Project.objects.filter(pk=project.pk).update(
                schedule_error=message[:500], scheduled_at=timezone.now()
            )
            project.schedule_error = message[:500]
            return ScheduleSummary(
                project.pk,
                0,
                project.scheduled_finish,
                0,
                (time.perf_counter() - started) * 1000,
                error=message,
            )
        changed = adapters.schedule_write(plan, result)
        critical = sum(1 for t in plan.tasks if result.critical[result.index[str(t.id)]])
        finish = adapters.project_finish_date(result) if plan.tasks else None
        now = timezone.now()
        Project.objects.filter(pk=project.pk).update(
            scheduled_finish=finish, schedule_error="", scheduled_at=now
        )
        project.scheduled_finish, project.schedule_error, project.scheduled_at = finish, "", now
        project_rollup_refresh(project=project)  # also when no date moved: the edit may change counts
        rescheduled = _cascade(project) if cascade else []
    return ScheduleSummary(
        project.pk,
        changed,
        finish,
        critical,
        (time.perf_counter() - started) * 1000,
        rescheduled_projects=rescheduled,
    )


def _engine_message(exc: Exception, plan: adapters.ProjectPlan) -> str:
    """The engine names tasks by name already; external predecessors carry their project's code."""
    return str(exc)


def _cascade(project: Project) -> list[int]:
    """Reschedule the projects whose tasks follow this project's tasks, breadth first, each once."""
    done = {project.pk}
    frontier = [project.pk]
    out: list[int] = []
    while frontier and len(out) < MAX_CASCADE:
        next_ids = (
            set(
                TaskDependency.objects.filter(predecessor__project_id__in=frontier)
                .exclude(successor__project_id__in=frontier)
                .values_list("successor__project_id", flat=True)
            )
            - done
        )
        frontier = []
        for successor in Project.objects.filter(pk__in=next_ids).order_by("pk"):
            if len(out) >= MAX_CASCADE:
                break
            schedule_recalculate(project=successor, cascade=False)
            done.add(successor.pk)
            out.append(successor.pk)
            frontier.append(successor.pk)
    return out


def projects_schedule_recalculate(*, projects: Any) -> list[ScheduleSummary]:
    """Reschedule several projects (after a calendar change), storing rather than raising engine errors."""
    return [schedule_recalculate(project=p) for p in projects]


# --- calendars --------------------------------------------------------------------------------------------


def _check_times(value: Any, name: str, *, allow_empty: bool = True) -> list[list[int]]:
    if not isinstance(value, list):
        raise ValidationError({name: "give a list of [start, end] minute pairs"})
    out: list[list[int]] = []
    for pair in value:
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
        ):
            raise ValidationError({name: "each working period is [start, end] in minutes after midnight"})
        start, end = pair
        if not 0 <= start < end <= 1440:
            raise ValidationError(
                {name: f"period [{start}, {end}] must lie within 0..1440 and end after it starts"}
            )
        if out and start < out[-1][1]:
            raise ValidationError({name: "working periods must be in order and must not overlap"})
        out.append([start, end])
    if not out and not allow_empty:
        raise ValidationError({name: "give at least one working period"})
    return out


def week_clean(week: Any) -> list[list[list[int]]]:
    """Seven days, Monday first, each a sorted list of non-overlapping [start, end] minutes; some work."""
    if not isinstance(week, list) or len(week) != 7:
        raise ValidationError({"week": "give seven days, Monday first"})
    days = [_check_times(day, "week") for day in week]
    if not any(days):
        raise ValidationError({"week": "a calendar needs some working time in the week"})
    return days


def _calendar_affected(calendar: WorkCalendar) -> list[Project]:
    q = Q(calendar=calendar) | Q(tasks__calendar=calendar)
    if calendar.is_default:
        q |= Q(calendar__isnull=True)
    return list(Project.objects.filter(q).distinct().order_by("pk"))


def _calendar_defaults(calendar: WorkCalendar, data: dict[str, Any]) -> None:
    if "week" in data:
        data["week"] = week_clean(data["week"])
    if data.get("is_default"):
        WorkCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(is_default=False)


@transaction.atomic
def calendar_create(*, actor: Any, data: dict[str, Any]) -> WorkCalendar:
    """Organisation administrators only. The first calendar becomes the default."""
    org_admin_require(actor, "manage working calendars")
    data = dict(data)
    calendar = WorkCalendar()
    _calendar_defaults(calendar, data)
    assign(calendar, data, CALENDAR_FIELDS)
    calendar.name = (calendar.name or "").strip()
    if not WorkCalendar.objects.exists():
        calendar.is_default = True
    _calendar_unique(calendar)
    clean_model(calendar)
    calendar.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=calendar,
        changes=snapshot(calendar, CALENDAR_FIELDS),
        object_type="calendar",
    )
    if calendar.is_default:
        projects_schedule_recalculate(projects=_calendar_affected(calendar))
    return calendar


def _calendar_unique(calendar: WorkCalendar) -> None:
    if not calendar.name:
        raise ValidationError({"name": "give the calendar a name"})
    if WorkCalendar.objects.filter(name__iexact=calendar.name).exclude(pk=calendar.pk).exists():
        raise ValidationError({"name": f"a calendar named {calendar.name!r} already exists"})


@transaction.atomic
def calendar_update(*, actor: Any, calendar: WorkCalendar, data: dict[str, Any]) -> WorkCalendar:
    """Changing the week or hours reschedules every project that uses the calendar."""
    org_admin_require(actor, "manage working calendars")
    data = dict(data)
    if data.get("is_default") is False and calendar.is_default:
        raise ValidationError({"is_default": "make another calendar the default instead"})
    affected_before = _calendar_affected(calendar)
    before = snapshot(calendar, CALENDAR_FIELDS)
    _calendar_defaults(calendar, data)
    assign(calendar, data, CALENDAR_FIELDS)
    if "name" in data:
        calendar.name = (calendar.name or "").strip()
    _calendar_unique(calendar)
    clean_model(calendar)
    changes = diff(before, snapshot(calendar, CALENDAR_FIELDS))
    if changes:
        calendar.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=calendar, changes=changes, object_type="calendar"
        )
        if set(changes) - {"name", "description"}:
            seen = {p.pk for p in affected_before}
            affected = affected_before + [p for p in _calendar_affected(calendar) if p.pk not in seen]
            projects_schedule_recalculate(projects=affected)
    return calendar


@transaction.atomic
def calendar_delete(*, actor: Any, calendar: WorkCalendar) -> None:
    """Projects and tasks on the calendar fall back to the default one and are rescheduled."""
    org_admin_require(actor, "manage working calendars")
    if calendar.is_default and WorkCalendar.objects.exclude(pk=calendar.pk).exists():
        raise ValidationError(
            {"is_default": "this is the default calendar: make another one the default first"}
        )
    affected = _calendar_affected(calendar)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=calendar,
        changes=snapshot(calendar, CALENDAR_FIELDS),
        object_type="calendar",
    )
    calendar.delete()
    projects_schedule_recalculate(projects=affected)


def _exception_clean(row: CalendarException) -> None:
    row.name = (row.name or "").strip()
    if not row.name:
        raise ValidationError({"name": "give the exception a name"})
    if row.start and row.finish and row.finish < row.start:
        raise ValidationError({"finish": "the finish date is before the start date"})
    row.working_times = _check_times(row.working_times or [], "working_times")
    kind = row.recurrence or ""
    if kind not in RecurrenceKind.values:
        raise ValidationError(
            {"recurrence": f"expected one of {', '.join(v or 'once' for v in RecurrenceKind.values)}"}
        )
    weekdays = row.weekdays or []
    if not isinstance(weekdays, list) or not all(isinstance(d, int) and 0 <= d <= 6 for d in weekdays):
        raise ValidationError({"weekdays": "give weekdays as numbers 0 (Monday) to 6 (Sunday)"})
    row.weekdays = sorted(set(weekdays))
    if kind == RecurrenceKind.WEEKLY and not row.weekdays:
        raise ValidationError({"weekdays": "a weekly exception needs at least one weekday"})
    if kind in (RecurrenceKind.MONTHLY, RecurrenceKind.YEARLY):
        by_day = row.month_day is not None
        by_weekday = row.week_of_month is not None or row.weekday is not None
        if by_day == by_weekday:
            raise ValidationError(
                {"month_day": "give either a day of the month, or a week of the month and a weekday"}
            )
        if by_weekday and (row.week_of_month is None or row.weekday is None):
            field_name = "week_of_month" if row.week_of_month is None else "weekday"
            raise ValidationError({field_name: "give both the week of the month and the weekday"})
    if kind == RecurrenceKind.YEARLY and row.month is None:
        raise ValidationError({"month": "a yearly exception needs a month"})
    if kind and row.occurrences is None and row.start == row.finish:
        # A recurring exception runs from start until finish unless it counts occurrences: a one-day span would
        # mean a single occurrence, which is almost always a mistake.
        raise ValidationError(
            {
                "finish": "a recurring exception needs a finish date after its start, or a number of occurrences"
            }
        )


@transaction.atomic
def calendar_exception_add(*, actor: Any, calendar: WorkCalendar, data: dict[str, Any]) -> CalendarException:
    org_admin_require(actor, "manage working calendars")
    row = CalendarException(calendar=calendar)
    data = dict(data)
    if data.get("recurrence") is None:
        data.pop("recurrence", None)
    assign(row, data, EXCEPTION_FIELDS)
    if row.finish is None:
        row.finish = row.start
    _exception_clean(row)
    clean_model(row, exclude=["calendar"])
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=row,
        changes=snapshot(row, EXCEPTION_FIELDS),
        object_type="calendarexception",
    )
    projects_schedule_recalculate(projects=_calendar_affected(calendar))
    return row


@transaction.atomic
def calendar_exception_update(
    *, actor: Any, exception: CalendarException, data: dict[str, Any]
) -> CalendarException:
    org_admin_require(actor, "manage working calendars")
    data = dict(data)
    if "recurrence" in data and data["recurrence"] is None:
        data["recurrence"] = ""
    before = snapshot(exception, EXCEPTION_FIELDS)
    assign(exception, data, EXCEPTION_FIELDS)
    _exception_clean(exception)
    clean_model(exception, exclude=["calendar"])
    changes = diff(before, snapshot(exception, EXCEPTION_FIELDS))
    if changes:
        exception.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=exception,
            changes=changes,
            object_type="calendarexception",
        )
        if set(changes) != {"name"}:
            projects_schedule_recalculate(projects=_calendar_affected(exception.calendar))
    return exception


@transaction.atomic
def calendar_exception_delete(*, actor: Any, exception: CalendarException) -> None:
    org_admin_require(actor, "manage working calendars")
    calendar = exception.calendar
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=exception,
        changes=snapshot(exception, EXCEPTION_FIELDS),
        object_type="calendarexception",
    )
    exception.delete()
    projects_schedule_recalculate(projects=_calendar_affected(calendar))


# --- baselines --------------------------------------------------------------------------------------------


def _baseline_name(project: Project, name: str, exclude: int = 0) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "give the baseline a name"})
    if len(name) > 100:
        raise ValidationError({"name": "the name is longer than 100 characters"})
    if Baseline.objects.filter(project=project, name__iexact=name).exclude(pk=exclude).exists():
        raise ValidationError({"name": f"this project already has a baseline named {name!r}"})
    return name


@transaction.atomic
def baseline_save(*, actor: Any, project: Project, name: str) -> Baseline:
    """Snapshot every task's scheduled dates and duration under ``name`` (manager on the project)."""
    require_role(project_role(actor, project), Role.MANAGER, "project")
    name = _baseline_name(project, name)
    rows = list(
        Task.objects.filter(project_id=project.pk).values_list(
            "id", "name", "kind", "start", "finish", "duration_minutes"
        )
    )
    starts = [r[3] for r in rows if r[3]]
    try:
        with transaction.atomic():
            baseline = Baseline.objects.create(
                project=project,
                name=name,
                created_by=actor if getattr(actor, "pk", None) else None,
                project_start=min(starts) if starts else project.start,
                project_finish=project.scheduled_finish,
            )
    except IntegrityError:  # a concurrent save with the same name
        raise ValidationError({"name": f"this project already has a baseline named {name!r}"}) from None
    BaselineTask.objects.bulk_create(
        [
            BaselineTask(
                baseline=baseline,
                task_id=pk,
                name=task_name[:300],
                kind=kind,
                start=start,
                finish=finish,
                duration_minutes=minutes,
            )
            for pk, task_name, kind, start, finish, minutes in rows
        ],
        batch_size=2000,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=baseline,
        changes={"name": name, "tasks": len(rows), "project_finish": baseline.project_finish},
        object_type="baseline",
        **_scope(project),
    )
    return baseline


@transaction.atomic
def baseline_rename(*, actor: Any, baseline: Baseline, name: str) -> Baseline:
    project = baseline.project
    require_role(project_role(actor, project), Role.MANAGER, "project")
    name = _baseline_name(project, name, exclude=baseline.pk)
    if name != baseline.name:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=baseline,
            changes={"name": [baseline.name, name]},
            object_type="baseline",
            **_scope(project),
        )
        baseline.name = name
        baseline.save(update_fields=["name", "updated_at"])
    return baseline


@transaction.atomic
def baseline_delete(*, actor: Any, baseline: Baseline) -> None:
    project = baseline.project
    require_role(project_role(actor, project), Role.MANAGER, "project")
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=baseline,
        changes={"name": baseline.name},
        object_type="baseline",
        **_scope(project),
    )
    baseline.delete()


# --- export -----------------------------------------------------------------------------------------------


def project_plan_export(*, project: Project) -> dict[str, Any]:
    """The project as Portfolium plan JSON (``portfolium.interchange.plan``)."""
    from portfolium.interchange.plan import plan_dump

    plan = adapters.project_plan(project)
    result: dict[str, Any] = plan_dump(plan.plan)
    return result
