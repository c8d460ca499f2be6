"""Resolve which role a user holds on each portfolio, program and project, with rights inheriting downwards.

A role on a portfolio covers its child portfolios, its programs and all their projects; a role on a program
covers its projects. Direct and team memberships count alike; the highest role wins. Organisation
administrators (``is_superuser``) hold ADMIN everywhere. The map is built with two queries and cached on the
user object for the rest of the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from portfolium.accounts.models import Membership, Role

_CACHE_ATTR = "_portfolium_role_map"


@dataclass
class RoleMap:
    is_admin: bool = False
    portfolios: dict[int, int] = field(default_factory=dict)  # effective, inheritance applied
    programs: dict[int, int] = field(default_factory=dict)  # direct (portfolio roles are added on lookup)
    projects: dict[int, int] = field(default_factory=dict)  # direct

    def portfolio_role(self, portfolio_id: int | None) -> int | None:
        if self.is_admin:
            return Role.ADMIN
        return self.portfolios.get(portfolio_id) if portfolio_id is not None else None

    def program_role(self, program_id: int | None, portfolio_id: int | None) -> int | None:
        if self.is_admin:
            return Role.ADMIN
        return _max(self.programs.get(program_id) if program_id else None, self.portfolio_role(portfolio_id))

    def project_role(self, project_id: int, program_id: int | None, portfolio_id: int) -> int | None:
        if self.is_admin:
            return Role.ADMIN
        return _max(self.projects.get(project_id), self.program_role(program_id, portfolio_id))

    def role_on(self, scope: Any) -> int | None:
        """The role held on a portfolio, program or project instance."""
        kind = scope._meta.model_name
        if kind == "portfolio":
            return self.portfolio_role(scope.pk)
        if kind == "program":
            return self.program_role(scope.pk, scope.portfolio_id)
        if kind == "project":
            return self.project_role(scope.pk, scope.program_id, scope.portfolio_id)
        raise TypeError(f"roles are held on portfolios, programs and projects, not on {kind}")

    def project_q(self, prefix: str = "") -> Q:
        """A filter selecting every project this user holds some role on (``prefix`` for related lookups)."""
        if self.is_admin:
            return Q()
        return (
            Q(**{f"{prefix}portfolio_id__in": list(self.portfolios)})
            | Q(**{f"{prefix}program_id__in": list(self.programs)})
            | Q(**{f"{prefix}id__in": list(self.projects)})
        )

    def program_q(self) -> Q:
        if self.is_admin:
            return Q()
        return Q(portfolio_id__in=list(self.portfolios)) | Q(id__in=list(self.programs))

    def portfolio_q(self) -> Q:
        if self.is_admin:
            return Q()
        return Q(id__in=list(self.portfolios))


def _max(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def role_map_for(user: Any) -> RoleMap:
    """The user's roles everywhere; cached on ``user`` (call :func:`role_map_forget` after changing them)."""
    cached: RoleMap | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rolemap = _build(user)
    if user is not None:  # a background job or signal may act with no user: it holds no role, nothing to cache
        setattr(user, _CACHE_ATTR, rolemap)
    return rolemap


def role_map_forget(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _build(user: Any) -> RoleMap:
    if user is None or not user.is_authenticated or not user.is_active:
        return RoleMap()
    if user.is_superuser:
        return RoleMap(is_admin=True)
    rows = Membership.objects.filter(Q(user_id=user.pk) | Q(team__members=user.pk)).values_list(
        "portfolio_id", "program_id", "project_id", "role"
    )
    direct_portfolios: dict[int, int] = {}
    rolemap = RoleMap()
    for portfolio_id, program_id, project_id, role in rows:
        if portfolio_id:
            direct_portfolios[portfolio_id] = max(role, direct_portfolios.get(portfolio_id, 0))
        elif program_id:
            rolemap.programs[program_id] = max(role, rolemap.programs.get(program_id, 0))
        elif project_id:
            rolemap.projects[project_id] = max(role, rolemap.projects.get(project_id, 0))
    if direct_portfolios:
        rolemap.portfolios = _inherit_down(direct_portfolios)
    return rolemap


def _inherit_down(direct: dict[int, int]) -> dict[int, int]:
    from portfolium.portfolios.models import Portfolio

    children: dict[int | None, list[int]] = {}
    for pid, parent_id in Portfolio.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pid)
    effective: dict[int, int] = {}
    stack = list(direct.items())
    while stack:
        pid, role = stack.pop()
        if effective.get(pid, 0) >= role:
            continue
        effective[pid] = role
        stack.extend((child, role) for child in children.get(pid, []))
    return effective


def role_label(role: int | None) -> str:
    return Role(role).label if role else "None"


def visible(qs: QuerySet[Any], q: Q) -> QuerySet[Any]:
    return qs.filter(q)
