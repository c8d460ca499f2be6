"""PSPLIB instances in: single-mode ``.sm`` files as engine Plans, and the tables of optimal or best-known
makespans (``j30opt.sm``, ``j30hrs.sm``, ``j60lb.sm``) keyed by instance name.

Time: one PSPLIB period is one minute on the 24-hour ``elapsed`` calendar from ``EPOCH`` (2000-01-01 00:00),
so a schedule's finish minus its start, in minutes, is the makespan in periods.

>>> plan = psplib_read("j30/j301_1.sm")  # doctest: +SKIP
>>> len(plan.tasks), plan.resources[0].max_units  # doctest: +SKIP
(32, 12.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from portfolium.engine.calendars import ELAPSED, EPOCH, MINUTES_PER_DAY
from portfolium.engine.network import Assignment, Link, Plan, Resource, Task
from portfolium.interchange.errors import InterchangeError


@dataclass(frozen=True, slots=True)
class PsplibBound:
    """The makespan a table gives for one instance; ``optimal`` when it is proven, ``lower_bound`` when known."""

    makespan: int
    optimal: bool
    lower_bound: int | None = None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="latin-1")
    except OSError as exc:
        raise InterchangeError(f"cannot read {path}: {exc.strerror or exc}") from None


def _section(text: str, title: str, path: Path) -> list[list[str]]:
    """Rows of numbers under a ``TITLE:`` line up to the next line of asterisks."""
    start = text.find(title)
    if start < 0:
        raise InterchangeError(f"{path} is not a PSPLIB .sm file: it has no '{title}' section")
    rows: list[list[str]] = []
    for line in text[start:].splitlines()[1:]:
        if line.startswith("*"):
            break
        fields = line.split()
        if fields and fields[0].isdigit():
            rows.append(fields)
    return rows


def psplib_read(path: str | Path) -> Plan:
    """A single-mode PSPLIB instance: jobs become tasks ``"1"``..``"N"`` (duration in periods = minutes on
    the elapsed calendar), precedence becomes finish-to-start links, each renewable resource ``R1``.. gets
    ``max_units`` = its capacity and every non-zero request an assignment with ``units`` = the request."""
    path = Path(path)
    text = _read_text(path)
    try:
        return _parse(text, path)
    except (ValueError, IndexError) as exc:
        raise InterchangeError(f"{path} is not a readable PSPLIB .sm file: {exc}") from None


def _parse(text: str, path: Path) -> Plan:
    jobs_match = re.search(r"jobs \(incl\. supersource/sink \):\s*(\d+)", text)
    if jobs_match is None:
        raise InterchangeError(f"{path} is not a PSPLIB .sm file: no 'jobs (incl. supersource/sink )' line")
    jobs = int(jobs_match.group(1))
    successors: dict[str, list[str]] = {}
    for row in _section(text, "PRECEDENCE RELATIONS:", path):
        job, modes, count = row[0], int(row[1]), int(row[2])
        if modes != 1:
            raise InterchangeError(
                f"{path}: job {job} has {modes} modes; only single-mode (.sm) files are read"
            )
        successors[job] = row[3 : 3 + count]
    requests = _section(text, "REQUESTS/DURATIONS:", path)
    availability_at = text.find("RESOURCEAVAILABILITIES:")
    if availability_at < 0:
        raise InterchangeError(f"{path} is not a PSPLIB .sm file: no RESOURCEAVAILABILITIES section")
    lines = text[availability_at:].splitlines()
    names = re.findall(r"([A-Z])\s*(\d+)", lines[1])
    capacities = [int(v) for v in lines[2].split()]
    resource_ids = [f"{letter}{number}" for letter, number in names]
    if len(resource_ids) != len(capacities):
        raise InterchangeError(f"{path}: {len(resource_ids)} resources but {len(capacities)} capacities")
    tasks, assignments = [], []
    for row in requests:
        job, duration = row[0], int(row[2])
        tasks.append(Task(id=job, name=f"Job {job}", duration=duration, milestone=duration == 0))
        for resource, amount in zip(resource_ids, row[3:], strict=True):
            if int(amount):
                assignments.append(Assignment(job, resource, float(amount)))
    if len(tasks) != jobs:
        raise InterchangeError(f"{path}: {jobs} jobs announced, {len(tasks)} durations given")
    known = {t.id for t in tasks}
    links = []
    for job, succ in successors.items():
        for other in succ:
            if job not in known or other not in known:
                raise InterchangeError(f"{path}: precedence {job} -> {other} names a job without a duration")
            links.append(Link(job, other))
    return Plan(
        start=EPOCH,
        tasks=tuple(tasks),
        links=tuple(links),
        calendars=(ELAPSED,),
        calendar=ELAPSED.id,
        minutes_per_day=MINUTES_PER_DAY,
        name=path.stem,
        resources=tuple(
            Resource(rid, rid, max_units=float(cap))
            for rid, cap in zip(resource_ids, capacities, strict=True)
        ),
        assignments=tuple(assignments),
    )


def psplib_optima(path: str | Path) -> dict[str, PsplibBound]:
    """The makespan table in a PSPLIB solutions file, keyed by instance name (``j301_1``).

    ``j30opt.sm`` (``Par Inst Makespan``, all proven optimal), ``j30hrs.sm``/``j60hrs.sm`` (best known, not
    proven) and ``j60lb.sm`` (``Par Inst UB LB``, ``*`` marks a proven optimum). The set name comes from the
    file name (``j30opt.sm`` -> ``j30``).
    """
    path = Path(path)
    text = _read_text(path)
    set_match = re.match(r"(j\d+)", path.name.lower())
    if set_match is None:
        raise InterchangeError(
            f"{path}: cannot tell the instance set from the file name (expected j30..., j60...)"
        )
    prefix = set_match.group(1)
    kind = path.stem.lower()[len(prefix) :]
    out: dict[str, PsplibBound] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 3 or not (fields[0].isdigit() and fields[1].isdigit() and fields[2].isdigit()):
            continue
        name = f"{prefix}{fields[0]}_{fields[1]}"
        upper = int(fields[2])
        if kind == "lb":
            lower = int(fields[3]) if len(fields) > 3 and fields[3].isdigit() else None
            proven = "*" in fields[3:] or (lower is not None and lower == upper)
            out[name] = PsplibBound(upper, proven, lower)
        else:
            out[name] = PsplibBound(upper, kind == "opt", upper if kind == "opt" else None)
    if not out:
        raise InterchangeError(f"{path} holds no 'parameter instance makespan' rows")
    return out


__all__ = ["PsplibBound", "psplib_optima", "psplib_read"]
