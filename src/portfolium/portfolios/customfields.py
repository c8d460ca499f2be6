"""Validate custom field values against their typed definitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from portfolium.core.errors import ValidationError
from portfolium.portfolios.models import CustomFieldDefinition, FieldType


def custom_values_clean(
    definitions: Iterable[CustomFieldDefinition],
    values: Mapping[str, Any],
    *,
    existing: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge ``values`` into ``existing``; a value of None removes the field. Returns JSON-ready data.

    Numbers are stored as JSON numbers, dates as ISO strings and users as ids, so that lists can filter on them.
    """
    by_key = {d.key: d for d in definitions}
    result = dict(existing or {})
    errors: dict[str, str] = {}
    for key, raw in values.items():
        name = f"custom_fields.{key}"
        definition = by_key.get(key)
        if definition is None:
            errors[name] = "no such custom field in this portfolio"
            continue
        if raw is None or raw == "":
            result.pop(key, None)
            continue
        try:
            result[key] = _coerce(definition, raw)
        except ValueError as exc:
            errors[name] = str(exc)
    for definition in by_key.values():
        if definition.required and result.get(definition.key) in (None, ""):
            errors.setdefault(f"custom_fields.{definition.key}", "this field is required")
    if errors:
        raise ValidationError(errors)
    return result


def _coerce(definition: CustomFieldDefinition, raw: Any) -> Any:
    kind = definition.field_type
    if kind == FieldType.TEXT:
        text = str(raw)
        if len(text) > 2000:
            raise ValueError("text is longer than 2000 characters")
        return text
    if kind == FieldType.NUMBER:
        if isinstance(raw, bool):
            raise ValueError("expected a number")
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            raise ValueError(f"expected a number, got {raw!r}") from None
        if not number.is_finite():
            raise ValueError("expected a finite number")
        return int(number) if number == number.to_integral() else float(number)
    if kind == FieldType.DATE:
        try:
            return dt.date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {raw!r}") from None
    if kind == FieldType.CHOICE:
        if raw not in definition.choices:
            raise ValueError(f"expected one of {', '.join(map(str, definition.choices))}")
        return raw
    if kind == FieldType.USER:
        from portfolium.accounts.models import User

        try:
            user_id = int(raw)
        except (TypeError, ValueError):
            raise ValueError("expected a user id") from None
        if not User.objects.filter(pk=user_id, is_active=True).exists():
            raise ValueError(f"no active user with id {user_id}")
        return user_id
    raise ValueError(f"unknown field type {kind}")


def custom_filter_kwargs(definition: CustomFieldDefinition, raw: str, prefix: str = "") -> dict[str, Any]:
    """Turn ``?cf_<key>=value`` (or ``>=v``, ``<=v`` for numbers and dates) into ORM filter arguments."""
    op = ""
    if raw[:2] in (">=", "<="):
        op, raw = ("__gte" if raw[:2] == ">=" else "__lte"), raw[2:]
    if op and definition.field_type not in (FieldType.NUMBER, FieldType.DATE):
        raise ValidationError({f"cf_{definition.key}": "range filters work on number and date fields only"})
    try:
        value = _coerce(definition, raw)
    except ValueError as exc:
        raise ValidationError({f"cf_{definition.key}": str(exc)}) from None
    return {f"{prefix}custom_fields__{definition.key}{op}": value}
