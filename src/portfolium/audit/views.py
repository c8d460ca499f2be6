"""Present audit events for the history sections of pages: who, when, and each field's before -> after.

There is no audit page of its own yet; pages call :func:`history_rows` on events they already scoped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from portfolium.accounts.models import Role, User
from portfolium.audit.models import AuditEvent
from portfolium.audit.selectors import audit_changes_for

USER_FIELDS = {"owner", "manager", "sponsor", "user", "assignees", "author"}
TASK_FIELDS = {"parent", "predecessor", "successor"}
HIDDEN_FIELDS = {"position", "custom_fields"}
# A create or delete records a whole snapshot; these are the fields worth repeating in a history line.
SUMMARY_FIELDS = {
    "kind", "owner", "manager", "start", "finish", "due_date", "parent", "body", "contribution",
    "predecessor", "successor", "type", "lag", "lag_unit", "role", "user", "subtasks_deleted", "stage",
}


def _choice_labels() -> dict[str, dict[Any, str]]:
    from portfolium.projects.models import DependencyType, Health, Priority, Stage, TaskKind, TaskStatus

    return {
        "status": dict(TaskStatus.choices), "stage": dict(Stage.choices), "health": dict(Health.choices),
        "kind": dict(TaskKind.choices), "priority": dict(Priority.choices), "type": dict(DependencyType.choices),
        "role": {r.label: r.label for r in Role},
    }


@dataclass
class Change:
    field: str
    before: str | None  # None on creates and deletes, which record one value per field
    after: str


@dataclass
class HistoryRow:
    event: AuditEvent
    actor: str
    verb: str
    what: str
    changes: list[Change]


def history_rows(events: Iterable[AuditEvent], *, user: Any) -> list[HistoryRow]:
    """Format events as ``user`` may read them, resolving the people and tasks they mention in two queries at
    most (portfolio and program ids the user holds no role on read as "hidden")."""
    events = list(events)
    for e in events:
        e.changes = audit_changes_for(e, user=user)
    user_ids: set[int] = set()
    task_ids: set[int] = set()
    for e in events:
        for name, value in (e.changes or {}).items():
            values = value if isinstance(value, list) else [value]
            flat = [v for item in values for v in (item if isinstance(item, list) else [item])]
            ids = {v for v in flat if isinstance(v, int) and not isinstance(v, bool)}
            if name in USER_FIELDS:
                user_ids |= ids
            elif name in TASK_FIELDS:
                task_ids |= ids
    users = {u.pk: u.label for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    tasks: dict[int, str] = {}
    if task_ids:
        from portfolium.projects.models import Task

        tasks = dict(Task.objects.filter(pk__in=task_ids).values_list("id", "name"))
    labels = _choice_labels()

    def show(name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, list):
            return ", ".join(show(name, v) for v in value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if name in USER_FIELDS and isinstance(value, int):
            return users.get(value, "someone")
        if name in TASK_FIELDS and isinstance(value, int):
            return tasks.get(value, "a deleted task")
        if name in labels and value in labels[name]:
            return labels[name][value]
        if name in ("start", "finish", "due_date") and isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).strftime("%d %b %Y")
            except ValueError:
                return value
        text = str(value)
        return text if len(text) <= 120 else text[:117] + "…"

    rows = []
    for e in events:
        changes = []
        for name, value in (e.changes or {}).items():
            if name in HIDDEN_FIELDS:
                continue
            pretty = name.replace("_", " ")
            if e.action == "update" and isinstance(value, list) and len(value) == 2:
                before, after = show(name, value[0]), show(name, value[1])
                if before != after:
                    changes.append(Change(pretty, before, after))
            elif name in SUMMARY_FIELDS and value not in (None, "", [], 0):
                changes.append(Change(pretty, None, show(name, value)))
        if e.action == "update" and not changes and "position" in (e.changes or {}):
            changes.append(Change("position", None, "moved within its level"))
        verb = {"create": "created", "update": "changed", "delete": "deleted"}.get(e.action, e.action)
        kind = {"checklistitem": "checklist item", "projectgoal": "goal link"}.get(e.object_type, e.object_type)
        rows.append(HistoryRow(e, e.actor.label if e.actor else "System", verb, f"{kind} “{e.object_repr}”",
                               changes))
    return rows
