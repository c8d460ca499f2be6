"""REST endpoints for people, teams, role memberships and personal API tokens."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from portfolium.accounts import selectors, services
from portfolium.accounts.access import membership_get_for_user
from portfolium.accounts.models import Membership, Team, User
from portfolium.accounts.schemas import (
    MAX_PAGE_SIZE,
    MembershipCreate,
    MembershipFilters,
    MembershipOut,
    MeOut,
    PasswordIn,
    PasswordOut,
    TeamCreate,
    TeamMembersIn,
    TeamOut,
    TeamUpdate,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UserAdminOut,
    UserCreate,
    UserCreated,
    UserFilters,
    UserOut,
    UserUpdate,
)
from portfolium.core.errors import NotFound, ValidationError
from portfolium.portfolios.access import portfolio_get_for_user, program_get_for_user
from portfolium.projects.access import project_get_for_user

router = Router(tags=["people"])


# --- people and teams -------------------------------------------------------------------------------------


@router.get("/users", response=list[UserOut], summary="The people directory")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def user_list(request: HttpRequest, filters: Query[UserFilters]) -> Any:
    return selectors.user_list(search=filters.search)


@router.get("/users/me", response=MeOut, summary="Who am I")
def user_me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@contextmanager
def _api_field_names() -> Iterator[None]:
    """The API calls the administrator flag ``is_org_admin``; errors must name the field the client sent."""
    try:
        yield
    except ValidationError as exc:
        renamed = {("is_org_admin" if k == "is_superuser" else k): v for k, v in exc.errors.items()}
        raise ValidationError(renamed) from None


@router.post("/users", response={201: UserCreated},
             summary="Add a person (organisation administrators); without a password one is generated and returned once")
def user_create(request: HttpRequest, payload: UserCreate) -> Status[User]:
    data = payload.model_dump()
    data["is_superuser"] = data.pop("is_org_admin")
    with _api_field_names():
        user, generated = services.user_add(actor=request.user, **data)
    user.generated_password = generated  # type: ignore[attr-defined]  # read by UserCreated, answered this once
    return Status(201, user)


@router.patch("/users/{user_id}", response=UserAdminOut,
              summary="Change a person's profile, active flag or administrator flag (organisation administrators)")
def user_update(request: HttpRequest, user_id: int, payload: UserUpdate) -> User:
    person = selectors.person_get(viewer=request.user, user_id=user_id)
    data = payload.model_dump(exclude_unset=True)
    if "is_org_admin" in data:
        data["is_superuser"] = data.pop("is_org_admin")
    for name in ("display_name", "email", "job_title", "is_active", "is_superuser"):
        if name in data and data[name] is None:
            raise ValidationError({"is_org_admin" if name == "is_superuser" else name: "may not be null"})
    with _api_field_names():
        return services.user_update(actor=request.user, user=person, data=data)


@router.post("/users/{user_id}/password", response=PasswordOut,
             summary="Set a person's password, or generate one and return it once (organisation administrators)")
def user_set_password(request: HttpRequest, user_id: int, payload: PasswordIn) -> dict[str, Any]:
    person = selectors.person_get(viewer=request.user, user_id=user_id)
    generated = services.user_set_password(actor=request.user, user=person, password=payload.password)
    return {"password": generated}


@router.get("/teams", response=list[TeamOut])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def team_list(request: HttpRequest, filters: Query[UserFilters]) -> Any:
    return selectors.team_list(search=filters.search)


def _team(team_id: int) -> Team:
    team = selectors.team_list().filter(pk=team_id).first()
    if team is None:
        raise NotFound("team")
    return team


@router.get("/teams/{team_id}", response=TeamOut)
def team_get(request: HttpRequest, team_id: int) -> Team:
    return _team(team_id)


@router.post("/teams", response={201: TeamOut}, summary="Create a team (organisation administrators)")
def team_create(request: HttpRequest, payload: TeamCreate) -> Status[Team]:
    team = services.team_create(actor=request.user, **payload.model_dump())
    return Status(201, _team(team.pk))


@router.patch("/teams/{team_id}", response=TeamOut, summary="Rename a team or change its description")
def team_update(request: HttpRequest, team_id: int, payload: TeamUpdate) -> Team:
    data = payload.model_dump(exclude_unset=True)
    if data.get("name", "") is None or data.get("description", "") is None:
        raise ValidationError({k: "may not be null" for k in ("name", "description") if k in data and data[k] is None})
    services.team_update(actor=request.user, team=_team(team_id), data=data)
    return _team(team_id)


@router.delete("/teams/{team_id}", response={204: None},
               summary="Delete a team; the role memberships it holds are removed with it")
def team_delete(request: HttpRequest, team_id: int) -> Status[None]:
    services.team_delete(actor=request.user, team=_team(team_id))
    return Status(204, None)


@router.put("/teams/{team_id}/members", response=TeamOut, summary="Replace a team's members")
def team_set_members(request: HttpRequest, team_id: int, payload: TeamMembersIn) -> Team:
    services.team_set_members(actor=request.user, team=_team(team_id), members=payload.members)
    return _team(team_id)


# --- memberships ------------------------------------------------------------------------------------------


@router.get("/memberships", response=list[MembershipOut], tags=["memberships"],
            summary="Who holds which role on one portfolio, program or project")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def membership_list(request: HttpRequest, scope: Query[MembershipFilters]) -> Any:
    given = {k: v for k, v in scope.model_dump().items() if v is not None}
    if len(given) != 1:
        raise ValidationError({"scope": "give exactly one of portfolio, program or project"})
    if scope.portfolio is not None:
        portfolio_get_for_user(request.user, scope.portfolio)
    elif scope.program is not None:
        program_get_for_user(request.user, scope.program)
    elif scope.project is not None:
        project_get_for_user(request.user, scope.project)
    return selectors.membership_list(**given)


@router.post("/memberships", response={201: MembershipOut}, tags=["memberships"],
             summary="Grant a role (needs admin on the scope); granting again changes the role")
def membership_grant(request: HttpRequest, payload: MembershipCreate) -> Status[Membership]:
    membership = services.membership_grant(actor=request.user, **payload.model_dump())
    return Status(201, membership)


@router.delete("/memberships/{membership_id}", response={204: None}, tags=["memberships"],
               summary="Revoke a role (needs admin on the scope)")
def membership_revoke(request: HttpRequest, membership_id: int) -> Status[None]:
    membership = membership_get_for_user(request.user, membership_id)
    services.membership_revoke(actor=request.user, membership=membership)
    return Status(204, None)


# --- personal API tokens ----------------------------------------------------------------------------------


@router.get("/tokens", response=list[TokenOut], tags=["tokens"], summary="My API tokens (never their secrets)")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def token_list(request: HttpRequest) -> Any:
    return selectors.api_token_list(user=request.user)


@router.post("/tokens", response={201: TokenCreated}, tags=["tokens"],
             summary="Create a token; the answer holds the secret, shown this once")
def token_create(request: HttpRequest, payload: TokenCreate) -> Status[dict[str, Any]]:
    token, secret = services.api_token_create(user=request.user, name=payload.name)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": secret})


@router.delete("/tokens/{token_id}", response={204: None}, tags=["tokens"], summary="Revoke one of my tokens")
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    services.api_token_revoke(user=request.user, token_id=token_id)
    return Status(204, None)

