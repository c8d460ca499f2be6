"""The projects API: who sees which projects, what a project looks like, filters, and who may change it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from portfolium.accounts.models import Role
from portfolium.projects.models import Project
from tests.factories import CustomFieldFactory, ProgramFactory, ProjectFactory, UserFactory, grant
from tests.helpers import queries_for, send


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["code"] for p in response.json()["items"]]


# --- reading ----------------------------------------------------------------------------------------------


def test_project_list_shows_only_projects_the_user_holds_a_role_on(org, client_for):
    assert codes(client_for(org.vera).get("/api/projects")) == ["APOLLO", "ZEUS"]
    assert codes(client_for(org.mark).get("/api/projects")) == ["APOLLO"]
    assert codes(client_for(org.ada).get("/api/projects")) == ["APOLLO", "HIDDEN", "ZEUS"]
    assert client_for(org.olga).get("/api/projects").json() == {"items": [], "count": 0}


def test_project_list_is_paginated_with_limit_and_offset(org, client_for):
    body = client_for(org.ada).get("/api/projects?limit=1&offset=1").json()
    assert body["count"] == 3
    assert [p["code"] for p in body["items"]] == ["HIDDEN"]


def test_project_detail_carries_rollups_tags_custom_fields_and_people(org, client_for):
    CustomFieldFactory(portfolio=org.digital, key="budget", field_type="number")
    Project.objects.filter(pk=org.apollo.pk).update(
        progress=Decimal("42.5"), task_count=4, task_done_count=1, task_blocked_count=1,
        rollup_start=dt.date(2026, 2, 1), rollup_finish=dt.date(2026, 3, 1), sponsor=org.paula,
    )
    send(client_for(org.mark), "patch", f"/api/projects/{org.apollo.pk}",
         {"tags": ["Mobile", "web"], "custom_fields": {"budget": 1200}})

    body = client_for(org.vera).get(f"/api/projects/{org.apollo.pk}").json()

    assert body["progress"] == "42.5"
    assert (body["task_count"], body["task_done_count"], body["task_blocked_count"]) == (4, 1, 1)
    assert (body["rollup_start"], body["rollup_finish"]) == ("2026-02-01", "2026-03-01")
    assert body["tags"] == ["mobile", "web"]
    assert body["custom_fields"] == {"budget": 1200}
    assert body["manager"] == {"id": org.mark.pk, "name": "Mark Manager"}
    assert body["sponsor"] == {"id": org.paula.pk, "name": "Paula Portfolio"}
    assert body["portfolio"] == {"id": org.digital.pk, "code": "DIG", "name": "Digital"}
    assert body["program"] == {"id": org.program.pk, "code": "CX", "name": "Customer Experience"}
    assert body["start"] == "2026-01-05"


def test_a_role_on_the_project_alone_does_not_reveal_its_portfolio_or_program(org, client_for):
    detail = client_for(org.mark).get(f"/api/projects/{org.apollo.pk}").json()
    listed = client_for(org.mark).get("/api/projects").json()["items"][0]

    for body in (detail, listed):
        assert body["code"] == "APOLLO"
        assert body["portfolio"] is None
        assert body["program"] is None


def test_a_role_on_the_program_reveals_the_program_but_not_the_portfolio(org, client_for):
    pat = UserFactory(username="pat")
    grant(pat, Role.VIEWER, program=org.program)

    body = client_for(pat).get(f"/api/projects/{org.apollo.pk}").json()

    assert body["program"]["code"] == "CX"
    assert body["portfolio"] is None


def test_a_project_you_hold_no_role_on_answers_exactly_like_one_that_does_not_exist(org, client_for):
    client = client_for(org.olga)
    hidden = client.get(f"/api/projects/{org.apollo.pk}")
    missing = client.get("/api/projects/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# --- filters ----------------------------------------------------------------------------------------------


@pytest.fixture
def filterable(org):
    """Apollo and Zeus, varied on every field a filter reads."""
    CustomFieldFactory(portfolio=org.digital, key="budget", field_type="number")
    CustomFieldFactory(portfolio=org.digital, key="kind", field_type="choice", choices=["build", "run"])
    Project.objects.filter(pk=org.apollo.pk).update(
        stage="execution", health="amber", priority=3, custom_fields={"budget": 500, "kind": "build"}
    )
    Project.objects.filter(pk=org.zeus.pk).update(
        stage="planning", health="red", priority=1, manager=org.paula, description="the zeus rewrite",
        start=dt.date(2026, 6, 1), finish=dt.date(2026, 9, 30), custom_fields={"budget": 50, "kind": "run"},
    )
    org.zeus.tags.create(name="mobile")
    return org


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("portfolio={digital}", ["APOLLO", "ZEUS"], id="portfolio includes sub-portfolios"),
        pytest.param("portfolio={digital}&include_sub_portfolios=false", ["APOLLO"], id="portfolio alone"),
        pytest.param("portfolio={web}", ["ZEUS"], id="child portfolio"),
        pytest.param("program={program}", ["APOLLO"], id="program"),
        pytest.param("stage=execution", ["APOLLO"], id="stage"),
        pytest.param("stage=execution&stage=planning", ["APOLLO", "ZEUS"], id="several stages"),
        pytest.param("health=red", ["ZEUS"], id="health"),
        pytest.param("health=red&health=amber", ["APOLLO", "ZEUS"], id="several healths"),
        pytest.param("priority=3", ["APOLLO"], id="priority"),
        pytest.param("manager={paula}", ["ZEUS"], id="manager"),
        pytest.param("tag=Mobile", ["ZEUS"], id="tag, case-insensitive"),
        pytest.param("search=rewrite", ["ZEUS"], id="search in description"),
        pytest.param("starts_after=2026-03-01", ["ZEUS"], id="starts after"),
        pytest.param("finishes_before=2026-10-01", ["ZEUS"], id="finishes before"),
        pytest.param("sort=-code", ["ZEUS", "APOLLO"], id="sort descending"),
        pytest.param("sort=health", ["APOLLO", "ZEUS"], id="sort by health severity"),
        pytest.param("cf_kind=run", ["ZEUS"], id="custom field equals"),
        pytest.param("cf_budget=>=100", ["APOLLO"], id="custom number at least"),
        pytest.param("cf_budget=<=100", ["ZEUS"], id="custom number at most"),
    ],
)
def test_project_list_filters(filterable, client_for, query, expected):
    org = filterable
    url = "/api/projects?" + query.format(digital=org.digital.pk, web=org.web.pk, program=org.program.pk,
                                           paula=org.paula.pk)
    assert codes(client_for(org.vera).get(url)) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stage=bogus", "stage"),
        ("health=purple", "health"),
        ("sort=colour", "sort"),
        ("starts_after=next-tuesday", "starts_after"),
        ("priority=high", "priority"),
        ("cf_nonexistent=1", "cf_nonexistent"),
        ("cf_budget=lots", "cf_budget"),
        ("cf_kind=>=3", "cf_kind"),
    ],
)
def test_a_bad_filter_is_a_422_naming_the_parameter(filterable, client_for, query, field):
    response = client_for(filterable.vera).get(f"/api/projects?{query}")
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_project_list_query_count_does_not_grow_with_the_number_of_projects(org, client_for):
    program = ProgramFactory(portfolio=org.digital)

    def add(n: int) -> None:
        for _ in range(n):
            project = ProjectFactory(portfolio=org.digital, program=program, manager=org.mark, sponsor=org.paula)
            project.tags.create(name=f"tag-{project.code.lower()}")

    client = client_for(org.vera)
    add(3)
    few = queries_for(client, "/api/projects")
    add(27)
    many = queries_for(client, "/api/projects")
    assert client.get("/api/projects").json()["count"] == 32
    assert few == many


# --- writing ----------------------------------------------------------------------------------------------


def test_a_portfolio_admin_creates_a_project_with_tags_and_custom_fields(org, client_for):
    CustomFieldFactory(portfolio=org.digital, key="budget", field_type="number")
    response = send(client_for(org.paula), "post", "/api/projects", {
        "portfolio": org.web.pk, "code": "HERMES", "name": "Hermes", "stage": "planning", "priority": 4,
        "manager": org.mark.pk, "start": "2026-02-02", "finish": "2026-05-29", "tags": ["Mobile"],
        "custom_fields": {"budget": "2500"},
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["code"], body["stage"], body["priority"]) == ("HERMES", "planning", 4)
    assert body["portfolio"]["code"] == "WEB"
    assert body["tags"] == ["mobile"]
    assert body["custom_fields"] == {"budget": 2500}
    assert Project.objects.filter(code="HERMES").exists()


def test_creating_a_project_needs_the_manager_role_on_its_portfolio(org, client_for):
    response = send(client_for(org.vera), "post", "/api/projects",
                    {"portfolio": org.digital.pk, "code": "NOPE", "name": "Nope"})
    assert response.status_code == 403


def test_creating_a_project_in_a_hidden_portfolio_reads_like_a_missing_one(org, client_for):
    client = client_for(org.olga)
    hidden = send(client, "post", "/api/projects", {"portfolio": org.digital.pk, "code": "NOPE", "name": "Nope"})
    missing = send(client, "post", "/api/projects", {"portfolio": 999999, "code": "NOPE", "name": "Nope"})
    assert hidden.status_code == missing.status_code == 422
    assert hidden.json() == missing.json()
    assert "portfolio" in hidden.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "X"}, "name"),
        ({"name": "X"}, "code"),
        ({"code": "APOLLO", "name": "Duplicate"}, "code"),
        ({"code": "X", "name": "X", "stage": "dreaming"}, "stage"),
        ({"code": "X", "name": "X", "priority": 9}, "priority"),
        ({"code": "X", "name": "X", "start": "2026-05-01", "finish": "2026-04-01"}, "finish"),
        ({"code": "X", "name": "X", "manager": 999999}, "manager"),
        ({"code": "X", "name": "X", "colour": "blue"}, "colour"),
        ({"code": "X", "name": "X", "custom_fields": {"nope": 1}}, "custom_fields.nope"),
    ],
)
def test_bad_project_input_is_a_422_naming_the_field(org, client_for, body, field):
    response = send(client_for(org.paula), "post", "/api/projects", {"portfolio": org.digital.pk, **body})
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_the_project_manager_updates_only_the_fields_sent(org, client_for):
    Project.objects.filter(pk=org.apollo.pk).update(description="keep me")
    response = send(client_for(org.mark), "patch", f"/api/projects/{org.apollo.pk}",
                    {"health": "amber", "health_reason": "vendor late"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["health"], body["health_reason"], body["description"]) == ("amber", "vendor late", "keep me")


def test_a_bad_enum_value_in_a_patch_is_a_422_naming_the_field(org, client_for):
    response = send(client_for(org.mark), "patch", f"/api/projects/{org.apollo.pk}", {"health": "purple"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["health"]


def test_a_contributor_cannot_edit_the_project(org, client_for):
    response = send(client_for(org.cora), "patch", f"/api/projects/{org.apollo.pk}", {"name": "Mine now"})
    assert response.status_code == 403


def test_deleting_a_project_needs_the_admin_role(org, client_for):
    assert send(client_for(org.mark), "delete", f"/api/projects/{org.apollo.pk}").status_code == 403
    assert send(client_for(org.paula), "delete", f"/api/projects/{org.apollo.pk}").status_code == 204
    assert client_for(org.paula).get(f"/api/projects/{org.apollo.pk}").status_code == 404


@pytest.mark.parametrize(
    ("method", "body"),
    [("get", None), ("patch", {"name": "Renamed"}), ("delete", None)],
)
def test_an_outsider_gets_404_from_every_project_endpoint(org, client_for, method, body):
    response = send(client_for(org.olga), method, f"/api/projects/{org.apollo.pk}", body)
    assert response.status_code == 404
    assert Project.objects.get(pk=org.apollo.pk).name == "Apollo"


@pytest.mark.parametrize(("method", "body"), [("patch", {"name": "Renamed"}), ("delete", None)])
def test_a_viewer_gets_403_from_every_project_write(org, client_for, method, body):
    response = send(client_for(org.vera), method, f"/api/projects/{org.apollo.pk}", body)
    assert response.status_code == 403
    assert Project.objects.get(pk=org.apollo.pk).name == "Apollo"


def test_the_api_needs_authentication(org, client):
    response = client.get("/api/projects")
    assert response.status_code == 401
    assert "detail" in response.json()
