"""Reads for people, teams, memberships and tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from portfolium.accounts.models import ApiToken, Membership, Team, User


def user_list(*, search: str | None = None) -> QuerySet[User]:
    """The people directory: every signed-in user may see active colleagues (names, titles)."""
    qs = User.objects.filter(is_active=True)
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(display_name__icontains=search) | Q(email__icontains=search))
    return qs.order_by("display_name", "username")


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
