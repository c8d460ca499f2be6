"""Turn posted task and project fields into the typed values that ``projects.services`` take, naming the bad
field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict

from portfolium.core.errors import ValidationError

# ``duration`` ("3d", "4h") and ``constraint_type`` go to the service as typed; it parses and checks them.
TEXT_FIELDS = {"name", "description", "blocked_reason", "status", "kind", "duration", "constraint_type"}
DATE_FIELDS = {"start", "finish", "due_date", "constraint_date", "deadline"}
INT_FIELDS = {"percent_complete", "priority"}
USER_FIELDS = {"owner"}
DECIMAL_FIELDS = {"estimate_hours", "estimate_points"}
EDITABLE = TEXT_FIELDS | DATE_FIELDS | INT_FIELDS | USER_FIELDS | DECIMAL_FIELDS


def task_data(post: QueryDict) -> dict[str, Any]:
    """The task fields present in ``post`` (others are left alone). ``assignees`` is read when ``assignees_sent``."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in EDITABLE:
        if name not in post:
            continue
        raw = post.get(name, "").strip()
        try:
            data[name] = _parse(name, raw)
        except ValueError as exc:
            errors[name] = str(exc)
    if "assignees_sent" in post:
        try:
            data["assignees"] = [int(v) for v in post.getlist("assignees") if v]
        except ValueError:
            errors["assignees"] = "expected people from the list"
    if "name" in data and not data["name"]:
        errors["name"] = "a task needs a name"
    if errors:
        raise ValidationError(errors)
    return data


def _parse(name: str, raw: str) -> Any:
    if name in TEXT_FIELDS:
        return raw
    if not raw:
        if name in INT_FIELDS:
            raise ValueError("enter a whole number")
        return None
    if name in DATE_FIELDS:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {raw!r}") from None
    if name in INT_FIELDS:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"expected a whole number, got {raw!r}") from None
        if name == "percent_complete" and not 0 <= value <= 100:
            raise ValueError("must be between 0 and 100")
        return value
    if name in USER_FIELDS:
        try:
            return int(raw)
        except ValueError:
            raise ValueError("expected a person from the list") from None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"expected a number, got {raw!r}") from None
    if not number.is_finite() or number < 0:
        raise ValueError("expected a number of zero or more")
    return number


# --- the project form ---------------------------------------------------------------------------------------

PROJECT_TEXT_FIELDS = ("code", "name", "description", "stage", "health", "health_reason")
PROJECT_DATE_FIELDS = ("start", "finish")
PROJECT_PEOPLE_FIELDS = ("manager", "sponsor", "program")


def project_data(post: QueryDict, custom_keys: Iterable[str] = ()) -> dict[str, Any]:
    """The project fields present in ``post``; ``cf_<key>`` inputs become ``custom_fields`` (validated by the
    service against the definitions, so the raw strings go through), ``tags`` is comma separated."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in PROJECT_TEXT_FIELDS:
        if name in post:
            data[name] = post.get(name, "").strip()
    for name in PROJECT_DATE_FIELDS:
        if name in post:
            try:
                data[name] = _parse("start", post.get(name, "").strip())
            except ValueError as exc:
                errors[name] = str(exc)
    for name in PROJECT_PEOPLE_FIELDS:
        if name in post:
            raw = post.get(name, "").strip()
            try:
                data[name] = int(raw) if raw else None
            except ValueError:
                errors[name] = "choose from the list"
    if "priority" in post:
        try:
            data["priority"] = _parse("priority", post.get("priority", "").strip())
        except ValueError as exc:
            errors["priority"] = str(exc)
    if "tags" in post:
        data["tags"] = [t for t in (s.strip() for s in post.get("tags", "").split(",")) if t]
    custom = {key: post.get(f"cf_{key}", "").strip() for key in custom_keys if f"cf_{key}" in post}
    if custom:
        data["custom_fields"] = custom
    if "name" in data and not data["name"]:
        errors["name"] = "a project needs a name"
    if errors:
        raise ValidationError(errors)
    return data
