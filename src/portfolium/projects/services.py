"""Writes for projects, their WBS, dependencies, checklists, comments and goal links.

Each service is one transaction that records an audit event and keeps the project's rollup fields current.
Callers fetch the objects through ``projects.access``; services check rights on anything else they touch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from portfolium.accounts.models import Role
from portfolium.accounts.roles import role_map_for
from portfolium.audit.models import AuditAction
from portfolium.audit.services import audit_record, diff, snapshot
from portfolium.core.access import require_role
from portfolium.core.errors import PermissionDenied, ValidationError
from portfolium.core.validation import assign, clean_model
from portfolium.portfolios.access import portfolio_get_for_user
from portfolium.portfolios.customfields import custom_values_clean
from portfolium.portfolios.models import FieldTarget, Program, StrategicGoal
from portfolium.portfolios.selectors import custom_field_definitions, portfolio_ancestor_ids
from portfolium.projects.access import project_role
from portfolium.projects.models import (
    ChecklistItem,
    Comment,
    ConstraintType,
    Project,
    ProjectGoal,
    Tag,
    Task,
    TaskDependency,
    TaskKind,
    TaskStatus,
)
from portfolium.projects.selectors import leaf_weight

PROJECT_FIELDS = (
    "portfolio", "program", "code", "name", "description", "sponsor", "manager", "stage",
    "start", "finish", "priority", "health", "health_reason", "calendar", "status_date",
)
# A change to any of these reschedules the project.
PROJECT_PLAN_FIELDS = {"start", "finish", "calendar", "status_date"}
TASK_FIELDS = (
    "kind", "name", "description", "owner", "status", "blocked_reason", "priority", "start", "finish",
    "due_date", "estimate_hours", "estimate_points", "percent_complete",
    "duration_minutes", "optimistic_minutes", "pessimistic_minutes", "calendar", "constraint_type",
    "constraint_date", "deadline", "actual_start", "actual_finish",
)
TASK_PLAN_FIELDS = {
    "kind", "status", "start", "finish", "percent_complete", "duration_minutes", "calendar", "constraint_type",
    "constraint_date", "deadline", "actual_start", "actual_finish",
}
# What a contributor may change on a task; the rest of the plan is the manager's.
TASK_CONTRIBUTOR_FIELDS = {"status", "blocked_reason", "percent_complete", "description", "custom_fields"}
DEPENDENCY_FIELDS = ("predecessor", "successor", "type", "lag", "lag_unit")


def _scope(project: Project) -> dict[str, Any]:
    return {"portfolio_id": project.portfolio_id, "program_id": project.program_id, "project_id": project.pk}


def _replan(project: Project, field: str) -> None:
    """Reschedule inside the calling write; a plan the engine refuses becomes a ValidationError on ``field``
    and rolls the write back."""
    from portfolium.scheduling.services import schedule_recalculate

    schedule_recalculate(project=project, raise_as=field)


# --- projects ---------------------------------------------------------------------------------------------


def _check_program(data: dict[str, Any], portfolio_id: int, actor: Any) -> None:
    program_id = data.get("program")
    if program_id is None:
        return
    program = Program.objects.filter(pk=program_id).only("portfolio_id").first()
    if program is None or role_map_for(actor).program_role(program.pk, program.portfolio_id) is None:
        raise ValidationError({"program": "no such program"})
    if program.portfolio_id != portfolio_id:
        raise ValidationError({"program": "the program belongs to another portfolio"})


def _check_dates(project: Project) -> None:
    # The database constraint would report this against no field; say which one is wrong.
    if project.start and project.finish and project.finish < project.start:
        raise ValidationError({"finish": "the finish date is before the start date"})


def _normalise_tags(names: Iterable[str]) -> list[Tag]:
    clean = sorted({n.strip().lower() for n in names if n and n.strip()})
    for name in clean:
        if len(name) > 50:
            raise ValidationError({"tags": f"tag {name[:20]!r}… is longer than 50 characters"})
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    missing = [Tag(name=n) for n in clean if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    return [existing[n] for n in clean]


@transaction.atomic
def project_create(*, actor: Any, data: dict[str, Any]) -> Project:
    """Needs manager on the portfolio, or on the program the project is created in."""
    data = dict(data)
    tags = data.pop("tags", None)
    custom = data.pop("custom_fields", None) or {}
    portfolio_id = data.get("portfolio")
    if portfolio_id is None:
        raise ValidationError({"portfolio": "a project belongs to a portfolio"})
    rolemap = role_map_for(actor)
    held = rolemap.program_role(data.get("program"), portfolio_id) if data.get("program") else rolemap.portfolio_role(portfolio_id)
    if rolemap.portfolio_role(portfolio_id) is None and held is None:
        raise ValidationError({"portfolio": "no such portfolio"})
    require_role(held, Role.MANAGER, "portfolio")
    _check_program(data, portfolio_id, actor)
    project = Project()
    assign(project, data, PROJECT_FIELDS)
    project.custom_fields = custom_values_clean(
        custom_field_definitions(portfolio_id=portfolio_id, target=FieldTarget.PROJECT), custom
    )
    _check_dates(project)
    clean_model(project)
    project.save()
    tag_objs = _normalise_tags(tags) if tags else []
    if tag_objs:
        project.tags.set(tag_objs)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=project,
                 changes={**snapshot(project, PROJECT_FIELDS), "tags": [t.name for t in tag_objs]}, **_scope(project))
    return project


@transaction.atomic
def project_update(*, actor: Any, project: Project, data: dict[str, Any]) -> Project:
    """Needs manager on the project; moving it to another portfolio needs manager there too."""
    data = dict(data)
    tags = data.pop("tags", None)
    custom = data.pop("custom_fields", None)
    before = snapshot(project, PROJECT_FIELDS)
    before_custom = dict(project.custom_fields)
    if "portfolio" in data and data["portfolio"] != project.portfolio_id:
        portfolio_get_for_user(actor, data["portfolio"], need=Role.MANAGER)
        if "program" not in data:
            data["program"] = None
    target_portfolio = data.get("portfolio", project.portfolio_id)
    if "program" in data and (data["program"] != project.program_id or target_portfolio != project.portfolio_id):
        # Also when moving portfolio with the program named again: it must belong to the new portfolio.
        _check_program(data, target_portfolio, actor)
    moving = target_portfolio != project.portfolio_id
    assign(project, data, PROJECT_FIELDS)
    if custom is not None or moving:
        definitions = custom_field_definitions(portfolio_id=target_portfolio, target=FieldTarget.PROJECT)
        existing = project.custom_fields
        if moving:
            # Values of fields the new portfolio does not define go (the audit event keeps them); its required
            # fields must be filled in the same request.
            keys = {d.key for d in definitions}
            existing = {k: v for k, v in existing.items() if k in keys}
        project.custom_fields = custom_values_clean(definitions, custom or {}, existing=existing)
    _check_dates(project)
    clean_model(project)
    changes = diff(before, snapshot(project, PROJECT_FIELDS))
    update_fields = list(changes)
    if project.custom_fields != before_custom:
        changes["custom_fields"] = [before_custom, project.custom_fields]
        update_fields.append("custom_fields")
    if tags is not None:
        old_tags = sorted(project.tags.values_list("name", flat=True))
        new = _normalise_tags(tags)
        if [t.name for t in new] != old_tags:
            project.tags.set(new)
            changes["tags"] = [old_tags, [t.name for t in new]]
    if update_fields:
        project.save(update_fields=[*update_fields, "updated_at"])
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=project, changes=changes, **_scope(project))
    replan = [name for name in PROJECT_FIELDS if name in changes and name in PROJECT_PLAN_FIELDS]
    if replan:
        _replan(project, replan[0])
    return project


@transaction.atomic
def project_delete(*, actor: Any, project: Project) -> None:
    audit_record(actor=actor, action=AuditAction.DELETE, obj=project,
                 changes=snapshot(project, PROJECT_FIELDS), **_scope(project))
    followers = _successor_projects(list(Task.objects.filter(project=project).values_list("id", flat=True)), project)
    project.delete()
    _replan_others(followers)  # their links to this project's tasks went with it


def project_rollup_refresh(*, project: Project) -> None:
    """Recompute the project's rollup fields from its leaf tasks (one query, one update)."""
    rows = list(
        Task.objects.filter(project_id=project.pk).values_list(
            "id", "parent_id", "kind", "status", "percent_complete", "estimate_hours", "start", "finish", "due_date"
        )
    )
    parents = {r[1] for r in rows if r[1] is not None}
    total = done_weight = Decimal("0")
    starts: list[dt.date] = []
    finishes: list[dt.date] = []
    count = done = blocked = 0
    for pk, _parent, kind, status, pct, hours, start, finish, due in rows:
        count += 1
        done += status == TaskStatus.DONE
        blocked += status == TaskStatus.BLOCKED
        if start:
            starts.append(start)
        end = finish or due
        if end:
            finishes.append(end)
        if pk in parents:
            continue
        weight = leaf_weight(kind, hours)
        total += weight
        done_weight += weight * pct
    progress = (done_weight / total).quantize(Decimal("0.1")) if total else Decimal("0")
    Project.objects.filter(pk=project.pk).update(
        progress=progress, task_count=count, task_done_count=done, task_blocked_count=blocked,
        rollup_start=min(starts) if starts else None, rollup_finish=max(finishes) if finishes else None,
    )
    project.progress, project.task_count, project.task_done_count = progress, count, done
    project.task_blocked_count = blocked
    project.rollup_start = min(starts) if starts else None
    project.rollup_finish = max(finishes) if finishes else None


# --- tasks and the WBS ------------------------------------------------------------------------------------


def _validate_task_state(task: Task, typed: Iterable[str] = ("start", "finish")) -> None:
    """``typed``: the fields the person gave. Scheduled dates are the engine's: a typed start is checked
    against a finish only when the finish was typed too (otherwise the reschedule moves the finish)."""
    both = {"start", "finish"} <= set(typed)
    if task.status == TaskStatus.BLOCKED and not task.blocked_reason.strip():
        raise ValidationError({"blocked_reason": "say why the task is blocked"})
    if task.status != TaskStatus.BLOCKED:
        task.blocked_reason = ""
    if task.status == TaskStatus.DONE:
        task.percent_complete = 100
    if both and task.kind == TaskKind.MILESTONE and task.start and task.finish and task.start != task.finish:
        raise ValidationError({"finish": "a milestone has no duration: start and finish must be the same day"})
    if both and task.start and task.finish and task.finish < task.start:
        raise ValidationError({"finish": "the finish date is before the start date"})
    if task.actual_start and task.actual_finish and task.actual_finish < task.actual_start:
        raise ValidationError({"actual_finish": "the actual finish is before the actual start"})
    if task.constraint_type in DATED_CONSTRAINTS and task.constraint_date is None:
        label = ConstraintType(task.constraint_type).label
        raise ValidationError({"constraint_date": f"a '{label}' constraint needs a date"})
    if task.constraint_type not in DATED_CONSTRAINTS:
        task.constraint_date = None
    if (task.optimistic_minutes is not None and task.pessimistic_minutes is not None
            and task.optimistic_minutes > task.pessimistic_minutes):
        raise ValidationError({"pessimistic_minutes": "the pessimistic duration is shorter than the optimistic one"})


DATED_CONSTRAINTS = {c.value for c in ConstraintType if c not in (ConstraintType.ASAP, ConstraintType.ALAP)}


def _plan_edits(task: Task, data: dict[str, Any], *, is_summary: bool) -> None:
    """Microsoft Project's editing rules, applied to ``data`` before it is assigned.

    Typing a start pins it with "start no earlier than" (unless a constraint is given); typing a finish sets
    the duration to the working time from the start to that finish; a readable ``duration`` ("3d", "4h", "1w")
    becomes ``duration_minutes``; summary rows roll up and take no dates; milestones last no time; moving to
    in progress or done records the actual dates.
    """
    from portfolium.scheduling.adapters import duration_parse, working_minutes

    text = data.pop("duration", None)
    if "constraint_type" in data and data["constraint_type"] is None:
        data["constraint_type"] = ConstraintType.ASAP
    kind = data.get("kind", task.kind)
    typed: list[str] = [name for name in ("start", "finish", "duration_minutes") if name in data]
    if text is not None:
        typed.insert(0, "duration")
    if typed and (kind == TaskKind.PHASE or is_summary):
        raise ValidationError({typed[0]: "a phase's dates and duration roll up from its tasks: change those instead"})
    if text is not None:
        if "duration_minutes" in data:
            raise ValidationError({"duration": "give duration or duration_minutes, not both"})
        data["duration_minutes"] = duration_parse(text, minutes_per_day=_minutes_per_day(task.project))
    if kind == TaskKind.MILESTONE:
        if data.get("duration_minutes"):
            raise ValidationError({"duration_minutes": "a milestone has no duration"})
        data["duration_minutes"] = 0
        if data.get("finish") and not data.get("start"):
            data["start"] = data["finish"]
    elif data.get("kind") == TaskKind.TASK and task.kind == TaskKind.MILESTONE and "duration_minutes" not in data:
        data["duration_minutes"] = 480
    if "start" in data and "constraint_type" not in data:
        if data["start"] is not None:
            data["constraint_type"], data["constraint_date"] = ConstraintType.SNET, data["start"]
        elif task.constraint_type == ConstraintType.SNET:
            data["constraint_type"], data["constraint_date"] = ConstraintType.ASAP, None
    finish = data.get("finish")
    if finish is not None and kind != TaskKind.MILESTONE and "duration_minutes" not in data:
        start = data.get("start") or task.start or task.project.start or today()
        if finish < start:
            raise ValidationError({"finish": "the finish date is before the start date"})
        data["duration_minutes"] = working_minutes(
            project=task.project, calendar_id=data.get("calendar", task.calendar_id), start=start, finish=finish
        )
    status = data.get("status")
    if status is not None and status != task.status:
        actual_start = data.get("actual_start", task.actual_start)
        scheduled_start = data.get("start") or task.start
        scheduled_finish = data.get("finish") or task.finish
        now = today()
        starting = status in (TaskStatus.IN_PROGRESS, TaskStatus.DONE) or (
            status == TaskStatus.BLOCKED and task.status == TaskStatus.IN_PROGRESS
        )
        if starting and actual_start is None:
            data["actual_start"] = scheduled_start if scheduled_start and scheduled_start <= now else now
        if status == TaskStatus.DONE and data.get("actual_finish", task.actual_finish) is None:
            data["actual_finish"] = scheduled_finish if scheduled_finish and scheduled_finish <= now else now
            if data.get("actual_start") and data["actual_finish"] < data["actual_start"]:
                data["actual_finish"] = data["actual_start"]
        if status != TaskStatus.DONE and task.status == TaskStatus.DONE and "actual_finish" not in data:
            data["actual_finish"] = None
        if status == TaskStatus.NOT_STARTED:
            data.setdefault("actual_start", None)
            data.setdefault("actual_finish", None)


def _minutes_per_day(project: Project) -> int:
    from portfolium.scheduling.adapters import project_minutes_per_day

    return project_minutes_per_day(project)


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _check_people(data: dict[str, Any], fields: Iterable[str]) -> None:
    from portfolium.accounts.models import User

    for name in fields:
        value = data.get(name)
        ids = value if isinstance(value, list) else ([value] if value is not None else [])
        if ids and User.objects.filter(pk__in=ids, is_active=True).count() != len(set(ids)):
            raise ValidationError({name: "no such active user"})


def _check_parent(project: Project, parent_id: int | None, moving: Task | None = None) -> None:
    if parent_id is None:
        return
    parent = Task.objects.filter(pk=parent_id, project=project).only("kind").first()
    if parent is None:
        raise ValidationError({"parent": "no such task in this project"})
    if parent.kind == TaskKind.MILESTONE:
        raise ValidationError({"parent": "a milestone cannot hold other tasks"})
    if moving is not None:
        ancestors = _ancestor_ids(project, parent_id)
        if moving.pk in ancestors:
            raise ValidationError({"parent": "a task cannot move under itself or its own subtasks"})


def _ancestor_ids(project: Project, task_id: int) -> list[int]:
    parents = dict(Task.objects.filter(project=project).values_list("id", "parent_id"))
    out: list[int] = []
    current: int | None = task_id
    while current is not None and current not in out:
        out.append(current)
        current = parents.get(current)
    return out


def _error_field(data: dict[str, Any], default: str) -> str:
    """Which field to name when the engine refuses the plan after this edit."""
    typed = [name for name in ("constraint_date", "start", "finish", "duration_minutes", "deadline") if name in data]
    return typed[0] if typed else default


def _refresh_schedule(task: Task) -> None:
    """Read back what the scheduler wrote on the task."""
    from portfolium.scheduling.adapters import OUTPUT_FIELDS

    task.refresh_from_db(fields=list(OUTPUT_FIELDS))


@transaction.atomic
def task_create(*, actor: Any, project: Project, data: dict[str, Any]) -> Task:
    data = dict(data)
    assignees = data.pop("assignees", None)
    custom = data.pop("custom_fields", None) or {}
    parent_id = data.pop("parent", None)
    position = data.pop("position", None)
    _check_parent(project, parent_id)
    _check_people(data, ["owner"])
    if assignees:
        _check_people({"assignees": assignees}, ["assignees"])
    task = Task(project=project, parent_id=parent_id)
    _plan_edits(task, data, is_summary=False)
    assign(task, data, TASK_FIELDS)
    task.custom_fields = custom_values_clean(
        custom_field_definitions(portfolio_id=project.portfolio_id, target=FieldTarget.TASK), custom
    )
    _validate_task_state(task)
    siblings = Task.objects.filter(project=project, parent_id=parent_id)
    last = siblings.aggregate(m=Max("position"))["m"]
    task.position = (last + 1) if last is not None else 0
    clean_model(task, exclude=["project", "parent"])
    task.save()
    if assignees:
        task.assignees.set(assignees)
    if position is not None:
        _place(task, parent_id, position)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=task,
                 changes={**snapshot(task, TASK_FIELDS), "parent": parent_id, "assignees": sorted(assignees or [])},
                 **_scope(project))
    _replan(project, _error_field(data, "name"))
    _refresh_schedule(task)
    return task


@transaction.atomic
def task_update(*, actor: Any, task: Task, data: dict[str, Any]) -> Task:
    """Contributors may update progress and status; the rest of the plan needs manager on the project."""
    data = dict(data)
    project = task.project
    held = require_role(project_role(actor, project), Role.CONTRIBUTOR, "task")
    if set(data) - TASK_CONTRIBUTOR_FIELDS and held < Role.MANAGER:
        fields = ", ".join(sorted(set(data) - TASK_CONTRIBUTOR_FIELDS))
        raise PermissionDenied(f"changing {fields} needs the manager role on this project")
    assignees = data.pop("assignees", None)
    custom = data.pop("custom_fields", None)
    if "parent" in data or "position" in data:
        raise ValidationError({"parent": "use the move operation to change a task's place in the WBS"})
    _check_people(data, ["owner"])
    before = snapshot(task, TASK_FIELDS)
    before_custom = dict(task.custom_fields)
    has_children = task.children.exists()
    if data.get("kind") == TaskKind.MILESTONE and has_children:
        raise ValidationError({"kind": "a task with subtasks cannot become a milestone"})
    _plan_edits(task, data, is_summary=has_children)
    typed = set(data)
    assign(task, data, TASK_FIELDS)
    if custom is not None:
        task.custom_fields = custom_values_clean(
            custom_field_definitions(portfolio_id=project.portfolio_id, target=FieldTarget.TASK),
            custom, existing=task.custom_fields,
        )
    _validate_task_state(task, typed)
    clean_model(task, exclude=["project", "parent"])
    changes = diff(before, snapshot(task, TASK_FIELDS))
    update_fields = list(changes)
    if task.custom_fields != before_custom:
        changes["custom_fields"] = [before_custom, task.custom_fields]
        update_fields.append("custom_fields")
    if assignees is not None:
        _check_people({"assignees": assignees}, ["assignees"])
        old = sorted(task.assignees.values_list("id", flat=True))
        if sorted(set(assignees)) != old:
            task.assignees.set(assignees)
            changes["assignees"] = [old, sorted(set(assignees))]
    if update_fields:
        task.save(update_fields=[*update_fields, "updated_at"])
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, changes=changes, **_scope(project))
    replan = [name for name in TASK_FIELDS if name in changes and name in TASK_PLAN_FIELDS]
    if replan:
        _replan(project, _error_field(data, replan[0]))
        _refresh_schedule(task)
    elif update_fields:
        project_rollup_refresh(project=project)
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: Task) -> None:
    """Deletes the task with its subtasks."""
    project = task.project
    subtree = len(_descendant_ids(task)) - 1
    audit_record(actor=actor, action=AuditAction.DELETE, obj=task,
                 changes={**snapshot(task, TASK_FIELDS), "subtasks_deleted": subtree}, **_scope(project))
    parent_id = task.parent_id
    successor_projects = _successor_projects([task.pk, *_descendant_ids(task)], project)
    task.delete()
    _renumber(project, parent_id)
    _replan(project, "parent")
    _replan_others(successor_projects)


def _successor_projects(task_ids: list[int], project: Project) -> list[Project]:
    """Other projects whose tasks follow these tasks (deleting them changes those projects' plans)."""
    ids = set(
        TaskDependency.objects.filter(predecessor_id__in=task_ids).exclude(successor__project_id=project.pk)
        .values_list("successor__project_id", flat=True)
    )
    return list(Project.objects.filter(pk__in=ids)) if ids else []


def _replan_others(projects: list[Project]) -> None:
    from portfolium.scheduling.services import schedule_recalculate

    for other in projects:
        schedule_recalculate(project=other)


def _descendant_ids(task: Task) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Task.objects.filter(project_id=task.project_id).values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, stack = [], [task.pk]
    while stack:
        pk = stack.pop()
        out.append(pk)
        stack.extend(children.get(pk, []))
    return out


def _renumber(project: Project, parent_id: int | None, order: list[Task] | None = None) -> None:
    siblings = order if order is not None else list(
        Task.objects.filter(project=project, parent_id=parent_id).order_by("position", "id")
    )
    changed = []
    for index, sibling in enumerate(siblings):
        if sibling.position != index:
            sibling.position = index
            changed.append(sibling)
    if changed:
        Task.objects.bulk_update(changed, ["position"])


def _place(task: Task, parent_id: int | None, position: int) -> None:
    siblings = [t for t in Task.objects.filter(project_id=task.project_id, parent_id=parent_id).order_by("position", "id") if t.pk != task.pk]
    position = max(0, min(position, len(siblings)))
    siblings.insert(position, task)
    task.parent_id = parent_id
    Task.objects.filter(pk=task.pk).update(parent_id=parent_id)
    _renumber(task.project, parent_id, siblings)


@transaction.atomic
def task_move(*, actor: Any, task: Task, parent: int | None, position: int) -> Task:
    """Put a task (with its subtasks) under ``parent`` at ``position`` among its new siblings."""
    project = task.project
    if position < 0:
        raise ValidationError({"position": "must be zero or more"})
    _check_parent(project, parent, moving=task)
    old_parent, old_position = task.parent_id, task.position
    _place(task, parent, position)
    if old_parent != parent:
        _renumber(project, old_parent)
    task.refresh_from_db(fields=["parent", "position"])
    if (old_parent, old_position) != (task.parent_id, task.position):
        if old_parent != task.parent_id:
            # Which tasks are summaries changed: links on a summary reach its new children, dates roll up anew.
            _replan(project, "parent")
            _refresh_schedule(task)
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task,
                     changes={"parent": [old_parent, task.parent_id], "position": [old_position, task.position]},
                     **_scope(project))
    return task


def _siblings(task: Task) -> list[Task]:
    return list(Task.objects.filter(project_id=task.project_id, parent_id=task.parent_id).order_by("position", "id"))


def task_indent(*, actor: Any, task: Task) -> Task:
    """Make the task the last child of the sibling above it."""
    siblings = _siblings(task)
    index = next(i for i, s in enumerate(siblings) if s.pk == task.pk)
    if index == 0:
        raise ValidationError({"position": "the first task at its level cannot be indented"})
    new_parent = siblings[index - 1]
    if new_parent.kind == TaskKind.MILESTONE:
        raise ValidationError({"parent": "a milestone cannot hold other tasks"})
    return task_move(actor=actor, task=task, parent=new_parent.pk, position=new_parent.children.count())


def task_outdent(*, actor: Any, task: Task) -> Task:
    """Make the task the sibling just after its parent."""
    if task.parent_id is None:
        raise ValidationError({"parent": "a top-level task cannot be outdented"})
    parent = Task.objects.get(pk=task.parent_id)
    return task_move(actor=actor, task=task, parent=parent.parent_id, position=parent.position + 1)


def task_shift(*, actor: Any, task: Task, by: int) -> Task:
    """Move the task up (``by`` < 0) or down among its siblings."""
    return task_move(actor=actor, task=task, parent=task.parent_id, position=max(0, task.position + by))


# --- dependencies -----------------------------------------------------------------------------------------


def _predecessor_for(actor: Any, project: Project, pred_id: int) -> Task:
    """The predecessor: a task of this project, or of another project of the same program or portfolio that
    the actor can at least view."""
    pred = Task.objects.select_related("project").filter(pk=pred_id).first()
    if pred is None:
        raise ValidationError({"predecessor": "no such task in this project"})
    if pred.project_id == project.pk:
        return pred
    other = pred.project
    related = (other.program_id is not None and other.program_id == project.program_id) or (
        other.portfolio_id == project.portfolio_id
    )
    if project_role(actor, other) is None:
        raise ValidationError({"predecessor": "no such task in this project or in a project you can see"})
    if not related:
        raise ValidationError({"predecessor": "a predecessor in another project must belong to the same program "
                                              "or portfolio as this project"})
    return pred


def _lag_clean(data: dict[str, Any]) -> None:
    if "lag" in data:
        try:
            data["lag"] = Decimal(str(data["lag"])) if data["lag"] is not None else Decimal("0")
        except (ArithmeticError, ValueError):
            raise ValidationError({"lag": "give a number (negative for a lead)"}) from None
        if not data["lag"].is_finite():
            raise ValidationError({"lag": "give a number (negative for a lead)"})


@transaction.atomic
def dependency_create(*, actor: Any, project: Project, data: dict[str, Any]) -> TaskDependency:
    """Link a predecessor (in this project, or another project of its program or portfolio) to a successor in
    this project. A link that would close a loop, within or across projects, is refused naming the loop."""
    data = dict(data)
    pred_id, succ_id = data.get("predecessor"), data.get("successor")
    if not isinstance(pred_id, int) or not isinstance(succ_id, int):
        raise ValidationError({"predecessor" if not isinstance(pred_id, int) else "successor": "give a task id"})
    if not Task.objects.filter(project=project, pk=succ_id).exists():
        raise ValidationError({"successor": "no such task in this project"})
    pred = _predecessor_for(actor, project, pred_id)
    if pred_id == succ_id:
        raise ValidationError({"successor": "a task cannot depend on itself"})
    if TaskDependency.objects.filter(predecessor_id=pred_id, successor_id=succ_id).exists():
        raise ValidationError({"successor": "this dependency already exists"})
    cycle = _path(start=succ_id, goal=pred_id)
    if cycle:
        names = _loop_names([pred_id, *cycle], project)
        raise ValidationError({"predecessor": "Links form a loop: " + " → ".join(names)})
    _lag_clean(data)
    dep = TaskDependency(project=project)
    assign(dep, data, DEPENDENCY_FIELDS)
    clean_model(dep, exclude=["project"])
    dep.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=dep,
                 changes=snapshot(dep, DEPENDENCY_FIELDS), object_type="dependency", **_scope(project))
    _replan(project, "predecessor")
    if pred.project_id != project.pk:
        dep.predecessor = pred
    return dep


def _loop_names(ids: list[int], project: Project) -> list[str]:
    rows = Task.objects.filter(pk__in=ids).select_related("project").only("name", "project__code")
    names = {t.pk: t.name if t.project_id == project.pk else f"{t.project.code}: {t.name}" for t in rows}
    return [names[i] for i in ids]


def _path(*, start: int, goal: int) -> list[int]:
    """A chain of successor links from ``start`` to ``goal``, across projects, or [] if there is none.
    One query per step of the search front, whatever the number of projects."""
    parent: dict[int, int | None] = {start: None}
    frontier = [start]
    while frontier:
        if goal in parent:
            break
        step = TaskDependency.objects.filter(predecessor_id__in=frontier).values_list("predecessor_id", "successor_id")
        frontier = []
        for p, s in step:
            if s not in parent:
                parent[s] = p
                frontier.append(s)
    if goal not in parent:
        return []
    path: list[int] = []
    node: int | None = goal
    while node is not None:
        path.append(node)
        node = parent[node]
    return path[::-1]


@transaction.atomic
def dependency_update(*, actor: Any, dependency: TaskDependency, data: dict[str, Any]) -> TaskDependency:
    fields = ("type", "lag", "lag_unit")
    data = dict(data)
    _lag_clean(data)
    before = snapshot(dependency, fields)
    assign(dependency, data, fields)
    clean_model(dependency, exclude=["project", "predecessor", "successor"])
    changes = diff(before, snapshot(dependency, fields))
    if changes:
        dependency.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=dependency, changes=changes,
                     object_type="dependency", **_scope(dependency.project))
        _replan(dependency.project, next(iter(changes)))
    return dependency


@transaction.atomic
def dependency_delete(*, actor: Any, dependency: TaskDependency) -> None:
    audit_record(actor=actor, action=AuditAction.DELETE, obj=dependency,
                 changes=snapshot(dependency, DEPENDENCY_FIELDS),
                 object_type="dependency", **_scope(dependency.project))
    project = dependency.project
    dependency.delete()
    _replan(project, "predecessor")


# --- checklist and comments -------------------------------------------------------------------------------


@transaction.atomic
def checklist_item_add(*, actor: Any, task: Task, text: str) -> ChecklistItem:
    last = task.checklist.aggregate(m=Max("position"))["m"]
    item = ChecklistItem(task=task, text=text.strip(), position=(last + 1) if last is not None else 0)
    if not item.text:
        raise ValidationError({"text": "the checklist item is empty"})
    clean_model(item, exclude=["task"])
    item.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=item, changes={"text": item.text},
                 object_type="checklistitem", **_scope(task.project))
    return item


@transaction.atomic
def checklist_item_update(*, actor: Any, item: ChecklistItem, data: dict[str, Any]) -> ChecklistItem:
    before = snapshot(item, ("text", "done"))
    if "text" in data:
        data = {**data, "text": (data["text"] or "").strip()}
        if not data["text"]:
            raise ValidationError({"text": "the checklist item is empty"})
    assign(item, data, ("text", "done"))
    clean_model(item, exclude=["task"])
    changes = diff(before, snapshot(item, ("text", "done")))
    if changes:
        item.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=item, changes=changes,
                     object_type="checklistitem", **_scope(item.task.project))
    return item


@transaction.atomic
def checklist_item_delete(*, actor: Any, item: ChecklistItem) -> None:
    audit_record(actor=actor, action=AuditAction.DELETE, obj=item, changes={"text": item.text},
                 object_type="checklistitem", **_scope(item.task.project))
    item.delete()


@transaction.atomic
def comment_add(*, actor: Any, task: Task, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "the comment is empty"})
    if len(body) > 10_000:
        raise ValidationError({"body": "the comment is longer than 10,000 characters"})
    comment = Comment.objects.create(task=task, author=actor, body=body)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=comment, changes={"body": body},
                 object_type="comment", **_scope(task.project))
    return comment


@transaction.atomic
def comment_update(*, actor: Any, comment: Comment, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "the comment is empty"})
    if body != comment.body:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=comment, changes={"body": [comment.body, body]},
                     object_type="comment", **_scope(comment.task.project))
        comment.body = body
        comment.save(update_fields=["body", "updated_at"])
    return comment


@transaction.atomic
def comment_delete(*, actor: Any, comment: Comment) -> None:
    audit_record(actor=actor, action=AuditAction.DELETE, obj=comment, changes={"body": comment.body},
                 object_type="comment", **_scope(comment.task.project))
    comment.delete()


# --- strategic goal links ---------------------------------------------------------------------------------


@transaction.atomic
def project_goal_link(*, actor: Any, project: Project, goal_id: int, contribution: int = 100) -> ProjectGoal:
    """Link a project to a goal of its portfolio (or an ancestor portfolio)."""
    goal = StrategicGoal.objects.filter(pk=goal_id, portfolio_id__in=portfolio_ancestor_ids(project.portfolio_id)).first()
    if goal is None:
        raise ValidationError({"goal": "no such goal in this project's portfolio or its parents"})
    if not 0 <= contribution <= 100:
        raise ValidationError({"contribution": "must be between 0 and 100"})
    link, created = ProjectGoal.objects.update_or_create(
        project=project, goal=goal, defaults={"contribution": contribution}
    )
    audit_record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=link,
                 changes={"goal": goal.pk, "contribution": contribution}, object_type="projectgoal",
                 **_scope(project))
    return link


@transaction.atomic
def project_goal_unlink(*, actor: Any, project: Project, goal_id: int) -> None:
    link = ProjectGoal.objects.filter(project=project, goal_id=goal_id).first()
    if link is None:
        raise ValidationError({"goal": "the project is not linked to this goal"})
    audit_record(actor=actor, action=AuditAction.DELETE, obj=link, changes={"goal": goal_id},
                 object_type="projectgoal", **_scope(project))
    link.delete()
