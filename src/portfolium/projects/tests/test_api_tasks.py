"""The WBS through the API: listing and filtering tasks, the outline, who may change what, moving tasks,
and "My work"."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolium.projects.models import Task
from tests.factories import CustomFieldFactory, TaskFactory
from tests.helpers import queries_for, send


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [t["name"] for t in response.json()["items"]]


def outline(client, project) -> list[tuple[str, str]]:
    response = client.get(f"/api/projects/{project.pk}/outline")
    assert response.status_code == 200, response.content
    return [(row["wbs"], row["task"]["name"]) for row in response.json()]


# --- listing and filtering --------------------------------------------------------------------------------


def test_a_viewer_lists_the_tasks_of_a_project_in_wbs_order(org, client_for):
    body = client_for(org.vera).get(f"/api/projects/{org.apollo.pk}/tasks").json()
    assert body["count"] == 4
    assert [t["name"] for t in body["items"]] == ["Design", "Design signed off", "Wireframes", "Visual design"]
    wireframes = body["items"][2]
    assert wireframes["parent"] == org.phase.pk
    assert wireframes["owner"] == {"id": org.cora.pk, "name": "Cora Contributor"}
    assert wireframes["assignees"] == [{"id": org.cora.pk, "name": "Cora Contributor"}]
    assert (wireframes["due_date"], wireframes["estimate_hours"]) == ("2026-03-01", "16.00")


@pytest.fixture
def varied(org):
    CustomFieldFactory(portfolio=org.digital, target="task", key="effort", field_type="number")
    Task.objects.filter(pk=org.task_b.pk).update(status="blocked", blocked_reason="waiting",
                                                 custom_fields={"effort": 8})
    Task.objects.filter(pk=org.task_a.pk).update(status="done", custom_fields={"effort": 2})
    return org


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=done", ["Wireframes"]),
        ("status=done&status=blocked", ["Wireframes", "Visual design"]),
        ("owner={cora}", ["Wireframes"]),
        ("assignee={cora}", ["Wireframes"]),
        ("kind=milestone", ["Design signed off"]),
        ("due_before=2026-03-31", ["Wireframes"]),
        ("search=visual", ["Visual design"]),
        ("cf_effort=>=5", ["Visual design"]),
        ("cf_effort=2", ["Wireframes"]),
    ],
)
def test_task_list_filters(varied, client_for, query, expected):
    org = varied
    url = f"/api/projects/{org.apollo.pk}/tasks?" + query.format(cora=org.cora.pk)
    assert names(client_for(org.vera).get(url)) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=finished", "status"), ("kind=epic", "kind"), ("due_before=soon", "due_before"),
     ("cf_effort=much", "cf_effort"), ("cf_unknown=1", "cf_unknown"), ("owner=me", "owner")],
)
def test_a_bad_task_filter_is_a_422_naming_the_parameter(varied, client_for, query, field):
    response = client_for(varied.vera).get(f"/api/projects/{varied.apollo.pk}/tasks?{query}")
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_task_list_query_count_does_not_grow_with_the_number_of_tasks(org, client_for):
    def add(n: int) -> None:
        for _ in range(n):
            task = TaskFactory(project=org.apollo, parent=org.phase, owner=org.cora)
            task.assignees.add(org.cora, org.mark)

    client = client_for(org.vera)
    url = f"/api/projects/{org.apollo.pk}/tasks"
    add(3)
    few = queries_for(client, url)
    add(27)
    many = queries_for(client, url)
    assert client.get(url).json()["count"] == 34
    assert few == many


# --- the outline ------------------------------------------------------------------------------------------


def test_the_outline_numbers_the_wbs_and_rolls_summaries_up(org, client_for):
    Task.objects.filter(pk=org.task_a.pk).update(percent_complete=100, start=dt.date(2026, 2, 2))
    Task.objects.filter(pk=org.task_b.pk).update(finish=dt.date(2026, 4, 10))

    rows = client_for(org.vera).get(f"/api/projects/{org.apollo.pk}/outline").json()

    assert [(r["wbs"], r["depth"], r["is_summary"]) for r in rows] == [
        ("1", 0, True), ("1.1", 1, False), ("1.2", 1, False), ("2", 0, False)
    ]
    design = rows[0]
    assert design["task"]["name"] == "Design"
    assert design["progress"] == 40  # 16 of 40 estimated hours done
    assert (design["start"], design["finish"]) == ("2026-02-02", "2026-04-10")


def test_outline_query_count_does_not_grow_with_the_number_of_tasks(org, client_for):
    client = client_for(org.vera)
    url = f"/api/projects/{org.apollo.pk}/outline"
    TaskFactory.create_batch(3, project=org.apollo, parent=org.phase, owner=org.cora)
    few = queries_for(client, url)
    TaskFactory.create_batch(27, project=org.apollo, parent=org.phase, owner=org.cora)
    assert queries_for(client, url) == few


# --- creating, changing, deleting -------------------------------------------------------------------------


def test_the_project_manager_adds_a_task_under_a_phase_at_a_position(org, client_for):
    client = client_for(org.mark)
    response = send(client, "post", f"/api/projects/{org.apollo.pk}/tasks", {
        "name": "User research", "parent": org.phase.pk, "position": 0, "owner": org.cora.pk,
        "assignees": [org.cora.pk], "estimate_hours": "12.5", "due_date": "2026-02-15",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["parent"], body["estimate_hours"], body["due_date"]) == (org.phase.pk, "12.50", "2026-02-15")
    assert outline(client, org.apollo)[:2] == [("1", "Design"), ("1.1", "User research")]
    assert client.get(f"/api/projects/{org.apollo.pk}").json()["task_count"] == 5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "X", "kind": "epic"}, "kind"),
        ({"name": "X", "status": "blocked"}, "blocked_reason"),
        ({"name": "X", "percent_complete": 120}, "percent_complete"),
        ({"name": "X", "estimate_hours": "-1"}, "estimate_hours"),
        ({"name": "X", "owner": 999999}, "owner"),
        ({"name": "X", "start": "2026-05-02", "finish": "2026-05-01"}, "finish"),
    ],
)
def test_bad_task_input_is_a_422_naming_the_field(org, client_for, body, field):
    response = send(client_for(org.mark), "post", f"/api/projects/{org.apollo.pk}/tasks", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_a_task_cannot_be_created_under_a_milestone(org, client_for):
    response = send(client_for(org.mark), "post", f"/api/projects/{org.apollo.pk}/tasks",
                    {"name": "X", "parent": org.milestone.pk})
    assert response.status_code == 422
    assert "parent" in response.json()["errors"]


def test_a_contributor_reports_progress_and_status(org, client_for):
    response = send(client_for(org.cora), "patch", f"/api/tasks/{org.task_a.pk}",
                    {"status": "blocked", "blocked_reason": "waiting for brand guide", "percent_complete": 30})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["blocked_reason"], body["percent_complete"]) == (
        "blocked", "waiting for brand guide", 30
    )


def test_a_contributor_cannot_replan_a_task(org, client_for):
    response = send(client_for(org.cora), "patch", f"/api/tasks/{org.task_a.pk}", {"due_date": "2027-01-01"})
    assert response.status_code == 403
    assert "due_date" in response.json()["detail"]


def test_the_manager_reassigns_a_task(org, client_for):
    response = send(client_for(org.mark), "patch", f"/api/tasks/{org.task_b.pk}",
                    {"owner": org.mark.pk, "assignees": [org.cora.pk, org.mark.pk]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["owner"]["id"] == org.mark.pk
    assert {a["id"] for a in body["assignees"]} == {org.cora.pk, org.mark.pk}


def test_a_task_patch_cannot_move_the_task(org, client_for):
    response = send(client_for(org.mark), "patch", f"/api/tasks/{org.task_b.pk}", {"parent": None})
    assert response.status_code == 422
    assert "parent" in response.json()["errors"]


def test_deleting_a_phase_deletes_its_subtasks(org, client_for):
    client = client_for(org.mark)
    assert send(client, "delete", f"/api/tasks/{org.phase.pk}").status_code == 204
    assert outline(client, org.apollo) == [("1", "Design signed off")]
    assert client.get(f"/api/tasks/{org.task_a.pk}").status_code == 404


# --- moving tasks -----------------------------------------------------------------------------------------


def test_move_puts_a_task_under_a_new_parent_at_a_position(org, client_for):
    client = client_for(org.mark)
    response = send(client, "post", f"/api/tasks/{org.milestone.pk}/move", {"parent": org.phase.pk, "position": 1})
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == org.phase.pk
    assert outline(client, org.apollo) == [
        ("1", "Design"), ("1.1", "Wireframes"), ("1.2", "Design signed off"), ("1.3", "Visual design")
    ]


def test_indent_outdent_and_shift(org, client_for):
    client = client_for(org.mark)
    assert send(client, "post", f"/api/tasks/{org.milestone.pk}/indent").status_code == 200
    assert outline(client, org.apollo)[-1] == ("1.3", "Design signed off")
    assert send(client, "post", f"/api/tasks/{org.milestone.pk}/shift", {"by": -2}).status_code == 200
    assert outline(client, org.apollo)[1] == ("1.1", "Design signed off")
    assert send(client, "post", f"/api/tasks/{org.milestone.pk}/outdent").status_code == 200
    assert outline(client, org.apollo) == [
        ("1", "Design"), ("1.1", "Wireframes"), ("1.2", "Visual design"), ("2", "Design signed off")
    ]


@pytest.mark.parametrize(
    ("action", "task", "body", "field"),
    [
        ("move", "phase", {"parent": "task_a", "position": 0}, "parent"),
        ("move", "task_a", {"parent": None, "position": -1}, "position"),
        ("move", "task_a", {"parent": None}, "position"),
        ("indent", "phase", None, "position"),
        ("outdent", "phase", None, "parent"),
        ("shift", "task_a", {}, "by"),
    ],
)
def test_an_impossible_move_is_a_422_naming_the_field(org, client_for, action, task, body, field):
    if body and isinstance(body.get("parent"), str):
        body = {**body, "parent": getattr(org, body["parent"]).pk}
    response = send(client_for(org.mark), "post", f"/api/tasks/{getattr(org, task).pk}/{action}", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


# --- rights, endpoint by endpoint -------------------------------------------------------------------------


TASK_READS = [
    ("get", "/api/projects/{apollo}/tasks", None),
    ("get", "/api/projects/{apollo}/outline", None),
    ("get", "/api/tasks/{task_a}", None),
]
TASK_WRITES = [
    ("post", "/api/projects/{apollo}/tasks", {"name": "New"}),
    ("patch", "/api/tasks/{task_a}", {"percent_complete": 50}),
    ("delete", "/api/tasks/{task_a}", None),
    ("post", "/api/tasks/{task_b}/move", {"parent": None, "position": 0}),
    ("post", "/api/tasks/{task_b}/indent", None),
    ("post", "/api/tasks/{task_b}/outdent", None),
    ("post", "/api/tasks/{task_b}/shift", {"by": -1}),
]


def _url(org, template: str) -> str:
    return template.format(apollo=org.apollo.pk, task_a=org.task_a.pk, task_b=org.task_b.pk)


@pytest.mark.parametrize(("method", "url", "body"), TASK_READS + TASK_WRITES, ids=lambda v: v if isinstance(v, str) else "")
def test_an_outsider_gets_404_from_every_task_endpoint(org, client_for, method, url, body):
    response = send(client_for(org.olga), method, _url(org, url), body)
    assert response.status_code == 404
    assert Task.objects.count() == 4


@pytest.mark.parametrize(("method", "url", "body"), TASK_WRITES, ids=lambda v: v if isinstance(v, str) else "")
def test_a_viewer_gets_403_from_every_task_write(org, client_for, method, url, body):
    before = list(Task.objects.values_list("id", "parent_id", "position", "percent_complete"))
    response = send(client_for(org.vera), method, _url(org, url), body)
    assert response.status_code == 403
    assert list(Task.objects.values_list("id", "parent_id", "position", "percent_complete")) == before


@pytest.mark.parametrize(("method", "url", "body"), [w for w in TASK_WRITES if w[0] != "patch"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_a_contributor_gets_403_from_every_plan_change(org, client_for, method, url, body):
    response = send(client_for(org.cora), method, _url(org, url), body)
    assert response.status_code == 403


# --- my work ----------------------------------------------------------------------------------------------


def test_my_work_lists_what_i_own_or_am_assigned_across_projects(org, client_for):
    TaskFactory(project=org.zeus, name="Zeus task", owner=org.cora)  # cora holds no role on Zeus
    done = TaskFactory(project=org.apollo, name="Finished", owner=org.cora, status="done")

    body = client_for(org.cora).get("/api/me/work").json()
    assert [t["name"] for t in body["items"]] == ["Wireframes"]
    assert body["items"][0]["project"] == {"id": org.apollo.pk, "code": "APOLLO", "name": "Apollo"}

    with_done = client_for(org.cora).get("/api/me/work?include_done=true").json()
    assert done.name in [t["name"] for t in with_done["items"]]
    assert client_for(org.olga).get("/api/me/work").json() == {"items": [], "count": 0}


def test_my_work_query_count_does_not_grow_with_the_number_of_tasks(org, client_for):
    client = client_for(org.cora)
    TaskFactory.create_batch(3, project=org.apollo, owner=org.cora)
    few = queries_for(client, "/api/me/work")
    TaskFactory.create_batch(27, project=org.apollo, owner=org.cora)
    assert queries_for(client, "/api/me/work") == few
