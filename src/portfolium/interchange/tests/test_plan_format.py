"""The Portfolium plan format: what it accepts, what it refuses (naming the JSON path), and that it round-trips."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolium.engine.calendars import (
    ELAPSED,
    STANDARD,
    Calendar,
    CalendarException,
    Recurrence,
    RecurrenceKind,
    WorkingTime,
    WorkWeek,
)
from portfolium.engine.network import (
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
from portfolium.interchange import InterchangeError, PlanFormatError, plan_dump, plan_load, schedule_dump
from portfolium.interchange.plan import duration_text, lag_text

DATA = Path(__file__).parent / "data"
EXAMPLES = sorted(DATA.glob("*.json"))
DOCS_EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "plan-format.md"


def minimal(**extra: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "format": "portfolium-plan",
        "version": 1,
        "start": "2026-01-05T08:00",
        "tasks": [{"id": "a", "duration": "2d"}, {"id": "b"}],
    }
    doc.update(extra)
    return doc


# --- round trips ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_a_canonical_document_round_trips_exactly(example):
    doc = json.loads(example.read_text())
    assert plan_dump(plan_load(doc)) == doc


def test_the_example_in_the_format_documentation_loads_and_round_trips():
    text = DOCS_EXAMPLE.read_text()
    block = text.split("```json", 1)[1].split("```", 1)[0]
    doc = json.loads(block)
    assert plan_dump(plan_load(doc)) == doc


def test_a_plan_reads_from_a_path_from_json_text_and_from_a_dict(tmp_path):
    doc = minimal()
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    assert plan_load(path) == plan_load(str(path)) == plan_load(json.dumps(doc)) == plan_load(doc)


def test_the_house_example_holds_every_field_as_the_engine_sees_it():
    plan = plan_load(DATA / "house.json")
    office = plan.calendars[0]
    assert plan.calendar == "office" and office.week[4] == (WorkingTime(480, 720), WorkingTime(780, 960))
    assert office.exceptions[1].working_times == (WorkingTime(540, 780),)
    assert office.exceptions[2].recurrence == Recurrence(RecurrenceKind.MONTHLY, week_of_month=1, weekday=0)
    assert office.work_weeks[0].days[1] is None and office.work_weeks[0].days[0] == (WorkingTime(420, 900),)
    tasks = {t.id: t for t in plan.tasks}
    assert tasks["plans"].parent == "design" and tasks["plans"].estimate == ThreePoint(960, 1440, 2400)
    assert tasks["plans"].remaining_duration == 480 and tasks["plans"].percent_complete == 60.0
    assert tasks["build"].duration == 10 * 480 and tasks["build"].calendar == "crew"
    assert tasks["permit"].constraint is ConstraintType.SNET
    assert tasks["permit"].constraint_date == datetime(2026, 3, 9, 8)
    assert tasks["paint"].duration == 90 and tasks["approved"].milestone
    links = {(link.predecessor, link.successor): link for link in plan.links}
    assert (
        links["permit", "approved"].lag == 2 * 1440
        and links["permit", "approved"].lag_unit is LagUnit.ELAPSED
    )
    assert links["approved", "build"].lag == -480 and links["approved", "build"].type is LinkType.SS
    assert links["build", "paint"].lag == 50 and links["build", "paint"].lag_unit is LagUnit.PERCENT
    assert plan.resources[1] == Resource("crew", "Crew", "crew", 3.0)
    assert plan.assignments[0] == Assignment("plans", "ana", 0.5, 720)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [(45, 45), ("45m", 45), ("2h", 120), ("1.5d", 720), ("2w", 4800), ("0.25h", 15), ("0d", 0)],
)
def test_durations_take_minutes_or_a_number_with_a_unit(text, minutes):
    doc = minimal(tasks=[{"id": "a", "duration": text}])
    assert plan_load(doc).tasks[0].duration == minutes


def test_a_day_is_the_plans_minutes_per_day():
    doc = minimal(minutes_per_day=450, tasks=[{"id": "a", "duration": "2d"}])
    plan = plan_load(doc)
    assert plan.tasks[0].duration == 900
    assert plan_dump(plan) == doc


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "0d"), (480, "1d"), (960, "2d"), (120, "2h"), (90, "90m"), (500, "500m")]
)
def test_durations_are_written_in_the_largest_exact_unit(minutes, text):
    assert duration_text(minutes, 480) == text


@pytest.mark.parametrize(
    ("lag", "unit", "text"),
    [
        (-480, LagUnit.WORKING, "-1d"),
        (-90, LagUnit.WORKING, "-90m"),
        (2880, LagUnit.ELAPSED, "2ed"),
        (-60, LagUnit.ELAPSED, "-1eh"),
        (25, LagUnit.ELAPSED, "25em"),
        (50, LagUnit.PERCENT, "50%"),
    ],
)
def test_lags_keep_their_unit_in_writing(lag, unit, text):
    assert lag_text(lag, unit, 480) == text


# --- refusals ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "path", "words"),
    [
        (minimal(tasks=[{"id": "a", "duration": "5x"}]), "tasks[0].duration", "is not a duration"),
        (minimal(tasks=[{"id": "a", "duration": -5}]), "tasks[0].duration", "is not a duration"),
        (minimal(tasks=[{"id": "a", "duration": "0.3m"}]), "tasks[0].duration", "whole number of minutes"),
        (minimal(tasks=[{"id": "a", "constraint": "SNET"}]), "tasks[0]", "needs constraint_date"),
        (minimal(tasks=[{"id": "a", "constraint": "SOON"}]), "tasks[0].constraint", "is not one of"),
        (minimal(tasks=[{"id": "a"}, {"id": "a"}]), "tasks[1].id", "used twice"),
        (minimal(tasks=[{"id": "a", "parent": "x"}]), "tasks[0].parent", "no task has the id 'x'"),
        (minimal(tasks=[{"id": "a", "parent": "b"}, {"id": "b", "parent": "a"}]), "tasks[0].parent", "loop"),
        (minimal(tasks=[{"id": "a", "calendar": "night"}]), "tasks[0].calendar", "no calendar"),
        (minimal(links=[{"predecessor": "a", "successor": "zz"}]), "links[0].successor", "'zz'"),
        (minimal(links=[{"predecessor": "a", "successor": "a"}]), "links[0]", "to itself"),
        (
            minimal(links=[{"predecessor": "a", "successor": "b", "lag": "2x"}]),
            "links[0].lag",
            "is not a lag",
        ),
        (
            minimal(links=[{"predecessor": "a", "successor": "b", "type": "XY"}]),
            "links[0].type",
            "is not one of",
        ),
        (minimal(start="2026-13-01T08:00"), "start", "not a valid date"),
        (minimal(start="tomorrow"), "start", "is not a date and time"),
        (minimal(calendar="night"), "calendar", "'night' is not one of the calendars"),
        (minimal(version=2), "version", "1 was expected"),
        (minimal(colour="red"), "(document)", "'colour' was unexpected"),
        (minimal(calendars=[{"id": "c", "week": [[]] * 6}]), "calendars[0].week", "too short"),
        (
            minimal(calendars=[{"id": "c", "week": [[["09:00", "08:00"]]] + [[]] * 6}]),
            "calendars[0].week[0][0]",
            "ends before it starts",
        ),
        (
            minimal(calendars=[{"id": "c", "week": [[["08:00", "25:00"]]] + [[]] * 6}]),
            "calendars[0].week[0][0][1]",
            "not a time of day",
        ),
        (
            minimal(
                calendar="c",
                calendars=[
                    {
                        "id": "c",
                        "week": [[]] * 7,
                        "exceptions": [{"start": "2026-01-02", "finish": "2026-01-01"}],
                    }
                ],
            ),
            "calendars[0].exceptions[0].finish",
            "before start",
        ),
        (
            minimal(
                calendar="c",
                calendars=[
                    {
                        "id": "c",
                        "week": [[]] * 7,
                        "exceptions": [
                            {"start": "2026-01-01", "finish": "2026-12-31", "recurrence": {"kind": "weekly"}}
                        ],
                    }
                ],
            ),
            "calendars[0].exceptions[0].recurrence.weekdays",
            "needs weekdays",
        ),
        (
            minimal(
                tasks=[
                    {"id": "a", "estimate": {"optimistic": "3d", "most_likely": "2d", "pessimistic": "4d"}}
                ]
            ),
            "tasks[0].estimate",
            "optimistic <= most_likely",
        ),
        (
            minimal(resources=[{"id": "r"}], assignments=[{"task": "a", "resource": "s"}]),
            "assignments[0].resource",
            "no resource has the id 's'",
        ),
    ],
)
def test_a_bad_document_is_refused_naming_the_json_path(doc, path, words):
    with pytest.raises(PlanFormatError) as caught:
        plan_load(doc)
    assert caught.value.path == path
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")
    assert "\n" not in str(caught.value)


def test_a_file_that_is_not_json_is_refused_with_its_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "portfolium-plan",\n  "version": }')
    with pytest.raises(PlanFormatError, match=r"broken.json: not JSON: .* line 2"):
        plan_load(path)


def test_a_missing_file_is_an_interchange_error(tmp_path):
    with pytest.raises(InterchangeError, match="cannot read .*nope.json"):
        plan_load(tmp_path / "nope.json")


# --- load(dump(plan)) == plan for any plan ----------------------------------------------------------------

ids = st.text("abcdefgh", min_size=1, max_size=3)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)
days_off = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1))


@st.composite
def working_days(draw: st.DrawFn) -> tuple[WorkingTime, ...]:
    cuts = sorted(draw(st.sets(st.integers(0, 1440), max_size=6)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    return tuple(WorkingTime(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2))


@st.composite
def calendars(draw: st.DrawFn, cal_id: str) -> Calendar:
    week = tuple(draw(working_days()) for _ in range(7))
    exceptions = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(days_off)
        finish = start + timedelta(days=draw(st.integers(0, 30)))
        recurrence = draw(
            st.one_of(
                st.none(),
                st.builds(
                    Recurrence,
                    kind=st.just(RecurrenceKind.WEEKLY),
                    interval=st.integers(1, 4),
                    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
                    occurrences=st.none() | st.integers(1, 9),
                ),
                st.builds(
                    Recurrence,
                    kind=st.just(RecurrenceKind.YEARLY),
                    month=st.integers(1, 12),
                    month_day=st.integers(1, 28),
                ),
                st.builds(
                    Recurrence,
                    kind=st.just(RecurrenceKind.MONTHLY),
                    week_of_month=st.integers(1, 5),
                    weekday=st.integers(0, 6),
                ),
            )
        )
        exceptions.append(
            CalendarException(start, finish, draw(working_days()), draw(st.text(max_size=5)), recurrence)
        )
    work_weeks = []
    for _ in range(draw(st.integers(0, 1))):
        start = draw(days_off)
        days = tuple(draw(st.none() | working_days()) for _ in range(7))
        work_weeks.append(WorkWeek(start, start + timedelta(days=60), days, draw(st.text(max_size=5))))
    return Calendar(cal_id, draw(st.text(max_size=8)), week, tuple(exceptions), tuple(work_weeks))


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    mpd = draw(st.sampled_from([480, 450, 1440, 420]))
    cals = (STANDARD,) if draw(st.booleans()) else (draw(calendars("c1")), ELAPSED)
    cal_ids = [c.id for c in cals]
    task_ids = sorted(draw(st.sets(ids, min_size=1, max_size=6)))
    tasks = []
    for n, tid in enumerate(task_ids):
        constraint = draw(st.sampled_from(list(ConstraintType)))
        dated = constraint not in (ConstraintType.ASAP, ConstraintType.ALAP)
        o = draw(st.integers(0, 5000))
        tasks.append(
            Task(
                id=tid,
                name=draw(st.text(max_size=10)),
                duration=draw(st.integers(0, 100_000)),
                milestone=draw(st.booleans()),
                parent=draw(st.none() | st.sampled_from(task_ids[:n])) if n else None,
                calendar=draw(st.none() | st.sampled_from(cal_ids)),
                constraint=constraint,
                constraint_date=draw(moments) if dated else draw(st.none() | moments),
                deadline=draw(st.none() | moments),
                actual_start=draw(st.none() | moments),
                percent_complete=draw(st.sampled_from([0.0, 12.5, 50.0, 100.0])),
                remaining_duration=draw(st.none() | st.integers(0, 9999)),
                estimate=draw(st.none() | st.just(ThreePoint(o, o + 60, o + 600))),
            )
        )
    links = tuple(
        Link(
            a,
            b,
            draw(st.sampled_from(list(LinkType))),
            *draw(
                st.one_of(
                    st.tuples(st.integers(-5000, 5000), st.just(LagUnit.WORKING)),
                    st.tuples(st.integers(-5000, 5000), st.just(LagUnit.ELAPSED)),
                    st.tuples(st.integers(-100, 300), st.just(LagUnit.PERCENT)),
                )
            ),
        )
        for a, b in draw(
            st.lists(
                st.tuples(st.sampled_from(task_ids), st.sampled_from(task_ids)).filter(
                    lambda pair: pair[0] != pair[1]
                ),
                max_size=5,
            )
        )
    )
    resources = tuple(
        Resource(
            f"r{i}",
            draw(st.text(max_size=4)),
            draw(st.none() | st.sampled_from(cal_ids)),
            draw(st.sampled_from([1.0, 0.5, 2.0, 12.0])),
        )
        for i in range(draw(st.integers(0, 2)))
    )
    assignments = tuple(
        Assignment(
            draw(st.sampled_from(task_ids)),
            r.id,
            draw(st.sampled_from([1.0, 0.25, 3.0])),
            draw(st.none() | st.integers(0, 9999)),
        )
        for r in resources
    )
    return Plan(
        start=draw(moments),
        tasks=tuple(tasks),
        links=links,
        calendars=cals,
        calendar=draw(st.sampled_from(cal_ids)),
        deadline=draw(st.none() | moments),
        status_date=draw(st.none() | moments),
        lag_calendar=draw(st.sampled_from(list(LagCalendar))),
        minutes_per_day=mpd,
        name=draw(st.text(max_size=10)),
        resources=resources,
        assignments=assignments,
    )


@settings(max_examples=150, deadline=None)
@given(plans())
def test_any_plan_survives_dump_then_load(plan):
    doc = plan_dump(plan)
    assert plan_load(json.loads(json.dumps(doc))) == plan


# --- the schedule as JSON ---------------------------------------------------------------------------------


def test_the_schedule_json_has_iso_dates_and_floats_in_working_minutes():
    plan = plan_load(minimal(name="Tiny"))
    base = 13_782_720  # 2026-03-16 08:00 on the engine's axis
    schedule = Schedule(
        ids=("a", "b"),
        names=("A", "B"),
        start=[base, base],
        finish=[base + 1980, base],
        early_start=[base, base],
        early_finish=[base + 1980, base],
        late_start=[base, base + 1980],
        late_finish=[base + 1980, base + 1980],
        total_float=[0, 960],
        free_float=[0, 960],
        critical=[True, False],
        summary=[False, False],
        milestone=[False, True],
        project_start=base,
        project_finish=base + 1980,
    )
    out = schedule_dump(plan, schedule)
    assert out["project"] == {
        "name": "Tiny",
        "start": "2026-03-16T08:00",
        "finish": "2026-03-17T17:00",
        "minutes_per_day": 480,
        "critical_path": ["a"],
    }
    assert out["tasks"][1] == {
        "id": "b",
        "name": "B",
        "start": "2026-03-16T08:00",
        "finish": "2026-03-16T08:00",
        "early_start": "2026-03-16T08:00",
        "early_finish": "2026-03-16T08:00",
        "late_start": "2026-03-17T17:00",
        "late_finish": "2026-03-17T17:00",
        "total_float": 960,
        "free_float": 960,
        "critical": False,
        "summary": False,
        "milestone": True,
    }
    json.dumps(out)  # plain JSON types only
