"""Sign-in, sign-out and the profile page with personal API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from portfolium.accounts.roles import role_label
from portfolium.accounts.selectors import api_token_list
from portfolium.accounts.services import api_token_create, api_token_revoke
from portfolium.core.errors import ValidationError
from portfolium.core.htmx import handle_errors, render_page


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link cannot sign someone out."""


def _tokens_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"tokens": list(api_token_list(user=request.user)), "errors": {}, "nav": "profile", **extra}


def _memberships(request: HttpRequest) -> list[tuple[str, str, str]]:
    rows = []
    for m in request.user.memberships.select_related("portfolio", "program", "project"):  # type: ignore[union-attr]
        scope = m.portfolio or m.program or m.project
        kind = "Portfolio" if m.portfolio_id else "Program" if m.program_id else "Project"
        rows.append((kind, str(scope), role_label(m.role)))
    return rows


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    context = _tokens_context(request, memberships=_memberships(request))
    return render_page(request, "accounts/profile.html", context, fragment="accounts/_tokens.html")


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """The secret is in this one response and nowhere else."""
    name = request.POST.get("name", "")
    try:
        token, secret = api_token_create(user=request.user, name=name)
    except ValidationError as exc:
        context = _tokens_context(request, errors=exc.errors, name=name, memberships=_memberships(request))
        return render_page(request, "accounts/profile.html", context, fragment="accounts/_tokens.html", status=422)
    context = _tokens_context(request, new_token=token, secret=secret, memberships=_memberships(request))
    response = render_page(request, "accounts/profile.html", context, fragment="accounts/_tokens.html")
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@handle_errors
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    api_token_revoke(user=request.user, token_id=token_id)
    context = _tokens_context(request, memberships=_memberships(request))
    return render_page(request, "accounts/profile.html", context, fragment="accounts/_tokens.html")
