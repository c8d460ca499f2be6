"""Managing the hierarchy in a real browser: create a project, edit its header, grant a role."""

from __future__ import annotations

import re

import pytest

from portfolium.accounts.models import Membership, Role
from portfolium.portfolios.models import CustomFieldDefinition
from portfolium.projects.models import Project, ProjectGoal
from tests.factories import GoalFactory, TeamFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def managed_org(org):
    CustomFieldDefinition.objects.create(portfolio=org.digital, target="project", key="risk_class",
                                         label="Risk class", field_type="choice", choices=["low", "medium", "high"])
    CustomFieldDefinition.objects.create(portfolio=org.digital, target="project", key="budget", label="Budget (k€)",
                                         field_type="number")
    goal = GoalFactory(portfolio=org.digital, code="G1", name="Grow online revenue", weight=3)
    GoalFactory(portfolio=org.digital, code="G2", name="Cut cost to serve", weight=1)
    ProjectGoal.objects.create(project=org.apollo, goal=goal, contribution=60)
    TeamFactory(name="Data platform team")
    return org


def test_create_a_project_from_the_portfolio_page_and_edit_its_header(page, phone, sign_in, shot, live_server,
                                                                      managed_org):
    org = managed_org
    sign_in(page, "paula", f"/portfolios/{org.digital.pk}/")
    shot(page, "manage-portfolio-1280")
    page.click("text=New project")
    page.wait_for_url(re.compile(r"/projects/new/"))
    page.fill("input[name=code]", "HERMES")
    page.fill("input[name=name]", "Hermes customer app")
    page.select_option("select[name=program]", str(org.program.pk))
    page.fill("input[name=start]", "2026-02-02")
    page.fill("input[name=finish]", "2026-11-27")
    page.select_option("select[name=cf_risk_class]", "medium")
    shot(page, "manage-project-new-1280")
    page.click("button:has-text('Create project')")
    project = Project.objects.get(code="HERMES")
    page.wait_for_url(f"**/projects/{project.pk}/")
    assert page.locator("#project-head h1").inner_text().endswith("Hermes customer app")

    page.click("#project-head button:has-text('Edit')")
    page.wait_for_selector("#project-head form")
    page.select_option("#project-head select[name=stage]", "execution")
    page.select_option("#project-head select[name=health]", "amber")
    page.fill("#project-head input[name=health_reason]", "Payment provider contract still unsigned")
    page.fill("#project-head input[name=tags]", "mobile, customer")
    shot(page, "manage-project-head-form-1280")
    page.click("#project-head button:has-text('Save project')")
    page.wait_for_selector("#project-head .health-pill")
    head = page.locator("#project-head").inner_text()
    assert "Execution" in head and "Amber" in head and "Payment provider contract still unsigned" in head
    assert "Hermes customer app" in page.locator("#history").inner_text()
    project.refresh_from_db()
    assert (project.stage, project.health) == ("execution", "amber")
    assert project.custom_fields == {"risk_class": "medium"}
    shot(page, "manage-project-1280")

    # A bad date is refused beside its field, and nothing changes.
    page.click("#project-head button:has-text('Edit')")
    page.fill("#project-head input[name=finish]", "2026-01-01")
    page.click("#project-head button:has-text('Save project')")
    page.wait_for_selector("#project-head .field-error")
    assert "the finish date is before the start date" in page.locator("#project-head").inner_text()
    shot(page, "manage-project-head-error-1280")

    sign_in(phone, "paula", f"/projects/{project.pk}/")
    shot(phone, "manage-project-390")
    phone.click("#project-head button:has-text('Edit')")
    phone.wait_for_selector("#project-head form")
    shot(phone, "manage-project-head-form-390")
    phone.goto(f"{live_server.url}/projects/new/?portfolio={org.digital.pk}")
    shot(phone, "manage-project-new-390")


def test_grant_a_role_from_the_members_panel(page, phone, sign_in, shot, managed_org):
    org = managed_org
    sign_in(page, "paula", f"/portfolios/{org.digital.pk}/")
    panel = page.locator("#members")
    panel.scroll_into_view_if_needed()
    panel.locator("input[name=q]").fill("outsid")  # search as you type narrows the picker to Olga
    page.wait_for_function(
        "document.querySelectorAll('#members select[name=principal] option[value^=\"user:\"]').length === 1"
    )
    panel.locator("select[name=principal]").select_option(f"user:{org.olga.pk}")
    panel.locator("select[name=role]").select_option(str(Role.CONTRIBUTOR))
    panel.locator("button:has-text('Grant')").click()
    page.locator("#members .member", has_text="Olga Outsider").wait_for()
    assert Membership.objects.filter(user=org.olga, portfolio=org.digital, role=Role.CONTRIBUTOR).exists()
    row = page.locator("#members .member", has_text="Olga Outsider")
    assert "Contributor" in row.inner_text()
    shot(page, "manage-portfolio-members-1280")

    sign_in(phone, "paula", f"/portfolios/{org.digital.pk}/")
    shot(phone, "manage-portfolio-390")
    phone.context.clear_cookies()
    sign_in(phone, "vera", f"/projects/{org.apollo.pk}/")
    assert "via" in phone.locator("#members").inner_text()
    shot(phone, "manage-project-viewer-390")


def test_program_goals_and_tree_pages(page, sign_in, shot, managed_org):
    org = managed_org
    sign_in(page, "paula", "/portfolios/")
    assert page.locator("text=New portfolio").count() == 1
    shot(page, "manage-tree-1280")
    page.goto(page.url.replace("/portfolios/", f"/programs/{org.program.pk}/"))
    page.click("#program-head button:has-text('Edit')")
    page.wait_for_selector("#program-head form")
    shot(page, "manage-program-edit-1280")
    page.goto(page.url.split("/programs/")[0] + "/goals/")
    page.click("summary:has-text('New goal')")
    shot(page, "manage-goals-new-1280")
    page.fill("#goal-list input[name=code]", "G3")
    page.fill("#goal-list input[name=name]", "Be first choice for new customers")
    page.fill("#goal-list input[name=weight]", "2")
    page.click("button:has-text('Add goal')")
    page.wait_for_function("document.querySelector('#goal-list').innerText.includes('first choice')")
    page.locator("#goal-list .goal", has_text="G1").locator("button:has-text('Edit')").click()
    page.wait_for_selector("#goal-list .goal form")
    shot(page, "manage-goals-edit-1280")
