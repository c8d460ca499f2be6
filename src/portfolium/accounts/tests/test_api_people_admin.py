"""Administering people and teams through the API: organisation administrators only, errors name the field."""

from __future__ import annotations

import pytest
from conftest import PASSWORD

from portfolium.accounts.models import Membership, Role, Team, User
from portfolium.audit.models import AuditEvent
from tests.factories import TeamFactory
from tests.helpers import send

# --- people -----------------------------------------------------------------------------------------------


def test_an_admin_adds_a_person_and_gets_the_generated_password_once(org, client_for):
    response = send(client_for(org.ada), "post", "/api/users",
                    {"username": "grace", "display_name": "Grace Hopper", "email": "grace@example.org"})
    assert response.status_code == 201, response.content
    body = response.json()
    grace = User.objects.get(username="grace")
    assert body == {"id": grace.pk, "username": "grace", "name": "Grace Hopper", "display_name": "Grace Hopper",
                    "job_title": "", "email": "grace@example.org", "is_active": True, "is_org_admin": False,
                    "password": body["password"]}
    assert grace.check_password(body["password"])
    assert grace.password not in response.content.decode()  # never the hash


def test_adding_a_person_with_a_chosen_password_returns_no_password(org, client_for):
    response = send(client_for(org.ada), "post", "/api/users",
                    {"username": "grace", "password": "a long enough passphrase", "is_org_admin": True})
    assert response.status_code == 201
    assert response.json()["password"] is None and response.json()["is_org_admin"] is True
    assert User.objects.get(username="grace").check_password("a long enough passphrase")


@pytest.mark.parametrize(("body", "field"), [
    ({"username": "grace", "password": "12345678"}, "password"),
    ({"username": "MARK"}, "username"),
    ({"username": ""}, "username"),
    ({"username": "grace", "email": "nope"}, "email"),
    ({"username": "grace", "is_superuser": True}, "is_superuser"),  # unknown field: a typo is an error
])
def test_bad_input_when_adding_names_the_field(org, client_for, body, field):
    response = send(client_for(org.ada), "post", "/api/users", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not User.objects.filter(username="grace").exists()


@pytest.mark.parametrize("who", ["paula", "mark", "cora", "vera", "olga"])
def test_non_admins_get_403_on_every_admin_endpoint(org, client_for, who):
    client = client_for(getattr(org, who))
    team = TeamFactory(name="Design")
    assert send(client, "post", "/api/users", {"username": "grace"}).status_code == 403
    assert send(client, "patch", f"/api/users/{org.vera.pk}", {"job_title": "x"}).status_code == 403
    assert send(client, "patch", f"/api/users/{getattr(org, who).pk}", {"is_org_admin": True}).status_code == 403
    assert send(client, "post", f"/api/users/{org.vera.pk}/password", {}).status_code == 403
    assert send(client, "patch", f"/api/teams/{team.pk}", {"name": "Mine"}).status_code == 403
    assert send(client, "delete", f"/api/teams/{team.pk}").status_code == 403
    assert not User.objects.filter(username="grace").exists()
    assert Team.objects.get(pk=team.pk).name == "Design"
    org.vera.refresh_from_db()
    assert org.vera.check_password(PASSWORD) and org.vera.job_title == ""


def test_an_admin_updates_only_the_fields_sent(org, client_for):
    response = send(client_for(org.ada), "patch", f"/api/users/{org.vera.pk}",
                    {"job_title": "Analyst", "is_org_admin": True})
    assert response.status_code == 200, response.content
    assert response.json()["job_title"] == "Analyst" and response.json()["is_org_admin"] is True
    org.vera.refresh_from_db()
    assert org.vera.display_name == "Vera Viewer" and org.vera.is_superuser


def test_self_demotion_is_refused_naming_the_api_field(org, client_for):
    client = client_for(org.ada)
    response = send(client, "patch", f"/api/users/{org.ada.pk}", {"is_org_admin": False})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"is_org_admin"}
    response = send(client, "patch", f"/api/users/{org.ada.pk}", {"is_active": False})
    assert response.status_code == 422 and set(response.json()["errors"]) == {"is_active"}


@pytest.mark.parametrize(("body", "field"), [
    ({"email": "nope"}, "email"),
    ({"is_active": None}, "is_active"),
    ({"display_name": "x" * 151}, "display_name"),
    ({"username": "v2"}, "username"),
])
def test_bad_updates_name_the_field(org, client_for, body, field):
    response = send(client_for(org.ada), "patch", f"/api/users/{org.vera.pk}", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_updating_someone_who_does_not_exist_is_404(org, client_for):
    assert send(client_for(org.ada), "patch", "/api/users/987654", {"job_title": "x"}).status_code == 404


def test_an_admin_resets_a_password(org, client_for):
    client = client_for(org.ada)
    generated = send(client, "post", f"/api/users/{org.vera.pk}/password", {})
    assert generated.status_code == 200
    org.vera.refresh_from_db()
    assert org.vera.check_password(generated.json()["password"])
    chosen = send(client, "post", f"/api/users/{org.vera.pk}/password", {"password": "another fine passphrase"})
    assert chosen.json() == {"password": None}
    weak = send(client, "post", f"/api/users/{org.vera.pk}/password", {"password": "vera"})
    assert weak.status_code == 422 and set(weak.json()["errors"]) == {"password"}
    org.vera.refresh_from_db()
    assert org.vera.check_password("another fine passphrase")
    changes = [e.changes for e in AuditEvent.objects.filter(object_type="user", object_id=org.vera.pk)]
    assert len(changes) == 2 and "another fine passphrase" not in str(changes)


# --- teams ------------------------------------------------------------------------------------------------


def test_an_admin_renames_a_team(org, client_for):
    team = TeamFactory(name="Design")
    response = send(client_for(org.ada), "patch", f"/api/teams/{team.pk}", {"description": "Makes it nice"})
    assert response.status_code == 200
    assert response.json()["name"] == "Design" and response.json()["description"] == "Makes it nice"


@pytest.mark.parametrize(("body", "field"), [({"name": ""}, "name"), ({"name": None}, "name"),
                                             ({"members": []}, "members")])
def test_bad_team_updates_name_the_field(org, client_for, body, field):
    team = TeamFactory(name="Design")
    response = send(client_for(org.ada), "patch", f"/api/teams/{team.pk}", body)
    assert response.status_code == 422 and field in response.json()["errors"]


def test_a_duplicate_team_name_names_the_field(org, client_for):
    TeamFactory(name="Design")
    team = TeamFactory(name="Data")
    response = send(client_for(org.ada), "patch", f"/api/teams/{team.pk}", {"name": "DESIGN"})
    assert response.status_code == 422 and "name" in response.json()["errors"]


def test_an_admin_deletes_a_team_with_its_memberships(org, client_for):
    team = TeamFactory(name="Design")
    Membership.objects.create(team=team, role=Role.VIEWER, project=org.zeus)
    client = client_for(org.ada)
    assert send(client, "delete", f"/api/teams/{team.pk}").status_code == 204
    assert not Team.objects.exists() and not Membership.objects.filter(team__isnull=False).exists()
    assert send(client, "delete", f"/api/teams/{team.pk}").status_code == 404
