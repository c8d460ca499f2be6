"""Microsoft Project as an oracle: schedule every MSPDI file in the shared data folder with our engine and
compare each task's early start, early finish and total float with what Project saved in the file.

Run ``python -m portfolium.interchange.tests.oracle`` for the per-file match table (Markdown); add ``-v`` to
list every mismatch. The test module ``test_mspdi_oracle`` asserts on the same comparison.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from portfolium.engine.cpm import schedule
from portfolium.interchange.mspdi import MspdiProject, mspdi_dates, mspdi_read

DATA = Path(__file__).resolve().parents[5] / "shared" / "data" / "project-files" / "mspdi"


def mspdi_files() -> list[Path]:
    if not DATA.is_dir():
        return []
    return sorted(DATA.glob("*.xml")) + sorted(DATA.glob("ganttproject-tests/*.xml"))


@dataclass(frozen=True)
class Mismatch:
    uid: str
    name: str
    what: str  # "early start", "early finish" or "total float"
    expected: datetime | int
    got: datetime | int
    explained_by: str | None  # the unsupported feature that covers this task, if any

    def __str__(self) -> str:
        why = f"  [{self.explained_by}]" if self.explained_by else ""
        return f"UID {self.uid} {self.name!r}: {self.what} expected {self.expected}, got {self.got}{why}"


@dataclass
class FileResult:
    name: str
    project: MspdiProject
    tasks: int = 0
    compared: dict[str, int] = field(default_factory=lambda: {"start": 0, "finish": 0, "float": 0})
    matched: dict[str, int] = field(default_factory=lambda: {"start": 0, "finish": 0, "float": 0})
    mismatches: list[Mismatch] = field(default_factory=list)
    error: str | None = None

    @property
    def unexplained(self) -> list[Mismatch]:
        return [m for m in self.mismatches if m.explained_by is None]

    @property
    def explained(self) -> list[Mismatch]:
        return [m for m in self.mismatches if m.explained_by is not None]


_STALE_DURATION = (
    "Project saved LateFinish 2009-04-21 17:00 for these unlinked tasks but 2009-04-23 17:00 for unlinked "
    "task 5 on the same calendar (project finish 2009-04-24 08:00): no scheduling rule gives both"
)
_STALE_SEGMENTS = (
    "Project saved late finishes for these unlinked tasks equal to other tasks' early finishes "
    "(2011-03-04 17:00, 2011-10-28 17:00), not the project finish 2012-07-20 17:00: no scheduling rule gives that"
)

#: Values Microsoft Project saved that no scheduling rule we know reproduces, with the diagnosis, keyed by
#: (file, UID, what). Each is a finding to revisit, not a pass: the test reports them as xfail.
KNOWN: dict[tuple[str, str, str], str] = {
    **{("mspdiduration.xml", uid, "total float"): _STALE_DURATION for uid in ("1", "2", "3", "4")},
    **{
        ("mspditimephasedsegments.xml", uid, "total float"): _STALE_SEGMENTS
        for uid in ("2", "3", "4", "5", "6", "7", "9", "19")
    },
}


def _covering(project: MspdiProject) -> dict[str, str]:
    """Task UID -> the unsupported feature its Project dates depend on: the tasks a feature names, their
    successors through links (transitively) and their summary tasks."""
    plan = project.plan
    children: dict[str, list[str]] = {}
    for t in plan.tasks:
        if t.parent is not None:
            children.setdefault(t.parent, []).append(t.id)
    parent = {t.id: t.parent for t in plan.tasks}

    def descendants(uid: str) -> list[str]:
        out, stack = [], [uid]
        while stack:
            for child in children.get(stack.pop(), []):
                out.append(child)
                stack.append(child)
        return out

    successors: dict[str, set[str]] = {}
    for link in plan.links:
        for pred in [link.predecessor, *descendants(link.predecessor)]:
            successors.setdefault(pred, set()).update([link.successor, *descendants(link.successor)])
    covering: dict[str, str] = {}
    for item in project.unsupported:
        stack = list(item.tasks or project.stored)
        while stack:
            uid = stack.pop()
            if uid in covering:
                continue
            covering[uid] = item.feature
            stack.extend(successors.get(uid, ()))
            if parent.get(uid) is not None:
                stack.append(parent[uid])  # type: ignore[arg-type]
    return covering


def compare(path: Path) -> FileResult:
    project = mspdi_read(path)
    result = FileResult(str(path.relative_to(DATA)) if path.is_relative_to(DATA) else path.name, project)
    result.tasks = len(project.plan.tasks)
    if not project.plan.tasks:
        return result
    try:
        computed = schedule(project.plan)
    except Exception as exc:  # reported in the table and failed by the test
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    covering = _covering(project)
    finish_moved = project.project_finish is not None and computed.finish_date != project.project_finish
    drivers = sorted(set(covering.values()))
    for uid, (es, ef, slack) in mspdi_dates(project).items():
        row = computed.task(uid)
        for key, what, expected, got in (
            ("start", "early start", es, row.early_start),
            ("finish", "early finish", ef, row.early_finish),
            ("float", "total float", slack, row.total_float),
        ):
            if expected is None:
                continue
            result.compared[key] += 1
            if expected == got:
                result.matched[key] += 1
            else:
                reason = covering.get(uid) or KNOWN.get((result.name, uid, what))
                if reason is None and key == "float" and finish_moved and drivers:
                    reason = f"project finish moved by: {'; '.join(drivers)}"
                result.mismatches.append(Mismatch(uid, row.name, what, expected, got, reason))
    return result


def table(results: list[FileResult]) -> str:
    lines = [
        "| file | tasks | starts | finishes | floats | not modelled |",
        "|---|---:|---:|---:|---:|---|",
    ]

    def cell(r: FileResult, key: str) -> str:
        return f"{r.matched[key]}/{r.compared[key]}" if r.compared[key] else "-"

    for r in results:
        features = "; ".join(str(u) for u in r.project.unsupported) or ""
        if r.project.application != "Microsoft Project":
            features = "; ".join(filter(None, [features, "dates written by GanttProject, not Project"]))
        if r.error:
            features = "; ".join(filter(None, [features, f"error: {r.error}"]))
        lines.append(
            f"| {r.name} | {r.tasks} | {cell(r, 'start')} | {cell(r, 'finish')} | {cell(r, 'float')} | {features} |"
        )
    total = {k: sum(r.matched[k] for r in results) for k in ("start", "finish", "float")}
    compared = {k: sum(r.compared[k] for r in results) for k in ("start", "finish", "float")}
    lines.append(
        f"| **all {len(results)} files** | {sum(r.tasks for r in results)} | {total['start']}/{compared['start']} | "
        f"{total['finish']}/{compared['finish']} | {total['float']}/{compared['float']} | |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    files = mspdi_files()
    if not files:
        sys.stderr.write(f"No MSPDI files under {DATA}\n")
        return 1
    results = [compare(path) for path in files]
    sys.stdout.write(table(results) + "\n")
    if "-v" in argv:
        for r in results:
            for m in r.mismatches:
                sys.stdout.write(f"{r.name}: {m}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
