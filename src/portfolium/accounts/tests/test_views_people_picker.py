"""The members panel's person-or-team picker lists a first page of people and finds the others as one types."""

from __future__ import annotations

from django.urls import reverse

from portfolium.accounts.selectors import PICKER_LIMIT
from tests.factories import UserFactory

HX = {"HTTP_HX_REQUEST": "true"}


def test_the_panel_lists_a_first_page_of_people_and_says_there_are_more(client_for, org):
    UserFactory.create_batch(PICKER_LIMIT + 5)
    response = client_for(org.paula).get(reverse("projects:detail", args=[org.apollo.pk]))
    assert response.status_code == 200
    assert len(response.context["m_people"]) == PICKER_LIMIT and response.context["m_people_more"]
    assert "type a name to find others" in response.content.decode()


def test_typing_a_name_finds_people_and_teams_beyond_the_first_page(client_for, org):
    UserFactory.create_batch(PICKER_LIMIT + 5)
    late = UserFactory(display_name="Zygmunt Zwolinski")
    response = client_for(org.paula).get(reverse("accounts:people_options"), {"q": "zwol"}, **HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="user:{late.pk}"' in body and body.count('value="user:') == 1
    nobody = client_for(org.paula).get(reverse("accounts:people_options"), {"q": "no such person"}, **HX)
    assert "No one matches" in nobody.content.decode()


def test_the_picker_needs_a_signed_in_user(client):
    response = client.get(reverse("accounts:people_options"), {"q": "a"})
    assert response.status_code == 302
