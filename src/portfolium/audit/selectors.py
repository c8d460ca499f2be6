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
