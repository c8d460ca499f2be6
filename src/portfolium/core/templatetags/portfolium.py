"""Small template helpers shared by every page: icons, sortable headers, health and progress bits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

from portfolium.projects.models import Health, Stage, TaskStatus

register = template.Library()

HEALTH_LABELS = dict(Health.choices)
STAGE_LABELS = dict(Stage.choices)
STATUS_LABELS = dict(TaskStatus.choices)


@register.simple_tag
def icon(name: str, label: str = "") -> str:
    """An icon from the sprite in base.html; ``label`` makes it speak to screen readers."""
    if label:
        return format_html('<svg class="i" role="img" aria-label="{}"><use href="#i-{}"></use></svg>', label, name)
    return format_html('<svg class="i" aria-hidden="true"><use href="#i-{}"></use></svg>', name)


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str, css: str = "") -> str:
    """A column header that sorts by ``key``; a second click reverses. Keeps every filter, resets the page."""
    request = context["request"]
    current = context.get("sort") or "code"
    query = request.GET.copy()
    query.pop("page", None)
    active = current.lstrip("-") == key
    descending = current.startswith("-")
    query["sort"] = f"-{key}" if active and not descending else key
    url = f"{context.get('results_url', request.path)}?{query.urlencode()}"
    aria = ("descending" if descending else "ascending") if active else "none"
    arrow = ("▼" if descending else "▲") if active else ""
    return format_html(
        '<th class="{}" aria-sort="{}"><a class="sort{}" href="{}" hx-get="{}" hx-target="#overview" '
        'hx-swap="outerHTML" hx-push-url="true" hx-indicator="#overview">{}<span class="arrow" aria-hidden="true">{}</span></a></th>',
        css, aria, " is-active" if active else "", url, url, label, arrow,
    )


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def health_label(value: str) -> str:
    return HEALTH_LABELS.get(value, value)


@register.filter
def stage_label(value: str) -> str:
    return STAGE_LABELS.get(value, value)


@register.filter
def status_label(value: str) -> str:
    return STATUS_LABELS.get(value, value)


@register.filter
def pct(value: Any) -> str:
    """45.0 -> "45", 45.5 -> "45.5"."""
    if value is None:
        return "0"
    number = Decimal(str(value))
    return str(int(number)) if number == number.to_integral() else str(number.quantize(Decimal("0.1")))


@register.filter
def share(part: Any, whole: Any) -> int:
    """``part`` as a whole percentage of ``whole`` (for bar widths)."""
    try:
        return round(100 * float(part) / float(whole)) if float(whole) else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def field_label(name: str) -> str:
    """``due_date`` -> "Due date"."""
    return str(name).replace("_", " ").replace(".", " ").capitalize()
