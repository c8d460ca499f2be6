"""Portfolios and programs through the API: who sees what, the tree, rollups, and who may change them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portfolium.accounts.models import Role
from portfolium.portfolios.models import Portfolio, Program
from portfolium.projects.models import Project
from tests.factories import PortfolioFactory, ProgramFactory, UserFactory, grant
from tests.helpers import queries_for, send


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["code"] for p in response.json()["items"]]


# --- portfolios: reading ----------------------------------------------------------------------------------


def test_portfolio_list_shows_the_portfolios_the_user_holds_a_role_on_and_below(org, client_for):
    assert codes(client_for(org.vera).get("/api/portfolios")) == ["DIG", "WEB"]
    assert codes(client_for(org.ada).get("/api/portfolios")) == ["DIG", "OTH", "WEB"]
    assert client_for(org.olga).get("/api/portfolios").json() == {"items": [], "count": 0}


@pytest.mark.parametrize(("query", "expected"), [("parent={digital}", ["WEB"]), ("search=dig", ["DIG"]),
                                                 ("limit=1&offset=1", ["OTH"])])
def test_portfolio_list_filters_and_pages(org, client_for, query, expected):
    assert codes(client_for(org.ada).get("/api/portfolios?" + query.format(digital=org.digital.pk))) == expected


def test_portfolio_list_query_count_does_not_grow_with_the_number_of_portfolios(org, client_for):
    client = client_for(org.vera)
    PortfolioFactory.create_batch(3, parent=org.digital, owner=org.paula)
    few = queries_for(client, "/api/portfolios")
    PortfolioFactory.create_batch(27, parent=org.digital, owner=org.paula)
    assert queries_for(client, "/api/portfolios") == few
    assert client.get("/api/portfolios").json()["count"] == 32


def test_a_portfolio_names_its_parent_only_to_those_who_can_see_the_parent(org, client_for):
    wendy = UserFactory(username="wendy")
    grant(wendy, Role.VIEWER, portfolio=org.web)
    assert client_for(org.vera).get(f"/api/portfolios/{org.web.pk}").json()["parent"] == org.digital.pk
    assert client_for(wendy).get(f"/api/portfolios/{org.web.pk}").json()["parent"] is None


def test_the_tree_nests_visible_portfolios_with_programs_and_health_counts(org, client_for):
    Project.objects.filter(pk=org.zeus.pk).update(health="red")
    tree = client_for(org.vera).get("/api/portfolios/tree").json()
    assert len(tree) == 1
    digital = tree[0]
    assert (digital["code"], digital["project_count"], digital["health"]) == ("DIG", 1, {"green": 1})
    assert digital["programs"] == [{"id": org.program.pk, "code": "CX", "name": "Customer Experience"}]
    assert [(c["code"], c["health"]) for c in digital["children"]] == [("WEB", {"red": 1})]
    assert client_for(org.olga).get("/api/portfolios/tree").json() == []


def test_the_rollup_adds_up_the_projects_of_the_portfolio_and_its_children(org, client_for):
    Project.objects.filter(pk=org.apollo.pk).update(progress=Decimal("50"), task_count=3, task_done_count=1,
                                                    health="amber")
    Project.objects.filter(pk=org.zeus.pk).update(progress=Decimal("10"), task_count=1, stage="execution")

    rollup = client_for(org.vera).get(f"/api/portfolios/{org.digital.pk}/rollup").json()

    assert (rollup["projects"], rollup["tasks"], rollup["tasks_done"]) == (2, 4, 1)
    assert rollup["progress"] == "40.0"  # weighted by task count: (50*3 + 10*1) / 4
    assert rollup["health"] == "amber"
    assert rollup["by_stage"] == {"initiation": 1, "execution": 1}
    assert (rollup["start"], rollup["finish"]) == ("2026-01-05", "2026-12-18")


# --- portfolios: writing ----------------------------------------------------------------------------------


def test_an_organisation_admin_creates_a_top_level_portfolio(org, client_for):
    response = send(client_for(org.ada), "post", "/api/portfolios", {"code": "OPS", "name": "Operations"})
    assert response.status_code == 201, response.content
    assert response.json()["parent"] is None


def test_a_portfolio_admin_creates_a_child_portfolio_and_administers_it(org, client_for):
    response = send(client_for(org.paula), "post", "/api/portfolios",
                    {"parent": org.digital.pk, "code": "APP", "name": "Apps", "owner": org.paula.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["parent"], body["owner"]["name"]) == (org.digital.pk, "Paula Portfolio")
    assert send(client_for(org.paula), "delete", f"/api/portfolios/{body['id']}").status_code == 204


def test_only_an_organisation_admin_creates_a_top_level_portfolio(org, client_for):
    assert send(client_for(org.paula), "post", "/api/portfolios", {"code": "OPS", "name": "Ops"}).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": "No code"}, "code"), ({"code": "X"}, "name"), ({"code": "DIG", "name": "Again"}, "code"),
     ({"code": "X" * 21, "name": "Long"}, "code"), ({"code": "X", "name": "X", "owner": 999999}, "owner")],
)
def test_bad_portfolio_input_is_a_422_naming_the_field(org, client_for, body, field):
    response = send(client_for(org.ada), "post", "/api/portfolios", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_a_portfolio_cannot_move_under_its_own_child(org, client_for):
    response = send(client_for(org.ada), "patch", f"/api/portfolios/{org.digital.pk}", {"parent": org.web.pk})
    assert response.status_code == 422
    assert "parent" in response.json()["errors"]


def test_a_portfolio_admin_renames_the_portfolio(org, client_for):
    response = send(client_for(org.paula), "patch", f"/api/portfolios/{org.digital.pk}", {"name": "Digital & Data"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["code"]) == ("Digital & Data", "DIG")


def test_a_portfolio_that_still_holds_projects_cannot_be_deleted(org, client_for):
    response = send(client_for(org.ada), "delete", f"/api/portfolios/{org.web.pk}")
    assert response.status_code == 409
    assert Portfolio.objects.filter(pk=org.web.pk).exists()


# --- programs ---------------------------------------------------------------------------------------------


def test_program_list_and_detail_with_rollup(org, client_for):
    ProgramFactory(portfolio=org.other, code="SECRET")
    client = client_for(org.vera)
    assert codes(client.get("/api/programs")) == ["CX"]
    assert codes(client.get(f"/api/programs?portfolio={org.web.pk}")) == []
    detail = client.get(f"/api/programs/{org.program.pk}").json()
    assert detail["portfolio"] == {"id": org.digital.pk, "code": "DIG", "name": "Digital"}
    assert detail["rollup"]["projects"] == 1


def test_a_role_on_a_program_alone_does_not_reveal_its_portfolio(org, client_for):
    pat = UserFactory(username="pat")
    grant(pat, Role.VIEWER, program=org.program)
    assert client_for(pat).get(f"/api/programs/{org.program.pk}").json()["portfolio"] is None


def test_program_list_query_count_does_not_grow_with_the_number_of_programs(org, client_for):
    client = client_for(org.vera)
    ProgramFactory.create_batch(3, portfolio=org.digital, manager=org.mark)
    few = queries_for(client, "/api/programs")
    ProgramFactory.create_batch(27, portfolio=org.digital, manager=org.mark)
    assert queries_for(client, "/api/programs") == few


def test_a_portfolio_admin_creates_updates_and_deletes_a_program(org, client_for):
    client = client_for(org.paula)
    created = send(client, "post", "/api/programs",
                   {"portfolio": org.digital.pk, "code": "OPS", "name": "Operations", "manager": org.mark.pk})
    assert created.status_code == 201, created.content
    program_id = created.json()["id"]
    assert created.json()["rollup"]["projects"] == 0
    updated = send(client, "patch", f"/api/programs/{program_id}", {"name": "Operations excellence"})
    assert updated.json()["name"] == "Operations excellence"
    assert send(client, "delete", f"/api/programs/{program_id}").status_code == 204
    assert not Program.objects.filter(pk=program_id).exists()


def test_deleting_a_program_leaves_its_projects_in_the_portfolio(org, client_for):
    assert send(client_for(org.paula), "delete", f"/api/programs/{org.program.pk}").status_code == 204
    project = client_for(org.paula).get(f"/api/projects/{org.apollo.pk}").json()
    assert (project["portfolio"]["code"], project["program"]) == ("DIG", None)


@pytest.mark.parametrize(("body", "field"), [({"code": "X", "name": "X"}, "portfolio"),
                                             ({"portfolio": 0, "name": "X"}, "code"),
                                             ({"portfolio": 0, "code": "CX", "name": "Again"}, "code")])
def test_bad_program_input_is_a_422_naming_the_field(org, client_for, body, field):
    body = {k: (org.digital.pk if k == "portfolio" else v) for k, v in body.items()}
    response = send(client_for(org.paula), "post", "/api/programs", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


# --- rights, endpoint by endpoint -------------------------------------------------------------------------


READS = [
    ("get", "/api/portfolios/{digital}", None),
    ("get", "/api/portfolios/{digital}/rollup", None),
    ("get", "/api/programs/{program}", None),
]
WRITES = [
    ("post", "/api/portfolios", {"parent": "{digital}", "code": "NEW", "name": "New"}),
    ("patch", "/api/portfolios/{digital}", {"name": "Renamed"}),
    ("delete", "/api/portfolios/{empty}", None),
    ("post", "/api/programs", {"portfolio": "{digital}", "code": "NEW", "name": "New"}),
    ("patch", "/api/programs/{program}", {"name": "Renamed"}),
    ("delete", "/api/programs/{program}", None),
]


def _fill(org, value):
    ids = {"digital": org.digital.pk, "program": org.program.pk, "empty": org.empty.pk}
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if filled.isdigit() else filled
    if isinstance(value, dict):
        return {k: _fill(org, v) for k, v in value.items()}
    return value


@pytest.fixture
def with_empty(org):
    org.empty = PortfolioFactory(parent=org.digital, code="EMPTY", name="Empty")
    return org


def _state() -> tuple:
    return (list(Portfolio.objects.values_list("id", "name")), list(Program.objects.values_list("id", "name")))


def _ids(value):
    return value if isinstance(value, str) else ""


@pytest.mark.parametrize(("method", "url", "body"), READS + WRITES, ids=_ids)
def test_an_outsider_gets_404_from_every_portfolio_and_program_endpoint(with_empty, client_for, method, url, body):
    before = _state()
    response = send(client_for(with_empty.olga), method, _fill(with_empty, url), _fill(with_empty, body))
    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("method", "url", "body"), WRITES, ids=_ids)
def test_a_viewer_gets_403_from_every_portfolio_and_program_write(with_empty, client_for, method, url, body):
    before = _state()
    response = send(client_for(with_empty.vera), method, _fill(with_empty, url), _fill(with_empty, body))
    assert response.status_code == 403
    assert _state() == before


def test_a_manager_may_edit_but_not_delete_a_portfolio(with_empty, client_for):
    org = with_empty
    max_ = UserFactory(username="max")
    grant(max_, Role.MANAGER, portfolio=org.digital)
    assert send(client_for(max_), "patch", f"/api/portfolios/{org.empty.pk}", {"name": "Full"}).status_code == 200
    assert send(client_for(max_), "delete", f"/api/portfolios/{org.empty.pk}").status_code == 403
    assert send(client_for(max_), "delete", f"/api/programs/{org.program.pk}").status_code == 403
