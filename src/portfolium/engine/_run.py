"""One scheduling run's state, declared once: the node numbering, the flat per-node columns and the link
tables that :mod:`~portfolium.engine._links` builds, :mod:`~portfolium.engine.cpm` sweeps and
:mod:`~portfolium.engine._results` turns into dates. Nodes: tasks are ``0..n-1`` (a summary's own node rolls
its children up), summary entries follow; node ``v`` has two slots, ``2v`` (start) and ``2v + 1`` (finish).
"""

from __future__ import annotations

from dataclasses import dataclass

from portfolium.engine.calendars import Calendar, WorkClock
from portfolium.engine.network import ConstraintType, LinkType, Plan, Task

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
        return self.succ.to_work(self.reach(v, end_form))

    def reach(self, v: int, end_form: bool | None = None) -> int:
        """The wall minute that source value ``v`` plus lag reaches (before the successor's clock rounds it)."""
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
        return t

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


def _label(task: Task) -> str:
    return f"{task.name!r} ({task.id})" if task.name else repr(task.id)


Pairs = dict[int, tuple[list[int], list[int]]]  # node -> (slots, offsets)
Crosses = dict[int, list[tuple[int, bool, _Cross]]]  # node -> (other end's slot, finish end?, link)


class _State:
    """The attributes of one run. The passes are methods of :class:`~portfolium.engine.cpm._Scheduler`,
    spread over modules by what they do; this class only names and types what they share."""

    # the plan and its clocks
    plan: Plan
    tasks: tuple[Task, ...]
    origin: int
    calendars: dict[str, Calendar]
    clocks: dict[str, WorkClock]
    project_clock: WorkClock
    wall_clock: WorkClock | None
    # structure
    index: dict[str, int]
    parent: list[int]
    children: dict[int, list[int]]
    depth: dict[int, int]
    entry: dict[int, int]  # summary -> its entry node
    summary_of: dict[int, int]  # entry node -> its summary
    n_nodes: int
    kind: list[int]
    # per task or node: clocks, durations, bounds
    task_clock: list[WorkClock]
    node_clock: list[WorkClock]
    declared_clock: list[WorkClock]
    dur: list[int]
    lo: list[int]
    hi: list[int]
    cap: list[int]
    lo2: dict[int, int]
    pinned_wall: dict[int, tuple[int | None, int | None]]
    alap: list[int]
    points: dict[int, bool]
    # links: constant-offset edges grouped by node (CSR), two-bound nodes' pairs, links through wall time
    entry_nodes: set[int]
    two_bound_back: set[int]
    simple_all: bool
    f_ptr: list[int]
    f_src: list[int]
    f_off: list[int]
    b_ptr: list[int]
    b_dst: list[int]
    b_off: list[int]
    g_src: list[int]
    g_dst: list[int]
    g_ptr: list[int]
    fsrc: Pairs
    fsrc2: Pairs
    bdst: Pairs
    bdst2: Pairs
    fcross: Crosses
    bcross: Crosses
    up_start: dict[int, list[tuple[int, _Cross | None]]]
    # every link as given, for free float
    rec_task: list[int]
    rec_src: list[int]
    rec_tgt: list[int]
    rec_lag: list[int]
    rec_cross: dict[int, _Cross]

    def _backward(self, order: list[int], cap: list[int], T: list[int]) -> list[int]:
        """The backward pass (:mod:`~portfolium.engine.cpm`), which the results call with their caps."""
        raise NotImplementedError
