"""Record audit events. Every write service calls :func:`audit_record` inside its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from portfolium.audit.models import AuditAction, AuditEvent


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, set | frozenset | tuple):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values as JSON-ready data; foreign keys by id (``owner`` is read as ``owner_id``)."""
    out: dict[str, Any] = {}
    for name in fields:
        f = obj._meta.get_field(name)
        attr = f.attname if isinstance(f, models.ForeignKey) else name
        out[name] = jsonable(getattr(obj, attr))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: models.Model,
    changes: dict[str, Any],
    object_type: str | None = None,
    portfolio_id: int | None = None,
    program_id: int | None = None,
    project_id: int | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type or obj._meta.model_name or "object",
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        changes=jsonable(changes),
        portfolio_id=portfolio_id,
        program_id=program_id,
        project_id=project_id,
    )
