"""API schemas for portfolios, programs, strategic goals and custom field definitions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from portfolium.accounts.roles import role_map_for
from portfolium.accounts.schemas import InputSchema, Ref, UserRef, current_user
from portfolium.portfolios.models import FieldTarget, FieldType
from portfolium.projects.models import Health


def portfolio_ref_if_visible(context: Any, portfolio: Any) -> Any:
    """A role on a project or program does not reveal the portfolio above it: name it only to its members."""
    if portfolio is None or role_map_for(current_user(context)).portfolio_role(portfolio.pk) is None:
        return None
    return portfolio


def program_ref_if_visible(context: Any, program: Any) -> Any:
    if program is None:
        return None
    if role_map_for(current_user(context)).program_role(program.pk, program.portfolio_id) is None:
        return None
    return program


# --- rollups ----------------------------------------------------------------------------------------------


class RollupOut(Schema):
    """What a set of projects adds up to; progress is weighted by task count, the worst open health wins."""

    projects: int
    tasks: int
    tasks_done: int
    tasks_blocked: int
    progress: Decimal
    start: dt.date | None
    finish: dt.date | None
    health: Health
    by_health: dict[str, int]
    by_stage: dict[str, int]


# --- portfolios -------------------------------------------------------------------------------------------


class PortfolioFilters(Schema):
    parent: int | None = Field(None, description="only the direct children of this portfolio")
    search: str | None = Field(None, description="in code and name")


class PortfolioOut(Schema):
    id: int
    parent: int | None = Field(None, description="null for a root, or for a parent you hold no role on")
    code: str
    name: str
    description: str
    owner: UserRef | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_parent(obj: Any, context: Any) -> int | None:
        parent_id = obj.parent_id
        if parent_id is None or role_map_for(current_user(context)).portfolio_role(parent_id) is None:
            return None
        return int(parent_id)


class PortfolioCreate(InputSchema):
    parent: int | None = Field(None, description="omit for a top-level portfolio (organisation administrators)")
    code: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=200)
    description: str | None = None
    owner: int | None = None


class PortfolioUpdate(InputSchema):
    parent: int | None = None
    code: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    owner: int | None = None


class PortfolioTreeOut(Schema):
    id: int
    code: str
    name: str
    project_count: int
    health: dict[str, int] = Field(..., description="project count by health")
    programs: list[Ref]
    children: list[PortfolioTreeOut]

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return int(obj.portfolio.pk)

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.portfolio.code)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.portfolio.name)


PortfolioTreeOut.model_rebuild()


# --- programs ---------------------------------------------------------------------------------------------


class ProgramFilters(Schema):
    portfolio: int | None = None
    search: str | None = Field(None, description="in code and name")


class ProgramOut(Schema):
    id: int
    portfolio: Ref | None = Field(None, description="null when you hold no role on the portfolio")
    code: str
    name: str
    description: str
    manager: UserRef | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_portfolio(obj: Any, context: Any) -> Any:
        return portfolio_ref_if_visible(context, obj.portfolio)


class ProgramDetailOut(ProgramOut):
    rollup: RollupOut


class ProgramCreate(InputSchema):
    portfolio: int
    code: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=200)
    description: str | None = None
    manager: int | None = None


class ProgramUpdate(InputSchema):
    portfolio: int | None = None
    code: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    manager: int | None = None


# --- strategic goals --------------------------------------------------------------------------------------


class GoalFilters(Schema):
    portfolio: int | None = None


class GoalOut(Schema):
    id: int
    portfolio: Ref
    code: str
    name: str
    description: str
    weight: Decimal
    project_count: int = Field(0, description="projects behind this goal that you can see")
    contribution_total: int = Field(0, description="their summed contribution, in percent")


class GoalProjectOut(Schema):
    project: Ref
    contribution: int


class GoalDetailOut(GoalOut):
    projects: list[GoalProjectOut]


class GoalCreate(InputSchema):
    code: str = Field(..., min_length=1, max_length=20)
    name: str = Field(..., min_length=1, max_length=200)
    description: str | None = None
    weight: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2)


class GoalUpdate(InputSchema):
    code: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    weight: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2)


# --- custom field definitions -----------------------------------------------------------------------------


class CustomFieldFilters(Schema):
    portfolio: int | None = None
    target: FieldTarget | None = None


class CustomFieldOut(Schema):
    id: int
    portfolio: int = Field(..., alias="portfolio_id")
    target: FieldTarget
    key: str
    label: str
    field_type: FieldType
    choices: list[Any]
    required: bool
    position: int


class CustomFieldCreate(InputSchema):
    target: FieldTarget
    key: str = Field(..., min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    label: str = Field(..., min_length=1, max_length=100)
    field_type: FieldType
    choices: list[str | int | float] | None = None
    required: bool | None = None
    position: int | None = Field(None, ge=0)


class CustomFieldUpdate(InputSchema):
    """``key``, ``target`` and ``field_type`` are fixed once created; sending a new value is an error."""

    target: FieldTarget | None = None
    key: str | None = None
    label: str | None = Field(None, min_length=1, max_length=100)
    field_type: FieldType | None = None
    choices: list[str | int | float] | None = None
    required: bool | None = None
    position: int | None = Field(None, ge=0)
