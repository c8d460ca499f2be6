"""The portfolio tree, the overview table (everything, one portfolio, one program) and the goals page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolium.accounts.models import Role
from portfolium.projects.models import ProjectGoal, Tag
from tests.factories import CustomFieldFactory, GoalFactory, ProjectFactory, TaskFactory, grant


def _names(response) -> list[str]:
    return [row.project.code for row in response.context["rows"]]


# --- tree ---------------------------------------------------------------------------------------------------


def test_tree_shows_my_portfolios_programs_and_counts(client_for, org):
    response = client_for(org.paula).get(reverse("portfolios:tree"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Digital" in body and "Web" in body and "Customer Experience" in body
    assert "Other" not in body
    digital = response.context["items"][0]
    assert digital.total == 2  # APOLLO, plus ZEUS in the Web child


def test_root_redirects_to_the_tree(client_for, org):
    response = client_for(org.vera).get("/")
    assert response.status_code == 302 and response["Location"] == reverse("portfolios:tree")


def test_a_project_member_sees_their_project_but_not_the_portfolio_name(client_for, org):
    response = client_for(org.mark).get(reverse("portfolios:tree"))
    body = response.content.decode()
    assert "APOLLO" in body
    assert "Digital" not in body


def test_olga_sees_an_empty_tree(client_for, org):
    response = client_for(org.olga).get(reverse("portfolios:tree"))
    assert response.status_code == 200
    assert b"Nothing here yet" in response.content
    assert b"APOLLO" not in response.content


# --- overview -----------------------------------------------------------------------------------------------


def test_portfolio_overview_lists_projects_of_the_portfolio_and_its_children(client_for, org):
    response = client_for(org.vera).get(reverse("portfolios:detail", args=[org.digital.pk]))
    assert response.status_code == 200
    assert _names(response) == ["APOLLO", "ZEUS"]
    assert response.context["rollup"].projects == 2
    assert response.context["chart"]


def test_overview_of_everything_shows_only_visible_projects(client_for, org):
    assert _names(client_for(org.vera).get(reverse("portfolios:overview"))) == ["APOLLO", "ZEUS"]


def test_overview_hides_the_portfolio_name_from_a_project_member(client_for, org):
    response = client_for(org.mark).get(reverse("portfolios:overview"))
    assert _names(response) == ["APOLLO"]
    row = response.context["rows"][0]
    assert row.portfolio is None and row.program_name is None
    body = response.content.decode()
    assert "Digital" not in body and "Customer Experience" not in body


def test_olga_gets_404_for_a_portfolio_and_a_program(client_for, org):
    client = client_for(org.olga)
    assert client.get(reverse("portfolios:detail", args=[org.digital.pk])).status_code == 404
    assert client.get(reverse("portfolios:program", args=[org.program.pk])).status_code == 404
    assert client.get(reverse("portfolios:detail", args=[999999])).status_code == 404


def test_overview_sorts_both_ways(client_for, org):
    client = client_for(org.vera)
    url = reverse("portfolios:detail", args=[org.digital.pk])
    assert _names(client.get(url, {"sort": "-code"})) == ["ZEUS", "APOLLO"]
    assert _names(client.get(url, {"sort": "name"})) == ["APOLLO", "ZEUS"]


def test_overview_filters(client_for, org):
    org.zeus.stage = "execution"
    org.zeus.health = "red"
    org.zeus.save()
    org.apollo.tags.add(Tag.objects.create(name="customer"))
    client = client_for(org.vera)
    url = reverse("portfolios:overview")
    assert _names(client.get(url, {"q": "zeu"})) == ["ZEUS"]
    assert _names(client.get(url, {"stage": ["execution", "closed"]})) == ["ZEUS"]
    assert _names(client.get(url, {"health": ["green"]})) == ["APOLLO"]
    assert _names(client.get(url, {"program": org.program.pk})) == ["APOLLO"]
    assert _names(client.get(url, {"manager": org.mark.pk})) == ["APOLLO"]
    assert _names(client.get(url, {"tag": "customer"})) == ["APOLLO"]


def test_overview_filters_on_a_custom_field(client_for, org):
    CustomFieldFactory(portfolio=org.digital, key="budget", label="Budget", field_type="number")
    org.apollo.custom_fields = {"budget": 500}
    org.apollo.save()
    org.zeus.custom_fields = {"budget": 50}
    org.zeus.save()
    response = client_for(org.vera).get(reverse("portfolios:detail", args=[org.digital.pk]), {"cf_budget": ">=100"})
    assert _names(response) == ["APOLLO"]
    assert b'name="cf_budget"' in response.content


def test_bad_filters_are_refused_with_the_fields_message(client_for, org):
    client = client_for(org.vera)
    url = reverse("portfolios:overview")
    response = client.get(url, {"stage": "dreaming"})
    assert response.status_code == 422
    assert b"unknown value dreaming" in response.content
    response = client.get(url, {"sort": "colour"})
    assert response.status_code == 422 and b"cannot sort by" in response.content
    response = client.get(url, {"cf_nope": "1"})
    assert response.status_code == 422 and b"no project custom field has this key" in response.content


def test_htmx_request_gets_only_the_overview_region(client_for, org):
    response = client_for(org.vera).get(reverse("portfolios:overview"), {"sort": "-code"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="overview"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_overview_counts_overdue_tasks(client_for, org):
    org.task_a.due_date = None
    org.task_a.save()
    TaskFactory(project=org.apollo, due_date=dt.date(2000, 1, 1), status="in_progress")
    TaskFactory(project=org.apollo, due_date=dt.date(2000, 1, 1), status="done")
    response = client_for(org.vera).get(reverse("portfolios:overview"))
    overdue = {row.project.code: row.overdue for row in response.context["rows"]}
    assert overdue == {"APOLLO": 1, "ZEUS": 0}


def _overview_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["vera", "ada", "mark"])
def test_overview_query_count_does_not_grow_with_projects(client_for, org, who):
    user = getattr(org, who)
    client = client_for(user)
    url = reverse("portfolios:overview")

    def add(n):
        for _ in range(n):
            p = ProjectFactory(portfolio=org.digital, program=org.program, manager=org.mark)
            p.tags.add(Tag.objects.get_or_create(name=f"t{p.pk % 3}")[0])
            TaskFactory(project=p, due_date=dt.date(2000, 1, 1))
            if who == "mark":
                grant(user, Role.VIEWER, project=p)

    add(3)
    small = _overview_queries(client, url)
    add(27)
    large = _overview_queries(client, url)
    assert small == large


def test_overview_pages_by_100(client_for, org):
    for _ in range(101):
        ProjectFactory(portfolio=org.digital)
    client = client_for(org.vera)
    first = client.get(reverse("portfolios:overview"))
    assert len(first.context["rows"]) == 100
    second = client.get(reverse("portfolios:overview"), {"page": 2})
    assert len(second.context["rows"]) == 3


# --- program ------------------------------------------------------------------------------------------------


def test_program_page_shows_its_projects_and_rollup(client_for, org):
    response = client_for(org.vera).get(reverse("portfolios:program", args=[org.program.pk]))
    assert response.status_code == 200
    assert _names(response) == ["APOLLO"]
    assert b"Customer Experience" in response.content


def test_program_page_query_count_does_not_grow(client_for, org):
    client = client_for(org.vera)
    url = reverse("portfolios:program", args=[org.program.pk])
    for _ in range(3):
        ProjectFactory(portfolio=org.digital, program=org.program)
    small = _overview_queries(client, url)
    for _ in range(27):
        ProjectFactory(portfolio=org.digital, program=org.program)
    assert _overview_queries(client, url) == small


# --- goals --------------------------------------------------------------------------------------------------


def test_goals_page_shows_goals_with_visible_projects(client_for, org):
    goal = GoalFactory(portfolio=org.digital, code="G1", name="Grow online sales")
    ProjectGoal.objects.create(project=org.apollo, goal=goal, contribution=60)
    hidden_goal = GoalFactory(portfolio=org.other, code="G9", name="Secret plan")
    ProjectGoal.objects.create(project=org.hidden, goal=hidden_goal)
    response = client_for(org.vera).get(reverse("portfolios:goals"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Grow online sales" in body and "APOLLO" in body and "60%" in body
    assert "Secret plan" not in body and "HIDDEN" not in body


def test_goals_page_is_empty_for_olga(client_for, org):
    GoalFactory(portfolio=org.digital, name="Grow online sales")
    response = client_for(org.olga).get(reverse("portfolios:goals"))
    assert response.status_code == 200
    assert b"Grow online sales" not in response.content


def test_goals_query_count_does_not_grow(client_for, org):
    client = client_for(org.vera)

    def add(n):
        for _ in range(n):
            goal = GoalFactory(portfolio=org.digital)
            ProjectGoal.objects.create(project=ProjectFactory(portfolio=org.digital), goal=goal)

    add(3)
    small = _overview_queries(client, reverse("portfolios:goals"))
    add(27)
    assert _overview_queries(client, reverse("portfolios:goals")) == small


def test_plotly_is_served_from_the_package(client, org):
    response = client.get(reverse("portfolios:plotly_js"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")


def test_goals_page_shows_the_ten_largest_contributors_and_offers_the_rest(client_for, org):
    goal = GoalFactory(portfolio=org.digital, code="G9", name="Grow revenue")
    for i in range(14):
        project = ProjectFactory(portfolio=org.digital, code=f"GR-{i:02d}", health="red" if i < 3 else "green")
        ProjectGoal.objects.create(project=project, goal=goal, contribution=10 + i)
    html = client_for(org.vera).get(reverse("portfolios:goals")).content.decode()
    assert "GR-13" in html and "GR-04" in html  # contributions 23 down to 14: the ten largest
    assert "GR-03" not in html
    assert "Show all 14" in html
    assert "3 red" in html and "11 green" in html  # the summary counts every project, not just those shown

    response = client_for(org.vera).get(reverse("portfolios:goal_projects", args=[goal.pk]))
    assert response.status_code == 200
    assert all(f"GR-{i:02d}" in response.content.decode() for i in range(14))


def test_a_goals_full_project_list_hides_what_the_reader_cannot_see(client_for, org):
    goal = GoalFactory(portfolio=org.digital, code="G8")
    ProjectGoal.objects.create(project=org.apollo, goal=goal)
    ProjectGoal.objects.create(project=org.zeus, goal=goal)
    assert client_for(org.olga).get(reverse("portfolios:goal_projects", args=[goal.pk])).status_code == 404
    grant(org.olga, Role.VIEWER, project=org.apollo)  # a project role gives no sight of the portfolio's goals
    assert client_for(org.olga).get(reverse("portfolios:goal_projects", args=[goal.pk])).status_code == 404


def test_goals_page_query_count_does_not_grow_with_links(client_for, org, django_assert_max_num_queries):
    goal = GoalFactory(portfolio=org.digital, code="G7")

    def link(n: int) -> None:
        for _ in range(n):
            ProjectGoal.objects.create(project=ProjectFactory(portfolio=org.digital), goal=goal)

    client = client_for(org.vera)
    link(3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portfolios:goals"))
    link(30)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("portfolios:goals"))
    assert len(many) == len(few)


def test_the_tree_lists_separately_only_projects_reached_without_a_portfolio_role(client_for, org):
    assert [p.code for p in client_for(org.mark).get(reverse("portfolios:tree")).context["own_projects"]] == ["APOLLO"]
    assert client_for(org.paula).get(reverse("portfolios:tree")).context["own_projects"] == []
    assert client_for(org.ada).get(reverse("portfolios:tree")).context["own_projects"] == []
