"""File formats in and out of the scheduling engine: the Portfolium plan (JSON), Microsoft Project XML
(MSPDI) and PSPLIB instances, converted to and from :mod:`portfolium.engine` dataclasses. No Django here.

>>> from portfolium.interchange import plan_load
>>> plan_load({"format": "portfolium-plan", "version": 1, "start": "2026-01-05T08:00",
...            "tasks": [{"id": "a", "duration": "2d"}]}).tasks[0].duration
960
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from portfolium.engine.network import Plan
from portfolium.interchange.errors import InterchangeError, PlanFormatError
from portfolium.interchange.plan import plan_dump, plan_load, schedule_dump

FORMATS = {".json": "plan", ".xml": "mspdi", ".sm": "psplib"}
FORMAT_NAMES = {"plan": "Portfolium plan", "mspdi": "Microsoft Project XML", "psplib": "PSPLIB instance"}


@dataclass(frozen=True)
class PlanFile:
    """A plan read from a file, with the format it was in and what the reader could not model."""

    path: Path
    format: str
    plan: Plan
    notes: tuple[str, ...] = ()


def plan_format_detect(path: Path) -> str:
    """``plan``, ``mspdi`` or ``psplib``: by the file's extension, else by its first characters."""
    if path.suffix.lower() in FORMATS:
        return FORMATS[path.suffix.lower()]
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("latin-1")
    except OSError as exc:
        raise InterchangeError(f"cannot read {path}: {exc.strerror or exc}") from None
    stripped = head.lstrip("\ufeff\r\n\t ")
    if stripped.startswith("{"):
        return "plan"
    if stripped.startswith("<") and "<Project" in head:
        return "mspdi"
    if "PRECEDENCE RELATIONS" in head or "jobs (incl. supersource/sink" in head:
        return "psplib"
    raise InterchangeError(
        f"cannot tell the format of {path}: expected a Portfolium plan (.json), "
        "Microsoft Project XML (.xml) or a PSPLIB instance (.sm)"
    )


def plan_file_read(path: str | Path) -> PlanFile:
    """Read any supported plan file. Raises :class:`InterchangeError` with one line naming the file."""
    path = Path(path)
    if not path.is_file():
        raise InterchangeError(f"{path}: no such file" if not path.exists() else f"{path} is not a file")
    kind = plan_format_detect(path)
    if kind == "mspdi":
        from portfolium.interchange.mspdi import mspdi_read

        project = mspdi_read(path)
        notes = tuple(f"not modelled: {u}" for u in project.unsupported) + project.notes
        return PlanFile(path, kind, project.plan, notes)
    if kind == "psplib":
        from portfolium.interchange.psplib import psplib_read

        return PlanFile(path, kind, psplib_read(path), ("resources are not levelled: CPM dates only",))
    try:
        return PlanFile(path, kind, plan_load(path))
    except PlanFormatError as exc:
        raise PlanFormatError(exc.path, exc.detail, file=str(path)) from None


__all__ = [
    "FORMAT_NAMES",
    "InterchangeError",
    "PlanFile",
    "PlanFormatError",
    "plan_dump",
    "plan_file_read",
    "plan_format_detect",
    "plan_load",
    "schedule_dump",
]
