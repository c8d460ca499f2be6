"""Portfolios nest, programs group projects, goals and custom field definitions hang off portfolios."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portfolium.accounts.models import Membership, Role
from portfolium.accounts.roles import role_map_for
from portfolium.audit.models import AuditEvent
from portfolium.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from portfolium.portfolios import services
from portfolium.portfolios.models import CustomFieldDefinition, Portfolio, Program, StrategicGoal
from portfolium.portfolios.selectors import portfolio_tree
from portfolium.projects.models import Project
from tests.factories import CustomFieldFactory, GoalFactory, PortfolioFactory


def _event(obj, action, object_type=None):
    return AuditEvent.objects.get(object_type=object_type or obj._meta.model_name, object_id=obj.pk, action=action)


# --- portfolios -------------------------------------------------------------------------------------------


def test_administrator_creates_a_root_portfolio(org):
    p = services.portfolio_create(actor=org.ada, data={"code": "R&D", "name": "Research", "owner": org.paula.pk})
    assert p.parent is None and p.owner == org.paula
    event = _event(p, "create")
    assert event.actor == org.ada
    assert event.changes == {"parent": None, "code": "R&D", "name": "Research", "description": "",
                             "owner": org.paula.pk}
    assert not Membership.objects.filter(portfolio=p).exists()  # ada is admin everywhere already


def test_only_an_administrator_creates_a_root_portfolio(org):
    with pytest.raises(PermissionDenied):
        services.portfolio_create(actor=org.paula, data={"code": "R", "name": "Rogue"})
    assert not Portfolio.objects.filter(code="R").exists()


def test_manager_of_the_parent_creates_a_child_and_becomes_its_admin(org):
    Membership.objects.filter(user=org.vera).update(role=Role.MANAGER)
    child = services.portfolio_create(actor=org.vera, data={"code": "MOB", "name": "Mobile", "parent": org.digital.pk})
    assert child.parent == org.digital
    assert Membership.objects.get(portfolio=child).user == org.vera
    assert role_map_for(org.vera).portfolio_role(child.pk) == Role.ADMIN


def test_viewer_of_the_parent_cannot_create_a_child(org):
    with pytest.raises(PermissionDenied):
        services.portfolio_create(actor=org.vera, data={"code": "MOB", "name": "Mobile", "parent": org.digital.pk})


def test_child_under_an_unseen_parent_is_not_found(org):
    with pytest.raises(NotFound):
        services.portfolio_create(actor=org.paula, data={"code": "X", "name": "X", "parent": org.other.pk})


def test_portfolio_codes_are_unique(org):
    with pytest.raises(ValidationError) as exc:
        services.portfolio_create(actor=org.ada, data={"code": "DIG", "name": "Again"})
    assert "code" in exc.value.errors


def test_unknown_fields_are_refused_by_name(org):
    with pytest.raises(ValidationError) as exc:
        services.portfolio_create(actor=org.ada, data={"code": "N", "name": "N", "colour": "red"})
    assert exc.value.errors == {"colour": "this field cannot be set here"}


def test_update_records_only_what_changed(org):
    services.portfolio_update(actor=org.paula, portfolio=org.web, data={"name": "Web & Mobile", "code": "WEB"})
    event = _event(org.web, "update")
    assert event.changes == {"name": ["Web", "Web & Mobile"]}
    assert Portfolio.objects.get(pk=org.web.pk).name == "Web & Mobile"


def test_update_without_changes_records_nothing(org):
    services.portfolio_update(actor=org.paula, portfolio=org.web, data={"name": "Web"})
    assert not AuditEvent.objects.filter(object_type="portfolio", action="update").exists()


def test_portfolio_cannot_move_under_itself(org):
    with pytest.raises(ValidationError) as exc:
        services.portfolio_update(actor=org.ada, portfolio=org.digital, data={"parent": org.digital.pk})
    assert "parent" in exc.value.errors


def test_portfolio_cannot_move_under_its_own_descendant(org):
    grandchild = PortfolioFactory(code="GC", parent=org.web)
    for target in (org.web, grandchild):
        with pytest.raises(ValidationError) as exc:
            services.portfolio_update(actor=org.ada, portfolio=org.digital, data={"parent": target.pk})
        assert "parent" in exc.value.errors
    assert Portfolio.objects.get(pk=org.digital.pk).parent_id is None


def test_portfolio_moves_under_another_branch(org):
    services.portfolio_update(actor=org.ada, portfolio=org.web, data={"parent": org.other.pk})
    assert Portfolio.objects.get(pk=org.web.pk).parent_id == org.other.pk
    assert _event(org.web, "update").changes == {"parent": [org.digital.pk, org.other.pk]}


def test_moving_needs_manager_on_the_new_parent(org):
    with pytest.raises(NotFound):
        services.portfolio_update(actor=org.paula, portfolio=org.web, data={"parent": org.other.pk})


def test_only_an_administrator_makes_a_portfolio_top_level(org):
    with pytest.raises(PermissionDenied):
        services.portfolio_update(actor=org.paula, portfolio=org.web, data={"parent": None})
    services.portfolio_update(actor=org.ada, portfolio=org.web, data={"parent": None})
    assert Portfolio.objects.get(pk=org.web.pk).parent_id is None


def test_delete_refuses_a_portfolio_that_still_holds_things(org):
    for holder in (org.digital, org.web, org.other):  # children+programs, a project, a project
        with pytest.raises(Conflict):
            services.portfolio_delete(actor=org.ada, portfolio=holder)
    assert Portfolio.objects.count() == 3
    assert not AuditEvent.objects.filter(action="delete").exists()


def test_delete_an_empty_portfolio_with_its_goals_and_fields(org):
    empty = PortfolioFactory(code="EMPTY")
    GoalFactory(portfolio=empty)
    CustomFieldFactory(portfolio=empty)
    pk = empty.pk
    services.portfolio_delete(actor=org.ada, portfolio=empty)
    assert not Portfolio.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_type="portfolio", object_id=pk, action="delete").exists()


def test_tree_shows_only_visible_portfolios_with_counts(org, django_assert_max_num_queries):
    with django_assert_max_num_queries(2 + 3):  # the role map, then portfolios, programs, counts
        roots = portfolio_tree(user=org.vera)
    assert [r.portfolio.code for r in roots] == ["DIG"]
    assert [c.portfolio.code for c in roots[0].children] == ["WEB"]
    assert roots[0].project_count == 1 and roots[0].health == {"green": 1}
    assert [p.code for p in roots[0].programs] == ["CX"]
    assert portfolio_tree(user=org.olga) == []


# --- programs ---------------------------------------------------------------------------------------------


def test_program_crud_by_a_portfolio_manager(org):
    prog = services.program_create(actor=org.paula, data={"portfolio": org.digital.pk, "code": "OPS", "name": "Ops"})
    assert _event(prog, "create").program_id == prog.pk
    services.program_update(actor=org.paula, program=prog, data={"name": "Operations", "manager": org.mark.pk})
    assert _event(prog, "update").changes == {"name": ["Ops", "Operations"], "manager": [None, org.mark.pk]}
    pk = prog.pk
    services.program_delete(actor=org.paula, program=prog)
    assert not Program.objects.filter(pk=pk).exists()


def test_program_create_needs_manager_on_the_portfolio(org):
    with pytest.raises(PermissionDenied):
        services.program_create(actor=org.vera, data={"portfolio": org.digital.pk, "code": "OPS", "name": "Ops"})
    with pytest.raises(NotFound):
        services.program_create(actor=org.vera, data={"portfolio": org.other.pk, "code": "OPS", "name": "Ops"})
    with pytest.raises(NotFound):
        services.program_create(actor=org.vera, data={"code": "OPS", "name": "Ops"})


def test_moving_a_program_takes_its_projects_along(org):
    services.program_update(actor=org.ada, program=org.program, data={"portfolio": org.web.pk})
    assert Project.objects.get(pk=org.apollo.pk).portfolio_id == org.web.pk


def test_moving_a_program_needs_manager_on_the_target(org):
    with pytest.raises(NotFound):
        services.program_update(actor=org.paula, program=org.program, data={"portfolio": org.other.pk})
    assert Project.objects.get(pk=org.apollo.pk).portfolio_id == org.digital.pk


def test_deleting_a_program_keeps_its_projects_in_the_portfolio(org):
    services.program_delete(actor=org.paula, program=org.program)
    apollo = Project.objects.get(pk=org.apollo.pk)
    assert apollo.program_id is None and apollo.portfolio_id == org.digital.pk


# --- goals ------------------------------------------------------------------------------------------------


def test_goal_crud(org):
    goal = services.goal_create(actor=org.paula, portfolio=org.digital,
                                data={"code": "G1", "name": "Grow", "weight": Decimal("2.5")})
    assert _event(goal, "create", "strategicgoal").changes["weight"] == "2.5"
    services.goal_update(actor=org.paula, goal=goal, data={"weight": Decimal("3")})
    assert _event(goal, "update", "strategicgoal").changes == {"weight": ["2.5", "3"]}
    pk = goal.pk
    services.goal_delete(actor=org.paula, goal=goal)
    assert not StrategicGoal.objects.filter(pk=pk).exists()


def test_goal_codes_are_unique_within_a_portfolio_only(org):
    services.goal_create(actor=org.ada, portfolio=org.digital, data={"code": "G1", "name": "Grow"})
    services.goal_create(actor=org.ada, portfolio=org.web, data={"code": "G1", "name": "Grow too"})
    with pytest.raises(ValidationError):
        services.goal_create(actor=org.ada, portfolio=org.digital, data={"code": "G1", "name": "Again"})


def test_goal_weight_cannot_be_negative(org):
    with pytest.raises(ValidationError) as exc:
        services.goal_create(actor=org.ada, portfolio=org.digital, data={"code": "G", "name": "G", "weight": -1})
    assert "weight" in exc.value.errors


# --- custom field definitions -----------------------------------------------------------------------------


def test_custom_field_create_and_audit(org):
    d = services.custom_field_create(actor=org.paula, portfolio=org.digital, data={
        "target": "project", "key": "risk", "label": "Risk", "field_type": "choice", "choices": ["low", "high"]})
    event = _event(d, "create", "customfield")
    assert event.changes["choices"] == ["low", "high"] and event.portfolio_id == org.digital.pk


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"field_type": "choice"}, "choices"),
        ({"field_type": "choice", "choices": []}, "choices"),
        ({"field_type": "choice", "choices": ["a", "a"]}, "choices"),
        ({"field_type": "text", "choices": ["a"]}, "choices"),
        ({"field_type": "colour"}, "field_type"),
        ({"field_type": "text", "key": "not a slug"}, "key"),
        ({"field_type": "text", "target": "goal"}, "target"),
    ],
)
def test_custom_field_definition_errors_name_the_field(org, data, field):
    base = {"target": "project", "key": "risk", "label": "Risk"}
    with pytest.raises(ValidationError) as exc:
        services.custom_field_create(actor=org.ada, portfolio=org.digital, data={**base, **data})
    assert field in exc.value.errors
    assert not CustomFieldDefinition.objects.exists()


def test_custom_field_keys_are_unique_per_portfolio_and_target(org):
    data = {"target": "project", "key": "risk", "label": "Risk", "field_type": "text"}
    services.custom_field_create(actor=org.ada, portfolio=org.digital, data=data)
    services.custom_field_create(actor=org.ada, portfolio=org.digital, data={**data, "target": "task"})
    with pytest.raises(ValidationError):
        services.custom_field_create(actor=org.ada, portfolio=org.digital, data=data)


@pytest.mark.parametrize(("name", "value"), [("key", "other"), ("field_type", "number"), ("target", "task")])
def test_custom_field_key_type_and_target_are_frozen(org, name, value):
    d = CustomFieldFactory(portfolio=org.digital, key="risk", field_type="text")
    with pytest.raises(ValidationError) as exc:
        services.custom_field_update(actor=org.ada, definition=d, data={name: value})
    assert name in exc.value.errors


def test_custom_field_label_choices_and_required_may_change(org):
    d = CustomFieldFactory(portfolio=org.digital, key="risk", field_type="choice", choices=["low"])
    services.custom_field_update(actor=org.ada, definition=d, data={
        "label": "Risk level", "choices": ["low", "high"], "required": True, "key": "risk"})
    d.refresh_from_db()
    assert (d.label, d.choices, d.required) == ("Risk level", ["low", "high"], True)
    assert _event(d, "update", "customfield").changes["choices"] == [["low"], ["low", "high"]]
    with pytest.raises(ValidationError):
        services.custom_field_update(actor=org.ada, definition=d, data={"choices": []})


def test_custom_field_delete_is_audited(org):
    d = CustomFieldFactory(portfolio=org.digital)
    pk = d.pk
    services.custom_field_delete(actor=org.ada, definition=d)
    assert AuditEvent.objects.filter(object_type="customfield", object_id=pk, action="delete").exists()
