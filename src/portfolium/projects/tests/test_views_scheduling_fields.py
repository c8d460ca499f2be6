"""The project page and task page take part in scheduling: durations in the outline, constraints and deadlines on
the task, links with a lag and its unit, and predecessors from a project beside this one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from portfolium.projects.models import Task, TaskDependency
from portfolium.scheduling.services import schedule_recalculate
from tests.factories import ProjectFactory, TaskFactory

HX = {"HTTP_HX_REQUEST": "true"}


def edit(client, task, **data):
    return client.post(reverse("projects:task_edit", args=[task.pk]), data, **HX)


def test_outline_shows_durations_readably(client_for, org):
    Task.objects.filter(pk=org.task_b.pk).update(duration_minutes=240)
    response = client_for(org.vera).get(reverse("projects:detail", args=[org.apollo.pk]))
    durations = response.context["durations"]
    assert durations[org.task_a.pk] == "1d" and durations[org.task_b.pk] == "4h"
    assert durations[org.milestone.pk] == "0d" and org.phase.pk not in durations
    assert "Gantt chart" in response.content.decode()


def test_manager_edits_a_duration_in_the_outline_and_the_dates_follow(client_for, org):
    schedule_recalculate(project=org.apollo)
    response = edit(client_for(org.mark), org.task_a, duration="3d")
    assert response.status_code == 200
    task = Task.objects.get(pk=org.task_a.pk)
    assert task.duration_minutes == 1440 and task.finish == dt.date(2026, 1, 7)
    assert 'value="3d"' in response.content.decode()


def test_a_bad_duration_is_shown_beside_the_row(client_for, org):
    response = edit(client_for(org.mark), org.task_a, duration="a while")
    assert response.status_code == 422
    assert response.context["error_task"] == org.task_a.pk and "duration" in response.context["row_errors"]


def test_contributor_cannot_change_a_duration(client_for, org):
    assert edit(client_for(org.cora), org.task_a, duration="3d").status_code == 403


def test_task_page_sets_a_constraint_and_a_deadline(client_for, org):
    schedule_recalculate(project=org.apollo)
    client = client_for(org.mark)
    page = client.get(reverse("projects:task", args=[org.task_b.pk]))
    values = dict(page.context["v"])
    values.update(
        {
            "from": "detail",
            "constraint_type": "SNET",
            "constraint_date": "2026-02-02",
            "deadline": "2026-02-06",
            "assignees_sent": "1",
        }
    )
    values.pop("assignees")
    response = client.post(reverse("projects:task_edit", args=[org.task_b.pk]), values, **HX)
    assert response.status_code == 200, response.context["errors"]
    task = Task.objects.get(pk=org.task_b.pk)
    assert (task.constraint_type, task.constraint_date, task.deadline) == (
        "SNET",
        dt.date(2026, 2, 2),
        dt.date(2026, 2, 6),
    )
    assert task.start == dt.date(2026, 2, 2)


def test_saving_the_task_form_unchanged_does_not_pin_the_start(client_for, org):
    schedule_recalculate(project=org.apollo)
    client = client_for(org.mark)
    values = dict(client.get(reverse("projects:task", args=[org.task_a.pk])).context["v"])
    values.pop("assignees")
    values.update({"from": "detail", "description": "Now with notes"})
    assert client.post(reverse("projects:task_edit", args=[org.task_a.pk]), values, **HX).status_code == 200
    task = Task.objects.get(pk=org.task_a.pk)
    assert task.description == "Now with notes" and task.constraint_type == "ASAP"


def test_a_dated_constraint_without_a_date_names_the_field(client_for, org):
    response = edit(client_for(org.mark), org.task_a, constraint_type="MFO", constraint_date="")
    assert response.status_code == 422 and "constraint_date" in response.context["row_errors"]


def test_viewer_reads_duration_and_constraint(client_for, org):
    Task.objects.filter(pk=org.task_a.pk).update(constraint_type="FNLT", constraint_date=dt.date(2026, 3, 2))
    body = client_for(org.vera).get(reverse("projects:task", args=[org.task_a.pk])).content.decode()
    assert "Finish no later than 02 Mar 2026" in body and 'name="constraint_type"' not in body


def test_dependency_with_a_lag_in_elapsed_days(client_for, org):
    response = client_for(org.mark).post(
        reverse("projects:dependency_add", args=[org.task_b.pk]),
        {"predecessor": org.task_a.pk, "type": "SS", "lag": "1.5", "lag_unit": "ed"},
        **HX,
    )
    assert response.status_code == 200
    link = TaskDependency.objects.get()
    assert (link.type, link.lag, link.lag_unit) == ("SS", Decimal("1.5"), "ed")
    assert "SS +1.5ed" in response.content.decode()


def test_a_bad_lag_unit_is_refused(client_for, org):
    response = client_for(org.mark).post(
        reverse("projects:dependency_add", args=[org.task_b.pk]),
        {"predecessor": org.task_a.pk, "type": "FS", "lag": "1", "lag_unit": "fortnights"},
        **HX,
    )
    assert response.status_code == 422 and "lag_unit" in response.context["errors"]


def test_predecessor_picker_offers_the_program_s_other_projects(client_for, org):
    hermes = ProjectFactory(code="HERMES", name="Hermes", portfolio=org.digital, program=org.program)
    api = TaskFactory(project=hermes, name="API ready")
    response = client_for(org.paula).get(reverse("projects:task", args=[org.task_a.pk]))
    groups = dict(response.context["candidates"])
    assert (api.pk, "1 API ready") in groups["HERMES Hermes"]
    assert org.task_a.pk not in [pk for pk, _ in groups["This project"]]
    response = client_for(org.paula).post(
        reverse("projects:dependency_add", args=[org.task_a.pk]),
        {"predecessor": api.pk, "type": "FS", "lag": "0", "lag_unit": "d"},
        **HX,
    )
    assert response.status_code == 200, response.context["errors"]
    assert "HERMES" in response.content.decode()
