"""The audit trail through the API: an object's history is visible exactly when the object is."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolium.accounts import services as accounts
from portfolium.accounts.models import Role
from portfolium.portfolios import services as portfolios
from portfolium.projects import services as projects
from portfolium.projects.models import ProjectGoal


def history(client, object_type: str, object_id: int):
    return client.get(f"/api/audit?object_type={object_type}&object_id={object_id}")


# Each case makes one change as someone allowed to, and says who else can see the object it changed.
def _portfolio(org):
    return "portfolio", portfolios.portfolio_update(actor=org.paula, portfolio=org.digital, data={"name": "D2"})


def _program(org):
    return "program", portfolios.program_update(actor=org.paula, program=org.program, data={"name": "CX2"})


def _project(org):
    return "project", projects.project_update(actor=org.mark, project=org.apollo, data={"health": "red"})


def _task(org):
    return "task", projects.task_update(actor=org.cora, task=org.task_a, data={"percent_complete": 10})


def _dependency(org):
    return "dependency", projects.dependency_create(
        actor=org.mark, project=org.apollo, data={"predecessor": org.task_a.pk, "successor": org.task_b.pk})


def _checklist_item(org):
    return "checklistitem", projects.checklist_item_add(actor=org.cora, task=org.task_a, text="Check")


def _comment(org):
    return "comment", projects.comment_add(actor=org.cora, task=org.task_a, body="Hello")


def _goal(org):
    return "strategicgoal", portfolios.goal_create(actor=org.paula, portfolio=org.digital,
                                                   data={"code": "G1", "name": "Grow"})


def _custom_field(org):
    return "customfield", portfolios.custom_field_create(
        actor=org.paula, portfolio=org.digital,
        data={"target": "project", "key": "k", "label": "K", "field_type": "text"})


def _project_goal(org):
    goal = portfolios.goal_create(actor=org.paula, portfolio=org.digital, data={"code": "G1", "name": "Grow"})
    return "projectgoal", projects.project_goal_link(actor=org.mark, project=org.apollo, goal_id=goal.pk)


def _membership(org):
    return "membership", accounts.membership_grant(actor=org.paula, role=Role.VIEWER, user=org.cora.pk,
                                                   portfolio=org.web.pk)


CHANGES = [_portfolio, _program, _project, _task, _dependency, _checklist_item, _comment, _goal, _custom_field,
           _project_goal, _membership]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_a_viewer_of_the_object_reads_its_history(org, client_for, change):
    object_type, obj = change(org)
    response = history(client_for(org.vera), object_type, obj.pk)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] >= 1
    event = body["items"][0]
    assert (event["object_type"], event["object_id"]) == (object_type, obj.pk)
    assert event["actor"]["name"] in {"Paula Portfolio", "Mark Manager", "Cora Contributor"}


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_an_outsider_gets_404_for_the_history_of_every_kind_of_object(org, client_for, change):
    object_type, obj = change(org)
    response = history(client_for(org.olga), object_type, obj.pk)
    assert response.status_code == 404


def test_an_update_records_each_fields_before_and_after(org, client_for):
    projects.project_update(actor=org.mark, project=org.apollo, data={"health": "amber", "health_reason": "late"})
    event = history(client_for(org.vera), "project", org.apollo.pk).json()["items"][0]
    assert event["action"] == "update"
    assert event["changes"] == {"health": ["green", "amber"], "health_reason": ["", "late"]}
    assert event["object_repr"] == "APOLLO Apollo"


def test_team_history_is_for_organisation_admins(org, client_for):
    team = accounts.team_create(actor=org.ada, name="PMO")
    assert history(client_for(org.ada), "team", team.pk).json()["count"] == 1
    assert history(client_for(org.paula), "team", team.pk).status_code == 404


def test_the_history_of_a_missing_object_is_a_404(org, client_for):
    assert history(client_for(org.ada), "project", 999999).status_code == 404


@pytest.mark.parametrize(("query", "field"), [("object_type=invoice&object_id=1", "object_type"),
                                              ("object_type=project&object_id=one", "object_id"),
                                              ("object_type=project", "object_id")])
def test_a_bad_audit_query_is_a_422_naming_the_parameter(org, client_for, query, field):
    response = client_for(org.ada).get(f"/api/audit?{query}")
    assert response.status_code == 422
    assert field in response.json()["errors"]


# --- project history --------------------------------------------------------------------------------------


def test_project_history_gathers_the_project_and_everything_in_it(org, client_for):
    projects.project_update(actor=org.mark, project=org.apollo, data={"stage": "planning"})
    projects.task_update(actor=org.cora, task=org.task_a, data={"status": "in_progress"})
    projects.comment_add(actor=org.cora, task=org.task_a, body="Started")
    projects.task_update(actor=org.ada, task=org.zeus.tasks.create(name="Elsewhere"), data={"percent_complete": 5})

    body = client_for(org.vera).get(f"/api/projects/{org.apollo.pk}/history").json()

    assert [e["object_type"] for e in body["items"]] == ["comment", "task", "project"]  # newest first


def test_project_history_query_count_does_not_grow_with_the_number_of_events(org, client_for):
    client = client_for(org.vera)
    url = f"/api/projects/{org.apollo.pk}/history"

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    def change(n: int, actor) -> None:
        for i in range(n):
            projects.comment_add(actor=actor, task=org.task_a, body=f"note {i}")

    change(3, org.cora)
    few = count()
    change(14, org.mark)
    change(13, org.paula)
    assert count() == few
    assert client.get(url).json()["count"] == 30


def test_an_outsider_gets_404_for_a_projects_history(org, client_for):
    assert client_for(org.olga).get(f"/api/projects/{org.apollo.pk}/history").status_code == 404


def test_a_project_goal_link_history_follows_its_project(org, client_for):
    _project_goal(org)
    link = ProjectGoal.objects.get()
    assert history(client_for(org.mark), "projectgoal", link.pk).status_code == 200
