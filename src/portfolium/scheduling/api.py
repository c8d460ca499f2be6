"""REST endpoints for working calendars, a project's schedule, its baselines and its plan export.

Handlers reach every object through ``scheduling.access`` / ``projects.access`` and leave the rules to
services; a project's schedule is kept current by every write, ``POST .../schedule`` recomputes it on demand.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import NinjaJSONEncoder

from portfolium.accounts.models import Role
from portfolium.accounts.schemas import MAX_PAGE_SIZE
from portfolium.projects import selectors as project_selectors
from portfolium.projects.access import project_get_for_user
from portfolium.projects.selectors import ScheduleRow
from portfolium.scheduling import services
from portfolium.scheduling.access import (
    baseline_get_for_user,
    calendar_exception_get,
    calendar_get,
    calendar_list,
)
from portfolium.scheduling.models import Baseline, CalendarException, WorkCalendar
from portfolium.scheduling.schemas import (
    BaselineCreate,
    BaselineOut,
    BaselineUpdate,
    BaselineVarianceOut,
    CalendarCreate,
    CalendarExceptionCreate,
    CalendarExceptionOut,
    CalendarExceptionUpdate,
    CalendarOut,
    CalendarUpdate,
    ScheduleOut,
    ScheduleSummaryOut,
)
from portfolium.scheduling.services import ScheduleSummary

router = Router(tags=["scheduling"])


# --- calendars --------------------------------------------------------------------------------------------


@router.get(
    "/calendars",
    response=list[CalendarOut],
    tags=["calendars"],
    summary="Working calendars, the default first (everyone reads them)",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def calendar_list_endpoint(request: HttpRequest) -> Any:
    return calendar_list(request.user)


@router.post(
    "/calendars",
    response={201: CalendarOut},
    tags=["calendars"],
    summary="Create a working calendar (organisation administrators)",
)
def calendar_create(request: HttpRequest, payload: CalendarCreate) -> Status[WorkCalendar]:
    calendar = services.calendar_create(actor=request.user, data=payload.model_dump(exclude_unset=True))
    return Status(201, calendar_get(request.user, calendar.pk))


@router.get("/calendars/{calendar_id}", response=CalendarOut, tags=["calendars"])
def calendar_detail(request: HttpRequest, calendar_id: int) -> WorkCalendar:
    return calendar_get(request.user, calendar_id)


@router.patch(
    "/calendars/{calendar_id}",
    response=CalendarOut,
    tags=["calendars"],
    summary="Change a calendar (organisation administrators); the projects using it are rescheduled",
)
def calendar_update(request: HttpRequest, calendar_id: int, payload: CalendarUpdate) -> WorkCalendar:
    calendar = calendar_get(request.user, calendar_id)
    services.calendar_update(
        actor=request.user, calendar=calendar, data=payload.model_dump(exclude_unset=True)
    )
    return calendar_get(request.user, calendar_id)


@router.delete(
    "/calendars/{calendar_id}",
    response={204: None},
    tags=["calendars"],
    summary="Delete a calendar (organisation administrators); its projects fall back to the default",
)
def calendar_delete(request: HttpRequest, calendar_id: int) -> Status[None]:
    services.calendar_delete(actor=request.user, calendar=calendar_get(request.user, calendar_id))
    return Status(204, None)


@router.get("/calendars/{calendar_id}/exceptions", response=list[CalendarExceptionOut], tags=["calendars"])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def calendar_exception_list(request: HttpRequest, calendar_id: int) -> Any:
    return CalendarException.objects.filter(calendar=calendar_get(request.user, calendar_id)).order_by(
        "start", "id"
    )


@router.post(
    "/calendars/{calendar_id}/exceptions",
    response={201: CalendarExceptionOut},
    tags=["calendars"],
    summary="Add a holiday or special working times, once or recurring (organisation administrators)",
)
def calendar_exception_add(
    request: HttpRequest, calendar_id: int, payload: CalendarExceptionCreate
) -> Status[CalendarException]:
    calendar = calendar_get(request.user, calendar_id)
    row = services.calendar_exception_add(
        actor=request.user, calendar=calendar, data=payload.model_dump(exclude_unset=True)
    )
    return Status(201, row)


@router.patch(
    "/calendars/{calendar_id}/exceptions/{exception_id}",
    response=CalendarExceptionOut,
    tags=["calendars"],
    summary="Change a calendar exception (organisation administrators)",
)
def calendar_exception_update(
    request: HttpRequest, calendar_id: int, exception_id: int, payload: CalendarExceptionUpdate
) -> CalendarException:
    row = calendar_exception_get(request.user, calendar_id, exception_id)
    return services.calendar_exception_update(
        actor=request.user, exception=row, data=payload.model_dump(exclude_unset=True)
    )


@router.delete(
    "/calendars/{calendar_id}/exceptions/{exception_id}",
    response={204: None},
    tags=["calendars"],
    summary="Remove a calendar exception (organisation administrators)",
)
def calendar_exception_delete(request: HttpRequest, calendar_id: int, exception_id: int) -> Status[None]:
    row = calendar_exception_get(request.user, calendar_id, exception_id)
    services.calendar_exception_delete(actor=request.user, exception=row)
    return Status(204, None)


# --- the schedule -----------------------------------------------------------------------------------------


@router.get(
    "/projects/{project_id}/schedule",
    response=ScheduleOut,
    tags=["schedule"],
    summary="The computed schedule: dates, late dates, floats and the critical path",
)
def schedule_get(request: HttpRequest, project_id: int) -> HttpResponse:
    # Written straight to JSON: validating 2,000 rows through the schema cost more than building them.
    # test_api checks that the body still validates against ScheduleOut, which documents it.
    table = project_selectors.schedule_table(project=project_get_for_user(request.user, project_id))
    body = {field.name: getattr(table, field.name) for field in fields(table) if field.name != "tasks"}
    body["tasks"] = [{name: getattr(row, name) for name in _ROW_FIELDS} for row in table.tasks]
    return HttpResponse(json.dumps(body, cls=NinjaJSONEncoder), content_type="application/json")


_ROW_FIELDS = [field.name for field in fields(ScheduleRow)]


@router.post(
    "/projects/{project_id}/schedule",
    response=ScheduleSummaryOut,
    tags=["schedule"],
    summary="Recalculate the schedule now (manager)",
)
def schedule_recalculate(request: HttpRequest, project_id: int) -> ScheduleSummary:
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    return services.schedule_recalculate(project=project)


@router.get(
    "/projects/{project_id}/plan",
    response=dict[str, Any],
    tags=["schedule"],
    summary="The project as Portfolium plan JSON (calendars, tasks, links, constraints)",
)
def plan_export(request: HttpRequest, project_id: int) -> dict[str, Any]:
    return services.project_plan_export(project=project_get_for_user(request.user, project_id))


# --- baselines --------------------------------------------------------------------------------------------


@router.get("/projects/{project_id}/baselines", response=list[BaselineOut], tags=["baselines"])
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE_SIZE)
def baseline_list(request: HttpRequest, project_id: int) -> Any:
    return project_selectors.baseline_list(project_id=project_get_for_user(request.user, project_id).pk)


@router.post(
    "/projects/{project_id}/baselines",
    response={201: BaselineOut},
    tags=["baselines"],
    summary="Save the current schedule as a named baseline (manager)",
)
def baseline_save(request: HttpRequest, project_id: int, payload: BaselineCreate) -> Status[Baseline]:
    project = project_get_for_user(request.user, project_id, need=Role.MANAGER)
    baseline = services.baseline_save(actor=request.user, project=project, name=payload.name)
    return Status(201, project_selectors.baseline_list(project_id=project.pk).get(pk=baseline.pk))


@router.patch(
    "/projects/{project_id}/baselines/{baseline_id}",
    response=BaselineOut,
    tags=["baselines"],
    summary="Rename a baseline (manager)",
)
def baseline_rename(
    request: HttpRequest, project_id: int, baseline_id: int, payload: BaselineUpdate
) -> Baseline:
    baseline = baseline_get_for_user(request.user, project_id, baseline_id, need=Role.MANAGER)
    services.baseline_rename(actor=request.user, baseline=baseline, name=payload.name)
    renamed: Baseline = project_selectors.baseline_list(project_id=project_id).get(pk=baseline.pk)
    return renamed


@router.delete(
    "/projects/{project_id}/baselines/{baseline_id}",
    response={204: None},
    tags=["baselines"],
    summary="Delete a baseline (manager)",
)
def baseline_delete(request: HttpRequest, project_id: int, baseline_id: int) -> Status[None]:
    baseline = baseline_get_for_user(request.user, project_id, baseline_id, need=Role.MANAGER)
    services.baseline_delete(actor=request.user, baseline=baseline)
    return Status(204, None)


@router.get(
    "/projects/{project_id}/baselines/{baseline_id}/compare",
    response=list[BaselineVarianceOut],
    tags=["baselines"],
    summary="Every task against the baseline: dates, variances, what slipped",
)
def baseline_compare(request: HttpRequest, project_id: int, baseline_id: int, elapsed: bool = False) -> Any:
    from portfolium.scheduling.selectors import baseline_compare as compare

    baseline = baseline_get_for_user(request.user, project_id, baseline_id)
    return compare(project=baseline.project, baseline=baseline, elapsed=elapsed)
