"""The Portfolium plan format: a whole schedule network as one JSON document, and the schedule as JSON.

``plan_load`` checks a document against ``plan.schema.json`` and the cross-references the schema cannot
express, then builds an engine :class:`~portfolium.engine.network.Plan`; ``plan_dump`` writes the canonical
document back (``plan_dump(plan_load(doc)) == doc`` for a canonical document). See docs/plan-format.md.

>>> doc = {"format": "portfolium-plan", "version": 1, "start": "2026-01-05T08:00",
...        "tasks": [{"id": "a", "duration": "2d"}, {"id": "b", "duration": "4h"}],
...        "links": [{"predecessor": "a", "successor": "b", "lag": "1ed"}]}
>>> plan = plan_load(doc)
>>> plan.links[0].lag, plan.links[0].lag_unit.value
(1440, 'elapsed')
>>> plan_dump(plan) == doc
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from portfolium.engine.calendars import (
    STANDARD,
    Calendar,
    CalendarException,
    Day,
    Recurrence,
    RecurrenceKind,
    WorkingTime,
    WorkWeek,
    from_minutes,
)
from portfolium.engine.network import (
    MINUTES_PER_DAY_DEFAULT,
    Assignment,
    ConstraintType,
    LagCalendar,
    LagUnit,
    Link,
    LinkType,
    Plan,
    Resource,
    Schedule,
    Task,
    ThreePoint,
)
from portfolium.interchange.errors import InterchangeError, PlanFormatError

FORMAT = "portfolium-plan"
VERSION = 1
SCHEDULE_FORMAT = "portfolium-schedule"

WORKING_UNITS = {"m": 1, "h": 60}  # "d" and "w" depend on the plan's minutes per day
ELAPSED_UNITS = {"em": 1, "eh": 60, "ed": 1440, "ew": 10080}
DAYS_PER_WEEK = 5
_AMOUNT = re.compile(r"^(-?[0-9]+(?:\.[0-9]+)?)(m|h|d|w|em|eh|ed|ew|%)$")


@cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema of the plan format (shipped as package data beside this module)."""
    text = resources.files("portfolium.interchange").joinpath("plan.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


# --- loading ----------------------------------------------------------------------------------------------


def plan_load(data: Mapping[str, Any] | str | Path) -> Plan:
    """Validate a plan document and build the engine's Plan.

    ``data`` is the parsed document, JSON text (a string starting with ``{``) or the path of a ``.json`` file.
    Raises :class:`PlanFormatError` naming the JSON path of the first problem (``tasks[2].duration: ...``),
    or :class:`InterchangeError` when the file cannot be read.
    """
    doc = _document(data)
    _validate_schema(doc)
    return _Loader(doc).plan()


def _document(data: Mapping[str, Any] | str | Path) -> Any:
    if isinstance(data, Mapping):
        return data
    if isinstance(data, str) and data.lstrip().startswith("{"):
        text, where = data, "the plan"
    else:
        path = Path(data)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise InterchangeError(f"cannot read {path}: {reason}") from None
        where = str(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        raise PlanFormatError("", message, file=where) from None


def json_path(parts: Iterable[str | int]) -> str:
    """``["tasks", 2, "duration"]`` -> ``tasks[2].duration``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(plan_schema())


def _validate_schema(doc: Any) -> None:
    error = best_match(_validator().iter_errors(doc))
    if error is None:
        return
    path = json_path(error.absolute_path)
    defs = plan_schema()["$defs"]

    def within(name: str) -> bool:
        return error.schema == defs[name] or error.schema in defs[name].get("oneOf", [])

    if within("duration"):
        message = f"{error.instance!r} is not a duration: give whole minutes or a number with a unit (90m, 4h, 1.5d, 2w)"
    elif within("lag"):
        message = (
            f"{error.instance!r} is not a lag: give working time (2d, 4h), elapsed time (3ed, 12eh) "
            "or a percentage of the predecessor (50%)"
        )
    elif within("datetime"):
        message = f"{error.instance!r} is not a date and time like 2026-01-05T08:00"
    elif within("date"):
        message = f"{error.instance!r} is not a date like 2026-12-25"
    elif within("time"):
        message = f"{error.instance!r} is not a time of day like 08:00 (24:00 ends a day)"
    elif error.validator == "required" and error.schema.get("required") == ["constraint_date"]:
        message = "a dated constraint needs constraint_date"
    else:
        message = error.message
    raise PlanFormatError(path or "(document)", message)


class _Loader:
    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.minutes_per_day = int(doc.get("minutes_per_day", MINUTES_PER_DAY_DEFAULT))

    def plan(self) -> Plan:
        d = self.doc
        calendars = (
            tuple(self.calendar(c, ("calendars", i)) for i, c in enumerate(d["calendars"]))
            if "calendars" in d
            else (STANDARD,)
        )
        calendar_ids = _unique([c.id for c in calendars], "calendars")
        plan_calendar = d.get("calendar", STANDARD.id)
        if plan_calendar not in calendar_ids:
            raise PlanFormatError(
                "calendar",
                f"{plan_calendar!r} is not one of the calendars ({', '.join(sorted(calendar_ids))})",
            )
        tasks = tuple(self.task(t, i) for i, t in enumerate(d["tasks"]))
        task_ids = _unique([t.id for t in tasks], "tasks")
        for i, task in enumerate(tasks):
            if task.parent is not None and task.parent not in task_ids:
                raise PlanFormatError(f"tasks[{i}].parent", f"no task has the id {task.parent!r}")
            if task.calendar is not None and task.calendar not in calendar_ids:
                raise PlanFormatError(f"tasks[{i}].calendar", f"no calendar has the id {task.calendar!r}")
        _check_parent_loops(tasks)
        links = tuple(self.link(link, i, task_ids) for i, link in enumerate(d.get("links", [])))
        resources_ = tuple(self.resource(r, i, calendar_ids) for i, r in enumerate(d.get("resources", [])))
        resource_ids = _unique([r.id for r in resources_], "resources")
        assignments = tuple(
            self.assignment(a, i, task_ids, resource_ids) for i, a in enumerate(d.get("assignments", []))
        )
        return Plan(
            start=_datetime(d["start"], "start"),
            tasks=tasks,
            links=links,
            calendars=calendars,
            calendar=plan_calendar,
            deadline=_opt_datetime(d, "deadline", "deadline"),
            status_date=_opt_datetime(d, "status_date", "status_date"),
            lag_calendar=LagCalendar(d.get("lag_calendar", LagCalendar.PROJECT.value)),
            minutes_per_day=self.minutes_per_day,
            name=d.get("name", ""),
            resources=resources_,
            assignments=assignments,
        )

    # one object each

    def task(self, t: Mapping[str, Any], i: int) -> Task:
        at = f"tasks[{i}]"
        constraint = ConstraintType(t.get("constraint", ConstraintType.ASAP.value))
        estimate = None
        if "estimate" in t:
            e = t["estimate"]
            o, m, p = (
                self.duration(e[k], f"{at}.estimate.{k}")
                for k in ("optimistic", "most_likely", "pessimistic")
            )
            if not o <= m <= p:
                raise PlanFormatError(f"{at}.estimate", "needs optimistic <= most_likely <= pessimistic")
            estimate = ThreePoint(o, m, p)
        task = Task(
            id=t["id"],
            name=t.get("name", ""),
            duration=self.duration(t.get("duration", 0), f"{at}.duration"),
            milestone=bool(t.get("milestone", False)),
            parent=t.get("parent"),
            calendar=t.get("calendar"),
            constraint=constraint,
            constraint_date=_opt_datetime(t, "constraint_date", f"{at}.constraint_date"),
            deadline=_opt_datetime(t, "deadline", f"{at}.deadline"),
            actual_start=_opt_datetime(t, "actual_start", f"{at}.actual_start"),
            actual_finish=_opt_datetime(t, "actual_finish", f"{at}.actual_finish"),
            percent_complete=float(t.get("percent_complete", 0.0)),
            remaining_duration=self.duration(t["remaining"], f"{at}.remaining") if "remaining" in t else None,
            estimate=estimate,
            manual_start=_opt_datetime(t, "manual_start", f"{at}.manual_start"),
            manual_finish=_opt_datetime(t, "manual_finish", f"{at}.manual_finish"),
        )
        if task.parent == task.id:
            raise PlanFormatError(f"{at}.parent", "a task cannot be its own parent")
        if task.actual_start and task.actual_finish and task.actual_finish < task.actual_start:
            raise PlanFormatError(f"{at}.actual_finish", "is before actual_start")
        if task.manual_start and task.manual_finish and task.manual_finish < task.manual_start:
            raise PlanFormatError(f"{at}.manual_finish", "is before manual_start")
        return task

    def link(self, link: Mapping[str, Any], i: int, task_ids: set[str]) -> Link:
        at = f"links[{i}]"
        for end in ("predecessor", "successor"):
            if link[end] not in task_ids:
                raise PlanFormatError(f"{at}.{end}", f"no task has the id {link[end]!r}")
        if link["predecessor"] == link["successor"]:
            raise PlanFormatError(at, f"links task {link['predecessor']!r} to itself")
        lag, unit = self.lag(link.get("lag", 0), f"{at}.lag")
        return Link(link["predecessor"], link["successor"], LinkType(link.get("type", "FS")), lag, unit)

    def calendar(self, c: Mapping[str, Any], where: tuple[str, int]) -> Calendar:
        at = json_path(where)
        week = tuple(_day(day, f"{at}.week[{n}]") for n, day in enumerate(c["week"]))
        exceptions = []
        for n, e in enumerate(c.get("exceptions", [])):
            e_at = f"{at}.exceptions[{n}]"
            start, finish = _date(e["start"], f"{e_at}.start"), _date(e["finish"], f"{e_at}.finish")
            if finish < start:
                raise PlanFormatError(f"{e_at}.finish", "is before start")
            recurrence = _recurrence(e["recurrence"], f"{e_at}.recurrence") if "recurrence" in e else None
            exceptions.append(
                CalendarException(
                    start,
                    finish,
                    _day(e.get("working_times", []), f"{e_at}.working_times"),
                    e.get("name", ""),
                    recurrence,
                )
            )
        work_weeks = []
        for n, w in enumerate(c.get("work_weeks", [])):
            w_at = f"{at}.work_weeks[{n}]"
            start, finish = _date(w["start"], f"{w_at}.start"), _date(w["finish"], f"{w_at}.finish")
            if finish < start:
                raise PlanFormatError(f"{w_at}.finish", "is before start")
            days = tuple(
                None if day is None else _day(day, f"{w_at}.days[{k}]") for k, day in enumerate(w["days"])
            )
            work_weeks.append(WorkWeek(start, finish, days, w.get("name", "")))
        return Calendar(c["id"], c.get("name", ""), week, tuple(exceptions), tuple(work_weeks))

    def resource(self, r: Mapping[str, Any], i: int, calendar_ids: set[str]) -> Resource:
        if "calendar" in r and r["calendar"] not in calendar_ids:
            raise PlanFormatError(f"resources[{i}].calendar", f"no calendar has the id {r['calendar']!r}")
        return Resource(r["id"], r.get("name", ""), r.get("calendar"), float(r.get("max_units", 1.0)))

    def assignment(
        self, a: Mapping[str, Any], i: int, task_ids: set[str], resource_ids: set[str]
    ) -> Assignment:
        if a["task"] not in task_ids:
            raise PlanFormatError(f"assignments[{i}].task", f"no task has the id {a['task']!r}")
        if a["resource"] not in resource_ids:
            raise PlanFormatError(f"assignments[{i}].resource", f"no resource has the id {a['resource']!r}")
        work = self.duration(a["work"], f"assignments[{i}].work") if "work" in a else None
        return Assignment(a["task"], a["resource"], float(a.get("units", 1.0)), work)

    # amounts of time

    def duration(self, value: int | str, at: str) -> int:
        if isinstance(value, int):
            return value
        minutes, unit = self._amount(value, at)
        if unit is not LagUnit.WORKING or minutes < 0:
            raise PlanFormatError(at, f"{value!r} is not a working duration (90m, 4h, 1.5d, 2w)")
        return minutes

    def lag(self, value: int | str, at: str) -> tuple[int, LagUnit]:
        if isinstance(value, int):
            return value, LagUnit.WORKING
        return self._amount(value, at)

    def _amount(self, text: str, at: str) -> tuple[int, LagUnit]:
        match = _AMOUNT.match(text)
        if match is None:
            raise PlanFormatError(at, f"{text!r} is not an amount of time")
        number, unit = Decimal(match.group(1)), match.group(2)
        if unit == "%":
            return int(number), LagUnit.PERCENT
        if unit in ELAPSED_UNITS:
            scale, kind = ELAPSED_UNITS[unit], LagUnit.ELAPSED
        else:
            scale = {"d": self.minutes_per_day, "w": DAYS_PER_WEEK * self.minutes_per_day}.get(
                unit
            ) or WORKING_UNITS[unit]
            kind = LagUnit.WORKING
        try:
            minutes = number * scale
            if minutes != minutes.to_integral_value():
                raise InvalidOperation
        except InvalidOperation:
            raise PlanFormatError(at, f"{text!r} is not a whole number of minutes") from None
        return int(minutes), kind


def _unique(ids: list[str], where: str) -> set[str]:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            raise PlanFormatError(f"{where}[{i}].id", f"the id {item!r} is used twice")
        seen.add(item)
    return seen


def _check_parent_loops(tasks: tuple[Task, ...]) -> None:
    parent = {t.id: t.parent for t in tasks}
    index = {t.id: i for i, t in enumerate(tasks)}
    for task in tasks:
        seen = {task.id}
        up = task.parent
        while up is not None:
            if up in seen:
                raise PlanFormatError(
                    f"tasks[{index[task.id]}].parent", f"the parents of {task.id!r} form a loop"
                )
            seen.add(up)
            up = parent.get(up)


def _datetime(text: str, at: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise PlanFormatError(at, f"{text!r} is not a valid date and time") from None


def _opt_datetime(obj: Mapping[str, Any], key: str, at: str) -> datetime | None:
    return _datetime(obj[key], at) if key in obj else None


def _date(text: str, at: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PlanFormatError(at, f"{text!r} is not a valid date") from None


def _minutes_of_day(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _day(periods: list[list[str]], at: str) -> Day:
    day: list[WorkingTime] = []
    for n, (start, end) in enumerate(periods):
        wt = WorkingTime(_minutes_of_day(start), _minutes_of_day(end))
        if wt.end <= wt.start:
            raise PlanFormatError(f"{at}[{n}]", f"{start}-{end} ends before it starts")
        if day and wt.start < day[-1].end:
            raise PlanFormatError(f"{at}[{n}]", f"{start}-{end} overlaps or precedes the period before it")
        day.append(wt)
    return tuple(day)


def _recurrence(r: Mapping[str, Any], at: str) -> Recurrence:
    kind = RecurrenceKind(r["kind"])
    rec = Recurrence(
        kind=kind,
        interval=r.get("interval", 1),
        weekdays=frozenset(r.get("weekdays", [])),
        month_day=r.get("month_day"),
        month=r.get("month"),
        week_of_month=r.get("week_of_month"),
        weekday=r.get("weekday"),
        occurrences=r.get("occurrences"),
    )
    positional = rec.week_of_month is not None and rec.weekday is not None
    if kind is RecurrenceKind.WEEKLY and not rec.weekdays:
        raise PlanFormatError(f"{at}.weekdays", "a weekly recurrence needs weekdays (0 = Monday)")
    if kind is RecurrenceKind.MONTHLY and rec.month_day is None and not positional:
        raise PlanFormatError(at, "a monthly recurrence needs month_day, or week_of_month and weekday")
    if kind is RecurrenceKind.YEARLY and (rec.month is None or (rec.month_day is None and not positional)):
        raise PlanFormatError(
            at, "a yearly recurrence needs month, and month_day or week_of_month and weekday"
        )
    return rec


# --- dumping ----------------------------------------------------------------------------------------------


def plan_dump(plan: Plan) -> dict[str, Any]:
    """The canonical plan document: defaults left out, durations as strings in the largest exact unit."""
    mpd = plan.minutes_per_day
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if plan.name:
        doc["name"] = plan.name
    doc["start"] = iso(plan.start)
    if plan.deadline is not None:
        doc["deadline"] = iso(plan.deadline)
    if plan.status_date is not None:
        doc["status_date"] = iso(plan.status_date)
    if plan.calendar != STANDARD.id:
        doc["calendar"] = plan.calendar
    if mpd != MINUTES_PER_DAY_DEFAULT:
        doc["minutes_per_day"] = mpd
    if plan.lag_calendar is not LagCalendar.PROJECT:
        doc["lag_calendar"] = plan.lag_calendar.value
    if plan.calendars != (STANDARD,):
        doc["calendars"] = [_calendar_dump(c) for c in plan.calendars]
    doc["tasks"] = [_task_dump(t, mpd) for t in plan.tasks]
    if plan.links:
        doc["links"] = [_link_dump(link, mpd) for link in plan.links]
    if plan.resources:
        doc["resources"] = [_resource_dump(r) for r in plan.resources]
    if plan.assignments:
        doc["assignments"] = [_assignment_dump(a, mpd) for a in plan.assignments]
    return doc


def iso(moment: datetime) -> str:
    """``2026-01-05T08:00`` (seconds only when there are some)."""
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")


def duration_text(minutes: int, minutes_per_day: int = MINUTES_PER_DAY_DEFAULT) -> str:
    """Working minutes in the largest unit that holds them exactly: 960 -> ``2d``, 90 -> ``90m``."""
    if minutes_per_day and minutes % minutes_per_day == 0:
        return f"{minutes // minutes_per_day}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def lag_text(lag: int, unit: LagUnit, minutes_per_day: int = MINUTES_PER_DAY_DEFAULT) -> str:
    if unit is LagUnit.PERCENT:
        return f"{lag}%"
    if unit is LagUnit.ELAPSED:
        for suffix in ("ed", "eh"):
            if lag % ELAPSED_UNITS[suffix] == 0:
                return f"{lag // ELAPSED_UNITS[suffix]}{suffix}"
        return f"{lag}em"
    sign = "-" if lag < 0 else ""
    return sign + duration_text(abs(lag), minutes_per_day)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_dump(day: Day) -> list[list[str]]:
    return [[_hhmm(wt.start), _hhmm(wt.end)] for wt in day]


def _calendar_dump(c: Calendar) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.id}
    if c.name:
        out["name"] = c.name
    out["week"] = [_day_dump(day) for day in c.week]
    if c.exceptions:
        out["exceptions"] = [_exception_dump(e) for e in c.exceptions]
    if c.work_weeks:
        out["work_weeks"] = [
            {
                **({"name": w.name} if w.name else {}),
                "start": w.start.isoformat(),
                "finish": w.finish.isoformat(),
                "days": [None if day is None else _day_dump(day) for day in w.days],
            }
            for w in c.work_weeks
        ]
    return out


def _exception_dump(e: CalendarException) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if e.name:
        out["name"] = e.name
    out["start"], out["finish"] = e.start.isoformat(), e.finish.isoformat()
    if e.working_times:
        out["working_times"] = _day_dump(e.working_times)
    if e.recurrence is not None:
        r = e.recurrence
        rec: dict[str, Any] = {"kind": r.kind.value}
        if r.interval != 1:
            rec["interval"] = r.interval
        if r.weekdays:
            rec["weekdays"] = sorted(r.weekdays)
        for key in ("month_day", "month", "week_of_month", "weekday", "occurrences"):
            if getattr(r, key) is not None:
                rec[key] = getattr(r, key)
        out["recurrence"] = rec
    return out


def _task_dump(t: Task, mpd: int) -> dict[str, Any]:
    out: dict[str, Any] = {"id": t.id}
    if t.name:
        out["name"] = t.name
    if t.parent is not None:
        out["parent"] = t.parent
    if t.duration:
        out["duration"] = duration_text(t.duration, mpd)
    if t.milestone:
        out["milestone"] = True
    if t.calendar is not None:
        out["calendar"] = t.calendar
    if t.constraint is not ConstraintType.ASAP:
        out["constraint"] = t.constraint.value
    for key in ("constraint_date", "deadline", "actual_start", "actual_finish"):
        value = getattr(t, key)
        if value is not None:
            out[key] = iso(value)
    if t.percent_complete:
        out["percent_complete"] = _number(t.percent_complete)
    if t.remaining_duration is not None:
        out["remaining"] = duration_text(t.remaining_duration, mpd)
    if t.estimate is not None:
        e = t.estimate
        out["estimate"] = {
            "optimistic": duration_text(e.optimistic, mpd),
            "most_likely": duration_text(e.most_likely, mpd),
            "pessimistic": duration_text(e.pessimistic, mpd),
        }
    for key in ("manual_start", "manual_finish"):
        value = getattr(t, key)
        if value is not None:
            out[key] = iso(value)
    return out


def _link_dump(link: Link, mpd: int) -> dict[str, Any]:
    out: dict[str, Any] = {"predecessor": link.predecessor, "successor": link.successor}
    if link.type is not LinkType.FS:
        out["type"] = link.type.value
    if link.lag or link.lag_unit is not LagUnit.WORKING:
        out["lag"] = lag_text(link.lag, link.lag_unit, mpd)
    return out


def _resource_dump(r: Resource) -> dict[str, Any]:
    out: dict[str, Any] = {"id": r.id}
    if r.name:
        out["name"] = r.name
    if r.calendar is not None:
        out["calendar"] = r.calendar
    if r.max_units != 1.0:
        out["max_units"] = _number(r.max_units)
    return out


def _assignment_dump(a: Assignment, mpd: int) -> dict[str, Any]:
    out: dict[str, Any] = {"task": a.task, "resource": a.resource}
    if a.units != 1.0:
        out["units"] = _number(a.units)
    if a.work is not None:
        out["work"] = duration_text(a.work, mpd)
    return out


# --- the schedule as JSON ---------------------------------------------------------------------------------


def schedule_dump(plan: Plan, schedule: Schedule) -> dict[str, Any]:
    """The computed schedule (``portfolium schedule --json``): dates ISO 8601, floats in working minutes."""
    project: dict[str, Any] = {
        "name": plan.name,
        "start": iso(from_minutes(schedule.project_start)),
        "finish": iso(from_minutes(schedule.project_finish)),
    }
    if plan.deadline is not None:
        project["deadline"] = iso(plan.deadline)
    project["minutes_per_day"] = plan.minutes_per_day
    project["critical_path"] = schedule.critical_path
    tasks = []
    for row in schedule.rows():
        tasks.append(
            {
                "id": row.id,
                "name": row.name,
                "start": iso(row.start),
                "finish": iso(row.finish),
                "early_start": iso(row.early_start),
                "early_finish": iso(row.early_finish),
                "late_start": iso(row.late_start),
                "late_finish": iso(row.late_finish),
                "total_float": row.total_float,
                "free_float": row.free_float,
                "critical": row.critical,
                "summary": row.summary,
                "milestone": row.milestone,
            }
        )
    return {"format": SCHEDULE_FORMAT, "version": VERSION, "project": project, "tasks": tasks}


__all__ = [
    "duration_text",
    "iso",
    "json_path",
    "lag_text",
    "plan_dump",
    "plan_load",
    "plan_schema",
    "schedule_dump",
]
