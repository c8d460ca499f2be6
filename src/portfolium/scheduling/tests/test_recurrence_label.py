"""Calendar exceptions describe their repetition in words on the calendars page."""

from __future__ import annotations

import datetime as dt

import pytest

from portfolium.scheduling.models import CalendarException

D = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({}, "once"),
        ({"recurrence": "yearly", "month": 12, "month_day": 25}, "every year on 25 December"),
        (
            {"recurrence": "yearly", "month": 5, "week_of_month": 1, "weekday": 0},
            "the first Monday of May every year",
        ),
        ({"recurrence": "monthly", "week_of_month": 5, "weekday": 4}, "the last Friday of every month"),
        ({"recurrence": "monthly", "month_day": 15, "interval": 2}, "every 2 months on day 15"),
        ({"recurrence": "weekly", "weekdays": [4, 0]}, "every week on Monday, Friday"),
        ({"recurrence": "daily", "interval": 3, "occurrences": 4}, "every 3 days, 4 times"),
    ],
)
def test_a_repeating_exception_reads_as_a_person_would_say_it(fields, label):
    assert CalendarException(name="x", start=D, finish=D, **fields).recurrence_label() == label
