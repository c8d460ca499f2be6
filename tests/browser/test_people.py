"""People and teams in a real browser: an administrator adds a person and puts them in a team."""

from __future__ import annotations

import re

import pytest

from portfolium.accounts.models import Membership, Role, Team, User
from tests.browser.conftest import htmx_idle
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.browser

TITLES = ["Project manager", "Business analyst", "Architect", "Developer", "Designer", "PMO lead"]


@pytest.fixture
def staffed_org(org):
    """The org with enough colleagues and teams to make the directory look like a real one."""
    for user, title in zip([org.paula, org.mark, org.cora, org.vera, org.olga], TITLES, strict=False):
        user.job_title = title
        user.save(update_fields=["job_title"])
    names = ["Grace Hopper", "Alan Turing", "Barbara Liskov", "Edsger Dijkstra", "Frances Allen", "Ken Thompson",
             "Margaret Hamilton", "Niklaus Wirth"]
    people = [UserFactory(username=n.split()[0].lower() + "x", display_name=n, job_title=TITLES[i % 6])
              for i, n in enumerate(names)]
    design = TeamFactory(name="Design guild", description="Everyone who shapes what users see")
    design.members.add(org.cora, people[0], people[4])
    pmo = TeamFactory(name="PMO", description="Portfolio office")
    pmo.members.add(org.paula, org.mark, people[2])
    Membership.objects.create(team=pmo, role=Role.VIEWER, portfolio=org.digital)
    return org


def test_an_admin_adds_a_person_and_puts_them_in_a_team(page, phone, sign_in, shot, live_server, staffed_org):
    sign_in(page, "ada", "/accounts/people/")
    assert page.locator(".mainnav a[aria-current=page]").inner_text() == "People"
    assert page.locator("table.people").get_by_text("Cora Contributor").is_visible()
    shot(page, "people-1280")

    page.get_by_role("link", name="Add person").click()
    page.fill("input[name=username]", "linus")
    page.fill("input[name=display_name]", "Linus Torvalds")
    page.fill("input[name=email]", "nope")
    page.get_by_role("button", name="Add person").click()
    page.locator("#f-email-error").wait_for()  # shown beside the field, nothing saved
    assert not User.objects.filter(username="linus").exists()
    shot(page, "person-add-error-1280")
    page.fill("input[name=email]", "linus@example.org")
    page.fill("input[name=job_title]", "Kernel maintainer")
    page.get_by_role("button", name="Add person").click()
    secret = page.locator("#new-password").inner_text()
    assert User.objects.get(username="linus").check_password(secret)
    shot(page, "person-added-1280")

    page.goto(f"{live_server.url}/accounts/teams/")
    shot(page, "teams-1280")
    page.locator(".create-panel summary").click()
    page.fill("#teams input[name=name]", "Kernel team")
    page.get_by_role("button", name="Create team").click()
    page.wait_for_url(re.compile(r"/accounts/teams/\d+/$"))
    page.fill("#member-q", "linus")
    page.get_by_role("button", name="Add Linus Torvalds to Kernel team").click()
    page.locator(".members").get_by_text("Linus Torvalds").wait_for()
    htmx_idle(page)  # the whole team region, search box included, was just swapped
    assert list(Team.objects.get(name="Kernel team").members.values_list("username", flat=True)) == ["linus"]
    page.fill("#member-q", "gra")
    page.locator("#candidates").get_by_text("Grace Hopper").wait_for()
    shot(page, "team-1280")

    page.locator(".members").get_by_role("link", name="Linus Torvalds").click()
    assert page.locator("#person").get_by_role("link", name="Kernel team").is_visible()
    shot(page, "person-1280")

    sign_in(phone, "ada", "/accounts/people/")
    shot(phone, "people-390")
    phone.goto(f"{live_server.url}/accounts/people/{User.objects.get(username='linus').pk}/")
    shot(phone, "person-390")
    phone.goto(f"{live_server.url}/accounts/teams/{Team.objects.get(name='PMO').pk}/")
    shot(phone, "team-390")


def test_searching_the_directory_as_you_type(page, sign_in, shot, live_server, staffed_org):
    sign_in(page, "olga", "/accounts/people/")
    assert page.get_by_role("link", name="Add person").count() == 0
    page.fill("#people-q", "archi")
    page.wait_for_url(re.compile(r"q=archi"))
    rows = page.locator("table.people tbody tr")
    rows.first.wait_for()
    assert rows.locator(".pname").all_inner_texts() == ["Barbara Liskov", "Cora Contributor"]
    page.locator("th.col-name a").click()
    page.wait_for_url(re.compile(r"sort=-name"))
    assert rows.locator(".pname").all_inner_texts() == ["Cora Contributor", "Barbara Liskov"]
    page.goto(f"{live_server.url}/accounts/people/{staffed_org.paula.pk}/")
    assert page.locator("#person").get_by_text("Digital").count() == 0  # roles are not shown to colleagues
