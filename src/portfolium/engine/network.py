"""The scheduling network: tasks, links, constraints and the schedule computed from them.

Inputs are frozen dataclasses with datetimes only where a person typed a date (constraints, actuals, project
start); durations and lags are integer minutes. The output, :class:`Schedule`, is columnar (one list per
field, indexed like ``Plan.tasks``) so that a million-task network does not build a million objects; use
``Schedule.task(id)`` or ``Schedule.rows()`` for per-task records with datetimes.

>>> from datetime import datetime
>>> plan = Plan(start=datetime(2026, 1, 5, 8), tasks=(Task("a", duration=480), Task("b", duration=960)),
...             links=(Link("a", "b"),))
>>> from portfolium.engine.cpm import schedule
>>> schedule(plan).task("b").early_finish
datetime.datetime(2026, 1, 7, 17, 0)
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from portfolium.engine.calendars import STANDARD, Calendar

if TYPE_CHECKING:
    from portfolium.engine.calendars import WorkClock

MINUTES_PER_DAY_DEFAULT = 480


class LinkType(enum.StrEnum):
    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


class LagUnit(enum.StrEnum):
    """How ``Link.lag`` is measured.

    ``working``: working minutes; ``elapsed``: calendar minutes (24 h a day, 7 days a week);
    ``percent``: percent of the predecessor's duration (``lag=50`` is half of it), in working time.
    """

    WORKING = "working"
    ELAPSED = "elapsed"
    PERCENT = "percent"


class ConstraintType(enum.StrEnum):
    ASAP = "ASAP"  # as soon as possible (default)
    ALAP = "ALAP"  # as late as possible
    SNET = "SNET"  # start no earlier than
    SNLT = "SNLT"  # start no later than
    FNET = "FNET"  # finish no earlier than
    FNLT = "FNLT"  # finish no later than
    MSO = "MSO"  # must start on
    MFO = "MFO"  # must finish on


#: Constraints that need ``Task.constraint_date``.
DATED_CONSTRAINTS = frozenset(
    {
        ConstraintType.SNET,
        ConstraintType.SNLT,
        ConstraintType.FNET,
        ConstraintType.FNLT,
        ConstraintType.MSO,
        ConstraintType.MFO,
    }
)


class LagCalendar(enum.StrEnum):
    """Which calendar measures working-time lags. Microsoft Project uses the project calendar."""

    PROJECT = "project"
    SUCCESSOR = "successor"


@dataclass(frozen=True, slots=True)
class ThreePoint:
    """Optimistic, most likely and pessimistic durations in working minutes, for schedule risk analysis."""

    optimistic: int
    most_likely: int
    pessimistic: int


@dataclass(frozen=True, slots=True)
class Task:
    """One activity. A task that is some other task's ``parent`` is a summary: its own duration is ignored
    and its dates roll up from its children; links to or from it apply to all its descendants.

    ``duration`` is in working minutes of the task's calendar (``calendar=None`` means the plan's calendar).
    ``milestone`` marks a zero-duration event. Progress: ``actual_start``/``actual_finish`` pin the dates
    that happened; ``percent_complete`` (0-100) and ``remaining_duration`` describe what is left
    (``remaining_duration`` wins when both are given).
    """

    id: str
    name: str = ""
    duration: int = 0
    milestone: bool = False
    parent: str | None = None
    calendar: str | None = None
    constraint: ConstraintType = ConstraintType.ASAP
    constraint_date: datetime | None = None
    deadline: datetime | None = None
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    percent_complete: float = 0.0
    remaining_duration: int | None = None
    estimate: ThreePoint | None = None
    #: Manually scheduled (Microsoft Project's "Manual" mode): the task keeps ``manual_start``/``manual_finish``.
    manual_start: datetime | None = None
    manual_finish: datetime | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """``predecessor`` -> ``successor`` of ``type`` with ``lag`` (negative lag is lead) in ``lag_unit``."""

    predecessor: str
    successor: str
    type: LinkType = LinkType.FS
    lag: int = 0
    lag_unit: LagUnit = LagUnit.WORKING


@dataclass(frozen=True, slots=True)
class Resource:
    id: str
    name: str = ""
    calendar: str | None = None
    max_units: float = 1.0


@dataclass(frozen=True, slots=True)
class Assignment:
    task: str
    resource: str
    units: float = 1.0
    work: int | None = None  # working minutes


@dataclass(frozen=True)
class Plan:
    """A whole network. ``start`` is the project start; ``deadline`` (optional) a must-finish-by date that
    makes float negative when the network cannot meet it; ``status_date`` the as-of date for progress."""

    start: datetime
    tasks: tuple[Task, ...]
    links: tuple[Link, ...] = ()
    calendars: tuple[Calendar, ...] = (STANDARD,)
    calendar: str = STANDARD.id
    deadline: datetime | None = None
    status_date: datetime | None = None
    lag_calendar: LagCalendar = LagCalendar.PROJECT
    minutes_per_day: int = MINUTES_PER_DAY_DEFAULT
    name: str = ""
    resources: tuple[Resource, ...] = ()
    assignments: tuple[Assignment, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskSchedule:
    """One task's computed dates (naive local datetimes) and floats (working minutes of its calendar)."""

    id: str
    name: str
    start: datetime
    finish: datetime
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    total_float: int
    free_float: int
    critical: bool
    summary: bool
    milestone: bool


@dataclass(frozen=True)
class Schedule:
    """The result of :func:`portfolium.engine.cpm.schedule`, columnar.

    Times are integer minutes on the engine's time axis (see ``calendars.to_minutes``); ``start``/``finish``
    are the scheduled dates (equal to the early dates except for ALAP and manually scheduled tasks).
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    start: list[int]
    finish: list[int]
    early_start: list[int]
    early_finish: list[int]
    late_start: list[int]
    late_finish: list[int]
    total_float: list[int]
    free_float: list[int]
    critical: list[bool]
    summary: list[bool]
    milestone: list[bool]
    project_start: int
    project_finish: int
    index: dict[str, int] = field(repr=False, default_factory=dict)
    clocks: dict[str, WorkClock] = field(repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        if not self.index:
            self.index.update({task_id: i for i, task_id in enumerate(self.ids)})

    def task(self, task_id: str) -> TaskSchedule:
        return self._row(self.index[task_id])

    def rows(self) -> Iterator[TaskSchedule]:
        for i in range(len(self.ids)):
            yield self._row(i)

    @property
    def finish_date(self) -> datetime:
        from portfolium.engine.calendars import from_minutes

        return from_minutes(self.project_finish)

    @property
    def critical_path(self) -> list[str]:
        """Ids of the critical non-summary tasks in order of early start."""
        picked = [i for i in range(len(self.ids)) if self.critical[i] and not self.summary[i]]
        picked.sort(key=lambda i: (self.early_start[i], self.early_finish[i]))
        return [self.ids[i] for i in picked]

    def _row(self, i: int) -> TaskSchedule:
        from portfolium.engine.calendars import from_minutes

        return TaskSchedule(
            id=self.ids[i],
            name=self.names[i],
            start=from_minutes(self.start[i]),
            finish=from_minutes(self.finish[i]),
            early_start=from_minutes(self.early_start[i]),
            early_finish=from_minutes(self.early_finish[i]),
            late_start=from_minutes(self.late_start[i]),
            late_finish=from_minutes(self.late_finish[i]),
            total_float=self.total_float[i],
            free_float=self.free_float[i],
            critical=self.critical[i],
            summary=self.summary[i],
            milestone=self.milestone[i],
        )
