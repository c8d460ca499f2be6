"""REST endpoints for portfolios, programs, strategic goals and custom field definitions."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from portfolium.accounts.models import Role
from portfolium.accounts.schemas import MAX_PAGE_SIZE
from portfolium.portfolios import selectors, services
from portfolium.portfolios.access import (
    custom_field_get_for_user,
    goal_get_for_user,
    portfolio_get_for_user,
    program_get_for_user,
)
from portfolium.portfolios.models import CustomFieldDefinition, Portfolio, Program, StrategicGoal
from portfolium.portfolios.schemas import (
    CustomFieldCreate,
    CustomFieldFilters,
    CustomFieldOut,
    CustomFieldUpdate,
    GoalCreate,
    GoalDetailOut,
    GoalFilters,
    GoalOut,
    GoalUpdate,
    PortfolioCreate,
    PortfolioFilters,
    PortfolioOut,
    PortfolioTreeOut,
    PortfolioUpdate,
    ProgramCreate,
    ProgramDetailOut,
    ProgramFilters,
    ProgramOut,
    ProgramUpdate,
    RollupOut,
)
from portfolium.projects.selectors import (
    ProjectFilters,
    Rollup,
    goal_project_links,
    project_list,
    rollup_projects,
)

router = Router(tags=["portfolios"])


# --- portfolios -------------------------------------------------------------------------------------------


@router.get("/portfolios", response=list[PortfolioOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def portfolio_list(request: HttpRequest, filters: Query[PortfolioFilters]) -> Any:
    return selectors.portfolio_list(user=request.user, parent_id=filters.parent, search=filters.search)


@router.get("/portfolios/tree", response=list[PortfolioTreeOut],
            summary="Visible portfolios as a forest, with programs and project counts by health")
def portfolio_tree(request: HttpRequest) -> Any:
    return selectors.portfolio_tree(user=request.user)


@router.get("/portfolios/{portfolio_id}", response=PortfolioOut)
def portfolio_get(request: HttpRequest, portfolio_id: int) -> Portfolio:
    return portfolio_get_for_user(request.user, portfolio_id)


@router.post("/portfolios", response={201: PortfolioOut},
             summary="Create a portfolio (top level: organisation administrators; child: manager on the parent)")
def portfolio_create(request: HttpRequest, payload: PortfolioCreate) -> Status[Portfolio]:
    return Status(201, services.portfolio_create(actor=request.user, data=payload.model_dump(exclude_unset=True)))


@router.patch("/portfolios/{portfolio_id}", response=PortfolioOut, summary="Update a portfolio (manager)")
def portfolio_update(request: HttpRequest, portfolio_id: int, payload: PortfolioUpdate) -> Portfolio:
    portfolio = portfolio_get_for_user(request.user, portfolio_id, need=Role.MANAGER)
    return services.portfolio_update(actor=request.user, portfolio=portfolio,
                                     data=payload.model_dump(exclude_unset=True))


@router.delete("/portfolios/{portfolio_id}", response={204: None}, summary="Delete an empty portfolio (admin)")
def portfolio_delete(request: HttpRequest, portfolio_id: int) -> Status[None]:
    portfolio = portfolio_get_for_user(request.user, portfolio_id, need=Role.ADMIN)
    services.portfolio_delete(actor=request.user, portfolio=portfolio)
    return Status(204, None)


@router.get("/portfolios/{portfolio_id}/rollup", response=RollupOut,
            summary="The projects of a portfolio and its sub-portfolios, added up")
def portfolio_rollup(request: HttpRequest, portfolio_id: int) -> Rollup:
    portfolio = portfolio_get_for_user(request.user, portfolio_id)
    return rollup_projects(project_list(user=request.user, filters=ProjectFilters(portfolio=portfolio.pk)))


# --- programs ---------------------------------------------------------------------------------------------


@router.get("/programs", response=list[ProgramOut], tags=["programs"])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def program_list(request: HttpRequest, filters: Query[ProgramFilters]) -> Any:
    return selectors.program_list(user=request.user, portfolio_id=filters.portfolio, search=filters.search)


def _program_detail(request: HttpRequest, program: Program) -> Program:
    program.rollup = rollup_projects(  # type: ignore[attr-defined]
        project_list(user=request.user, filters=ProjectFilters(program=program.pk))
    )
    return program


@router.get("/programs/{program_id}", response=ProgramDetailOut, tags=["programs"],
            summary="A program with the rollup of its projects")
def program_get(request: HttpRequest, program_id: int) -> Program:
    return _program_detail(request, program_get_for_user(request.user, program_id))


@router.post("/programs", response={201: ProgramDetailOut}, tags=["programs"],
             summary="Create a program (manager on the portfolio)")
def program_create(request: HttpRequest, payload: ProgramCreate) -> Status[Program]:
    program = services.program_create(actor=request.user, data=payload.model_dump(exclude_unset=True))
    return Status(201, _program_detail(request, program))


@router.patch("/programs/{program_id}", response=ProgramDetailOut, tags=["programs"],
              summary="Update a program (manager)")
def program_update(request: HttpRequest, program_id: int, payload: ProgramUpdate) -> Program:
    program = program_get_for_user(request.user, program_id, need=Role.MANAGER)
    program = services.program_update(actor=request.user, program=program,
                                      data=payload.model_dump(exclude_unset=True))
    return _program_detail(request, program)


@router.delete("/programs/{program_id}", response={204: None}, tags=["programs"],
               summary="Delete a program (admin); its projects stay in the portfolio")
def program_delete(request: HttpRequest, program_id: int) -> Status[None]:
    program = program_get_for_user(request.user, program_id, need=Role.ADMIN)
    services.program_delete(actor=request.user, program=program)
    return Status(204, None)


# --- strategic goals --------------------------------------------------------------------------------------


@router.get("/goals", response=list[GoalOut], tags=["goals"],
            summary="Strategic goals, each with the number of visible projects behind it")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def goal_list(request: HttpRequest, filters: Query[GoalFilters]) -> Any:
    return selectors.goal_list_with_reach(user=request.user, portfolio_id=filters.portfolio)


def _goal_detail(request: HttpRequest, goal: StrategicGoal) -> StrategicGoal:
    links = list(goal_project_links(user=request.user, goal_id=goal.pk))
    goal.projects = links  # type: ignore[attr-defined]
    goal.project_count = len(links)  # type: ignore[attr-defined]
    goal.contribution_total = sum(link.contribution for link in links)  # type: ignore[attr-defined]
    return goal


@router.get("/goals/{goal_id}", response=GoalDetailOut, tags=["goals"],
            summary="A goal with the projects behind it that you can see")
def goal_get(request: HttpRequest, goal_id: int) -> StrategicGoal:
    return _goal_detail(request, goal_get_for_user(request.user, goal_id))


@router.post("/portfolios/{portfolio_id}/goals", response={201: GoalDetailOut}, tags=["goals"],
             summary="Add a strategic goal to a portfolio (manager)")
def goal_create(request: HttpRequest, portfolio_id: int, payload: GoalCreate) -> Status[StrategicGoal]:
    portfolio = portfolio_get_for_user(request.user, portfolio_id, need=Role.MANAGER)
    goal = services.goal_create(actor=request.user, portfolio=portfolio, data=payload.model_dump(exclude_unset=True))
    return Status(201, _goal_detail(request, goal_get_for_user(request.user, goal.pk)))


@router.patch("/goals/{goal_id}", response=GoalDetailOut, tags=["goals"], summary="Update a goal (manager)")
def goal_update(request: HttpRequest, goal_id: int, payload: GoalUpdate) -> StrategicGoal:
    goal = goal_get_for_user(request.user, goal_id, need=Role.MANAGER)
    services.goal_update(actor=request.user, goal=goal, data=payload.model_dump(exclude_unset=True))
    return _goal_detail(request, goal_get_for_user(request.user, goal_id))


@router.delete("/goals/{goal_id}", response={204: None}, tags=["goals"], summary="Delete a goal (admin)")
def goal_delete(request: HttpRequest, goal_id: int) -> Status[None]:
    goal = goal_get_for_user(request.user, goal_id, need=Role.ADMIN)
    services.goal_delete(actor=request.user, goal=goal)
    return Status(204, None)


# --- custom field definitions -----------------------------------------------------------------------------


@router.get("/custom-fields", response=list[CustomFieldOut], tags=["custom fields"])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def custom_field_list(request: HttpRequest, filters: Query[CustomFieldFilters]) -> Any:
    return selectors.custom_field_list(user=request.user, portfolio_id=filters.portfolio, target=filters.target)


@router.get("/custom-fields/{field_id}", response=CustomFieldOut, tags=["custom fields"])
def custom_field_get(request: HttpRequest, field_id: int) -> CustomFieldDefinition:
    return custom_field_get_for_user(request.user, field_id)


@router.post("/portfolios/{portfolio_id}/custom-fields", response={201: CustomFieldOut}, tags=["custom fields"],
             summary="Define a custom field for the projects or tasks of a portfolio and its children (admin)")
def custom_field_create(
    request: HttpRequest, portfolio_id: int, payload: CustomFieldCreate
) -> Status[CustomFieldDefinition]:
    portfolio = portfolio_get_for_user(request.user, portfolio_id, need=Role.ADMIN)
    definition = services.custom_field_create(
        actor=request.user, portfolio=portfolio, data=payload.model_dump(exclude_unset=True)
    )
    return Status(201, definition)


@router.patch("/custom-fields/{field_id}", response=CustomFieldOut, tags=["custom fields"],
              summary="Update a custom field's label, choices, order or requiredness (admin)")
def custom_field_update(request: HttpRequest, field_id: int, payload: CustomFieldUpdate) -> CustomFieldDefinition:
    definition = custom_field_get_for_user(request.user, field_id, need=Role.ADMIN)
    return services.custom_field_update(actor=request.user, definition=definition,
                                        data=payload.model_dump(exclude_unset=True))


@router.delete("/custom-fields/{field_id}", response={204: None}, tags=["custom fields"],
               summary="Delete a custom field definition (admin); stored values are left untouched")
def custom_field_delete(request: HttpRequest, field_id: int) -> Status[None]:
    definition = custom_field_get_for_user(request.user, field_id, need=Role.ADMIN)
    services.custom_field_delete(actor=request.user, definition=definition)
    return Status(204, None)
