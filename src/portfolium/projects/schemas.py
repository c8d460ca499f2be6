"""API schemas for projects, WBS tasks, the outline, checklists, comments, dependencies and goal links."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from portfolium.accounts.schemas import InputSchema, Ref, UserRef
from portfolium.portfolios.schemas import portfolio_ref_if_visible, program_ref_if_visible
from portfolium.projects.models import (
    ConstraintType,
    DependencyType,
    Health,
    LagUnit,
    Priority,
    Stage,
    TaskKind,
    TaskStatus,
)

CUSTOM_FILTER_HELP = (
    "Custom fields filter as extra query parameters `cf_<key>=value`; numbers and dates also take "
    "`cf_<key>=>=10` or `cf_<key>=<=2026-06-30`."
)

# --- projects ---------------------------------------------------------------------------------------------


class ProjectFiltersIn(Schema):
    portfolio: int | None = Field(None, description="this portfolio (and its sub-portfolios, see below)")
    include_sub_portfolios: bool = True
    program: int | None = None
    stage: list[str] = Field([], description="repeat for several: ?stage=planning&stage=execution")
    health: list[str] = Field([], description="repeat for several")
    priority: list[int] = Field([], description="1 low … 4 critical; repeat for several")
    manager: int | None = None
    tag: str | None = None
    search: str | None = Field(None, description="in code, name and description")
    starts_after: dt.date | None = None
    finishes_before: dt.date | None = None
    sort: str = Field("code", description="code, name, stage, health, priority, progress, start, finish, "
                                          "manager, portfolio, program, tasks, updated; prefix - to reverse")


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    description: str
    portfolio: Ref | None = Field(None, description="null when you hold no role on the portfolio")
    program: Ref | None = Field(None, description="null when there is none or you hold no role on it")
    sponsor: UserRef | None
    manager: UserRef | None
    stage: Stage
    start: dt.date | None
    finish: dt.date | None
    priority: Priority
    health: Health
    health_reason: str
    tags: list[str]
    custom_fields: dict[str, Any]
    progress: Decimal = Field(..., description="percent complete, rolled up from the WBS")
    task_count: int
    task_done_count: int
    task_blocked_count: int
    rollup_start: dt.date | None
    rollup_finish: dt.date | None
    calendar: int | None = Field(None, alias="calendar_id", description="working calendar; null: the default")
    status_date: dt.date | None = Field(None, description="the as-of date for progress")
    scheduled_finish: dt.date | None = Field(None, description="when the schedule says the work ends")
    schedule_error: str = Field("", description="why the last recalculation failed; empty when it worked")
    scheduled_at: dt.datetime | None = None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_portfolio(obj: Any, context: Any) -> Any:
        return portfolio_ref_if_visible(context, obj.portfolio)

    @staticmethod
    def resolve_program(obj: Any, context: Any) -> Any:
        return program_ref_if_visible(context, obj.program)

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class ProjectCreate(InputSchema):
    portfolio: int
    program: int | None = None
    code: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=200)
    description: str | None = None
    sponsor: int | None = None
    manager: int | None = None
    stage: Stage | None = None
    start: dt.date | None = None
    finish: dt.date | None = None
    priority: Priority | None = None
    health: Health | None = None
    health_reason: str | None = Field(None, max_length=500)
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None
    calendar: int | None = Field(None, description="working calendar id; omit for the default calendar")
    status_date: dt.date | None = None


class ProjectUpdate(InputSchema):
    """Only the fields sent change. ``custom_fields`` merges: a key sent as null removes that value."""

    portfolio: int | None = None
    program: int | None = None
    code: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    sponsor: int | None = None
    manager: int | None = None
    stage: Stage | None = None
    start: dt.date | None = None
    finish: dt.date | None = None
    priority: Priority | None = None
    health: Health | None = None
    health_reason: str | None = Field(None, max_length=500)
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None
    calendar: int | None = Field(None, description="working calendar id; null for the default calendar")
    status_date: dt.date | None = None


# --- tasks ------------------------------------------------------------------------------------------------


class TaskFiltersIn(Schema):
    status: list[str] = Field([], description="repeat for several")
    owner: int | None = None
    assignee: int | None = None
    kind: str | None = None
    due_before: dt.date | None = Field(None, description="due on or before this day")
    search: str | None = Field(None, description="in the name")


class TaskRef(Schema):
    id: int
    name: str


class TaskOut(Schema):
    id: int
    project: int = Field(..., alias="project_id")
    parent: int | None = Field(None, alias="parent_id")
    position: int
    kind: TaskKind
    name: str
    description: str
    owner: UserRef | None
    assignees: list[UserRef]
    status: TaskStatus
    blocked_reason: str
    priority: Priority
    start: dt.date | None
    finish: dt.date | None
    due_date: dt.date | None
    estimate_hours: Decimal | None
    estimate_points: Decimal | None
    percent_complete: int
    custom_fields: dict[str, Any]
    duration_minutes: int = Field(..., description="working minutes on the task's calendar (phases: rolled up)")
    optimistic_minutes: int | None
    pessimistic_minutes: int | None
    calendar: int | None = Field(None, alias="calendar_id", description="null: the project's calendar")
    constraint_type: ConstraintType
    constraint_date: dt.date | None
    deadline: dt.date | None
    actual_start: dt.date | None
    actual_finish: dt.date | None
    late_start: dt.date | None
    late_finish: dt.date | None
    total_float_minutes: int | None = Field(None, description="working minutes the task may slip without "
                                                              "delaying the project; negative: it is late")
    free_float_minutes: int | None = Field(None, description="working minutes it may slip without delaying "
                                                             "any successor")
    critical: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_assignees(obj: Any) -> list[Any]:
        return list(obj.assignees.all())


class TaskPlanFields(InputSchema):
    """The scheduling inputs a task takes on create and update."""

    duration_minutes: int | None = Field(None, ge=0, le=10_000_000, description="working minutes")
    duration: str | None = Field(None, max_length=20, description='readable duration instead of minutes: '
                                                                   '"3d", "4h", "1w", "90m"')
    optimistic_minutes: int | None = Field(None, ge=0, le=10_000_000)
    pessimistic_minutes: int | None = Field(None, ge=0, le=10_000_000)
    calendar: int | None = Field(None, description="working calendar id; null: the project's")
    constraint_type: ConstraintType | None = None
    constraint_date: dt.date | None = None
    deadline: dt.date | None = None
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None


class TaskCreate(TaskPlanFields):
    """Typing ``start`` pins it ("start no earlier than") unless a constraint is given; typing ``finish`` sets
    the duration to the working time up to it. The scheduler then computes ``start``/``finish``."""

    name: str = Field(..., min_length=1, max_length=300)
    kind: TaskKind | None = None
    parent: int | None = Field(None, description="the summary task to create it under; omit for top level")
    position: int | None = Field(None, ge=0, description="place among its siblings; omit to append")
    description: str | None = None
    owner: int | None = None
    assignees: list[int] | None = None
    status: TaskStatus | None = None
    blocked_reason: str | None = Field(None, max_length=500)
    priority: Priority | None = None
    start: dt.date | None = None
    finish: dt.date | None = None
    due_date: dt.date | None = None
    estimate_hours: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    estimate_points: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    percent_complete: int | None = Field(None, ge=0, le=100)
    custom_fields: dict[str, Any] | None = None


class TaskUpdate(TaskPlanFields):
    """Contributors may change status, blocked_reason, percent_complete, description and custom_fields;
    everything else needs the manager role. Use the move operations to change a task's place."""

    name: str | None = Field(None, min_length=1, max_length=300)
    kind: TaskKind | None = None
    description: str | None = None
    owner: int | None = None
    assignees: list[int] | None = None
    status: TaskStatus | None = None
    blocked_reason: str | None = Field(None, max_length=500)
    priority: Priority | None = None
    start: dt.date | None = None
    finish: dt.date | None = None
    due_date: dt.date | None = None
    estimate_hours: Decimal | None = Field(None, ge=0, max_digits=8, decimal_places=2)
    estimate_points: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    percent_complete: int | None = Field(None, ge=0, le=100)
    custom_fields: dict[str, Any] | None = None


class TaskMove(InputSchema):
    parent: int | None = Field(None, description="the new summary task; null for top level")
    position: int = Field(..., ge=0, description="place among the new siblings, 0 first")


class TaskShift(InputSchema):
    by: int = Field(..., description="negative moves up among its siblings, positive down")


class OutlineRowOut(Schema):
    """One WBS row: summary rows carry the progress and dates rolled up from their subtasks."""

    wbs: str = Field(..., description="1, 1.2, 1.2.3 …")
    depth: int
    is_summary: bool
    progress: int
    start: dt.date | None
    finish: dt.date | None
    task: TaskOut


class MyWorkItemOut(Schema):
    id: int
    name: str
    kind: TaskKind
    status: TaskStatus
    priority: Priority
    due_date: dt.date | None
    percent_complete: int
    project: Ref
    owner: UserRef | None


class MyWorkFilters(Schema):
    include_done: bool = False


# --- checklist, comments, dependencies --------------------------------------------------------------------


class ChecklistItemOut(Schema):
    id: int
    task: int = Field(..., alias="task_id")
    text: str
    done: bool
    position: int


class ChecklistItemCreate(InputSchema):
    text: str = Field(..., min_length=1, max_length=300)


class ChecklistItemUpdate(InputSchema):
    text: str | None = Field(None, min_length=1, max_length=300)
    done: bool | None = None


class CommentOut(Schema):
    id: int
    task: int = Field(..., alias="task_id")
    author: UserRef | None
    body: str
    created_at: dt.datetime
    updated_at: dt.datetime


class CommentIn(InputSchema):
    body: str = Field(..., min_length=1, max_length=10_000)


class LinkedTaskRef(Schema):
    id: int
    name: str
    project: int = Field(..., alias="project_id")


class DependencyOut(Schema):
    id: int
    project: int = Field(..., alias="project_id", description="the successor's project")
    predecessor: LinkedTaskRef
    successor: LinkedTaskRef
    type: DependencyType
    lag: Decimal = Field(..., description="negative for a lead")
    lag_unit: LagUnit = Field(..., description="d working days, ed elapsed days, h working hours, "
                                                "% percent of the predecessor's duration")


class DependencyCreate(InputSchema):
    predecessor: int = Field(..., description="a task of this project, or of another project of the same "
                                              "program or portfolio that you can see")
    successor: int = Field(..., description="a task of this project")
    type: DependencyType | None = None
    lag: Decimal | None = Field(None, max_digits=8, decimal_places=2)
    lag_unit: LagUnit | None = None


class DependencyUpdate(InputSchema):
    type: DependencyType | None = None
    lag: Decimal | None = Field(None, max_digits=8, decimal_places=2)
    lag_unit: LagUnit | None = None


# --- goal links -------------------------------------------------------------------------------------------


class ProjectGoalOut(Schema):
    goal: Ref
    contribution: int = Field(..., description="how much this project serves the goal, in percent")


class ProjectGoalIn(InputSchema):
    goal: int
    contribution: int = Field(100, ge=0, le=100)
