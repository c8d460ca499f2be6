"""Managing the hierarchy from the pages: portfolios, programs, goals, custom fields, members and history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolium.accounts.models import Membership, Role
from portfolium.portfolios.models import CustomFieldDefinition, Portfolio, Program, StrategicGoal
from portfolium.portfolios.services import portfolio_update
from tests.factories import GoalFactory, ProgramFactory, TeamFactory, UserFactory, grant

HX = {"HTTP_HX_REQUEST": "true"}


# --- the tree: new portfolio --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "shown"), [("ada", True), ("paula", True), ("vera", False), ("mark", False)])
def test_new_portfolio_button_shows_for_admins_and_portfolio_managers(client_for, org, who, shown):
    body = client_for(getattr(org, who)).get(reverse("portfolios:tree")).content.decode()
    assert ("New portfolio" in body) is shown


def test_org_admin_creates_a_top_level_portfolio(client_for, org):
    response = client_for(org.ada).post(reverse("portfolios:new"),
                                        {"code": "OPS", "name": "Operations", "parent": "", "owner": org.ada.pk})
    portfolio = Portfolio.objects.get(code="OPS")
    assert response.status_code == 302 and response["Location"] == reverse("portfolios:detail", args=[portfolio.pk])
    assert portfolio.parent is None and portfolio.owner == org.ada


def test_portfolio_manager_creates_a_child_portfolio_and_becomes_its_admin(client_for, org):
    client = client_for(org.paula)
    assert client.get(reverse("portfolios:new"), {"parent": org.digital.pk}).status_code == 200
    response = client.post(reverse("portfolios:new"), {"code": "MOB", "name": "Mobile", "parent": org.digital.pk})
    assert response.status_code == 302
    child = Portfolio.objects.get(code="MOB")
    assert child.parent == org.digital
    assert Membership.objects.filter(user=org.paula, portfolio=child, role=Role.ADMIN).exists()


def test_a_portfolio_manager_cannot_create_a_top_level_portfolio(client_for, org):
    response = client_for(org.paula).post(reverse("portfolios:new"), {"code": "TOP", "name": "Top", "parent": ""})
    assert response.status_code == 403
    assert not Portfolio.objects.filter(code="TOP").exists()


def test_new_portfolio_refuses_olga_404_and_a_viewer_403(client_for, org):
    url = reverse("portfolios:new")
    assert client_for(org.olga).get(url, {"parent": org.digital.pk}).status_code == 404
    assert client_for(org.vera).get(url, {"parent": org.digital.pk}).status_code == 403
    assert client_for(org.vera).post(url, {"code": "X", "name": "X", "parent": org.digital.pk}).status_code == 403
    assert client_for(org.vera).get(url).status_code == 403


def test_new_portfolio_shows_the_fields_message(client_for, org):
    response = client_for(org.ada).post(reverse("portfolios:new"), {"code": "DIG", "name": "", "parent": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'class="field-error"' in body and "cannot be blank" in body


# --- the portfolio page: edit, new program, history ---------------------------------------------------------


def test_portfolio_page_shows_management_actions_by_role(client_for, org):
    url = reverse("portfolios:detail", args=[org.digital.pk])
    paula = client_for(org.paula).get(url).content.decode()
    assert "New project" in paula and "New program" in paula and 'id="custom-fields"' in paula
    vera = client_for(org.vera).get(url).content.decode()
    assert "New project" not in vera and 'id="custom-fields"' not in vera and 'id="members"' in vera


def test_manager_edits_a_portfolio_inline_and_history_shows_it(client_for, org):
    client = client_for(org.paula)
    url = reverse("portfolios:edit", args=[org.digital.pk])
    form = client.get(url, **HX)
    assert form.status_code == 200 and b'name="code"' in form.content
    response = client.post(url, {"code": "DIG", "name": "Digital Business", "description": "Online",
                                 "owner": org.paula.pk, "parent": ""}, **HX)
    assert response.status_code == 200
    org.digital.refresh_from_db()
    assert org.digital.name == "Digital Business" and org.digital.owner == org.paula
    body = response.content.decode()
    assert 'id="portfolio-head"' in body and 'hx-swap-oob="true"' in body
    assert "<del>Digital</del>" in body and "<ins>Digital Business</ins>" in body


def test_portfolio_edit_refuses_olga_404_and_a_viewer_403(client_for, org):
    url = reverse("portfolios:edit", args=[org.digital.pk])
    assert client_for(org.olga).post(url, {"name": "X"}, **HX).status_code == 404
    assert client_for(org.vera).get(url, **HX).status_code == 403
    assert client_for(org.vera).post(url, {"name": "X"}, **HX).status_code == 403
    org.digital.refresh_from_db()
    assert org.digital.name == "Digital"


def test_portfolio_edit_shows_the_fields_message(client_for, org):
    response = client_for(org.paula).post(
        reverse("portfolios:edit", args=[org.digital.pk]),
        {"code": "DIG", "name": "Digital", "parent": org.web.pk}, **HX)
    assert response.status_code == 422
    assert "cannot be moved under itself" in response.content.decode()
    org.digital.refresh_from_db()
    assert org.digital.parent is None


def test_portfolio_page_history_lists_changes(client_for, org):
    portfolio_update(actor=org.paula, portfolio=org.digital, data={"description": "All things online"})
    body = client_for(org.vera).get(reverse("portfolios:detail", args=[org.digital.pk])).content.decode()
    assert 'id="history"' in body and "Paula Portfolio" in body and "All things online" in body


def test_manager_creates_a_program(client_for, org):
    client = client_for(org.paula)
    url = reverse("portfolios:program_new", args=[org.digital.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": "OPS", "name": "Operations", "manager": org.mark.pk, "description": ""})
    program = Program.objects.get(code="OPS")
    assert response.status_code == 302 and response["Location"] == reverse("portfolios:program", args=[program.pk])
    assert program.portfolio == org.digital and program.manager == org.mark


def test_new_program_refuses_olga_404_a_viewer_403_and_names_the_bad_field(client_for, org):
    url = reverse("portfolios:program_new", args=[org.digital.pk])
    assert client_for(org.olga).get(url).status_code == 404
    assert client_for(org.vera).post(url, {"code": "X", "name": "X"}).status_code == 403
    response = client_for(org.paula).post(url, {"code": "CX", "name": "Duplicate"})
    assert response.status_code == 422 and b"already exists" in response.content


# --- the program page: edit, delete -------------------------------------------------------------------------


def test_manager_edits_a_program(client_for, org):
    url = reverse("portfolios:program_edit", args=[org.program.pk])
    client = client_for(org.paula)
    assert client.get(url, **HX).status_code == 200
    response = client.post(url, {"code": "CX", "name": "Customer Journey", "manager": org.mark.pk,
                                 "description": "Everything the customer touches"}, **HX)
    assert response.status_code == 200
    org.program.refresh_from_db()
    assert org.program.name == "Customer Journey" and org.program.manager == org.mark
    assert "<ins>Customer Journey</ins>" in response.content.decode()


def test_program_edit_refuses_and_names_the_bad_field(client_for, org):
    url = reverse("portfolios:program_edit", args=[org.program.pk])
    assert client_for(org.olga).post(url, {"name": "X"}, **HX).status_code == 404
    assert client_for(org.vera).post(url, {"name": "X"}, **HX).status_code == 403
    response = client_for(org.paula).post(url, {"code": "", "name": "X"}, **HX)
    assert response.status_code == 422 and b"cannot be blank" in response.content


def test_admin_deletes_a_program_and_lands_on_the_portfolio(client_for, org):
    response = client_for(org.paula).post(reverse("portfolios:program_delete", args=[org.program.pk]), **HX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("portfolios:detail", args=[org.digital.pk])
    assert not Program.objects.filter(pk=org.program.pk).exists()
    org.apollo.refresh_from_db()
    assert org.apollo.program is None


def test_program_delete_needs_admin(client_for, org):
    manager = UserFactory(username="max")
    grant(manager, Role.MANAGER, portfolio=org.digital)
    url = reverse("portfolios:program_delete", args=[org.program.pk])
    assert client_for(org.olga).post(url, **HX).status_code == 404
    assert client_for(org.vera).post(url, **HX).status_code == 403
    assert client_for(manager).post(url, **HX).status_code == 403
    assert Program.objects.filter(pk=org.program.pk).exists()


def test_program_page_shows_history_and_actions(client_for, org):
    client_for(org.paula).post(reverse("portfolios:program_edit", args=[org.program.pk]),
                               {"code": "CX", "name": "CX Programme"}, **HX)
    body = client_for(org.paula).get(reverse("portfolios:program", args=[org.program.pk])).content.decode()
    assert "New project" in body and "Delete" in body and "<ins>CX Programme</ins>" in body


# --- custom field definitions -------------------------------------------------------------------------------


def test_admin_defines_a_choice_field_and_sees_inherited_ones_marked(client_for, org):
    client = client_for(org.paula)
    response = client.post(reverse("portfolios:field_add", args=[org.digital.pk]), {
        "label": "Risk class", "key": "risk_class", "field_type": "choice", "target": "project",
        "choices": "low, medium, high", "required": "on"}, **HX)
    assert response.status_code == 200
    definition = CustomFieldDefinition.objects.get(key="risk_class")
    assert definition.choices == ["low", "medium", "high"] and definition.required
    body = client.get(reverse("portfolios:detail", args=[org.web.pk])).content.decode()
    assert "Risk class" in body and "inherited from Digital" in body


def test_custom_field_add_names_the_bad_field(client_for, org):
    response = client_for(org.paula).post(reverse("portfolios:field_add", args=[org.digital.pk]), {
        "label": "Tier", "key": "tier", "field_type": "choice", "target": "project", "choices": ""}, **HX)
    assert response.status_code == 422
    assert "a choice field needs a non-empty list of choices" in response.content.decode()
    assert not CustomFieldDefinition.objects.exists()


def test_custom_fields_need_admin(client_for, org):
    url = reverse("portfolios:field_add", args=[org.digital.pk])
    data = {"label": "Tier", "key": "tier", "field_type": "text", "target": "project"}
    assert client_for(org.olga).post(url, data, **HX).status_code == 404
    assert client_for(org.vera).post(url, data, **HX).status_code == 403
    definition = CustomFieldDefinition.objects.create(portfolio=org.digital, target="project", key="tier",
                                                      label="Tier", field_type="text")
    delete = reverse("portfolios:field_delete", args=[definition.pk])
    assert client_for(org.olga).post(delete, **HX).status_code == 404
    assert client_for(org.vera).post(delete, **HX).status_code == 403
    assert client_for(org.paula).post(delete, **HX).status_code == 200
    assert not CustomFieldDefinition.objects.exists()


# --- goals --------------------------------------------------------------------------------------------------


def test_manager_adds_a_goal_from_the_goals_page(client_for, org):
    client = client_for(org.paula)
    assert b"New goal" in client.get(reverse("portfolios:goals")).content
    response = client.post(reverse("portfolios:goal_new"), {
        "portfolio": org.digital.pk, "code": "G1", "name": "Grow online sales", "weight": "2.5",
        "description": ""}, **HX)
    assert response.status_code == 200 and b"Grow online sales" in response.content
    assert StrategicGoal.objects.get(code="G1").weight == Decimal("2.5")


def test_new_goal_refuses_and_names_the_bad_field(client_for, org):
    url = reverse("portfolios:goal_new")
    data = {"portfolio": org.digital.pk, "code": "G1", "name": "X", "weight": "1"}
    assert client_for(org.olga).post(url, data, **HX).status_code == 404
    assert client_for(org.vera).post(url, data, **HX).status_code == 403
    assert b"New goal" not in client_for(org.vera).get(reverse("portfolios:goals")).content
    response = client_for(org.paula).post(url, {**data, "weight": "lots"}, **HX)
    assert response.status_code == 422 and b"expected a number" in response.content
    assert not StrategicGoal.objects.exists()


def test_manager_edits_a_goals_weight_name_and_description(client_for, org):
    goal = GoalFactory(portfolio=org.digital, code="G1", name="Old", weight=1)
    client = client_for(org.paula)
    url = reverse("portfolios:goal_edit", args=[goal.pk])
    assert b'name="weight"' in client.get(url, **HX).content
    response = client.post(url, {"name": "New name", "description": "Why", "weight": "4"}, **HX)
    assert response.status_code == 200
    goal.refresh_from_db()
    assert (goal.name, goal.description, goal.weight) == ("New name", "Why", Decimal("4"))
    bad = client.post(url, {"name": "", "weight": "-1"}, **HX)
    assert bad.status_code == 422 and b"zero or more" in bad.content


def test_goal_edit_and_delete_refuse(client_for, org):
    goal = GoalFactory(portfolio=org.digital, code="G1")
    manager = UserFactory(username="max")
    grant(manager, Role.MANAGER, portfolio=org.digital)
    edit, delete = reverse("portfolios:goal_edit", args=[goal.pk]), reverse("portfolios:goal_delete", args=[goal.pk])
    assert client_for(org.olga).post(edit, {"name": "X"}, **HX).status_code == 404
    assert client_for(org.vera).post(edit, {"name": "X"}, **HX).status_code == 403
    assert client_for(org.olga).post(delete, **HX).status_code == 404
    assert client_for(org.vera).post(delete, **HX).status_code == 403
    assert client_for(manager).post(delete, **HX).status_code == 403
    assert StrategicGoal.objects.filter(pk=goal.pk).exists()
    assert client_for(org.paula).post(delete, **HX).status_code == 200
    assert not StrategicGoal.objects.filter(pk=goal.pk).exists()


# --- members ------------------------------------------------------------------------------------------------


def test_admin_grants_and_revokes_a_role_on_a_portfolio(client_for, org):
    client = client_for(org.paula)
    url = reverse("portfolios:portfolio_members", args=[org.digital.pk])
    response = client.post(url, {"principal": f"user:{org.olga.pk}", "role": Role.CONTRIBUTOR}, **HX)
    assert response.status_code == 200 and b"Olga Outsider" in response.content
    membership = Membership.objects.get(user=org.olga, portfolio=org.digital)
    assert membership.role == Role.CONTRIBUTOR
    team = TeamFactory(name="Data team")
    client.post(url, {"principal": f"team:{team.pk}", "role": Role.VIEWER}, **HX)
    assert Membership.objects.filter(team=team, portfolio=org.digital, role=Role.VIEWER).exists()
    revoke = reverse("portfolios:portfolio_member_revoke", args=[org.digital.pk, membership.pk])
    assert client.post(revoke, **HX).status_code == 200
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_grant_refuses_olga_404_a_viewer_403_and_names_the_bad_field(client_for, org):
    url = reverse("portfolios:portfolio_members", args=[org.digital.pk])
    data = {"principal": f"user:{org.olga.pk}", "role": Role.ADMIN}
    assert client_for(org.olga).post(url, data, **HX).status_code == 404
    assert client_for(org.vera).post(url, data, **HX).status_code == 403
    response = client_for(org.paula).post(url, {"principal": "", "role": Role.VIEWER}, **HX)
    assert response.status_code == 422 and b"choose a person or a team" in response.content
    response = client_for(org.paula).post(url, {"principal": f"user:{org.olga.pk}", "role": "99"}, **HX)
    assert response.status_code == 422 and b"expected one of" in response.content
    assert not Membership.objects.filter(user=org.olga).exists()


def test_revoke_refuses_olga_404_and_a_viewer_403(client_for, org):
    membership = Membership.objects.get(user=org.vera, portfolio=org.digital)
    url = reverse("portfolios:portfolio_member_revoke", args=[org.digital.pk, membership.pk])
    assert client_for(org.olga).post(url, **HX).status_code == 404
    assert client_for(org.vera).post(url, **HX).status_code == 403
    # A membership of another scope is not reachable through this page's address.
    other = reverse("portfolios:portfolio_member_revoke", args=[org.web.pk, membership.pk])
    assert client_for(org.paula).post(other, **HX).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_program_members_panel_grants_and_shows_inherited_roles(client_for, org):
    url = reverse("portfolios:program_members", args=[org.program.pk])
    assert client_for(org.vera).post(url, {"principal": f"user:{org.cora.pk}", "role": 10}, **HX).status_code == 403
    response = client_for(org.paula).post(url, {"principal": f"user:{org.cora.pk}", "role": Role.MANAGER}, **HX)
    assert response.status_code == 200
    assert Membership.objects.filter(user=org.cora, program=org.program, role=Role.MANAGER).exists()
    body = response.content.decode()
    assert "Inherited" in body and "Paula Portfolio" in body and "via" in body and "Digital" in body


def test_sub_portfolio_shows_roles_inherited_from_the_parent(client_for, org):
    body = client_for(org.vera).get(reverse("portfolios:detail", args=[org.web.pk])).content.decode()
    assert "Vera Viewer" in body and ">Digital</a>" in body


def test_members_panel_query_count_does_not_grow_with_members(client_for, org):
    client = client_for(org.paula)
    url = reverse("portfolios:detail", args=[org.web.pk])

    def add(n: int) -> None:
        for _ in range(n):
            grant(UserFactory(), Role.VIEWER, portfolio=org.web)
            grant(UserFactory(), Role.CONTRIBUTOR, portfolio=org.digital)
            Membership.objects.create(team=TeamFactory(), portfolio=org.web, role=Role.MANAGER)
            grant(UserFactory(), Role.VIEWER, program=ProgramFactory(portfolio=org.web))

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            assert response.status_code == 200
        return len(ctx.captured_queries)

    add(2)
    small = count()
    add(15)
    assert count() == small
    assert len(client.get(url).context["m_direct"]) == 34


def test_an_admin_deletes_an_empty_portfolio_and_lands_on_its_parent(client_for, org):
    from portfolium.portfolios.models import Portfolio
    from tests.factories import PortfolioFactory

    empty = PortfolioFactory(code="EMPTY", name="Empty", parent=org.digital)
    url = reverse("portfolios:delete", args=[empty.pk])
    assert client_for(org.olga).post(url, **HX).status_code == 404
    assert client_for(org.vera).post(url, **HX).status_code == 403
    response = client_for(org.paula).post(url, **HX)
    assert response["HX-Redirect"] == reverse("portfolios:detail", args=[org.digital.pk])
    assert not Portfolio.objects.filter(pk=empty.pk).exists()


def test_a_portfolio_that_still_holds_projects_is_not_deleted_and_says_why(client_for, org):
    response = client_for(org.paula).post(reverse("portfolios:delete", args=[org.web.pk]), **HX)
    assert response.status_code == 409
    assert "move or delete them first" in response.content.decode()
    org.web.refresh_from_db()


def test_an_admin_edits_a_custom_fields_label_choices_and_required_flag(client_for, org):
    from tests.factories import CustomFieldFactory

    field = CustomFieldFactory(portfolio=org.digital, key="category", field_type="choice", choices=["Run", "Grow"])
    url = reverse("portfolios:field_edit", args=[field.pk])
    assert client_for(org.olga).get(url, **HX).status_code == 404
    assert client_for(org.vera).get(url, **HX).status_code == 403
    client = client_for(org.paula)
    form = client.get(url, **HX).content.decode()
    assert "Run\nGrow" in form and "stay as they are" in form
    response = client.post(url, {"label": "Investment category", "choices": "Run\nGrow\nTransform",
                                 "required": "on"}, **HX)
    assert response.status_code == 200
    field.refresh_from_db()
    assert (field.label, field.choices, field.required) == ("Investment category", ["Run", "Grow", "Transform"], True)


def test_a_custom_field_edit_with_no_choices_left_names_the_field(client_for, org):
    from tests.factories import CustomFieldFactory

    field = CustomFieldFactory(portfolio=org.digital, key="category", field_type="choice", choices=["Run"])
    response = client_for(org.paula).post(reverse("portfolios:field_edit", args=[field.pk]),
                                          {"label": "Category", "choices": ""}, **HX)
    assert response.status_code == 422
    assert "a choice field needs a non-empty list of choices" in response.content.decode()
    field.refresh_from_db()
    assert field.choices == ["Run"]
