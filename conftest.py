"""Fixtures shared by every test: a small organisation and the people who work in it.

The cast (one role each, so a test's name says whose rights it exercises):
- ada: organisation administrator (superuser)
- paula: admin of the Digital portfolio (and so of everything under it)
- mark: manager of project APOLLO only
- cora: contributor on project APOLLO
- vera: viewer of the Digital portfolio
- olga: an employee with no role anywhere: she must never learn that any of it exists
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from portfolium.accounts.models import Role, User
from portfolium.portfolios.models import Portfolio, Program
from portfolium.projects.models import Project, Task
from tests.factories import PortfolioFactory, ProgramFactory, ProjectFactory, TaskFactory, UserFactory, grant

PASSWORD = "correct horse battery staple"


@dataclass
class Org:
    ada: User
    paula: User
    mark: User
    cora: User
    vera: User
    olga: User
    digital: Portfolio  # root portfolio
    web: Portfolio  # child of digital
    other: Portfolio  # a second root nobody but ada sees
    program: Program  # in digital
    apollo: Project  # in digital / program
    zeus: Project  # in web
    hidden: Project  # in other
    phase: Task  # apollo: 1
    task_a: Task  # apollo: 1.1
    task_b: Task  # apollo: 1.2
    milestone: Task  # apollo: 2


@pytest.fixture
def org(db) -> Org:
    ada = UserFactory(username="ada", display_name="Ada Admin", is_superuser=True, is_staff=True)
    paula = UserFactory(username="paula", display_name="Paula Portfolio")
    mark = UserFactory(username="mark", display_name="Mark Manager")
    cora = UserFactory(username="cora", display_name="Cora Contributor")
    vera = UserFactory(username="vera", display_name="Vera Viewer")
    olga = UserFactory(username="olga", display_name="Olga Outsider")
    digital = PortfolioFactory(code="DIG", name="Digital")
    web = PortfolioFactory(code="WEB", name="Web", parent=digital)
    other = PortfolioFactory(code="OTH", name="Other")
    program = ProgramFactory(code="CX", name="Customer Experience", portfolio=digital)
    apollo = ProjectFactory(code="APOLLO", name="Apollo", portfolio=digital, program=program, manager=mark)
    zeus = ProjectFactory(code="ZEUS", name="Zeus", portfolio=web)
    hidden = ProjectFactory(code="HIDDEN", name="Hidden", portfolio=other)
    phase = TaskFactory(project=apollo, name="Design", kind="phase", position=0)
    task_a = TaskFactory(project=apollo, parent=phase, name="Wireframes", position=0, owner=cora,
                         due_date=dt.date(2026, 3, 1), estimate_hours=16)
    task_b = TaskFactory(project=apollo, parent=phase, name="Visual design", position=1, estimate_hours=24)
    milestone = TaskFactory(project=apollo, name="Design signed off", kind="milestone", position=1)
    task_a.assignees.add(cora)
    grant(paula, Role.ADMIN, portfolio=digital)
    grant(mark, Role.MANAGER, project=apollo)
    grant(cora, Role.CONTRIBUTOR, project=apollo)
    grant(vera, Role.VIEWER, portfolio=digital)
    return Org(ada, paula, mark, cora, vera, olga, digital, web, other, program, apollo, zeus, hidden,
               phase, task_a, task_b, milestone)


@pytest.fixture
def client_for(client):
    """``client_for(user)``: a Django test client signed in as ``user``."""

    def make(user: User):
        client.force_login(user)
        return client

    return make
