"""Role memberships through the API: members of a scope see who else is; its admins grant and revoke."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolium.accounts.models import Membership, Role
from tests.factories import TeamFactory, UserFactory, grant
from tests.helpers import send


def test_members_of_a_portfolio_see_who_holds_which_role_there(org, client_for):
    body = client_for(org.vera).get(f"/api/memberships?portfolio={org.digital.pk}").json()
    assert [(m["user"]["name"], m["role"], m["role_label"]) for m in body["items"]] == [
        ("Paula Portfolio", Role.ADMIN, "Admin"), ("Vera Viewer", Role.VIEWER, "Viewer")
    ]
    assert body["items"][0]["portfolio"] == org.digital.pk


def test_memberships_of_a_project_and_a_program(org, client_for):
    team = TeamFactory(name="Design guild")
    grant_team = Membership.objects.create(team=team, program=org.program, role=Role.CONTRIBUTOR)
    client = client_for(org.mark)
    project = client.get(f"/api/memberships?project={org.apollo.pk}").json()
    assert [m["user"]["name"] for m in project["items"]] == ["Mark Manager", "Cora Contributor"]
    program = client_for(org.vera).get(f"/api/memberships?program={org.program.pk}").json()
    assert program["items"][0]["team"] == {"id": team.pk, "name": "Design guild"}
    assert program["items"][0]["id"] == grant_team.pk


@pytest.mark.parametrize("query", ["", "portfolio={digital}&project={apollo}"])
def test_memberships_need_exactly_one_scope(org, client_for, query):
    url = "/api/memberships?" + query.format(digital=org.digital.pk, apollo=org.apollo.pk)
    response = client_for(org.ada).get(url)
    assert response.status_code == 422
    assert "scope" in response.json()["errors"]


def test_membership_list_query_count_does_not_grow_with_the_number_of_members(org, client_for):
    client = client_for(org.vera)
    url = f"/api/memberships?portfolio={org.digital.pk}"

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    for user in UserFactory.create_batch(3):
        grant(user, Role.VIEWER, portfolio=org.digital)
    few = count()
    for user in UserFactory.create_batch(27):
        grant(user, Role.VIEWER, portfolio=org.digital)
    assert count() == few


def test_a_portfolio_admin_grants_a_role_and_the_grantee_sees_the_portfolio(org, client_for):
    response = send(client_for(org.paula), "post", "/api/memberships",
                    {"user": org.olga.pk, "portfolio": org.web.pk, "role": Role.VIEWER})
    assert response.status_code == 201, response.content
    assert response.json()["role_label"] == "Viewer"
    assert [p["code"] for p in client_for(org.olga).get("/api/projects").json()["items"]] == ["ZEUS"]


def test_granting_again_changes_the_role(org, client_for):
    response = send(client_for(org.paula), "post", "/api/memberships",
                    {"user": org.vera.pk, "portfolio": org.digital.pk, "role": Role.MANAGER})
    assert response.status_code == 201
    assert Membership.objects.get(user=org.vera, portfolio=org.digital).role == Role.MANAGER


def test_a_portfolio_admin_revokes_a_role(org, client_for):
    membership = Membership.objects.get(user=org.vera, portfolio=org.digital)
    assert send(client_for(org.paula), "delete", f"/api/memberships/{membership.pk}").status_code == 204
    assert client_for(org.vera).get(f"/api/projects/{org.apollo.pk}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user": "olga", "portfolio": "web", "role": 15}, "role"),
        ({"user": "olga", "portfolio": "web"}, "role"),
        ({"user": "olga", "role": 10}, "scope"),
        ({"user": "olga", "portfolio": "web", "project": "apollo", "role": 10}, "scope"),
        ({"portfolio": "web", "role": 10}, "user"),
        ({"user": 999999, "portfolio": "web", "role": 10}, "user"),
        ({"team": 999999, "portfolio": "web", "role": 10}, "team"),
    ],
)
def test_a_bad_grant_is_a_422_naming_the_field(org, client_for, body, field):
    body = {k: getattr(org, v).pk if isinstance(v, str) else v for k, v in body.items()}
    response = send(client_for(org.paula), "post", "/api/memberships", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_a_project_manager_cannot_grant_roles_on_the_project(org, client_for):
    response = send(client_for(org.mark), "post", "/api/memberships",
                    {"user": org.olga.pk, "project": org.apollo.pk, "role": Role.VIEWER})
    assert response.status_code == 403


def test_an_outsider_gets_404_from_every_membership_endpoint(org, client_for):
    membership = Membership.objects.get(user=org.vera, portfolio=org.digital)
    client = client_for(org.olga)
    assert client.get(f"/api/memberships?portfolio={org.digital.pk}").status_code == 404
    assert client.get(f"/api/memberships?project={org.apollo.pk}").status_code == 404
    assert client.get(f"/api/memberships?program={org.program.pk}").status_code == 404
    granted = send(client, "post", "/api/memberships", {"user": org.olga.pk, "portfolio": org.digital.pk, "role": 40})
    assert granted.status_code == 404
    assert send(client, "delete", f"/api/memberships/{membership.pk}").status_code == 404
    assert Membership.objects.filter(user=org.olga).count() == 0
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_viewer_gets_403_from_every_membership_write(org, client_for):
    membership = Membership.objects.get(user=org.paula, portfolio=org.digital)
    client = client_for(org.vera)
    granted = send(client, "post", "/api/memberships", {"user": org.vera.pk, "portfolio": org.digital.pk, "role": 40})
    assert granted.status_code == 403
    assert send(client, "delete", f"/api/memberships/{membership.pk}").status_code == 403
    assert Membership.objects.get(user=org.vera, portfolio=org.digital).role == Role.VIEWER
    assert Membership.objects.filter(pk=membership.pk).exists()
