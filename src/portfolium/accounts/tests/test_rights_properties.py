"""Property: whatever the shape of the hierarchy and the memberships, a user sees exactly the projects that a
brute-force walk up the tree says they hold a role on, with the highest role that applies."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolium.accounts.models import Membership, Role, Team
from portfolium.accounts.roles import role_map_for, role_map_forget
from portfolium.portfolios.models import Portfolio, Program
from portfolium.projects.access import project_role
from portfolium.projects.models import Project
from portfolium.projects.selectors import project_list
from tests.factories import UserFactory

ROLES = list(Role.values)


@st.composite
def organisations(draw):
    n_portfolios = draw(st.integers(1, 6))
    parents = [None] + [draw(st.one_of(st.none(), st.integers(0, i - 1))) for i in range(1, n_portfolios)]
    programs = draw(st.lists(st.integers(0, n_portfolios - 1), max_size=4))  # each program's portfolio
    projects = draw(st.lists(
        st.tuples(st.integers(0, n_portfolios - 1), st.one_of(st.none(), st.integers(0, max(len(programs) - 1, 0)))),
        min_size=1, max_size=8,
    ))
    scopes = st.one_of(
        st.tuples(st.just("portfolio"), st.integers(0, n_portfolios - 1)),
        st.tuples(st.just("program"), st.integers(0, max(len(programs) - 1, 0))),
        st.tuples(st.just("project"), st.integers(0, len(projects) - 1)),
    )
    grants = draw(st.lists(st.tuples(scopes, st.sampled_from(ROLES), st.booleans()), max_size=5))  # bool: via team
    return parents, programs, projects, grants


def expected_role(project, portfolios, grants_by_scope):
    """Brute force: the highest role on the project, its program, or any portfolio above it."""
    held = [grants_by_scope.get(("project", project.pk))]
    if project.program_id:
        held.append(grants_by_scope.get(("program", project.program_id)))
    pid = project.portfolio_id
    while pid is not None:
        held.append(grants_by_scope.get(("portfolio", pid)))
        pid = portfolios[pid].parent_id
    held = [h for h in held if h is not None]
    return max(held) if held else None


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(org=organisations())
def test_visibility_and_roles_match_a_brute_force_walk_up_the_tree(org):
    parents, program_homes, project_specs, grants = org
    with transaction.atomic():
        user = UserFactory(username="walker")
        team = Team.objects.create(name="Walkers")
        team.members.add(user)
        portfolios: list[Portfolio] = []
        for i, parent in enumerate(parents):
            portfolios.append(Portfolio.objects.create(
                code=f"P{i}", name=f"P{i}", parent=portfolios[parent] if parent is not None else None))
        programs = [Program.objects.create(code=f"G{i}", name=f"G{i}", portfolio=portfolios[home])
                    for i, home in enumerate(program_homes)]
        projects = []
        for i, (home, program_index) in enumerate(project_specs):
            program = programs[program_index] if programs and program_index is not None else None
            if program is not None:
                home = portfolios.index(program.portfolio)  # a project sits in its program's portfolio
            projects.append(Project.objects.create(code=f"J{i}", name=f"J{i}", portfolio=portfolios[home],
                                                   program=program))
        grants_by_scope: dict[tuple[str, int], int] = {}
        for (kind, index), role, via_team in grants:
            target = {"portfolio": portfolios, "program": programs, "project": projects}[kind]
            if not target:
                continue
            obj = target[index]
            principal = {"team": team} if via_team else {"user": user}
            Membership.objects.create(role=role, **principal, **{kind: obj})
            key = (kind, obj.pk)
            grants_by_scope[key] = max(role, grants_by_scope.get(key, 0))
        role_map_forget(user)

        by_id = {p.pk: p for p in portfolios}
        expected = {p.pk: expected_role(p, by_id, grants_by_scope) for p in projects}
        visible = set(project_list(user=user).values_list("pk", flat=True))
        assert visible == {pk for pk, role in expected.items() if role is not None}
        rolemap = role_map_for(user)
        for project in projects:
            assert project_role(user, project) == expected[project.pk]
            assert rolemap.project_role(project.pk, project.program_id, project.portfolio_id) == expected[project.pk]
        transaction.set_rollback(True)
