"""What hangs off tasks and projects through the API: checklists, comments, dependencies and goal links."""

from __future__ import annotations

import pytest

from portfolium.accounts.models import Role
from portfolium.projects.models import ChecklistItem, Comment, ProjectGoal, TaskDependency
from tests.factories import DependencyFactory, GoalFactory, TaskFactory, UserFactory, grant
from tests.helpers import queries_for, send


@pytest.fixture
def details(org):
    """A checklist item and a comment (by cora) on Wireframes, a dependency, and a goal APOLLO serves."""
    org.item = ChecklistItem.objects.create(task=org.task_a, text="Sketch home page")
    org.comment = Comment.objects.create(task=org.task_a, author=org.cora, body="First drafts are up")
    org.dependency = DependencyFactory(predecessor=org.task_a, successor=org.task_b)
    org.goal = GoalFactory(portfolio=org.digital, code="G1", name="Grow online sales")
    org.other_goal = GoalFactory(portfolio=org.digital, code="G2", name="Cut costs")
    ProjectGoal.objects.create(project=org.apollo, goal=org.goal, contribution=60)
    return org


# --- checklist --------------------------------------------------------------------------------------------


def test_a_contributor_works_through_a_checklist(details, client_for):
    org = details
    client = client_for(org.cora)
    created = send(client, "post", f"/api/tasks/{org.task_a.pk}/checklist", {"text": "Sketch checkout"})
    assert created.status_code == 201, created.content
    item = created.json()
    assert (item["task"], item["text"], item["done"], item["position"]) == (org.task_a.pk, "Sketch checkout", False, 1)

    ticked = send(client, "patch", f"/api/checklist-items/{item['id']}", {"done": True})
    assert ticked.json()["done"] is True
    listed = client.get(f"/api/tasks/{org.task_a.pk}/checklist").json()
    assert [(i["text"], i["done"]) for i in listed["items"]] == [("Sketch home page", False), ("Sketch checkout", True)]

    assert send(client, "delete", f"/api/checklist-items/{item['id']}").status_code == 204
    assert client.get(f"/api/tasks/{org.task_a.pk}/checklist").json()["count"] == 1


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_checklist_item_is_a_422_naming_the_text(details, client_for, text):
    response = send(client_for(details.cora), "post", f"/api/tasks/{details.task_a.pk}/checklist", {"text": text})
    assert response.status_code == 422
    assert "text" in response.json()["errors"]


def test_checklist_query_count_does_not_grow_with_the_number_of_items(details, client_for):
    client = client_for(details.vera)
    url = f"/api/tasks/{details.task_a.pk}/checklist"
    few = queries_for(client, url)
    ChecklistItem.objects.bulk_create(ChecklistItem(task=details.task_a, text=f"item {i}") for i in range(30))
    assert queries_for(client, url) == few


# --- comments ---------------------------------------------------------------------------------------------


def test_a_contributor_comments_and_a_viewer_reads(details, client_for):
    org = details
    created = send(client_for(org.cora), "post", f"/api/tasks/{org.task_a.pk}/comments", {"body": "Ready for review"})
    assert created.status_code == 201, created.content
    assert created.json()["author"] == {"id": org.cora.pk, "name": "Cora Contributor"}

    listed = client_for(org.vera).get(f"/api/tasks/{org.task_a.pk}/comments").json()
    assert [c["body"] for c in listed["items"]] == ["First drafts are up", "Ready for review"]


def test_authors_edit_their_own_comments_and_managers_any(details, client_for):
    org = details
    url = f"/api/comments/{org.comment.pk}"
    assert send(client_for(org.cora), "patch", url, {"body": "Drafts v2 are up"}).json()["body"] == "Drafts v2 are up"
    assert send(client_for(org.mark), "patch", url, {"body": "Moderated"}).status_code == 200
    assert send(client_for(org.mark), "delete", url).status_code == 204
    assert not Comment.objects.filter(pk=org.comment.pk).exists()


def test_a_contributor_cannot_edit_someone_elses_comment(details, client_for):
    colleague = UserFactory(username="colin")
    grant(colleague, Role.CONTRIBUTOR, project=details.apollo)
    url = f"/api/comments/{details.comment.pk}"
    assert send(client_for(colleague), "patch", url, {"body": "Hijacked"}).status_code == 403
    assert send(client_for(colleague), "delete", url).status_code == 403


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "   "}])
def test_an_empty_comment_is_a_422_naming_the_body(details, client_for, body):
    response = send(client_for(details.cora), "post", f"/api/tasks/{details.task_a.pk}/comments", body)
    assert response.status_code == 422
    assert "body" in response.json()["errors"]


def test_comment_list_query_count_does_not_grow_with_the_number_of_comments(details, client_for):
    client = client_for(details.vera)
    url = f"/api/tasks/{details.task_a.pk}/comments"
    few = queries_for(client, url)
    authors = UserFactory.create_batch(5)
    Comment.objects.bulk_create(Comment(task=details.task_a, author=authors[i % 5], body=f"c{i}") for i in range(30))
    assert queries_for(client, url) == few


# --- dependencies -----------------------------------------------------------------------------------------


def test_the_manager_links_tasks_and_changes_the_link(details, client_for):
    org = details
    client = client_for(org.mark)
    created = send(client, "post", f"/api/projects/{org.apollo.pk}/dependencies",
                   {"predecessor": org.task_b.pk, "successor": org.milestone.pk, "type": "FF", "lag": 2})
    assert created.status_code == 201, created.content
    link = created.json()
    assert link["predecessor"] == {"id": org.task_b.pk, "name": "Visual design", "project": org.apollo.pk}
    assert (link["type"], link["lag"], link["lag_unit"]) == ("FF", "2.00", "d")

    changed = send(client, "patch", f"/api/dependencies/{link['id']}", {"lag": "-0.5", "lag_unit": "ed"})
    assert (changed.json()["type"], changed.json()["lag"], changed.json()["lag_unit"]) == ("FF", "-0.50", "ed")
    assert client.get(f"/api/projects/{org.apollo.pk}/dependencies").json()["count"] == 2
    assert send(client, "delete", f"/api/dependencies/{link['id']}").status_code == 204


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"predecessor": "task_b", "successor": "task_a"}, "predecessor"),  # closes a cycle
        ({"predecessor": "task_a", "successor": "task_a"}, "successor"),
        ({"predecessor": "task_a", "successor": "task_b"}, "successor"),  # already there
        ({"predecessor": "foreign", "successor": "task_b"}, "predecessor"),
        ({"predecessor": "task_a", "successor": "milestone", "type": "XX"}, "type"),
        ({"predecessor": "task_a"}, "successor"),
    ],
)
def test_a_bad_dependency_is_a_422_naming_the_field(details, client_for, body, field):
    org = details
    org.foreign = TaskFactory(project=org.zeus)
    body = {k: getattr(org, v).pk if k in ("predecessor", "successor") else v for k, v in body.items()}
    response = send(client_for(org.mark), "post", f"/api/projects/{org.apollo.pk}/dependencies", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_a_cycle_is_refused_with_the_tasks_named(details, client_for):
    org = details
    response = send(client_for(org.mark), "post", f"/api/projects/{org.apollo.pk}/dependencies",
                    {"predecessor": org.task_b.pk, "successor": org.task_a.pk})
    assert "Wireframes" in response.json()["errors"]["predecessor"]


def test_dependency_list_query_count_does_not_grow_with_the_number_of_links(details, client_for):
    org = details
    client = client_for(org.vera)
    url = f"/api/projects/{org.apollo.pk}/dependencies"
    few = queries_for(client, url)
    tasks = TaskFactory.create_batch(31, project=org.apollo)
    for a, b in zip(tasks, tasks[1:], strict=False):
        DependencyFactory(predecessor=a, successor=b)
    assert queries_for(client, url) == few


# --- strategic goal links ---------------------------------------------------------------------------------


def test_the_manager_links_the_project_to_goals_of_its_portfolio(details, client_for):
    org = details
    client = client_for(org.mark)
    created = send(client, "post", f"/api/projects/{org.apollo.pk}/goals", {"goal": org.other_goal.pk, "contribution": 30})
    assert created.status_code == 201, created.content
    assert created.json() == {"goal": {"id": org.other_goal.pk, "code": "G2", "name": "Cut costs"}, "contribution": 30}

    relinked = send(client, "post", f"/api/projects/{org.apollo.pk}/goals", {"goal": org.goal.pk, "contribution": 80})
    assert relinked.json()["contribution"] == 80
    assert ProjectGoal.objects.get(project=org.apollo, goal=org.goal).contribution == 80
    assert send(client, "delete", f"/api/projects/{org.apollo.pk}/goals/{org.goal.pk}").status_code == 204

    listed = client_for(org.vera).get(f"/api/projects/{org.apollo.pk}/goals").json()
    assert [(g["goal"]["code"], g["contribution"]) for g in listed["items"]] == [("G2", 30)]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"goal": "foreign_goal"}, "goal"), ({"goal": "goal", "contribution": 150}, "contribution"), ({}, "goal")],
)
def test_a_bad_goal_link_is_a_422_naming_the_field(details, client_for, body, field):
    org = details
    org.foreign_goal = GoalFactory(portfolio=org.other)
    body = {k: getattr(org, v).pk if k == "goal" else v for k, v in body.items()}
    response = send(client_for(org.mark), "post", f"/api/projects/{org.apollo.pk}/goals", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_unlinking_a_goal_that_is_not_linked_is_a_422(details, client_for):
    org = details
    response = send(client_for(org.mark), "delete", f"/api/projects/{org.apollo.pk}/goals/{org.other_goal.pk}")
    assert response.status_code == 422
    assert "goal" in response.json()["errors"]


def test_goal_link_list_query_count_does_not_grow_with_the_number_of_links(details, client_for):
    org = details
    client = client_for(org.vera)
    url = f"/api/projects/{org.apollo.pk}/goals"
    few = queries_for(client, url)
    ProjectGoal.objects.bulk_create(ProjectGoal(project=org.apollo, goal=GoalFactory(portfolio=org.digital))
                                    for _ in range(30))
    assert queries_for(client, url) == few


# --- rights, endpoint by endpoint -------------------------------------------------------------------------


READS = [
    ("get", "/api/tasks/{task_a}/checklist", None),
    ("get", "/api/tasks/{task_a}/comments", None),
    ("get", "/api/projects/{apollo}/dependencies", None),
    ("get", "/api/projects/{apollo}/goals", None),
]
CONTRIBUTOR_WRITES = [
    ("post", "/api/tasks/{task_a}/checklist", {"text": "More"}),
    ("patch", "/api/checklist-items/{item}", {"done": True}),
    ("delete", "/api/checklist-items/{item}", None),
    ("post", "/api/tasks/{task_a}/comments", {"body": "Hello"}),
    ("patch", "/api/comments/{comment}", {"body": "Edited"}),
    ("delete", "/api/comments/{comment}", None),
]
MANAGER_WRITES = [
    ("post", "/api/projects/{apollo}/dependencies", {"predecessor": "{task_b}", "successor": "{milestone}"}),
    ("patch", "/api/dependencies/{dependency}", {"lag": 3}),
    ("delete", "/api/dependencies/{dependency}", None),
    ("post", "/api/projects/{apollo}/goals", {"goal": "{other_goal}"}),
    ("delete", "/api/projects/{apollo}/goals/{goal}", None),
]


def _fill(org, value):
    ids = {name: getattr(org, name).pk for name in
           ("apollo", "task_a", "task_b", "milestone", "item", "comment", "dependency", "goal", "other_goal")}
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if filled.isdigit() else filled
    if isinstance(value, dict):
        return {k: _fill(org, v) for k, v in value.items()}
    return value


def _state(org) -> tuple:
    return (
        list(ChecklistItem.objects.values_list("id", "text", "done")),
        list(Comment.objects.values_list("id", "body")),
        list(TaskDependency.objects.values_list("id", "lag", "lag_unit")),
        list(ProjectGoal.objects.values_list("id", "contribution")),
    )


def _ids(value):
    return value if isinstance(value, str) and value.startswith("/") or value in ("get", "post", "patch", "delete") else ""


@pytest.mark.parametrize(("method", "url", "body"), READS + CONTRIBUTOR_WRITES + MANAGER_WRITES, ids=_ids)
def test_an_outsider_gets_404_from_every_endpoint(details, client_for, method, url, body):
    before = _state(details)
    response = send(client_for(details.olga), method, _fill(details, url), _fill(details, body))
    assert response.status_code == 404
    assert _state(details) == before


@pytest.mark.parametrize(("method", "url", "body"), CONTRIBUTOR_WRITES + MANAGER_WRITES, ids=_ids)
def test_a_viewer_gets_403_from_every_write(details, client_for, method, url, body):
    before = _state(details)
    response = send(client_for(details.vera), method, _fill(details, url), _fill(details, body))
    assert response.status_code == 403
    assert _state(details) == before


@pytest.mark.parametrize(("method", "url", "body"), MANAGER_WRITES, ids=_ids)
def test_a_contributor_gets_403_from_every_manager_write(details, client_for, method, url, body):
    response = send(client_for(details.cora), method, _fill(details, url), _fill(details, body))
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "url", "body"), READS, ids=_ids)
def test_a_viewer_reads_everything(details, client_for, method, url, body):
    response = send(client_for(details.vera), method, _fill(details, url), body)
    assert response.status_code == 200
    assert response.json()["count"] >= 1
