"""Turn what people type on the scheduling pages (``08:00-12:00, 13:00-17:00``, a lag of ``-2`` working days, a
constraint and its date) into the typed values the scheduling and project services take, naming the bad field."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict

from portfolium.core.errors import ValidationError
from portfolium.projects.models import ConstraintType, DependencyType, LagUnit
from portfolium.scheduling.models import RecurrenceKind


def parse_date(raw: str) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {raw!r}") from None


def constraint_data(post: QueryDict) -> dict[str, Any]:
    """``constraint_type`` and ``constraint_date`` (and ``deadline`` when posted) from a form."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if "constraint_type" in post:
        kind = post.get("constraint_type", "").strip() or ConstraintType.ASAP
        if kind not in ConstraintType.values:
            errors["constraint_type"] = "choose a constraint from the list"
        data["constraint_type"] = kind
    for name in ("constraint_date", "deadline"):
        if name in post:
            try:
                data[name] = parse_date(post.get(name, ""))
            except ValueError as exc:
                errors[name] = str(exc)
    if (
        data.get("constraint_type") in (ConstraintType.ASAP, ConstraintType.ALAP)
        and "constraint_date" not in errors
    ):
        data["constraint_date"] = None
    elif "constraint_type" in data and not data.get("constraint_date") and "constraint_date" not in errors:
        errors["constraint_date"] = f"“{ConstraintType(data['constraint_type']).label}” needs a date"
    if errors:
        raise ValidationError(errors)
    return data


def link_data(post: QueryDict) -> dict[str, Any]:
    """``type``, ``lag`` (a decimal) and ``lag_unit`` of a dependency form."""
    errors: dict[str, str] = {}
    kind = post.get("type", "").strip() or DependencyType.FS
    if kind not in DependencyType.values:
        errors["type"] = "choose FS, SS, FF or SF"
    unit = post.get("lag_unit", "").strip() or LagUnit.WORKING_DAYS
    if unit not in LagUnit.values:
        errors["lag_unit"] = "choose working days, elapsed days, working hours or %"
    raw = post.get("lag", "").strip().replace(",", ".") or "0"
    try:
        lag = Decimal(raw)
        if not lag.is_finite() or abs(lag) >= Decimal("1000000"):
            raise InvalidOperation
    except InvalidOperation:
        errors["lag"] = f"expected a number (negative for a lead), got {raw!r}"
        lag = Decimal("0")
    if errors:
        raise ValidationError(errors)
    return {"type": kind, "lag": lag.quantize(Decimal("0.01")), "lag_unit": unit}


# --- calendars ----------------------------------------------------------------------------------------------

_PERIOD = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*[-–]\s*(\d{1,2})(?::(\d{2}))?\s*$")


def parse_hours(raw: str) -> list[list[int]]:
    """``08:00-12:00, 13:00-17:00`` -> ``[[480, 720], [780, 1020]]``; empty (or "off") is a non-working day.

    >>> parse_hours("8-12, 13:00-17:30")
    [[480, 720], [780, 1050]]
    """
    text = raw.strip().lower()
    if text in ("", "off", "non-working", "-", "—"):
        return []
    periods: list[list[int]] = []
    for part in re.split(r"[,;]", text):
        match = _PERIOD.match(part)
        if not match:
            raise ValueError(f"expected hours such as 08:00-12:00, 13:00-17:00, got {part.strip()!r}")
        h1, m1, h2, m2 = (int(g or 0) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (0 <= start < end <= 1440) or m1 > 59 or m2 > 59:
            raise ValueError(f"{part.strip()!r} is not a period within one day")
        if periods and start < periods[-1][1]:
            raise ValueError("periods must be in order and must not overlap")
        periods.append([start, end])
    return periods


def calendar_data(post: QueryDict) -> dict[str, Any]:
    """Name, description, hours per working day, default flag and the week (``day0``..``day6``, Monday first)."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {
        "name": post.get("name", "").strip(),
        "description": post.get("description", "").strip(),
    }
    if not data["name"]:
        errors["name"] = "give the calendar a name"
    if any(f"day{i}" in post for i in range(7)):
        week: list[list[list[int]]] = []
        for i in range(7):
            try:
                week.append(parse_hours(post.get(f"day{i}", "")))
            except ValueError as exc:
                errors[f"day{i}"] = str(exc)
                week.append([])
        data["week"] = week
        if not errors and not any(week):
            errors["day0"] = "a calendar needs at least one working day"
    if "hours_per_day" in post:
        raw = post.get("hours_per_day", "").strip().replace(",", ".")
        try:
            hours = Decimal(raw)
            if not hours.is_finite() or not Decimal("0") < hours <= 24:
                raise InvalidOperation
            data["minutes_per_day"] = int((hours * 60).to_integral_value())
        except InvalidOperation:
            errors["hours_per_day"] = "expected hours between 0 and 24, such as 8 or 7.5"
    data["is_default"] = post.get("is_default") in ("1", "on", "true")
    if errors:
        raise ValidationError(errors)
    return data


def exception_data(post: QueryDict) -> dict[str, Any]:
    """A holiday or special hours, possibly recurring, from the exception form."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"name": post.get("name", "").strip()}
    if not data["name"]:
        errors["name"] = "give the exception a name, such as “Christmas”"
    for name in ("start", "finish"):
        try:
            data[name] = parse_date(post.get(name, ""))
        except ValueError as exc:
            errors[name] = str(exc)
    if "start" not in errors and data.get("start") is None:
        errors["start"] = "enter the first day"
    if data.get("finish") is None and "finish" not in errors:
        data["finish"] = data.get("start")
    if data.get("start") and data.get("finish") and data["finish"] < data["start"]:
        errors["finish"] = "the last day comes before the first"
    try:
        data["working_times"] = [] if post.get("working") != "1" else parse_hours(post.get("hours", ""))
        if post.get("working") == "1" and not data["working_times"]:
            errors["hours"] = (
                "special working hours need at least one period; leave “working” off for a holiday"
            )
    except ValueError as exc:
        errors["hours"] = str(exc)
    recurrence = post.get("recurrence", "").strip()
    if recurrence not in RecurrenceKind.values:
        errors["recurrence"] = "choose how it repeats"
    data["recurrence"] = recurrence
    data["interval"] = _small_int(post, "interval", errors, default=1, low=1, high=999)
    data["occurrences"] = _small_int(post, "occurrences", errors, default=None, low=1, high=9999)
    if recurrence == RecurrenceKind.WEEKLY:
        try:
            data["weekdays"] = sorted({int(v) for v in post.getlist("weekdays") if v != ""})
        except ValueError:
            errors["weekdays"] = "choose weekdays from the list"
        else:
            if not data["weekdays"] or any(not 0 <= d <= 6 for d in data["weekdays"]):
                errors["weekdays"] = "choose the weekdays it falls on"
    else:
        data["weekdays"] = []
    if recurrence in (RecurrenceKind.MONTHLY, RecurrenceKind.YEARLY) and data.get("start"):
        data["month_day"] = data["start"].day
        data["month"] = data["start"].month if recurrence == RecurrenceKind.YEARLY else None
    else:
        data["month_day"] = data["month"] = None
    if errors:
        raise ValidationError(errors)
    return data


def _small_int(
    post: QueryDict, name: str, errors: dict[str, str], *, default: int | None, low: int, high: int
) -> int | None:
    raw = post.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        errors[name] = f"expected a whole number, got {raw!r}"
        return default
    if not low <= value <= high:
        errors[name] = f"expected a number from {low} to {high}"
    return value
