"""Reading Microsoft Project XML: the network, the calendars, what Project stored, and what we cannot model."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from portfolium.engine.calendars import EIGHT_TO_FIVE, ELAPSED, Recurrence, RecurrenceKind, WorkingTime
from portfolium.engine.network import ConstraintType, LagUnit, LinkType
from portfolium.interchange import InterchangeError
from portfolium.interchange.mspdi import mspdi_dates, mspdi_read, parse_duration
from portfolium.interchange.tests.oracle import DATA

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"shared test data not found at {DATA}")

STANDARD_WEEK = """
<WeekDays>
  <WeekDay><DayType>1</DayType><DayWorking>0</DayWorking></WeekDay>
  {weekdays}
  <WeekDay><DayType>7</DayType><DayWorking>0</DayWorking></WeekDay>
</WeekDays>
"""
WORKDAY = """<WeekDay><DayType>{n}</DayType><DayWorking>1</DayWorking><WorkingTimes>
  <WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime></WorkingTime>
  <WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00</ToTime></WorkingTime>
</WorkingTimes></WeekDay>"""


def mspdi(
    calendars: str = "", tasks: str = "", extra: str = "", resources: str = "", assignments: str = ""
) -> str:
    week = STANDARD_WEEK.format(weekdays="".join(WORKDAY.format(n=n) for n in range(2, 7)))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <Name>Synthetic</Name><StartDate>2026-03-02T08:00:00</StartDate><MinutesPerDay>480</MinutesPerDay>
  <CalendarUID>1</CalendarUID>{extra}
  <Calendars>
    <Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>
      <BaseCalendarUID>-1</BaseCalendarUID>{week}</Calendar>
    {calendars}
  </Calendars>
  <Tasks>
    <Task><UID>0</UID><ID>0</ID><OutlineLevel>0</OutlineLevel><Summary>1</Summary></Task>
    {tasks}
  </Tasks>
  <Resources>{resources}</Resources>
  <Assignments>{assignments}</Assignments>
</Project>"""


def task(uid: int, level: int = 1, **fields: str) -> str:
    body = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items() if k != "links")
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>T{uid}</Name><OutlineLevel>{level}</OutlineLevel>"
        f"{body}{fields.get('links', '')}</Task>"
    )


def link(pred: int, kind: int = 1, lag: int = 0, fmt: int = 7, cross: int = 0) -> str:
    return (
        f"<PredecessorLink><PredecessorUID>{pred}</PredecessorUID><Type>{kind}</Type>"
        f"<CrossProject>{cross}</CrossProject><LinkLag>{lag}</LinkLag><LagFormat>{fmt}</LagFormat></PredecessorLink>"
    )


def read(tmp_path, text: str):
    path = tmp_path / "p.xml"
    path.write_text(text)
    return mspdi_read(path)


# --- tasks and links --------------------------------------------------------------------------------------


def test_outline_levels_make_the_wbs_and_the_project_summary_is_not_a_task(tmp_path):
    project = read(
        tmp_path, mspdi(tasks=task(1, 1, Summary=1) + task(2, 2) + task(3, 3) + task(4, 2) + task(5, 1))
    )
    parents = {t.id: t.parent for t in project.plan.tasks}
    assert parents == {"1": None, "2": "1", "3": "2", "4": "1", "5": None}


def test_durations_constraints_and_progress_are_read(tmp_path):
    tasks = (
        task(
            1,
            Duration="PT12H30M0S",
            DurationFormat=7,
            ConstraintType=4,
            ConstraintDate="2026-03-04T08:00:00",
            Deadline="2026-03-20T17:00:00",
            PercentComplete=40,
            ActualStart="2026-03-02T08:00:00",
            RemainingDuration="PT7H30M0S",
        )
        + task(2, Duration="PT24H0M0S", DurationFormat=8, ConstraintType=1)
        + task(3, Duration="PT0H0M0S", Milestone=1, ConstraintType=3, ConstraintDate="2026-03-10T17:00:00")
        + task(
            4,
            Duration="PT8H0M0S",
            Manual=1,
            ManualStart="2026-03-05T08:00:00",
            ManualFinish="2026-03-05T17:00:00",
        )
    )
    project = read(tmp_path, mspdi(tasks=tasks))
    t = {x.id: x for x in project.plan.tasks}
    assert t["1"].duration == 750 and t["1"].calendar is None
    assert (t["1"].constraint, t["1"].constraint_date) == (ConstraintType.SNET, datetime(2026, 3, 4, 8))
    assert t["1"].deadline == datetime(2026, 3, 20, 17) and t["1"].percent_complete == 40.0
    assert t["1"].actual_start == datetime(2026, 3, 2, 8) and t["1"].remaining_duration == 450
    assert (
        t["2"].duration == 1440 and t["2"].calendar == ELAPSED.id and t["2"].constraint is ConstraintType.ALAP
    )
    assert ELAPSED in project.plan.calendars
    assert t["3"].milestone and t["3"].constraint is ConstraintType.MFO
    assert (t["4"].manual_start, t["4"].manual_finish) == (datetime(2026, 3, 5, 8), datetime(2026, 3, 5, 17))


def test_link_types_and_lags_follow_the_mspdi_codes(tmp_path):
    tasks = (
        task(1)
        + task(2, links=link(1, 0, 4800, 7) + link(3, 2, -9600, 8))
        + task(3, links=link(1, 3, 50, 19))
    )
    tasks += task(4, links=link(1, 1, 24000, 9) + link(2, 1, 0, 7, cross=1))
    project = read(tmp_path, mspdi(tasks=tasks))
    links = {(x.predecessor, x.successor): x for x in project.plan.links}
    assert (links["1", "2"].type, links["1", "2"].lag, links["1", "2"].lag_unit) == (
        LinkType.FF,
        480,
        LagUnit.WORKING,
    )
    assert (links["3", "2"].type, links["3", "2"].lag, links["3", "2"].lag_unit) == (
        LinkType.SF,
        -960,
        LagUnit.ELAPSED,
    )
    assert (links["1", "3"].type, links["1", "3"].lag, links["1", "3"].lag_unit) == (
        LinkType.SS,
        50,
        LagUnit.PERCENT,
    )
    assert (links["1", "4"].type, links["1", "4"].lag) == (LinkType.FS, 2400)
    assert ("2", "4") not in links
    assert any("cross-project link" in note for note in project.notes)
    assert any(u.feature == "cross-project link" and u.tasks == ("4",) for u in project.unsupported)


def test_null_and_inactive_tasks_are_skipped_with_a_note(tmp_path):
    tasks = (
        task(1)
        + "<Task><UID>2</UID><IsNull>1</IsNull><OutlineLevel>0</OutlineLevel></Task>"
        + task(3, Active=0)
    )
    tasks += task(4, links=link(3))
    project = read(tmp_path, mspdi(tasks=tasks))
    assert [t.id for t in project.plan.tasks] == ["1", "4"]
    assert project.plan.links == ()
    assert any("null tasks" in n and "2" in n for n in project.notes)
    assert any("inactive" in n for n in project.notes)


def test_what_project_stored_is_kept_with_slack_in_minutes(tmp_path):
    fields = {
        "Start": "2026-03-02T08:00:00",
        "Finish": "2026-03-02T17:00:00",
        "EarlyStart": "2026-03-02T08:00:00",
        "EarlyFinish": "2026-03-02T17:00:00",
        "LateStart": "2026-03-03T08:00:00",
        "LateFinish": "2026-03-03T17:00:00",
        "TotalSlack": 4800,
        "FreeSlack": 0,
        "Critical": 0,
    }
    project = read(tmp_path, mspdi(tasks=task(1, **fields)))
    stored = project.stored["1"]
    assert stored.total_slack == 480 and stored.free_slack == 0 and stored.critical is False
    assert mspdi_dates(project)["1"] == (datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 17), 480)


# --- calendars --------------------------------------------------------------------------------------------


def test_week_days_are_monday_first_and_derived_calendars_inherit(tmp_path):
    derived = """<Calendar><UID>2</UID><Name>Night</Name><IsBaseCalendar>0</IsBaseCalendar>
      <BaseCalendarUID>1</BaseCalendarUID><WeekDays>
        <WeekDay><DayType>2</DayType><DayWorking>1</DayWorking><WorkingTimes>
          <WorkingTime><FromTime>22:00:00</FromTime><ToTime>00:00:00</ToTime></WorkingTime></WorkingTimes></WeekDay>
        <WeekDay><DayType>0</DayType><DayWorking>0</DayWorking><TimePeriod><FromDate>2026-03-10T00:00:00</FromDate>
          <ToDate>2026-03-11T23:59:00</ToDate></TimePeriod></WeekDay>
      </WeekDays></Calendar>"""
    project = read(tmp_path, mspdi(calendars=derived, tasks=task(1, CalendarUID=2)))
    cals = {c.id: c for c in project.plan.calendars}
    assert cals["1"].week[0] == EIGHT_TO_FIVE and cals["1"].week[5] == () and cals["1"].week[6] == ()
    assert cals["2"].week[0] == (WorkingTime(22 * 60, 1440),)
    assert cals["2"].week[1] == EIGHT_TO_FIVE  # Tuesday comes from the base calendar
    assert [(e.start, e.finish, e.working_times) for e in cals["2"].exceptions] == [
        (date(2026, 3, 10), date(2026, 3, 11), ())
    ]
    assert project.plan.tasks[0].calendar == "2" and project.plan.calendar == "1"


def test_exceptions_with_recurrence_and_work_weeks_are_read(tmp_path):
    cal = """<Calendar><UID>3</UID><Name>Rec</Name><IsBaseCalendar>1</IsBaseCalendar><BaseCalendarUID>-1</BaseCalendarUID>
      <Exceptions>
        <Exception><EnteredByOccurrences>0</EnteredByOccurrences><TimePeriod><FromDate>2026-12-25T00:00:00</FromDate>
          <ToDate>2030-12-25T23:59:00</ToDate></TimePeriod><Occurrences>5</Occurrences><Name>Xmas</Name>
          <Type>2</Type><Month>11</Month><MonthDay>25</MonthDay><DayWorking>0</DayWorking></Exception>
        <Exception><EnteredByOccurrences>1</EnteredByOccurrences><TimePeriod><FromDate>2026-01-05T00:00:00</FromDate>
          <ToDate>2026-06-01T23:59:00</ToDate></TimePeriod><Occurrences>6</Occurrences><Name>First Monday</Name>
          <Type>5</Type><Period>1</Period><MonthItem>4</MonthItem><MonthPosition>0</MonthPosition>
          <DayWorking>1</DayWorking><WorkingTimes><WorkingTime><FromTime>09:00:00</FromTime>
          <ToTime>12:00:00</ToTime></WorkingTime></WorkingTimes></Exception>
        <Exception><TimePeriod><FromDate>2026-02-02T00:00:00</FromDate><ToDate>2026-03-30T23:59:00</ToDate>
          </TimePeriod><Name>Fridays and Mondays</Name><Type>6</Type><Period>2</Period><DaysOfWeek>34</DaysOfWeek>
          <DayWorking>0</DayWorking></Exception>
        <Exception><TimePeriod><FromDate>2026-04-01T00:00:00</FromDate><ToDate>2026-04-03T23:59:00</ToDate>
          </TimePeriod><Name>Offsite</Name><Type>1</Type><Period>1</Period><DayWorking>0</DayWorking></Exception>
        <Exception><TimePeriod><FromDate>2026-05-01T00:00:00</FromDate><ToDate>2026-05-31T23:59:00</ToDate>
          </TimePeriod><Name>Last Friday</Name><Type>3</Type><Month>4</Month><MonthItem>8</MonthItem>
          <MonthPosition>4</MonthPosition><DayWorking>0</DayWorking></Exception>
      </Exceptions>
      <WorkWeeks><WorkWeek><TimePeriod><FromDate>2026-07-01T00:00:00</FromDate><ToDate>2026-08-31T23:59:00</ToDate>
        </TimePeriod><Name>Summer</Name><WeekDays><WeekDay><DayType>2</DayType><DayWorking>1</DayWorking>
        <WorkingTimes><WorkingTime><FromTime>07:00:00</FromTime><ToTime>15:00:00</ToTime></WorkingTime></WorkingTimes>
        </WeekDay></WeekDays></WorkWeek></WorkWeeks></Calendar>"""
    project = read(tmp_path, mspdi(calendars=cal, tasks=task(1)))
    rec = {c.id: c for c in project.plan.calendars}["3"]
    by_name = {e.name: e for e in rec.exceptions}
    assert by_name["Xmas"].recurrence == Recurrence(RecurrenceKind.YEARLY, month=12, month_day=25)
    assert by_name["First Monday"].recurrence == Recurrence(
        RecurrenceKind.MONTHLY, week_of_month=1, weekday=0, occurrences=6
    )
    assert by_name["First Monday"].working_times == (WorkingTime(540, 720),)
    assert by_name["Fridays and Mondays"].recurrence == Recurrence(
        RecurrenceKind.WEEKLY, interval=2, weekdays=frozenset({0, 4})
    )
    assert by_name["Offsite"].recurrence is None and by_name["Offsite"].finish == date(2026, 4, 3)
    assert by_name["Last Friday"].recurrence == Recurrence(
        RecurrenceKind.YEARLY, month=5, week_of_month=5, weekday=4
    )
    summer = rec.work_weeks[0]
    assert summer.name == "Summer" and summer.days[0] == (WorkingTime(420, 900),) and summer.days[1] == ()


def test_a_resource_calendar_that_differs_is_reported_for_the_tasks_it_drives(tmp_path):
    night = """<Calendar><UID>2</UID><Name>R</Name><IsBaseCalendar>0</IsBaseCalendar><BaseCalendarUID>1</BaseCalendarUID>
      <WeekDays><WeekDay><DayType>7</DayType><DayWorking>1</DayWorking></WeekDay></WeekDays></Calendar>
      <Calendar><UID>3</UID><Name>Same</Name><IsBaseCalendar>0</IsBaseCalendar><BaseCalendarUID>1</BaseCalendarUID>
      </Calendar>"""
    resources = (
        "<Resource><UID>1</UID><Name>Ana</Name><Type>1</Type><CalendarUID>2</CalendarUID>"
        "<MaxUnits>0.5</MaxUnits></Resource>"
        "<Resource><UID>2</UID><Name>Bo</Name><Type>1</Type><CalendarUID>3</CalendarUID></Resource>"
    )
    assignments = (
        "<Assignment><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>0.5</Units>"
        "<Work>PT4H0M0S</Work></Assignment>"
        "<Assignment><TaskUID>2</TaskUID><ResourceUID>2</ResourceUID></Assignment>"
        "<Assignment><TaskUID>2</TaskUID><ResourceUID>-65535</ResourceUID></Assignment>"
    )
    project = read(
        tmp_path,
        mspdi(calendars=night, tasks=task(1) + task(2), resources=resources, assignments=assignments),
    )
    assert [str(u) for u in project.unsupported] == ["resource calendar drives task dates (UID 1)"]
    assert project.plan.resources[0].max_units == 0.5 and project.plan.resources[0].calendar == "2"
    assert [(a.task, a.resource, a.units, a.work) for a in project.plan.assignments] == [
        ("1", "1", 0.5, 240),
        ("2", "2", 1.0, None),
    ]


# --- bad input --------------------------------------------------------------------------------------------


def test_broken_xml_is_one_clear_line(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<Project><Tasks>")
    with pytest.raises(InterchangeError, match=r"broken.xml is not well-formed XML") as caught:
        mspdi_read(path)
    assert "\n" not in str(caught.value)


def test_xml_that_is_not_mspdi_is_refused(tmp_path):
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?><project name="gantt"><tasks/></project>')
    with pytest.raises(InterchangeError, match=r"not a Microsoft Project XML \(MSPDI\) file.*<project>"):
        mspdi_read(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(InterchangeError, match="cannot read"):
        mspdi_read(tmp_path / "absent.xml")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("PT8H0M0S", Decimal(480)),
        ("PT0H1M0S", Decimal(1)),
        ("PT57H8M24S", Decimal("3428.4")),
        ("-PT1H0M0S", Decimal(-60)),
    ],
)
def test_iso_durations_become_minutes(text, minutes):
    assert parse_duration(text) == minutes


# --- the real files ---------------------------------------------------------------------------------------


@needs_data
def test_every_shared_mspdi_file_reads():
    from portfolium.interchange.tests.oracle import mspdi_files

    files = mspdi_files()
    assert len(files) >= 20
    for path in files:
        project = mspdi_read(path)
        ids = {t.id for t in project.plan.tasks}
        assert all(link.predecessor in ids and link.successor in ids for link in project.plan.links)


@needs_data
def test_the_task_links_file_reads_as_project_2010_saved_it():
    project = mspdi_read(DATA / "task-links-project2010-mspdi.xml")
    assert len(project.plan.tasks) == 16 and len(project.plan.links) == 8
    assert project.plan.start == datetime(2014, 10, 17, 8)
    links = {(x.predecessor, x.successor): x for x in project.plan.links}
    assert (
        links["9", "10"].lag == 4800 and links["9", "10"].lag_unit is LagUnit.WORKING
    )  # 2 weeks, LagFormat 9
    assert links["15", "16"].type is LinkType.FF
    assert project.stored["1"].total_slack == 4800
    assert project.unsupported == ()
