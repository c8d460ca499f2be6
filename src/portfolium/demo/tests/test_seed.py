"""The demo seed: big enough to explore, covering every stage, consistent, and the same every time."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

import pytest

from portfolium.accounts.models import Membership, Role, Team, User
from portfolium.accounts.roles import role_map_for
from portfolium.audit.models import AuditEvent
from portfolium.demo.seed import (
    ADMIN_USERNAME,
    DEMO_PASSWORD,
    demo_portfolio_manager,
    demo_seed,
    organisation_is_seeded,
    organisation_wipe,
)
from portfolium.portfolios.models import CustomFieldDefinition, Portfolio, Program, StrategicGoal
from portfolium.projects.models import Project, ProjectGoal, Stage, Task, TaskDependency, TaskKind, TaskStatus
from portfolium.projects.services import project_rollup_refresh

ANCHOR = dt.date(2026, 3, 2)  # a fixed story day, so fingerprints compare across weeks


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One seeded organisation shared by the module (seeding takes about a second)."""
    with django_db_blocker.unblock():
        result = demo_seed(anchor=ANCHOR)
        yield result
        organisation_wipe()


def fingerprint() -> str:
    """A digest of the seeded data by natural keys (ids differ between databases, the data must not)."""
    rows: list[tuple] = []
    rows += list(User.objects.order_by("username").values_list("username", "display_name", "job_title", "is_superuser"))
    rows += list(Team.objects.order_by("name").values_list("name", "members__username").order_by("name", "members__username"))
    rows += list(Portfolio.objects.order_by("code").values_list("code", "name", "parent__code", "owner__username"))
    rows += list(Program.objects.order_by("code").values_list("code", "name", "portfolio__code", "manager__username"))
    rows += list(StrategicGoal.objects.order_by("portfolio__code", "code").values_list("portfolio__code", "code", "name", "weight"))
    rows += list(Project.objects.order_by("code").values_list(
        "code", "name", "portfolio__code", "program__code", "sponsor__username", "manager__username", "stage",
        "start", "finish", "priority", "health", "health_reason", "custom_fields", "progress", "task_count",
    ))
    rows += list(Project.objects.order_by("code", "tags__name").values_list("code", "tags__name"))
    rows += list(Task.objects.order_by("project__code", "parent__name", "position", "name").values_list(
        "project__code", "parent__name", "position", "kind", "name", "owner__username", "status", "blocked_reason",
        "start", "finish", "due_date", "estimate_hours", "percent_complete", "custom_fields",
    ))
    rows += list(TaskDependency.objects.order_by("project__code", "predecessor__name", "successor__name").values_list(
        "project__code", "predecessor__name", "successor__name", "type", "lag", "lag_unit",
    ))
    rows += list(Membership.objects.order_by("role", "user__username", "team__name", "portfolio__code", "program__code",
                                             "project__code").values_list(
        "role", "user__username", "team__name", "portfolio__code", "program__code", "project__code",
    ))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_demo_is_big_enough_to_explore(demo, db):
    assert Portfolio.objects.count() >= 3
    assert Portfolio.objects.filter(parent__isnull=False).exists()
    assert Program.objects.count() == 8
    assert Project.objects.count() == 40
    assert Task.objects.count() >= 2000
    assert User.objects.filter(is_superuser=False).count() == 60
    assert Team.objects.count() == 8
    assert Team.objects.filter(members__isnull=False).distinct().count() == 8
    assert Task.objects.filter(kind=TaskKind.MILESTONE).count() >= 40
    assert Task.objects.filter(kind=TaskKind.TASK, parent__kind=TaskKind.TASK).exists(), "no work packages"
    assert all(p.goals.count() >= 3 for p in Portfolio.objects.all())
    assert ProjectGoal.objects.count() >= 40
    assert AuditEvent.objects.count() > 10
    assert demo.counts["projects"] == 40


def test_every_lifecycle_stage_is_present(demo, db):
    assert set(Project.objects.values_list("stage", flat=True)) == set(Stage.values)


def test_every_kind_of_role_is_held(demo, db):
    roles = Counter(Membership.objects.values_list("role", flat=True))
    assert all(roles[r] > 0 for r in Role.values)
    assert Membership.objects.filter(portfolio__isnull=False, role=Role.ADMIN).exists()
    assert Membership.objects.filter(portfolio__isnull=False, role=Role.MANAGER).exists()
    assert Membership.objects.filter(portfolio__isnull=False, role=Role.VIEWER).exists()
    assert Membership.objects.filter(program__isnull=False, role=Role.MANAGER).exists()
    assert Membership.objects.filter(project__isnull=False, role=Role.MANAGER).exists()
    assert Membership.objects.filter(project__isnull=False, role=Role.CONTRIBUTOR, team__isnull=False).exists()


def test_the_portfolio_manager_sees_every_project(demo, db):
    manager = User.objects.get(username=demo_portfolio_manager())
    assert manager.username == demo.portfolio_manager
    assert Project.objects.filter(role_map_for(manager).project_q()).count() == 40


def test_task_states_are_consistent(demo, db):
    tasks = list(Task.objects.all())
    statuses = Counter(t.status for t in tasks)
    assert all(statuses[s] > 0 for s in TaskStatus.values)
    for t in tasks:
        if t.status == TaskStatus.DONE:
            assert t.percent_complete == 100, t
        elif t.status == TaskStatus.NOT_STARTED:
            assert t.percent_complete == 0, t
        elif t.status == TaskStatus.IN_PROGRESS:
            assert 0 < t.percent_complete < 100, t
        if t.status == TaskStatus.BLOCKED:
            assert t.blocked_reason.strip(), t
        else:
            assert t.blocked_reason == "", t
        if t.kind == TaskKind.MILESTONE:
            assert t.start == t.finish
        assert t.start and t.finish and t.start <= t.finish
        assert dt.date(2024, 6, 1) <= t.start <= dt.date(2027, 12, 31)
    closed = Task.objects.filter(project__stage=Stage.CLOSED)
    assert closed.exists() and not closed.exclude(status=TaskStatus.DONE).exists()
    leaves = Task.objects.filter(kind=TaskKind.TASK, children__isnull=True)
    assert not leaves.filter(owner__isnull=True).exists()
    assert not leaves.filter(assignees__isnull=True).exists()


def test_dependencies_never_form_a_cycle(demo, db):
    edges = list(TaskDependency.objects.values_list("project_id", "predecessor_id", "successor_id",
                                                    "predecessor__project_id", "successor__project_id"))
    assert len(edges) >= 1000
    assert all(p == b for p, _, _, _, b in edges), "a link belongs to its successor's project"
    crossing = [(a, b) for _, _, _, a, b in edges if a != b]
    assert 0 < len(crossing) < 20, "a few hand-offs between projects"
    program = dict(Project.objects.values_list("id", "program_id"))
    assert all(program[a] is not None and program[a] == program[b] for a, b in crossing), "within a programme"
    types = Counter(TaskDependency.objects.values_list("type", flat=True))
    assert types["FS"] > types["SS"] > 0 and types["FF"] > 0
    assert TaskDependency.objects.exclude(type="FS").exclude(lag=0).exists()
    # Kahn's algorithm: every task can be ordered only if there is no cycle
    succ: dict[int, list[int]] = {}
    indegree: Counter[int] = Counter()
    nodes = set()
    for _, a, b, _, _ in edges:
        succ.setdefault(a, []).append(b)
        indegree[b] += 1
        nodes |= {a, b}
    ready = [n for n in nodes if indegree[n] == 0]
    ordered = 0
    while ready:
        node = ready.pop()
        ordered += 1
        for nxt in succ.get(node, []):
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                ready.append(nxt)
    assert ordered == len(nodes)


def test_rollups_match_what_the_product_computes(demo, db):
    stored = {p.pk: (p.progress, p.task_count, p.task_done_count, p.task_blocked_count, p.rollup_start,
                     p.rollup_finish) for p in Project.objects.all()}
    for project in Project.objects.all():
        project_rollup_refresh(project=project)
    again = {p.pk: (p.progress, p.task_count, p.task_done_count, p.task_blocked_count, p.rollup_start,
                    p.rollup_finish) for p in Project.objects.all()}
    assert stored == again
    assert sum(v[1] for v in stored.values()) == Task.objects.count()
    assert any(v[0] > 0 for v in stored.values())


def test_custom_fields_are_defined_and_filled(demo, db):
    keys = set(CustomFieldDefinition.objects.values_list("target", "key"))
    assert {("project", "investment_category"), ("project", "npv"), ("task", "component")} <= keys
    assert not Project.objects.filter(custom_fields={}).exists()
    assert Task.objects.filter(custom_fields__has_key="component").count() > 100


def test_demo_people_sign_in_with_the_demo_password(demo, db, client):
    assert demo.admin == ADMIN_USERNAME and demo.password == DEMO_PASSWORD
    assert User.objects.get(username=ADMIN_USERNAME).is_superuser
    for username in (ADMIN_USERNAME, demo.portfolio_manager, demo.contributor, demo.viewer):
        assert client.login(username=username, password=DEMO_PASSWORD), username


def test_the_seed_is_deterministic(demo, db):
    first = fingerprint()
    assert organisation_is_seeded()
    organisation_wipe()
    assert not organisation_is_seeded() and not User.objects.exists()
    demo_seed(anchor=ANCHOR)
    assert fingerprint() == first


def test_the_default_story_day_is_the_monday_of_this_week(monkeypatch):
    from django.utils import timezone

    from portfolium.demo.seed import default_anchor

    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2026, 11, 21))  # a Saturday
    assert default_anchor() == dt.date(2026, 11, 16)


# --- the schedule ------------------------------------------------------------------------------------------


def test_every_project_is_scheduled_on_the_standard_calendar(demo, db):
    from portfolium.scheduling.models import WorkCalendar

    assert not Project.objects.exclude(schedule_error="").exists()
    assert not Project.objects.filter(scheduled_finish__isnull=True).exists()
    standard = WorkCalendar.objects.get(is_default=True)
    names = set(standard.exceptions.values_list("name", flat=True))
    assert {"New Year's Day", "Christmas Day", "Boxing Day", "Spring bank holiday"} <= names
    assert standard.exceptions.filter(recurrence="yearly", week_of_month=5, weekday=0).exists()
    assert Task.objects.filter(calendar__name="Four-day week").count() > 20
    assert Task.objects.filter(critical=True).exists()
    assert not Task.objects.filter(total_float_minutes__isnull=True).exists()


def test_the_plans_mix_durations_links_constraints_and_actuals(demo, db):
    durations = Counter(Task.objects.filter(kind=TaskKind.TASK, children__isnull=True)
                        .values_list("duration_minutes", flat=True))
    assert len(durations) > 20 and durations.most_common(1)[0][1] < sum(durations.values()) / 3
    units = Counter(TaskDependency.objects.exclude(lag=0).values_list("lag_unit", flat=True))
    assert units["d"] and units["ed"] and units["h"]
    assert TaskDependency.objects.filter(lag__lt=0).exists(), "some leads"
    assert Task.objects.filter(constraint_type="SNET", constraint_date__isnull=False).exists()
    assert Task.objects.filter(kind=TaskKind.MILESTONE, deadline__isnull=False).exists()
    done = Task.objects.filter(kind=TaskKind.TASK, children__isnull=True, status=TaskStatus.DONE)
    assert not done.filter(actual_finish__isnull=True).exists()
    assert not Task.objects.filter(status=TaskStatus.NOT_STARTED, actual_start__isnull=False).exists()


def test_active_projects_have_baselines_that_show_slips(demo, db):
    from portfolium.scheduling.models import Baseline
    from portfolium.scheduling.selectors import baseline_compare

    baselines = Baseline.objects.select_related("project")
    assert baselines.exists() and demo.counts["baselines"] == baselines.count()
    assert set(baselines.values_list("project__stage", flat=True)) <= {Stage.EXECUTION, Stage.MONITORING}
    assert Baseline.objects.filter(name="Re-plan").exists()
    slipped = 0
    for baseline in baselines.filter(name="Approved plan"):
        rows = baseline_compare(project=baseline.project, baseline=baseline)
        slipped += sum(1 for r in rows if r.slipped and r.kind == TaskKind.MILESTONE)
    assert slipped > 0
