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
constant and the forward pass is a max-plus sweep over flat lists in topological order (the plan's own
order when its links run forward, else Kahn's algorithm on integer indices), the backward pass the mirrored
min-plus sweep. Links across calendars, and elapsed lags, go through wall time with exact inverses so that
float stays consistent. A summary task is two extra nodes: an *entry* that gathers the links into the
summary and passes them down to every child, and the summary's own node, which rolls its children's dates
up and feeds the links out of the summary.

The run is spread over four modules: this one (entry points, tasks, order, the two passes), ``_links``
(links into edges), ``_results`` (dates, floats and the result) and ``_run`` (the state they share).
"""

from __future__ import annotations

import gc
from itertools import compress, groupby, repeat
from operator import add, attrgetter, ge, is_not, lt, mul, ne, or_

from portfolium.engine._links import _csr, _LinkBuilder
from portfolium.engine._results import _Reporter
from portfolium.engine._run import _ENTRY, _HALF, _SUMMARY, _TASK, INF, _label
from portfolium.engine.calendars import ELAPSED, WorkClock, to_minutes
from portfolium.engine.errors import CycleError, PlanError
from portfolium.engine.network import DATED_CONSTRAINTS, ConstraintType, Plan, Schedule, Task, TaskSchedule

__all__ = ["CycleError", "PlanError", "schedule", "schedule_rows"]


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


class _Scheduler(_LinkBuilder, _Reporter):
    """One scheduling run. The hot loops live in :meth:`_forward` and :meth:`_backward` and touch only flat
    lists of integers indexed by node: tasks are nodes ``0..n-1`` (a summary's own node rolls its children
    up), summary entries follow."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.tasks = plan.tasks
        self.origin = to_minutes(plan.start)
        self.calendars = {}
        for calendar in plan.calendars:
            self.calendars.setdefault(calendar.id, calendar)
        if plan.calendar not in self.calendars:
            raise PlanError(f"Plan calendar {plan.calendar!r} is not among the plan's calendars")
        self.clocks = {}
        self.points = {}
        self.depth = {}
        self.wall_clock = None
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
        index = dict(zip(map(attrgetter("id"), tasks), range(n), strict=True))
        if len(index) < n:
            seen: set[str] = set()
            for task in tasks:
                if task.id in seen:
                    raise PlanError(f"Task id {task.id!r} appears twice")
                seen.add(task.id)
        self.index = index
        parent_ids = list(map(attrgetter("parent"), tasks))
        parent = list(map(index.get, parent_ids, repeat(-1)))  # roots: None -> -1
        children: dict[int, list[int]] = {}
        # Runs of siblings, grouped at C speed: a Python step per run, not per child.
        for p, run in groupby(compress(range(n), map(is_not, parent_ids, repeat(None))), parent.__getitem__):
            siblings = list(run)
            if p < 0:
                orphan = tasks[siblings[0]]
                raise PlanError(f"Task {_label(orphan)}: unknown parent task {orphan.parent!r}")
            children.setdefault(p, []).extend(siblings)
        self.parent = parent
        self.children = children
        if not all(map(lt, parent, range(n))):  # summaries listed before their children cannot loop
            self._check_parent_loops()
        # Summary entries are numbered after the tasks.
        self.entry = {}
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
        self.task_clock = [project_clock] * n
        self.node_clock = [project_clock] * n_nodes
        durations = list(map(attrgetter("duration"), tasks))
        dur = durations + [0] * (n_nodes - n)
        lo = [0] * n_nodes  # forward: start floor (two-bound nodes: the start bound's floor)
        hi = [INF] * n_nodes  # forward: start cap
        cap = [INF] * n_nodes  # backward: late finish cap (before the project's finish is known)
        self.lo2 = {}  # two-bound entries: the finish bound's floor
        self.pinned_wall = {}
        self.alap = []
        asap = ConstraintType.ASAP
        # Most tasks need nothing but their duration: visit the others only (found at C speed).
        plain = (None, asap, None, None, None, None, None)
        fields = attrgetter(
            "calendar",
            "constraint",
            "deadline",
            "actual_start",
            "actual_finish",
            "manual_start",
            "manual_finish",
        )
        special = map(or_, map(ne, map(fields, tasks), repeat(plain)), map(lt, durations, repeat(0)))
        for i in compress(range(n), special):
            task = tasks[i]
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
                d = self._pin(i, task, clock, lo, hi)
            elif constraint is not asap:
                if constraint == ConstraintType.ALAP:
                    self.alap.append(i)
                elif task.constraint_date is not None:
                    w = clock.to_work(to_minutes(task.constraint_date))
                    # The plan start is only the default floor: a date before it wins, as in Microsoft
                    # Project (a task may start before the project does).
                    before = to_minutes(task.constraint_date) < self.origin
                    if constraint == ConstraintType.SNET:
                        lo[i] = w if before else max(lo[i], w)
                    elif constraint == ConstraintType.FNET:
                        lo[i] = w - d if before else max(lo[i], w - d)
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
        for s in children:
            dur[s] = 0
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
        one_clock = len(self.clocks) == 1  # every task on the project's clock: so is every summary
        for s in sorted(children, key=depth.__getitem__, reverse=True):
            found: set[int] = set()
            if one_clock:
                found.add(id(self.project_clock))
                by_id[id(self.project_clock)] = self.project_clock
            for c in () if one_clock else children[s]:
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

    def _pin(self, i: int, task: Task, clock: WorkClock, lo: list[int], hi: list[int]) -> int:
        """Pin a task that has started, finished or is manually scheduled; return its effective duration.

        A started task finishes after its actual part and its remaining part, worked back to back from the
        actual start: Microsoft Project keeps ``Duration = ActualDuration + RemainingDuration`` and does not
        move remaining work to the status date unless asked to (its "reschedule uncompleted work" command).
        """
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
                remaining = task.remaining_duration
                done = d - remaining if remaining <= d else round(d * task.percent_complete / 100)
                ef = es + done + remaining
            else:
                ef = es + d
        else:
            assert finish_wall is not None
            ef = clock.to_work(finish_wall)
            es = ef - d
        lo[i] = hi[i] = es
        self.pinned_wall[i] = (start_wall, finish_wall)
        return ef - es

    # -- order ------------------------------------------------------------------------------------------------

    def _order(self) -> list[int]:
        """A topological order of the nodes: the plan's own order when its links already run forward
        (the usual case, checked at C speed), else Kahn's algorithm."""
        order = self._outline_order()
        if order is not None:
            return order
        n_nodes = self.n_nodes
        self.g_ptr, (self.g_dst,) = _csr(n_nodes, self.g_src, self.g_dst)
        ptr, dst = self.g_ptr, self.g_dst
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

    def _outline_order(self) -> list[int] | None:
        """The plan's order with each summary's entry in the summary's place and the summary's own node
        right after its last descendant (inner summaries first), if every edge of the order graph runs
        forward in it; None otherwise."""
        n, n_nodes = len(self.tasks), self.n_nodes
        parent = self.parent
        if any(map(ge, parent, range(n))):  # a child listed before its summary
            return None
        children = self.children
        if children:
            stride = n + 1
            keys = list(map(mul, range(0, 2 * n, 2), repeat(stride)))
            keys += [keys[s] for s in sorted(children)]  # entries are numbered in summary order
            last = list(range(n))
            for s in sorted(children, reverse=True):  # a child's index is larger than its summary's
                last[s] = last[children[s][-1]]
                keys[s] = (2 * last[s] + 1) * stride + n - s
            at = keys.__getitem__  # distinct keys: comparing them compares positions in the order
            if not all(map(lt, map(at, self.g_src), map(at, self.g_dst))):
                return None
            return sorted(range(n_nodes), key=at)
        if not all(map(lt, self.g_src, self.g_dst)):
            return None
        return list(range(n))

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
            if not kind[v]:  # a task: the hot path (most tasks have one or two predecessors)
                es = lo[v]
                a = ptr[v]
                k = ptr[v + 1] - a
                if k == 1:
                    m = T[srcs[a]] + offs[a]
                    if m > es:
                        es = m
                elif k == 2:
                    m = T[srcs[a]] + offs[a]
                    if m > es:
                        es = m
                    m = T[srcs[a + 1]] + offs[a + 1]
                    if m > es:
                        es = m
                elif k:
                    m = max(map(add, map(get, srcs[a : a + k]), offs[a : a + k]))
                    if m > es:
                        es = m
                d = dur[v]
                if v in fcross:
                    for src_slot, tgt_fin, cross in fcross[v]:
                        m = cross.forward(T[src_slot], points.get(src_slot >> 1)) - (d if tgt_fin else 0)
                        if m > es:
                            es = m
                h = hi[v]
                if es > h:
                    es = h
                T[v + v] = es
                T[v + v + 1] = es + d
                if track and not d:
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
                k = ptr[v + 1] - a
                if k == 1:
                    m = L[dsts[a]] + offs[a]
                    if m < lf:
                        lf = m
                elif k == 2:
                    m = L[dsts[a]] + offs[a]
                    if m < lf:
                        lf = m
                    m = L[dsts[a + 1]] + offs[a + 1]
                    if m < lf:
                        lf = m
                elif k:
                    m = min(map(add, map(get, dsts[a : a + k]), offs[a : a + k]))
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
                L[v + v] = lf - d
                L[v + v + 1] = lf
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
