"""The one permission-checked way to reach a project, a task and the things that hang off them."""

from __future__ import annotations

from typing import Any

from portfolium.accounts.models import Role
from portfolium.accounts.roles import role_map_for
from portfolium.core.access import require_role
from portfolium.core.errors import NotFound
from portfolium.projects.models import ChecklistItem, Comment, Project, Task, TaskDependency


def project_role(user: Any, project: Project) -> int | None:
    return role_map_for(user).project_role(project.pk, project.program_id, project.portfolio_id)


def project_get_for_user(user: Any, project_id: int, *, need: int = Role.VIEWER) -> Project:
    """The project, with ``user_role`` set; NotFound if the user holds no role on it, 403 if too low."""
    try:
        project = Project.objects.select_related("portfolio", "program", "sponsor", "manager").get(pk=project_id)
    except Project.DoesNotExist:
        raise NotFound("project") from None
    project.user_role = require_role(project_role(user, project), need, "project")  # type: ignore[attr-defined]
    return project


def task_get_for_user(user: Any, task_id: int, *, need: int = Role.VIEWER) -> Task:
    try:
        task = Task.objects.select_related(
            "project", "project__portfolio", "project__program", "owner", "parent"
        ).get(pk=task_id)
    except Task.DoesNotExist:
        raise NotFound("task") from None
    held = require_role(project_role(user, task.project), need, "task")
    task.project.user_role = held  # type: ignore[attr-defined]
    return task


def dependency_get_for_user(user: Any, dependency_id: int, *, need: int = Role.VIEWER) -> TaskDependency:
    try:
        dep = TaskDependency.objects.select_related("project").get(pk=dependency_id)
    except TaskDependency.DoesNotExist:
        raise NotFound("dependency") from None
    dep.project.user_role = require_role(project_role(user, dep.project), need, "dependency")  # type: ignore[attr-defined]
    return dep


def checklist_item_get_for_user(user: Any, item_id: int, *, need: int = Role.VIEWER) -> ChecklistItem:
    try:
        item = ChecklistItem.objects.select_related("task", "task__project").get(pk=item_id)
    except ChecklistItem.DoesNotExist:
        raise NotFound("checklist item") from None
    require_role(project_role(user, item.task.project), need, "checklist item")
    return item


def comment_get_for_user(user: Any, comment_id: int, *, need: int = Role.VIEWER) -> Comment:
    try:
        comment = Comment.objects.select_related("task", "task__project", "author").get(pk=comment_id)
    except Comment.DoesNotExist:
        raise NotFound("comment") from None
    held = require_role(project_role(user, comment.task.project), Role.VIEWER, "comment")
    # Authors may always edit their own words; anyone else needs the requested role.
    if comment.author_id != getattr(user, "pk", None):
        require_role(held, max(need, Role.MANAGER) if need > Role.VIEWER else need, "comment")
    return comment
