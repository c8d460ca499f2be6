"""Project pages: the project with its editable WBS outline, the task detail page and "My work".

Every edit is a small htmx POST that calls one service and answers with the re-rendered fragment; a
ValidationError comes back as the same fragment with the message next to the field, status 422.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portfolium.accounts.models import Role, User
from portfolium.accounts.roles import role_map_for
from portfolium.accounts.selectors import user_list
from portfolium.audit.selectors import audit_for_object, audit_for_project
from portfolium.audit.views import history_rows
from portfolium.core.errors import NotFound, ValidationError
from portfolium.core.htmx import handle_errors, redirect_after_write, render_page
from portfolium.portfolios.access import portfolio_get_for_user, program_get_for_user
from portfolium.portfolios.models import CustomFieldDefinition, FieldTarget, FieldType, StrategicGoal
from portfolium.portfolios.selectors import custom_field_definitions, portfolio_ancestor_ids, program_list
from portfolium.portfolios.views import portfolio_page_or_tree
from portfolium.portfolios.views_members import members_context
from portfolium.projects import services
from portfolium.projects.access import (
    checklist_item_get_for_user,
    dependency_get_for_user,
    project_get_for_user,
    task_get_for_user,
)
from portfolium.projects.forms import project_data, task_data
from portfolium.projects.models import (
    ConstraintType,
    DependencyType,
    Health,
    LagUnit,
    Priority,
    Project,
    ProjectGoal,
    Stage,
    Task,
    TaskKind,
    TaskStatus,
)
from portfolium.projects.selectors import OutlineRow, project_team, today, wbs_outline
from portfolium.projects.selectors import my_work as my_work_tasks
from portfolium.scheduling.adapters import project_minutes_per_day
from portfolium.scheduling.forms import link_data
from portfolium.scheduling.selectors import duration_label, lag_label, link_candidates

HISTORY_LIMIT = 40
NEW_TASK_NAME = "New task"


def _rights(role: int | None) -> dict[str, bool]:
    role = role or 0
    return {"can_plan": role >= Role.MANAGER, "can_update": role >= Role.CONTRIBUTOR}


def _crumbs(request: HttpRequest, project: Project) -> dict[str, Any]:
    """Portfolio and program names only for people who hold a role on them."""
    rolemap = role_map_for(request.user)
    show_program = project.program_id and rolemap.program_role(project.program_id, project.portfolio_id)
    return {
        "crumb_portfolio": project.portfolio if rolemap.portfolio_role(project.portfolio_id) else None,
        "crumb_program": project.program if show_program else None,
    }


def _people() -> list[User]:
    return list(user_list())


# --- the project page and its outline ---------------------------------------------------------------------


def _outline_context(
    request: HttpRequest,
    project: Project,
    *,
    errors: dict[str, str] | None = None,
    error_task: int | None = None,
    focus_task: int | None = None,
    add_errors: dict[str, str] | None = None,
    add_name: str = "",
) -> dict[str, Any]:
    rights = _rights(getattr(project, "user_role", None))
    rows = wbs_outline(project=project)
    per_day = project_minutes_per_day(project)
    _row_urls(rows)
    return {
        "project": project,
        "rows": rows,
        "durations": {
            r.task.pk: duration_label(
                0 if r.task.kind == TaskKind.MILESTONE else r.task.duration_minutes, per_day
            )
            for r in rows
            if not r.is_summary
        },
        "people": project_team(project=project) if rights["can_plan"] else [],
        "statuses": TaskStatus.choices,
        "kinds": TaskKind.choices,
        "row_errors": errors or {},
        "error_task": error_task,
        "focus_task": focus_task,
        "add_errors": add_errors or {},
        "add_name": add_name,
        "today": today(),
        "history": history_rows(audit_for_project(project_id=project.pk)[:HISTORY_LIMIT], user=request.user),
        **rights,
    }


_SENTINEL = 987654321
OUTLINE_LINKS = {"edit": ("projects:task_edit",), "open": ("projects:task",)} | {
    action.replace("-", "_"): ("projects:outline_action", action)
    for action in ("up", "down", "outdent", "indent", "add-below", "add-child", "delete")
}


def _row_urls(rows: list[OutlineRow]) -> None:
    """Each outline row's links, reversed once per kind and formatted per row: reverse() for each of the
    sixteen links of a row was half the time the outline took to render."""
    formats = {
        key: reverse(name, args=[_SENTINEL, *rest]).replace(str(_SENTINEL), "{}", 1)
        for key, (name, *rest) in OUTLINE_LINKS.items()
    }
    for row in rows:
        pk = row.task.pk
        row.urls = {key: fmt.format(pk) for key, fmt in formats.items()}


def _outline_response(
    request: HttpRequest, project_id: int, *, status: int = 200, **kwargs: Any
) -> HttpResponse:
    # Re-read the project: its rollups (progress, counts) changed with the edit.
    project = project_get_for_user(request.user, project_id)
    context = _outline_context(request, project, **kwargs)
    context["oob"] = True
    return render(request, "projects/_outline.html", context, status=status)


@login_required
@require_GET
@handle_errors
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = project_get_for_user(request.user, project_id)
    context = {
        **_outline_context(request, project),
        **_crumbs(request, project),
        **_head_context(request, project),
        **_goals_context(request, project),
        **members_context(request.user, "project", project),
        "nav": "portfolios",
    }
    return render_page(request, "projects/project.html", context)


def _custom_values(project: Project) -> list[tuple[str, str]]:
    definitions = custom_field_definitions(portfolio_id=project.portfolio_id, target=FieldTarget.PROJECT)
    values = project.custom_fields or {}
    user_ids = [values[d.key] for d in definitions if d.field_type == FieldType.USER and d.key in values]
    users = {u.pk: u.label for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    out = []
    for d in definitions:
        if d.key not in values:
            continue
        value = values[d.key]
        if d.field_type == FieldType.USER:
            value = users.get(value, "—")
        elif d.field_type == FieldType.DATE:
            value = dt.date.fromisoformat(value).strftime("%d %b %Y")
        out.append((d.label, str(value)))
    return out


@login_required
@require_GET
@handle_errors
def outline(request: HttpRequest, project_id: int) -> HttpResponse:
    """The outline fragment alone (used to cancel an inline form)."""
    return _outline_response(request, project_id)


@login_required
@require_POST
@handle_errors
def task_add(request: HttpRequest, project_id: int) -> HttpResponse:
    """Add a top-level task at the end of the WBS."""
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    name = request.POST.get("name", "").strip()
    kind = request.POST.get("kind") or TaskKind.TASK
    try:
        if not name:
            raise ValidationError({"name": "a task needs a name"})
        task = services.task_create(actor=request.user, project=project, data={"name": name, "kind": kind})
    except ValidationError as exc:
        return _outline_response(request, project.pk, status=422, add_errors=exc.errors, add_name=name)
    return _outline_response(request, project.pk, focus_task=task.pk)


OUTLINE_ACTIONS = {"indent", "outdent", "up", "down", "delete", "add-below", "add-child"}


@login_required
@require_POST
@handle_errors
def outline_action(request: HttpRequest, task_id: int, action: str) -> HttpResponse:
    """Restructure the WBS around one task; all of these need the manager role."""
    if action not in OUTLINE_ACTIONS:
        raise ValidationError({"action": f"unknown outline action {action!r}"})
    task = task_get_for_user(request.user, task_id, need=Role.MANAGER)
    project_id = task.project_id
    actor = request.user
    focus = None
    try:
        if action == "indent":
            services.task_indent(actor=actor, task=task)
        elif action == "outdent":
            services.task_outdent(actor=actor, task=task)
        elif action in ("up", "down"):
            services.task_shift(actor=actor, task=task, by=-1 if action == "up" else 1)
        elif action == "delete":
            services.task_delete(actor=actor, task=task)
        elif action == "add-below":
            focus = services.task_create(
                actor=actor,
                project=task.project,
                data={
                    "name": NEW_TASK_NAME,
                    "parent": task.parent_id,
                    "position": task.position + 1,
                },
            ).pk
        else:
            focus = services.task_create(
                actor=actor, project=task.project, data={"name": NEW_TASK_NAME, "parent": task.pk}
            ).pk
    except ValidationError as exc:
        return _outline_response(request, project_id, status=422, errors=exc.errors, error_task=task.pk)
    return _outline_response(request, project_id, focus_task=focus)


@login_required
@require_POST
@handle_errors
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    """Change some fields of a task. ``from`` says which fragment to answer with: outline, detail or mywork.

    Contributors may change status and progress; anything else needs the manager role (403).
    """
    task = task_get_for_user(request.user, task_id, need=Role.CONTRIBUTOR)
    where = request.POST.get("from", "outline")
    errors: dict[str, str] = {}
    try:
        data = task_data(request.POST)
        if where == "detail":
            data = _plan_changes_only(task, data)
        services.task_update(actor=request.user, task=task, data=data)
    except ValidationError as exc:
        errors = exc.errors
    status = 422 if errors else 200
    if where == "detail":
        task = task_get_for_user(request.user, task_id)
        context = {
            **_task_context(request, task, request.POST if errors else None),
            "errors": errors,
            "saved": not errors,
        }
        return render(request, "projects/_task_fields.html", context, status=status)
    if where == "mywork":
        task = task_get_for_user(request.user, task_id)
        item = WorkItem(task, True, _bucket(task, today()))
        return render(
            request,
            "projects/_my_work_row.html",
            {"item": item, "errors": errors, "statuses": TaskStatus.choices},
            status=status,
        )
    return _outline_response(
        request, task.project_id, status=status, errors=errors, error_task=task.pk if errors else None
    )


# --- the task page ----------------------------------------------------------------------------------------

PLAN_FIELDS = ("start", "finish", "duration", "constraint_type", "constraint_date", "deadline")


def _plan_changes_only(task: Task, data: dict[str, Any]) -> dict[str, Any]:
    """The detail form posts every field; pass on only the scheduling fields that changed, because typing a start
    pins it ("start no earlier than") and typing a finish sets the duration."""
    current = {
        "start": task.start,
        "finish": task.finish,
        "constraint_type": task.constraint_type,
        "constraint_date": task.constraint_date,
        "deadline": task.deadline,
        "duration": duration_label(task.duration_minutes, project_minutes_per_day(task.project)),
    }
    out = dict(data)
    for name in PLAN_FIELDS:
        if name in out and out[name] == current[name]:
            del out[name]
    if out.get("constraint_type") in ("ASAP", "ALAP"):
        out.pop("constraint_date", None)
    return out


def _task_values(task: Task, posted: Any = None) -> dict[str, Any]:
    """What the task form shows: the posted values after an error, else the task's own."""
    if posted:
        values = {name: posted.get(name, "") for name in posted}
        values["assignees"] = posted.getlist("assignees")
        return values

    def iso(day: dt.date | None) -> str:
        return day.isoformat() if day else ""

    return {
        "name": task.name,
        "kind": task.kind,
        "status": task.status,
        "blocked_reason": task.blocked_reason,
        "owner": str(task.owner_id or ""),
        "assignees": [str(u.pk) for u in task.assignees.all()],
        "priority": str(task.priority),
        "start": iso(task.start),
        "finish": iso(task.finish),
        "due_date": iso(task.due_date),
        "estimate_hours": "" if task.estimate_hours is None else str(task.estimate_hours),
        "estimate_points": "" if task.estimate_points is None else str(task.estimate_points),
        "percent_complete": str(task.percent_complete),
        "description": task.description,
        "duration": duration_label(task.duration_minutes, project_minutes_per_day(task.project)),
        "constraint_type": task.constraint_type,
        "constraint_date": iso(task.constraint_date),
        "deadline": iso(task.deadline),
    }


def _task_context(request: HttpRequest, task: Task, posted: Any = None) -> dict[str, Any]:
    rights = _rights(getattr(task.project, "user_role", None))
    return {
        "task": task,
        "v": _task_values(task, posted),
        "project": task.project,
        "assignees": list(task.assignees.all()),
        "people": project_team(project=task.project) if rights["can_plan"] else [],
        "statuses": TaskStatus.choices,
        "kinds": TaskKind.choices,
        "priorities": Priority.choices,
        "constraints": ConstraintType.choices,
        "duration": duration_label(
            0 if task.kind == TaskKind.MILESTONE else task.duration_minutes,
            project_minutes_per_day(task.project),
        ),
        "errors": {},
        **rights,
    }


def _checklist_context(task: Task, **extra: Any) -> dict[str, Any]:
    return {
        "task": task,
        "checklist": list(task.checklist.all()),
        "errors": {},
        **_rights(getattr(task.project, "user_role", None)),
        **extra,
    }


def _comments_context(task: Task, **extra: Any) -> dict[str, Any]:
    return {
        "task": task,
        "comments": list(task.comments.select_related("author")),
        "errors": {},
        **_rights(getattr(task.project, "user_role", None)),
        **extra,
    }


def _dependencies_context(task: Task, user: Any, **extra: Any) -> dict[str, Any]:
    """Links both ways (a task in a project the reader cannot see is not named) and, for managers, the tasks
    that may become predecessors: this project's and those of the projects beside it in its program."""
    rights = _rights(getattr(task.project, "user_role", None))
    candidates = link_candidates(project=task.project, user=user) if rights["can_plan"] else []
    rolemap = role_map_for(user)

    def visible(project: Project) -> bool:
        return rolemap.project_role(project.pk, project.program_id, project.portfolio_id) is not None

    predecessors = list(task.predecessor_links.select_related("predecessor__project"))
    successors = list(task.successor_links.select_related("successor__project"))
    for d in predecessors:
        d.other_hidden = not visible(d.predecessor.project)  # type: ignore[attr-defined]
        d.lag_text = lag_label(d.lag, d.lag_unit)  # type: ignore[attr-defined]
    for d in successors:
        d.other_hidden = not visible(d.successor.project)  # type: ignore[attr-defined]
        d.lag_text = lag_label(d.lag, d.lag_unit)  # type: ignore[attr-defined]
    return {
        "task": task,
        "predecessors": predecessors,
        "successors": successors,
        "candidates": [
            (group, [(pk, label) for pk, label in items if pk != task.pk]) for group, items in candidates
        ],
        "dependency_types": DependencyType.choices,
        "lag_units": LagUnit.choices,
        "errors": {},
        **rights,
        **extra,
    }


@login_required
@require_GET
@handle_errors
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = task_get_for_user(request.user, task_id)
    context = {
        **_task_context(request, task),
        **_checklist_context(task),
        **_comments_context(task),
        **_dependencies_context(task, request.user),
        **_crumbs(request, task.project),
        "history": history_rows(
            audit_for_object(object_type="task", object_id=task.pk)[:HISTORY_LIMIT], user=request.user
        ),
        "nav": "portfolios",
    }
    return render_page(request, "projects/task.html", context)


@login_required
@require_POST
@handle_errors
def checklist_add(request: HttpRequest, task_id: int) -> HttpResponse:
    task = task_get_for_user(request.user, task_id, need=Role.CONTRIBUTOR)
    text = request.POST.get("text", "")
    try:
        services.checklist_item_add(actor=request.user, task=task, text=text)
    except ValidationError as exc:
        return render(
            request,
            "projects/_checklist.html",
            _checklist_context(task, errors=exc.errors, text=text),
            status=422,
        )
    return render(request, "projects/_checklist.html", _checklist_context(task))


@login_required
@require_POST
@handle_errors
def checklist_toggle(request: HttpRequest, item_id: int) -> HttpResponse:
    item = checklist_item_get_for_user(request.user, item_id, need=Role.CONTRIBUTOR)
    services.checklist_item_update(actor=request.user, item=item, data={"done": not item.done})
    task = task_get_for_user(request.user, item.task_id)
    return render(request, "projects/_checklist.html", _checklist_context(task))


@login_required
@require_POST
@handle_errors
def checklist_delete(request: HttpRequest, item_id: int) -> HttpResponse:
    item = checklist_item_get_for_user(request.user, item_id, need=Role.CONTRIBUTOR)
    task_id = item.task_id
    services.checklist_item_delete(actor=request.user, item=item)
    task = task_get_for_user(request.user, task_id)
    return render(request, "projects/_checklist.html", _checklist_context(task))


@login_required
@require_POST
@handle_errors
def comment_add(request: HttpRequest, task_id: int) -> HttpResponse:
    task = task_get_for_user(request.user, task_id, need=Role.CONTRIBUTOR)
    body = request.POST.get("body", "")
    try:
        services.comment_add(actor=request.user, task=task, body=body)
    except ValidationError as exc:
        return render(
            request,
            "projects/_comments.html",
            _comments_context(task, errors=exc.errors, body=body),
            status=422,
        )
    return render(request, "projects/_comments.html", _comments_context(task))


@login_required
@require_POST
@handle_errors
def dependency_add(request: HttpRequest, task_id: int) -> HttpResponse:
    """Link another task of the project in front of this one (it becomes a predecessor)."""
    task = task_get_for_user(request.user, task_id, need=Role.MANAGER)
    try:
        try:
            predecessor = int(request.POST.get("predecessor", ""))
        except ValueError:
            raise ValidationError({"predecessor": "choose a task"}) from None
        services.dependency_create(
            actor=request.user,
            project=task.project,
            data={
                "predecessor": predecessor,
                "successor": task.pk,
                **link_data(request.POST),
            },
        )
    except ValidationError as exc:
        errors = dict(exc.errors)
        if "successor" in errors:  # the message is about the link as a whole: show it by the task chooser
            errors["predecessor"] = errors.pop("successor")
        return render(
            request,
            "projects/_dependencies.html",
            _dependencies_context(task, request.user, errors=errors),
            status=422,
        )
    return render(request, "projects/_dependencies.html", _dependencies_context(task, request.user))


@login_required
@require_POST
@handle_errors
def dependency_remove(request: HttpRequest, dependency_id: int) -> HttpResponse:
    dependency = dependency_get_for_user(request.user, dependency_id, need=Role.MANAGER)
    task_id = int(request.POST.get("task") or dependency.successor_id)
    services.dependency_delete(actor=request.user, dependency=dependency)
    task = task_get_for_user(request.user, task_id)
    return render(request, "projects/_dependencies.html", _dependencies_context(task, request.user))


# --- my work ----------------------------------------------------------------------------------------------


@dataclass
class WorkItem:
    task: Task
    can_update: bool
    bucket: str


BUCKETS = (("overdue", "Overdue"), ("week", "This week"), ("later", "Later"), ("none", "No date"))


def _bucket(task: Task, now: dt.date) -> str:
    if task.due_date is None:
        return "none"
    if task.due_date < now:
        return "overdue"
    if task.due_date <= now + dt.timedelta(days=6 - now.weekday()):
        return "week"
    return "later"


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    rolemap = role_map_for(request.user)
    now = today()
    groups: dict[str, list[WorkItem]] = {key: [] for key, _ in BUCKETS}
    for task in my_work_tasks(user=request.user).select_related("project__program"):
        p = task.project
        role = rolemap.project_role(p.pk, p.program_id, p.portfolio_id) or 0
        groups[_bucket(task, now)].append(WorkItem(task, role >= Role.CONTRIBUTOR, _bucket(task, now)))
    context = {
        "groups": [(key, label, groups[key]) for key, label in BUCKETS],
        "total": sum(len(v) for v in groups.values()),
        "statuses": TaskStatus.choices,
        "today": now,
        "nav": "mywork",
    }
    return render_page(request, "projects/my_work.html", context)


# --- managing the project: header form, create, delete, goal links ------------------------------------------


@dataclass
class CustomInput:
    """One custom field of the project form: its definition, the value to show and the error beside it."""

    definition: CustomFieldDefinition
    value: str
    error: str | None


def _project_values(project: Project | None, posted: Any = None) -> dict[str, str]:
    if posted is not None:
        return {name: posted.get(name, "") for name in posted}
    if project is None:
        return {"stage": Stage.INITIATION, "health": Health.GREEN, "priority": str(Priority.MEDIUM)}

    def iso(day: dt.date | None) -> str:
        return day.isoformat() if day else ""

    values = {
        "code": project.code,
        "name": project.name,
        "description": project.description,
        "stage": project.stage,
        "health": project.health,
        "health_reason": project.health_reason,
        "priority": str(project.priority),
        "start": iso(project.start),
        "finish": iso(project.finish),
        "manager": str(project.manager_id or ""),
        "sponsor": str(project.sponsor_id or ""),
        "program": str(project.program_id or ""),
        "tags": ", ".join(t.name for t in project.tags.all()),
    }
    for key, value in (project.custom_fields or {}).items():
        values[f"cf_{key}"] = str(value)
    return values


def _project_form_context(
    request: HttpRequest,
    *,
    portfolio_id: int,
    project: Project | None = None,
    fixed_program: Any = None,
    posted: Any = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything ``projects/_project_fields.html`` needs, for the create page and the header form alike.

    The program select lists the portfolio's programs the user can see; when the project sits in a program the
    user cannot see, the field is left out so that saving cannot move the project out of it.
    """
    errors = errors or {}
    values = _project_values(project, posted)
    definitions = custom_field_definitions(portfolio_id=portfolio_id, target=FieldTarget.PROJECT)
    programs = (
        [] if fixed_program is not None else list(program_list(user=request.user, portfolio_id=portfolio_id))
    )
    show_program = fixed_program is None and (
        project is None or project.program_id is None or any(p.pk == project.program_id for p in programs)
    )
    return {
        "v": values,
        "errors": errors,
        "custom_inputs": [
            CustomInput(d, values.get(f"cf_{d.key}", ""), errors.get(f"custom_fields.{d.key}"))
            for d in definitions
        ],
        "people": _people(),
        "programs": programs,
        "show_program": show_program,
        "fixed_program": fixed_program,
        "stages": Stage.choices,
        "healths": Health.choices,
        "priorities": Priority.choices,
        "other_errors": {
            k: m
            for k, m in errors.items()
            if k not in PROJECT_FORM_FIELDS and not k.startswith("custom_fields.")
        },
    }


PROJECT_FORM_FIELDS = {
    "code",
    "name",
    "description",
    "stage",
    "health",
    "health_reason",
    "priority",
    "start",
    "finish",
    "manager",
    "sponsor",
    "program",
    "tags",
}


def _head_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    role = getattr(project, "user_role", None) or 0
    return {
        "project": project,
        "tags": [t.name for t in project.tags.all()],
        "custom": _custom_values(project),
        "can_plan": role >= Role.MANAGER,
        "can_admin": role >= Role.ADMIN,
    }


def _goals_context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    """The project's goal links the user may know about, and the goals they may link it to."""
    rolemap = role_map_for(request.user)
    links = list(ProjectGoal.objects.filter(project=project).select_related("goal", "goal__portfolio"))
    shown = [link for link in links if rolemap.portfolio_role(link.goal.portfolio_id) is not None]
    can_plan = (getattr(project, "user_role", None) or 0) >= Role.MANAGER
    linkable: list[StrategicGoal] = []
    if can_plan:
        visible = [
            pid
            for pid in portfolio_ancestor_ids(project.portfolio_id)
            if rolemap.portfolio_role(pid) is not None
        ]
        linked = {link.goal_id for link in links}
        linkable = [
            g
            for g in StrategicGoal.objects.filter(portfolio_id__in=visible)
            .select_related("portfolio")
            .order_by("portfolio__name", "code")
            if g.pk not in linked
        ]
    # An error on a linked goal's contribution shows on its row; anything else on the "link a goal" form.
    errors: dict[str, str] = extra.pop("goal_errors", {})
    picked = extra.pop("error_goal", "")
    picked_id = int(picked) if str(picked).isdigit() else None
    on_row = picked_id is not None and any(link.goal_id == picked_id for link in shown)
    return {
        "project": project,
        "goals": shown,
        "hidden_goals": len(links) - len(shown),
        "linkable": linkable,
        "can_plan": can_plan,
        "row_goal": picked_id if on_row and errors else None,
        "row_error": " ".join(errors.values()) if on_row else "",
        "add_errors": {} if on_row else errors,
        "add_goal": None if on_row else picked_id,
        "add_contribution": extra.pop("contribution", "") if errors and not on_row else "",
        **extra,
    }


def _history_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    events = audit_for_project(project_id=project.pk)[:HISTORY_LIMIT]
    return {"history": history_rows(events, user=request.user), "oob": True}


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    """GET: the header as a form. POST: save it; the answer is the header again (and the history, out of band),
    or the form with each message beside its field (422)."""
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    if request.method == "POST":
        keys = [
            d.key
            for d in custom_field_definitions(portfolio_id=project.portfolio_id, target=FieldTarget.PROJECT)
        ]
        try:
            services.project_update(
                actor=request.user, project=project, data=project_data(request.POST, keys)
            )
        except ValidationError as exc:
            context = _project_form_context(
                request,
                portfolio_id=project.portfolio_id,
                project=project,
                posted=request.POST,
                errors=exc.errors,
            )
            return render(request, "projects/_head_form.html", {**context, "project": project}, status=422)
        project = project_get_for_user(request.user, project_id)
        context = {**_head_context(request, project), **_history_context(request, project), "saved": True}
        return render(request, "projects/_head.html", context)
    context = _project_form_context(request, portfolio_id=project.portfolio_id, project=project)
    return render(request, "projects/_head_form.html", {**context, "project": project})


@login_required
@require_GET
@handle_errors
def project_head(request: HttpRequest, project_id: int) -> HttpResponse:
    """The header alone (to cancel the form)."""
    project = project_get_for_user(request.user, project_id)
    return render(request, "projects/_head.html", _head_context(request, project))


@login_required
@require_http_methods(["GET", "POST"])
@handle_errors
def project_new(request: HttpRequest) -> HttpResponse:
    """``?portfolio=<id>`` or ``?program=<id>``: a new project there (manager there); then its page."""
    program = portfolio = None
    try:
        if request.GET.get("program"):
            program = program_get_for_user(request.user, int(request.GET["program"]), need=Role.MANAGER)
            portfolio_id = program.portfolio_id
        else:
            portfolio = portfolio_get_for_user(
                request.user, int(request.GET.get("portfolio") or 0), need=Role.MANAGER
            )
            portfolio_id = portfolio.pk
    except ValueError:
        raise NotFound("portfolio") from None
    errors: dict[str, str] = {}
    if request.method == "POST":
        keys = [
            d.key for d in custom_field_definitions(portfolio_id=portfolio_id, target=FieldTarget.PROJECT)
        ]
        try:
            data = project_data(request.POST, keys)
            data["portfolio"] = portfolio_id
            if program is not None:
                data["program"] = program.pk
            if not data.get("code"):
                raise ValidationError({"code": "give the project a short unique code"})
            project = services.project_create(actor=request.user, data=data)
        except ValidationError as exc:
            errors = exc.errors
        else:
            return redirect("projects:detail", project.pk)
    context = _project_form_context(
        request,
        portfolio_id=portfolio_id,
        fixed_program=program,
        posted=request.POST if errors else None,
        errors=errors,
    )
    if not errors and request.method == "GET":
        context["v"]["manager"] = str(request.user.pk)
    context.update(
        portfolio=portfolio or (program.portfolio if program else None),
        program=program,
        show_portfolio=role_map_for(request.user).portfolio_role(portfolio_id) is not None,
        nav="portfolios",
    )
    return render(request, "projects/project_new.html", context, status=422 if errors else 200)


@login_required
@require_POST
@handle_errors
def project_delete(request: HttpRequest, project_id: int) -> HttpResponse:
    """Admin only; afterwards the portfolio's page (or the tree, for someone who cannot see the portfolio)."""
    project = project_get_for_user(request.user, project_id, need=Role.ADMIN)
    portfolio_id = project.portfolio_id
    services.project_delete(actor=request.user, project=project)
    return redirect_after_write(request, portfolio_page_or_tree(request.user, portfolio_id))


@login_required
@require_POST
@handle_errors
def goal_link(request: HttpRequest, project_id: int) -> HttpResponse:
    """Link a goal, or change the contribution of a linked one (manager on the project)."""
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    rolemap = role_map_for(request.user)
    try:
        try:
            goal_id = int(request.POST.get("goal", ""))
        except ValueError:
            raise ValidationError({"goal": "choose a goal"}) from None
        raw = request.POST.get("contribution", "").strip()
        try:
            contribution = int(raw)
        except ValueError:
            raise ValidationError(
                {"contribution": f"expected a whole number from 0 to 100, got {raw!r}"}
            ) from None
        goal = StrategicGoal.objects.filter(pk=goal_id).only("portfolio_id").first()
        if goal is None or rolemap.portfolio_role(goal.portfolio_id) is None:
            raise ValidationError({"goal": "no such goal in this project's portfolio or its parents"})
        services.project_goal_link(
            actor=request.user, project=project, goal_id=goal_id, contribution=contribution
        )
    except ValidationError as exc:
        context = _goals_context(
            request,
            project,
            goal_errors=exc.errors,
            error_goal=request.POST.get("goal"),
            contribution=request.POST.get("contribution", ""),
        )
        return render(request, "projects/_goals.html", context, status=422)
    return render(
        request,
        "projects/_goals.html",
        {**_goals_context(request, project), **_history_context(request, project)},
    )


@login_required
@require_POST
@handle_errors
def goal_unlink(request: HttpRequest, project_id: int, goal_id: int) -> HttpResponse:
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    if (
        role_map_for(request.user).portfolio_role(
            StrategicGoal.objects.filter(pk=goal_id).values_list("portfolio_id", flat=True).first()
        )
        is None
    ):
        raise NotFound("goal")
    services.project_goal_unlink(actor=request.user, project=project, goal_id=goal_id)
    return render(
        request,
        "projects/_goals.html",
        {**_goals_context(request, project), **_history_context(request, project)},
    )
