"""PSPLIB J30 as ground truth: the critical-path makespan of every instance (finish-to-start links, no lags,
unit minutes on a 24-hour calendar) equals the MPM time the library publishes, and never exceeds the proven
optimal makespan with resources (CPM ignores them, so it is a lower bound).

The data lives beside the project (``../shared/data/psplib``); the test skips when it is absent. The parser
here is a tiny local one on purpose: the real reader belongs to ``interchange``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from portfolium.engine.calendars import ELAPSED
from portfolium.engine.cpm import schedule
from portfolium.engine.network import Link, Plan, Task

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "psplib"
J30 = DATA / "j30"
OPTIMA = DATA / "solutions" / "j30opt.sm"


@dataclass(frozen=True)
class Instance:
    durations: dict[int, int]
    successors: dict[int, list[int]]
    mpm_time: int


def parse_sm(text: str) -> Instance:
    lines = text.splitlines()
    durations: dict[int, int] = {}
    successors: dict[int, list[int]] = {}
    mpm_time = -1
    section = ""
    for k, line in enumerate(lines):
        if line.startswith("PROJECT INFORMATION:"):
            mpm_time = int(lines[k + 2].split()[5])  # pronr. #jobs rel.date duedate tardcost MPM-Time
        elif line.startswith("PRECEDENCE RELATIONS:"):
            section = "precedence"
        elif line.startswith("REQUESTS/DURATIONS:"):
            section = "durations"
        elif line.startswith("*") or line.startswith("RESOURCEAVAILABILITIES"):
            section = ""
        elif section and line.strip() and line.split()[0].isdigit():
            fields = [int(x) for x in line.split()]
            if section == "precedence":
                successors[fields[0]] = fields[3 : 3 + fields[2]]
            else:
                durations[fields[0]] = fields[2]
    return Instance(durations, successors, mpm_time)


def optima() -> dict[tuple[int, int], int]:
    found: dict[tuple[int, int], int] = {}
    for line in OPTIMA.read_text().splitlines():
        fields = line.split()
        if len(fields) >= 3 and all(f.isdigit() for f in fields[:3]):
            found[int(fields[0]), int(fields[1])] = int(fields[2])
    return found


def makespan(instance: Instance) -> int:
    plan = Plan(
        start=datetime(2026, 1, 5),
        tasks=tuple(Task(str(job), duration=d) for job, d in instance.durations.items()),
        links=tuple(Link(str(a), str(b)) for a, succs in instance.successors.items() for b in succs),
        calendars=(ELAPSED,),
        calendar=ELAPSED.id,
    )
    result = schedule(plan)
    return result.project_finish - result.project_start


def test_the_local_parser_reads_the_first_instance() -> None:
    if not J30.is_dir():
        pytest.skip(f"PSPLIB data not found at {J30} (see /work/shared/data/README.md)")
    instance = parse_sm((J30 / "j301_1.sm").read_text())
    assert len(instance.durations) == 32
    assert instance.successors[1] == [2, 3, 4]
    assert instance.mpm_time == 38


def test_cpm_makespan_equals_the_published_mpm_time_and_bounds_the_optimum_from_below() -> None:
    if not J30.is_dir() or not OPTIMA.is_file():
        pytest.skip(f"PSPLIB J30 data not found under {DATA} (see /work/shared/data/README.md)")
    best = optima()
    files = sorted(J30.glob("j30*_*.sm"))
    assert len(files) == 480
    wrong = []
    for path in files:
        group, number = path.stem.removeprefix("j30").split("_")
        instance = parse_sm(path.read_text())
        length = makespan(instance)
        if length != instance.mpm_time or length > best[int(group), int(number)]:
            wrong.append(
                f"{path.name}: CPM {length}, MPM {instance.mpm_time}, optimum {best[int(group), int(number)]}"
            )
    assert wrong == []
