"""API schemas for the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from portfolium.accounts.schemas import UserRef
from portfolium.audit.models import AuditAction
from portfolium.audit.selectors import audit_changes_for

# The object types whose history can be asked for, as audit events name them.
AuditObjectType = Literal[
    "portfolio", "program", "project", "task", "dependency", "checklistitem", "comment",
    "strategicgoal", "customfield", "projectgoal", "membership", "team",
]


class AuditQuery(Schema):
    object_type: AuditObjectType
    object_id: int


class AuditEventOut(Schema):
    id: int
    at: dt.datetime
    actor: UserRef | None = Field(None, description="null for changes made by the system")
    action: AuditAction
    object_type: str
    object_id: int
    object_repr: str
    changes: dict[str, Any] = Field(
        ..., description='for updates, each field\'s [before, after]; ids of portfolios and programs you hold no role on read "hidden"'
    )

    @staticmethod
    def resolve_changes(obj: Any, context: Any) -> dict[str, Any]:
        return audit_changes_for(obj, user=context["request"].user)
