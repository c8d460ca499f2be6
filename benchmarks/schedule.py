"""Time the scheduling engine on synthetic networks of 1k to 1M tasks, beside a networkx longest-path baseline.

    .venv/bin/python -m benchmarks.schedule [--sizes 1k,10k,100k,1M] [--reps N] [--quick]

Each size and side runs in a fresh process: build a deterministic network (see :func:`generate_plan`), call
``portfolium.engine.cpm.schedule(plan)`` once untimed (a warm-up; how far it raises the process's resident
memory is its peak memory), then time N calls (wall and CPU). networkx goes the same way: a ``DiGraph`` from
the same links with FS-equivalent weights, then ``dag_longest_path_length``. Target: 100k tasks in under 1 s.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from portfolium.engine.calendars import (  # noqa: E402  (the path above must come first)
    EIGHT_TO_FIVE,
    MINUTES_PER_DAY,
    NON_WORKING,
    STANDARD,
    Calendar,
    CalendarException,
    Recurrence,
    RecurrenceKind,
    WorkingTime,
)
from portfolium.engine.network import ConstraintType, LagUnit, Link, LinkType, Plan, Task  # noqa: E402

SEED = 3
TARGET_SIZE = 100_000
TARGET_SECONDS = 1.0
PLAN_START = datetime(2026, 1, 5, 8, 0)  # a Monday
DAY = 480  # working minutes in a standard day

LINK_TYPES = (LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF)  # 80%, 10%, 7%, 3%
WORKING_LAGS = (-16 * 60, -8 * 60, -4 * 60, 4 * 60, 8 * 60, 16 * 60, 24 * 60, 40 * 60)
PERCENT_LAGS = (-50, -25, 25, 50, 100)


# --- the networks -------------------------------------------------------------------------------------------


def _multi_calendars() -> tuple[Calendar, ...]:
    """The project calendar (standard week with twenty years of holidays) and five task calendars."""
    holidays: list[CalendarException] = []
    for year in range(2026, 2046):
        for month, day, name in (
            (1, 1, "New Year"),
            (5, 1, "Labour Day"),
            (7, 14, "Summer holiday"),
            (11, 11, "Armistice"),
        ):
            holidays.append(CalendarException(date(year, month, day), date(year, month, day), name=name))
        holidays.append(CalendarException(date(year, 8, 3), date(year, 8, 14), name="Site closure"))
    holidays.append(
        CalendarException(
            date(2026, 12, 25),
            date(2026, 12, 25),
            name="Christmas",
            recurrence=Recurrence(RecurrenceKind.YEARLY, month=12, month_day=25),
        )
    )
    # A half day on Fridays in summer 2026: working on the morning only.
    holidays.append(
        CalendarException(
            date(2026, 6, 5),
            date(2026, 6, 5),
            (WorkingTime(8 * 60, 12 * 60),),
            name="Summer Fridays",
            recurrence=Recurrence(RecurrenceKind.WEEKLY, weekdays=frozenset({4}), occurrences=12),
        )
    )
    project = Calendar("standard-holidays", "Standard with holidays", exceptions=tuple(holidays))
    ten = (WorkingTime(7 * 60, 12 * 60), WorkingTime(12 * 60 + 30, 17 * 60 + 30))
    four_tens = Calendar("four-tens", "Four tens", week=(ten,) * 4 + (NON_WORKING,) * 3)
    late, early = (WorkingTime(22 * 60, MINUTES_PER_DAY),), (WorkingTime(0, 6 * 60),)
    night = Calendar(
        "night",
        "Night shift",
        week=(late, early + late, early + late, early + late, early + late, early, NON_WORKING),
    )
    round_the_clock = Calendar("24x7", "Round the clock", week=((WorkingTime(0, MINUTES_PER_DAY),),) * 7)
    six_days = Calendar("six-days", "Six days", week=(EIGHT_TO_FIVE,) * 6 + (NON_WORKING,))
    return (project, STANDARD, four_tens, night, round_the_clock, six_days)


def generate_plan(size: int, *, seed: int = SEED, wbs_every: int = 20, multi_calendar: bool = False) -> Plan:
    """A deterministic, realistic network of ``size`` tasks (summaries included) with about two links per task.

    The tasks form sub-projects of 300-1,500 tasks that all start at the plan's start. With ``wbs_every=20``
    one task in twenty is a phase summary over the next nineteen (0: no summaries). Leaf tasks last 0.5-20
    working days (log-normal around 4, rounded to half days); 5% are milestones. Each leaf links to 1-3
    earlier leaves, mostly among the previous 40 of its sub-project, 8% anywhere earlier (one in five of those
    from that task's phase summary): 80% FS, 10% SS, 7% FF, 3% SF; a quarter carry a lag or lead, mostly in
    working hours, some in elapsed days or percent of the predecessor. 1% start no earlier than a date in the
    first year, 0.5% are as late as possible. ``multi_calendar`` puts the plan on a calendar with holidays and
    30% of the tasks on one of five other calendars (four tens, night shift, 24x7, six days, standard).

    >>> plan = generate_plan(1000)
    >>> len(plan.tasks), 1800 < len(plan.links) < 2200
    (1000, True)
    """
    rng = random.Random(f"{seed}:{size}:{wbs_every}:{multi_calendar}")
    calendars = _multi_calendars() if multi_calendar else (STANDARD,)
    task_calendars = [c.id for c in calendars[1:]]
    tasks: list[Task] = []
    links: list[Link] = []
    leaves: list[int] = []  # indexes of leaf tasks, in order
    blocks: list[int] = []  # position in ``leaves`` where each sub-project begins
    phase_of: dict[int, int] = {}  # leaf index -> its summary's index
    block_left = 0
    phase: int | None = None
    phase_left = 0
    for i in range(size):
        task_id = f"T{i}"
        if block_left == 0:
            block_left = rng.randint(300, 1500)
            blocks.append(len(leaves))
            phase_left = 0
        block_left -= 1
        if wbs_every and phase_left == 0:
            phase, phase_left = i, wbs_every - 1
            tasks.append(Task(task_id, f"Phase {i // wbs_every + 1}"))
            continue
        phase_left -= 1
        milestone = rng.random() < 0.05
        if milestone:
            duration = 0
        else:
            days = min(20.0, max(0.5, rng.lognormvariate(math.log(4), 0.8)))
            duration = round(days * 2) * DAY // 2
        constraint, constraint_date = ConstraintType.ASAP, None
        roll = rng.random()
        if roll < 0.01:
            constraint = ConstraintType.SNET
            constraint_date = PLAN_START + timedelta(days=rng.randrange(0, 52) * 7 + rng.randrange(0, 5))
        elif roll < 0.015:
            constraint = ConstraintType.ALAP
        calendar = None
        if multi_calendar and rng.random() < 0.30:
            calendar = rng.choice(task_calendars)
        tasks.append(
            Task(
                task_id,
                f"Task {i}",
                duration=duration,
                milestone=milestone,
                parent=None if phase is None else f"T{phase}",
                calendar=calendar,
                constraint=constraint,
                constraint_date=constraint_date,
            )
        )
        if phase is not None:
            phase_of[i] = phase
        local = len(leaves) - blocks[-1]  # this task's position in its sub-project
        roll = rng.random()
        wanted = (1 if roll < 0.15 else 2 if roll < 0.6 else 3) if local else 0
        predecessors: set[int] = set()
        for _ in range(wanted):
            if rng.random() < 0.08:
                if len(blocks) > 1 and rng.random() < 0.5:
                    # Another sub-project, at an earlier stage than this task's: projects advance side by side.
                    other = rng.randrange(len(blocks) - 1)
                    pred = leaves[
                        blocks[other] + rng.randrange(min(local, blocks[other + 1] - blocks[other]))
                    ]
                else:
                    pred = leaves[blocks[-1] + rng.randrange(local)]
                if pred in phase_of and phase_of[pred] != phase and rng.random() < 0.2:
                    pred = phase_of[pred]
            else:
                pred = leaves[len(leaves) - 1 - int(rng.random() * min(local, 40))]
            predecessors.add(pred)
        for pred in sorted(predecessors):
            lag, unit = 0, LagUnit.WORKING
            if rng.random() < 0.25:
                roll = rng.random()
                if roll < 0.85:
                    lag = rng.choice(WORKING_LAGS)
                elif roll < 0.93:
                    lag, unit = rng.choice((-1, 1, 2, 3, 7)) * MINUTES_PER_DAY, LagUnit.ELAPSED
                else:
                    lag, unit = rng.choice(PERCENT_LAGS), LagUnit.PERCENT
            roll = rng.random()
            link_type = LINK_TYPES[(roll >= 0.8) + (roll >= 0.9) + (roll >= 0.97)]
            links.append(Link(f"T{pred}", task_id, link_type, lag, unit))
        leaves.append(i)
    return Plan(
        start=PLAN_START,
        tasks=tuple(tasks),
        links=tuple(links),
        calendars=calendars,
        calendar=calendars[0].id,
        name=f"Synthetic {size:,} tasks",
    )


def networkx_graph(plan: Plan) -> Any:
    """The plan as a networkx DiGraph: every task a node, every link an edge weighted FS-equivalently
    (predecessor duration + lag in working minutes; elapsed lags count a third, percent lags scale the
    duration). Summaries weigh nothing. A baseline for the work, not a schedule: it ignores link types and
    calendars."""
    import networkx as nx

    duration = {t.id: t.duration for t in plan.tasks}
    edges = []
    for link in plan.links:
        lag = link.lag
        if link.lag_unit is LagUnit.ELAPSED:
            lag //= 3
        elif link.lag_unit is LagUnit.PERCENT:
            lag = duration[link.predecessor] * lag // 100
        edges.append((link.predecessor, link.successor, duration[link.predecessor] + lag))
    graph = nx.DiGraph()
    graph.add_nodes_from(duration)
    graph.add_weighted_edges_from(edges)
    return graph


def networkx_longest(plan: Plan) -> int:
    import networkx as nx

    return int(nx.dag_longest_path_length(networkx_graph(plan)))


# --- measuring, one size and one side per process ------------------------------------------------------------


@dataclass
class Row:
    label: str
    tasks: int
    links: int
    summaries: int
    build_s: float
    reps: int
    engine_best_s: float = math.nan
    engine_median_s: float = math.nan
    engine_cpu_s: float = math.nan  # median process time: steadier than wall time on a busy machine
    engine_peak_mib: float = math.nan
    networkx_best_s: float = math.nan
    networkx_median_s: float = math.nan
    networkx_cpu_s: float = math.nan
    networkx_peak_mib: float = math.nan
    process_rss_mib: float = math.nan
    span_days: float = math.nan
    critical_share: float = math.nan
    networkx_longest_days: float = math.nan
    error: str = ""


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def start_peak_rss() -> float:
    """Return the resident memory now, in MiB, and restart the peak from it where Linux allows, so that the
    next :func:`peak_rss_mib` sees a call's own peak rather than the plan build's (else: ``ru_maxrss``)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand back what the build freed, so a call cannot reuse it
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to VmRSS
        return _proc_status_mib("VmRSS")
    return max_rss_mib()


def peak_rss_mib() -> float:
    with contextlib.suppress(OSError, ValueError):
        return _proc_status_mib("VmHWM")
    return max_rss_mib()


def _proc_status_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    raise ValueError(field)


def timed(call: Callable[[], Any], reps: int, what: str) -> tuple[list[float], list[float], Any]:
    """Wall and CPU seconds of ``reps`` calls, and the last call's result."""
    wall, cpu, result = [], [], None
    for rep in range(reps):
        result = None  # free the previous result before the next call allocates its own
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        result = call()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        progress(f"  {what} {rep + 1}/{reps}: {wall[-1]:.3f} s (CPU {cpu[-1]:.3f} s)")
    return wall, cpu, result


def measure(
    size: int, *, side: str, reps: int, wbs_every: int, multi_calendar: bool, seed: int
) -> dict[str, Any]:
    """One side (``engine`` or ``networkx``) on one network, in a fresh process: the first call is untimed
    (a warm-up) and gives the peak memory: how far the process's resident memory rose above where it stood
    just before."""
    label = f"{size:,}" + (" multi-cal" if multi_calendar else "")
    progress(f"{label}, {side}: building the plan…")
    started = time.perf_counter()
    plan = generate_plan(size, seed=seed, wbs_every=wbs_every, multi_calendar=multi_calendar)
    build_s = time.perf_counter() - started
    summaries = len({t.parent for t in plan.tasks if t.parent is not None})
    progress(
        f"{label}, {side}: {len(plan.tasks):,} tasks, {len(plan.links):,} links built in {build_s:.2f} s"
    )
    out: dict[str, Any] = {
        "label": label,
        "tasks": len(plan.tasks),
        "links": len(plan.links),
        "summaries": summaries,
        "build_s": build_s,
        "reps": reps,
    }
    call: Callable[[], Any]
    if side == "networkx":
        import networkx  # noqa: F401  (imported before measuring, as the engine is)

        call = partial(networkx_longest, plan)
    else:
        from portfolium.engine.cpm import schedule

        call = partial(schedule, plan)
    try:
        before = start_peak_rss()
        progress(f"  {side}: first call, untimed (warm-up, peak memory)…")
        first = call()
        out[f"{side}_peak_mib"] = peak_rss_mib() - before
        del first
        wall, cpu, result = timed(call, reps, side)
    except Exception as exc:  # the engine failing is a result to report, not a crash
        out["error"] = f"{type(exc).__name__}: {exc}"[:300]
        progress(f"{label}: {side} failed: {out['error']}")
        return out
    out[f"{side}_best_s"], out[f"{side}_median_s"] = min(wall), statistics.median(wall)
    out[f"{side}_cpu_s"] = statistics.median(cpu)
    if side == "networkx":
        out["networkx_longest_days"] = result / DAY
    else:
        out["span_days"] = (result.project_finish - result.project_start) / MINUTES_PER_DAY
        out["critical_share"] = sum(result.critical) / len(result.critical)
        out["process_rss_mib"] = max_rss_mib()
    return out


# --- the command ----------------------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{model or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load {load}"


def print_table(rows: list[Row], *, wbs_every: int, load_before: str) -> None:
    per_task = {r.label: ratio(r.engine_cpu_s * 1e6, r.tasks) for r in rows}
    ref_1k, ref_10k = per_task.get("1,000", math.nan), per_task.get("10,000", math.nan)
    header = (
        f"{'tasks':<18}{'links':>10}{'build s':>8}{'reps':>5}{'engine s':>9}{'best':>7}{'cpu':>7}"
        f"{'nx s':>7}{'nx cpu':>7}{'x nx':>6}{'µs/task':>8}{'/1k':>6}{'/10k':>6}{'eng MiB':>8}{'nx MiB':>7}"
        f"{'RSS MiB':>8}{'span d':>7}{'crit':>7}"
    )
    print()
    print(f"Machine: {load_before} before; {machine().rsplit('load ', 1)[1]} after")
    print(
        "engine s = portfolium.engine.cpm.schedule(plan), wall median of reps (best: fastest; cpu: median CPU time);"
    )
    print(
        "nx = networkx.DiGraph from the same plan (FS-equivalent weights) + dag_longest_path_length, the same way;"
    )
    print(
        "x nx = engine CPU / networkx CPU; µs/task = engine CPU per task; /1k, /10k = µs/task relative to 1k, 10k"
    )
    print(
        "(1.00 = linear); MiB = peak resident memory added by the first, untimed call (VmHWM - VmRSS); RSS ="
    )
    print(
        "the engine's whole process (plan included); span d = schedule span in calendar days; crit = share of "
        f"tasks critical. WBS: {f'a summary every {wbs_every} tasks' if wbs_every else 'none'}."
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        pt = per_task[r.label]
        print(
            f"{r.label:<18}{r.links:>10,}{r.build_s:>8.2f}{r.reps:>5}{r.engine_median_s:>9.3f}{r.engine_best_s:>7.3f}"
            f"{r.engine_cpu_s:>7.3f}{r.networkx_median_s:>7.3f}{r.networkx_cpu_s:>7.3f}"
            f"{ratio(r.engine_cpu_s, r.networkx_cpu_s):>6.2f}{pt:>8.2f}{ratio(pt, ref_1k):>6.2f}"
            f"{ratio(pt, ref_10k):>6.2f}{r.engine_peak_mib:>8.1f}{r.networkx_peak_mib:>7.1f}"
            f"{r.process_rss_mib:>8.0f}{r.span_days:>7.0f}{r.critical_share:>7.2%}"
        )
        if r.error:
            print(f"    error: {r.error}")
    print()


def verdict(rows: list[Row]) -> bool:
    target = [r for r in rows if r.tasks == TARGET_SIZE and "multi" not in r.label]
    if not target:
        print(f"Target not measured: add {TARGET_SIZE:,} to --sizes.")
        return True
    seconds, cpu = target[0].engine_median_s, target[0].engine_cpu_s
    passed = not math.isnan(seconds) and seconds < TARGET_SECONDS
    print(
        f"{'PASS' if passed else 'FAIL'}: {TARGET_SIZE:,} tasks scheduled in {seconds:.3f} s wall median "
        f"(CPU {cpu:.3f} s; target < {TARGET_SECONDS:.0f} s wall)"
    )
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time the scheduling engine on 1k-1M task networks beside networkx."
    )
    parser.add_argument(
        "--sizes", default="1k,10k,100k,1M", help="comma-separated task counts (default 1k,10k,100k,1M)"
    )
    parser.add_argument("--reps", type=int, default=5, help="timed calls per size below 1M (default 5)")
    parser.add_argument(
        "--reps-large", type=int, default=2, help="timed calls per size of 1M and more (default 2)"
    )
    parser.add_argument("--quick", action="store_true", help="1k,10k,100k with 3 reps")
    parser.add_argument(
        "--multi-calendar", default="100k", help="size of the extra multi-calendar row (0: none)"
    )
    parser.add_argument(
        "--wbs-every", type=int, default=20, help="a summary task every N tasks (0: flat; default 20)"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--child", help=argparse.SUPPRESS)  # JSON output path: one size per process
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--multi", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--side", choices=["engine", "networkx"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reps < 1 or args.reps_large < 1:
        parser.error("--reps and --reps-large must be at least 1")
    if args.child:
        result = measure(
            args.size,
            side=args.side,
            reps=args.reps,
            wbs_every=args.wbs_every,
            multi_calendar=args.multi,
            seed=args.seed,
        )
        Path(args.child).write_text(json.dumps(result))
        return 0

    sizes = [parse_size(s) for s in ("1k,10k,100k" if args.quick else args.sizes).split(",") if s.strip()]
    reps = 3 if args.quick else args.reps
    runs = [(size, False) for size in sizes]
    multi = parse_size(args.multi_calendar)
    if multi:
        runs.append((multi, True))
    load_before = machine()
    rows: list[Row] = []
    failed = []
    with tempfile.TemporaryDirectory() as scratch:
        for size, multi_calendar in runs:
            size_reps = reps if size < 1_000_000 else min(reps, args.reps_large)
            options = f"--size {size} --reps {size_reps} --wbs-every {args.wbs_every} --seed {args.seed}"
            merged: dict[str, Any] = {}
            for side in ("engine", "networkx"):  # each in a process of its own: peak RSS is per process
                out = Path(scratch) / f"{size}-{multi_calendar}-{side}.json"
                command = [sys.executable, "-m", "benchmarks.schedule", "--child", str(out), "--side", side]
                command += options.split() + (["--multi"] if multi_calendar else [])
                if subprocess.run(command, cwd=ROOT, check=False).returncode != 0 or not out.exists():
                    break
                merged = json.loads(out.read_text()) | merged  # the engine's build time and RSS win
            else:
                rows.append(Row(**merged))
                continue
            failed.append(f"{size:,}" + (" multi-cal" if multi_calendar else ""))
    if rows:
        print_table(rows, wbs_every=args.wbs_every, load_before=load_before)
    passed = verdict(rows)
    if failed:
        print(f"Not measured: {', '.join(failed)} (see the errors above).", file=sys.stderr)
    return 0 if passed and not failed and not any(r.error for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
