"""Read the overview's query string (filters, sort, page) and the management forms' posted fields into typed
values, naming the field that was wrong."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.http import QueryDict

from portfolium.core.errors import ValidationError
from portfolium.projects.selectors import PROJECT_SORTS, ProjectFilters

FILTER_PARAMS = ("q", "stage", "health", "program", "manager", "tag")


@dataclass
class OverviewQuery:
    filters: ProjectFilters
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        f = self.filters
        return bool(f.search or f.stage or f.health or f.program or f.manager or f.tag or f.custom)


def _int(query: QueryDict, name: str, errors: dict[str, str]) -> int | None:
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        errors[name] = f"expected a number, got {raw!r}"
        return None


def overview_query(query: QueryDict, *, base: ProjectFilters) -> OverviewQuery:
    """Filters from ``?q=&stage=&health=&program=&manager=&tag=&cf_<key>=&sort=&page=`` on top of ``base``."""
    errors: dict[str, str] = {}
    sort = (query.get("sort") or "code").strip()
    if sort.lstrip("-") not in PROJECT_SORTS:
        errors["sort"] = f"cannot sort by {sort.lstrip('-')!r}"
        sort = "code"
    custom = {
        key[3:]: (query.get(key) or "").strip()
        for key in query
        if key.startswith("cf_") and len(key) > 3 and (query.get(key) or "").strip()
    }
    changes: dict[str, object] = {
        "search": (query.get("q") or "").strip() or None,
        "stage": [s for s in query.getlist("stage") if s],
        "health": [h for h in query.getlist("health") if h],
        "manager": _int(query, "manager", errors),
        "tag": (query.get("tag") or "").strip() or None,
        "custom": custom,
        "sort": sort,
    }
    if base.program is None:
        changes["program"] = _int(query, "program", errors)
    page = _int(query, "page", errors) or 1
    return OverviewQuery(dataclasses.replace(base, **changes), max(page, 1), errors)  # type: ignore[arg-type]


# --- management forms: posted fields -> the data dicts that ``portfolios.services`` take ---------------------


def _text(post: QueryDict, name: str) -> str:
    return (post.get(name) or "").strip()


def _choice_id(post: QueryDict, name: str, errors: dict[str, str]) -> int | None:
    """An id picked from a select; empty means none."""
    raw = _text(post, name)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        errors[name] = "choose from the list"
        return None


def _present(post: QueryDict, names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in post]


def portfolio_data(post: QueryDict) -> dict[str, object]:
    """Name, code, description, owner and parent, where posted."""
    errors: dict[str, str] = {}
    data: dict[str, object] = {n: _text(post, n) for n in _present(post, ("code", "name", "description"))}
    for name in _present(post, ("owner", "parent")):
        data[name] = _choice_id(post, name, errors)
    if errors:
        raise ValidationError(errors)
    return data


def program_data(post: QueryDict) -> dict[str, object]:
    errors: dict[str, str] = {}
    data: dict[str, object] = {n: _text(post, n) for n in _present(post, ("code", "name", "description"))}
    if "manager" in post:
        data["manager"] = _choice_id(post, "manager", errors)
    if errors:
        raise ValidationError(errors)
    return data


def goal_data(post: QueryDict) -> dict[str, object]:
    errors: dict[str, str] = {}
    data: dict[str, object] = {n: _text(post, n) for n in _present(post, ("code", "name", "description"))}
    if "weight" in post:
        raw = _text(post, "weight")
        try:
            weight = Decimal(raw or "x")
        except InvalidOperation:
            errors["weight"] = f"expected a number, got {raw!r}" if raw else "give the goal a weight"
        else:
            if not weight.is_finite() or weight < 0:
                errors["weight"] = "expected a number of zero or more"
            else:
                data["weight"] = weight
    if errors:
        raise ValidationError(errors)
    return data


def custom_field_data(post: QueryDict) -> dict[str, object]:
    """Key, label, type, target, required, and choices (one per line or comma separated) for choice fields."""
    raw_choices = post.get("choices") or ""
    choices = [c.strip() for c in raw_choices.replace("\n", ",").split(",") if c.strip()]
    return {
        "key": _text(post, "key"),
        "label": _text(post, "label"),
        "field_type": _text(post, "field_type"),
        "target": _text(post, "target"),
        "choices": choices,
        "required": post.get("required") in ("on", "1", "true"),
    }
