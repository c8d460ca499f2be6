"""Writes for portfolios, programs, strategic goals and custom field definitions. Each is one transaction
that also records an audit event; callers have already fetched the objects through ``access``."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from portfolium.accounts.access import org_admin_require
from portfolium.accounts.models import Membership, Role
from portfolium.accounts.roles import role_map_for, role_map_forget
from portfolium.audit.models import AuditAction
from portfolium.audit.services import audit_record, diff, snapshot
from portfolium.core.errors import Conflict, ValidationError
from portfolium.core.validation import assign, clean_model
from portfolium.portfolios.access import portfolio_get_for_user
from portfolium.portfolios.models import CustomFieldDefinition, FieldType, Portfolio, Program, StrategicGoal

PORTFOLIO_FIELDS = ("parent", "code", "name", "description", "owner")
PROGRAM_FIELDS = ("portfolio", "code", "name", "description", "manager")
GOAL_FIELDS = ("code", "name", "description", "weight")
CUSTOM_FIELD_FIELDS = ("target", "key", "label", "field_type", "choices", "required", "position")


def _audit(actor: Any, action: str, obj: Any, changes: dict[str, Any], **scope: Any) -> None:
    audit_record(actor=actor, action=action, obj=obj, changes=changes, **scope)


# --- portfolios -------------------------------------------------------------------------------------------


@transaction.atomic
def portfolio_create(*, actor: Any, data: dict[str, Any]) -> Portfolio:
    """A root portfolio needs an organisation administrator; a child one needs manager on the parent.

    The creator becomes admin of the new portfolio.
    """
    parent_id = data.get("parent")
    if parent_id is None:
        org_admin_require(actor, "create a top-level portfolio")
    else:
        portfolio_get_for_user(actor, parent_id, need=Role.MANAGER)
    portfolio = Portfolio()
    assign(portfolio, data, PORTFOLIO_FIELDS)
    clean_model(portfolio)
    portfolio.save()
    if not role_map_for(actor).is_admin:
        Membership.objects.create(user=actor, portfolio=portfolio, role=Role.ADMIN)
        role_map_forget(actor)
    _audit(actor, AuditAction.CREATE, portfolio, snapshot(portfolio, PORTFOLIO_FIELDS), portfolio_id=portfolio.pk)
    return portfolio


@transaction.atomic
def portfolio_update(*, actor: Any, portfolio: Portfolio, data: dict[str, Any]) -> Portfolio:
    before = snapshot(portfolio, PORTFOLIO_FIELDS)
    if "parent" in data and data["parent"] != portfolio.parent_id:
        new_parent = data["parent"]
        if new_parent is None:
            org_admin_require(actor, "make a portfolio top-level")
        else:
            portfolio_get_for_user(actor, new_parent, need=Role.MANAGER)
            if _is_descendant(new_parent, of=portfolio.pk):
                raise ValidationError({"parent": "a portfolio cannot be moved under itself or its descendants"})
    assign(portfolio, data, PORTFOLIO_FIELDS)
    clean_model(portfolio)
    changes = diff(before, snapshot(portfolio, PORTFOLIO_FIELDS))
    if changes:
        portfolio.save(update_fields=[*changes, "updated_at"])
        _audit(actor, AuditAction.UPDATE, portfolio, changes, portfolio_id=portfolio.pk)
    return portfolio


def _is_descendant(candidate: int, *, of: int) -> bool:
    parents = dict(Portfolio.objects.values_list("id", "parent_id"))
    current: int | None = candidate
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current == of:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


@transaction.atomic
def portfolio_delete(*, actor: Any, portfolio: Portfolio) -> None:
    if portfolio.children.exists() or portfolio.programs.exists() or portfolio.projects.exists():
        raise Conflict("the portfolio still holds portfolios, programs or projects: move or delete them first")
    _audit(actor, AuditAction.DELETE, portfolio, snapshot(portfolio, PORTFOLIO_FIELDS), portfolio_id=portfolio.pk)
    try:
        portfolio.delete()
    except ProtectedError:
        raise Conflict("the portfolio is still referenced") from None


# --- programs ---------------------------------------------------------------------------------------------


@transaction.atomic
def program_create(*, actor: Any, data: dict[str, Any]) -> Program:
    portfolio_get_for_user(actor, data.get("portfolio") or 0, need=Role.MANAGER)
    program = Program()
    assign(program, data, PROGRAM_FIELDS)
    clean_model(program)
    program.save()
    _audit(actor, AuditAction.CREATE, program, snapshot(program, PROGRAM_FIELDS),
           portfolio_id=program.portfolio_id, program_id=program.pk)
    return program


@transaction.atomic
def program_update(*, actor: Any, program: Program, data: dict[str, Any]) -> Program:
    before = snapshot(program, PROGRAM_FIELDS)
    if "portfolio" in data and data["portfolio"] != program.portfolio_id:
        portfolio_get_for_user(actor, data["portfolio"], need=Role.MANAGER)
    assign(program, data, PROGRAM_FIELDS)
    clean_model(program)
    changes = diff(before, snapshot(program, PROGRAM_FIELDS))
    if changes:
        program.save(update_fields=[*changes, "updated_at"])
        if "portfolio" in changes:
            program.projects.update(portfolio_id=program.portfolio_id)
        _audit(actor, AuditAction.UPDATE, program, changes, portfolio_id=program.portfolio_id, program_id=program.pk)
    return program


@transaction.atomic
def program_delete(*, actor: Any, program: Program) -> None:
    """Projects of a deleted program stay in the portfolio, outside any program."""
    _audit(actor, AuditAction.DELETE, program, snapshot(program, PROGRAM_FIELDS),
           portfolio_id=program.portfolio_id, program_id=program.pk)
    program.delete()


# --- strategic goals --------------------------------------------------------------------------------------


def _check_goal_code_free(goal: StrategicGoal) -> None:
    # The (portfolio, code) constraint would report under "__all__"; name the field instead.
    if StrategicGoal.objects.filter(portfolio_id=goal.portfolio_id, code=goal.code).exclude(pk=goal.pk).exists():
        raise ValidationError({"code": f"the portfolio already has a goal with the code {goal.code!r}"})


@transaction.atomic
def goal_create(*, actor: Any, portfolio: Portfolio, data: dict[str, Any]) -> StrategicGoal:
    goal = StrategicGoal(portfolio=portfolio)
    assign(goal, data, GOAL_FIELDS)
    _check_goal_code_free(goal)
    clean_model(goal)
    goal.save()
    _audit(actor, AuditAction.CREATE, goal, snapshot(goal, GOAL_FIELDS), portfolio_id=portfolio.pk)
    return goal


@transaction.atomic
def goal_update(*, actor: Any, goal: StrategicGoal, data: dict[str, Any]) -> StrategicGoal:
    before = snapshot(goal, GOAL_FIELDS)
    assign(goal, data, GOAL_FIELDS)
    _check_goal_code_free(goal)
    clean_model(goal)
    changes = diff(before, snapshot(goal, GOAL_FIELDS))
    if changes:
        goal.save(update_fields=[*changes, "updated_at"])
        _audit(actor, AuditAction.UPDATE, goal, changes, portfolio_id=goal.portfolio_id)
    return goal


@transaction.atomic
def goal_delete(*, actor: Any, goal: StrategicGoal) -> None:
    _audit(actor, AuditAction.DELETE, goal, snapshot(goal, GOAL_FIELDS), portfolio_id=goal.portfolio_id)
    goal.delete()


# --- custom field definitions -----------------------------------------------------------------------------


# Lookup names would make ``custom_fields__<key>`` filters mean something else.
_RESERVED_KEYS = frozenset(
    ["exact", "iexact", "contains", "icontains", "in", "gt", "gte", "lt", "lte", "startswith", "istartswith", "endswith", "iendswith", "range", "isnull", "regex", "iregex", "has_key", "has_keys", "has_any_keys", "contained_by", "keys", "values", "len"]
)


def _check_choices(definition: CustomFieldDefinition) -> None:
    if definition.field_type == FieldType.CHOICE:
        if not isinstance(definition.choices, list) or not definition.choices:
            raise ValidationError({"choices": "a choice field needs a non-empty list of choices"})
        if len(set(map(str, definition.choices))) != len(definition.choices):
            raise ValidationError({"choices": "choices must be unique"})
    elif definition.choices:
        raise ValidationError({"choices": "only choice fields take choices"})


@transaction.atomic
def custom_field_create(*, actor: Any, portfolio: Portfolio, data: dict[str, Any]) -> CustomFieldDefinition:
    definition = CustomFieldDefinition(portfolio=portfolio)
    assign(definition, data, CUSTOM_FIELD_FIELDS)
    if definition.key in _RESERVED_KEYS:
        raise ValidationError({"key": f"{definition.key!r} is reserved by the query language: choose another key"})
    if CustomFieldDefinition.objects.filter(portfolio=portfolio, target=definition.target, key=definition.key).exists():
        raise ValidationError({"key": f"the portfolio already has a {definition.target} field {definition.key!r}"})
    clean_model(definition)
    _check_choices(definition)
    definition.save()
    _audit(actor, AuditAction.CREATE, definition, snapshot(definition, CUSTOM_FIELD_FIELDS),
           object_type="customfield", portfolio_id=portfolio.pk)
    return definition


@transaction.atomic
def custom_field_update(*, actor: Any, definition: CustomFieldDefinition, data: dict[str, Any]) -> CustomFieldDefinition:
    for frozen in ("key", "field_type", "target"):
        if frozen in data and data[frozen] != getattr(definition, frozen):
            raise ValidationError({frozen: "cannot be changed once values may exist: create a new field instead"})
    before = snapshot(definition, CUSTOM_FIELD_FIELDS)
    assign(definition, data, CUSTOM_FIELD_FIELDS)
    clean_model(definition)
    _check_choices(definition)
    changes = diff(before, snapshot(definition, CUSTOM_FIELD_FIELDS))
    if changes:
        definition.save(update_fields=[*changes, "updated_at"])
        _audit(actor, AuditAction.UPDATE, definition, changes, object_type="customfield",
               portfolio_id=definition.portfolio_id)
    return definition


@transaction.atomic
def custom_field_delete(*, actor: Any, definition: CustomFieldDefinition) -> None:
    _audit(actor, AuditAction.DELETE, definition, snapshot(definition, CUSTOM_FIELD_FIELDS),
           object_type="customfield", portfolio_id=definition.portfolio_id)
    definition.delete()
