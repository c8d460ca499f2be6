"""The one permission-checked way to reach a portfolio, program, goal or custom field definition."""

from __future__ import annotations

from typing import Any, TypeVar

from portfolium.accounts.models import Role
from portfolium.accounts.roles import role_map_for
from portfolium.core.access import require_role
from portfolium.core.errors import NotFound
from portfolium.portfolios.models import CustomFieldDefinition, Portfolio, Program, StrategicGoal


def portfolio_get_for_user(user: Any, portfolio_id: int, *, need: int = Role.VIEWER) -> Portfolio:
    held = role_map_for(user).portfolio_role(portfolio_id)
    if held is None:
        raise NotFound("portfolio")
    try:
        portfolio = Portfolio.objects.select_related("parent", "owner").get(pk=portfolio_id)
    except Portfolio.DoesNotExist:
        raise NotFound("portfolio") from None
    require_role(held, need, "portfolio")
    return portfolio


def program_get_for_user(user: Any, program_id: int, *, need: int = Role.VIEWER) -> Program:
    try:
        program = Program.objects.select_related("portfolio", "manager").get(pk=program_id)
    except Program.DoesNotExist:
        raise NotFound("program") from None
    require_role(role_map_for(user).program_role(program.pk, program.portfolio_id), need, "program")
    return program


def goal_get_for_user(user: Any, goal_id: int, *, need: int = Role.VIEWER) -> StrategicGoal:
    return _get_in_portfolio(StrategicGoal, goal_id, user=user, need=need, what="goal")


def custom_field_get_for_user(user: Any, field_id: int, *, need: int = Role.VIEWER) -> CustomFieldDefinition:
    return _get_in_portfolio(CustomFieldDefinition, field_id, user=user, need=need, what="custom field")


_M = TypeVar("_M", StrategicGoal, CustomFieldDefinition)


def _get_in_portfolio(model: type[_M], pk: int, *, user: Any, need: int, what: str) -> _M:
    """Something that belongs to a portfolio: rights are the portfolio's."""
    try:
        obj = model.objects.select_related("portfolio").get(pk=pk)
    except model.DoesNotExist:
        raise NotFound(what) from None
    require_role(role_map_for(user).portfolio_role(obj.portfolio_id), need, what)
    return obj
