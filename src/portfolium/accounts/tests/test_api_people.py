"""People and teams through the API: the directory is organisation-wide; only administrators manage teams."""

from __future__ import annotations

import pytest

from portfolium.accounts.models import Team
from tests.factories import TeamFactory, UserFactory
from tests.helpers import queries_for, send


def test_every_signed_in_user_may_search_the_people_directory(org, client_for):
    body = client_for(org.olga).get("/api/users?search=manager").json()
    assert body == {"items": [{"id": org.mark.pk, "username": "mark", "name": "Mark Manager", "job_title": ""}],
                    "count": 1}


def test_the_directory_leaves_out_deactivated_people_and_email_addresses(org, client_for):
    UserFactory(username="gone", is_active=False)
    items = client_for(org.olga).get("/api/users?limit=100").json()["items"]
    assert "gone" not in [u["username"] for u in items]
    assert all("email" not in u for u in items)


def test_users_me_says_who_i_am(org, client_for):
    assert client_for(org.ada).get("/api/users/me").json() == {
        "id": org.ada.pk, "username": "ada", "name": "Ada Admin", "job_title": "", "email": "ada@example.org",
        "is_org_admin": True,
    }


def test_user_list_query_count_does_not_grow_with_the_number_of_users(org, client_for):
    client = client_for(org.olga)
    UserFactory.create_batch(3)
    few = queries_for(client, "/api/users")
    UserFactory.create_batch(27)
    assert queries_for(client, "/api/users") == few


# --- teams ------------------------------------------------------------------------------------------------


def test_everyone_sees_teams_and_their_members(org, client_for):
    team = TeamFactory(name="Design guild")
    team.members.add(org.cora, org.mark)
    client = client_for(org.olga)
    listed = client.get("/api/teams").json()
    assert [(t["name"], [m["name"] for m in t["members"]]) for t in listed["items"]] == [
        ("Design guild", ["Cora Contributor", "Mark Manager"])
    ]
    assert client.get(f"/api/teams/{team.pk}").json()["name"] == "Design guild"
    assert client.get("/api/teams/999999").status_code == 404


def test_team_list_query_count_does_not_grow_with_the_number_of_teams(org, client_for):
    client = client_for(org.vera)

    def add(n: int) -> None:
        for team in TeamFactory.create_batch(n):
            team.members.add(org.cora, org.mark)

    add(3)
    few = queries_for(client, "/api/teams")
    add(27)
    assert queries_for(client, "/api/teams") == few


def test_an_organisation_admin_creates_a_team_and_replaces_its_members(org, client_for):
    client = client_for(org.ada)
    created = send(client, "post", "/api/teams", {"name": "PMO", "description": "Keeps score", "members": [org.paula.pk]})
    assert created.status_code == 201, created.content
    team = created.json()
    assert [m["id"] for m in team["members"]] == [org.paula.pk]

    replaced = send(client, "put", f"/api/teams/{team['id']}/members", {"members": [org.mark.pk, org.vera.pk]})
    assert replaced.status_code == 200
    assert {m["id"] for m in replaced.json()["members"]} == {org.mark.pk, org.vera.pk}


@pytest.mark.parametrize(("body", "field"), [({}, "name"), ({"name": ""}, "name"),
                                             ({"name": "X", "members": ["ada"]}, "members.0"),
                                             ({"name": "X", "members": [999999]}, "members")])
def test_bad_team_input_is_a_422_naming_the_field(org, client_for, body, field):
    response = send(client_for(org.ada), "post", "/api/teams", body)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_a_duplicate_team_name_is_a_422_naming_the_name(org, client_for):
    TeamFactory(name="PMO")
    response = send(client_for(org.ada), "post", "/api/teams", {"name": "PMO"})
    assert response.status_code == 422
    assert "name" in response.json()["errors"]


@pytest.mark.parametrize("who", ["paula", "vera", "olga"])
def test_only_organisation_admins_manage_teams(org, client_for, who):
    team = TeamFactory(name="Design guild")
    client = client_for(getattr(org, who))
    assert send(client, "post", "/api/teams", {"name": "Mine"}).status_code == 403
    assert send(client, "put", f"/api/teams/{team.pk}/members", {"members": [org.olga.pk]}).status_code == 403
    assert list(team.members.all()) == []
    assert not Team.objects.filter(name="Mine").exists()


def test_replacing_the_members_of_a_missing_team_is_a_404(org, client_for):
    assert send(client_for(org.ada), "put", "/api/teams/999999/members", {"members": []}).status_code == 404


def test_people_endpoints_need_authentication(org, client):
    for url in ("/api/users", "/api/users/me", "/api/teams"):
        assert client.get(url).status_code == 401
