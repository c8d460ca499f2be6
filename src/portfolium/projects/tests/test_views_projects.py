"""The project page with its editable WBS outline, the task page and "My work"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolium.audit.models import AuditEvent
from portfolium.projects.models import ChecklistItem, Comment, Task, TaskDependency
from portfolium.projects.services import task_update
from tests.factories import DependencyFactory, TaskFactory

HX = {"HTTP_HX_REQUEST": "true"}


def edit(client, task, **data):
    return client.post(reverse("projects:task_edit", args=[task.pk]), data, **HX)


def action(client, task, name):
    return client.post(reverse("projects:outline_action", args=[task.pk, name]), **HX)


def outline_names(project) -> list[tuple[str | None, str]]:
    return [
        (t.parent.name if t.parent else None, t.name)
        for t in Task.objects.filter(project=project)
        .select_related("parent")
        .order_by(F("parent_id").asc(nulls_first=True), "position")
    ]


# --- the project page ---------------------------------------------------------------------------------------


def test_project_page_shows_header_outline_and_history(client_for, org):
    task_update(actor=org.mark, task=org.task_a, data={"status": "in_progress"})
    response = client_for(org.vera).get(reverse("projects:detail", args=[org.apollo.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "APOLLO" in body and "Mark Manager" in body
    assert [r.wbs for r in response.context["rows"]] == ["1", "1.1", "1.2", "2"]
    assert "Wireframes" in body and "In progress" in body
    assert "Digital" in body  # vera holds a role on the portfolio: the breadcrumb names it


def test_project_page_hides_portfolio_and_program_from_a_project_member(client_for, org):
    body = client_for(org.mark).get(reverse("projects:detail", args=[org.apollo.pk])).content.decode()
    assert "Digital" not in body and "Customer Experience" not in body


@pytest.mark.parametrize("url_name", ["projects:detail", "projects:outline"])
def test_olga_gets_404_for_a_project(client_for, org, url_name):
    assert client_for(org.olga).get(reverse(url_name, args=[org.apollo.pk])).status_code == 404


def test_viewer_sees_a_read_only_outline(client_for, org):
    response = client_for(org.vera).get(reverse("projects:detail", args=[org.apollo.pk]))
    assert response.context["can_plan"] is False and response.context["can_update"] is False
    assert b'name="name"' not in response.content and b'name="status"' not in response.content


def test_contributor_may_only_change_status_and_progress(client_for, org):
    response = client_for(org.cora).get(reverse("projects:detail", args=[org.apollo.pk]))
    assert response.context["can_update"] is True and response.context["can_plan"] is False
    assert b'name="status"' in response.content and b'class="cell-input name-input"' not in response.content


def test_manager_sees_edit_controls(client_for, org):
    response = client_for(org.mark).get(reverse("projects:detail", args=[org.apollo.pk]))
    assert response.context["can_plan"] is True
    assert b'name="name"' in response.content and b"Add task" in response.content


def test_outline_rows_link_to_their_own_task(client_for, org):
    body = client_for(org.mark).get(reverse("projects:detail", args=[org.apollo.pk])).content.decode()
    for task in (org.task_a, org.milestone):
        assert f'hx-post="{reverse("projects:task_edit", args=[task.pk])}"' in body
        assert f'href="{reverse("projects:task", args=[task.pk])}"' in body
        for name in ("up", "down", "indent", "outdent", "add-below", "delete"):
            assert f'hx-post="{reverse("projects:outline_action", args=[task.pk, name])}"' in body
    assert f'hx-post="{reverse("projects:outline_action", args=[org.task_a.pk, "add-child"])}"' in body


def test_project_page_query_count_does_not_grow_with_tasks(client_for, org):
    client = client_for(org.mark)
    url = reverse("projects:detail", args=[org.apollo.pk])

    def add(n):
        for i in range(n):
            t = TaskFactory(project=org.apollo, parent=org.phase, owner=org.cora, position=10 + i)
            t.assignees.add(org.cora)
            task_update(actor=org.mark, task=t, data={"percent_complete": 10})

    add(3)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(27)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


# --- outline edits ------------------------------------------------------------------------------------------


def test_manager_renames_a_task_inline(client_for, org):
    response = edit(client_for(org.mark), org.task_a, name="Low-fi wireframes")
    assert response.status_code == 200
    org.task_a.refresh_from_db()
    assert org.task_a.name == "Low-fi wireframes"
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="wbs"')
    assert 'id="history" class="panel history" aria-labelledby="history-title" hx-swap-oob="true"' in body
    assert AuditEvent.objects.filter(object_type="task", object_id=org.task_a.pk, action="update").exists()


def test_an_empty_name_is_refused_next_to_the_row(client_for, org):
    response = edit(client_for(org.mark), org.task_a, name="  ")
    assert response.status_code == 422
    assert b"a task needs a name" in response.content
    assert f'id="task-{org.task_a.pk}-error"'.encode() in response.content
    org.task_a.refresh_from_db()
    assert org.task_a.name == "Wireframes"


def test_manager_edits_dates_owner_and_progress(client_for, org):
    client = client_for(org.mark)
    assert edit(client, org.task_b, start="2026-02-02").status_code == 200
    assert edit(client, org.task_b, finish="2026-02-20").status_code == 200
    assert edit(client, org.task_b, due_date="2026-02-21").status_code == 200
    assert edit(client, org.task_b, owner=str(org.cora.pk)).status_code == 200
    assert edit(client, org.task_b, percent_complete="40").status_code == 200
    org.task_b.refresh_from_db()
    assert (org.task_b.start, org.task_b.finish, org.task_b.due_date) == (
        dt.date(2026, 2, 2),
        dt.date(2026, 2, 20),
        dt.date(2026, 2, 21),
    )
    assert org.task_b.owner == org.cora and org.task_b.percent_complete == 40
    assert edit(client, org.task_b, owner="").status_code == 200
    org.task_b.refresh_from_db()
    assert org.task_b.owner is None


def test_bad_dates_are_refused_with_the_fields_message(client_for, org):
    client = client_for(org.mark)
    response = edit(client, org.task_b, start="next tuesday")
    assert response.status_code == 422 and b"expected a date as YYYY-MM-DD" in response.content
    edit(client, org.task_b, start="2026-03-10")
    response = edit(client, org.task_b, finish="2026-03-01")
    assert response.status_code == 422 and b"the finish date is before the start date" in response.content
    response = edit(client, org.task_b, percent_complete="140")
    assert response.status_code == 422 and b"must be between 0 and 100" in response.content


def test_choosing_blocked_asks_for_a_reason(client_for, org):
    client = client_for(org.cora)
    response = edit(client, org.task_a, status="blocked")
    assert response.status_code == 422
    assert b"Why is it blocked?" in response.content and b"say why the task is blocked" in response.content
    org.task_a.refresh_from_db()
    assert org.task_a.status == "not_started"
    response = edit(client, org.task_a, status="blocked", blocked_reason="waiting for the brand guide")
    assert response.status_code == 200
    org.task_a.refresh_from_db()
    assert (org.task_a.status, org.task_a.blocked_reason) == ("blocked", "waiting for the brand guide")


def test_contributor_changes_status_and_progress(client_for, org):
    client = client_for(org.cora)
    assert edit(client, org.task_a, status="in_progress").status_code == 200
    assert edit(client, org.task_a, percent_complete="50").status_code == 200
    org.task_a.refresh_from_db()
    assert (org.task_a.status, org.task_a.percent_complete) == ("in_progress", 50)


def test_contributor_cannot_rename_or_restructure(client_for, org):
    client = client_for(org.cora)
    assert edit(client, org.task_a, name="Mine now").status_code == 403
    assert action(client, org.task_b, "indent").status_code == 403
    org.task_a.refresh_from_db()
    assert org.task_a.name == "Wireframes"


def test_viewer_cannot_edit_anything(client_for, org):
    client = client_for(org.vera)
    assert edit(client, org.task_a, status="done").status_code == 403
    assert action(client, org.task_a, "delete").status_code == 403
    assert (
        client.post(reverse("projects:task_add", args=[org.apollo.pk]), {"name": "x"}, **HX).status_code
        == 403
    )
    assert Task.objects.filter(pk=org.task_a.pk, status="not_started").exists()


def test_olga_gets_404_on_edits(client_for, org):
    client = client_for(org.olga)
    assert edit(client, org.task_a, status="done").status_code == 404
    assert action(client, org.task_a, "up").status_code == 404
    assert client.post(reverse("projects:task_add", args=[org.apollo.pk]), {"name": "x"}).status_code == 404


def test_error_answers_to_htmx_are_plain_text_for_a_toast(client_for, org):
    response = edit(client_for(org.vera), org.task_a, status="done")
    assert response["Content-Type"].startswith("text/plain")
    assert b"manager" in response.content or b"contributor" in response.content


def test_manager_adds_a_task_at_the_end(client_for, org):
    response = client_for(org.mark).post(
        reverse("projects:task_add", args=[org.apollo.pk]), {"name": "Launch", "kind": "milestone"}, **HX
    )
    assert response.status_code == 200
    task = Task.objects.get(name="Launch")
    assert task.parent_id is None and task.kind == "milestone" and task.position == 2
    assert f'data-task="{task.pk}"'.encode() in response.content


def test_adding_a_nameless_task_is_refused(client_for, org):
    response = client_for(org.mark).post(
        reverse("projects:task_add", args=[org.apollo.pk]), {"name": ""}, **HX
    )
    assert response.status_code == 422 and b"a task needs a name" in response.content


def test_add_below_and_as_child(client_for, org):
    client = client_for(org.mark)
    assert action(client, org.task_a, "add-below").status_code == 200
    assert outline_names(org.apollo)[:4] == [
        (None, "Design"),
        (None, "Design signed off"),
        ("Design", "Wireframes"),
        ("Design", "New task"),
    ]
    assert action(client, org.task_b, "add-child").status_code == 200
    assert ("Visual design", "New task") in outline_names(org.apollo)


def test_a_milestone_cannot_take_a_child(client_for, org):
    response = action(client_for(org.mark), org.milestone, "add-child")
    assert response.status_code == 422
    assert b"a milestone cannot hold other tasks" in response.content


def test_indent_outdent_and_shift(client_for, org):
    client = client_for(org.mark)
    assert action(client, org.task_b, "indent").status_code == 200
    org.task_b.refresh_from_db()
    assert org.task_b.parent_id == org.task_a.pk
    assert action(client, org.task_b, "outdent").status_code == 200
    org.task_b.refresh_from_db()
    assert org.task_b.parent_id == org.phase.pk
    assert action(client, org.task_b, "up").status_code == 200
    org.task_b.refresh_from_db()
    org.task_a.refresh_from_db()
    assert org.task_b.position < org.task_a.position
    assert action(client, org.task_b, "down").status_code == 200
    org.task_b.refresh_from_db()
    assert org.task_b.position == 1


def test_the_first_task_cannot_be_indented(client_for, org):
    response = action(client_for(org.mark), org.phase, "indent")
    assert response.status_code == 422
    assert b"the first task at its level cannot be indented" in response.content


def test_delete_removes_the_task_and_its_subtasks(client_for, org):
    response = action(client_for(org.mark), org.phase, "delete")
    assert response.status_code == 200
    assert list(Task.objects.filter(project=org.apollo).values_list("name", flat=True)) == [
        "Design signed off"
    ]


def test_an_unknown_outline_action_is_refused(client_for, org):
    assert action(client_for(org.mark), org.task_a, "explode").status_code == 422


def test_edits_need_post(client_for, org):
    assert client_for(org.mark).get(reverse("projects:task_edit", args=[org.task_a.pk])).status_code == 405


# --- the task page ------------------------------------------------------------------------------------------


def test_task_page_renders_everything(client_for, org):
    DependencyFactory(predecessor=org.task_a, successor=org.task_b)
    ChecklistItem.objects.create(task=org.task_b, text="Colour palette")
    Comment.objects.create(task=org.task_b, author=org.cora, body="Started on the palette")
    task_update(actor=org.mark, task=org.task_b, data={"status": "in_progress"})
    response = client_for(org.vera).get(reverse("projects:task", args=[org.task_b.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("Visual design", "Wireframes", "Colour palette", "Started on the palette", "Not started"):
        assert text in body, text
    assert b'name="body"' not in response.content  # viewers read, they do not comment


def test_olga_gets_404_for_a_task(client_for, org):
    assert client_for(org.olga).get(reverse("projects:task", args=[org.task_a.pk])).status_code == 404


def test_task_form_saves_and_shows_errors_next_to_fields(client_for, org):
    client = client_for(org.mark)
    url = reverse("projects:task_edit", args=[org.task_b.pk])
    data = {
        "from": "detail",
        "name": "Visual design",
        "kind": "task",
        "priority": "3",
        "status": "in_progress",
        "blocked_reason": "",
        "percent_complete": "20",
        "owner": str(org.cora.pk),
        "start": "2026-02-01",
        "finish": "2026-01-01",
        "due_date": "",
        "estimate_hours": "24",
        "estimate_points": "",
        "assignees_sent": "1",
        "assignees": [str(org.cora.pk)],
        "description": "",
    }
    response = client.post(url, data, **HX)
    assert response.status_code == 422
    assert b"the finish date is before the start date" in response.content
    assert b'value="2026-01-01"' in response.content  # what was typed stays in the field
    data["finish"] = "2026-02-28"
    response = client.post(url, data, **HX)
    assert response.status_code == 200
    org.task_b.refresh_from_db()
    assert org.task_b.priority == 3 and list(org.task_b.assignees.all()) == [org.cora]


def test_checklist_add_toggle_delete(client_for, org):
    client = client_for(org.cora)
    response = client.post(
        reverse("projects:checklist_add", args=[org.task_a.pk]), {"text": "Sketch home"}, **HX
    )
    assert response.status_code == 200 and b"Sketch home" in response.content
    item = ChecklistItem.objects.get(task=org.task_a)
    client.post(reverse("projects:checklist_toggle", args=[item.pk]), **HX)
    item.refresh_from_db()
    assert item.done
    client.post(reverse("projects:checklist_delete", args=[item.pk]), **HX)
    assert not ChecklistItem.objects.exists()


def test_empty_checklist_item_is_refused(client_for, org):
    response = client_for(org.cora).post(
        reverse("projects:checklist_add", args=[org.task_a.pk]), {"text": ""}, **HX
    )
    assert response.status_code == 422 and b"the checklist item is empty" in response.content


def test_viewer_cannot_touch_the_checklist_or_comment(client_for, org):
    item = ChecklistItem.objects.create(task=org.task_a, text="x")
    client = client_for(org.vera)
    assert client.post(reverse("projects:checklist_toggle", args=[item.pk]), **HX).status_code == 403
    assert (
        client.post(reverse("projects:comment_add", args=[org.task_a.pk]), {"body": "hi"}, **HX).status_code
        == 403
    )


def test_comment_add_and_refuse_empty(client_for, org):
    client = client_for(org.cora)
    response = client.post(reverse("projects:comment_add", args=[org.task_a.pk]), {"body": "Done soon"}, **HX)
    assert response.status_code == 200 and b"Done soon" in response.content
    response = client.post(reverse("projects:comment_add", args=[org.task_a.pk]), {"body": " "}, **HX)
    assert response.status_code == 422 and b"the comment is empty" in response.content


def test_dependencies_add_refuse_cycle_and_remove(client_for, org):
    client = client_for(org.mark)
    response = client.post(
        reverse("projects:dependency_add", args=[org.task_b.pk]),
        {"predecessor": org.task_a.pk, "type": "FS", "lag": "2", "lag_unit": "d"},
        **HX,
    )
    assert response.status_code == 200
    dep = TaskDependency.objects.get()
    assert (dep.predecessor_id, dep.successor_id, dep.lag, dep.lag_unit) == (
        org.task_a.pk,
        org.task_b.pk,
        2,
        "d",
    )
    response = client.post(
        reverse("projects:dependency_add", args=[org.task_a.pk]),
        {"predecessor": org.task_b.pk, "type": "FS"},
        **HX,
    )
    assert response.status_code == 422 and b"Links form a loop" in response.content
    response = client.post(
        reverse("projects:dependency_remove", args=[dep.pk]), {"task": org.task_b.pk}, **HX
    )
    assert response.status_code == 200 and not TaskDependency.objects.exists()


def test_contributor_cannot_add_dependencies(client_for, org):
    response = client_for(org.cora).post(
        reverse("projects:dependency_add", args=[org.task_b.pk]), {"predecessor": org.task_a.pk}, **HX
    )
    assert response.status_code == 403


# --- my work ------------------------------------------------------------------------------------------------


def test_my_work_groups_tasks_by_due_date(client_for, org):
    TaskFactory(project=org.apollo, owner=org.cora, name="Late one", due_date=dt.date(2000, 1, 1))
    TaskFactory(project=org.apollo, owner=org.cora, name="Someday", due_date=None)
    TaskFactory(project=org.hidden, owner=org.cora, name="Invisible")
    response = client_for(org.cora).get(reverse("portfolios:my_work"))
    assert response.status_code == 200
    groups = {key: [i.task.name for i in items] for key, _, items in response.context["groups"]}
    assert "Late one" in groups["overdue"] and "Someday" in groups["none"]
    assert "Invisible" not in response.content.decode()


def test_my_work_quick_status_change(client_for, org):
    client = client_for(org.cora)
    response = client.post(
        reverse("projects:task_edit", args=[org.task_a.pk]), {"from": "mywork", "status": "in_progress"}, **HX
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="mw-{org.task_a.pk}"')
    response = client.post(
        reverse("projects:task_edit", args=[org.task_a.pk]), {"from": "mywork", "status": "blocked"}, **HX
    )
    assert response.status_code == 422 and b"Why is it blocked?" in response.content


def test_my_work_query_count_does_not_grow(client_for, org):
    client = client_for(org.cora)

    def add(n):
        for _ in range(n):
            TaskFactory(project=org.apollo, owner=org.cora, due_date=dt.date(2026, 12, 1))

    add(3)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("portfolios:my_work"))
    add(27)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("portfolios:my_work"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_outline_rows_carry_only_their_owner_and_the_team_is_listed_once(org, client_for):
    html = client_for(org.mark).get(f"/projects/{org.apollo.pk}/").content.decode()
    # The contributor owns one task: her option appears in that row and once in the shared template.
    assert html.count(f'<option value="{org.cora.pk}"') == 2
    assert html.count('id="people-options"') == 1
