"""REST endpoints for the audit trail: the history of one object, or of a whole project."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from portfolium.accounts.access import membership_get_for_user
from portfolium.accounts.schemas import MAX_PAGE_SIZE
from portfolium.audit import selectors
from portfolium.audit.schemas import AuditEventOut, AuditQuery
from portfolium.core.errors import NotFound
from portfolium.portfolios.access import (
    custom_field_get_for_user,
    goal_get_for_user,
    portfolio_get_for_user,
    program_get_for_user,
)
from portfolium.projects.access import (
    checklist_item_get_for_user,
    comment_get_for_user,
    dependency_get_for_user,
    project_get_for_user,
    task_get_for_user,
)
from portfolium.projects.models import ProjectGoal

router = Router(tags=["audit"])


def _project_goal_get_for_user(user: Any, link_id: int) -> ProjectGoal:
    link = ProjectGoal.objects.filter(pk=link_id).only("project_id").first()
    if link is None:
        raise NotFound("project goal link")
    project_get_for_user(user, link.project_id)
    return link


def _team_get_for_user(user: Any, team_id: int) -> None:
    # Teams are organisation-wide and managed by administrators; so is their history.
    if not getattr(user, "is_superuser", False):
        raise NotFound("team")


# Each object type's access door: the history of an object is visible exactly when the object is.
ACCESS_DOORS: dict[str, Callable[[Any, int], Any]] = {
    "portfolio": portfolio_get_for_user,
    "program": program_get_for_user,
    "project": project_get_for_user,
    "task": task_get_for_user,
    "dependency": dependency_get_for_user,
    "checklistitem": checklist_item_get_for_user,
    "comment": comment_get_for_user,
    "strategicgoal": goal_get_for_user,
    "customfield": custom_field_get_for_user,
    "projectgoal": _project_goal_get_for_user,
    "membership": membership_get_for_user,
    "team": _team_get_for_user,
}


@router.get("/audit", response=list[AuditEventOut], summary="The history of one object, newest first")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def audit_for_object(request: HttpRequest, query: Query[AuditQuery]) -> Any:
    ACCESS_DOORS[query.object_type](request.user, query.object_id)
    return selectors.audit_for_object(object_type=query.object_type, object_id=query.object_id)


@router.get("/projects/{project_id}/history", response=list[AuditEventOut],
            summary="Everything recorded against a project and its tasks, links and comments, newest first")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def project_history(request: HttpRequest, project_id: int) -> Any:
    project = project_get_for_user(request.user, project_id)
    return selectors.audit_for_project(project_id=project.pk)
