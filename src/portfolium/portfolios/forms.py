"""Read the overview's query string (filters, sort, page) into typed values, naming the field that was wrong."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from django.http import QueryDict

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
