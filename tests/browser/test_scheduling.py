"""The scheduling pages in a real browser: the Gantt chart (drawn, collapsed, edited, linked), baselines, the
roadmap and the calendars. Screenshots at 1280 px and 390 px go to /tmp/shots/ and test-artifacts/screenshots/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from portfolium.projects.models import Task, TaskDependency
from portfolium.projects.services import task_update
from portfolium.scheduling.models import CalendarException, WorkCalendar
from portfolium.scheduling.services import baseline_save, schedule_recalculate
from tests.browser.conftest import htmx_idle
from tests.factories import DependencyFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")


def snap(page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=full_page)


@pytest.fixture
def plan_org(org):
    """Apollo as a small real plan: three phases of chained tasks, a milestone, a cross-project predecessor."""
    WorkCalendar.objects.create(name="Standard", is_default=True)
    apollo = org.apollo
    apollo.start, apollo.finish = dt.date(2026, 1, 5), dt.date(2026, 4, 30)
    apollo.save()
    build = TaskFactory(project=apollo, name="Build", kind="phase", position=2)
    launch = TaskFactory(project=apollo, name="Launch", kind="phase", position=3)
    previous = org.task_b
    for i, name in enumerate(["Front end", "Back end", "Integration", "Load tests"]):
        task = TaskFactory(
            project=apollo,
            parent=build,
            name=name,
            position=i,
            duration_minutes=480 * (3 + i),
            percent_complete=[80, 40, 0, 0][i],
        )
        DependencyFactory(predecessor=previous if i != 1 else org.task_a, successor=task)
        previous = task
    for i, name in enumerate(["Training", "Go-live"]):
        task = TaskFactory(
            project=apollo,
            parent=launch,
            name=name,
            position=i,
            kind="milestone" if name == "Go-live" else "task",
            duration_minutes=0 if i else 960,
        )
        DependencyFactory(predecessor=previous, successor=task)
        previous = task
    DependencyFactory(predecessor=org.task_a, successor=org.task_b)
    DependencyFactory(predecessor=org.task_b, successor=org.milestone)
    org.task_b.duration_minutes = 960
    org.task_b.save()
    hermes = ProjectFactory(
        code="HERMES",
        name="Hermes API",
        portfolio=org.digital,
        program=org.program,
        start=dt.date(2026, 1, 5),
        finish=dt.date(2026, 3, 31),
    )
    api = TaskFactory(project=hermes, name="API ready", duration_minutes=480 * 6)
    TaskFactory(project=hermes, name="API live", kind="milestone", duration_minutes=0)
    TaskDependency.objects.create(
        project=apollo, predecessor=api, successor=Task.objects.get(name="Integration")
    )
    schedule_recalculate(project=hermes)
    schedule_recalculate(project=apollo)
    return org


def gantt_path(org) -> str:
    return f"/projects/{org.apollo.pk}/gantt/"


def row(page, name: str):
    return page.locator("tr.g-row", has=page.locator(f"a.g-name-text:text-is('{name}')"))


def wait_chart(page) -> None:
    page.wait_for_selector(".gantt-chart .main-svg")
    page.wait_for_function("document.querySelectorAll('.gantt-chart .barlayer path').length > 0")


def test_gantt_is_drawn_and_a_phase_collapses(page, phone, sign_in, plan_org):
    sign_in(page, "vera", gantt_path(plan_org))
    wait_chart(page)
    bars = page.locator(".gantt-chart .barlayer path").count()
    assert bars >= 8
    assert page.locator("tr.g-row").count() == 12
    assert "HERMES:API ready FS" in row(page, "Integration").inner_text()
    snap(page, "gantt-1280")
    page.get_by_role("link", name="Collapse 3 Build").click()
    htmx_idle(page)
    wait_chart(page)
    assert page.locator("tr.g-row").count() == 8 and row(page, "Front end").count() == 0
    assert "collapsed=" in page.url
    page.get_by_role("link", name="Expand 3 Build").click()
    htmx_idle(page)
    assert row(page, "Front end").count() == 1
    page.get_by_role("link", name="Months").click()
    htmx_idle(page)
    wait_chart(page)
    snap(page, "gantt-months-1280", full_page=False)
    sign_in(phone, "vera", gantt_path(plan_org))
    wait_chart(phone)
    snap(phone, "gantt-390")


def test_editing_a_duration_moves_the_successors(page, sign_in, plan_org):
    sign_in(page, "mark", gantt_path(plan_org))
    wait_chart(page)
    before = row(page, "Visual design").locator("input[name=start]").input_value()
    duration = row(page, "Wireframes").locator("input[name=duration]")
    duration.fill("6d")
    duration.press("Enter")
    htmx_idle(page)
    page.wait_for_function(
        "v => document.querySelector('tr.g-row:nth-child(3) input[name=start]').value !== v", arg=before
    )
    after = row(page, "Visual design").locator("input[name=start]").input_value()
    assert after > before
    assert row(page, "Wireframes").locator("input[name=duration]").input_value() == "6d"
    snap(page, "gantt-edited-1280", full_page=False)
    # A bad value is refused plainly beside the row.
    duration = row(page, "Wireframes").locator("input[name=duration]")
    duration.fill("soon")
    duration.press("Enter")
    htmx_idle(page)
    assert page.locator(".g-row-error").is_visible()
    snap(page, "gantt-error-1280", full_page=False)


def test_adding_a_link_moves_the_successor(page, sign_in, plan_org):
    sign_in(page, "mark", gantt_path(plan_org))
    wait_chart(page)
    before = row(page, "Training").locator("input[name=start]").input_value()
    row(page, "Training").locator("a.g-name-text").click()
    htmx_idle(page)
    editor = page.locator("#gantt-editor")
    assert editor.is_visible()
    editor.locator("select[name=predecessor]").select_option(label="2 Design signed off")
    editor.locator("input[name=lag]").fill("10")
    editor.locator("select[name=lag_unit]").select_option("d")
    snap(page, "gantt-editor-1280", full_page=False)
    editor.get_by_role("button", name="Link", exact=True).click()
    htmx_idle(page)
    assert "Design signed off" in page.locator("#gantt-editor").inner_text()
    after = row(page, "Training").locator("input[name=start]").input_value()
    assert after >= before
    assert TaskDependency.objects.filter(
        successor__name="Training", predecessor__name="Design signed off", lag=10
    ).exists()
    # A loop is refused with the task names.
    row(page, "Wireframes").locator("a.g-name-text").click()
    htmx_idle(page)
    page.locator("#gantt-editor select[name=predecessor]").select_option(label="1.2 Visual design")
    page.locator("#gantt-editor").get_by_role("button", name="Link", exact=True).click()
    htmx_idle(page)
    assert "Visual design" in page.locator("#gantt-editor .alert-error").inner_text()


def test_save_a_baseline_and_compare(page, phone, sign_in, plan_org):
    sign_in(page, "mark", gantt_path(plan_org))
    wait_chart(page)
    page.fill("#baselines input[name=name]", "Signed plan")
    page.get_by_role("button", name="Save baseline").click()
    htmx_idle(page)
    assert page.locator(".compare-table tbody tr").count() == 9
    task_update(actor=plan_org.mark, task=Task.objects.get(name="Back end"), data={"duration": "8d"})
    page.reload()
    wait_chart(page)
    page.select_option("select[name=baseline][aria-label='Baseline shown in the chart']", label="Signed plan")
    htmx_idle(page)
    wait_chart(page)
    page.check("#compare input[name=slipped]")
    htmx_idle(page)
    slipped = page.locator(".compare-table tbody tr.is-slipped")
    assert slipped.count() >= 2 and page.locator(".is-slipped-milestone").count() >= 1
    assert "Go-live" in page.locator(".compare-table").inner_text()
    snap(page, "baselines-1280")
    sign_in(phone, "mark", gantt_path(plan_org) + f"?baseline={plan_org.apollo.baselines.get().pk}")
    wait_chart(phone)
    snap(phone, "baselines-390")


def test_roadmap_shows_projects_and_links(page, phone, sign_in, plan_org):
    baseline_save(actor=plan_org.mark, project=plan_org.apollo, name="First")
    sign_in(page, "vera", "/roadmap/")
    page.wait_for_selector(".roadmap-chart .main-svg")
    page.wait_for_function("document.querySelectorAll('.roadmap-chart .barlayer path').length >= 2")
    text = page.locator(".roadmap-table").inner_text()
    assert "APOLLO" in text and "HERMES" in text and "HIDDEN" not in text
    snap(page, "roadmap-1280")
    page.locator("label.toggle", has_text="Red").click()
    htmx_idle(page)
    assert "No projects to show" in page.locator("#roadmap").inner_text()
    sign_in(phone, "vera", f"/portfolios/{plan_org.digital.pk}/roadmap/")
    phone.wait_for_selector(".roadmap-chart .main-svg")
    snap(phone, "roadmap-390")


def test_an_admin_adds_a_holiday(page, phone, sign_in, plan_org):
    standard = WorkCalendar.objects.get(name="Standard")
    sign_in(page, "ada", "/calendars/")
    page.get_by_text("Add a holiday or special hours").click()
    form = page.locator(f"#calendar-{standard.pk} .exception-form")
    form.locator("input[name=name]").fill("Company day")
    form.locator("input[name=start]").fill("2026-01-07")
    form.get_by_role("button", name="Add").click()
    htmx_idle(page)
    assert "Company day" in page.locator(f"#calendar-{standard.pk} .exceptions").inner_text()
    assert CalendarException.objects.filter(calendar=standard, name="Company day").exists()
    snap(page, "calendars-1280")
    sign_in(phone, "vera", "/calendars/")
    assert phone.locator("text=New calendar").count() == 0
    snap(phone, "calendars-390")


def test_durations_in_the_outline_and_the_task_page(page, phone, sign_in, plan_org):
    sign_in(page, "mark", f"/projects/{plan_org.apollo.pk}/")
    row_el = page.locator(f"#task-{plan_org.task_a.pk}")
    before = row_el.locator("input[name=finish]").input_value()
    duration = row_el.locator("input[name=duration]")
    assert duration.input_value() == "1d"
    duration.fill("4d")
    duration.press("Enter")
    htmx_idle(page)
    page.wait_for_function(
        "([id, v]) => document.querySelector(`#task-${id} input[name=finish]`).value !== v",
        arg=[plan_org.task_a.pk, before],
    )
    assert page.locator(f"#task-{plan_org.task_a.pk} input[name=finish]").input_value() == "2026-01-08"
    snap(page, "outline-durations-1280", full_page=False)
    page.goto(page.url.split("/projects/")[0] + f"/projects/tasks/{plan_org.task_b.pk}/")
    assert page.locator("select[name=constraint_type]").is_visible()
    assert "Wireframes" in page.locator("#dependencies").inner_text()
    snap(page, "task-scheduling-1280")
    sign_in(phone, "paula", f"/projects/tasks/{Task.objects.get(name='Integration').pk}/")
    assert "HERMES" in phone.locator("#dependencies").inner_text()
    snap(phone, "task-scheduling-390")
