"""Working calendars: everyone reads, organisation admins create, edit, delete and add exceptions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portfolium.scheduling.models import CalendarException, WorkCalendar
from tests.helpers import queries_for

HX = {"HTTP_HX_REQUEST": "true"}
WEEK = {f"day{i}": ("08:00-12:00, 13:00-17:00" if i < 5 else "") for i in range(7)}


@pytest.fixture
def standard(db):
    return WorkCalendar.objects.create(name="Standard", is_default=True)


def test_everyone_reads_calendars_but_only_admins_see_the_forms(client_for, org, standard):
    response = client_for(org.vera).get(reverse("scheduling:calendars"))
    body = response.content.decode()
    assert response.status_code == 200 and "Standard" in body and "08:00–12:00, 13:00–17:00" in body
    assert "New calendar" not in body and "Add a holiday" not in body
    body = client_for(org.ada).get(reverse("scheduling:calendars")).content.decode()
    assert "New calendar" in body and "Add a holiday" in body


def test_admin_creates_a_calendar_with_a_short_friday(client_for, org, standard):
    data = {"name": "Summer", "hours_per_day": "7.5", **WEEK, "day4": "08:00-12:00"}
    response = client_for(org.ada).post(reverse("scheduling:calendar_new"), data, **HX)
    assert response.status_code == 200, response.content
    summer = WorkCalendar.objects.get(name="Summer")
    assert summer.week[4] == [[480, 720]] and summer.week[5] == [] and summer.minutes_per_day == 450


def test_bad_hours_are_shown_by_the_day(client_for, org, standard):
    data = {"name": "Broken", "hours_per_day": "8", **WEEK, "day2": "9 to 5"}
    response = client_for(org.ada).post(reverse("scheduling:calendar_new"), data, **HX)
    assert response.status_code == 422
    assert "08:00-12:00" in response.content.decode() and "day2" in response.context["new_errors"]
    assert not WorkCalendar.objects.filter(name="Broken").exists()


@pytest.mark.parametrize("who", ["paula", "vera", "olga"])
def test_only_organisation_admins_change_calendars(client_for, org, standard, who):
    client = client_for(getattr(org, who))
    assert client.post(reverse("scheduling:calendar_new"), {"name": "X", **WEEK}, **HX).status_code == 403
    assert (
        client.post(
            reverse("scheduling:calendar_exception_add", args=[standard.pk]),
            {"name": "Day off", "start": "2026-12-25"},
            **HX,
        ).status_code
        == 403
    )
    assert client.post(reverse("scheduling:calendar_delete", args=[standard.pk]), **HX).status_code == 403


def test_admin_adds_a_holiday_and_a_recurring_one(client_for, org, standard):
    client = client_for(org.ada)
    url = reverse("scheduling:calendar_exception_add", args=[standard.pk])
    response = client.post(url, {"name": "Company day", "start": "2026-06-05", "finish": ""}, **HX)
    assert response.status_code == 200, response.content
    assert "Company day" in response.content.decode()
    response = client.post(
        url,
        {
            "name": "Christmas",
            "start": "2026-12-25",
            "finish": "2030-12-25",
            "recurrence": "yearly",
            "interval": "1",
        },
        **HX,
    )
    assert response.status_code == 200, response.content
    christmas = CalendarException.objects.get(name="Christmas")
    assert (christmas.recurrence, christmas.month, christmas.month_day) == ("yearly", 12, 25)


def test_an_exception_without_a_date_names_the_field(client_for, org, standard):
    url = reverse("scheduling:calendar_exception_add", args=[standard.pk])
    response = client_for(org.ada).post(url, {"name": "Oops", "start": ""}, **HX)
    assert response.status_code == 422 and "start" in response.context["cards"][0].exception_errors


def test_admin_edits_and_deletes_a_calendar(client_for, org, standard):
    extra = WorkCalendar.objects.create(name="Night shift")
    client = client_for(org.ada)
    data = {
        "name": "Night shift",
        "hours_per_day": "8",
        **{f"day{i}": "22:00-24:00" if i < 5 else "" for i in range(7)},
    }
    assert client.post(reverse("scheduling:calendar_edit", args=[extra.pk]), data, **HX).status_code == 200
    assert WorkCalendar.objects.get(pk=extra.pk).week[0] == [[1320, 1440]]
    response = client.post(reverse("scheduling:calendar_delete", args=[standard.pk]), **HX)
    assert response.status_code == 422 and WorkCalendar.objects.filter(pk=standard.pk).exists()
    assert "make another one the default first" in response.content.decode()
    assert client.post(reverse("scheduling:calendar_delete", args=[extra.pk]), **HX).status_code == 200
    assert not WorkCalendar.objects.filter(pk=extra.pk).exists()


def test_calendar_page_query_count_does_not_grow(client_for, org, standard):
    client = client_for(org.ada)
    small = queries_for(client, reverse("scheduling:calendars"))
    for i in range(8):
        cal = WorkCalendar.objects.create(name=f"Cal {i}")
        CalendarException.objects.create(calendar=cal, name="Off", start="2026-01-02", finish="2026-01-02")
    assert queries_for(client, reverse("scheduling:calendars")) == small


def test_exception_removed_only_through_its_own_calendar(client_for, org, standard):
    other = WorkCalendar.objects.create(name="Other")
    row = CalendarException.objects.create(
        calendar=standard, name="Off", start="2026-01-02", finish="2026-01-02"
    )
    right = reverse("scheduling:calendar_exception_delete", args=[standard.pk, row.pk])
    assert client_for(org.vera).post(right, **HX).status_code == 403
    client = client_for(org.ada)
    wrong = reverse("scheduling:calendar_exception_delete", args=[other.pk, row.pk])
    assert client.post(wrong, **HX).status_code == 404
    assert (
        client.post(right, **HX).status_code == 200
        and not CalendarException.objects.filter(pk=row.pk).exists()
    )
