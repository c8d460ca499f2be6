"""Links into edges: each link becomes a constant offset between two slots when one clock measures both
ends and the lag, else a :class:`~portfolium.engine._run._Cross` through wall time; summaries get the edges
down to their children and up from them; the edges are grouped by node for the passes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import accumulate, compress, islice, repeat
from operator import add, and_, attrgetter, eq, le, mul, ne, not_, or_, sub
from typing import cast

from portfolium.engine._run import _FINISH_SOURCE, _FINISH_TARGET, INF, _Cross, _State
from portfolium.engine.calendars import WorkClock
from portfolium.engine.errors import CycleError, PlanError
from portfolium.engine.network import LagCalendar, LagUnit


def _csr(n_nodes: int, keys: list[int], *columns: list[int]) -> tuple[list[int], tuple[list[int], ...]]:
    """Group ``columns`` by ``keys`` (node numbers): returns the row pointers and the regrouped columns
    (a stable grouping; columns already grouped are returned as they are)."""
    counts = Counter(keys)
    ptr = [0, *accumulate(map(counts.get, range(n_nodes), repeat(0)))]
    if all(map(le, keys, islice(keys, 1, None))):
        return ptr, columns
    perm = sorted(range(len(keys)), key=keys.__getitem__)
    return ptr, tuple(list(map(column.__getitem__, perm)) for column in columns)


class _LinkBuilder(_State):
    """The second step of a run, after the tasks' bounds: the plan's links as edges between slots."""

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
            for k in compress(range(m), map(eq, units, repeat(LagUnit.PERCENT))):
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
            for k in compress(range(m), map(not_, plain)):
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
        # A summary's start bounds its children only through links out of its start (or its ancestors').
        out_of_start = (
            {p for p in compress(p_col, map(not_, src_fin)) if p in children} if children else set()
        )
        active_in: dict[int, bool] = {}
        active_out: dict[int, bool] = {}
        active_start: dict[int, bool] = {}
        for s in sorted(children, key=self.depth.__getitem__):
            parent = self.parent[s]
            active_in[s] = s in into or (parent >= 0 and active_in[parent])
            active_out[s] = s in out_of or (parent >= 0 and active_out[parent])
            active_start[s] = s in out_of_start or (parent >= 0 and active_start[parent])
        for s, kids in children.items():
            e = entry[s]
            sc = node_clock[e]
            g_src.extend(kids)
            g_dst.extend(repeat(s, len(kids)))
            down, up, up_from_start = active_in[s], active_out[s], active_start[s]
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
                if up_from_start:
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
        self.g_src, self.g_dst = g_src, g_dst  # the order graph's edges; grouped only when needed
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
        one_clock = len(self.clocks) == 1 or all(
            clock is project_clock for clock, leaf in zip(node_clock, is_leaf, strict=False) if leaf
        )
        if one_clock and (LagUnit.ELAPSED not in units):
            return mask
        # The same rule as columns of booleans (C-level maps, no Python frame per link): both ends on one
        # clock, and no lag, or a working lag measured on that clock.
        if one_clock:  # leaf to leaf is on the project's clock: only elapsed lags leave the mask
            return list(map(and_, mask, map(or_, map(not_, lags), map(ne, units, repeat(LagUnit.ELAPSED)))))
        numbers: dict[int, int] = {}
        clock_no = [numbers.setdefault(id(clock), len(numbers)) for clock in node_clock]
        pcs = list(map(clock_no.__getitem__, p_col))
        mask = list(map(and_, mask, map(eq, pcs, map(clock_no.__getitem__, s_col))))
        lag_ok: Iterable[bool] = map(ne, units, repeat(LagUnit.ELAPSED))
        if self.plan.lag_calendar != LagCalendar.SUCCESSOR:
            project_no = numbers.get(id(project_clock), -1)
            lag_ok = map(and_, lag_ok, map(eq, pcs, repeat(project_no)))
        return list(map(and_, mask, map(or_, map(not_, lags), lag_ok)))

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
