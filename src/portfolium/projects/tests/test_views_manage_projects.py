"""Managing projects from the pages: the header form, creating, deleting, goal links and the members panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolium.accounts.models import Membership, Role
from portfolium.audit.models import AuditEvent
from portfolium.portfolios.models import CustomFieldDefinition
from portfolium.projects.models import Project, ProjectGoal
from tests.factories import GoalFactory, TeamFactory, UserFactory, grant

HX = {"HTTP_HX_REQUEST": "true"}


def header(project, **changes):
    """The header form as the page posts it: every field, with ``changes`` applied."""
    data = {
        "name": project.name, "description": project.description, "stage": project.stage,
        "health": project.health, "health_reason": project.health_reason, "priority": str(project.priority),
        "start": project.start.isoformat() if project.start else "",
        "finish": project.finish.isoformat() if project.finish else "",
        "manager": str(project.manager_id or ""), "sponsor": str(project.sponsor_id or ""), "tags": "",
    }
    data.update(changes)
    return data


# --- the header form ----------------------------------------------------------------------------------------


def test_manager_edits_the_header_inline(client_for, org):
    client = client_for(org.mark)
    url = reverse("projects:edit", args=[org.apollo.pk])
    form = client.get(url, **HX)
    assert form.status_code == 200 and b'name="health_reason"' in form.content
    response = client.post(url, header(org.apollo, stage="execution", health="amber",
                                       health_reason="Supplier late", tags="Cloud, mobile",
                                       sponsor=str(org.paula.pk), priority="4"), **HX)
    assert response.status_code == 200
    org.apollo.refresh_from_db()
    assert (org.apollo.stage, org.apollo.health, org.apollo.health_reason) == ("execution", "amber", "Supplier late")
    assert org.apollo.sponsor == org.paula and org.apollo.priority == 4
    assert sorted(org.apollo.tags.values_list("name", flat=True)) == ["cloud", "mobile"]
    body = response.content.decode()
    assert 'id="project-head"' in body and "Supplier late" in body
    assert 'id="history"' in body and "<ins>Amber</ins>" in body  # the history refreshes out of band


def test_header_edit_refuses_olga_404_a_viewer_and_a_contributor_403(client_for, org):
    url = reverse("projects:edit", args=[org.apollo.pk])
    assert client_for(org.olga).get(url, **HX).status_code == 404
    assert client_for(org.vera).get(url, **HX).status_code == 403
    assert client_for(org.cora).post(url, header(org.apollo, name="Hijacked"), **HX).status_code == 403
    assert client_for(org.vera).post(url, header(org.apollo, name="Hijacked"), **HX).status_code == 403
    org.apollo.refresh_from_db()
    assert org.apollo.name == "Apollo"


def test_header_edit_shows_the_message_beside_the_field(client_for, org):
    url = reverse("projects:edit", args=[org.apollo.pk])
    response = client_for(org.mark).post(url, header(org.apollo, start="2026-05-01", finish="2026-04-01"), **HX)
    assert response.status_code == 422
    body = response.content.decode()
    assert "the finish date is before the start date" in body and 'name="finish" value="2026-04-01"' in body
    response = client_for(org.mark).post(url, header(org.apollo, start="soon"), **HX)
    assert response.status_code == 422 and b"expected a date as YYYY-MM-DD" in response.content


def test_header_edit_takes_typed_custom_field_values(client_for, org):
    for key, kind, choices in [("budget", "number", []), ("tier", "choice", ["gold", "silver"]),
                               ("review", "date", []), ("owner2", "user", [])]:
        CustomFieldDefinition.objects.create(portfolio=org.digital, target="project", key=key, label=key.title(),
                                             field_type=kind, choices=choices)
    client = client_for(org.paula)
    url = reverse("projects:edit", args=[org.apollo.pk])
    form = client.get(url, **HX).content.decode()
    assert 'type="number" step="any" name="cf_budget"' in form and '<option value="gold"' in form
    assert 'type="date" name="cf_review"' in form
    response = client.post(url, header(org.apollo, cf_budget="1200.5", cf_tier="gold", cf_review="2026-09-01",
                                       cf_owner2=str(org.cora.pk)), **HX)
    assert response.status_code == 200
    org.apollo.refresh_from_db()
    assert org.apollo.custom_fields == {"budget": 1200.5, "tier": "gold", "review": "2026-09-01",
                                       "owner2": org.cora.pk}
    bad = client.post(url, header(org.apollo, cf_budget="a lot"), **HX)
    assert bad.status_code == 422 and b"expected a number, got" in bad.content


def test_program_field_lists_only_visible_programs_and_is_left_out_for_a_project_member(client_for, org):
    form = client_for(org.paula).get(reverse("projects:edit", args=[org.apollo.pk]), **HX).content.decode()
    assert 'name="program"' in form and "Customer Experience" in form
    form = client_for(org.mark).get(reverse("projects:edit", args=[org.apollo.pk]), **HX).content.decode()
    assert 'name="program"' not in form and "Customer Experience" not in form
    client_for(org.mark).post(reverse("projects:edit", args=[org.apollo.pk]), header(org.apollo, name="Apollo 2"),
                              **HX)
    org.apollo.refresh_from_db()
    assert org.apollo.name == "Apollo 2" and org.apollo.program == org.program


def test_header_cancel_returns_the_header(client_for, org):
    response = client_for(org.vera).get(reverse("projects:head", args=[org.apollo.pk]), **HX)
    assert response.status_code == 200 and b'id="project-head"' in response.content
    assert client_for(org.olga).get(reverse("projects:head", args=[org.apollo.pk]), **HX).status_code == 404


# --- new project --------------------------------------------------------------------------------------------


def test_manager_creates_a_project_from_the_portfolio_page(client_for, org):
    client = client_for(org.paula)
    page = client.get(reverse("portfolios:detail", args=[org.digital.pk])).content.decode()
    assert f'{reverse("projects:new")}?portfolio={org.digital.pk}' in page
    url = f'{reverse("projects:new")}?portfolio={org.digital.pk}'
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": "HERMES", "name": "Hermes", "stage": "planning", "health": "green",
                                 "priority": "2", "manager": org.mark.pk, "program": org.program.pk,
                                 "start": "2026-02-01", "finish": "2026-10-30", "tags": "cloud"})
    project = Project.objects.get(code="HERMES")
    assert response.status_code == 302 and response["Location"] == reverse("projects:detail", args=[project.pk])
    assert project.portfolio == org.digital and project.program == org.program and project.manager == org.mark
    assert project.start == dt.date(2026, 2, 1)


def test_manager_creates_a_project_in_a_program(client_for, org):
    url = f'{reverse("projects:new")}?program={org.program.pk}'
    response = client_for(org.paula).post(url, {"code": "ATLAS", "name": "Atlas", "stage": "initiation",
                                                "health": "green", "priority": "2"})
    assert response.status_code == 302
    project = Project.objects.get(code="ATLAS")
    assert project.program == org.program and project.portfolio == org.digital


def test_new_project_refuses_olga_404_and_a_viewer_403(client_for, org):
    url = f'{reverse("projects:new")}?portfolio={org.digital.pk}'
    data = {"code": "NOPE", "name": "Nope", "stage": "planning", "health": "green", "priority": "2"}
    assert client_for(org.olga).get(url).status_code == 404
    assert client_for(org.olga).post(url, data).status_code == 404
    assert client_for(org.vera).get(url).status_code == 403
    assert client_for(org.vera).post(url, data).status_code == 403
    assert client_for(org.mark).get(url).status_code == 404  # a project member does not know the portfolio
    assert not Project.objects.filter(code="NOPE").exists()


def test_new_project_names_the_bad_field(client_for, org):
    url = f'{reverse("projects:new")}?portfolio={org.digital.pk}'
    base = {"name": "Twin", "stage": "planning", "health": "green", "priority": "2"}
    response = client_for(org.paula).post(url, {**base, "code": "APOLLO"})
    assert response.status_code == 422 and b"already exists" in response.content
    response = client_for(org.paula).post(url, {**base, "code": ""})
    assert response.status_code == 422 and b"give the project a short unique code" in response.content


# --- delete -------------------------------------------------------------------------------------------------


def test_admin_deletes_a_project_and_lands_on_its_portfolio(client_for, org):
    response = client_for(org.paula).post(reverse("projects:delete", args=[org.apollo.pk]), **HX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("portfolios:detail", args=[org.digital.pk])
    assert not Project.objects.filter(pk=org.apollo.pk).exists()
    assert AuditEvent.objects.filter(object_type="project", action="delete").exists()


def test_project_delete_needs_admin(client_for, org):
    url = reverse("projects:delete", args=[org.apollo.pk])
    assert client_for(org.olga).post(url, **HX).status_code == 404
    assert client_for(org.vera).post(url, **HX).status_code == 403
    assert client_for(org.mark).post(url, **HX).status_code == 403
    assert Project.objects.filter(pk=org.apollo.pk).exists()
    assert b"Delete" not in client_for(org.mark).get(reverse("projects:head", args=[org.apollo.pk])).content


# --- goal links ---------------------------------------------------------------------------------------------


def test_manager_links_changes_and_unlinks_a_goal(client_for, org):
    goal = GoalFactory(portfolio=org.digital, code="G1", name="Grow online sales")
    GoalFactory(portfolio=org.other, code="G9", name="Secret plan")
    client = client_for(org.paula)
    page = client.get(reverse("projects:detail", args=[org.apollo.pk])).content.decode()
    assert "Grow online sales" in page and "Secret plan" not in page
    url = reverse("projects:goal_link", args=[org.apollo.pk])
    response = client.post(url, {"goal": goal.pk, "contribution": "60"}, **HX)
    assert response.status_code == 200
    assert ProjectGoal.objects.get(project=org.apollo, goal=goal).contribution == 60
    client.post(url, {"goal": goal.pk, "contribution": "25"}, **HX)
    assert ProjectGoal.objects.get(project=org.apollo, goal=goal).contribution == 25
    response = client.post(reverse("projects:goal_unlink", args=[org.apollo.pk, goal.pk]), **HX)
    assert response.status_code == 200
    assert not ProjectGoal.objects.filter(project=org.apollo).exists()


def test_goal_link_names_the_bad_field(client_for, org):
    goal = GoalFactory(portfolio=org.digital, code="G1")
    hidden = GoalFactory(portfolio=org.other, code="G9")
    url = reverse("projects:goal_link", args=[org.apollo.pk])
    response = client_for(org.paula).post(url, {"goal": goal.pk, "contribution": "150"}, **HX)
    assert response.status_code == 422 and b"must be between 0 and 100" in response.content
    response = client_for(org.ada).post(url, {"goal": hidden.pk, "contribution": "10"}, **HX)
    assert response.status_code == 422 and b"no such goal in this project" in response.content
    # A project manager who cannot see the portfolio cannot link its goals either.
    response = client_for(org.mark).post(url, {"goal": goal.pk, "contribution": "10"}, **HX)
    assert response.status_code == 422
    assert not ProjectGoal.objects.exists()


def test_goal_links_refuse_olga_404_and_a_viewer_403(client_for, org):
    goal = GoalFactory(portfolio=org.digital, code="G1")
    ProjectGoal.objects.create(project=org.apollo, goal=goal, contribution=50)
    link, unlink = (reverse("projects:goal_link", args=[org.apollo.pk]),
                    reverse("projects:goal_unlink", args=[org.apollo.pk, goal.pk]))
    for who, status in ((org.olga, 404), (org.vera, 403), (org.cora, 403)):
        client = client_for(who)
        assert client.post(link, {"goal": goal.pk, "contribution": "1"}, **HX).status_code == status
        assert client.post(unlink, **HX).status_code == status
    assert ProjectGoal.objects.get(project=org.apollo, goal=goal).contribution == 50


# --- members ------------------------------------------------------------------------------------------------


def test_admin_grants_a_role_on_a_project(client_for, org):
    url = reverse("projects:project_members", args=[org.apollo.pk])
    response = client_for(org.paula).post(url, {"principal": f"user:{org.olga.pk}", "role": Role.VIEWER}, **HX)
    assert response.status_code == 200
    assert Membership.objects.filter(user=org.olga, project=org.apollo, role=Role.VIEWER).exists()
    assert client_for(org.mark).post(url, {"principal": f"user:{org.vera.pk}", "role": 10}, **HX).status_code == 403
    membership = Membership.objects.get(user=org.cora, project=org.apollo)
    revoke = reverse("projects:project_member_revoke", args=[org.apollo.pk, membership.pk])
    assert client_for(org.vera).post(revoke, **HX).status_code == 403
    assert client_for(org.paula).post(revoke, **HX).status_code == 200
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_project_members_refuse_olga_404_and_name_the_bad_field(client_for, org):
    url = reverse("projects:project_members", args=[org.apollo.pk])
    assert client_for(org.olga).post(url, {"principal": f"user:{org.olga.pk}", "role": 40}, **HX).status_code == 404
    response = client_for(org.paula).post(url, {"principal": "user:999999", "role": Role.VIEWER}, **HX)
    assert response.status_code == 422 and b"no such active user" in response.content


def test_inherited_roles_are_named_only_where_the_viewer_sees_the_portfolio(client_for, org):
    url = reverse("projects:detail", args=[org.apollo.pk])
    vera = client_for(org.vera).get(url).content.decode()
    assert "Paula Portfolio" in vera and ">Digital</a>" in vera and "Mark Manager" in vera
    mark = client_for(org.mark).get(url).content.decode()
    assert "Digital" not in mark and "Customer Experience" not in mark
    panel = mark[mark.index('id="members"'):mark.index("</section>", mark.index('id="members"'))]
    assert "Cora Contributor" in panel and "Paula Portfolio" not in panel and "Inherited" not in panel


def test_project_page_query_count_does_not_grow_with_members(client_for, org):
    client = client_for(org.paula)
    url = reverse("projects:detail", args=[org.apollo.pk])

    def add(n: int) -> None:
        for _ in range(n):
            grant(UserFactory(), Role.VIEWER, project=org.apollo)
            grant(UserFactory(), Role.VIEWER, program=org.program)
            grant(UserFactory(), Role.VIEWER, portfolio=org.digital)
            Membership.objects.create(team=TeamFactory(), project=org.apollo, role=Role.CONTRIBUTOR)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(2)
    small = count()
    add(12)
    assert count() == small


@pytest.mark.parametrize("who", ["vera", "mark", "cora"])
def test_members_panel_has_controls_only_for_admins(client_for, org, who):
    body = client_for(getattr(org, who)).get(reverse("projects:detail", args=[org.apollo.pk])).content.decode()
    assert 'id="members"' in body and 'name="principal"' not in body
