"""Every page in a real browser: sign-in, the overview (sort and filter), editing the WBS, and the rest."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from portfolium.accounts.models import Role
from portfolium.projects.models import ChecklistItem, Comment, ProjectGoal, Tag, Task
from portfolium.projects.services import project_rollup_refresh, task_update
from tests.factories import GoalFactory, ProjectFactory, TaskFactory, grant

pytestmark = pytest.mark.browser


@pytest.fixture
def busy_org(org):
    """The org with enough projects, tags, goals and dated tasks to make the pages look like real ones."""
    stages = ["planning", "execution", "execution", "monitoring", "initiation", "on_hold", "closing"]
    healths = ["green", "green", "amber", "red", "green", "amber", "green"]
    reasons = {"amber": "Supplier two weeks late", "red": "Budget overrun of 18%"}
    tag_names = ["customer", "compliance", "cloud", "mobile"]
    tags = [Tag.objects.create(name=n) for n in tag_names]
    org.apollo.stage, org.apollo.health, org.apollo.health_reason = "execution", "amber", "Design review slipped"
    org.apollo.priority = 3
    org.apollo.save()
    org.apollo.tags.add(tags[0], tags[3])
    names = ["Billing revamp", "Data platform", "Store locator", "Identity hub", "Partner portal", "Search relaunch",
             "Mobile checkout", "Loyalty 2.0", "Warehouse sync", "Consent centre"]
    for i, name in enumerate(names):
        p = ProjectFactory(portfolio=org.web if i % 2 else org.digital, program=org.program if i % 3 == 0 else None,
                           code=f"P{i + 10:03d}", name=name, stage=stages[i % 7], health=healths[i % 7],
                           health_reason=reasons.get(healths[i % 7], ""), manager=org.mark if i % 2 else org.paula,
                           priority=1 + i % 4, start=dt.date(2026, 1 + i % 6, 5), finish=dt.date(2026, 7 + i % 6, 20))
        p.tags.add(tags[i % 4])
        for j in range(i % 4 + 1):
            TaskFactory(project=p, status=["done", "in_progress", "not_started", "blocked"][j % 4],
                        blocked_reason="waiting" if j % 4 == 3 else "", percent_complete=[100, 40, 0, 10][j % 4],
                        due_date=dt.date(2026, 11, 1) if j == 2 else None)
        project_rollup_refresh(project=p)
    goal = GoalFactory(portfolio=org.digital, code="G1", name="Grow online revenue", weight=3)
    GoalFactory(portfolio=org.digital, code="G2", name="Cut cost to serve", weight=1)
    ProjectGoal.objects.create(project=org.apollo, goal=goal, contribution=60)
    org.task_a.start, org.task_a.finish = dt.date(2026, 1, 12), dt.date(2026, 2, 6)
    org.task_a.save()
    task_update(actor=org.mark, task=org.task_a, data={"status": "in_progress", "percent_complete": 60})
    project_rollup_refresh(project=org.apollo)
    return org


def test_sign_in(page, phone, live_server, shot, org):
    page.goto(f"{live_server.url}/overview/")
    assert "/accounts/login/" in page.url
    shot(page, "login-1280")
    phone.goto(f"{live_server.url}/accounts/login/")
    shot(phone, "login-390")
    page.fill("input[name=username]", "vera")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.locator(".alert-error").is_visible()
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/overview/$"))
    assert page.locator(".topbar").get_by_text("Vera Viewer").is_visible()


def test_portfolio_tree(page, phone, sign_in, shot, busy_org):
    sign_in(page, "paula", "/portfolios/")
    assert page.locator(".tree").get_by_text("Digital").is_visible()
    assert page.locator(".tree").get_by_text("Customer Experience").is_visible()
    shot(page, "tree-1280")
    sign_in(phone, "paula", "/portfolios/")
    shot(phone, "tree-390")


def test_overview_sorts_and_filters(page, phone, sign_in, shot, live_server, busy_org):
    sign_in(page, "vera", f"/portfolios/{busy_org.digital.pk}/")
    page.wait_for_selector(".chart .main-svg")  # Plotly drew the chart
    codes = page.locator("table.projects tbody tr td:first-child")
    assert codes.first.inner_text() == "APOLLO"
    shot(page, "overview-1280")

    page.locator("th a.sort", has_text="Code").click()  # already ascending: the second click reverses
    page.wait_for_url(re.compile(r"sort=-code"))
    page.wait_for_function("document.querySelector('table.projects tbody td').innerText === 'ZEUS'")

    page.fill("#f-q", "mobile")
    page.wait_for_url(re.compile(r"q=mobile"))
    page.wait_for_function("document.querySelectorAll('table.projects tbody tr').length === 1")
    assert codes.first.inner_text() == "P016"
    assert page.locator("input[name=sort]").input_value() == "-code"

    page.fill("#f-q", "")
    page.wait_for_function("document.querySelectorAll('table.projects tbody tr').length > 5")
    page.locator(".toggle", has_text="Red").click()
    page.wait_for_url(re.compile(r"health=red"))
    page.wait_for_function("document.querySelectorAll('table.projects tbody tr').length === 1")
    assert page.locator("table.projects tbody tr .dot-red").count() == 1
    shot(page, "overview-filtered-1280")

    page.go_back()  # the pushed URL restores the unfiltered page
    page.wait_for_function("document.querySelectorAll('table.projects tbody tr').length > 5")

    sign_in(phone, "vera", "/overview/")
    phone.wait_for_selector(".chart .main-svg")
    shot(phone, "overview-390")


def test_program_page(page, sign_in, shot, busy_org):
    sign_in(page, "vera", f"/programs/{busy_org.program.pk}/")
    assert page.locator("h1").get_by_text("Customer Experience").is_visible()
    assert page.locator("table.projects tbody tr").count() == 5
    shot(page, "program-1280")


def test_editing_the_wbs_outline(page, phone, sign_in, shot, busy_org):
    org = busy_org
    sign_in(page, "mark", f"/projects/{org.apollo.pk}/")
    shot(page, "project-1280")

    # Add a task at the end.
    page.fill(".add-task input[name=name]", "Usability test")
    page.click(".add-task button[type=submit]")
    page.wait_for_selector("tr.wbs-row[data-wbs='3']")
    new = Task.objects.get(name="Usability test")

    # Rename inline: type, press Enter.
    name = page.locator(f"#task-{org.task_b.pk} input[name=name]")
    name.fill("Visual design system")
    name.press("Enter")
    page.wait_for_function(f"document.querySelector('#task-{org.task_b.pk} input[name=name]').defaultValue === 'Visual design system'")
    org.task_b.refresh_from_db()
    assert org.task_b.name == "Visual design system"

    # Indent the new task under the milestone's sibling... the milestone refuses, so move it up first.
    page.locator(f"#task-{new.pk} button[title='Move up']").click()
    page.wait_for_selector(f"tr#task-{new.pk}[data-wbs='2']")
    page.locator(f"#task-{new.pk} button[title='Indent']").click()
    page.wait_for_selector(f"tr#task-{new.pk}[data-wbs='1.3']")
    new.refresh_from_db()
    assert new.parent_id == org.phase.pk

    # Status: blocked asks why.
    page.locator(f"#task-{new.pk} select[name=status]").select_option("blocked")
    page.wait_for_selector(".reason-form")
    assert page.get_by_text("say why the task is blocked").is_visible()
    shot(page, "project-blocked-reason-1280")
    page.fill(".reason-form input[name=blocked_reason]", "Waiting for test users")
    page.click(".reason-form button[type=submit]")
    page.wait_for_selector(f"#task-{new.pk} .blocked-reason")
    new.refresh_from_db()
    assert (new.status, new.blocked_reason) == ("blocked", "Waiting for test users")

    # The history shows the edits, before -> after.
    assert page.locator("#history").get_by_text("Visual design system").first.is_visible()
    shot(page, "project-edited-1280")

    sign_in(phone, "mark", f"/projects/{org.apollo.pk}/")
    shot(phone, "project-390")


def test_owner_pickers_offer_the_project_team_and_save_a_new_owner(page, sign_in, busy_org):
    org = busy_org
    sign_in(page, "mark", f"/projects/{org.apollo.pk}/")
    picker = page.locator(f"#task-{org.task_b.pk} select[name=owner]")
    # Rendered with only its current value; the team arrives from the page's one <template>.
    offered = picker.locator("option").all_inner_texts()
    assert {"Mark Manager", "Cora Contributor"} <= set(offered)
    assert "Olga Outsider" not in offered
    with page.expect_response(lambda r: f"/tasks/{org.task_b.pk}/edit/" in r.url) as saved:
        picker.select_option(str(org.cora.pk))
    assert saved.value.status == 200
    page.wait_for_load_state("networkidle")
    org.task_b.refresh_from_db()
    assert org.task_b.owner_id == org.cora.pk
    # After the outline is re-rendered, the picker is filled again and still shows the new owner.
    page.wait_for_function(
        f"document.querySelectorAll('#task-{org.task_b.pk} select[name=owner][data-filled] option').length >= 3"
    )
    assert picker.input_value() == str(org.cora.pk)


def test_viewer_sees_a_read_only_outline(page, sign_in, busy_org):
    sign_in(page, "vera", f"/projects/{busy_org.apollo.pk}/")
    assert page.locator("#wbs .name-text", has_text="Wireframes").is_visible()
    assert page.locator("#wbs input, #wbs select").count() == 0


def test_task_page(page, phone, sign_in, shot, busy_org):
    org = busy_org
    ChecklistItem.objects.create(task=org.task_a, text="Home page sketch", done=True)
    Comment.objects.create(task=org.task_a, author=org.mark, body="Please share the sketches by Friday.")
    sign_in(page, "cora", f"/projects/tasks/{org.task_a.pk}/")
    page.fill("#checklist input[name=text]", "Checkout flow")
    page.click("#checklist button[type=submit]")
    page.wait_for_selector("#checklist >> text=Checkout flow")
    page.fill("#comments textarea[name=body]", "Sketches are in the shared folder.")
    page.click("#comments button[type=submit]")
    page.wait_for_selector("#comments >> text=Sketches are in the shared folder.")
    shot(page, "task-1280")
    sign_in(phone, "mark", f"/projects/tasks/{org.task_a.pk}/")
    shot(phone, "task-390")


def test_my_work(page, phone, sign_in, shot, busy_org):
    org = busy_org
    TaskFactory(project=org.apollo, owner=org.cora, name="Fix overdue copy", due_date=dt.date(2026, 10, 1))
    TaskFactory(project=org.apollo, owner=org.cora, name="Prepare demo", due_date=dt.date(2027, 1, 15))
    TaskFactory(project=org.apollo, owner=org.cora, name="Write notes")
    sign_in(page, "cora", "/my-work/")
    row = page.locator("tr.mw-row", has_text="Prepare demo")
    row.locator("select[name=status]").select_option("in_progress")
    page.wait_for_selector("tr.mw-row.status-in_progress >> text=Prepare demo")
    assert Task.objects.get(name="Prepare demo").status == "in_progress"
    shot(page, "mywork-1280")
    sign_in(phone, "cora", "/my-work/")
    shot(phone, "mywork-390")


def test_goals(page, sign_in, shot, busy_org):
    sign_in(page, "vera", "/goals/")
    assert page.get_by_text("Grow online revenue").is_visible()
    shot(page, "goals-1280")


def test_profile_tokens(page, sign_in, shot, busy_org):
    grant(busy_org.mark, Role.VIEWER, portfolio=busy_org.web)
    sign_in(page, "mark", "/accounts/profile/")
    page.fill("#tokens input[name=name]", "nightly report")
    page.click("#tokens button[type=submit]")
    page.wait_for_selector("#token-secret")
    assert page.locator("#token-secret").inner_text().startswith("pfm_")
    shot(page, "profile-1280")
    page.once("dialog", lambda d: d.accept())
    page.click("#tokens button:has-text('Revoke')")
    page.wait_for_selector("#tokens >> text=Revoked")


def test_olga_sees_not_found(page, sign_in, shot, busy_org):
    sign_in(page, "olga", f"/projects/{busy_org.apollo.pk}/")
    assert page.get_by_role("heading", name="Not found").is_visible()
    shot(page, "notfound-1280")
