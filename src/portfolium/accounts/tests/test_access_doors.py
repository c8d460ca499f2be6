"""Every object has one permission-checked door: no role reads as "not found", too low a role as 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from portfolium.accounts.models import Role
from portfolium.core.errors import NotFound, PermissionDenied
from portfolium.portfolios.access import (
    custom_field_get_for_user,
    goal_get_for_user,
    portfolio_get_for_user,
    program_get_for_user,
)
from portfolium.projects.access import (
    checklist_item_get_for_user,
    comment_get_for_user,
    dependency_get_for_user,
    project_get_for_user,
    task_get_for_user,
)
from portfolium.projects.models import ChecklistItem, Comment, TaskDependency
from tests.factories import CustomFieldFactory, GoalFactory

MISSING_ID = 987654


@dataclass
class Door:
    name: str
    get: Any
    target: Any  # org -> id
    too_low: str  # who is refused
    need: int  # ... when asking for this role
    allowed: tuple[str, ...]  # who may open it with ``need``


DOORS = [
    Door("portfolio", portfolio_get_for_user, lambda o: o.digital.pk, "vera", Role.MANAGER, ("paula", "ada")),
    Door("program", program_get_for_user, lambda o: o.program.pk, "vera", Role.MANAGER, ("paula", "ada")),
    Door("goal", goal_get_for_user, lambda o: o.goal.pk, "vera", Role.MANAGER, ("paula", "ada")),
    Door("custom field", custom_field_get_for_user, lambda o: o.field.pk, "vera", Role.ADMIN, ("paula", "ada")),
    Door("project", project_get_for_user, lambda o: o.apollo.pk, "cora", Role.MANAGER, ("mark", "paula", "ada")),
    Door("task", task_get_for_user, lambda o: o.task_a.pk, "vera", Role.CONTRIBUTOR, ("cora", "mark", "paula")),
    Door("dependency", dependency_get_for_user, lambda o: o.dependency.pk, "cora", Role.MANAGER, ("mark", "ada")),
    Door("checklist item", checklist_item_get_for_user, lambda o: o.item.pk, "vera", Role.CONTRIBUTOR,
         ("cora", "mark")),
    Door("comment", comment_get_for_user, lambda o: o.comment.pk, "cora", Role.MANAGER, ("mark", "paula")),
]
IDS = [d.name for d in DOORS]


@pytest.fixture
def world(org):
    org.goal = GoalFactory(portfolio=org.digital, code="G1")
    org.field = CustomFieldFactory(portfolio=org.digital, key="budget", field_type="number")
    org.dependency = TaskDependency.objects.create(project=org.apollo, predecessor=org.task_a, successor=org.task_b)
    org.item = ChecklistItem.objects.create(task=org.task_a, text="Ask legal")
    org.comment = Comment.objects.create(task=org.task_a, author=org.vera, body="Looks good")
    return org


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_outsider_gets_not_found_worded_like_a_missing_id(world, door):
    with pytest.raises(NotFound) as hidden:
        door.get(world.olga, door.target(world))
    with pytest.raises(NotFound) as missing:
        door.get(world.olga, MISSING_ID)
    with pytest.raises(NotFound) as missing_for_admin:
        door.get(world.ada, MISSING_ID)
    assert str(hidden.value) == str(missing.value) == str(missing_for_admin.value) == f"{door.name} not found"


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_outsider_is_refused_even_when_asking_only_to_view(world, door):
    with pytest.raises(NotFound):
        door.get(world.olga, door.target(world), need=Role.VIEWER)


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_too_low_a_role_is_permission_denied(world, door):
    user = getattr(world, door.too_low)
    with pytest.raises(PermissionDenied) as exc:
        door.get(user, door.target(world), need=door.need)
    assert Role(door.need).label.lower() in str(exc.value)


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_a_sufficient_role_opens_the_door(world, door):
    for name in door.allowed:
        obj = door.get(getattr(world, name), door.target(world), need=door.need)
        assert obj.pk == door.target(world)


@pytest.mark.parametrize("door", DOORS, ids=IDS)
def test_the_too_low_role_may_still_view(world, door):
    user = getattr(world, door.too_low)
    assert door.get(user, door.target(world)).pk == door.target(world)


def test_project_door_reports_the_role_it_found(world):
    assert project_get_for_user(world.cora, world.apollo.pk).user_role == Role.CONTRIBUTOR
    assert project_get_for_user(world.vera, world.apollo.pk).user_role == Role.VIEWER
    assert task_get_for_user(world.mark, world.task_a.pk).project.user_role == Role.MANAGER


def test_author_may_edit_own_comment_with_a_low_role(world):
    assert comment_get_for_user(world.vera, world.comment.pk, need=Role.CONTRIBUTOR) == world.comment


def test_editing_someone_elses_comment_needs_manager(world):
    with pytest.raises(PermissionDenied):
        comment_get_for_user(world.cora, world.comment.pk, need=Role.CONTRIBUTOR)
    assert comment_get_for_user(world.mark, world.comment.pk, need=Role.CONTRIBUTOR) == world.comment


def test_author_who_lost_access_cannot_reach_own_comment(world):
    world.vera.memberships.all().delete()
    with pytest.raises(NotFound):
        comment_get_for_user(world.vera, world.comment.pk, need=Role.CONTRIBUTOR)


def test_project_member_does_not_see_the_portfolio_or_program(world):
    with pytest.raises(NotFound):
        portfolio_get_for_user(world.mark, world.digital.pk)
    with pytest.raises(NotFound):
        program_get_for_user(world.mark, world.program.pk)
    with pytest.raises(NotFound):
        goal_get_for_user(world.mark, world.goal.pk)


def test_hidden_portfolio_and_project_are_not_found_for_a_portfolio_admin(world):
    with pytest.raises(NotFound):
        portfolio_get_for_user(world.paula, world.other.pk)
    with pytest.raises(NotFound):
        project_get_for_user(world.paula, world.hidden.pk)
