"""The one permission-checked way to reach a portfolio, program, goal or custom field definition."""

from __future__ import annotations

from typing import Any

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
    try:
        goal = StrategicGoal.objects.select_related("portfolio").get(pk=goal_id)
    except StrategicGoal.DoesNotExist:
        raise NotFound("goal") from None
    held = role_map_for(user).portfolio_role(goal.portfolio_id)
    if held is None:
        raise NotFound("goal")
    require_role(held, need, "goal")
    return goal


def custom_field_get_for_user(user: Any, field_id: int, *, need: int = Role.VIEWER) -> CustomFieldDefinition:
    try:
        definition = CustomFieldDefinition.objects.select_related("portfolio").get(pk=field_id)
    except CustomFieldDefinition.DoesNotExist:
        raise NotFound("custom field") from None
    held = role_map_for(user).portfolio_role(definition.portfolio_id)
    if held is None:
        raise NotFound("custom field")
    require_role(held, need, "custom field")
    return definition
