"""The scheduling API: calendars and their exceptions, a project's schedule, recalculation, baselines, the
comparison and the plan export. Every endpoint answers 404 to outsiders, 403 to too low a role, and 422
naming the field for bad input; list endpoints take a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolium.projects import services as project_services
from portfolium.projects.models import Task
from portfolium.scheduling import services
from portfolium.scheduling.models import Baseline, CalendarException, WorkCalendar
from tests.factories import CalendarExceptionFactory, CalendarFactory, ProjectFactory, TaskFactory
from tests.helpers import queries_for, send

D = dt.date


@pytest.fixture
def plan(org):
    """Apollo scheduled on a default calendar, with a link and a baseline."""
    org.calendar = CalendarFactory(name="Standard", is_default=True)
    org.holiday = CalendarExceptionFactory(calendar=org.calendar, name="New Year", start=D(2026, 1, 1))
    project_services.task_update(actor=org.mark, task=org.task_b, data={"duration": "3d"})
    project_services.dependency_create(
        actor=org.mark, project=org.apollo, data={"predecessor": org.task_b.pk, "successor": org.milestone.pk}
    )
    org.baseline = services.baseline_save(actor=org.mark, project=org.apollo, name="Approved plan")
    return org


# --- calendars --------------------------------------------------------------------------------------------


def test_everyone_signed_in_reads_calendars(plan, client_for):
    body = client_for(plan.olga).get("/api/calendars").json()
    assert body["count"] == 1
    calendar = body["items"][0]
    assert (calendar["name"], calendar["is_default"], calendar["minutes_per_day"]) == ("Standard", True, 480)
    assert calendar["week"][0] == [[480, 720], [780, 1020]] and calendar["week"][6] == []
    assert calendar["exceptions"][0]["name"] == "New Year"


def test_anonymous_callers_are_asked_to_sign_in(plan, client):
    assert client.get("/api/calendars").status_code == 401
    assert client.get(f"/api/projects/{plan.apollo.pk}/schedule").status_code == 401


def test_the_calendar_list_takes_the_same_queries_for_many_calendars(plan, client_for):
    client = client_for(plan.vera)
    few = queries_for(client, "/api/calendars")
    for _ in range(8):
        calendar = CalendarFactory()
        CalendarExceptionFactory.create_batch(3, calendar=calendar)
    assert queries_for(client, "/api/calendars") == few


def test_the_exception_list_takes_the_same_queries_for_many_exceptions(plan, client_for):
    client = client_for(plan.vera)
    url = f"/api/calendars/{plan.calendar.pk}/exceptions"
    few = queries_for(client, url)
    CalendarExceptionFactory.create_batch(12, calendar=plan.calendar)
    assert queries_for(client, url) == few
    assert client.get(url).json()["count"] == 13


def test_an_administrator_manages_calendars_and_exceptions(plan, client_for):
    client = client_for(plan.ada)
    created = send(
        client,
        "post",
        "/api/calendars",
        {"name": "Four-day week", "minutes_per_day": 540, "week": [[[480, 1020]]] * 4 + [[], [], []]},
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert (
        send(client, "patch", f"/api/calendars/{pk}", {"description": "Crew B"}).json()["description"]
        == "Crew B"
    )
    exception = send(
        client,
        "post",
        f"/api/calendars/{pk}/exceptions",
        {
            "name": "Spring bank holiday",
            "start": "2026-01-01",
            "finish": "2030-12-31",
            "recurrence": "yearly",
            "month": 5,
            "week_of_month": 5,
            "weekday": 0,
        },
    )
    assert exception.status_code == 201, exception.content
    eid = exception.json()["id"]
    assert client.get(f"/api/calendars/{pk}/exceptions").json()["count"] == 1
    changed = send(client, "patch", f"/api/calendars/{pk}/exceptions/{eid}", {"name": "Late May holiday"})
    assert changed.json()["name"] == "Late May holiday"
    assert send(client, "delete", f"/api/calendars/{pk}/exceptions/{eid}").status_code == 204
    assert send(client, "delete", f"/api/calendars/{pk}").status_code == 204
    assert not WorkCalendar.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/calendars", {"name": "Mine"}),
        ("patch", "/api/calendars/{calendar}", {"name": "Mine"}),
        ("delete", "/api/calendars/{calendar}", None),
        ("post", "/api/calendars/{calendar}/exceptions", {"name": "Off", "start": "2026-02-02"}),
        ("patch", "/api/calendars/{calendar}/exceptions/{holiday}", {"name": "Mine"}),
        ("delete", "/api/calendars/{calendar}/exceptions/{holiday}", None),
    ],
)
@pytest.mark.parametrize("user", ["paula", "mark", "olga"])
def test_only_organisation_administrators_change_calendars(plan, client_for, user, method, url, body):
    url = url.format(calendar=plan.calendar.pk, holiday=plan.holiday.pk)
    response = send(client_for(getattr(plan, user)), method, url, body)
    assert response.status_code == 403, response.content
    assert WorkCalendar.objects.get().name == "Standard"
    assert CalendarException.objects.get().name == "New Year"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/calendars/999999"),
        ("patch", "/api/calendars/999999"),
        ("delete", "/api/calendars/999999"),
        ("get", "/api/calendars/999999/exceptions"),
        ("patch", "/api/calendars/{other}/exceptions/{holiday}"),  # an exception of another calendar
        ("delete", "/api/calendars/{calendar}/exceptions/999999"),
    ],
)
def test_unknown_calendars_and_exceptions_are_404(plan, client_for, method, url):
    other = CalendarFactory()
    url = url.format(calendar=plan.calendar.pk, other=other.pk, holiday=plan.holiday.pk)
    assert send(client_for(plan.ada), method, url, {"name": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/calendars", {"week": [[]] * 7}, "name"),
        ("/api/calendars", {"name": "X", "week": [[[480, 720]]] * 6}, "week"),
        ("/api/calendars", {"name": "X", "week": [[[900, 480]]] * 7}, "week"),
        ("/api/calendars", {"name": "X", "minutes_per_day": 0}, "minutes_per_day"),
        ("/api/calendars", {"name": "Standard"}, "name"),
        ("/api/calendars", {"name": "X", "colour": "red"}, "colour"),
        ("/api/calendars/{calendar}/exceptions", {"name": "Off"}, "start"),
        (
            "/api/calendars/{calendar}/exceptions",
            {"name": "Off", "start": "2026-02-02", "recurrence": "hourly"},
            "recurrence",
        ),
        (
            "/api/calendars/{calendar}/exceptions",
            {"name": "Off", "start": "2026-02-02", "weekday": 9},
            "weekday",
        ),
        (
            "/api/calendars/{calendar}/exceptions",
            {"name": "Off", "start": "2026-02-02", "finish": "2026-02-01"},
            "finish",
        ),
    ],
)
def test_bad_calendar_input_is_a_422_naming_the_field(plan, client_for, url, body, field):
    response = send(client_for(plan.ada), "post", url.format(calendar=plan.calendar.pk), body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()


# --- the schedule -----------------------------------------------------------------------------------------


def test_the_schedule_lists_dates_floats_and_the_critical_path(plan, client_for):
    body = client_for(plan.vera).get(f"/api/projects/{plan.apollo.pk}/schedule").json()
    assert (body["start"], body["finish"], body["target_finish"], body["error"]) == (
        "2026-01-05",
        "2026-01-07",
        "2026-12-18",
        "",
    )
    rows = {r["name"]: r for r in body["tasks"]}
    assert [r["wbs"] for r in body["tasks"]] == ["1", "1.1", "1.2", "2"]
    wire = rows["Wireframes"]
    assert (wire["start"], wire["finish"], wire["early_start"], wire["early_finish"]) == ("2026-01-05",) * 4
    # Late dates run back from the scheduled finish; the far-off target finish adds no float.
    assert (wire["late_start"], wire["late_finish"]) == ("2026-01-07", "2026-01-07")
    assert (wire["total_float_minutes"], wire["total_float_days"], wire["critical"]) == (960, "2.00", False)
    assert rows["Design"]["summary"] and rows["Design signed off"]["kind"] == "milestone"
    assert rows["Visual design"]["critical"] and rows["Visual design"]["total_float_days"] == "0.00"
    assert body["critical_path"] == [plan.task_b.pk, plan.milestone.pk]


def test_the_schedule_body_matches_its_documented_schema(plan, client_for):
    from portfolium.scheduling.schemas import ScheduleOut, ScheduleTaskOut

    response = client_for(plan.vera).get(f"/api/projects/{plan.apollo.pk}/schedule")
    assert response["Content-Type"] == "application/json"
    body = response.json()
    parsed = ScheduleOut.model_validate(body)
    assert set(body) == set(ScheduleOut.model_fields)
    assert parsed.tasks and all(set(row) == set(ScheduleTaskOut.model_fields) for row in body["tasks"])
    assert client_for(plan.olga).get(f"/api/projects/{plan.apollo.pk}/schedule").status_code == 404


def test_a_target_finish_the_plan_misses_shows_negative_float(plan, client_for):
    project_services.project_update(actor=plan.mark, project=plan.apollo, data={"finish": D(2026, 1, 6)})
    body = client_for(plan.vera).get(f"/api/projects/{plan.apollo.pk}/schedule").json()
    rows = {r["name"]: r for r in body["tasks"]}
    assert (body["finish"], body["target_finish"]) == ("2026-01-07", "2026-01-06")
    assert (rows["Visual design"]["total_float_minutes"], rows["Visual design"]["total_float_days"]) == (
        -480,
        "-1.00",
    )


def test_the_schedule_takes_the_same_queries_for_many_tasks(plan, client_for):
    client = client_for(plan.vera)
    url = f"/api/projects/{plan.apollo.pk}/schedule"
    few = queries_for(client, url)
    for i in range(30):
        TaskFactory(project=plan.apollo, parent=plan.phase, name=f"Extra {i}")
    services.schedule_recalculate(project=plan.apollo)
    assert queries_for(client, url) == few


def test_a_manager_recalculates_on_demand(plan, client_for):
    Task.objects.filter(pk=plan.task_a.pk).update(duration_minutes=5 * 480)
    response = send(client_for(plan.mark), "post", f"/api/projects/{plan.apollo.pk}/schedule")
    assert response.status_code == 200, response.content
    summary = response.json()
    assert (summary["project"], summary["finish"], summary["error"]) == (plan.apollo.pk, "2026-01-09", "")
    assert summary["tasks_changed"] >= 2 and summary["duration_ms"] >= 0


@pytest.mark.parametrize(("user", "status"), [("cora", 403), ("vera", 403), ("olga", 404)])
def test_only_managers_recalculate(plan, client_for, user, status):
    assert (
        send(client_for(getattr(plan, user)), "post", f"/api/projects/{plan.apollo.pk}/schedule").status_code
        == status
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/projects/{p}/schedule",
        "/api/projects/{p}/plan",
        "/api/projects/{p}/baselines",
        "/api/projects/{p}/baselines/{b}/compare",
    ],
)
def test_outsiders_get_404_on_every_project_read(plan, client_for, url):
    url = url.format(p=plan.apollo.pk, b=plan.baseline.pk)
    assert client_for(plan.olga).get(url).status_code == 404
    assert client_for(plan.vera).get(url).status_code == 200
    assert client_for(plan.vera).get(url.replace(str(plan.apollo.pk), "999999", 1)).status_code == 404


def test_the_plan_export_is_portfolium_plan_json(plan, client_for):
    body = client_for(plan.vera).get(f"/api/projects/{plan.apollo.pk}/plan").json()
    names = {t["name"] for t in body["tasks"]}
    assert {"Design", "Wireframes", "Visual design", "Design signed off"} <= names
    assert len(body["links"]) == 1
    from portfolium.interchange.plan import plan_load

    again = plan_load(body)
    assert len(again.tasks) == 4 and again.links[0].successor == str(plan.milestone.pk)


# --- baselines --------------------------------------------------------------------------------------------


def test_a_manager_saves_renames_compares_and_deletes_baselines(plan, client_for):
    client = client_for(plan.mark)
    url = f"/api/projects/{plan.apollo.pk}/baselines"
    created = send(client, "post", url, {"name": "Re-plan"})
    assert created.status_code == 201, created.content
    assert (created.json()["name"], created.json()["task_count"], created.json()["created_by"]["id"]) == (
        "Re-plan",
        4,
        plan.mark.pk,
    )
    listed = client.get(url).json()
    assert [b["name"] for b in listed["items"]] == ["Re-plan", "Approved plan"]
    bid = created.json()["id"]
    renamed = send(client, "patch", f"{url}/{bid}", {"name": "Second plan"})
    assert renamed.json()["name"] == "Second plan"
    project_services.task_update(actor=plan.mark, task=plan.task_b, data={"duration": "5d"})
    rows = {r["name"]: r for r in client.get(f"{url}/{plan.baseline.pk}/compare").json()}
    gate = rows["Design signed off"]
    assert (gate["baseline_finish"], gate["finish"], gate["finish_variance"], gate["slipped"]) == (
        "2026-01-07",
        "2026-01-09",
        2,
        True,
    )
    assert send(client, "delete", f"{url}/{bid}").status_code == 204
    assert list(Baseline.objects.values_list("name", flat=True)) == ["Approved plan"]


def test_the_baseline_list_takes_the_same_queries_for_many_baselines(plan, client_for):
    client = client_for(plan.vera)
    url = f"/api/projects/{plan.apollo.pk}/baselines"
    few = queries_for(client, url)
    for i in range(6):
        services.baseline_save(actor=plan.mark, project=plan.apollo, name=f"Plan {i}")
    assert queries_for(client, url) == few


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/projects/{p}/baselines", {"name": "Mine"}),
        ("patch", "/api/projects/{p}/baselines/{b}", {"name": "Mine"}),
        ("delete", "/api/projects/{p}/baselines/{b}", None),
    ],
)
@pytest.mark.parametrize(("user", "status"), [("cora", 403), ("vera", 403), ("olga", 404)])
def test_only_managers_change_baselines(plan, client_for, method, url, body, user, status):
    url = url.format(p=plan.apollo.pk, b=plan.baseline.pk)
    assert send(client_for(getattr(plan, user)), method, url, body).status_code == status
    assert list(Baseline.objects.values_list("name", flat=True)) == ["Approved plan"]


def test_a_baseline_of_another_project_is_404_through_this_one(plan, client_for):
    other = ProjectFactory(portfolio=plan.digital)
    foreign = services.baseline_save(actor=plan.ada, project=other, name="Theirs")
    client = client_for(plan.mark)
    assert client.get(f"/api/projects/{plan.apollo.pk}/baselines/{foreign.pk}/compare").status_code == 404
    assert send(client, "delete", f"/api/projects/{plan.apollo.pk}/baselines/{foreign.pk}").status_code == 404


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("post", "/api/projects/{p}/baselines", {"name": "Approved plan"}, "name"),
        ("post", "/api/projects/{p}/baselines", {"name": ""}, "name"),
        ("post", "/api/projects/{p}/baselines", {}, "name"),
        ("patch", "/api/projects/{p}/baselines/{b}", {"name": "x" * 101}, "name"),
        ("patch", "/api/projects/{p}/baselines/{b}", {"title": "x"}, "title"),
    ],
)
def test_bad_baseline_input_is_a_422_naming_the_field(plan, client_for, method, url, body, field):
    url = url.format(p=plan.apollo.pk, b=plan.baseline.pk)
    response = send(client_for(plan.mark), method, url, body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


# --- tasks and links through the projects API carry the scheduling fields -----------------------------------


def test_task_endpoints_read_and_write_scheduling_fields(plan, client_for):
    client = client_for(plan.mark)
    response = send(
        client,
        "patch",
        f"/api/tasks/{plan.task_a.pk}",
        {
            "duration": "2d",
            "constraint_type": "SNET",
            "constraint_date": "2026-01-12",
            "deadline": "2026-01-20",
            "optimistic_minutes": 480,
            "pessimistic_minutes": 1920,
        },
    )
    assert response.status_code == 200, response.content
    task = response.json()
    assert (task["duration_minutes"], task["constraint_type"], task["start"], task["finish"]) == (
        960,
        "SNET",
        "2026-01-12",
        "2026-01-13",
    )
    assert (task["deadline"], task["optimistic_minutes"], task["pessimistic_minutes"]) == (
        "2026-01-20",
        480,
        1920,
    )
    assert {
        "late_start",
        "late_finish",
        "total_float_minutes",
        "free_float_minutes",
        "critical",
        "calendar",
        "actual_start",
        "actual_finish",
    } <= set(task)
    created = send(
        client, "post", f"/api/projects/{plan.apollo.pk}/tasks", {"name": "Gate", "kind": "milestone"}
    )
    assert created.json()["duration_minutes"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"duration": "soon"}, "duration"),
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"constraint_type": "SOON"}, "constraint_type"),
        ({"constraint_type": "MSO"}, "constraint_date"),
        ({"calendar": 999999}, "calendar"),
        ({"optimistic_minutes": 900, "pessimistic_minutes": 100}, "pessimistic_minutes"),
        ({"actual_start": "2026-01-09", "actual_finish": "2026-01-05"}, "actual_finish"),
    ],
)
def test_bad_scheduling_input_on_a_task_is_a_422_naming_the_field(plan, client_for, body, field):
    response = send(client_for(plan.mark), "patch", f"/api/tasks/{plan.task_a.pk}", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()


def test_a_phases_dates_cannot_be_typed_through_the_api(plan, client_for):
    response = send(client_for(plan.mark), "patch", f"/api/tasks/{plan.phase.pk}", {"start": "2026-02-02"})
    assert response.status_code == 422
    assert "roll up" in response.json()["errors"]["start"]


def test_a_loop_through_the_api_is_a_422_on_the_predecessor(plan, client_for):
    response = send(
        client_for(plan.mark),
        "post",
        f"/api/projects/{plan.apollo.pk}/dependencies",
        {"predecessor": plan.milestone.pk, "successor": plan.task_b.pk},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "predecessor": "Links form a loop: Design signed off → Visual design → Design signed off"
    }


def test_project_endpoints_carry_the_calendar_and_the_scheduled_finish(plan, client_for):
    client = client_for(plan.mark)
    body = send(
        client,
        "patch",
        f"/api/projects/{plan.apollo.pk}",
        {"calendar": plan.calendar.pk, "status_date": "2026-01-06"},
    ).json()
    assert (body["calendar"], body["status_date"], body["scheduled_finish"], body["schedule_error"]) == (
        plan.calendar.pk,
        "2026-01-06",
        "2026-01-07",
        "",
    )
