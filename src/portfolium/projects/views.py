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
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from portfolium.accounts.models import Role, User
from portfolium.accounts.roles import role_map_for
from portfolium.accounts.selectors import user_list
from portfolium.audit.selectors import audit_for_object, audit_for_project
from portfolium.audit.views import history_rows
from portfolium.core.errors import ValidationError
from portfolium.core.htmx import handle_errors, render_page
from portfolium.portfolios.models import FieldTarget, FieldType
from portfolium.portfolios.selectors import custom_field_definitions
from portfolium.projects import services
from portfolium.projects.access import (
    checklist_item_get_for_user,
    dependency_get_for_user,
    project_get_for_user,
    task_get_for_user,
)
from portfolium.projects.forms import task_data
from portfolium.projects.models import (
    DependencyType,
    Priority,
    Project,
    ProjectGoal,
    Task,
    TaskKind,
    TaskStatus,
)
from portfolium.projects.selectors import my_work as my_work_tasks
from portfolium.projects.selectors import today, wbs_outline

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
    request: HttpRequest, project: Project, *, errors: dict[str, str] | None = None,
    error_task: int | None = None, focus_task: int | None = None, add_errors: dict[str, str] | None = None,
    add_name: str = "",
) -> dict[str, Any]:
    rights = _rights(getattr(project, "user_role", None))
    return {
        "project": project,
        "rows": wbs_outline(project=project),
        "people": _people() if rights["can_plan"] else [],
        "statuses": TaskStatus.choices,
        "kinds": TaskKind.choices,
        "row_errors": errors or {},
        "error_task": error_task,
        "focus_task": focus_task,
        "add_errors": add_errors or {},
        "add_name": add_name,
        "today": today(),
        "history": history_rows(audit_for_project(project_id=project.pk)[:HISTORY_LIMIT]),
        **rights,
    }


def _outline_response(request: HttpRequest, project_id: int, *, status: int = 200, **kwargs: Any) -> HttpResponse:
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
    rolemap = role_map_for(request.user)
    links = ProjectGoal.objects.filter(project=project).select_related("goal", "goal__portfolio")
    goals = [link for link in links if rolemap.portfolio_role(link.goal.portfolio_id) is not None]
    context = {
        **_outline_context(request, project),
        **_crumbs(request, project),
        "tags": [t.name for t in project.tags.all()],
        "custom": _custom_values(project),
        "goals": goals,
        "hidden_goals": len(links) - len(goals),
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
            focus = services.task_create(actor=actor, project=task.project, data={
                "name": NEW_TASK_NAME, "parent": task.parent_id, "position": task.position + 1,
            }).pk
        else:
            focus = services.task_create(actor=actor, project=task.project,
                                         data={"name": NEW_TASK_NAME, "parent": task.pk}).pk
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
        services.task_update(actor=request.user, task=task, data=task_data(request.POST))
    except ValidationError as exc:
        errors = exc.errors
    status = 422 if errors else 200
    if where == "detail":
        task = task_get_for_user(request.user, task_id)
        context = {**_task_context(request, task, request.POST if errors else None), "errors": errors,
                   "saved": not errors}
        return render(request, "projects/_task_fields.html", context, status=status)
    if where == "mywork":
        task = task_get_for_user(request.user, task_id)
        item = WorkItem(task, True, _bucket(task, today()))
        return render(request, "projects/_my_work_row.html",
                      {"item": item, "errors": errors, "statuses": TaskStatus.choices}, status=status)
    return _outline_response(request, task.project_id, status=status, errors=errors,
                             error_task=task.pk if errors else None)


# --- the task page ----------------------------------------------------------------------------------------


def _task_values(task: Task, posted: Any = None) -> dict[str, Any]:
    """What the task form shows: the posted values after an error, else the task's own."""
    if posted:
        values = {name: posted.get(name, "") for name in posted}
        values["assignees"] = posted.getlist("assignees")
        return values
    def iso(day: dt.date | None) -> str:
        return day.isoformat() if day else ""

    return {
        "name": task.name, "kind": task.kind, "status": task.status, "blocked_reason": task.blocked_reason,
        "owner": str(task.owner_id or ""), "assignees": [str(u.pk) for u in task.assignees.all()],
        "priority": str(task.priority), "start": iso(task.start), "finish": iso(task.finish),
        "due_date": iso(task.due_date), "estimate_hours": "" if task.estimate_hours is None else str(task.estimate_hours),
        "estimate_points": "" if task.estimate_points is None else str(task.estimate_points),
        "percent_complete": str(task.percent_complete), "description": task.description,
    }


def _task_context(request: HttpRequest, task: Task, posted: Any = None) -> dict[str, Any]:
    rights = _rights(getattr(task.project, "user_role", None))
    return {
        "task": task,
        "v": _task_values(task, posted),
        "project": task.project,
        "assignees": list(task.assignees.all()),
        "people": _people() if rights["can_plan"] else [],
        "statuses": TaskStatus.choices,
        "kinds": TaskKind.choices,
        "priorities": Priority.choices,
        "errors": {},
        **rights,
    }


def _checklist_context(task: Task, **extra: Any) -> dict[str, Any]:
    return {"task": task, "checklist": list(task.checklist.all()), "errors": {},
            **_rights(getattr(task.project, "user_role", None)), **extra}


def _comments_context(task: Task, **extra: Any) -> dict[str, Any]:
    return {"task": task, "comments": list(task.comments.select_related("author")), "errors": {},
            **_rights(getattr(task.project, "user_role", None)), **extra}


def _dependencies_context(task: Task, **extra: Any) -> dict[str, Any]:
    rights = _rights(getattr(task.project, "user_role", None))
    others = (
        list(Task.objects.filter(project_id=task.project_id).exclude(pk=task.pk).only("id", "name"))
        if rights["can_plan"] else []
    )
    return {
        "task": task,
        "predecessors": list(task.predecessor_links.select_related("predecessor")),
        "successors": list(task.successor_links.select_related("successor")),
        "other_tasks": others,
        "dependency_types": DependencyType.choices,
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
        **_dependencies_context(task),
        **_crumbs(request, task.project),
        "history": history_rows(audit_for_object(object_type="task", object_id=task.pk)[:HISTORY_LIMIT]),
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
        return render(request, "projects/_checklist.html",
                      _checklist_context(task, errors=exc.errors, text=text), status=422)
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
        return render(request, "projects/_comments.html", _comments_context(task, errors=exc.errors, body=body),
                      status=422)
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
        try:
            lag = int(request.POST.get("lag_days") or 0)
        except ValueError:
            raise ValidationError({"lag_days": "expected a whole number of days"}) from None
        services.dependency_create(actor=request.user, project=task.project, data={
            "predecessor": predecessor, "successor": task.pk,
            "type": request.POST.get("type") or DependencyType.FS, "lag_days": lag,
        })
    except ValidationError as exc:
        errors = dict(exc.errors)
        if "successor" in errors:  # the message is about the link as a whole: show it by the task chooser
            errors["predecessor"] = errors.pop("successor")
        return render(request, "projects/_dependencies.html", _dependencies_context(task, errors=errors),
                      status=422)
    return render(request, "projects/_dependencies.html", _dependencies_context(task))


@login_required
@require_POST
@handle_errors
def dependency_remove(request: HttpRequest, dependency_id: int) -> HttpResponse:
    dependency = dependency_get_for_user(request.user, dependency_id, need=Role.MANAGER)
    task_id = int(request.POST.get("task") or dependency.successor_id)
    services.dependency_delete(actor=request.user, dependency=dependency)
    task = task_get_for_user(request.user, task_id)
    return render(request, "projects/_dependencies.html", _dependencies_context(task))


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
