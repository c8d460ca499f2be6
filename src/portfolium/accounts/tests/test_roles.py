"""Who holds which role where: rights inherit downwards, teams count, the highest role wins."""

from __future__ import annotations

from portfolium.accounts.models import Role
from portfolium.accounts.roles import role_map_for, role_map_forget
from portfolium.portfolios.selectors import portfolio_list, program_list
from portfolium.projects.selectors import project_list
from tests.factories import PortfolioFactory, ProgramFactory, ProjectFactory, TeamFactory, UserFactory, grant


def _codes(user):
    return {p.code for p in project_list(user=user)}


def test_portfolio_role_inherits_down_every_level_of_nesting(org):
    deep = PortfolioFactory(code="DEEP", parent=org.web)
    deeper = PortfolioFactory(code="DEEPER", parent=deep)
    ProjectFactory(code="ABYSS", portfolio=deeper)
    rolemap = role_map_for(org.vera)
    assert rolemap.portfolio_role(org.digital.pk) == Role.VIEWER
    assert rolemap.portfolio_role(deeper.pk) == Role.VIEWER
    assert rolemap.portfolio_role(org.other.pk) is None
    assert _codes(org.vera) == {"APOLLO", "ZEUS", "ABYSS"}
    assert {p.code for p in portfolio_list(user=org.vera)} == {"DIG", "WEB", "DEEP", "DEEPER"}


def test_role_on_a_child_portfolio_does_not_reach_up(org):
    user = UserFactory(username="wendy")
    grant(user, Role.MANAGER, portfolio=org.web)
    rolemap = role_map_for(user)
    assert rolemap.portfolio_role(org.web.pk) == Role.MANAGER
    assert rolemap.portfolio_role(org.digital.pk) is None
    assert _codes(user) == {"ZEUS"}


def test_program_role_covers_its_projects_only(org):
    user = UserFactory(username="pete")
    grant(user, Role.MANAGER, program=org.program)
    other_program = ProgramFactory(portfolio=org.digital)
    ProjectFactory(code="ELSEWHERE", portfolio=org.digital, program=other_program)
    rolemap = role_map_for(user)
    assert rolemap.program_role(org.program.pk, org.digital.pk) == Role.MANAGER
    assert rolemap.project_role(org.apollo.pk, org.program.pk, org.digital.pk) == Role.MANAGER
    assert rolemap.portfolio_role(org.digital.pk) is None
    assert _codes(user) == {"APOLLO"}
    assert [p.code for p in program_list(user=user)] == ["CX"]


def test_project_role_covers_that_project_only(org):
    assert _codes(org.mark) == {"APOLLO"}
    assert role_map_for(org.mark).project_role(org.zeus.pk, None, org.web.pk) is None


def test_team_membership_counts_like_a_direct_one(org):
    user = UserFactory(username="tom")
    team = TeamFactory(name="Platform")
    team.members.add(user)
    grant_team = team.memberships.create(role=Role.CONTRIBUTOR, portfolio=org.web)
    assert grant_team.pk
    assert role_map_for(user).portfolio_role(org.web.pk) == Role.CONTRIBUTOR
    assert _codes(user) == {"ZEUS"}


def test_highest_role_wins_whether_direct_inherited_or_via_team(org):
    user = UserFactory(username="hal")
    team = TeamFactory(name="Leads")
    team.members.add(user)
    grant(user, Role.VIEWER, portfolio=org.digital)
    team.memberships.create(role=Role.MANAGER, portfolio=org.web)
    grant(user, Role.CONTRIBUTOR, project=org.apollo)
    grant(user, Role.ADMIN, program=org.program)
    rolemap = role_map_for(user)
    assert rolemap.portfolio_role(org.digital.pk) == Role.VIEWER
    assert rolemap.portfolio_role(org.web.pk) == Role.MANAGER
    assert rolemap.project_role(org.zeus.pk, None, org.web.pk) == Role.MANAGER
    assert rolemap.project_role(org.apollo.pk, org.program.pk, org.digital.pk) == Role.ADMIN


def test_a_lower_role_lower_down_does_not_reduce_an_inherited_one(org):
    grant(org.paula, Role.VIEWER, portfolio=org.web)
    grant(org.paula, Role.VIEWER, project=org.apollo)
    rolemap = role_map_for(org.paula)
    assert rolemap.portfolio_role(org.web.pk) == Role.ADMIN
    assert rolemap.project_role(org.apollo.pk, org.program.pk, org.digital.pk) == Role.ADMIN


def test_superuser_sees_everything_as_admin(org):
    rolemap = role_map_for(org.ada)
    assert rolemap.is_admin
    assert rolemap.portfolio_role(org.other.pk) == Role.ADMIN
    assert rolemap.project_role(org.hidden.pk, None, org.other.pk) == Role.ADMIN
    assert _codes(org.ada) == {"APOLLO", "ZEUS", "HIDDEN"}


def test_user_with_no_role_sees_nothing(org):
    rolemap = role_map_for(org.olga)
    assert rolemap.portfolio_role(org.digital.pk) is None
    assert _codes(org.olga) == set()
    assert list(portfolio_list(user=org.olga)) == []
    assert list(program_list(user=org.olga)) == []


def test_inactive_user_sees_nothing_even_as_superuser(org):
    org.paula.is_active = False
    org.ada.is_active = False
    assert _codes(org.paula) == set()
    assert _codes(org.ada) == set()
    assert not role_map_for(org.ada).is_admin


def test_anonymous_or_missing_user_holds_no_role(org):
    from django.contrib.auth.models import AnonymousUser

    assert role_map_for(AnonymousUser()).portfolio_role(org.digital.pk) is None
    assert role_map_for(None).portfolio_role(org.digital.pk) is None


def test_role_map_is_cached_on_the_user_until_forgotten(org, django_assert_num_queries):
    role_map_for(org.vera)
    with django_assert_num_queries(0):
        role_map_for(org.vera)
    grant(org.vera, Role.MANAGER, portfolio=org.other)
    assert role_map_for(org.vera).portfolio_role(org.other.pk) is None  # stale: still cached
    role_map_forget(org.vera)
    assert role_map_for(org.vera).portfolio_role(org.other.pk) == Role.MANAGER


def test_forgetting_an_uncached_map_is_harmless(org):
    role_map_forget(org.olga)
    role_map_forget(org.olga)


def test_role_map_is_built_in_at_most_two_queries(org, django_assert_max_num_queries):
    for i in range(10):
        grant(org.olga, Role.VIEWER, portfolio=PortfolioFactory(code=f"P{i}"))
    with django_assert_max_num_queries(2):
        rolemap = role_map_for(org.olga)
    assert len(rolemap.portfolios) == 10
