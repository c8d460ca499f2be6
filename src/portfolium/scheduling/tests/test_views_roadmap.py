"""The roadmap: every visible project on one timeline, grouped by program, with filters and rights."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from portfolium.projects.models import TaskDependency
from portfolium.scheduling.services import schedule_recalculate
from tests.factories import ProjectFactory, TaskFactory
from tests.helpers import queries_for

HX = {"HTTP_HX_REQUEST": "true"}


def test_roadmap_shows_visible_projects_grouped_by_program(client_for, org):
    schedule_recalculate(project=org.apollo)
    response = client_for(org.vera).get(reverse("scheduling:roadmap"))
    assert response.status_code == 200
    data = response.context["data"]
    assert {p.code for p in data.projects} == {"APOLLO", "ZEUS"}  # not HIDDEN
    groups = {g.name: [p.code for p in g.projects] for g in data.groups}
    assert groups["Customer Experience"] == ["APOLLO"]
    assert "Design signed off" in [m.name for p in data.projects for m in p.milestones]
    assert response.context["chart"] and "HIDDEN" not in response.content.decode()


def test_a_project_member_does_not_learn_the_program_name(client_for, org):
    response = client_for(org.mark).get(reverse("scheduling:roadmap"))
    assert [p.code for p in response.context["data"].projects] == ["APOLLO"]
    assert "Customer Experience" not in response.content.decode()


def test_someone_with_no_role_sees_an_empty_roadmap(client_for, org):
    response = client_for(org.olga).get(reverse("scheduling:roadmap"))
    assert response.status_code == 200 and response.context["data"].projects == []
    assert "No projects to show" in response.content.decode()


def test_portfolio_roadmap_and_its_rights(client_for, org):
    url = reverse("scheduling:portfolio_roadmap", args=[org.web.pk])
    response = client_for(org.vera).get(url)
    assert [p.code for p in response.context["data"].projects] == ["ZEUS"]
    assert client_for(org.olga).get(url).status_code == 404
    assert (
        client_for(org.vera)
        .get(reverse("portfolios:detail", args=[org.digital.pk]))
        .content.decode()
        .count(reverse("scheduling:portfolio_roadmap", args=[org.digital.pk]))
        >= 1
    )


def test_filters_by_health_and_stage(client_for, org):
    org.zeus.health = "red"
    org.zeus.save(update_fields=["health"])
    response = client_for(org.vera).get(reverse("scheduling:roadmap") + "?health=red", **HX)
    assert [p.code for p in response.context["data"].projects] == ["ZEUS"]
    response = client_for(org.vera).get(reverse("scheduling:roadmap") + "?stage=nonsense", **HX)
    assert response.status_code == 422 and "stage" in response.context["errors"]


def test_cross_project_links_between_visible_projects(client_for, org):
    hermes = ProjectFactory(code="HERMES", portfolio=org.digital, program=org.program)
    api = TaskFactory(project=hermes, name="API ready", start=dt.date(2026, 1, 5), finish=dt.date(2026, 1, 9))
    TaskDependency.objects.create(project=org.apollo, predecessor=api, successor=org.task_a)
    org.task_a.start = org.task_a.finish = dt.date(2026, 1, 12)
    org.task_a.save()
    response = client_for(org.vera).get(reverse("scheduling:roadmap"))
    links = response.context["data"].links
    assert [(link.predecessor_name, link.successor_name) for link in links] == [("API ready", "Wireframes")]
    # Mark sees Apollo only: no link to a project he cannot see.
    assert client_for(org.mark).get(reverse("scheduling:roadmap")).context["data"].links == []


def test_roadmap_query_count_does_not_grow_with_projects(client_for, org):
    client = client_for(org.vera)
    small = queries_for(client, reverse("scheduling:roadmap"))
    for i in range(15):
        project = ProjectFactory(portfolio=org.digital, program=org.program if i % 2 else None)
        TaskFactory(
            project=project,
            kind="milestone",
            name=f"M{i}",
            start=dt.date(2026, 2, 2),
            finish=dt.date(2026, 2, 2),
        )
    large = queries_for(client, reverse("scheduling:roadmap"))
    assert large == small


def test_the_project_list_sorts_by_a_column_and_keeps_the_filters(client_for, org):
    org.apollo.finish, org.zeus.finish = dt.date(2030, 1, 1), dt.date(2029, 1, 1)
    org.apollo.save(update_fields=["finish"])
    org.zeus.save(update_fields=["finish"])
    client = client_for(org.vera)
    codes = lambda r: [p.code for _, p in r.context["roadmap_rows"]]  # noqa: E731
    by_target = client.get(reverse("scheduling:roadmap"), {"sort": "target"})
    assert codes(by_target) == ["ZEUS", "APOLLO"]
    assert codes(client.get(reverse("scheduling:roadmap"), {"sort": "-target"})) == ["APOLLO", "ZEUS"]
    target = next(h for h in by_target.context["roadmap_headers"] if h["key"] == "target")
    assert target["active"] and target["aria"] == "ascending" and "sort=-target" in target["url"]
    filtered = client.get(reverse("scheduling:roadmap"), {"health": "green", "sort": "project"})
    assert all("health=green" in h["url"] for h in filtered.context["roadmap_headers"])


def test_an_unknown_sort_falls_back_to_program_order(client_for, org):
    response = client_for(org.vera).get(reverse("scheduling:roadmap"), {"sort": "drop table"})
    assert response.status_code == 200 and response.context["roadmap_sort"] == ""
