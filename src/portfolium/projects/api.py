"""REST endpoints for projects, their WBS tasks and outline, checklists, comments, dependencies, goal links
and "My work". Handlers reach every object through ``projects.access`` and leave the rules to services."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from portfolium.accounts.models import Role
from portfolium.accounts.schemas import MAX_PAGE_SIZE
from portfolium.projects import selectors, services
from portfolium.projects.access import (
    checklist_item_get_for_user,
    comment_get_for_user,
    dependency_get_for_user,
    project_get_for_user,
    task_get_for_user,
)
from portfolium.projects.models import ChecklistItem, Comment, Project, ProjectGoal, Task, TaskDependency
from portfolium.projects.schemas import (
    CUSTOM_FILTER_HELP,
    ChecklistItemCreate,
    ChecklistItemOut,
    ChecklistItemUpdate,
    CommentIn,
    CommentOut,
    DependencyCreate,
    DependencyOut,
    DependencyUpdate,
    MyWorkFilters,
    MyWorkItemOut,
    OutlineRowOut,
    ProjectCreate,
    ProjectFiltersIn,
    ProjectGoalIn,
    ProjectGoalOut,
    ProjectOut,
    ProjectUpdate,
    TaskCreate,
    TaskFiltersIn,
    TaskMove,
    TaskOut,
    TaskShift,
    TaskUpdate,
)
from portfolium.projects.selectors import OutlineRow, ProjectFilters

router = Router(tags=["projects"])


def _custom_filters(request: HttpRequest) -> dict[str, str]:
    """``?cf_<key>=value`` query parameters: custom fields are defined per portfolio, so not in the schema."""
    return {name[3:]: str(value) for name, value in request.GET.items() if name.startswith("cf_") and name[3:]}


# --- projects ---------------------------------------------------------------------------------------------


@router.get("/projects", response=list[ProjectOut], description=CUSTOM_FILTER_HELP)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def project_list(request: HttpRequest, filters: Query[ProjectFiltersIn]) -> Any:
    return selectors.project_list(
        user=request.user, filters=ProjectFilters(**filters.model_dump(), custom=_custom_filters(request))
    )


@router.get("/projects/{project_id}", response=ProjectOut)
def project_get(request: HttpRequest, project_id: int) -> Project:
    return project_get_for_user(request.user, project_id)


@router.post("/projects", response={201: ProjectOut},
             summary="Create a project (manager on the portfolio, or on the program it goes in)")
def project_create(request: HttpRequest, payload: ProjectCreate) -> Status[Project]:
    project = services.project_create(actor=request.user, data=payload.model_dump(exclude_unset=True))
    return Status(201, project_get_for_user(request.user, project.pk))


@router.patch("/projects/{project_id}", response=ProjectOut, summary="Update a project (manager)")
def project_update(request: HttpRequest, project_id: int, payload: ProjectUpdate) -> Project:
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    services.project_update(actor=request.user, project=project, data=payload.model_dump(exclude_unset=True))
    return project_get_for_user(request.user, project_id)


@router.delete("/projects/{project_id}", response={204: None}, summary="Delete a project and its WBS (admin)")
def project_delete(request: HttpRequest, project_id: int) -> Status[None]:
    project = project_get_for_user(request.user, project_id, need=Role.ADMIN)
    services.project_delete(actor=request.user, project=project)
    return Status(204, None)


# --- tasks and the WBS ------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/tasks", response=list[TaskOut], tags=["tasks"],
            description="Tasks in WBS order. " + CUSTOM_FILTER_HELP)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def task_list(request: HttpRequest, project_id: int, filters: Query[TaskFiltersIn]) -> Any:
    project = project_get_for_user(request.user, project_id)
    return selectors.task_list(
        user=request.user, project_id=project.pk, **filters.model_dump(), custom=_custom_filters(request)
    )


@router.post("/projects/{project_id}/tasks", response={201: TaskOut}, tags=["tasks"],
             summary="Add a task, phase or milestone to the WBS (manager)")
def task_create(request: HttpRequest, project_id: int, payload: TaskCreate) -> Status[Task]:
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    task = services.task_create(actor=request.user, project=project, data=payload.model_dump(exclude_unset=True))
    return Status(201, task_get_for_user(request.user, task.pk))


@router.get("/projects/{project_id}/outline", response=list[OutlineRowOut], tags=["tasks"],
            summary="The whole WBS in outline order, with WBS codes and summary rollups")
def project_outline(request: HttpRequest, project_id: int) -> list[OutlineRow]:
    return selectors.wbs_outline(project=project_get_for_user(request.user, project_id))


@router.get("/tasks/{task_id}", response=TaskOut, tags=["tasks"])
def task_get(request: HttpRequest, task_id: int) -> Task:
    return task_get_for_user(request.user, task_id)


@router.patch("/tasks/{task_id}", response=TaskOut, tags=["tasks"],
              summary="Update a task (contributor: status and progress; manager: the rest)")
def task_update(request: HttpRequest, task_id: int, payload: TaskUpdate) -> Task:
    task = task_get_for_user(request.user, task_id, need=Role.CONTRIBUTOR)
    services.task_update(actor=request.user, task=task, data=payload.model_dump(exclude_unset=True))
    return task_get_for_user(request.user, task_id)  # as stored: decimals at their scale


@router.delete("/tasks/{task_id}", response={204: None}, tags=["tasks"],
               summary="Delete a task with its subtasks (manager)")
def task_delete(request: HttpRequest, task_id: int) -> Status[None]:
    task = task_get_for_user(request.user, task_id, need=Role.MANAGER)
    services.task_delete(actor=request.user, task=task)
    return Status(204, None)


@router.post("/tasks/{task_id}/move", response=TaskOut, tags=["tasks"],
             summary="Put a task (with its subtasks) under a new parent at a position (manager)")
def task_move(request: HttpRequest, task_id: int, payload: TaskMove) -> Task:
    task = task_get_for_user(request.user, task_id, need=Role.MANAGER)
    return services.task_move(actor=request.user, task=task, parent=payload.parent, position=payload.position)


@router.post("/tasks/{task_id}/indent", response=TaskOut, tags=["tasks"],
             summary="Make the task the last child of the sibling above it (manager)")
def task_indent(request: HttpRequest, task_id: int) -> Task:
    task = task_get_for_user(request.user, task_id, need=Role.MANAGER)
    return services.task_indent(actor=request.user, task=task)


@router.post("/tasks/{task_id}/outdent", response=TaskOut, tags=["tasks"],
             summary="Make the task the sibling just after its parent (manager)")
def task_outdent(request: HttpRequest, task_id: int) -> Task:
    task = task_get_for_user(request.user, task_id, need=Role.MANAGER)
    return services.task_outdent(actor=request.user, task=task)


@router.post("/tasks/{task_id}/shift", response=TaskOut, tags=["tasks"],
             summary="Move the task up or down among its siblings (manager)")
def task_shift(request: HttpRequest, task_id: int, payload: TaskShift) -> Task:
    task = task_get_for_user(request.user, task_id, need=Role.MANAGER)
    return services.task_shift(actor=request.user, task=task, by=payload.by)


# --- checklist --------------------------------------------------------------------------------------------


@router.get("/tasks/{task_id}/checklist", response=list[ChecklistItemOut], tags=["checklists"])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def checklist_list(request: HttpRequest, task_id: int) -> Any:
    return selectors.checklist_list(task_id=task_get_for_user(request.user, task_id).pk)


@router.post("/tasks/{task_id}/checklist", response={201: ChecklistItemOut}, tags=["checklists"],
             summary="Add a checklist item (contributor)")
def checklist_item_add(request: HttpRequest, task_id: int, payload: ChecklistItemCreate) -> Status[ChecklistItem]:
    task = task_get_for_user(request.user, task_id, need=Role.CONTRIBUTOR)
    return Status(201, services.checklist_item_add(actor=request.user, task=task, text=payload.text))


@router.patch("/checklist-items/{item_id}", response=ChecklistItemOut, tags=["checklists"],
              summary="Tick or reword a checklist item (contributor)")
def checklist_item_update(request: HttpRequest, item_id: int, payload: ChecklistItemUpdate) -> ChecklistItem:
    item = checklist_item_get_for_user(request.user, item_id, need=Role.CONTRIBUTOR)
    return services.checklist_item_update(actor=request.user, item=item, data=payload.model_dump(exclude_unset=True))


@router.delete("/checklist-items/{item_id}", response={204: None}, tags=["checklists"],
               summary="Remove a checklist item (contributor)")
def checklist_item_delete(request: HttpRequest, item_id: int) -> Status[None]:
    item = checklist_item_get_for_user(request.user, item_id, need=Role.CONTRIBUTOR)
    services.checklist_item_delete(actor=request.user, item=item)
    return Status(204, None)


# --- comments ---------------------------------------------------------------------------------------------


@router.get("/tasks/{task_id}/comments", response=list[CommentOut], tags=["comments"])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def comment_list(request: HttpRequest, task_id: int) -> Any:
    return selectors.comment_list(task_id=task_get_for_user(request.user, task_id).pk)


@router.post("/tasks/{task_id}/comments", response={201: CommentOut}, tags=["comments"],
             summary="Comment on a task (contributor)")
def comment_add(request: HttpRequest, task_id: int, payload: CommentIn) -> Status[Comment]:
    task = task_get_for_user(request.user, task_id, need=Role.CONTRIBUTOR)
    return Status(201, services.comment_add(actor=request.user, task=task, body=payload.body))


@router.patch("/comments/{comment_id}", response=CommentOut, tags=["comments"],
              summary="Edit a comment (its author, or a manager)")
def comment_update(request: HttpRequest, comment_id: int, payload: CommentIn) -> Comment:
    comment = comment_get_for_user(request.user, comment_id, need=Role.CONTRIBUTOR)
    return services.comment_update(actor=request.user, comment=comment, body=payload.body)


@router.delete("/comments/{comment_id}", response={204: None}, tags=["comments"],
               summary="Delete a comment (its author, or a manager)")
def comment_delete(request: HttpRequest, comment_id: int) -> Status[None]:
    comment = comment_get_for_user(request.user, comment_id, need=Role.CONTRIBUTOR)
    services.comment_delete(actor=request.user, comment=comment)
    return Status(204, None)


# --- dependencies -----------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/dependencies", response=list[DependencyOut], tags=["dependencies"])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def dependency_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.dependency_list(project_id=project_get_for_user(request.user, project_id).pk)


@router.post("/projects/{project_id}/dependencies", response={201: DependencyOut}, tags=["dependencies"],
             summary="Link two tasks of the project (manager); a link that would close a cycle is refused")
def dependency_create(request: HttpRequest, project_id: int, payload: DependencyCreate) -> Status[TaskDependency]:
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    dependency = services.dependency_create(actor=request.user, project=project,
                                            data=payload.model_dump(exclude_unset=True))
    return Status(201, dependency_get_for_user(request.user, dependency.pk))  # as stored: lag at its scale


@router.patch("/dependencies/{dependency_id}", response=DependencyOut, tags=["dependencies"],
              summary="Change a link's type or lag (manager)")
def dependency_update(request: HttpRequest, dependency_id: int, payload: DependencyUpdate) -> TaskDependency:
    dependency = dependency_get_for_user(request.user, dependency_id, need=Role.MANAGER)
    services.dependency_update(actor=request.user, dependency=dependency, data=payload.model_dump(exclude_unset=True))
    return dependency_get_for_user(request.user, dependency_id)


@router.delete("/dependencies/{dependency_id}", response={204: None}, tags=["dependencies"],
               summary="Remove a link (manager)")
def dependency_delete(request: HttpRequest, dependency_id: int) -> Status[None]:
    dependency = dependency_get_for_user(request.user, dependency_id, need=Role.MANAGER)
    services.dependency_delete(actor=request.user, dependency=dependency)
    return Status(204, None)


# --- strategic goal links ---------------------------------------------------------------------------------


@router.get("/projects/{project_id}/goals", response=list[ProjectGoalOut], tags=["goals"],
            summary="The strategic goals this project serves")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def project_goal_list(request: HttpRequest, project_id: int) -> Any:
    return selectors.project_goal_links(project_id=project_get_for_user(request.user, project_id).pk)


@router.post("/projects/{project_id}/goals", response={201: ProjectGoalOut}, tags=["goals"],
             summary="Link the project to a goal of its portfolio or a parent portfolio (manager); "
                     "linking again changes the contribution")
def project_goal_link(request: HttpRequest, project_id: int, payload: ProjectGoalIn) -> Status[ProjectGoal]:
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    link = services.project_goal_link(actor=request.user, project=project, goal_id=payload.goal,
                                      contribution=payload.contribution)
    return Status(201, link)


@router.delete("/projects/{project_id}/goals/{goal_id}", response={204: None}, tags=["goals"],
               summary="Unlink the project from a goal (manager)")
def project_goal_unlink(request: HttpRequest, project_id: int, goal_id: int) -> Status[None]:
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    services.project_goal_unlink(actor=request.user, project=project, goal_id=goal_id)
    return Status(204, None)


# --- my work ----------------------------------------------------------------------------------------------


@router.get("/me/work", response=list[MyWorkItemOut], tags=["my work"],
            summary="Tasks I own or am assigned to, across every project I can see, soonest due first")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def my_work(request: HttpRequest, filters: Query[MyWorkFilters]) -> Any:
    return selectors.my_work(user=request.user, include_done=filters.include_done)
