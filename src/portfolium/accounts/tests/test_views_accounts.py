"""Sign-in, sign-out and the profile page with personal API tokens."""

from __future__ import annotations

from conftest import PASSWORD
from django.urls import reverse

from portfolium.accounts.models import ApiToken


def test_every_page_sends_anonymous_visitors_to_sign_in(client, org):
    for url in ["/", "/portfolios/", "/overview/", "/goals/", "/my-work/", "/accounts/profile/",
                f"/projects/{org.apollo.pk}/", f"/portfolios/{org.digital.pk}/"]:
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert response.redirect_chain[-1][0].startswith(reverse("accounts:login")), url


def test_sign_in_page_renders_and_signs_in(client, org):
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200
    assert b'name="username"' in page.content
    response = client.post(reverse("accounts:login"), {"username": "mark", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolios:tree")


def test_wrong_password_says_so_on_the_form(client, org):
    response = client.post(reverse("accounts:login"), {"username": "mark", "password": "nope"})
    assert response.status_code == 200
    assert b"alert-error" in response.content


def test_sign_out_needs_a_post(client_for, org):
    client = client_for(org.mark)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("portfolios:tree")).status_code == 302


def test_profile_lists_only_my_tokens(client_for, org):
    ApiToken.objects.create(user=org.mark, name="mine", prefix="pfm_aaaaaaaa", digest="a" * 64)
    ApiToken.objects.create(user=org.vera, name="theirs", prefix="pfm_bbbbbbbb", digest="b" * 64)
    response = client_for(org.mark).get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert b"mine" in response.content
    assert b"theirs" not in response.content


def test_creating_a_token_shows_the_secret_once(client_for, org):
    client = client_for(org.mark)
    response = client.post(reverse("accounts:token_create"), {"name": "nightly report"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    token = ApiToken.objects.get(user=org.mark)
    secret = response.context["secret"]
    assert secret.startswith("pfm_") and secret.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    again = client.get(reverse("accounts:profile"))
    assert secret.encode() not in again.content
    assert token.prefix.encode() in again.content


def test_a_token_without_a_name_is_refused_next_to_the_field(client_for, org):
    response = client_for(org.mark).post(reverse("accounts:token_create"), {"name": " "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert b"name the token after the script" in response.content
    assert not ApiToken.objects.exists()


def test_revoking_my_token(client_for, org):
    token = ApiToken.objects.create(user=org.mark, name="mine", prefix="pfm_aaaaaaaa", digest="a" * 64)
    response = client_for(org.mark).post(reverse("accounts:token_revoke", args=[token.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_someone_elses_token_cannot_be_revoked(client_for, org):
    token = ApiToken.objects.create(user=org.vera, name="theirs", prefix="pfm_bbbbbbbb", digest="b" * 64)
    response = client_for(org.mark).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_profile_lists_my_roles_direct_and_through_teams(client_for, org):
    from portfolium.accounts.models import Membership, Role
    from tests.factories import TeamFactory

    squad = TeamFactory(name="Web squad")
    squad.members.add(org.cora)
    Membership.objects.create(team=squad, portfolio=org.web, role=Role.CONTRIBUTOR)
    html = client_for(org.cora).get("/accounts/profile/").content.decode()
    assert "Apollo" in html  # direct contributor role on the project
    assert "Web squad" in html and ">Web<" in html  # the team's role on the Web portfolio
    assert "Digital" not in html  # nothing she holds no role on
