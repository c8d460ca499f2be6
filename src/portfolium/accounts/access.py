"""Organisation-level rights, and the one permission-checked way to reach a role membership."""

from __future__ import annotations

from typing import Any

from portfolium.accounts.models import Membership
from portfolium.accounts.roles import role_map_for
from portfolium.core.errors import NotFound, PermissionDenied


def org_admin_require(actor: Any, what: str = "do that") -> None:
    """People, teams and top-level portfolios are organisation-wide: only organisation administrators
    change them."""
    if not role_map_for(actor).is_admin:
        raise PermissionDenied(f"only an organisation administrator can {what}")


def membership_get_for_user(actor: Any, membership_id: int) -> Membership:
    """A membership on a scope the actor holds some role on; NotFound otherwise, as for a missing id."""
    membership = (
        Membership.objects.select_related("portfolio", "program", "project").filter(pk=membership_id).first()
    )
    if membership is None or role_map_for(actor).role_on(membership.scope) is None:
        raise NotFound("membership")
    return membership
