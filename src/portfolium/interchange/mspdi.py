"""Microsoft Project XML (MSPDI) in: the schedule network as an engine Plan, plus the dates that Microsoft
Project computed and saved, so that our scheduler can be checked against the tool that wrote the file.

Field meanings follow Microsoft's MSPDI schema (mspdi_pj12.xsd) and MPXJ's reader: durations are ISO 8601
(``PT8H0M0S``) in working time unless ``DurationFormat`` says elapsed; ``LinkLag`` and ``TotalSlack`` are in
tenths of a minute; link ``Type`` 0=FF 1=FS 2=SF 3=SS; ``ConstraintType`` 0 ASAP 1 ALAP 2 MSO 3 MFO 4 SNET
5 SNLT 6 FNET 7 FNLT; week ``DayType`` 1 = Sunday ... 7 = Saturday, 0 = an exception (Project 2003 form).

>>> project = mspdi_read("tests/data/tiny.xml")  # doctest: +SKIP
>>> project.plan.tasks[0].duration, project.stored["1"].early_finish  # doctest: +SKIP
(480, datetime.datetime(2014, 10, 17, 17, 0))
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from portfolium.engine.calendars import (
    ELAPSED,
    NON_WORKING,
    STANDARD,
    Calendar,
    CalendarException,
    Day,
    Recurrence,
    RecurrenceKind,
    WorkingTime,
    WorkWeek,
)
from portfolium.engine.network import (
    MINUTES_PER_DAY_DEFAULT,
    Assignment,
    ConstraintType,
    LagUnit,
    Link,
    LinkType,
    Plan,
    Resource,
    Task,
)
from portfolium.interchange.errors import InterchangeError

MSPDI_NAMESPACE = "http://schemas.microsoft.com/project"

LINK_TYPES = {0: LinkType.FF, 1: LinkType.FS, 2: LinkType.SF, 3: LinkType.SS}
CONSTRAINTS = {
    0: ConstraintType.ASAP,
    1: ConstraintType.ALAP,
    2: ConstraintType.MSO,
    3: ConstraintType.MFO,
    4: ConstraintType.SNET,
    5: ConstraintType.SNLT,
    6: ConstraintType.FNET,
    7: ConstraintType.FNLT,
}
# DurationFormat / LagFormat: 3 m, 4 em, 5 h, 6 eh, 7 d, 8 ed, 9 w, 10 ew, 11 mo, 12 emo, 19 %, 20 e%,
# 21 null; 35-52 are the same plus 32, "estimated" (shown with a question mark).
ELAPSED_FORMATS = frozenset({4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52})
PERCENT_FORMATS = frozenset({19, 20, 51, 52})
UNASSIGNED_RESOURCE = -65535
WORK_RESOURCE = 1

_DURATION = re.compile(
    r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True, slots=True)
class StoredTask:
    """The dates and slack that Microsoft Project saved for one task (slack in minutes: the file has tenths)."""

    id: str
    name: str
    summary: bool
    milestone: bool
    manual: bool
    constraint: ConstraintType
    start: datetime | None
    finish: datetime | None
    early_start: datetime | None
    early_finish: datetime | None
    late_start: datetime | None
    late_finish: datetime | None
    total_slack: int | None
    free_slack: int | None
    critical: bool | None


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A feature in the file that the engine does not model; ``tasks`` lists the UIDs whose dates it may
    change (empty: the whole file)."""

    feature: str
    tasks: tuple[str, ...] = ()

    def __str__(self) -> str:
        if not self.tasks:
            return self.feature
        return f"{self.feature} (UID {', '.join(self.tasks)})"


@dataclass(frozen=True)
class MspdiProject:
    """One MSPDI file read: the Plan to schedule, what Microsoft Project stored, and what we could not model.

    Task ids in the Plan are the MSPDI task UIDs as strings; the project summary task (UID 0) is not a task.
    """

    path: Path
    plan: Plan
    stored: dict[str, StoredTask]
    project_start: datetime | None
    project_finish: datetime | None
    unsupported: tuple[Unsupported, ...] = ()
    notes: tuple[str, ...] = ()
    save_version: str | None = None
    application: str = "Microsoft Project"


def mspdi_read(path: str | Path) -> MspdiProject:
    """Read a Microsoft Project XML file. Raises :class:`InterchangeError` (one line) for anything that is
    not readable MSPDI."""
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InterchangeError(f"{path} is not well-formed XML: {exc}") from None
    except OSError as exc:
        raise InterchangeError(f"cannot read {path}: {exc.strerror or exc}") from None
    namespace, _, tag = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if tag != "Project" or namespace not in ("", MSPDI_NAMESPACE):
        raise InterchangeError(
            f"{path} is not a Microsoft Project XML (MSPDI) file: its root element is <{tag}>, not <Project>"
        )
    try:
        return _Reader(path, root, f"{{{namespace}}}" if namespace else "").read()
    except (ValueError, KeyError) as exc:
        raise InterchangeError(f"{path}: unreadable MSPDI data: {exc}") from None


# --- small parsers ----------------------------------------------------------------------------------------


def parse_duration(text: str) -> Decimal:
    """``PT8H30M0S`` -> minutes (may be fractional: Project stores seconds)."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an ISO 8601 duration")
    sign, days, hours, minutes, seconds = match.groups()
    total = (
        Decimal(days or 0) * 1440
        + Decimal(hours or 0) * 60
        + Decimal(minutes or 0)
        + Decimal(seconds or 0) / 60
    )
    return -total if sign else total


def parse_datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip())
    return moment.replace(tzinfo=None, microsecond=0)


def _time_of_day(text: str, *, end: bool) -> int:
    hours, minutes, *_ = text.strip().split(":")
    value = int(hours) * 60 + int(minutes)
    return 1440 if end and value == 0 else value


def _whole(minutes: Decimal) -> int:
    return int(minutes.to_integral_value(rounding=ROUND_HALF_UP))


# --- the reader -------------------------------------------------------------------------------------------


@dataclass
class _RawCalendar:
    uid: str
    name: str
    base: str | None
    days: dict[int, Day]
    exceptions: list[CalendarException]
    work_weeks: list[WorkWeek]


class _Reader:
    def __init__(self, path: Path, root: ET.Element, ns: str) -> None:
        self.path = path
        self.root = root
        self.ns = ns
        self.unsupported: list[Unsupported] = []
        self.notes: list[str] = []

    # element helpers

    def text(self, el: ET.Element, name: str) -> str | None:
        found = el.find(self.ns + name)
        if found is None or found.text is None or not found.text.strip():
            return None
        return found.text.strip()

    def int_(self, el: ET.Element, name: str, default: int | None = None) -> int | None:
        value = self.text(el, name)
        return default if value is None else int(Decimal(value))

    def flag(self, el: ET.Element, name: str) -> bool:
        return self.text(el, name) in ("1", "true")

    def moment(self, el: ET.Element, name: str) -> datetime | None:
        value = self.text(el, name)
        return None if value is None else parse_datetime(value)

    def all(self, el: ET.Element, path: str) -> list[ET.Element]:
        return el.findall("/".join(self.ns + part for part in path.split("/")))

    def unsupported_add(self, feature: str, uids: Iterable[str] = ()) -> None:
        self.unsupported.append(Unsupported(feature, tuple(uids)))

    # the whole file

    def read(self) -> MspdiProject:
        root = self.root
        minutes_per_day = self.int_(root, "MinutesPerDay", MINUTES_PER_DAY_DEFAULT) or MINUTES_PER_DAY_DEFAULT
        calendars = self.calendars()
        project_calendar = self.text(root, "CalendarUID")
        if project_calendar not in calendars:
            project_calendar = next(iter(calendars), None)
        start = self.moment(root, "StartDate")
        if start is None:
            raise ValueError("the project has no StartDate")
        if self.text(root, "ScheduleFromStart") == "0":
            self.unsupported_add("scheduled from the project finish date")
        tasks, stored, elapsed_used = self.tasks(calendars, minutes_per_day)
        task_ids = {t.id for t in tasks}
        links = self.links(task_ids)
        resources, resource_calendar = self.resources(calendars)
        assignments = self.assignments(task_ids, {r.id for r in resources})
        self.resource_calendar_check(tasks, assignments, resource_calendar, calendars, project_calendar)
        plan_calendars = tuple(calendars.values()) or (STANDARD,)
        if elapsed_used:
            plan_calendars += (ELAPSED,)
        plan = Plan(
            start=start,
            tasks=tuple(tasks),
            links=tuple(links),
            calendars=plan_calendars,
            calendar=project_calendar or STANDARD.id,
            status_date=self.moment(root, "StatusDate"),
            minutes_per_day=minutes_per_day,
            name=self.text(root, "Name") or self.text(root, "Title") or self.path.stem,
            resources=tuple(resources),
            assignments=tuple(assignments),
        )
        application = "Microsoft Project"
        if any(t.early_start is None for t in stored.values()) and stored:
            application = "not Microsoft Project (no EarlyStart saved)"
        return MspdiProject(
            path=self.path,
            plan=plan,
            stored=stored,
            project_start=start,
            project_finish=self.moment(root, "FinishDate"),
            unsupported=tuple(self.unsupported),
            notes=tuple(self.notes),
            save_version=self.text(root, "SaveVersion"),
            application=application,
        )

    # calendars

    def calendars(self) -> dict[str, Calendar]:
        raw: dict[str, _RawCalendar] = {}
        for el in self.all(self.root, "Calendars/Calendar"):
            cal = self.raw_calendar(el)
            raw[cal.uid] = cal
        resolved: dict[str, Calendar] = {}

        def resolve(uid: str, seen: tuple[str, ...] = ()) -> Calendar:
            if uid in resolved:
                return resolved[uid]
            cal = raw[uid]
            base = resolve(cal.base, (*seen, uid)) if cal.base in raw and cal.base not in seen else None
            default_week = base.week if base is not None else STANDARD.week
            week = tuple(cal.days.get(i, default_week[i]) for i in range(7))
            exceptions = tuple(cal.exceptions) + (base.exceptions if base is not None else ())
            work_weeks = tuple(cal.work_weeks) + (base.work_weeks if base is not None else ())
            resolved[uid] = Calendar(uid, cal.name, week, exceptions, work_weeks)
            return resolved[uid]

        for uid in raw:
            resolve(uid)
        return {uid: resolved[uid] for uid in raw}

    def raw_calendar(self, el: ET.Element) -> _RawCalendar:
        uid = self.text(el, "UID")
        if uid is None:
            raise ValueError("a calendar has no UID")
        base = self.text(el, "BaseCalendarUID")
        days: dict[int, Day] = {}
        old_exceptions: list[CalendarException] = []
        for day in self.all(el, "WeekDays/WeekDay"):
            day_type = self.int_(day, "DayType", -1)
            times = self.working_times(day)
            if day_type == 0:
                period = day.find(self.ns + "TimePeriod")
                frm = self.moment(period, "FromDate") if period is not None else None
                to = self.moment(period, "ToDate") if period is not None else None
                if frm is not None and to is not None:
                    old_exceptions.append(CalendarException(frm.date(), to.date(), times))
            elif day_type is not None and 1 <= day_type <= 7:
                days[(day_type + 5) % 7] = times  # DayType 1 = Sunday -> index 6; 2 = Monday -> 0
        exceptions = [e for e in (self.exception(x) for x in self.all(el, "Exceptions/Exception")) if e]
        work_weeks = [self.work_week(w) for w in self.all(el, "WorkWeeks/WorkWeek")]
        return _RawCalendar(
            uid=uid,
            name=self.text(el, "Name") or "",
            base=base if base not in (None, "-1") else None,
            days=days,
            # Project 2007+ writes both forms; the <Exceptions> element is the full one (as MPXJ reads it).
            exceptions=exceptions or old_exceptions,
            work_weeks=[w for w in work_weeks if w is not None],
        )

    def working_times(self, el: ET.Element) -> Day:
        if not self.flag(el, "DayWorking"):
            return NON_WORKING
        periods = []
        for wt in self.all(el, "WorkingTimes/WorkingTime"):
            frm, to = self.text(wt, "FromTime"), self.text(wt, "ToTime")
            if frm is not None and to is not None:
                periods.append(WorkingTime(_time_of_day(frm, end=False), _time_of_day(to, end=True)))
        if not periods:  # "working" with no times: Project's default hours
            return STANDARD.week[0]
        return tuple(sorted(periods))

    def exception(self, el: ET.Element) -> CalendarException | None:
        period = el.find(self.ns + "TimePeriod")
        frm = self.moment(period, "FromDate") if period is not None else None
        to = self.moment(period, "ToDate") if period is not None else None
        if frm is None or to is None:
            self.notes.append("a calendar exception without FromDate/ToDate was ignored")
            return None
        return CalendarException(
            frm.date(), to.date(), self.working_times(el), self.text(el, "Name") or "", self.recurrence(el)
        )

    def recurrence(self, el: ET.Element) -> Recurrence | None:
        """Exception ``Type``: 1 daily, 2 yearly on a date, 3 yearly on a weekday position, 4 monthly on a day,
        5 monthly on a weekday position, 6 weekly, 7 daily (as MPXJ reads them)."""
        kind_code = self.int_(el, "Type")
        period = self.int_(el, "Period", 1) or 1
        occurrences = self.int_(el, "Occurrences") if self.flag(el, "EnteredByOccurrences") else None
        if kind_code in (None, 0) or (kind_code in (1, 7) and period == 1):
            return None  # a plain date range
        if kind_code in (1, 7):
            return Recurrence(RecurrenceKind.DAILY, interval=period, occurrences=occurrences)
        if kind_code == 6:
            mask = self.int_(el, "DaysOfWeek", 0) or 0
            weekdays = frozenset((bit + 6) % 7 for bit in range(7) if mask & (1 << bit))  # bit 0 = Sunday
            return Recurrence(
                RecurrenceKind.WEEKLY, interval=period, weekdays=weekdays, occurrences=occurrences
            )
        relative = kind_code in (3, 5)
        weekday = week_of_month = month_day = None
        if relative:
            item = self.int_(el, "MonthItem", 0) or 0
            if not 3 <= item <= 9:
                self.unsupported_add(
                    f"calendar exception repeating on 'day/weekday/weekend day' (MonthItem {item})"
                )
                return None
            weekday = (item - 4) % 7  # MonthItem 3 = Sunday, 4 = Monday ... 9 = Saturday
            week_of_month = (self.int_(el, "MonthPosition", 0) or 0) + 1
        else:
            month_day = self.int_(el, "MonthDay", 1)
        if kind_code in (2, 3):
            month = (self.int_(el, "Month", 0) or 0) + 1
            return Recurrence(
                RecurrenceKind.YEARLY,
                month=month,
                month_day=month_day,
                week_of_month=week_of_month,
                weekday=weekday,
                occurrences=occurrences,
            )
        return Recurrence(
            RecurrenceKind.MONTHLY,
            interval=period,
            month_day=month_day,
            week_of_month=week_of_month,
            weekday=weekday,
            occurrences=occurrences,
        )

    def work_week(self, el: ET.Element) -> WorkWeek | None:
        period = el.find(self.ns + "TimePeriod")
        frm = self.moment(period, "FromDate") if period is not None else None
        to = self.moment(period, "ToDate") if period is not None else None
        if frm is None or to is None:
            return None
        days: list[Day | None] = [
            NON_WORKING
        ] * 7  # days a work week does not list are off (as MPXJ reads it)
        for day in self.all(el, "WeekDays/WeekDay"):
            day_type = self.int_(day, "DayType", -1)
            if day_type is not None and 1 <= day_type <= 7:
                days[(day_type + 5) % 7] = self.working_times(day)
        return WorkWeek(frm.date(), to.date(), tuple(days), self.text(el, "Name") or "")

    # tasks

    def tasks(
        self, calendars: dict[str, Calendar], minutes_per_day: int
    ) -> tuple[list[Task], dict[str, StoredTask], bool]:
        tasks: list[Task] = []
        stored: dict[str, StoredTask] = {}
        outline: list[tuple[int, str]] = []
        elapsed_used = False
        nulls, inactive = [], []
        for el in self.all(self.root, "Tasks/Task"):
            uid = self.text(el, "UID")
            if uid is None:
                continue
            level = self.int_(el, "OutlineLevel")
            if level is None and (number := self.text(el, "OutlineNumber")) is not None:
                level = 0 if number == "0" else number.count(".") + 1
            if self.flag(el, "IsNull"):
                nulls.append(uid)
                continue
            if level == 0 or (level is None and uid == "0"):
                continue  # the project summary task
            if self.text(el, "Active") == "0":
                inactive.append(uid)
                continue
            level = level or 1
            while outline and outline[-1][0] >= level:
                outline.pop()
            parent = outline[-1][1] if outline else None
            outline.append((level, uid))
            task, elapsed = self.task(el, uid, parent, calendars, minutes_per_day)
            elapsed_used = elapsed_used or elapsed
            tasks.append(task)
            stored[uid] = self.stored(el, uid, task)
        if nulls:
            self.notes.append(f"blank rows (null tasks) skipped: UID {', '.join(nulls)}")
        if inactive:
            self.notes.append(f"inactive tasks skipped: UID {', '.join(inactive)}")
        return tasks, stored, elapsed_used

    def task(
        self,
        el: ET.Element,
        uid: str,
        parent: str | None,
        calendars: dict[str, Calendar],
        minutes_per_day: int,
    ) -> tuple[Task, bool]:
        summary = self.flag(el, "Summary")
        fmt = self.int_(el, "DurationFormat", 7) or 7
        elapsed = fmt in ELAPSED_FORMATS and not summary
        raw = parse_duration(self.text(el, "Duration") or "PT0H0M0S")
        if raw != raw.to_integral_value() and not summary:
            self.unsupported_add("duration in fractions of a minute", [uid])
        duration = 0 if summary else max(0, _whole(raw))
        calendar = None
        calendar_uid = self.text(el, "CalendarUID")
        if calendar_uid not in (None, "-1"):
            if calendar_uid in calendars:
                calendar = calendar_uid
            else:
                self.notes.append(f"task UID {uid} names calendar {calendar_uid}, which the file lacks")
        if elapsed:
            calendar = ELAPSED.id
        constraint = CONSTRAINTS.get(self.int_(el, "ConstraintType", 0) or 0, ConstraintType.ASAP)
        constraint_date = None
        if constraint not in (ConstraintType.ASAP, ConstraintType.ALAP):
            constraint_date = self.moment(el, "ConstraintDate")
            if constraint_date is None:
                self.notes.append(f"task UID {uid}: {constraint.value} without a ConstraintDate read as ASAP")
                constraint = ConstraintType.ASAP
        actual_start, actual_finish = self.moment(el, "ActualStart"), self.moment(el, "ActualFinish")
        remaining = None
        if (
            actual_start is not None
            and actual_finish is None
            and (text := self.text(el, "RemainingDuration"))
        ):
            remaining = max(0, _whole(parse_duration(text)))
        manual = self.flag(el, "Manual")
        if self.int_(el, "LevelingDelay", 0):
            self.unsupported_add("leveling delay", [uid])
        if self.flag(el, "IsSubproject") or self.flag(el, "ExternalTask"):
            self.unsupported_add("inserted subproject or external task", [uid])
        return (
            Task(
                id=uid,
                name=self.text(el, "Name") or "",
                duration=duration,
                milestone=self.flag(el, "Milestone"),
                parent=parent,
                calendar=calendar,
                constraint=constraint,
                constraint_date=constraint_date,
                deadline=self.moment(el, "Deadline"),
                actual_start=actual_start,
                actual_finish=actual_finish,
                percent_complete=float(self.text(el, "PercentComplete") or 0),
                remaining_duration=remaining,
                manual_start=(self.moment(el, "ManualStart") or self.moment(el, "Start")) if manual else None,
                manual_finish=(self.moment(el, "ManualFinish") or self.moment(el, "Finish"))
                if manual
                else None,
            ),
            elapsed,
        )

    def stored(self, el: ET.Element, uid: str, task: Task) -> StoredTask:
        def slack(name: str) -> int | None:
            value = self.text(el, name)
            return None if value is None else _whole(Decimal(value) / 10)

        critical = self.text(el, "Critical")
        return StoredTask(
            id=uid,
            name=task.name,
            summary=self.flag(el, "Summary"),
            milestone=task.milestone,
            manual=self.flag(el, "Manual"),
            constraint=task.constraint,
            start=self.moment(el, "Start"),
            finish=self.moment(el, "Finish"),
            early_start=self.moment(el, "EarlyStart"),
            early_finish=self.moment(el, "EarlyFinish"),
            late_start=self.moment(el, "LateStart"),
            late_finish=self.moment(el, "LateFinish"),
            total_slack=slack("TotalSlack"),
            free_slack=slack("FreeSlack"),
            critical=None if critical is None else critical == "1",
        )

    # links

    def links(self, task_ids: set[str]) -> list[Link]:
        links: list[Link] = []
        for el in self.all(self.root, "Tasks/Task"):
            successor = self.text(el, "UID")
            for link in self.all(el, "PredecessorLink"):
                predecessor = self.text(link, "PredecessorUID")
                if predecessor is None or successor is None:
                    continue
                if self.flag(link, "CrossProject"):
                    name = self.text(link, "CrossProjectName") or "another project"
                    self.notes.append(f"cross-project link from {name} to UID {successor} ignored")
                    self.unsupported_add("cross-project link", [successor])
                    continue
                if predecessor not in task_ids or successor not in task_ids:
                    self.notes.append(
                        f"link {predecessor} -> {successor} ignored: a task is blank, inactive or missing"
                    )
                    continue
                link_type = LINK_TYPES.get(self.int_(link, "Type", 1) or 0, LinkType.FS)
                lag, unit = self.lag(link, successor)
                links.append(Link(predecessor, successor, link_type, lag, unit))
        return links

    def lag(self, link: ET.Element, successor: str) -> tuple[int, LagUnit]:
        fmt = self.int_(link, "LagFormat", 7) or 7
        value = Decimal(self.text(link, "LinkLag") or "0")
        if fmt in PERCENT_FORMATS:
            # MPXJ reads LinkLag of a percent lag as the percentage itself, not tenths of a minute.
            if fmt in ELAPSED_FORMATS:
                self.unsupported_add("elapsed-percent lag", [successor])
            return _whole(value), LagUnit.PERCENT
        minutes = value / 10
        if minutes != minutes.to_integral_value():
            self.unsupported_add("lag in fractions of a minute", [successor])
        return _whole(minutes), LagUnit.ELAPSED if fmt in ELAPSED_FORMATS else LagUnit.WORKING

    # resources

    def resources(self, calendars: dict[str, Calendar]) -> tuple[list[Resource], dict[str, str]]:
        resources: list[Resource] = []
        calendar_of: dict[str, str] = {}
        for el in self.all(self.root, "Resources/Resource"):
            uid, name = self.text(el, "UID"), self.text(el, "Name")
            if uid is None or (uid == "0" and not name):
                continue  # Project's unnamed placeholder resource
            if (self.int_(el, "Type", WORK_RESOURCE)) != WORK_RESOURCE:
                continue  # material and cost resources take no time
            calendar = self.text(el, "CalendarUID")
            calendar = calendar if calendar in calendars else None
            if calendar is not None:
                calendar_of[uid] = calendar
            units = self.text(el, "MaxUnits")
            resources.append(Resource(uid, name or "", calendar, float(units) if units else 1.0))
        return resources, calendar_of

    def assignments(self, task_ids: set[str], resource_ids: set[str]) -> list[Assignment]:
        out: list[Assignment] = []
        contoured: list[str] = []
        for el in self.all(self.root, "Assignments/Assignment"):
            task, resource = self.text(el, "TaskUID"), self.text(el, "ResourceUID")
            if task not in task_ids or resource not in resource_ids or task is None or resource is None:
                continue
            units = self.text(el, "Units")
            work = self.text(el, "Work")
            out.append(
                Assignment(
                    task,
                    resource,
                    float(units) if units else 1.0,
                    _whole(parse_duration(work)) if work else None,
                )
            )
            if self.int_(el, "WorkContour", 0):
                contoured.append(task)
        if contoured:
            self.unsupported_add("work contour on an assignment", sorted(set(contoured), key=_uid_key))
        return out

    def resource_calendar_check(
        self,
        tasks: list[Task],
        assignments: list[Assignment],
        resource_calendar: dict[str, str],
        calendars: dict[str, Calendar],
        project_calendar: str | None,
    ) -> None:
        """Project schedules a task with resources on the resources' calendars (unless the task ignores
        them); the engine uses the task's calendar, so flag every task where the two differ."""
        ignores = {
            self.text(el, "UID")
            for el in self.all(self.root, "Tasks/Task")
            if self.flag(el, "IgnoreResourceCalendar")
        }
        by_id = {t.id: t for t in tasks}
        parents = {t.parent for t in tasks}
        driven: set[str] = set()
        for a in assignments:
            task = by_id[a.task]
            if task.id in ignores or task.id in parents or task.manual_start is not None:
                continue
            if task.calendar == ELAPSED.id or a.resource not in resource_calendar:
                continue
            own = calendars.get(task.calendar or project_calendar or "")
            theirs = calendars[resource_calendar[a.resource]]
            if own is None or _working_pattern(own) != _working_pattern(theirs):
                driven.add(task.id)
        if driven:
            self.unsupported_add("resource calendar drives task dates", sorted(driven, key=_uid_key))


def _working_pattern(cal: Calendar) -> tuple[object, ...]:
    return (cal.week, cal.exceptions, cal.work_weeks)


def _uid_key(uid: str) -> tuple[int, str]:
    return (int(uid), uid) if uid.lstrip("-").isdigit() else (0, uid)


def mspdi_dates(project: MspdiProject) -> dict[str, tuple[datetime | None, datetime | None, int | None]]:
    """Per task UID, what Microsoft Project says the early start, early finish and total slack are:
    EarlyStart/EarlyFinish where saved, else Start/Finish (not for ALAP or manual tasks, whose Start is not
    their early start)."""
    out = {}
    for uid, s in project.stored.items():
        es, ef = s.early_start, s.early_finish
        if es is None and s.constraint is not ConstraintType.ALAP and not s.manual:
            es, ef = s.start, s.finish
        out[uid] = (es, ef, s.total_slack)
    return out


__all__ = [
    "MspdiProject",
    "StoredTask",
    "Unsupported",
    "mspdi_dates",
    "mspdi_read",
    "parse_datetime",
    "parse_duration",
]
