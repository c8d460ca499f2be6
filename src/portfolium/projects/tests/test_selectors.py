"""Reads: the project list and its filters, overdue counts, rollups, My work and the WBS outline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolium.accounts.models import Role
from portfolium.core.errors import ValidationError
from portfolium.projects import selectors
from portfolium.projects import services as project_services
from portfolium.projects.models import Project, Tag, Task
from portfolium.projects.selectors import (
    PROJECT_SORTS,
    ProjectFilters,
    build_outline,
    my_work,
    overdue_counts,
    project_list,
    rollup_projects,
    wbs_outline,
)
from tests.factories import PortfolioFactory, ProgramFactory, ProjectFactory, TaskFactory, UserFactory, grant

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(selectors, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def lab(org):
    """A portfolio of projects that differ in every filterable way."""
    lab = PortfolioFactory(code="LAB", name="Lab")
    sub = PortfolioFactory(code="SUB", name="Sub", parent=lab)
    program = ProgramFactory(code="PX", name="Px", portfolio=lab)
    rows = [
        # code, name, stage, health, priority, manager, start, finish, portfolio, program, progress
        ("L1", "Alpha", "planning", "green", 1, org.mark, dt.date(2026, 1, 1), dt.date(2026, 3, 1), lab, program, 10),
        ("L2", "Bravo", "execution", "red", 4, org.cora, dt.date(2026, 2, 1), dt.date(2026, 6, 1), lab, None, 50),
        ("L3", "Charlie", "execution", "amber", 2, org.mark, dt.date(2026, 3, 1), dt.date(2026, 9, 1), sub, None, 30),
        ("L4", "Delta", "closed", "green", 3, org.vera, dt.date(2025, 6, 1), dt.date(2025, 12, 1), sub, None, 100),
    ]
    for code, name, stage, health, prio, manager, start, finish, portfolio, prog, progress in rows:
        ProjectFactory(code=code, name=name, stage=stage, health=health, priority=prio, manager=manager,
                       start=start, finish=finish, portfolio=portfolio, program=prog, progress=progress,
                       description=f"about {name.lower()}")
    Project.objects.get(code="L2").tags.add(Tag.objects.create(name="ai"))
    Project.objects.get(code="L3").tags.add(Tag.objects.get(name="ai"), Tag.objects.create(name="cloud"))
    org.lab, org.sub, org.lab_program = lab, sub, program
    return org


def _codes(user, **filters):
    return [p.code for p in project_list(user=user, filters=ProjectFilters(**filters))]


def _lab(org, **filters):
    return _codes(org.ada, portfolio=org.lab.pk, **filters)


# --- filters ----------------------------------------------------------------------------------------------


def test_no_filter_lists_every_visible_project_by_code(lab):
    assert _codes(lab.ada) == ["APOLLO", "HIDDEN", "L1", "L2", "L3", "L4", "ZEUS"]
    assert _codes(lab.paula) == ["APOLLO", "ZEUS"]
    assert _codes(lab.olga) == []


def test_portfolio_filter_includes_sub_portfolios_unless_told_not_to(lab):
    assert _lab(lab) == ["L1", "L2", "L3", "L4"]
    assert _lab(lab, include_sub_portfolios=False) == ["L1", "L2"]
    assert _codes(lab.ada, portfolio=lab.sub.pk) == ["L3", "L4"]


def test_portfolio_filter_never_widens_visibility(lab):
    assert _codes(lab.paula, portfolio=lab.lab.pk) == []


@pytest.mark.parametrize(
    ("filters", "codes"),
    [
        ({"program": "lab_program"}, ["L1"]),
        ({"stage": ["execution"]}, ["L2", "L3"]),
        ({"stage": ["planning", "closed"]}, ["L1", "L4"]),
        ({"health": ["red", "amber"]}, ["L2", "L3"]),
        ({"priority": [3, 4]}, ["L2", "L4"]),
        ({"manager": "mark"}, ["L1", "L3"]),
        ({"tag": " AI "}, ["L2", "L3"]),
        ({"tag": "cloud"}, ["L3"]),
        ({"search": "CHAR"}, ["L3"]),
        ({"search": "l4"}, ["L4"]),
        ({"search": "about delta"}, ["L4"]),
        ({"starts_after": dt.date(2026, 2, 1)}, ["L2", "L3"]),
        ({"finishes_before": dt.date(2026, 6, 1)}, ["L1", "L2", "L4"]),
        ({"stage": ["execution"], "health": ["red"]}, ["L2"]),
    ],
)
def test_each_filter(lab, filters, codes):
    resolved = {k: (getattr(lab, v).pk if isinstance(v, str) and k in ("program", "manager") else v)
                for k, v in filters.items()}
    assert _lab(lab, **resolved) == codes


@pytest.mark.parametrize(("field", "value"), [("stage", ["dreaming"]), ("health", ["purple"])])
def test_unknown_choice_names_the_filter(lab, field, value):
    with pytest.raises(ValidationError) as exc:
        _lab(lab, **{field: value})
    assert field in exc.value.errors
    assert value[0] in exc.value.errors[field]


# --- sorting ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "codes"),
    [
        ("code", ["L1", "L2", "L3", "L4"]),
        ("-code", ["L4", "L3", "L2", "L1"]),
        ("name", ["L1", "L2", "L3", "L4"]),
        ("-name", ["L4", "L3", "L2", "L1"]),
        ("health", ["L1", "L4", "L3", "L2"]),  # green, green, amber, red: by severity, not alphabet
        ("-health", ["L2", "L3", "L1", "L4"]),  # ties keep id order
        ("priority", ["L1", "L3", "L4", "L2"]),
        ("-priority", ["L2", "L4", "L3", "L1"]),
        ("progress", ["L1", "L3", "L2", "L4"]),
        ("-progress", ["L4", "L2", "L3", "L1"]),
        ("start", ["L4", "L1", "L2", "L3"]),
        ("-finish", ["L3", "L2", "L1", "L4"]),
        ("stage", ["L4", "L2", "L3", "L1"]),
        ("manager", ["L2", "L1", "L3", "L4"]),  # Cora, Mark, Mark, Vera
        ("portfolio", ["L1", "L2", "L3", "L4"]),  # Lab before Sub
        ("-portfolio", ["L3", "L4", "L1", "L2"]),
    ],
)
def test_sort_keys_ascending_and_descending(lab, sort, codes):
    assert _lab(lab, sort=sort) == codes


@pytest.mark.parametrize("sort", sorted(PROJECT_SORTS))
def test_every_advertised_sort_key_works_both_ways(lab, sort):
    for direction in ("", "-"):
        assert len(_lab(lab, sort=direction + sort)) == 4


@pytest.mark.parametrize("sort", ["colour", "-colour", "health_rank", "id"])
def test_unknown_sort_names_the_field(lab, sort):
    with pytest.raises(ValidationError) as exc:
        _lab(lab, sort=sort)
    assert "sort" in exc.value.errors


# --- query counts -----------------------------------------------------------------------------------------


def _walk(user):
    for p in project_list(user=user):
        _ = (p.portfolio.name, p.program and p.program.name, p.manager and p.manager.label, list(p.tags.all()))


@pytest.mark.parametrize("n", [5, 50])
def test_list_query_count_does_not_grow_with_rows(org, django_assert_max_num_queries, n):
    tag = Tag.objects.create(name="bulk")
    for _ in range(n):
        ProjectFactory(portfolio=org.web, program=None, manager=org.mark).tags.add(tag)
    with django_assert_max_num_queries(2 + 2):  # role map, then projects and their tags
        _walk(org.vera)


# --- overdue counts ---------------------------------------------------------------------------------------


def test_overdue_counts_open_tasks_past_due(org, today, django_assert_num_queries):
    TaskFactory(project=org.apollo, due_date=today - dt.timedelta(days=1))
    TaskFactory(project=org.apollo, due_date=today - dt.timedelta(days=30), status="done")
    TaskFactory(project=org.apollo, due_date=today)  # due today is not late yet
    TaskFactory(project=org.zeus, due_date=today - dt.timedelta(days=2), status="blocked", blocked_reason="x")
    TaskFactory(project=org.hidden, due_date=today - dt.timedelta(days=2))
    with django_assert_num_queries(1):
        counts = overdue_counts([org.apollo.pk, org.zeus.pk])
    # apollo: the new one and wireframes (due 2026-03-01)
    assert counts == {org.apollo.pk: 2, org.zeus.pk: 1}
    assert overdue_counts([]) == {}


# --- rollups ----------------------------------------------------------------------------------------------


def _p(**kw):
    base = {"code": "X", "stage": "execution", "health": "green", "progress": Decimal("0"), "task_count": 0,
            "task_done_count": 0, "task_blocked_count": 0}
    return Project(**{**base, **kw})


def test_rollup_worst_health_wins_ignoring_closed_and_cancelled():
    r = rollup_projects([_p(health="amber"), _p(health="red", stage="closed"), _p(health="red", stage="cancelled")])
    assert r.health == "amber"
    assert r.by_health == {"amber": 1, "red": 2}
    assert r.by_stage == {"execution": 1, "closed": 1, "cancelled": 1}
    assert rollup_projects([_p(health="amber"), _p(health="red", stage="on_hold")]).health == "red"


def test_rollup_progress_is_weighted_by_task_count():
    r = rollup_projects([_p(progress=Decimal("100"), task_count=3, task_done_count=3),
                         _p(progress=Decimal("0"), task_count=1, task_blocked_count=1),
                         _p(progress=Decimal("50"), task_count=0)])  # an empty project weighs one
    assert r.progress == Decimal("70.0")  # (300 + 0 + 50) / 5
    assert (r.projects, r.tasks, r.tasks_done, r.tasks_blocked) == (3, 4, 3, 1)


def test_rollup_dates_prefer_the_wbs_dates():
    r = rollup_projects([
        _p(start=dt.date(2026, 1, 1), finish=dt.date(2026, 2, 1), rollup_start=dt.date(2026, 1, 10)),
        _p(start=dt.date(2026, 3, 1), finish=dt.date(2026, 4, 1), rollup_finish=dt.date(2026, 9, 1)),
    ])
    assert (r.start, r.finish) == (dt.date(2026, 1, 10), dt.date(2026, 9, 1))


def test_rollup_of_nothing():
    r = rollup_projects([])
    assert (r.projects, r.progress, r.health, r.start) == (0, Decimal("0"), "green", None)


# --- My work ----------------------------------------------------------------------------------------------


def test_my_work_lists_owned_and_assigned_open_tasks_soonest_first(org):
    later = TaskFactory(project=org.apollo, name="Later", owner=org.cora, due_date=dt.date(2026, 5, 1))
    undated = TaskFactory(project=org.apollo, name="Undated", owner=org.cora)
    assigned = TaskFactory(project=org.apollo, name="Assigned", due_date=dt.date(2026, 2, 1))
    assigned.assignees.add(org.cora, org.mark)
    both = TaskFactory(project=org.apollo, name="Both", owner=org.cora, due_date=dt.date(2026, 4, 1))
    both.assignees.add(org.cora)
    TaskFactory(project=org.apollo, name="Done", owner=org.cora, status="done", due_date=dt.date(2026, 1, 1))
    TaskFactory(project=org.apollo, name="Someone else's", owner=org.mark, due_date=dt.date(2026, 1, 1))
    names = [t.name for t in my_work(user=org.cora)]
    assert names == ["Assigned", "Wireframes", "Both", "Later", "Undated"]  # nulls last, no duplicates
    assert "Done" in [t.name for t in my_work(user=org.cora, include_done=True)]
    assert later.pk and undated.pk


def test_my_work_only_shows_projects_the_user_can_still_see(org):
    TaskFactory(project=org.hidden, name="Hidden work", owner=org.cora)
    assert "Hidden work" not in [t.name for t in my_work(user=org.cora)]
    grant(org.cora, Role.VIEWER, project=org.hidden)
    cora = type(org.cora).objects.get(pk=org.cora.pk)
    assert "Hidden work" in [t.name for t in my_work(user=cora)]


def test_my_work_of_someone_with_no_tasks_is_empty(org):
    assert list(my_work(user=UserFactory(username="idle"))) == []


# --- the WBS outline --------------------------------------------------------------------------------------


def test_outline_rolls_summary_rows_up_from_their_leaves(org, django_assert_max_num_queries):
    Task.objects.filter(pk=org.task_a.pk).update(percent_complete=50, start=dt.date(2026, 2, 1),
                                                finish=dt.date(2026, 2, 10))
    Task.objects.filter(pk=org.task_b.pk).update(percent_complete=100, start=dt.date(2026, 2, 5),
                                                due_date=dt.date(2026, 2, 20))
    with django_assert_max_num_queries(2):
        rows = wbs_outline(project=org.apollo)
    phase = rows[0]
    assert (phase.wbs, phase.is_summary, phase.depth) == ("1", True, 0)
    assert phase.progress == 80  # (16*50 + 24*100) / 40
    assert (phase.start, phase.finish) == (dt.date(2026, 2, 1), dt.date(2026, 2, 20))
    assert [c.task.name for c in phase.children] == ["Wireframes", "Visual design"]
    assert [(r.wbs, r.depth, r.is_summary) for r in rows[1:]] == [("1.1", 1, False), ("1.2", 1, False),
                                                                  ("2", 0, False)]


def test_outline_summary_of_milestones_only_averages_them(org):
    gate = project_services.task_create(actor=org.mark, project=org.apollo,
                                        data={"name": "Gates", "kind": "phase"})
    for pct in (0, 100):
        TaskFactory(project=org.apollo, parent=gate, kind="milestone", percent_complete=pct)
    row = next(r for r in wbs_outline(project=org.apollo) if r.task.pk == gate.pk)
    assert row.progress == 50


def test_outline_of_an_empty_project(org):
    assert wbs_outline(project=org.zeus) == []


def test_outline_query_count_does_not_grow_with_tasks(org, django_assert_max_num_queries):
    for i in range(30):
        TaskFactory(project=org.apollo, parent=org.phase, owner=org.cora, name=f"T{i}").assignees.add(org.mark)
    with django_assert_max_num_queries(2):
        rows = wbs_outline(project=org.apollo)
        _ = [(r.task.owner and r.task.owner.label, list(r.task.assignees.all())) for r in rows]
    assert len(rows) == 34


# --- property: the outline of any tree ---------------------------------------------------------------------


@st.composite
def trees(draw):
    """Random forests of unsaved tasks: each task's parent is an earlier task or none; positions may clash."""
    n = draw(st.integers(0, 30))
    tasks = []
    for i in range(n):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        t = Task(id=i + 1, parent_id=None if parent is None else parent + 1, name=f"T{i + 1}",
                 position=draw(st.integers(0, 5)), kind=draw(st.sampled_from(["task", "phase", "milestone"])),
                 percent_complete=draw(st.integers(0, 100)),
                 estimate_hours=draw(st.one_of(st.none(), st.decimals(0, 100, places=1))))
        tasks.append(t)
    return draw(st.permutations(tasks))


@settings(max_examples=150, deadline=None)
@given(tasks=trees())
def test_outline_lists_every_task_once_with_unique_codes_children_after_parents(tasks):
    rows = build_outline(tasks)
    assert sorted(r.task.pk for r in rows) == sorted(t.pk for t in tasks)
    assert len({r.wbs for r in rows}) == len(rows)
    index = {r.task.pk: i for i, r in enumerate(rows)}
    by_pk = {r.task.pk: r for r in rows}
    for i, r in enumerate(rows):
        parent = r.task.parent_id
        if parent is None:
            assert r.depth == 0 and "." not in r.wbs
        else:
            assert index[parent] < i
            assert r.wbs.rsplit(".", 1)[0] == by_pk[parent].wbs
            assert r.depth == by_pk[parent].depth + 1
        assert 0 <= r.progress <= 100
        assert r.is_summary == bool(r.children)
    # a subtree is contiguous: everything between a row and its next non-descendant belongs to it
    for r in rows:
        inside = [x for x in rows if x.wbs.startswith(r.wbs + ".")]
        start = index[r.task.pk]
        assert [index[x.task.pk] for x in inside] == list(range(start + 1, start + 1 + len(inside)))


def test_task_list_puts_top_level_tasks_first_on_every_database(org):
    from portfolium.projects.selectors import task_list

    names = [t.name for t in task_list(user=org.vera, project_id=org.apollo.pk)]
    assert names == ["Design", "Design signed off", "Wireframes", "Visual design"]
    assert list(task_list(user=org.olga, project_id=org.apollo.pk)) == []


def test_the_project_team_is_its_members_direct_and_through_teams_plus_task_holders(org, django_assert_max_num_queries):
    from portfolium.accounts.models import Role
    from portfolium.projects.selectors import project_team
    from tests.factories import TeamFactory, UserFactory, grant

    designer = UserFactory(username="dina")
    squad = TeamFactory(name="Design squad")
    squad.members.add(designer)
    from portfolium.accounts.models import Membership

    Membership.objects.create(team=squad, program=org.program, role=Role.CONTRIBUTOR)
    stranger = UserFactory(username="sam")
    grant(stranger, Role.VIEWER, project=org.zeus)
    with django_assert_max_num_queries(6):
        team = {u.username for u in project_team(project=org.apollo)}
    # mark and cora hold roles on APOLLO; dina through her team on the program; paula and vera hold portfolio
    # roles only (governance), sam works on another project.
    assert team == {"mark", "cora", "dina"}
