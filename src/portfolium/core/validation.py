"""Run Django's model validation and report it as our ValidationError, keyed by field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from portfolium.core.errors import ValidationError


def clean_model(obj: models.Model, *, exclude: Iterable[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=list(exclude) if exclude else None)
    except DjangoValidationError as exc:
        errors = {
            field: " ".join(str(m) for m in messages) for field, messages in exc.message_dict.items()
        }
        raise ValidationError(errors) from None


def assign(obj: models.Model, data: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the allowed attributes present in ``data``; return the names that were given."""
    allowed = set(allowed)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "this field cannot be set here"))
    for name, value in data.items():
        f = obj._meta.get_field(name)
        if isinstance(f, models.ForeignKey) and not isinstance(value, models.Model):
            setattr(obj, f.attname, value)
        else:
            setattr(obj, name, value)
    return list(data)
