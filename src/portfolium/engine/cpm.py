"""The critical path method with Microsoft Project's semantics: four link types with working, elapsed and
percent lags, constraints, deadlines, summaries, progress and calendars, computed in integer working minutes.

>>> from datetime import datetime
>>> from portfolium.engine.network import Link, LinkType, Plan, Task
>>> plan = Plan(start=datetime(2026, 1, 5, 8), tasks=(Task("a", "Design", 480), Task("b", "Build", 960),
...             Task("m", "Done")), links=(Link("a", "b"), Link("b", "m")))
>>> result = schedule(plan)
>>> result.task("b").start, result.task("m").finish, result.critical_path
(datetime.datetime(2026, 1, 6, 8, 0), datetime.datetime(2026, 1, 7, 17, 0), ['a', 'b', 'm'])

How it works. Every task gets two slots, start and finish, in working minutes of its own calendar's
:class:`~portfolium.engine.calendars.WorkClock` (all clocks share the plan start as origin). A link is the
inequality ``succ.slot >= pred.slot + lag``; when predecessor, successor and lag share one clock the lag is a
constant and the forward pass is a max-plus sweep over flat lists in topological order (Kahn's algorithm on
integer indices), the backward pass the mirrored min-plus sweep. Links across calendars, and elapsed lags,
go through wall time with exact inverses so that float stays consistent. A summary task is two extra nodes:
an *entry* that gathers the links into the summary and passes them down to every child, and the summary's
own node, which rolls its children's dates up and feeds the links out of the summary.
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from dataclasses import dataclass
from itertools import compress, repeat
from operator import add, and_, attrgetter, eq, gt, mul, not_, rshift, sub
from typing import cast

from portfolium.engine.calendars import ELAPSED, Calendar, WorkClock, to_minutes
from portfolium.engine.errors import CycleError, PlanError
from portfolium.engine.network import (
    DATED_CONSTRAINTS,
    ConstraintType,
    LagCalendar,
    LagUnit,
    LinkType,
    Plan,
    Schedule,
    Task,
    TaskSchedule,
)

__all__ = ["CycleError", "PlanError", "schedule", "schedule_rows"]

INF = 1 << 60
_HALF = INF >> 1
_FINISH_SOURCE = frozenset({LinkType.FS, LinkType.FF})
_FINISH_TARGET = frozenset({LinkType.FF, LinkType.SF})
_TASK, _ENTRY, _SUMMARY = 0, 1, 2  # node kinds
_DATED_FLOORS = frozenset({ConstraintType.SNET, ConstraintType.FNET, ConstraintType.MSO, ConstraintType.MFO})


@dataclass(frozen=True, slots=True)
class _Cross:
    """A link that cannot be a constant offset: different calendars on its ends, or an elapsed lag."""

    src_fin: bool
    pred: WorkClock
    succ: WorkClock
    lag_clock: WorkClock | None  # None: elapsed lag
    lag: int

    def forward(self, v: int, end_form: bool | None = None) -> int:
        """The successor-clock working minute that source value ``v`` (predecessor clock) plus lag reaches.
        ``end_form`` says where a zero-duration predecessor sits (its start and finish slots coincide)."""
        if v <= -_HALF:
            return -INF
        fin = self.src_fin if end_form is None else end_form
        t = self.pred.from_work_finish(v) if fin else self.pred.from_work_start(v)
        if self.lag:
            clock = self.lag_clock
            if clock is None:
                t += self.lag
            else:
                # WorkClock.add: a lead lands at the beginning of a working minute, a lag at the end of one.
                a = clock.to_work(t) + self.lag
                t = clock.from_work_finish(a) if self.lag > 0 else clock.from_work_start(a)
        return self.succ.to_work(t)

    def backward(self, u: int, end_form: bool | None = None) -> int:
        """The largest source value ``v`` with ``forward(v) <= u``: the exact inverse of :meth:`forward`."""
        if u >= _HALF:
            return INF
        fin = self.src_fin if end_form is None else end_form
        t = self.succ.from_work_start(u)
        if self.lag:
            clock = self.lag_clock
            if clock is None:
                t -= self.lag
            else:
                a = (clock.to_work(t) if self.lag > 0 else clock.floor_start(t)) - self.lag
                t = clock.from_work_start(a)
        return self.pred.to_work(t) if fin else self.pred.floor_start(t)


def _csr(n_nodes: int, keys: list[int], *columns: list[int]) -> tuple[list[int], tuple[list[int], ...]]:
    """Group ``columns`` by ``keys`` (node numbers): returns the row pointers and the regrouped columns."""
    perm = sorted(range(len(keys)), key=keys.__getitem__)
    ordered = list(map(keys.__getitem__, perm))
    ptr = list(map(bisect_left, repeat(ordered), range(n_nodes + 1)))
    return ptr, tuple(list(map(column.__getitem__, perm)) for column in columns)


def _label(task: Task) -> str:
    return f"{task.name!r} ({task.id})" if task.name else repr(task.id)


def schedule_rows(plan: Plan) -> list[TaskSchedule]:
    """:func:`schedule` as one :class:`TaskSchedule` per task, in the plan's order."""
    return list(schedule(plan).rows())


def schedule(plan: Plan) -> Schedule:
    """Schedule ``plan`` forward from ``plan.start`` and backward from its finish (or deadline).

    Raises :class:`PlanError` for malformed input (the message names the task, link or field) and
    :class:`CycleError` when links, or links between a summary and its own descendants, form a loop.
    """
    # The run allocates a few lists per task and no reference cycles; the cyclic collector would rescan
    # the whole plan every few thousand allocations, so it sleeps meanwhile (linear time at 1M tasks).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Scheduler(plan).run()
    finally:
        if enabled:
            gc.enable()


class _Scheduler:
    """One scheduling run. The hot loops live in :meth:`_forward` and :meth:`_backward` and touch only flat
    lists of integers indexed by node: tasks are nodes ``0..n-1`` (a summary's own node rolls its children
    up), summary entries follow."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.tasks = plan.tasks
        self.origin = to_minutes(plan.start)
        self.calendars: dict[str, Calendar] = {}
        for calendar in plan.calendars:
            self.calendars.setdefault(calendar.id, calendar)
        if plan.calendar not in self.calendars:
            raise PlanError(f"Plan calendar {plan.calendar!r} is not among the plan's calendars")
        self.clocks: dict[str, WorkClock] = {}
        self.points: dict[int, bool] = {}
        self.depth: dict[int, int] = {}
        self.wall_clock: WorkClock | None = None
        self.project_clock = self._clock(plan.calendar, "the plan")

    def _clock(self, calendar_id: str, owner: str) -> WorkClock:
        clock = self.clocks.get(calendar_id)
        if clock is None:
            calendar = self.calendars.get(calendar_id)
            if calendar is None:
                raise PlanError(f"{owner}: unknown calendar {calendar_id!r}")
            clock = self.clocks[calendar_id] = WorkClock(calendar, self.origin)
        return clock

    # -- structure --------------------------------------------------------------------------------------------

    def _structure(self) -> None:
        tasks = self.tasks
        n = len(tasks)
        index: dict[str, int] = {}
        for i, task in enumerate(tasks):
            if index.setdefault(task.id, i) != i:
                raise PlanError(f"Task id {task.id!r} appears twice")
        self.index = index
        parent = [-1] * n
        children: dict[int, list[int]] = {}
        for i, task in enumerate(tasks):
            if task.parent is not None:
                p = index.get(task.parent)
                if p is None:
                    raise PlanError(f"Task {_label(task)}: unknown parent task {task.parent!r}")
                parent[i] = p
                children.setdefault(p, []).append(i)
        self.parent = parent
        self.children = children
        self._check_parent_loops()
        # Summary entries are numbered after the tasks.
        self.entry: dict[int, int] = {}
        for k, s in enumerate(sorted(children)):
            self.entry[s] = n + k
        self.n_nodes = n + len(children)
        self.summary_of = {e: s for s, e in self.entry.items()}
        self.kind = [_TASK] * self.n_nodes
        for s in children:
            self.kind[s] = _SUMMARY
        for e in self.summary_of:
            self.kind[e] = _ENTRY

    def _check_parent_loops(self) -> None:
        state = [0] * len(self.tasks)  # 0 unseen, 1 on the current chain, 2 done
        for i in range(len(self.tasks)):
            chain: list[int] = []
            j = i
            while j >= 0 and state[j] == 0:
                state[j] = 1
                chain.append(j)
                j = self.parent[j]
            if j >= 0 and state[j] == 1:
                loop = chain[chain.index(j) :][::-1]
                raise CycleError(
                    [self.tasks[k].id for k in loop], [self.tasks[k].name for k in loop], what="Summary tasks"
                )
            for k in chain:
                state[k] = 2

    # -- tasks: calendars, durations, constraints, progress --------------------------------------------------

    def _tasks(self) -> None:
        plan = self.plan
        tasks = self.tasks
        n = len(tasks)
        n_nodes = self.n_nodes
        project_clock = self.project_clock
        children = self.children
        self.task_clock: list[WorkClock] = [project_clock] * n
        self.node_clock: list[WorkClock] = [project_clock] * n_nodes
        dur = [0] * n_nodes
        lo = [0] * n_nodes  # forward: start floor (two-bound nodes: the start bound's floor)
        hi = [INF] * n_nodes  # forward: start cap
        cap = [INF] * n_nodes  # backward: late finish cap (before the project's finish is known)
        self.lo2: dict[int, int] = {}  # two-bound entries: the finish bound's floor
        self.pinned_wall: dict[int, tuple[int | None, int | None]] = {}
        self.alap: list[int] = []
        status = to_minutes(plan.status_date) if plan.status_date is not None else None
        asap = ConstraintType.ASAP
        for i, task in enumerate(tasks):
            clock = project_clock
            if task.calendar is not None and task.calendar != plan.calendar:
                clock = self._clock(task.calendar, f"Task {_label(task)}")
                self.task_clock[i] = clock
                self.node_clock[i] = clock
            d = task.duration
            if d < 0:
                raise PlanError(f"Task {_label(task)}: duration must not be negative (got {d})")
            constraint = task.constraint
            if constraint is not asap and constraint in DATED_CONSTRAINTS and task.constraint_date is None:
                raise PlanError(f"Task {_label(task)}: constraint {constraint.value} needs a constraint date")
            if i in children:  # dates, clock and constraints come from the children: see below
                continue
            if (
                task.actual_start is not None
                or task.actual_finish is not None
                or task.manual_start is not None
                or task.manual_finish is not None
            ):
                d = self._pin(i, task, clock, status, lo, hi)
            elif constraint is not asap:
                if constraint == ConstraintType.ALAP:
                    self.alap.append(i)
                elif task.constraint_date is not None:
                    w = clock.to_work(to_minutes(task.constraint_date))
                    if constraint == ConstraintType.SNET:
                        lo[i] = max(lo[i], w)
                    elif constraint == ConstraintType.FNET:
                        lo[i] = max(lo[i], w - d)
                    elif constraint == ConstraintType.SNLT:
                        hi[i] = w
                        cap[i] = w + d
                    elif constraint == ConstraintType.FNLT:
                        hi[i] = w - d
                        cap[i] = w
                    elif constraint == ConstraintType.MSO:
                        lo[i] = hi[i] = w
                        cap[i] = w + d
                    elif constraint == ConstraintType.MFO:
                        lo[i] = hi[i] = w - d
                        cap[i] = w
            if d < 0:
                raise PlanError(f"Task {_label(task)}: remaining duration must not be negative")
            if task.deadline is not None:
                cap[i] = min(cap[i], clock.to_work(to_minutes(task.deadline)))
            dur[i] = d
        self.dur, self.lo, self.hi, self.cap = dur, lo, hi, cap
        self._summaries()

    def _summaries(self) -> None:
        """A summary works on its children's clock when they share one, else on a clock where every minute
        counts (so that rolled-up dates stay exact); only SNET/FNET and a deadline apply to a summary."""
        children = self.children
        self.declared_clock = list(self.task_clock)
        if not children:
            return
        depth = self.depth
        for s in children:
            d, p = 0, self.parent[s]
            while p >= 0:
                d, p = d + 1, self.parent[p]
            depth[s] = d
        leaf_clocks: dict[int, set[int]] = {}
        by_id: dict[int, WorkClock] = {}
        for s in sorted(children, key=depth.__getitem__, reverse=True):
            found: set[int] = set()
            for c in children[s]:
                if c in children:
                    found |= leaf_clocks[c]
                else:
                    found.add(id(self.task_clock[c]))
                    by_id[id(self.task_clock[c])] = self.task_clock[c]
            leaf_clocks[s] = found
            if len(found) == 1:
                clock = by_id[next(iter(found))]
            else:
                if self.wall_clock is None:
                    self.wall_clock = WorkClock(ELAPSED, self.origin)
                clock = self.wall_clock
            e = self.entry[s]
            self.task_clock[s] = self.node_clock[s] = self.node_clock[e] = clock
            self.lo[e] = -INF
            self.lo2[e] = -INF
            task = self.tasks[s]
            if task.constraint_date is not None:
                w = clock.to_work(to_minutes(task.constraint_date))
                if task.constraint == ConstraintType.SNET:
                    self.lo[e] = w
                elif task.constraint == ConstraintType.FNET:
                    self.lo2[e] = w
            if task.deadline is not None:
                self.cap[s] = clock.to_work(to_minutes(task.deadline))

    def _pin(
        self, i: int, task: Task, clock: WorkClock, status: int | None, lo: list[int], hi: list[int]
    ) -> int:
        """Pin a task that has started, finished or is manually scheduled; return its effective duration."""
        d = task.duration
        start_at = task.actual_start or task.manual_start
        finish_at = task.actual_finish or task.manual_finish
        start_wall = to_minutes(start_at) if start_at is not None else None
        finish_wall = to_minutes(finish_at) if finish_at is not None else None
        if start_wall is not None:
            es = clock.to_work(start_wall)
            if finish_wall is not None:
                ef = max(es, clock.to_work(finish_wall))
            elif task.actual_start is not None and task.remaining_duration is not None:
                if task.remaining_duration < 0:
                    raise PlanError(f"Task {_label(task)}: remaining duration must not be negative")
                ref = es if status is None else max(es, clock.to_work(status))
                ef = ref + task.remaining_duration
            else:
                ef = es + d
        else:
            assert finish_wall is not None
            ef = clock.to_work(finish_wall)
            es = ef - d
        lo[i] = hi[i] = es
        self.pinned_wall[i] = (start_wall, finish_wall)
        return ef - es

    # -- links ------------------------------------------------------------------------------------------------

    def _links(self) -> None:
        tasks = self.tasks
        n = len(tasks)
        index = self.index
        entry = self.entry
        children = self.children
        dur = self.dur
        node_clock = self.node_clock
        project_clock = self.project_clock
        links = self.plan.links
        m = len(links)
        entry_nodes = set(entry.values())
        two_bound_back = entry_nodes | set(children)
        self.entry_nodes = entry_nodes
        self.two_bound_back = two_bound_back

        # Columns, one entry per link, built by C-level maps: a million links must not cost a million
        # Python-level iterations more than the passes themselves.
        P = list(map(index.get, map(attrgetter("predecessor"), links)))
        S = list(map(index.get, map(attrgetter("successor"), links)))
        if None in P or None in S:
            self._unknown_task()
        p_col = cast(list[int], P)
        s_col = cast(list[int], S)
        if any(map(eq, p_col, s_col)):
            k = next(k for k in range(m) if p_col[k] == s_col[k])
            raise CycleError([tasks[p_col[k]].id], [tasks[p_col[k]].name])
        if len(set(map(add, map(mul, p_col, repeat(n)), s_col))) < m:
            self._duplicate_link()
        kinds = list(map(attrgetter("type"), links))
        src_fin = list(map(_FINISH_SOURCE.__contains__, kinds))
        tgt_fin = list(map(_FINISH_TARGET.__contains__, kinds))
        lags = list(map(attrgetter("lag"), links))
        units = list(map(attrgetter("lag_unit"), links))
        if LagUnit.PERCENT in units:
            for k in range(m):
                if units[k] == LagUnit.PERCENT:
                    p = p_col[k]
                    lags[k] = int(lags[k] * (tasks[p].duration if p in children else dur[p]) / 100)
        src_slot = list(map(add, map(mul, p_col, repeat(2)), src_fin))
        tgt_slot = list(map(add, map(mul, s_col, repeat(2)), tgt_fin))  # for free float: the task's own slot

        # Which links are plain (one clock on both ends and for the lag, leaf to leaf)?
        simple_all = (
            not children
            and all(clock is project_clock for clock in node_clock)
            and (
                LagUnit.ELAPSED not in units
                or not any(g for u, g in zip(units, lags, strict=True) if u == LagUnit.ELAPSED)
            )
        )
        plain = [True] * m if simple_all else self._plain_mask(p_col, s_col, units, lags)

        # Forward CSR over leaf successors, backward CSR over leaf predecessors (offsets folded with durations).
        if simple_all:
            f_dst, f_src, f_fin, f_lag, b_src, b_sfin = s_col, src_slot, tgt_fin, lags, p_col, src_fin
        else:
            f_dst = list(compress(s_col, plain))
            f_src = list(compress(src_slot, plain))
            f_fin = list(compress(tgt_fin, plain))
            f_lag = list(compress(lags, plain))
            b_src = list(compress(p_col, plain))
            b_sfin = list(compress(src_fin, plain))
        f_off = list(map(sub, f_lag, map(mul, map(dur.__getitem__, f_dst), f_fin)))
        b_dst = list(map(add, map(mul, f_dst, repeat(2)), f_fin))
        b_off = list(map(sub, map(mul, map(dur.__getitem__, b_src), map(not_, b_sfin)), f_lag))
        g_src = list(p_col) if children else p_col
        g_dst = list(map(entry.get, s_col, s_col)) if children else s_col

        fsrc: dict[int, tuple[list[int], list[int]]] = {}  # entries: start-target links
        fsrc2: dict[int, tuple[list[int], list[int]]] = {}  # entries: finish-target links
        fcross: dict[int, list[tuple[int, bool, _Cross]]] = {}
        bdst: dict[int, tuple[list[int], list[int]]] = {}  # two-bound nodes: finish-source links
        bdst2: dict[int, tuple[list[int], list[int]]] = {}  # two-bound nodes: start-source links
        bcross: dict[int, list[tuple[int, bool, _Cross]]] = {}

        def pair(table: dict[int, tuple[list[int], list[int]]], node: int, slot: int, off: int) -> None:
            lists = table.get(node)
            if lists is None:
                lists = table[node] = ([], [])
            lists[0].append(slot)
            lists[1].append(off)

        def edge(src: int, sfin: bool, dst: int, tfin: bool, lag: int, cross: _Cross | None) -> None:
            s_slot = 2 * src + sfin
            d_slot = 2 * dst + tfin
            if cross is not None:
                fcross.setdefault(dst, []).append((s_slot, tfin, cross))
                bcross.setdefault(src, []).append((d_slot, sfin, cross))
                return
            if dst not in entry_nodes:
                f_dst.append(dst)
                f_src.append(s_slot)
                f_off.append(lag - dur[dst] if tfin else lag)
            else:
                pair(fsrc2 if tfin else fsrc, dst, s_slot, lag)
            if src not in two_bound_back:
                b_src.append(src)
                b_dst.append(d_slot)
                b_off.append(-lag if sfin else dur[src] - lag)
            else:
                pair(bdst if sfin else bdst2, src, d_slot, -lag)

        crosses: dict[int, _Cross] = {}
        if not simple_all:
            by_successor = self.plan.lag_calendar == LagCalendar.SUCCESSOR
            declared = self.declared_clock  # a summary's lag calendar is its own, not its children's
            for k in range(m):
                if plain[k]:
                    continue
                p, s = p_col[k], s_col[k]
                dst = entry.get(s, s)
                pc, sc = node_clock[p], node_clock[dst]
                lc: WorkClock | None = (
                    None if units[k] == LagUnit.ELAPSED else declared[s] if by_successor else project_clock
                )
                lag = lags[k]
                cross = (
                    _Cross(src_fin[k], pc, sc, lc, lag) if pc is not sc or (lag and lc is not pc) else None
                )
                if cross is not None:
                    crosses[k] = cross
                edge(p, src_fin[k], dst, tgt_fin[k], lag, cross)
        # A summary's entry passes its bounds down to each child; each child rolls up into the summary.
        up_start: dict[int, list[tuple[int, _Cross | None]]] = {}
        self.up_start = up_start
        # Only summaries that links (or SNET/FNET, a deadline) reach, or whose ancestors they reach, need
        # the edges down to their children or up from them; the roll-up itself is a loop over children.
        into = {s for s in s_col if s in children} if children else set()
        into |= {s for s in children if self.lo[entry[s]] > -INF or self.lo2[entry[s]] > -INF}
        out_of = {p for p in p_col if p in children} if children else set()
        out_of |= {s for s in children if self.cap[s] < INF}
        active_in: dict[int, bool] = {}
        active_out: dict[int, bool] = {}
        for s in sorted(children, key=self.depth.__getitem__):
            parent = self.parent[s]
            active_in[s] = s in into or (parent >= 0 and active_in[parent])
            active_out[s] = s in out_of or (parent >= 0 and active_out[parent])
        for s, kids in children.items():
            e = entry[s]
            sc = node_clock[e]
            g_src.extend(kids)
            g_dst.extend(repeat(s, len(kids)))
            down, up = active_in[s], active_out[s]
            if not down and not up:
                continue
            for c in kids:
                dst = entry.get(c, c)
                cc = node_clock[dst]
                same = cc is sc
                if down:
                    edge(e, False, dst, False, 0, None if same else _Cross(False, sc, cc, None, 0))
                    edge(e, True, dst, True, 0, None if same else _Cross(True, sc, cc, None, 0))
                    g_src.append(e)
                    g_dst.append(dst)
                if not up:
                    continue
                # up: backward only (the forward roll-up is a min/max over the children). A link out of a
                # summary's finish binds every child's late finish; one out of its start (the earliest
                # child's) lets each child slip only as far as the summary's start may: see _backward.
                up_start.setdefault(c, []).append((s, None if same else _Cross(False, cc, sc, None, 0)))
                if not same:
                    bcross.setdefault(c, []).append((2 * s + 1, True, _Cross(True, cc, sc, None, 0)))
                elif c in two_bound_back:
                    pair(bdst, c, 2 * s + 1, 0)
                else:
                    b_src.append(c)
                    b_dst.append(2 * s + 1)
                    b_off.append(0)

        n_nodes = self.n_nodes
        self.f_ptr, (self.f_src, self.f_off) = _csr(n_nodes, f_dst, f_src, f_off)
        self.b_ptr, (self.b_dst, self.b_off) = _csr(n_nodes, b_src, b_dst, b_off)
        if simple_all:  # the order graph is the links' graph: reuse the backward CSR
            self.g_ptr, self.g_dst = self.b_ptr, list(map(rshift, self.b_dst, repeat(1)))
        else:
            self.g_ptr, (self.g_dst,) = _csr(n_nodes, g_src, g_dst)
        self.simple_all = simple_all
        self.fsrc, self.fsrc2, self.fcross = fsrc, fsrc2, fcross
        self.bdst, self.bdst2, self.bcross = bdst, bdst2, bcross
        # For free float: every link's source slot, target slot (the successor task's own) and lag.
        self.rec_task = p_col
        self.rec_src = src_slot
        self.rec_tgt = tgt_slot
        self.rec_lag = lags
        self.rec_cross = crosses

    def _plain_mask(
        self, p_col: list[int], s_col: list[int], units: list[LagUnit], lags: list[int]
    ) -> list[bool]:
        """Which links are constant offsets: leaf to leaf on one clock, and a lag on that clock too."""
        children = self.children
        node_clock = self.node_clock
        project_clock = self.project_clock
        is_leaf = [True] * len(self.tasks)
        for s in children:
            is_leaf[s] = False
        mask = list(map(and_, map(is_leaf.__getitem__, p_col), map(is_leaf.__getitem__, s_col)))
        one_clock = all(
            clock is project_clock for clock, leaf in zip(node_clock, is_leaf, strict=False) if leaf
        )
        if one_clock and (LagUnit.ELAPSED not in units):
            return mask
        by_successor = self.plan.lag_calendar == LagCalendar.SUCCESSOR
        elapsed = LagUnit.ELAPSED
        for k, (p, s, unit, lag) in enumerate(zip(p_col, s_col, units, lags, strict=True)):
            if mask[k]:
                pc = node_clock[p]
                ok = pc is node_clock[s]
                if ok and lag:
                    ok = unit != elapsed and (by_successor or pc is project_clock)
                mask[k] = ok
        return mask

    def _unknown_task(self) -> None:
        for link in self.plan.links:
            for role, task_id in (("predecessor", link.predecessor), ("successor", link.successor)):
                if task_id not in self.index:
                    raise PlanError(
                        f"Link {link.predecessor} → {link.successor}: unknown {role} task {task_id!r}"
                    )

    def _duplicate_link(self) -> None:
        seen: set[tuple[str, str]] = set()
        for link in self.plan.links:
            key = (link.predecessor, link.successor)
            if key in seen:
                raise PlanError(f"Link {link.predecessor} → {link.successor} appears twice")
            seen.add(key)

    # -- order ------------------------------------------------------------------------------------------------

    def _order(self) -> list[int]:
        ptr, dst = self.g_ptr, self.g_dst
        n_nodes = self.n_nodes
        indeg = [0] * n_nodes
        for t in dst:
            indeg[t] += 1
        order = [v for v in range(n_nodes) if not indeg[v]]
        append = order.append
        for v in order:  # grows while we walk it: Kahn's queue
            for t in dst[ptr[v] : ptr[v + 1]]:
                indeg[t] -= 1
                if not indeg[t]:
                    append(t)
        if len(order) < n_nodes:
            self._raise_cycle(indeg)
        return order

    def _raise_cycle(self, indeg: list[int]) -> None:
        ptr, dst = self.g_ptr, self.g_dst
        preds: dict[int, list[int]] = {}
        for v in range(self.n_nodes):
            if indeg[v]:
                for t in dst[ptr[v] : ptr[v + 1]]:
                    if indeg[t]:
                        preds.setdefault(t, []).append(v)
        v = next(v for v in range(self.n_nodes) if indeg[v])
        walk: list[int] = []
        where: dict[int, int] = {}
        while v not in where:
            where[v] = len(walk)
            walk.append(v)
            v = preds[v][0]
        loop = walk[where[v] :][::-1]  # walked against the links: turn it around
        n = len(self.tasks)
        summary_of = self.summary_of
        ids: list[int] = []
        for node in loop:
            task = node if node < n else summary_of[node]
            if not ids or ids[-1] != task:
                ids.append(task)
        while len(ids) > 1 and ids[0] == ids[-1]:
            ids.pop()
        # Start the message at the first task of the plan that is on the loop.
        first = ids.index(min(ids))
        ids = ids[first:] + ids[:first]
        raise CycleError([self.tasks[i].id for i in ids], [self.tasks[i].name for i in ids])

    # -- passes -----------------------------------------------------------------------------------------------

    def _forward(self, order: list[int]) -> list[int]:
        T = [0] * (2 * self.n_nodes)
        get = T.__getitem__
        ptr, srcs, offs = self.f_ptr, self.f_src, self.f_off
        fsrc, fsrc2, fcross = self.fsrc, self.fsrc2, self.fcross
        lo, hi, dur, lo2 = self.lo, self.hi, self.dur, self.lo2
        kind = self.kind
        children = self.children
        node_clock = self.node_clock
        # Where zero-duration tasks sit matters to links through wall time: track it as we go when any.
        points = self.points
        track = bool(fcross) or bool(self.bcross)
        for v in order:
            if not kind[v]:  # a task: the hot path
                es = lo[v]
                a = ptr[v]
                b = ptr[v + 1]
                if a != b:
                    m = max(map(add, map(get, srcs[a:b]), offs[a:b]))
                    if m > es:
                        es = m
                if v in fcross:
                    d = dur[v]
                    for src_slot, tgt_fin, cross in fcross[v]:
                        m = cross.forward(T[src_slot], points.get(src_slot >> 1)) - (d if tgt_fin else 0)
                        if m > es:
                            es = m
                h = hi[v]
                if es > h:
                    es = h
                T[2 * v] = es
                T[2 * v + 1] = es + dur[v]
                if track and not dur[v]:
                    points[v] = self._point_form(v, T, points)
            elif kind[v] == _ENTRY:  # the links into a summary: a start bound and a finish bound
                start_bound = lo[v]
                if v in fsrc:
                    s1, o1 = fsrc[v]
                    start_bound = max(start_bound, max(map(add, map(get, s1), o1)))
                finish_bound = lo2[v]
                if v in fsrc2:
                    s2, o2 = fsrc2[v]
                    finish_bound = max(finish_bound, max(map(add, map(get, s2), o2)))
                for src_slot, tgt_fin, cross in fcross.get(v, ()):
                    if tgt_fin:
                        finish_bound = max(
                            finish_bound, cross.forward(T[src_slot], points.get(src_slot >> 1))
                        )
                    else:
                        start_bound = max(start_bound, cross.forward(T[src_slot], points.get(src_slot >> 1)))
                T[2 * v] = start_bound
                T[2 * v + 1] = finish_bound
            else:  # a summary: roll its children up
                clock = node_clock[v]
                first = INF
                last = -INF
                for c in children[v]:
                    es, ef = T[2 * c], T[2 * c + 1]
                    cc = node_clock[c]
                    if cc is not clock:
                        if ef == es and not points.get(c):  # a point at the start of working time
                            es = ef = clock.to_work(cc.from_work_start(es))
                        else:
                            es = clock.to_work(
                                cc.from_work_finish(es) if ef == es else cc.from_work_start(es)
                            )
                            ef = clock.to_work(cc.from_work_finish(ef))
                    if es < first:
                        first = es
                    if ef > last:
                        last = ef
                T[2 * v] = first
                T[2 * v + 1] = last
                if track and first == last:  # a summary of points is a point too
                    points[v] = any(points.get(c, False) for c in children[v])
        return T

    def _start_slack(self, v: int, T: list[int], L: list[int]) -> int:
        """The latest start that summaries' start-to-start/finish links leave task or summary ``v``: its
        early start plus the least slack of those summaries' starts."""
        best = INF
        form = self.points.get(v)
        for s, cross in self.up_start[v]:
            slack = L[2 * s] - T[2 * s]
            if slack >= _HALF:
                continue
            if cross is None:
                bound = T[2 * v] + slack
            else:
                bound = cross.backward(cross.forward(T[2 * v], form) + slack, form)
            if bound < best:
                best = bound
        return best

    def _backward(self, order: list[int], cap: list[int], T: list[int]) -> list[int]:
        L = [0] * (2 * self.n_nodes)
        up_start = self.up_start
        get = L.__getitem__
        ptr, dsts, offs = self.b_ptr, self.b_dst, self.b_off
        bdst, bdst2, bcross = self.bdst, self.bdst2, self.bcross
        dur = self.dur
        kind = self.kind
        points = self.points
        for v in reversed(order):
            lf = cap[v]
            if not kind[v]:  # a task: the hot path
                a = ptr[v]
                b = ptr[v + 1]
                if a != b:
                    m = min(map(add, map(get, dsts[a:b]), offs[a:b]))
                    if m < lf:
                        lf = m
                d = dur[v]
                if v in bcross:
                    for dst_slot, src_fin, cross in bcross[v]:
                        m = cross.backward(L[dst_slot], points.get(v)) + (0 if src_fin else d)
                        if m < lf:
                            lf = m
                if v in up_start:
                    m = self._start_slack(v, T, L) + d
                    if m < lf:
                        lf = m
                L[2 * v] = lf - d
                L[2 * v + 1] = lf
            else:  # a summary or its entry: a late-start bound and a late-finish bound
                ls = INF
                if v in bdst:
                    d1, o1 = bdst[v]
                    lf = min(lf, min(map(add, map(get, d1), o1)))
                if v in bdst2:
                    d2, o2 = bdst2[v]
                    ls = min(map(add, map(get, d2), o2))
                for dst_slot, src_fin, cross in bcross.get(v, ()):
                    if src_fin:
                        lf = min(lf, cross.backward(L[dst_slot], points.get(v)))
                    else:
                        ls = min(ls, cross.backward(L[dst_slot], points.get(v)))
                if v in up_start:
                    ls = min(ls, self._start_slack(v, T, L))
                L[2 * v] = ls
                L[2 * v + 1] = lf
        return L

    # -- the run ----------------------------------------------------------------------------------------------

    def run(self) -> Schedule:
        self._structure()
        self._tasks()
        self._links()
        order = self._order()
        T = self._forward(order)
        return self._finish(order, T)

    def _finish(self, order: list[int], T: list[int]) -> Schedule:
        tasks = self.tasks
        n = len(tasks)
        children = self.children
        task_clock = self.task_clock
        dur = self.dur
        single = all(clock is self.project_clock for clock in task_clock)
        leaves = [i for i in range(n) if i not in children]
        points = self._point_forms(order, T)

        es_w = T[0 : 2 * n : 2]
        ef_w = T[1 : 2 * n : 2]
        early_start = self._walls(es_w, single, finish=False)
        early_finish = self._walls(ef_w, single, finish=True)
        for i, end_form in points.items():
            if i in children:
                continue
            wall = self.task_clock[i].from_work_finish(es_w[i]) if end_form else early_start[i]
            early_start[i] = early_finish[i] = wall
        for i, (start_wall, finish_wall) in self.pinned_wall.items():
            if start_wall is not None:
                early_start[i] = start_wall
            if finish_wall is not None:
                early_finish[i] = finish_wall
            if not dur[i]:
                early_start[i] = early_finish[i] = start_wall if start_wall is not None else early_finish[i]

        # The project's late finish: the latest early finish, or the plan's deadline when earlier.
        project_finish = max((early_finish[i] for i in leaves), default=self.origin)
        late_end = project_finish
        if self.plan.deadline is not None:
            late_end = min(late_end, to_minutes(self.plan.deadline))
        cap = list(self.cap)
        end_by_clock = {id(clock): clock.to_work(late_end) for clock in set(task_clock)}
        for i in leaves:
            end = end_by_clock[id(task_clock[i])]
            if end < cap[i]:
                cap[i] = end
        L = self._backward(order, cap, T)
        ls_w = L[0 : 2 * n : 2]
        lf_w = L[1 : 2 * n : 2]
        for s in children:  # a summary's own late slots are bounds, not dates: its dates roll up below
            ls_w[s] = es_w[s]
            lf_w[s] = ef_w[s]
        late_start = self._walls(ls_w, single, finish=False)
        late_finish = self._walls(lf_w, single, finish=True)
        for i, end_form in points.items():
            if i in children:
                continue
            if end_form or ls_w[i] != es_w[i]:
                late_start[i] = late_finish[i] = self.task_clock[i].from_work_finish(lf_w[i])
            else:
                late_finish[i] = late_start[i]

        self._finish_at_starts(T, early_finish, late_finish, lf_w)
        total_float = [lf_w[i] - ef_w[i] for i in range(n)]
        start = list(early_start)
        finish = list(early_finish)
        for i in self.alap:
            start[i] = late_start[i]
            finish[i] = late_finish[i]

        # Summaries: roll the reported dates and floats up, children before parents (topological order).
        for v in order:
            if v < n and v in children:
                kids = children[v]
                early_start[v] = min(early_start[c] for c in kids)
                early_finish[v] = max(early_finish[c] for c in kids)
                late_start[v] = min(late_start[c] for c in kids)
                late_finish[v] = max(late_finish[c] for c in kids)
                start[v] = min(start[c] for c in kids)
                finish[v] = max(finish[c] for c in kids)
                total_float[v] = min(total_float[c] for c in kids)
        free_float = self._free_float(T, ef_w, total_float, late_end)

        critical = [f <= 0 for f in total_float]
        summary = [i in children for i in range(n)]
        milestone = [(task.milestone or dur[i] == 0) and i not in children for i, task in enumerate(tasks)]
        return Schedule(
            ids=tuple(task.id for task in tasks),
            names=tuple(task.name for task in tasks),
            start=start,
            finish=finish,
            early_start=early_start,
            early_finish=early_finish,
            late_start=late_start,
            late_finish=late_finish,
            total_float=total_float,
            free_float=free_float,
            critical=critical,
            summary=summary,
            milestone=milestone,
            project_start=min(start, default=self.origin),
            project_finish=max(finish, default=self.origin),
            index=dict(self.index),
            clocks=dict(self.clocks),
        )

    def _finish_at_starts(
        self, T: list[int], early_finish: list[int], late_finish: list[int], lf_w: list[int]
    ) -> None:
        """A finish held by a start-to-finish link (no lag) sits where the predecessor starts, at the
        beginning of working time (Monday 08:00), as Microsoft Project writes it, not at Friday 17:00."""
        tgt, src, lags = self.rec_tgt, self.rec_src, self.rec_lag
        one = repeat(1)
        finish_from_start = map(gt, map(and_, tgt, one), map(and_, src, repeat(1)))
        children, points = self.children, self.points
        for k in compress(range(len(tgt)), finish_from_start):
            s = tgt[k] >> 1
            p = src[k] >> 1
            if k in self.rec_cross or lags[k] > 0 or s in children or not self.dur[s] or points.get(p):
                continue
            ef = T[tgt[k]]
            if ef == T[src[k]] + lags[k]:
                wall = self.task_clock[s].from_work_start(ef)
                early_finish[s] = wall
                if lf_w[s] == ef:
                    late_finish[s] = wall

    def _walls(self, values: list[int], single: bool, *, finish: bool) -> list[int]:
        if single:
            clock = self.project_clock
            return clock.from_work_finish_many(values) if finish else clock.from_work_start_many(values)
        clocks = self.node_clock
        if finish:
            return [clocks[i].from_work_finish(w) for i, w in enumerate(values)]
        return [clocks[i].from_work_start(w) for i, w in enumerate(values)]

    def _point_forms(self, order: list[int], T: list[int]) -> dict[int, bool]:
        """Zero-duration tasks: whether each sits at the end of working time (Monday 17:00, after its
        predecessor finished) rather than at the beginning of the next (Tuesday 08:00)."""
        if self.points:
            return self.points
        dur, kind = self.dur, self.kind
        points = self.points
        for v in order:
            if not dur[v] and kind[v] == _TASK:
                points[v] = self._point_form(v, T, points)
        return points

    def _point_form(self, v: int, T: list[int], points: dict[int, bool]) -> bool:
        """Whether zero-duration task ``v`` sits at the end of working time: only when everything that
        holds it there ends there (the latest wall moment wins, as in Microsoft Project)."""
        es = T[2 * v]
        if es <= 0:  # never before the project's start
            return False
        pinned = self.pinned_wall.get(v)
        if pinned is not None:
            wall = pinned[0] if pinned[0] is not None else pinned[1]
            assert wall is not None
            return not self.task_clock[v].is_working(wall)
        n = len(self.tasks)
        a, b = self.f_ptr[v], self.f_ptr[v + 1]
        sources = [(s, T[s] + o) for s, o in zip(self.f_src[a:b], self.f_off[a:b], strict=True)]
        sources += [(s, cross.forward(T[s], points.get(s >> 1))) for s, _, cross in self.fcross.get(v, ())]
        forms: list[bool] = []
        for src_slot, value in sources:
            p = src_slot >> 1
            if value != es or p >= n:
                continue
            if p in points:
                forms.append(points[p])
            else:  # the finish of something with a span ends working time; a start begins it
                forms.append(bool(src_slot & 1) and T[src_slot] > T[src_slot - 1])
        task = self.tasks[v]
        if task.constraint_date is not None and self.lo[v] == es and task.constraint in _DATED_FLOORS:
            forms.append(not self.task_clock[v].is_working(to_minutes(task.constraint_date)))
        return bool(forms) and all(forms)

    def _free_float(self, T: list[int], ef_w: list[int], total_float: list[int], late_end: int) -> list[int]:
        """Free float: how far a task can slip before it delays any successor (or the project's finish)."""
        n = len(self.tasks)
        free: list[int] = [INF] * n
        has_successor = [False] * n
        get = T.__getitem__
        if self.simple_all:  # the backward CSR, evaluated on the early dates, gives each task's slack
            ptr, dsts, offs = self.b_ptr, self.b_dst, self.b_off
            for p in range(n):
                a = ptr[p]
                b = ptr[p + 1]
                if a != b:
                    free[p] = min(map(add, map(get, dsts[a:b]), offs[a:b])) - ef_w[p]
                    has_successor[p] = True
            return self._free_clamp(free, has_successor, ef_w, total_float, late_end)
        slacks = list(map(sub, map(get, self.rec_tgt), map(add, map(get, self.rec_src), self.rec_lag)))
        for k, cross in self.rec_cross.items():
            slacks[k] = T[self.rec_tgt[k]] - cross.forward(
                T[self.rec_src[k]], self.points.get(self.rec_task[k])
            )
        for p, slack in zip(self.rec_task, slacks, strict=True):
            if slack < free[p]:
                free[p] = slack
        for p in set(self.rec_task):
            has_successor[p] = True
        return self._free_clamp(free, has_successor, ef_w, total_float, late_end)

    def _free_clamp(
        self,
        free: list[int],
        has_successor: list[bool],
        ef_w: list[int],
        total_float: list[int],
        late_end: int,
    ) -> list[int]:
        n = len(self.tasks)
        ends = {id(clock): clock.to_work(late_end) for clock in set(self.task_clock)}
        task_clock = self.task_clock
        result = [0] * n
        for i in range(n):
            f = free[i] if has_successor[i] else ends[id(task_clock[i])] - ef_w[i]
            tf = total_float[i]
            result[i] = 0 if tf < 0 or f < 0 else min(f, tf)
        return result
