"""Working calendars: organisation administrators manage them, the week and exceptions are validated field by
field, and a change reschedules every project that uses the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolium.audit.models import AuditEvent
from portfolium.core.errors import PermissionDenied, ValidationError
from portfolium.projects.models import Task
from portfolium.scheduling import services
from portfolium.scheduling.models import WorkCalendar
from portfolium.scheduling.services import schedule_recalculate
from tests.factories import CalendarExceptionFactory, CalendarFactory, ProjectFactory, TaskFactory

D = dt.date
DAY = [[480, 720], [780, 1020]]


def _create(org, **data):
    return services.calendar_create(actor=org.ada, data={"name": "Site", **data})


def test_an_administrator_creates_a_calendar_and_the_first_one_is_the_default(org):
    calendar = _create(org, week=[DAY] * 5 + [[], []])
    assert calendar.is_default and calendar.minutes_per_day == 480
    assert AuditEvent.objects.get(object_type="calendar", action="create").changes["name"] == "Site"
    second = services.calendar_create(
        actor=org.ada, data={"name": "Night shift", "week": [[[1200, 1440]]] * 5 + [[], []]}
    )
    assert not second.is_default


def test_making_another_calendar_the_default_moves_the_flag(org):
    first, second = _create(org), services.calendar_create(actor=org.ada, data={"name": "Other"})
    services.calendar_update(actor=org.ada, calendar=second, data={"is_default": True})
    assert list(WorkCalendar.objects.filter(is_default=True)) == [second]
    with pytest.raises(ValidationError) as exc:
        services.calendar_update(actor=org.ada, calendar=second, data={"is_default": False})
    assert "is_default" in exc.value.errors
    assert not WorkCalendar.objects.get(pk=first.pk).is_default


@pytest.mark.parametrize("user", ["paula", "mark", "vera", "olga"])
def test_only_organisation_administrators_manage_calendars(org, user):
    calendar = CalendarFactory()
    with pytest.raises(PermissionDenied):
        services.calendar_create(actor=getattr(org, user), data={"name": "Mine"})
    with pytest.raises(PermissionDenied):
        services.calendar_update(actor=getattr(org, user), calendar=calendar, data={"name": "Mine"})
    with pytest.raises(PermissionDenied):
        services.calendar_exception_add(
            actor=getattr(org, user), calendar=calendar, data={"name": "Day off", "start": D(2026, 1, 9)}
        )


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ([DAY] * 6, "give seven days, Monday first"),
        ("weekdays", "give seven days, Monday first"),
        ([[]] * 7, "a calendar needs some working time in the week"),
        ([[[480, 1500]]] + [[]] * 6, "period [480, 1500] must lie within 0..1440 and end after it starts"),
        ([[[720, 480]]] + [[]] * 6, "period [720, 480] must lie within 0..1440 and end after it starts"),
        ([[[480, 720], [700, 900]]] + [[]] * 6, "working periods must be in order and must not overlap"),
        ([[[780, 1020], [480, 720]]] + [[]] * 6, "working periods must be in order and must not overlap"),
        ([[[480]]] + [[]] * 6, "each working period is [start, end] in minutes after midnight"),
        ([[["8:00", "12:00"]]] + [[]] * 6, "each working period is [start, end] in minutes after midnight"),
    ],
)
def test_a_bad_week_is_refused_naming_the_field(org, week, message):
    with pytest.raises(ValidationError) as exc:
        _create(org, week=week)
    assert exc.value.errors == {"week": message}
    assert not WorkCalendar.objects.exists()


def test_calendar_names_are_unique_and_minutes_per_day_bounded(org):
    _create(org)
    with pytest.raises(ValidationError) as exc:
        _create(org)
    assert exc.value.errors == {"name": "a calendar named 'Site' already exists"}
    with pytest.raises(ValidationError) as exc:
        services.calendar_create(actor=org.ada, data={"name": "Long days", "minutes_per_day": 2000})
    assert "minutes_per_day" in exc.value.errors


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"finish": D(2026, 1, 1)}, "finish"),  # before the start
        ({"working_times": [[600, 500]]}, "working_times"),
        ({"recurrence": "fortnightly"}, "recurrence"),
        ({"recurrence": "weekly", "finish": D(2026, 12, 31)}, "weekdays"),
        ({"recurrence": "weekly", "weekdays": [7], "finish": D(2026, 12, 31)}, "weekdays"),
        ({"recurrence": "yearly", "month_day": 25, "finish": D(2030, 1, 1)}, "month"),
        ({"recurrence": "monthly", "finish": D(2030, 1, 1)}, "month_day"),
        ({"recurrence": "monthly", "week_of_month": 2, "finish": D(2030, 1, 1)}, "weekday"),
        ({"recurrence": "monthly", "month_day": 3}, "finish"),  # recurs from the 5th to the 5th: once
        ({"name": " "}, "name"),
        ({"interval": 0, "recurrence": "daily", "finish": D(2026, 2, 1)}, "interval"),
    ],
)
def test_a_bad_exception_is_refused_naming_the_field(org, data, field):
    calendar = _create(org)
    with pytest.raises(ValidationError) as exc:
        services.calendar_exception_add(
            actor=org.ada, calendar=calendar, data={"name": "Closed", "start": D(2026, 1, 5), **data}
        )
    assert field in exc.value.errors, exc.value.errors


def test_adding_a_holiday_reschedules_the_projects_on_the_calendar(org):
    calendar = _create(org)
    project = ProjectFactory(portfolio=org.digital, start=D(2026, 1, 5), finish=None)
    task = TaskFactory(project=project, name="Two days", duration_minutes=960)
    schedule_recalculate(project=project)
    assert Task.objects.get(pk=task.pk).finish == D(2026, 1, 6)
    holiday = services.calendar_exception_add(
        actor=org.ada, calendar=calendar, data={"name": "Closed", "start": D(2026, 1, 6)}
    )
    assert Task.objects.get(pk=task.pk).finish == D(2026, 1, 7)
    services.calendar_exception_update(
        actor=org.ada, exception=holiday, data={"start": D(2026, 1, 5), "finish": D(2026, 1, 5)}
    )
    assert (Task.objects.get(pk=task.pk).start, Task.objects.get(pk=task.pk).finish) == (
        D(2026, 1, 6),
        D(2026, 1, 7),
    )
    services.calendar_exception_delete(actor=org.ada, exception=holiday)
    assert Task.objects.get(pk=task.pk).finish == D(2026, 1, 6)


def test_a_recurring_holiday_by_weekday_of_the_month(org):
    calendar = _create(org)
    services.calendar_exception_add(
        actor=org.ada,
        calendar=calendar,
        data={
            "name": "First Monday off",
            "start": D(2026, 1, 1),
            "finish": D(2026, 12, 31),
            "recurrence": "monthly",
            "week_of_month": 1,
            "weekday": 0,
        },
    )
    project = ProjectFactory(portfolio=org.digital, start=D(2026, 1, 30), finish=None)  # a Friday
    task = TaskFactory(project=project, name="Two days", duration_minutes=960)
    schedule_recalculate(project=project)
    assert Task.objects.get(pk=task.pk).finish == D(2026, 2, 3)  # Friday, (Monday 2 Feb off), Tuesday


def test_changing_the_week_reschedules_task_calendars_too(org):
    _create(org)
    part_time = services.calendar_create(
        actor=org.ada, data={"name": "Part time", "week": [DAY] * 5 + [[], []]}
    )
    project = ProjectFactory(portfolio=org.digital, start=D(2026, 1, 5), finish=None)
    task = TaskFactory(project=project, name="Three days", duration_minutes=1440, calendar=part_time)
    schedule_recalculate(project=project)
    assert Task.objects.get(pk=task.pk).finish == D(2026, 1, 7)
    services.calendar_update(
        actor=org.ada, calendar=part_time, data={"week": [DAY, [], DAY, [], DAY, [], []]}
    )
    assert Task.objects.get(pk=task.pk).finish == D(2026, 1, 9)  # Mon, Wed, Fri
    events = AuditEvent.objects.filter(object_type="calendar", action="update")
    assert list(events.values_list("changes", flat=True))[0].keys() == {"week"}


def test_deleting_a_calendar_falls_back_to_the_default(org):
    standard = _create(org)
    short = services.calendar_create(
        actor=org.ada,
        data={"name": "Mornings", "week": [[[480, 720]]] * 5 + [[], []], "minutes_per_day": 240},
    )
    project = ProjectFactory(portfolio=org.digital, start=D(2026, 1, 5), finish=None, calendar=short)
    task = TaskFactory(project=project, name="A day", duration_minutes=480)
    schedule_recalculate(project=project)
    assert Task.objects.get(pk=task.pk).finish == D(2026, 1, 6)  # two mornings
    services.calendar_delete(actor=org.ada, calendar=short)
    assert Task.objects.get(pk=task.pk).finish == D(2026, 1, 5)
    with pytest.raises(ValidationError) as exc:
        other = services.calendar_create(actor=org.ada, data={"name": "Spare"})
        services.calendar_delete(actor=org.ada, calendar=standard)
    assert "is_default" in exc.value.errors
    services.calendar_delete(actor=org.ada, calendar=other)
    assert list(WorkCalendar.objects.all()) == [standard]


def test_exception_factory_rows_are_valid_engine_input(org):
    calendar = _create(org)
    CalendarExceptionFactory(calendar=calendar, start=D(2026, 1, 5))
    project = ProjectFactory(portfolio=org.digital, start=D(2026, 1, 5), finish=None)
    task = TaskFactory(project=project, name="A day", duration_minutes=480)
    assert schedule_recalculate(project=project).error == ""
    assert Task.objects.get(pk=task.pk).start == D(2026, 1, 6)
