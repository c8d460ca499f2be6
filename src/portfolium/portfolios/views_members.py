"""The members panel of portfolio, program and project pages: who holds which role there, the roles inherited
from above (named only where the viewer may see where they come from), and granting and revoking for admins.

The panel is one fragment (``includes/_members.html``); grant and revoke answer with it re-rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portfolium.accounts.access import membership_get_for_user
from portfolium.accounts.models import Membership, Role
from portfolium.accounts.roles import role_map_for
from portfolium.accounts.selectors import membership_list, picker_people, team_list, user_list
from portfolium.accounts.services import membership_grant, membership_revoke
from portfolium.core.errors import NotFound, ValidationError
from portfolium.core.htmx import handle_errors
from portfolium.portfolios.access import portfolio_get_for_user, program_get_for_user
from portfolium.portfolios.selectors import portfolio_ancestor_ids

SCOPES = ("portfolio", "program", "project")


@dataclass
class Inherited:
    membership: Membership
    via: str
    via_url: str


def scope_get(user: Any, kind: str, scope_id: int, *, need: int = Role.VIEWER) -> Any:
    """The portfolio, program or project through its access door (404 / 403)."""
    from portfolium.projects.access import project_get_for_user

    if kind == "portfolio":
        return portfolio_get_for_user(user, scope_id, need=need)
    if kind == "program":
        return program_get_for_user(user, scope_id, need=need)
    if kind == "project":
        return project_get_for_user(user, scope_id, need=need)
    raise NotFound("scope")


def _inherited(user: Any, kind: str, obj: Any) -> list[Inherited]:
    """Memberships on the scopes above ``obj`` that the viewer may see, nearest first (two queries)."""
    rolemap = role_map_for(user)
    portfolio_ids = portfolio_ancestor_ids(obj.pk if kind == "portfolio" else obj.portfolio_id)
    if kind == "portfolio":
        portfolio_ids = portfolio_ids[1:]
    visible = [pid for pid in portfolio_ids if rolemap.portfolio_role(pid) is not None]
    q = Q(portfolio_id__in=visible)
    program_id = obj.program_id if kind == "project" else None
    if program_id and rolemap.program_role(program_id, obj.portfolio_id) is not None:
        q |= Q(program_id=program_id)
    else:
        program_id = None
    if not visible and program_id is None:
        return []
    rows = Membership.objects.filter(q).select_related("user", "team", "portfolio", "program")
    nearness = {pid: i + 1 for i, pid in enumerate(portfolio_ids)}
    out = []
    for m in sorted(rows, key=lambda m: (nearness.get(m.portfolio_id or 0, 0), -m.role, m.pk)):
        if m.program is not None:
            out.append(Inherited(m, m.program.name, reverse("portfolios:program", args=[m.program.pk])))
        elif m.portfolio is not None:
            out.append(Inherited(m, m.portfolio.name, reverse("portfolios:detail", args=[m.portfolio.pk])))
    return out


def members_context(user: Any, kind: str, obj: Any, **extra: Any) -> dict[str, Any]:
    """What ``includes/_members.html`` needs; a constant number of queries however many members there are."""
    can_manage = (role_map_for(user).role_on(obj) or 0) >= Role.ADMIN
    return {
        "m_kind": kind,
        "m_scope": obj,
        "m_direct": list(membership_list(**{kind: obj.pk})),
        "m_inherited": _inherited(user, kind, obj),
        "m_can_manage": can_manage,
        **_picker(can_manage, extra.get("m_pick_user")),
        "m_teams": list(team_list().prefetch_related(None)) if can_manage else [],
        "m_roles": Role.choices,
        "m_grant_url": reverse(f"{_app(kind)}:{kind}_members", args=[obj.pk]),
        "m_errors": {},
        "m_role": "",
        **extra,
    }


def _picker(can_manage: bool, picked: int | None) -> dict[str, Any]:
    """The first people for the grant picker (typing a name fetches the rest), keeping a picked person listed."""
    if not can_manage:
        return {"m_people": [], "m_people_more": False}
    people, more = picker_people()
    if picked and all(p.pk != picked for p in people):
        people += list(user_list().filter(pk=picked))
    return {"m_people": people, "m_people_more": more}


def _app(kind: str) -> str:
    return "projects" if kind == "project" else "portfolios"


def _principal(raw: str) -> dict[str, int]:
    """``user:3`` or ``team:7`` from the one select that offers both."""
    kind, _, pk = raw.partition(":")
    if kind not in ("user", "team") or not pk.isdigit():
        raise ValidationError({"principal": "choose a person or a team"})
    return {kind: int(pk)}


@login_required
@require_POST
@handle_errors
def grant(request: HttpRequest, kind: str, scope_id: int) -> HttpResponse:
    """Give a person or team a role here (admin on the scope); granting again changes the role."""
    obj = scope_get(request.user, kind, scope_id, need=Role.ADMIN)
    principal = request.POST.get("principal", "")
    role_raw = request.POST.get("role", "")
    try:
        try:
            role = int(role_raw)
        except ValueError:
            raise ValidationError({"role": "choose a role"}) from None
        who = _principal(principal)
        membership_grant(actor=request.user, role=role, **who, **{kind: obj.pk})
    except ValidationError as exc:
        errors = dict(exc.errors)
        for name in ("user", "team"):
            if name in errors:
                errors["principal"] = errors.pop(name)
        picked = principal.partition(":")
        context = members_context(
            request.user, kind, obj, m_errors=errors, m_role=role_raw,
            **({f"m_pick_{picked[0]}": int(picked[2])} if picked[0] in ("user", "team") and picked[2].isdigit() else {}),
        )
        return render(request, "includes/_members.html", context, status=422)
    return render(request, "includes/_members.html", members_context(request.user, kind, obj))


@login_required
@require_POST
@handle_errors
def revoke(request: HttpRequest, kind: str, scope_id: int, membership_id: int) -> HttpResponse:
    obj = scope_get(request.user, kind, scope_id)
    membership = membership_get_for_user(request.user, membership_id)
    if getattr(membership, f"{kind}_id") != obj.pk:
        raise NotFound("membership")
    membership_revoke(actor=request.user, membership=membership)  # admin on the scope, else 403
    return render(request, "includes/_members.html", members_context(request.user, kind, obj))
