"""Reads of the audit trail, limited to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from portfolium.accounts.roles import role_map_for
from portfolium.audit.models import AuditEvent


def audit_for_object(*, object_type: str, object_id: int) -> QuerySet[AuditEvent]:
    """History of one object; callers reach the object through its ``access`` door first."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).select_related("actor")


def audit_for_project(*, project_id: int) -> QuerySet[AuditEvent]:
    """Everything recorded against a project: the project itself and its tasks, links, comments."""
    return AuditEvent.objects.filter(project_id=project_id).select_related("actor")


def audit_visible(*, user: Any) -> QuerySet[AuditEvent]:
    rolemap = role_map_for(user)
    qs = AuditEvent.objects.select_related("actor")
    if rolemap.is_admin:
        return qs
    from django.db.models import Q

    from portfolium.projects.models import Project

    project_ids = Project.objects.filter(rolemap.project_q()).values("id")
    return qs.filter(
        Q(project_id__in=project_ids)
        | Q(project_id__isnull=True, portfolio_id__in=list(rolemap.portfolios))
        | Q(project_id__isnull=True, program_id__in=list(rolemap.programs))
    )


HIDDEN = "hidden"


def audit_changes_for(event: AuditEvent, *, user: Any) -> dict[str, Any]:
    """The event's changes as ``user`` may read them: ids of portfolios and programs they hold no role on
    become "hidden", so a project member never learns which portfolio or program their project sits in."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    rolemap = role_map_for(user)
    if rolemap.is_admin:
        return changes
    checks: dict[str, Any] = {"portfolio": _portfolio_visible, "program": _program_visible}
    if event.object_type == "portfolio":
        checks["parent"] = _portfolio_visible
    if not any(name in changes for name in checks):
        return changes
    out = dict(changes)
    for name, visible in checks.items():
        if name in out:
            out[name] = _mask(out[name], lambda pk, v=visible: v(user, pk))
    return out


def _mask(value: Any, visible: Any) -> Any:
    if isinstance(value, list):
        return [_mask(v, visible) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and not visible(value):
        return HIDDEN
    return value


def _portfolio_visible(user: Any, pk: int) -> bool:
    return role_map_for(user).portfolio_role(pk) is not None


def _program_visible(user: Any, pk: int) -> bool:
    from portfolium.portfolios.models import Program

    rolemap = role_map_for(user)
    if pk in rolemap.programs:
        return True
    # One query per request for the program -> portfolio map, kept on the role map like the roles themselves.
    owners: dict[int, int] | None = getattr(rolemap, "_program_portfolios", None)
    if owners is None:
        owners = dict(Program.objects.values_list("id", "portfolio_id"))
        rolemap._program_portfolios = owners  # type: ignore[attr-defined]
    return rolemap.portfolio_role(owners.get(pk)) is not None
