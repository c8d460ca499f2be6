"""PSPLIB single-mode instances and their solution tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from portfolium.engine.calendars import ELAPSED, EPOCH
from portfolium.engine.network import Assignment, Link, Resource
from portfolium.interchange import InterchangeError
from portfolium.interchange.psplib import PsplibBound, psplib_optima, psplib_read

PSPLIB = Path(__file__).resolve().parents[5] / "shared" / "data" / "psplib"
needs_data = pytest.mark.skipif(not PSPLIB.is_dir(), reason=f"PSPLIB data not found at {PSPLIB}")

TINY = """************************************************************************
file with basedata            : tiny.bas
************************************************************************
projects                      :  1
jobs (incl. supersource/sink ):  4
horizon                       :  10
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           4
   4        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1  R 2
------------------------------------------------------------------------
  1      1     0       0    0
  2      1     3       2    0
  3      1     5       1    1
  4      1     0       0    0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1  R 2
    2    1
************************************************************************
"""


def test_jobs_become_tasks_on_the_elapsed_calendar_with_fs_links_and_resource_requests(tmp_path):
    path = tmp_path / "tiny.sm"
    path.write_text(TINY)
    plan = psplib_read(path)
    assert plan.start == EPOCH and plan.calendar == ELAPSED.id and plan.calendars == (ELAPSED,)
    assert [(t.id, t.duration, t.milestone) for t in plan.tasks] == [
        ("1", 0, True),
        ("2", 3, False),
        ("3", 5, False),
        ("4", 0, True),
    ]
    assert plan.links == (Link("1", "2"), Link("1", "3"), Link("2", "4"), Link("3", "4"))
    assert plan.resources == (Resource("R1", "R1", max_units=2.0), Resource("R2", "R2", max_units=1.0))
    assert plan.assignments == (
        Assignment("2", "R1", 2.0),
        Assignment("3", "R1", 1.0),
        Assignment("3", "R2", 1.0),
    )
    assert plan.name == "tiny"


def test_a_file_that_is_not_psplib_is_refused(tmp_path):
    path = tmp_path / "x.sm"
    path.write_text("hello\n")
    with pytest.raises(InterchangeError, match="not a PSPLIB .sm file"):
        psplib_read(path)


def test_a_multi_mode_file_is_refused(tmp_path):
    path = tmp_path / "mm.sm"
    path.write_text(
        TINY.replace("   2        1          1           4", "   2        3          1           4")
    )
    with pytest.raises(InterchangeError, match="job 2 has 3 modes"):
        psplib_read(path)


@needs_data
def test_j301_1_has_32_jobs_and_four_resources():
    plan = psplib_read(PSPLIB / "j30" / "j301_1.sm")
    assert len(plan.tasks) == 32 and len(plan.links) == 48
    assert [r.max_units for r in plan.resources] == [12.0, 13.0, 4.0, 12.0]
    assert {t.id: t.duration for t in plan.tasks}["2"] == 8


@needs_data
def test_the_solution_tables_are_keyed_by_instance_name():
    opt = psplib_optima(PSPLIB / "solutions" / "j30opt.sm")
    assert len(opt) == 480 and opt["j301_1"] == PsplibBound(43, True, 43)
    best = psplib_optima(PSPLIB / "solutions" / "j60hrs.sm")
    assert len(best) == 480 and best["j601_1"].makespan == 77 and not best["j601_1"].optimal
    bounds = psplib_optima(PSPLIB / "solutions" / "j60lb.sm")
    assert bounds["j601_1"] == PsplibBound(77, True, 77)
    assert any(
        not b.optimal and b.lower_bound is not None and b.lower_bound < b.makespan for b in bounds.values()
    )


def mpm_time(path: Path) -> int:
    """The critical-path length PSPLIB states in the PROJECT INFORMATION row (its last column)."""
    lines = path.read_text().splitlines()
    row = lines[lines.index(next(line for line in lines if line.startswith("pronr."))) + 1]
    return int(row.split()[-1])


@needs_data
@pytest.mark.parametrize("group", ["j30", "j60"])
def test_the_engine_finds_the_critical_path_length_psplib_states_for_every_instance(group):
    from portfolium.engine.cpm import schedule

    best = psplib_optima(PSPLIB / "solutions" / f"{group}hrs.sm")
    paths = sorted((PSPLIB / group).glob("*.sm"))
    assert len(paths) == 480
    for path in paths:
        result = schedule(psplib_read(path))
        makespan = result.project_finish - result.project_start
        assert makespan == mpm_time(path), path.name
        assert makespan <= best[path.stem].makespan, path.name  # resources only make it longer
