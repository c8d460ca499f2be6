"""Strategic goals through the API: each goal counts only the projects behind it that the reader can see."""

from __future__ import annotations

import pytest

from portfolium.accounts.models import Role
from portfolium.portfolios.models import StrategicGoal
from portfolium.projects.models import ProjectGoal
from tests.factories import GoalFactory, ProjectFactory, UserFactory, grant
from tests.helpers import queries_for, send


@pytest.fixture
def goals(org):
    """G1 in Digital is served by APOLLO (60 %), ZEUS (40 %) and, unknown to Digital's people, HIDDEN."""
    org.goal = GoalFactory(portfolio=org.digital, code="G1", name="Grow online sales")
    GoalFactory(portfolio=org.other, code="S1", name="Secret strategy")
    ProjectGoal.objects.create(project=org.apollo, goal=org.goal, contribution=60)
    ProjectGoal.objects.create(project=org.zeus, goal=org.goal, contribution=40)
    ProjectGoal.objects.create(project=org.hidden, goal=org.goal, contribution=100)
    return org


def test_goal_list_counts_only_the_projects_the_reader_can_see(goals, client_for):
    listed = client_for(goals.vera).get("/api/goals").json()
    assert [(g["code"], g["project_count"], g["contribution_total"]) for g in listed["items"]] == [("G1", 2, 100)]

    as_admin = client_for(goals.ada).get(f"/api/goals?portfolio={goals.digital.pk}").json()
    assert [(g["code"], g["project_count"]) for g in as_admin["items"]] == [("G1", 3)]
    assert client_for(goals.olga).get("/api/goals").json() == {"items": [], "count": 0}


def test_a_goal_lists_only_the_projects_behind_it_the_reader_can_see(goals, client_for):
    body = client_for(goals.vera).get(f"/api/goals/{goals.goal.pk}").json()
    assert body["portfolio"]["code"] == "DIG"
    assert body["weight"] == "1.00"
    assert [(p["project"]["code"], p["contribution"]) for p in body["projects"]] == [("APOLLO", 60), ("ZEUS", 40)]
    assert body["project_count"] == 2


def test_goal_list_query_count_does_not_grow_with_the_number_of_goals(goals, client_for):
    client = client_for(goals.vera)

    def add(n: int) -> None:
        for _ in range(n):
            goal = GoalFactory(portfolio=goals.digital)
            ProjectGoal.objects.create(project=ProjectFactory(portfolio=goals.digital), goal=goal)

    add(3)
    few = queries_for(client, "/api/goals")
    add(27)
    assert queries_for(client, "/api/goals") == few
    assert client.get("/api/goals").json()["count"] == 31


def test_a_portfolio_manager_creates_updates_and_deletes_goals(goals, client_for):
    org = goals
    client = client_for(org.paula)
    created = send(client, "post", f"/api/portfolios/{org.digital.pk}/goals",
                   {"code": "G2", "name": "Cut costs", "weight": "2.5"})
    assert created.status_code == 201, created.content
    goal = created.json()
    assert (goal["weight"], goal["project_count"], goal["projects"]) == ("2.50", 0, [])

    updated = send(client, "patch", f"/api/goals/{goal['id']}", {"description": "by 10 %"})
    assert (updated.json()["description"], updated.json()["name"]) == ("by 10 %", "Cut costs")
    assert send(client, "delete", f"/api/goals/{goal['id']}").status_code == 204
    assert not StrategicGoal.objects.filter(pk=goal["id"]).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": "X"}, "code"), ({"code": "G9"}, "name"), ({"code": "G1", "name": "Again"}, "code"),
     ({"code": "G9", "name": "X", "weight": "-1"}, "weight"), ({"code": "G9", "name": "X", "weight": "lots"}, "weight")],
)
def test_bad_goal_input_is_a_422_naming_the_field(goals, client_for, body, field):
    response = send(client_for(goals.paula), "post", f"/api/portfolios/{goals.digital.pk}/goals", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_renaming_a_goal_to_a_taken_code_is_a_422_naming_the_code(goals, client_for):
    other = GoalFactory(portfolio=goals.digital, code="G2")
    response = send(client_for(goals.paula), "patch", f"/api/goals/{other.pk}", {"code": "G1"})
    assert response.status_code == 422
    assert "code" in response.json()["errors"]


READS = [("get", "/api/goals/{goal}", None)]
WRITES = [
    ("post", "/api/portfolios/{digital}/goals", {"code": "G9", "name": "New"}),
    ("patch", "/api/goals/{goal}", {"name": "Renamed"}),
    ("delete", "/api/goals/{goal}", None),
]


def _url(org, template: str) -> str:
    return template.format(goal=org.goal.pk, digital=org.digital.pk)


def _ids(value):
    return value if isinstance(value, str) else ""


@pytest.mark.parametrize(("method", "url", "body"), READS + WRITES, ids=_ids)
def test_an_outsider_gets_404_from_every_goal_endpoint(goals, client_for, method, url, body):
    before = list(StrategicGoal.objects.values_list("id", "name"))
    assert send(client_for(goals.olga), method, _url(goals, url), body).status_code == 404
    assert list(StrategicGoal.objects.values_list("id", "name")) == before


@pytest.mark.parametrize(("method", "url", "body"), WRITES, ids=_ids)
def test_a_viewer_gets_403_from_every_goal_write(goals, client_for, method, url, body):
    before = list(StrategicGoal.objects.values_list("id", "name"))
    assert send(client_for(goals.vera), method, _url(goals, url), body).status_code == 403
    assert list(StrategicGoal.objects.values_list("id", "name")) == before


def test_a_project_manager_without_a_portfolio_role_cannot_see_the_portfolios_goals(goals, client_for):
    assert client_for(goals.mark).get(f"/api/goals/{goals.goal.pk}").status_code == 404


def test_deleting_a_goal_needs_the_admin_role(goals, client_for):
    max_ = UserFactory(username="max")
    grant(max_, Role.MANAGER, portfolio=goals.digital)
    assert send(client_for(max_), "patch", f"/api/goals/{goals.goal.pk}", {"name": "Grow"}).status_code == 200
    assert send(client_for(max_), "delete", f"/api/goals/{goals.goal.pk}").status_code == 403
