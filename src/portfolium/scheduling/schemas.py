"""API schemas for working calendars, a project's computed schedule, baselines and their comparison."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from portfolium.accounts.schemas import InputSchema, UserRef
from portfolium.projects.models import ConstraintType, TaskKind
from portfolium.scheduling.models import RecurrenceKind

Week = list[list[list[int]]]
Periods = list[list[int]]

# --- calendars --------------------------------------------------------------------------------------------


class CalendarExceptionOut(Schema):
    id: int
    name: str
    start: dt.date
    finish: dt.date
    working_times: Periods = Field(
        ..., description="[[start, end], ...] minutes after midnight; empty: a day off"
    )
    recurrence: RecurrenceKind = Field(..., description="empty: once, from start to finish")
    interval: int
    weekdays: list[int] = Field(..., description="0 = Monday, for weekly exceptions")
    month_day: int | None
    month: int | None
    week_of_month: int | None = Field(None, description="1-4, or 5 for the last")
    weekday: int | None
    occurrences: int | None


class CalendarOut(Schema):
    id: int
    name: str
    description: str
    week: Week = Field(
        ...,
        description="seven days, Monday first; each a list of [start, end] minutes after "
        "midnight, e.g. [[480, 720], [780, 1020]] for 08:00-12:00 and 13:00-17:00",
    )
    minutes_per_day: int = Field(..., description="the working minutes that one day of duration or lag means")
    is_default: bool
    exceptions: list[CalendarExceptionOut]

    @staticmethod
    def resolve_exceptions(obj: Any) -> list[Any]:
        return list(obj.exceptions.all())


class CalendarCreate(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    description: str | None = Field(None, max_length=300)
    week: Week | None = Field(None, description="omit for Monday to Friday, 08:00-12:00 and 13:00-17:00")
    minutes_per_day: int | None = Field(None, ge=1, le=1440)
    is_default: bool | None = None


class CalendarUpdate(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=300)
    week: Week | None = None
    minutes_per_day: int | None = Field(None, ge=1, le=1440)
    is_default: bool | None = Field(
        None, description="true makes this the default; the default cannot be unset"
    )


class CalendarExceptionCreate(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    start: dt.date
    finish: dt.date | None = Field(
        None, description="omit for a single day; for a recurring exception, the last day it may recur on"
    )
    working_times: Periods | None = Field(None, description="omit or [] for a day off")
    recurrence: RecurrenceKind | None = None
    interval: int | None = Field(None, ge=1, le=1000)
    weekdays: list[int] | None = None
    month_day: int | None = Field(None, ge=1, le=31)
    month: int | None = Field(None, ge=1, le=12)
    week_of_month: int | None = Field(None, ge=1, le=5)
    weekday: int | None = Field(None, ge=0, le=6)
    occurrences: int | None = Field(None, ge=1, le=10_000)


class CalendarExceptionUpdate(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    start: dt.date | None = None
    finish: dt.date | None = None
    working_times: Periods | None = None
    recurrence: RecurrenceKind | None = None
    interval: int | None = Field(None, ge=1, le=1000)
    weekdays: list[int] | None = None
    month_day: int | None = Field(None, ge=1, le=31)
    month: int | None = Field(None, ge=1, le=12)
    week_of_month: int | None = Field(None, ge=1, le=5)
    weekday: int | None = Field(None, ge=0, le=6)
    occurrences: int | None = Field(None, ge=1, le=10_000)


# --- the schedule -----------------------------------------------------------------------------------------


class ScheduleTaskOut(Schema):
    id: int
    wbs: str
    name: str
    kind: TaskKind
    summary: bool
    duration_minutes: int
    constraint_type: ConstraintType
    constraint_date: dt.date | None
    deadline: dt.date | None
    start: dt.date | None = Field(None, description="scheduled start")
    finish: dt.date | None = Field(None, description="scheduled finish")
    early_start: dt.date | None
    early_finish: dt.date | None
    late_start: dt.date | None
    late_finish: dt.date | None
    total_float_minutes: int | None
    total_float_days: Decimal | None
    free_float_minutes: int | None
    free_float_days: Decimal | None
    critical: bool


class ScheduleOut(Schema):
    project: int
    start: dt.date | None = Field(None, description="the date the schedule runs from")
    finish: dt.date | None = Field(None, description="the scheduled finish")
    target_finish: dt.date | None = Field(None, description="the project's finish date, a deadline")
    minutes_per_day: int
    scheduled_at: dt.datetime | None
    error: str = Field(..., description="why the last recalculation failed; empty when it worked")
    critical_path: list[int] = Field(..., description="critical tasks (not summaries) in order of start")
    tasks: list[ScheduleTaskOut]


class ScheduleSummaryOut(Schema):
    project: int = Field(..., alias="project_id")
    tasks_changed: int
    finish: dt.date | None
    critical_count: int
    duration_ms: float
    error: str
    rescheduled_projects: list[int] = Field(
        ..., description="successor projects rescheduled through cross-project links"
    )


# --- baselines --------------------------------------------------------------------------------------------


class BaselineOut(Schema):
    id: int
    name: str
    project: int = Field(..., alias="project_id")
    created_at: dt.datetime
    created_by: UserRef | None
    project_start: dt.date | None
    project_finish: dt.date | None
    task_count: int

    @staticmethod
    def resolve_task_count(obj: Any) -> int:
        count = getattr(obj, "task_count", None)
        return int(count) if count is not None else obj.tasks.count()


class BaselineCreate(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)


class BaselineUpdate(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)


class BaselineVarianceOut(Schema):
    """One task against the baseline; variances in working days (positive: later than baselined)."""

    task: int | None = Field(None, alias="task_id", description="null for a task deleted since the baseline")
    name: str
    wbs: str
    kind: str
    baseline_start: dt.date | None
    baseline_finish: dt.date | None
    start: dt.date | None
    finish: dt.date | None
    start_variance: int | None
    finish_variance: int | None
    state: str = Field(..., description="same, changed, added or removed")
    slipped: bool = Field(..., description="finishes later than baselined")
    unit: str = Field(..., description="d: working days, ed: elapsed days")
