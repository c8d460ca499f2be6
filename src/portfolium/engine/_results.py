"""From slots to dates: the backward pass's caps, the reported early and late dates (where zero-duration
tasks sit, finishes held by start-to-finish links), floats, summary roll-ups and the columnar result.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import compress, repeat
from operator import add, and_, gt, sub
from typing import cast

from portfolium.engine._run import _DATED_FLOORS, _TASK, INF, _Cross, _State
from portfolium.engine.calendars import to_minutes
from portfolium.engine.network import Schedule


class _Reporter(_State):
    """The last step of a run: the backward pass from the project's finish, then dates and floats."""

    def _finish(self, order: list[int], T: list[int]) -> Schedule:
        tasks = self.tasks
        n = len(tasks)
        children = self.children
        task_clock = self.task_clock
        dur = self.dur
        single = task_clock.count(self.project_clock) == n  # WorkClock compares by identity
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

        # Summaries: roll the reported dates and floats up, children before parents (deepest first).
        for v in sorted(children, key=self.depth.__getitem__, reverse=True):
            kids = children[v]
            early_start[v] = min(map(early_start.__getitem__, kids))
            early_finish[v] = max(map(early_finish.__getitem__, kids))
            late_start[v] = min(map(late_start.__getitem__, kids))
            late_finish[v] = max(map(late_finish.__getitem__, kids))
            start[v] = min(map(start.__getitem__, kids))
            finish[v] = max(map(finish.__getitem__, kids))
            total_float[v] = min(map(total_float.__getitem__, kids))
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
        task = self.tasks[v]
        floor = task.constraint_date is not None and self.lo[v] == es and task.constraint in _DATED_FLOORS
        # At the project's start a point sits at its beginning, unless a date before the start put it there.
        if es <= 0 and not (floor and to_minutes(cast(datetime, task.constraint_date)) < self.origin):
            return False
        pinned = self.pinned_wall.get(v)
        if pinned is not None:
            wall = pinned[0] if pinned[0] is not None else pinned[1]
            assert wall is not None
            return not self.task_clock[v].is_working(wall)
        a, b = self.f_ptr[v], self.f_ptr[v + 1]
        sources: list[tuple[int, int, _Cross | None]] = [
            (s, T[s] + o, None) for s, o in zip(self.f_src[a:b], self.f_off[a:b], strict=True)
        ]
        sources += [
            (s, cross.forward(T[s], points.get(s >> 1)), cross) for s, _, cross in self.fcross.get(v, ())
        ]
        forms = self._held_forms(sources, es, self.task_clock[v].from_work_finish(es), T, points)
        if floor:
            assert task.constraint_date is not None
            forms.append(not self.task_clock[v].is_working(to_minutes(task.constraint_date)))
        return bool(forms) and all(forms)

    def _held_forms(
        self,
        sources: list[tuple[int, int, _Cross | None]],
        at: int,
        end_wall: int,
        T: list[int],
        points: dict[int, bool],
    ) -> list[bool]:
        """What each source that holds a point at ``at`` says of its form; a summary's entry passes on what
        holds it. ``end_wall`` is the point's end form: never before the moment a link through another
        calendar reaches."""
        n = len(self.tasks)
        forms: list[bool] = []
        for src_slot, value, cross in sources:
            if value != at:
                continue
            p = src_slot >> 1
            if p >= n:
                entry_sources = self._entry_sources(src_slot, T, points)
                forms += self._held_forms(entry_sources, T[src_slot], end_wall, T, points)
                continue
            # The finish of something with a span ends working time; a start begins it.
            form = points[p] if p in points else bool(src_slot & 1) and T[src_slot] > T[src_slot - 1]
            if form and cross is not None:
                form = end_wall >= cross.reach(T[src_slot], points.get(p))
            forms.append(form)
        return forms

    def _entry_sources(
        self, slot: int, T: list[int], points: dict[int, bool]
    ) -> list[tuple[int, int, _Cross | None]]:
        """The links into a summary entry's start (or finish) bound, with the values they give it."""
        e, fin = slot >> 1, bool(slot & 1)
        table = self.fsrc2 if fin else self.fsrc
        sources: list[tuple[int, int, _Cross | None]] = []
        if e in table:
            slots, offsets = table[e]
            sources = [(s, T[s] + o, None) for s, o in zip(slots, offsets, strict=True)]
        sources += [
            (s, cross.forward(T[s], points.get(s >> 1)), cross)
            for s, tgt_fin, cross in self.fcross.get(e, ())
            if tgt_fin == fin
        ]
        return sources

    def _free_float(self, T: list[int], ef_w: list[int], total_float: list[int], late_end: int) -> list[int]:
        """Free float: how far a task can slip before it delays any successor (or the project's finish)."""
        n = len(self.tasks)
        free: list[int] = [INF] * n
        get = T.__getitem__
        if self.simple_all:  # the backward CSR, evaluated on the early dates, gives each task's slack
            ptr, dsts, offs = self.b_ptr, self.b_dst, self.b_off
            linked = [p for p in range(n) if ptr[p] != ptr[p + 1]]
            for p in linked:
                free[p] = (
                    min(map(add, map(get, dsts[ptr[p] : ptr[p + 1]]), offs[ptr[p] : ptr[p + 1]])) - ef_w[p]
                )
            return self._free_clamp(free, linked, ef_w, total_float, late_end)
        slacks = list(map(sub, map(get, self.rec_tgt), map(add, map(get, self.rec_src), self.rec_lag)))
        for k, cross in self.rec_cross.items():
            slacks[k] = T[self.rec_tgt[k]] - cross.forward(
                T[self.rec_src[k]], self.points.get(self.rec_task[k])
            )
        for p, slack in zip(self.rec_task, slacks, strict=True):
            if slack < free[p]:
                free[p] = slack
        return self._free_clamp(free, set(self.rec_task), ef_w, total_float, late_end)

    def _free_clamp(
        self, free: list[int], linked: Iterable[int], ef_w: list[int], total_float: list[int], late_end: int
    ) -> list[int]:
        """Clamp to ``[0, total float]``; a task without successors may slip to the project's finish."""
        task_clock = self.task_clock
        clocks = set(task_clock)
        if len(clocks) == 1:
            ends: Iterable[int] = repeat(next(iter(clocks)).to_work(late_end))
        else:
            end_of = {id(clock): clock.to_work(late_end) for clock in clocks}
            ends = map(end_of.__getitem__, map(id, task_clock))
        to_end = list(map(sub, ends, ef_w))
        for p in linked:  # its successors decide, not the project's finish
            to_end[p] = INF
        return list(map(max, repeat(0), map(min, map(min, free, to_end), total_float)))
