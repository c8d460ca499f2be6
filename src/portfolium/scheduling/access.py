"""The one permission-checked way to reach a working calendar, one of its exceptions, or a project's baseline.

Calendars are organisation-wide: every signed-in person reads them, organisation administrators change them
(the services check that). A baseline is reached through its project, so it answers 404 exactly when the
project would.
"""

from __future__ import annotations

from typing import Any

from portfolium.accounts.models import Role
from portfolium.core.errors import NotFound
from portfolium.projects.access import project_get_for_user
from portfolium.scheduling.models import Baseline, CalendarException, WorkCalendar


def calendar_get(user: Any, calendar_id: int) -> WorkCalendar:
    calendar = WorkCalendar.objects.prefetch_related("exceptions").filter(pk=calendar_id).first()
    if calendar is None or not getattr(user, "is_authenticated", False):
        raise NotFound("calendar")
    return calendar


def calendar_exception_get(user: Any, calendar_id: int, exception_id: int) -> CalendarException:
    calendar = calendar_get(user, calendar_id)
    row = (
        CalendarException.objects.filter(pk=exception_id, calendar=calendar)
        .select_related("calendar")
        .first()
    )
    if row is None:
        raise NotFound("calendar exception")
    return row


def baseline_get_for_user(
    user: Any, project_id: int, baseline_id: int, *, need: int = Role.VIEWER
) -> Baseline:
    """The project's baseline; 404 when the user holds no role on the project or there is no such baseline,
    403 when their role is below ``need``."""
    project = project_get_for_user(user, project_id, need=need)
    baseline = Baseline.objects.filter(pk=baseline_id, project=project).select_related("created_by").first()
    if baseline is None:
        raise NotFound("baseline")
    baseline.project = project
    return baseline


def calendar_list(user: Any) -> Any:
    """Every calendar, default first, exceptions prefetched (two queries); signed-in users only."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound("calendar")
    return WorkCalendar.objects.prefetch_related("exceptions").order_by("-is_default", "name", "id")
