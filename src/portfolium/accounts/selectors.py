"""Reads for people, teams, memberships and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from portfolium.accounts.models import ApiToken, Membership, Role, Team, User
from portfolium.accounts.roles import role_map_for
from portfolium.core.errors import NotFound, ValidationError


def user_list(*, search: str | None = None) -> QuerySet[User]:
    """The people directory: every signed-in user may see active colleagues (names, titles)."""
    qs = User.objects.filter(is_active=True)
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(display_name__icontains=search) | Q(email__icontains=search))
    return qs.order_by("display_name", "username")


#: How many people a role picker lists before the reader types a name.
PICKER_LIMIT = 50


def picker_people(*, search: str | None = None) -> tuple[list[User], bool]:
    """People for a role picker: the first ``PICKER_LIMIT`` matches, and whether there are more."""
    people = list(user_list(search=search or None)[: PICKER_LIMIT + 1])
    return people[:PICKER_LIMIT], len(people) > PICKER_LIMIT


def team_list(*, search: str | None = None) -> QuerySet[Team]:
    qs = Team.objects.prefetch_related("members")
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("name")


def membership_list(
    *, portfolio: int | None = None, program: int | None = None, project: int | None = None
) -> QuerySet[Membership]:
    """Memberships on one scope; the caller has already checked the user may see that scope."""
    qs = Membership.objects.select_related("user", "team")
    scope: dict[str, Any] = {"portfolio_id": portfolio, "program_id": program, "project_id": project}
    return qs.filter(**scope).order_by("-role", "id")


def api_token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


# --- the people and team pages ----------------------------------------------------------------------------

PEOPLE_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("display_name", "username"),
    "username": ("username",),
    "job_title": ("job_title", "display_name", "username"),
    "email": ("email", "username"),
}


def people_directory(*, viewer: Any, search: str | None = None, sort: str = "name") -> QuerySet[User]:
    """The directory page: searchable and sortable, with each person's teams in one extra query.

    Administrators also see deactivated accounts (to reactivate them); everyone else sees active people only.
    """
    key = sort.lstrip("-")
    if key not in PEOPLE_SORTS:
        raise ValidationError({"sort": f"cannot sort by {key!r}"})
    qs = User.objects.all() if role_map_for(viewer).is_admin else User.objects.filter(is_active=True)
    if search:
        qs = qs.filter(
            Q(username__icontains=search) | Q(display_name__icontains=search) | Q(email__icontains=search)
            | Q(job_title__icontains=search)
        )
    order = PEOPLE_SORTS[key]
    if sort.startswith("-"):
        order = tuple(f"-{f}" for f in order)
    return qs.order_by(*order, "id").prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))


def person_get(*, viewer: Any, user_id: int) -> User:
    """One person, as the directory shows them: a deactivated account is "not found" except to administrators."""
    qs = User.objects.prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
    if not role_map_for(viewer).is_admin:
        qs = qs.filter(is_active=True)
    person = qs.filter(pk=user_id).first()
    if person is None:
        raise NotFound("person")
    return person


@dataclass(frozen=True)
class RoleRow:
    kind: str  # "Portfolio", "Program" or "Project"
    scope: Any  # the portfolio, program or project
    url: str
    role: str
    via_team: Team | None


def memberships_visible(*, viewer: Any, user: User | None = None, team: Team | None = None) -> list[RoleRow]:
    """Roles a person holds (directly or through their teams) or a team holds, limited to the scopes the
    viewer holds a role on: a page never names a portfolio, program or project the viewer may not know."""
    rolemap = role_map_for(viewer)
    if user is not None:
        qs = Membership.objects.filter(Q(user=user) | Q(team__members=user))
    elif team is not None:
        qs = Membership.objects.filter(team=team)
    else:
        return []
    rows: list[RoleRow] = []
    pages = {"portfolio": "portfolios:detail", "program": "portfolios:program", "project": "projects:detail"}
    for m in qs.select_related("team", "portfolio", "program", "project").order_by("-role", "id"):
        scope = m.scope
        if scope is None or rolemap.role_on(scope) is None:
            continue
        kind = scope._meta.model_name
        url = reverse(pages[kind], args=[scope.pk])
        rows.append(RoleRow(kind.capitalize(), scope, url, Role(m.role).label, m.team if m.team_id else None))
    return rows


def team_directory(*, search: str | None = None) -> QuerySet[Team]:
    """Teams with member and role counts, for the teams page (counts in the same query)."""
    qs = Team.objects.annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True),
        membership_count=Count("memberships", distinct=True),
    )
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return qs.order_by("name")


def team_get(*, team_id: int) -> Team:
    team = team_directory().filter(pk=team_id).first()
    if team is None:
        raise NotFound("team")
    return team


def team_members(*, team: Team) -> QuerySet[User]:
    return team.members.filter(is_active=True).order_by("display_name", "username")


def team_candidates(*, team: Team, search: str | None = None, limit: int = 8) -> list[User]:
    """Active people not yet in the team, for the "add member" search."""
    qs = User.objects.filter(is_active=True).exclude(teams=team)
    if search:
        qs = qs.filter(
            Q(username__icontains=search) | Q(display_name__icontains=search) | Q(email__icontains=search)
        )
    return list(qs.order_by("display_name", "username")[:limit])
