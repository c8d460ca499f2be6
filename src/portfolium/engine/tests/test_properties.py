"""Invariants of the scheduler over random networks (hypothesis): every link holds when checked in wall time
through the calendars, float is never negative on a plan without deadlines or hard constraints, more links
never finish sooner, and late dates never come before early ones while float is not negative.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolium.engine.calendars import ELAPSED, STANDARD, Calendar, WorkClock, WorkingTime, to_minutes
from portfolium.engine.cpm import schedule
from portfolium.engine.network import (
    ConstraintType,
    LagCalendar,
    LagUnit,
    Link,
    LinkType,
    Plan,
    Schedule,
    Task,
)

START = datetime(2026, 1, 5, 8)
NIGHTS = Calendar("nights", week=((WorkingTime(0, 6 * 60), WorkingTime(22 * 60, 1440)),) * 5 + ((), ()))
ROUND_THE_CLOCK = Calendar("24h", week=ELAPSED.week)
CALENDARS = (STANDARD, NIGHTS, ROUND_THE_CLOCK)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def plans(draw: st.DrawFn, *, calendars: bool = True, summaries: bool = True, soft: bool = True) -> Plan:
    """An acyclic plan: links go from an earlier task to a later one that is not its descendant, and a
    summary's link leaves only after its last descendant (so summaries cannot close a loop either)."""
    n = draw(st.integers(1, 14))
    summary_ids: set[int] = set()
    parent: list[int | None] = []
    for i in range(n):
        candidates = sorted(summary_ids)
        p = draw(st.sampled_from([None, *candidates])) if summaries and candidates else None
        parent.append(p)
        if summaries and i < n - 1 and draw(st.integers(0, 4)) == 0:
            summary_ids.add(i)
    summary_ids = {s for s in summary_ids if s in parent}  # a summary needs a child
    last = list(range(n))  # the last index among each task and its descendants
    for i in range(n - 1, -1, -1):
        if parent[i] is not None:
            p = parent[i]
            assert p is not None
            last[p] = max(last[p], last[i])
    ancestors: list[set[int]] = []
    for i in range(n):
        chain, p = set(), parent[i]
        while p is not None:
            chain.add(p)
            p = parent[p]
        ancestors.append(chain)
    tasks = []
    for i in range(n):
        constraint, date = ConstraintType.ASAP, None
        if soft and draw(st.integers(0, 5)) == 0:
            constraint = draw(st.sampled_from([ConstraintType.SNET, ConstraintType.FNET]))
            date = datetime(
                2026, 1, draw(st.integers(4, 20)), draw(st.integers(0, 23)), draw(st.integers(0, 59))
            )
        tasks.append(
            Task(
                f"t{i}",
                duration=draw(st.sampled_from([0, 0, 30, 240, 480, 600, 960, 2400])),
                parent=None if parent[i] is None else f"t{parent[i]}",
                calendar=draw(st.sampled_from([None, "nights", "24h"])) if calendars else None,
                constraint=constraint,
                constraint_date=date,
            )
        )
    pairs = [(i, j) for i in range(n) for j in range(n) if last[i] < j and i not in ancestors[j]]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3 * n)) if pairs else []
    links = []
    for i, j in chosen:
        unit = draw(st.sampled_from([LagUnit.WORKING, LagUnit.WORKING, LagUnit.ELAPSED, LagUnit.PERCENT]))
        lag = draw(st.sampled_from([0, 0, 60, -60, 480, -480, 1500, -2000]))
        if unit == LagUnit.PERCENT:
            lag = draw(st.sampled_from([0, 25, 50, -50, 100, 150]))
        links.append(Link(f"t{i}", f"t{j}", draw(st.sampled_from(list(LinkType))), lag, unit))
    lag_calendar = draw(st.sampled_from(list(LagCalendar)))
    return Plan(
        start=START, tasks=tuple(tasks), links=tuple(links), calendars=CALENDARS, lag_calendar=lag_calendar
    )


def clock_of(result: Schedule, plan: Plan, task: Task) -> WorkClock:
    return result.clocks[task.calendar or plan.calendar]


def link_bound(result: Schedule, plan: Plan, link: Link, leaf: str) -> tuple[int, int, WorkClock, bool]:
    """The wall moment a link asks of its successor's leaf (recomputed here from the reported wall dates),
    the leaf's reported moment, the leaf's clock, and whether the target is a start. A working lag is
    measured on the project's calendar or on the link's own successor's (a summary's, for a link into one)."""
    tasks = {t.id: t for t in plan.tasks}
    pred, succ = result.task(link.predecessor), result.task(leaf)
    src_fin = link.type in (LinkType.FS, LinkType.FF)
    source = to_minutes(pred.early_finish if src_fin else pred.early_start)
    lag = link.lag
    if link.lag_unit == LagUnit.PERCENT:
        lag = int(link.lag * tasks[link.predecessor].duration / 100)
    if lag and link.lag_unit == LagUnit.ELAPSED:
        source += lag
    elif lag:
        lag_task = tasks[link.successor] if plan.lag_calendar == LagCalendar.SUCCESSOR else None
        lag_clock = result.clocks[(lag_task.calendar if lag_task else None) or plan.calendar]
        source = lag_clock.add(source, lag)  # a lag ends at the end of a working minute, a lead begins one
    tgt_start = link.type in (LinkType.FS, LinkType.SS)
    target = to_minutes(succ.early_start if tgt_start else succ.early_finish)
    return source, target, clock_of(result, plan, tasks[leaf]), tgt_start


def leaves_under(plan: Plan, task_id: str) -> list[str]:
    kids = [t.id for t in plan.tasks if t.parent == task_id]
    if not kids:
        return [task_id]
    return [leaf for kid in kids for leaf in leaves_under(plan, kid)]


@SETTINGS
@given(plans())
def test_no_link_is_ever_violated_when_checked_in_wall_time(plan: Plan) -> None:
    result = schedule(plan)
    summaries = {t.parent for t in plan.tasks if t.parent}
    for link in plan.links:
        # A link into a summary binds each of its leaves; a link out of one starts from its rolled-up dates.
        for leaf in leaves_under(plan, link.successor) if link.successor in summaries else [link.successor]:
            source, target, clock, tgt_start = link_bound(result, plan, link, leaf)
            assert clock.to_work(target) >= clock.to_work(source), (link, leaf)
            if tgt_start:
                assert target >= source or clock.to_work(target) == clock.to_work(source), (link, leaf)
    # Only a constraint dated before the plan start lets a task (and its summaries) start before it.
    early = {t.id for t in plan.tasks if t.constraint_date is not None and t.constraint_date < plan.start}
    parents = {t.id: t.parent for t in plan.tasks}
    for task_id in list(early):
        while (task_id := parents[task_id]) is not None:  # type: ignore[assignment]
            early.add(task_id)
    start = to_minutes(plan.start)
    assert all(to_minutes(row.early_start) >= start for row in result.rows() if row.id not in early)


@SETTINGS
@given(plans())
def test_total_float_is_never_negative_without_deadlines_or_hard_constraints(plan: Plan) -> None:
    result = schedule(plan)
    assert min(result.total_float) >= 0


@SETTINGS
@given(plans(), st.data())
def test_adding_a_link_never_finishes_the_project_sooner(plan: Plan, data: st.DataObject) -> None:
    ids = [t.id for t in plan.tasks if t.id not in {x.parent for x in plan.tasks}]
    if len(ids) < 2:
        return
    i, j = sorted(data.draw(st.lists(st.sampled_from(range(len(ids))), min_size=2, max_size=2, unique=True)))
    if any(link.predecessor == ids[i] and link.successor == ids[j] for link in plan.links):
        return
    kind = data.draw(st.sampled_from(list(LinkType)))
    lag = data.draw(st.sampled_from([0, 120, -120, 960]))
    before = schedule(plan)
    # Leaves in plan order keep the generator's rule (earlier to later, never into an ancestor).
    after = schedule(replace(plan, links=(*plan.links, Link(ids[i], ids[j], kind, lag))))
    assert after.project_finish >= before.project_finish
    assert all(a >= b for a, b in zip(after.early_start, before.early_start, strict=True))


@SETTINGS
@given(plans(), st.data())
def test_late_dates_are_never_before_early_dates_while_float_is_not_negative(
    plan: Plan, data: st.DataObject
) -> None:
    # Add deadlines and hard constraints: some tasks go negative, the others must stay consistent.
    tasks = list(plan.tasks)
    for k, task in enumerate(tasks):
        pick = data.draw(st.integers(0, 6))
        moment = datetime(2026, 1, data.draw(st.integers(5, 25)), data.draw(st.sampled_from([8, 12, 17])))
        if pick == 0:
            tasks[k] = replace(task, deadline=moment)
        elif pick == 1:
            tasks[k] = replace(task, constraint=ConstraintType.SNLT, constraint_date=moment)
        elif pick == 2:
            tasks[k] = replace(task, constraint=ConstraintType.FNLT, constraint_date=moment)
    result = schedule(replace(plan, tasks=tuple(tasks)))
    for row in result.rows():
        if row.total_float >= 0:
            assert row.late_start >= row.early_start, row
            assert row.late_finish >= row.early_finish, row
        assert row.critical == (row.total_float <= 0)
        assert 0 <= row.free_float <= max(row.total_float, 0)


@SETTINGS
@given(plans(calendars=False, summaries=False, soft=False))
def test_on_one_calendar_the_critical_chain_ends_at_the_project_finish(plan: Plan) -> None:
    result = schedule(plan)
    finishes = [to_minutes(row.early_finish) for row in result.rows()]
    assert result.project_finish == max(finishes)
    assert any(
        row.critical and to_minutes(row.early_finish) == result.project_finish for row in result.rows()
    )


@SETTINGS
@given(plans())
def test_the_order_of_the_tasks_in_the_plan_does_not_change_the_schedule(plan: Plan) -> None:
    # Reversed, children come before their summaries and links run backward: the scheduler cannot take
    # the plan's own order as its topological order and falls back to Kahn's algorithm.
    forward, backward = schedule(plan), schedule(replace(plan, tasks=plan.tasks[::-1]))
    for task in plan.tasks:
        assert forward.task(task.id) == backward.task(task.id)
