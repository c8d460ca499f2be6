"""Shared helpers for the per-app ``access`` modules: turn a resolved role into NotFound/PermissionDenied."""

from __future__ import annotations

from portfolium.accounts.models import Role
from portfolium.core.errors import NotFound, PermissionDenied


def require_role(held: int | None, need: int, what: str) -> int:
    """No role at all reads as "not found" so that nobody learns an object exists; too low a role is 403."""
    if held is None:
        raise NotFound(what)
    if held < need:
        raise PermissionDenied(f"this needs the {Role(need).label.lower()} role on this {what}")
    return held
