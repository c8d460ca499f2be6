"""Custom field definitions through the API: portfolio admins define them, everyone in the portfolio reads them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolium.accounts.models import Role
from portfolium.portfolios.models import CustomFieldDefinition
from tests.factories import CustomFieldFactory, UserFactory, grant
from tests.helpers import send


@pytest.fixture
def fields(org):
    org.budget = CustomFieldFactory(portfolio=org.digital, key="budget", label="Budget", field_type="number")
    CustomFieldFactory(portfolio=org.digital, target="task", key="effort", field_type="number")
    CustomFieldFactory(portfolio=org.other, key="secret")
    return org


def test_custom_field_list_shows_the_definitions_of_visible_portfolios(fields, client_for):
    client = client_for(fields.vera)
    assert [f["key"] for f in client.get("/api/custom-fields").json()["items"]] == ["budget", "effort"]
    assert [f["key"] for f in client.get("/api/custom-fields?target=task").json()["items"]] == ["effort"]
    assert client.get(f"/api/custom-fields?portfolio={fields.web.pk}").json()["count"] == 0
    detail = client.get(f"/api/custom-fields/{fields.budget.pk}").json()
    assert detail == {"id": fields.budget.pk, "portfolio": fields.digital.pk, "target": "project", "key": "budget",
                      "label": "Budget", "field_type": "number", "choices": [], "required": False, "position": 0}


def test_a_bad_target_filter_is_a_422_naming_it(fields, client_for):
    response = client_for(fields.vera).get("/api/custom-fields?target=risk")
    assert response.status_code == 422
    assert "target" in response.json()["errors"]


def test_custom_field_list_query_count_does_not_grow_with_the_number_of_fields(fields, client_for):
    client = client_for(fields.vera)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/custom-fields")
    CustomFieldFactory.create_batch(30, portfolio=fields.digital)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/custom-fields").json()["count"] == 32
    assert len(few) == len(many)


def test_a_portfolio_admin_defines_changes_and_deletes_a_choice_field(fields, client_for):
    client = client_for(fields.paula)
    created = send(client, "post", f"/api/portfolios/{fields.digital.pk}/custom-fields", {
        "target": "project", "key": "size", "label": "T-shirt size", "field_type": "choice",
        "choices": ["S", "M", "L"], "required": False,
    })
    assert created.status_code == 201, created.content
    field = created.json()
    assert (field["key"], field["choices"]) == ("size", ["S", "M", "L"])

    changed = send(client, "patch", f"/api/custom-fields/{field['id']}", {"choices": ["S", "M", "L", "XL"]})
    assert changed.json()["choices"] == ["S", "M", "L", "XL"]
    assert send(client, "delete", f"/api/custom-fields/{field['id']}").status_code == 204
    assert not CustomFieldDefinition.objects.filter(pk=field["id"]).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target": "project", "key": "size", "label": "Size", "field_type": "choice"}, "choices"),
        ({"target": "project", "key": "size", "label": "Size", "field_type": "colour"}, "field_type"),
        ({"target": "risk", "key": "size", "label": "Size", "field_type": "text"}, "target"),
        ({"target": "project", "key": "no spaces", "label": "Size", "field_type": "text"}, "key"),
        ({"target": "project", "key": "budget", "label": "Again", "field_type": "text"}, "key"),
        ({"target": "project", "key": "size", "field_type": "text"}, "label"),
        ({"target": "project", "key": "size", "label": "Size", "field_type": "text", "choices": ["a"]}, "choices"),
    ],
)
def test_a_bad_definition_is_a_422_naming_the_field(fields, client_for, body, field):
    response = send(client_for(fields.paula), "post", f"/api/portfolios/{fields.digital.pk}/custom-fields", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_the_key_and_type_of_a_field_cannot_change(fields, client_for):
    response = send(client_for(fields.paula), "patch", f"/api/custom-fields/{fields.budget.pk}",
                    {"field_type": "text"})
    assert response.status_code == 422
    assert "field_type" in response.json()["errors"]


def test_defining_custom_fields_needs_the_admin_role_not_just_manager(fields, client_for):
    max_ = UserFactory(username="max")
    grant(max_, Role.MANAGER, portfolio=fields.digital)
    client = client_for(max_)
    assert client.get(f"/api/custom-fields/{fields.budget.pk}").status_code == 200
    assert send(client, "post", f"/api/portfolios/{fields.digital.pk}/custom-fields",
                {"target": "project", "key": "x", "label": "X", "field_type": "text"}).status_code == 403
    assert send(client, "patch", f"/api/custom-fields/{fields.budget.pk}", {"label": "Money"}).status_code == 403
    assert send(client, "delete", f"/api/custom-fields/{fields.budget.pk}").status_code == 403


READS = [("get", "/api/custom-fields/{budget}", None)]
WRITES = [
    ("post", "/api/portfolios/{digital}/custom-fields",
     {"target": "project", "key": "x", "label": "X", "field_type": "text"}),
    ("patch", "/api/custom-fields/{budget}", {"label": "Money"}),
    ("delete", "/api/custom-fields/{budget}", None),
]


def _url(org, template: str) -> str:
    return template.format(budget=org.budget.pk, digital=org.digital.pk)


def _ids(value):
    return value if isinstance(value, str) else ""


@pytest.mark.parametrize(("method", "url", "body"), READS + WRITES, ids=_ids)
def test_an_outsider_gets_404_from_every_custom_field_endpoint(fields, client_for, method, url, body):
    before = list(CustomFieldDefinition.objects.values_list("id", "label"))
    assert send(client_for(fields.olga), method, _url(fields, url), body).status_code == 404
    assert list(CustomFieldDefinition.objects.values_list("id", "label")) == before


@pytest.mark.parametrize(("method", "url", "body"), WRITES, ids=_ids)
def test_a_viewer_gets_403_from_every_custom_field_write(fields, client_for, method, url, body):
    before = list(CustomFieldDefinition.objects.values_list("id", "label"))
    assert send(client_for(fields.vera), method, _url(fields, url), body).status_code == 403
    assert list(CustomFieldDefinition.objects.values_list("id", "label")) == before
