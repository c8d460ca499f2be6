"""The people and team pages: everyone reads the directory; organisation administrators manage it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portfolium.accounts.models import Membership, Role, Team, User
from tests.factories import TeamFactory, UserFactory
from tests.helpers import queries_for

# --- the directory ----------------------------------------------------------------------------------------


def test_every_signed_in_user_sees_the_directory_with_teams(org, client_for):
    team = TeamFactory(name="Design guild")
    team.members.add(org.cora)
    response = client_for(org.olga).get(reverse("accounts:people"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cora Contributor" in body and "Design guild" in body and "mark@example.org" in body
    assert "Add person" not in body


def test_anonymous_visitors_are_sent_to_sign_in(client, org):
    for url in [reverse("accounts:people"), reverse("accounts:teams"), reverse("accounts:person", args=[org.mark.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_search_returns_the_results_fragment_for_htmx(org, client_for):
    response = client_for(org.olga).get(reverse("accounts:people") + "?q=manag", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="people-results"')
    assert "Mark Manager" in body and "Vera Viewer" not in body


def test_search_finds_job_titles(org, client_for):
    UserFactory(username="grace", display_name="Grace", job_title="Chief architect")
    body = client_for(org.olga).get(reverse("accounts:people") + "?q=architect").content.decode()
    assert "Grace" in body and "Mark Manager" not in body


def test_sorting_by_a_column_and_reversing(org, client_for):
    client = client_for(org.olga)
    names = lambda r: [u.username for u in r.context["people"]]  # noqa: E731
    assert names(client.get(reverse("accounts:people") + "?sort=username")) == sorted(names(
        client.get(reverse("accounts:people") + "?sort=username")))
    assert names(client.get(reverse("accounts:people") + "?sort=-username"))[0] == "vera"


def test_an_unknown_sort_is_named_and_answered_422(org, client_for):
    response = client_for(org.olga).get(reverse("accounts:people") + "?sort=password", HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert b"cannot sort by" in response.content


def test_the_directory_pages_by_fifty(org, client_for):
    UserFactory.create_batch(60)
    client = client_for(org.olga)
    first = client.get(reverse("accounts:people"))
    assert len(first.context["people"]) == 50
    assert len(client.get(reverse("accounts:people") + "?page=2").context["people"]) == 16


def test_only_admins_see_deactivated_people(org, client_for):
    UserFactory(username="gone", display_name="Gone Person", is_active=False)
    assert b"Gone Person" not in client_for(org.olga).get(reverse("accounts:people")).content
    assert b"Gone Person" in client_for(org.ada).get(reverse("accounts:people")).content


def test_people_list_query_count_does_not_grow_with_rows(org, client_for):
    client = client_for(org.olga)
    team = TeamFactory(name="Everyone")
    few = queries_for(client, reverse("accounts:people"))
    for user in UserFactory.create_batch(30):
        team.members.add(user)
    TeamFactory(name="Second").members.add(*User.objects.all()[:10])
    assert queries_for(client, reverse("accounts:people")) == few


# --- a person's page --------------------------------------------------------------------------------------


def test_a_person_page_shows_profile_and_teams_but_not_roles_to_colleagues(org, client_for):
    TeamFactory(name="Design guild").members.add(org.mark)
    body = client_for(org.vera).get(reverse("accounts:person", args=[org.mark.pk])).content.decode()
    assert "Mark Manager" in body and "Design guild" in body
    assert "Apollo" not in body and "Edit person" not in body


def test_a_person_sees_their_own_roles_including_team_roles(org, client_for):
    team = TeamFactory(name="Watchers")
    team.members.add(org.mark)
    Membership.objects.create(team=team, role=Role.VIEWER, project=org.zeus)
    body = client_for(org.mark).get(reverse("accounts:person", args=[org.mark.pk])).content.decode()
    assert "Apollo" in body and "Manager" in body
    assert "Zeus" in body and "Watchers" in body


def test_roles_never_name_scopes_the_viewer_cannot_see(org, client_for):
    """mark holds a role on a project in a portfolio nobody but ada sees; mark sees his own row, not its parents."""
    Membership.objects.create(user=org.mark, role=Role.VIEWER, project=org.hidden)
    body = client_for(org.mark).get(reverse("accounts:person", args=[org.mark.pk])).content.decode()
    assert "Hidden" in body  # he holds that role, so he may know the project
    assert "Other" not in body and "Digital" not in body  # ...but not the portfolios above his projects


def test_an_admin_sees_everyones_roles(org, client_for):
    body = client_for(org.ada).get(reverse("accounts:person", args=[org.paula.pk])).content.decode()
    assert "Digital" in body and "Admin" in body and "Edit person" in body


def test_a_deactivated_person_is_not_found_for_colleagues(org, client_for):
    gone = UserFactory(username="gone", is_active=False)
    assert client_for(org.olga).get(reverse("accounts:person", args=[gone.pk])).status_code == 404
    assert client_for(org.ada).get(reverse("accounts:person", args=[gone.pk])).status_code == 200
    assert client_for(org.ada).get(reverse("accounts:person", args=[987654])).status_code == 404


# --- administering people ---------------------------------------------------------------------------------


def test_an_admin_adds_a_person_with_a_generated_password_shown_once(org, client_for):
    client = client_for(org.ada)
    assert client.get(reverse("accounts:person_add")).status_code == 200
    response = client.post(reverse("accounts:person_add"), {
        "username": "grace", "display_name": "Grace Hopper", "email": "grace@example.org", "job_title": "PMO",
        "password_mode": "generate",
    }, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.encode() in response.content and response["Cache-Control"] == "no-store"
    grace = User.objects.get(username="grace")
    assert grace.check_password(secret) and not grace.is_superuser
    assert secret.encode() not in client.get(reverse("accounts:person", args=[grace.pk])).content


def test_an_admin_adds_a_person_with_a_chosen_password(org, client_for):
    response = client_for(org.ada).post(reverse("accounts:person_add"), {
        "username": "grace", "password_mode": "set", "password": "a long enough passphrase", "is_superuser": "on"})
    assert response.status_code == 200 and response.context["secret"] is None
    grace = User.objects.get(username="grace")
    assert grace.check_password("a long enough passphrase") and grace.is_superuser


@pytest.mark.parametrize(("post", "field", "message"), [
    ({"username": "", "password_mode": "generate"}, "username", b"a username is required"),
    ({"username": "MARK", "password_mode": "generate"}, "username", b"is taken"),
    ({"username": "grace", "password_mode": "set", "password": "123"}, "password", b"too short"),
    ({"username": "grace", "password_mode": "set", "password": ""}, "password", b"type a password"),
    ({"username": "grace", "email": "nope", "password_mode": "generate"}, "email", b"valid email"),
])
def test_bad_input_on_add_is_shown_beside_the_field(org, client_for, post, field, message):
    response = client_for(org.ada).post(reverse("accounts:person_add"), post, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert field in response.context["errors"]
    assert message in response.content
    assert f'id="f-{field}-error"'.encode() in response.content or b'-password-error' in response.content
    assert not User.objects.filter(username="grace").exists()


@pytest.mark.parametrize("who", ["paula", "mark", "vera", "olga"])
def test_non_admins_get_403_on_every_admin_page(org, client_for, who):
    client = client_for(getattr(org, who))
    team = TeamFactory(name="Design")
    assert client.get(reverse("accounts:person_add")).status_code == 403
    assert client.post(reverse("accounts:person_add"), {"username": "x"}).status_code == 403
    assert client.post(reverse("accounts:person_edit", args=[org.vera.pk]), {"job_title": "x"}).status_code == 403
    assert client.post(reverse("accounts:person_password", args=[org.vera.pk])).status_code == 403
    assert client.post(reverse("accounts:team_create"), {"name": "T"}).status_code == 403
    assert client.post(reverse("accounts:team_edit", args=[team.pk]), {"name": "T"}).status_code == 403
    assert client.post(reverse("accounts:team_member_add", args=[team.pk]), {"user": org.olga.pk}).status_code == 403
    assert client.post(reverse("accounts:team_member_remove", args=[team.pk, org.olga.pk])).status_code == 403
    assert client.get(reverse("accounts:team_candidates", args=[team.pk]) + "?q=o").status_code == 403
    assert client.post(reverse("accounts:team_delete", args=[team.pk])).status_code == 403
    assert not User.objects.filter(username="x").exists()
    assert Team.objects.filter(pk=team.pk, name="Design").exists() and not team.members.exists()


def test_an_admin_edits_a_person(org, client_for):
    response = client_for(org.ada).post(reverse("accounts:person_edit", args=[org.vera.pk]), {
        "display_name": "Vera V.", "email": "vera@example.org", "job_title": "Analyst", "is_active": "on",
    }, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.context["saved"]
    org.vera.refresh_from_db()
    assert (org.vera.display_name, org.vera.job_title, org.vera.is_active) == ("Vera V.", "Analyst", True)


def test_an_admin_deactivates_a_person(org, client_for):
    client_for(org.ada).post(reverse("accounts:person_edit", args=[org.vera.pk]), {"display_name": "Vera Viewer"})
    org.vera.refresh_from_db()
    assert not org.vera.is_active


def test_self_demotion_is_refused_beside_the_field(org, client_for):
    response = client_for(org.ada).post(reverse("accounts:person_edit", args=[org.ada.pk]), {
        "display_name": "Ada", "is_active": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert b'id="f-is_superuser-error"' in response.content
    org.ada.refresh_from_db()
    assert org.ada.is_superuser and org.ada.display_name == "Ada Admin"


def test_a_bad_email_on_edit_keeps_what_was_typed(org, client_for):
    response = client_for(org.ada).post(reverse("accounts:person_edit", args=[org.vera.pk]), {
        "display_name": "Changed", "email": "nope", "is_active": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert b'id="f-email-error"' in response.content and b'value="nope"' in response.content
    org.vera.refresh_from_db()
    assert org.vera.display_name == "Vera Viewer"


def test_resetting_a_password_shows_it_once(org, client_for):
    response = client_for(org.ada).post(reverse("accounts:person_password", args=[org.vera.pk]),
                                        {"password_mode": "generate"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    org.vera.refresh_from_db()
    assert org.vera.check_password(response.context["secret"])


def test_a_weak_reset_password_is_shown_beside_the_field(org, client_for):
    response = client_for(org.ada).post(reverse("accounts:person_password", args=[org.vera.pk]),
                                        {"password_mode": "set", "password": "vera"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert b'id="reset-password-error"' in response.content


# --- teams ------------------------------------------------------------------------------------------------


def test_everyone_sees_teams_with_member_counts(org, client_for):
    TeamFactory(name="Design guild").members.add(org.cora, org.mark)
    response = client_for(org.olga).get(reverse("accounts:teams"))
    assert response.status_code == 200
    [team] = response.context["teams"]
    assert team.member_count == 2
    assert b"New team" not in response.content


def test_team_list_query_count_does_not_grow_with_rows(org, client_for):
    client = client_for(org.olga)
    TeamFactory(name="First").members.add(org.mark)
    few = queries_for(client, reverse("accounts:teams"))
    for i in range(20):
        TeamFactory(name=f"Team {i}").members.add(org.mark, org.cora)
    assert queries_for(client, reverse("accounts:teams")) == few


def test_team_page_query_count_does_not_grow_with_members(org, client_for):
    team = TeamFactory(name="Design")
    team.members.add(org.mark)
    client = client_for(org.ada)
    few = queries_for(client, reverse("accounts:team", args=[team.pk]))
    team.members.add(*UserFactory.create_batch(20))
    assert queries_for(client, reverse("accounts:team", args=[team.pk])) == few


def test_an_admin_creates_a_team_and_lands_on_its_page(org, client_for):
    response = client_for(org.ada).post(reverse("accounts:team_create"), {"name": "Design guild"},
                                        HTTP_HX_REQUEST="true")
    team = Team.objects.get(name="Design guild")
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("accounts:team", args=[team.pk])


def test_a_duplicate_team_name_is_refused_beside_the_field(org, client_for):
    TeamFactory(name="Design")
    response = client_for(org.ada).post(reverse("accounts:team_create"), {"name": "design"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and b'id="f-name-error"' in response.content


def test_an_admin_renames_a_team(org, client_for):
    team = TeamFactory(name="Design")
    response = client_for(org.ada).post(reverse("accounts:team_edit", args=[team.pk]),
                                        {"name": "Design guild", "description": "Makes it nice"},
                                        HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    team.refresh_from_db()
    assert (team.name, team.description) == ("Design guild", "Makes it nice")
    empty = client_for(org.ada).post(reverse("accounts:team_edit", args=[team.pk]), {"name": ""},
                                     HTTP_HX_REQUEST="true")
    assert empty.status_code == 422 and b'id="f-name-error"' in empty.content


def test_an_admin_adds_and_removes_members(org, client_for):
    team = TeamFactory(name="Design")
    client = client_for(org.ada)
    found = client.get(reverse("accounts:team_candidates", args=[team.pk]) + "?q=olga", HTTP_HX_REQUEST="true")
    assert b"Olga Outsider" in found.content
    client.post(reverse("accounts:team_member_add", args=[team.pk]), {"user": org.olga.pk}, HTTP_HX_REQUEST="true")
    client.post(reverse("accounts:team_member_add", args=[team.pk]), {"user": org.cora.pk}, HTTP_HX_REQUEST="true")
    assert set(team.members.all()) == {org.olga, org.cora}
    again = client.get(reverse("accounts:team_candidates", args=[team.pk]) + "?q=olga", HTTP_HX_REQUEST="true")
    assert b"Olga Outsider" not in again.content
    client.post(reverse("accounts:team_member_remove", args=[team.pk, org.olga.pk]), HTTP_HX_REQUEST="true")
    assert list(team.members.all()) == [org.cora]


def test_adding_a_member_who_does_not_exist_names_the_field(org, client_for):
    team = TeamFactory(name="Design")
    client = client_for(org.ada)
    bad = client.post(reverse("accounts:team_member_add", args=[team.pk]), {"user": "abc"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and b"choose a person from the list" in bad.content
    gone = client.post(reverse("accounts:team_member_add", args=[team.pk]), {"user": 987654}, HTTP_HX_REQUEST="true")
    assert gone.status_code == 422 and b"no active users" in gone.content


def test_the_delete_confirm_says_the_memberships_go_too(org, client_for):
    team = TeamFactory(name="Design")
    Membership.objects.create(team=team, role=Role.VIEWER, project=org.zeus)
    body = client_for(org.ada).get(reverse("accounts:team", args=[team.pk])).content.decode()
    assert "1 role membership it holds will be removed too" in body


def test_an_admin_deletes_a_team(org, client_for):
    team = TeamFactory(name="Design")
    Membership.objects.create(team=team, role=Role.VIEWER, project=org.zeus)
    response = client_for(org.ada).post(reverse("accounts:team_delete", args=[team.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:teams")
    assert not Team.objects.exists() and not Membership.objects.filter(project=org.zeus, role=Role.VIEWER).exists()


def test_the_team_page_hides_scopes_the_viewer_cannot_see(org, client_for):
    team = TeamFactory(name="Design")
    Membership.objects.create(team=team, role=Role.VIEWER, project=org.hidden)
    Membership.objects.create(team=team, role=Role.VIEWER, project=org.apollo)
    body = client_for(org.mark).get(reverse("accounts:team", args=[team.pk])).content.decode()
    assert "Apollo" in body and "Hidden" not in body
    assert "Hidden" in client_for(org.ada).get(reverse("accounts:team", args=[team.pk])).content.decode()


def test_the_navigation_links_to_people(org, client_for):
    body = client_for(org.olga).get(reverse("accounts:people")).content.decode()
    assert f'href="{reverse("accounts:people")}" aria-current="page">People</a>' in body
